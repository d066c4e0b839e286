/**
 * Fig. 4 (model-spec §9): novel movements from learned gain patterns. A pool of patterns learned
 * (reward rule) for generated targets; random libraries of l of them fitted to novel targets with
 * the default combination [GainLab definition 'primitives-combination': bounded coefficients],
 * and, for comparison, plain least squares: fit error vs the error of the network's output with
 * the combined gains (4c, with the identity line), error vs l (4d); then refining one
 * combination with the reward rule next to learning from scratch.
 *
 * Paper set-up (full): N = 200 (or the given network), pool of 100 patterns (reward rule, 5000
 * trials), l ∈ {1, 2, 5, 10, 20, 50}, 100 libraries × 100 novel targets, refine 5000 trials.
 * The pool, the targets and the library draws are Supp. 3's (shared checkpoint keys).
 * Quick: N = 40, pool 8 (Adam 40 iterations), l ∈ {1, 2, 4}, 5 libraries × 5 targets.
 */
import { pearson } from '../analysis/statistics.js';
import type { DefinitionId } from '../definitions.js';
import { baselineOutput, evaluateCombination, refineCombination, subLibrary, type CombinationRule } from '../primitives/library.js';
import { clock, networkSummary, experimentNetwork, generatedTargets, median, stack, type ExperimentDefinition, type ExperimentResult, type ExperimentRunOptions } from './support.js';
import { kthSmallest, middleRank, middleRankText } from '../primitives/sweep.js';
import { learnedPool, poolDepartures, sweepSizes, type PoolSettings } from './primitivesShared.js';
import { departuresFrom, networkDefinitions, settingsAsRun, setupSummary } from './setup.js';

export interface Fig4Settings extends PoolSettings {
  n: number;
  sizes: number[];
  libraries: number;
  novelTargets: number;
  novelTargetSeed: number;
  combination: CombinationRule;
  /** Library size of the refined combination. */
  refineSize: number;
  refineTrials: number;
  refineIterations: number;
}

export const FIG4_SETTINGS: { full: Fig4Settings; quick: Fig4Settings } = {
  full: {
    n: 200, pool: 100, rule: 'reward', trials: 5000, sigma: 0.001, iterations: 300, lr: 0.01, poolTargetSeed: 1001,
    sizes: [1, 2, 5, 10, 20, 50], libraries: 100, novelTargets: 100, novelTargetSeed: 3001, combination: 'bounded-coefficients',
    refineSize: 10, refineTrials: 5000, refineIterations: 0,
  },
  // Quick: Adam learns a usable pool on N = 40 in a second; the reward rule would need thousands of trials.
  quick: {
    n: 40, pool: 8, rule: 'gradient', trials: 0, sigma: 0.001, iterations: 40, lr: 0.05, poolTargetSeed: 1001,
    sizes: [1, 2, 4], libraries: 5, novelTargets: 5, novelTargetSeed: 3001, combination: 'bounded-coefficients',
    refineSize: 4, refineTrials: 0, refineIterations: 30,
  },
};

const LABELS: Partial<Record<keyof Fig4Settings, string>> = {
  n: 'network size',
  pool: 'pool size',
  sizes: 'library sizes',
  libraries: 'libraries per size',
  novelTargets: 'novel targets',
  combination: 'combination rule',
};

/** The refinement runs the pool's rule: its trials, or its Adam iterations (quick). */
function refineDepartures(paper: Fig4Settings, ran: Fig4Settings): string[] {
  const how = (s: Fig4Settings) => (s.rule === 'reward' ? `${s.refineTrials} reward-rule trials` : `${s.refineIterations} Adam iterations`);
  return how(paper) === how(ran) ? [] : [`refine ${how(ran)} (paper ${how(paper)})`];
}

export interface Fig4Options extends ExperimentRunOptions {
  settings?: Partial<Fig4Settings>;
}

/** A combination rule in the words figures, legends and progress use (not its id, 'bounded-coefficients'). */
const COMBINATION_WORDS: Record<CombinationRule, string> = { 'bounded-coefficients': 'bounded coefficients', 'least-squares': 'least squares' };

/** A given network keeps its readout: only an own network adds how it is made. */
export function fig4Definitions(givenNetwork: boolean): DefinitionId[] {
  return ['primitives-combination', 'generated-targets', ...networkDefinitions(givenNetwork)];
}

export function runFig4(options: Fig4Options): ExperimentResult {
  const started = clock();
  const settings: Fig4Settings = { ...(options.quick ? FIG4_SETTINGS.quick : FIG4_SETTINGS.full), ...options.settings };
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  progress('network');
  const prepared = experimentNetwork(options, settings.n, 1);
  const { network, params } = prepared;
  const { pool, ms: poolMs } = learnedPool(options, network, params, settings, 'pool');
  const baseline = baselineOutput(network, params);
  const targets = generatedTargets(settings.novelTargets, settings.novelTargetSeed, params);
  const poolKey = `${settings.rule}:${settings.pool}`;
  const sweepOptions = { sizes: settings.sizes, libraries: settings.libraries, targetSeed: settings.novelTargetSeed };
  const combination = COMBINATION_WORDS[settings.combination];
  const sweep = sweepSizes(options, network, params, pool, poolKey, baseline, targets, { ...sweepOptions, fit: { rule: settings.combination } }, combination);
  const plain = sweepSizes(options, network, params, pool, poolKey, baseline, targets, { ...sweepOptions, fit: { rule: 'least-squares' } }, 'least squares');

  // Refine: target 0 with the refine-size library whose output error on it is the median one.
  progress('refining one combination');
  const refineStarted = clock();
  const refineSweep = sweep.find((s) => s.librarySize === settings.refineSize) ?? sweep[sweep.length - 1];
  let refine: { combinationError: number; refinedBestError: number; scratchBestError: number; refined: Float64Array; scratch: Float64Array } | null = null;
  if (refineSweep && !options.shouldStop?.()) {
    const errs = Array.from({ length: refineSweep.libraries }, (_, j) => refineSweep.outputErrors[j * refineSweep.targets]);
    const j = errs.indexOf(kthSmallest(errs, middleRank(errs.length)));
    const combination = evaluateCombination(network, params, subLibrary(pool, refineSweep.members[j]), baseline, targets[0], undefined, { rule: settings.combination });
    const rule = { rule: settings.rule, seed: seed + 7, trials: settings.refineTrials, iterations: settings.refineIterations, lr: settings.lr, sigma: settings.sigma };
    const r = refineCombination(network, params, combination.gains, targets[0], rule, true, options.shouldStop);
    refine = { combinationError: combination.outputError, refinedBestError: r.refined.bestError, scratchBestError: r.scratch?.bestError ?? NaN, refined: r.refined.errors, scratch: r.scratch?.errors ?? new Float64Array(0) };
  }
  const refineMs = clock() - refineStarted;

  const allFit = sweep.flatMap((s) => Array.from(s.perLibraryFit));
  const allOut = sweep.flatMap((s) => Array.from(s.perLibraryOutput));
  const plainFit = plain.flatMap((s) => Array.from(s.perLibraryFit));
  const plainOut = plain.flatMap((s) => Array.from(s.perLibraryOutput));
  const ranSettings = settingsAsRun(settings, options);
  const departures = [...departuresFrom(FIG4_SETTINGS.full, ranSettings, LABELS), ...poolDepartures(FIG4_SETTINGS.full, ranSettings), ...refineDepartures(FIG4_SETTINGS.full, ranSettings)];
  if (!options.network) departures.unshift('own SOC network instead of the published one');
  const refineRows: number[][] = [];
  if (refine) for (let k = 0; k < Math.max(refine.refined.length, refine.scratch.length); k++) refineRows.push([k, refine.refined[k] ?? NaN, refine.scratch[k] ?? NaN]);
  const perSize = (list: typeof sweep) => list.map((s) => ({ l: s.librarySize, medianFit: s.medianFit, medianOutput: s.medianOutput, correlationOverLibraries: s.correlationOverLibraries, correlationOverTargets: s.correlationOverTargets }));
  return {
    name: 'fig4',
    title: 'Fig. 4: motor primitives — novel movements from combined gain patterns',
    quick: options.quick,
    seed,
    summary: {
      settings: ranSettings,
      setup: setupSummary(fig4Definitions(Boolean(options.network)), departures),
      n: network.n,
      network: networkSummary(options, settings.n),
      poolSize: pool.size,
      poolMedianError: median(pool.errors),
      combination: settings.combination,
      perSize: perSize(sweep),
      leastSquaresPerSize: perSize(plain),
      fitOutputCorrelation: pearson(allFit, allOut),
      leastSquaresFitOutputCorrelation: pearson(plainFit, plainOut),
      medianFitError: median(allFit),
      medianOutputError: median(allOut),
      leastSquares: { medianFitError: median(plainFit), medianOutputError: median(plainOut) },
      refine: refine ? { combinationError: refine.combinationError, refinedBestError: refine.refinedBestError, scratchBestError: refine.scratchBestError } : null,
      wallMs: { pool: poolMs, refine: refineMs, networkBuild: prepared.buildMs },
    },
    tables: [
      {
        name: 'per_library',
        columns: ['combination', 'library_size', 'library', 'fit_error_50th', 'output_error_50th'],
        rows: [
          ...sweep.flatMap((s) => Array.from(s.perLibraryFit, (f, j) => [settings.combination, s.librarySize, j, f, s.perLibraryOutput[j]])),
          ...plain.flatMap((s) => Array.from(s.perLibraryFit, (f, j) => ['least-squares', s.librarySize, j, f, s.perLibraryOutput[j]])),
        ],
      },
      { name: 'refine_curves', columns: ['step', 'refined_error', 'scratch_error'], rows: refineRows },
    ],
    arrays: [
      { name: 'pool_gains', shape: [pool.size, network.n], data: pool.gains },
      { name: 'baseline_output', shape: [params.nSamples], data: baseline },
      stack('novel_targets', targets),
    ],
    figures: [
      {
        kind: 'scatter',
        name: 'fig4c_fit_vs_output', definitions: ['primitives-combination'],
        title: `Fig. 4c: fit vs output error per library (the ${middleRankText(settings.novelTargets)} targets' errors), ${combination}`,
        xLabel: 'fit error',
        yLabel: 'output error',
        logX: true,
        logY: true,
        identity: true,
        series: sweep.map((s) => ({ name: `l = ${s.librarySize}`, x: s.perLibraryFit, y: s.perLibraryOutput })),
      },
      {
        kind: 'scatter',
        name: 'fig4c_fit_vs_output_least_squares',
        title: 'Fig. 4c with plain least squares (the coefficients are not bounded)',
        xLabel: 'fit error',
        yLabel: 'output error',
        logX: true,
        logY: true,
        identity: true,
        series: plain.map((s) => ({ name: `l = ${s.librarySize}`, x: s.perLibraryFit, y: s.perLibraryOutput })),
      },
      {
        kind: 'lines',
        name: 'fig4d_error_vs_library_size', definitions: ['primitives-combination'],
        title: 'Fig. 4d: median error vs library size',
        xLabel: 'library size l',
        yLabel: 'error',
        logY: true,
        series: [
          { name: `output (${combination})`, x: sweep.map((s) => s.librarySize), y: sweep.map((s) => s.medianOutput) },
          { name: `fit (${combination})`, x: sweep.map((s) => s.librarySize), y: sweep.map((s) => s.medianFit), dashed: true },
          { name: 'output (least squares)', x: plain.map((s) => s.librarySize), y: plain.map((s) => s.medianOutput) },
          { name: 'fit (least squares)', x: plain.map((s) => s.librarySize), y: plain.map((s) => s.medianFit), dashed: true },
        ],
      },
      {
        kind: 'lines',
        name: 'fig4_refine',
        title: 'Refining the combination vs learning from scratch',
        xLabel: settings.rule === 'reward' ? 'trial' : 'iteration',
        yLabel: 'error',
        logY: true,
        series: [
          { name: 'from the combination', x: refineRows.map((r) => r[0]), y: refineRows.map((r) => r[1]) },
          { name: 'from g = 1', x: refineRows.map((r) => r[0]), y: refineRows.map((r) => r[2]), dashed: true },
        ],
      },
    ],
    elapsedMs: clock() - started,
    stopped: options.shouldStop?.() ?? false,
  };
}

export const fig4: ExperimentDefinition = {
  name: 'fig4',
  title: 'Fig. 4: motor primitives',
  description:
    'A pool of learned patterns; random libraries of l patterns fitted to novel targets (bounded coefficients, and plain least squares for comparison); fit vs output error; refine vs scratch. ' +
    'Paper set-up: N = 200, pool 100 (reward rule), l up to 50, 100 libraries × 100 targets. Quick: N = 40, pool 8, l ≤ 4.',
  run: runFig4,
};
