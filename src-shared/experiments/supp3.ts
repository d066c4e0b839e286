/**
 * Supp. Figs. 3–4 experiment (model-spec §9): library sweeps. A pool of L learned gain patterns;
 * for each library size l, random l-subsets with a novel target each: fit error against output
 * error (and their correlation per l). Controls: libraries of random gain patterns drawn from the
 * normal fit to the learned gains' deviations (Supp. Fig. 3c), and the whole sweep again with
 * baseline rate r0 = 5 Hz (readout refitted, pool relearned).
 *
 * Full: N = 200, L = 50 (reward rule, 3000 trials each), l ∈ {1, 2, 3, 5, 10, 20, 30, 40, 50},
 * 40 libraries per l. Quick: N = 40, L = 6, Adam 25 iterations, l ∈ {1, 2, 4, 6}, 5 libraries per l.
 */
import type { DynamicsParams } from '../model/params.js';
import type { Network } from '../model/network.js';
import {
  baselineOutput,
  gainDeviationDistribution,
  learnLibrary,
  librarySweep,
  randomControlLibrary,
  type PrimitiveLibrary,
  type SweepPoint,
} from '../primitives/library.js';
import {
  clock,
  experimentNetwork,
  generatedTargets,
  median,
  type ExperimentDefinition,
  type ExperimentResult,
  type ExperimentRunOptions,
} from '../primitives/experimentSupport.js';

export const SUPP3_SETTINGS = {
  full: { n: 200, pool: 50, rule: 'reward' as const, trials: 3000, iterations: 0, lr: 0.01, sizes: [1, 2, 3, 5, 10, 20, 30, 40, 50], repeats: 40, novelTargets: 40, lowBaselineRate: 5 },
  quick: { n: 40, pool: 6, rule: 'gradient' as const, trials: 0, iterations: 25, lr: 0.05, sizes: [1, 2, 4, 6], repeats: 5, novelTargets: 5, lowBaselineRate: 5 },
};

interface ConditionResult {
  condition: string;
  points: SweepPoint[];
  pool: PrimitiveLibrary;
  ms: number;
}

/** Ridge penalty of the 'learned_ridge' sweep (δ; see library.ts FitOptions). */
export const SUPP3_RIDGE = 0.01;

export function runSupp3(options: ExperimentRunOptions): ExperimentResult {
  const started = clock();
  const settings = options.quick ? SUPP3_SETTINGS.quick : SUPP3_SETTINGS.full;
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  const results: ConditionResult[] = [];

  const sweepOn = (condition: string, network: Network, params: DynamicsParams, pool: PrimitiveLibrary, sweepSeed: number): void =>
    sweepOnWith(condition, network, params, pool, sweepSeed, 0);
  function sweepOnWith(condition: string, network: Network, params: DynamicsParams, pool: PrimitiveLibrary, sweepSeed: number, ridge: number): void {
    const t = clock();
    progress(`${condition}: sweep over l = ${settings.sizes.join(', ')}`);
    const baseline = baselineOutput(network, params);
    const novel = generatedTargets(settings.novelTargets, 3001, params);
    const points = librarySweep(network, params, pool, baseline, novel, { sizes: settings.sizes.filter((l) => l <= pool.size), repeats: settings.repeats, seed: sweepSeed, ridge }, undefined, options.shouldStop);
    results.push({ condition, points, pool, ms: clock() - t });
  }

  const learnPool = (label: string, network: Network, params: DynamicsParams): { pool: PrimitiveLibrary; ms: number } => {
    progress(`${label}: learning a pool of ${settings.pool} patterns (${settings.rule} rule)`);
    const t = clock();
    const targets = generatedTargets(settings.pool, 1001, params);
    const pool = learnLibrary(network, params, targets, { rule: settings.rule, seed, trials: settings.trials, iterations: settings.iterations, lr: settings.lr }, undefined, options.shouldStop);
    return { pool, ms: clock() - t };
  };

  const standard = experimentNetwork(options, settings.n, 1);
  const learned = learnPool('learned', standard.network, standard.params);
  sweepOn('learned', standard.network, standard.params, learned.pool, seed + 1);
  // The learned pool again with a small ridge penalty on the coefficients (library.ts FitOptions).
  sweepOnWith('learned_ridge', standard.network, standard.params, learned.pool, seed + 1, SUPP3_RIDGE);
  const distribution = gainDeviationDistribution(learned.pool);
  const control = randomControlLibrary(standard.network, standard.params, distribution, learned.pool.size, seed + 2);
  sweepOn('random_control', standard.network, standard.params, control, seed + 1);

  let lowRatePoolMs = 0;
  if (!options.shouldStop?.()) {
    const low = experimentNetwork(options, settings.n, 1, { r0: settings.lowBaselineRate });
    const lowPool = learnPool(`r0 = ${settings.lowBaselineRate} Hz`, low.network, low.params);
    lowRatePoolMs = lowPool.ms;
    sweepOn(`r0_${settings.lowBaselineRate}Hz`, low.network, low.params, lowPool.pool, seed + 1);
  }

  const sweepRows: Array<Array<number | string>> = [];
  const correlationRows: Array<Array<number | string>> = [];
  for (const r of results) {
    for (const p of r.points) {
      for (let k = 0; k < p.fitErrors.length; k++) sweepRows.push([r.condition, p.librarySize, k, p.fitErrors[k], p.outputErrors[k]]);
      correlationRows.push([r.condition, p.librarySize, p.correlation, p.logCorrelation, median(p.fitErrors), median(p.outputErrors)]);
    }
  }
  return {
    name: 'supp3',
    title: 'Supp. Figs. 3–4: library sweeps, random-pattern control and r0 = 5 Hz',
    quick: options.quick,
    seed,
    summary: {
      settings,
      n: standard.network.n,
      learnedDeviation: distribution,
      poolErrors: { learned: median(learned.pool.errors) },
      perCondition: results.map((r) => ({
        condition: r.condition,
        sweepMs: r.ms,
        perSize: r.points.map((p) => ({ l: p.librarySize, correlation: p.correlation, logCorrelation: p.logCorrelation, medianFit: median(p.fitErrors), medianOutput: median(p.outputErrors) })),
      })),
      wallMs: { learnedPool: learned.ms, lowRatePool: lowRatePoolMs },
    },
    tables: [
      { name: 'sweep', columns: ['condition', 'library_size', 'repeat', 'fit_error', 'output_error'], rows: sweepRows },
      { name: 'correlation', columns: ['condition', 'library_size', 'pearson', 'pearson_log10', 'median_fit_error', 'median_output_error'], rows: correlationRows },
    ],
    arrays: results.map((r) => ({ name: `pool_gains_${r.condition}`, shape: [r.pool.size, r.pool.n], data: r.pool.gains })),
    figures: [
      {
        kind: 'lines',
        name: 'median_errors_vs_library_size',
        title: 'Median fit (dashed) and output errors vs library size',
        xLabel: 'library size l',
        yLabel: 'error',
        logY: true,
        series: results.flatMap((r) => [
          { name: `${r.condition} output`, x: r.points.map((p) => p.librarySize), y: r.points.map((p) => median(p.outputErrors)) },
          { name: `${r.condition} fit`, x: r.points.map((p) => p.librarySize), y: r.points.map((p) => median(p.fitErrors)), dashed: true },
        ]),
      },
      {
        kind: 'lines',
        name: 'correlation_vs_library_size',
        title: 'Pearson correlation of log10 fit and output errors',
        xLabel: 'library size l',
        yLabel: 'r',
        series: results.map((r) => ({ name: r.condition, x: r.points.map((p) => p.librarySize), y: r.points.map((p) => p.logCorrelation) })),
      },
    ],
    elapsedMs: clock() - started,
    stopped: options.shouldStop?.() ?? false,
  };
}

export const supp3: ExperimentDefinition = {
  name: 'supp3',
  title: 'Supp. Figs. 3–4: library sweeps',
  description:
    'Fit vs output error for random libraries of l learned patterns (and random-pattern controls, and r0 = 5 Hz). ' +
    'Full: N = 200, pool 50, l up to 50, 40 libraries per l. Quick: N = 40, pool 6, l ≤ 6, 5 per l.',
  run: runSupp3,
};
