/**
 * Supp. Figs. 3–4 (model-spec §9): gain patterns as motor primitives, panel by panel.
 *
 *  3a  the gains of a pool of patterns learned for 100 targets, with a normal fit
 *  3b  the pool's outputs;  3c  outputs of random patterns drawn from that normal
 *      [GainLab definition 'random-control-library'] — much more alike (mean pairwise r)
 *  3d  error vs library size l (medians over libraries of the 50th-smallest over targets),
 *      learned vs random libraries;  3f  its output vs fit error
 *  3e  error distributions over the libraries at l = 5 and 20
 *  3g  per library the 50th-smallest error over the targets, fit vs output, identity line
 *  3h  per target the 50th-smallest over the libraries, l ≤ 20
 *  3i/3j  Pearson r of fit and output errors (raw) over libraries / over targets, per l
 *  4a–d  the same at baseline rate r0 = 5 Hz (readout refitted, pool relearned): outputs of the
 *      library with the 50th-smallest output error at l = 2, 4, 8, 16; fit vs output; Pearson r.
 * Combination [GainLab definition 'primitives-combination']: bounded coefficients by default.
 *
 * Paper set-up (full): N = 200 (or the given network), pool of 100 reward-rule patterns (5000
 * trials, σ = 0.001), l = 1…50, 100 libraries × 100 novel targets per l, r0 = 5 Hz likewise.
 * Quick: N = 40, pool 10 (Adam 25 iterations), l ∈ {1, 2, 4, 8}, 6 libraries × 6 targets.
 */
import { fitNormal, histogram, mean, pearson } from '../analysis/statistics.js';
import type { DefinitionId } from '../definitions.js';
import type { DynamicsParams } from '../model/params.js';
import type { Network } from '../model/network.js';
import { sampleTimes } from '../model/params.js';
import {
  baselineOutput,
  evaluateCombination,
  gainDeviationDistribution,
  randomControlLibrary,
  subLibrary,
  type CombinationRule,
  type PrimitiveLibrary,
} from '../primitives/library.js';
import { clock, networkSummary, experimentNetwork, generatedTargets, median, type ExperimentDefinition, type ExperimentResult, type ExperimentRunOptions } from './support.js';
import { kthSmallest, middleRank, middleRankText, type SweepSize } from '../primitives/sweep.js';
import { zeroCentredScale, type FigureSpec } from './figureSpec.js';
import { learnedPool, poolDepartures, sweepSizes, type PoolSettings } from './primitivesShared.js';
import { departuresFrom, networkDefinitions, settingsAsRun, setupSummary } from './setup.js';

export interface Supp3Settings extends PoolSettings {
  n: number;
  sizes: number[];
  libraries: number;
  novelTargets: number;
  novelTargetSeed: number;
  lowBaselineRate: number;
  /** Supp. 4 sizes (b uses those ≤ 20, c–d all). */
  lowRateSizes: number[];
  rule: 'reward' | 'gradient';
  combination: CombinationRule;
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k);

export const SUPP3_SETTINGS: { full: Supp3Settings; quick: Supp3Settings } = {
  full: {
    n: 200, pool: 100, rule: 'reward', trials: 5000, sigma: 0.001, iterations: 300, lr: 0.01, poolTargetSeed: 1001,
    sizes: range(1, 50), libraries: 100, novelTargets: 100, novelTargetSeed: 3001, lowBaselineRate: 5, lowRateSizes: range(1, 50), combination: 'bounded-coefficients',
  },
  quick: {
    n: 40, pool: 10, rule: 'gradient', trials: 0, sigma: 0.001, iterations: 25, lr: 0.05, poolTargetSeed: 1001,
    sizes: [1, 2, 4, 8], libraries: 6, novelTargets: 6, novelTargetSeed: 3001, lowBaselineRate: 5, lowRateSizes: [1, 2, 4, 8], combination: 'bounded-coefficients',
  },
};

const LABELS: Partial<Record<keyof Supp3Settings, string>> = {
  n: 'network size',
  pool: 'pool size',
  sizes: 'library sizes',
  libraries: 'libraries per size',
  novelTargets: 'novel targets',
  lowRateSizes: 'library sizes at r0 = 5 Hz',
  combination: 'combination rule',
};

export interface Supp3Options extends ExperimentRunOptions {
  settings?: Partial<Supp3Settings>;
}

/** Supp. 4's r0 = 5 Hz condition refits the readout (NNLS), on a given network too. */
export function supp3Definitions(givenNetwork: boolean): DefinitionId[] {
  return ['primitives-combination', 'random-control-library', 'generated-targets', ...networkDefinitions(givenNetwork, true)];
}

/** Mean off-diagonal Pearson r between the outputs of a library's patterns (3b vs 3c: how alike they are). */
export function meanOutputCorrelation(library: PrimitiveLibrary): number {
  const length = library.channels * library.nSamples;
  const values: number[] = [];
  for (let a = 0; a < library.size; a++)
    for (let b = a + 1; b < library.size; b++) values.push(pearson(library.outputs.subarray(a * length, (a + 1) * length), library.outputs.subarray(b * length, (b + 1) * length)));
  return mean(values.filter(Number.isFinite));
}

interface Condition {
  condition: string;
  network: Network;
  params: DynamicsParams;
  pool: PrimitiveLibrary;
  baseline: Float64Array;
  targets: Float64Array[];
  sweep: SweepSize[];
  ms: number;
}

function outputsHeatmap(name: string, title: string, library: PrimitiveLibrary, params: DynamicsParams, scale: { min: number; max: number }): FigureSpec {
  const length = library.channels * library.nSamples;
  // one channel: columns are times; several: channel after channel, so columns stay numbered
  const columns = library.channels === 1 ? { xLabel: 'time (ms)', xStart: 0, xStep: params.duration / (library.nSamples - 1) } : { xLabel: 'time sample (channel after channel)' };
  return { kind: 'heatmap', name, title, ...columns, yLabel: 'pattern', rows: library.size, cols: length, data: library.outputs.subarray(0, library.size * length), ...scale };
}

/** Scatter series of per-library or per-target (fit, output) values, grouped into l ranges (keeps the legend short). */
function groupedScatter(sweep: readonly SweepSize[], which: 'library' | 'target', maxL = Infinity): Array<{ name: string; x: Float64Array; y: Float64Array }> {
  const bins: Array<[number, number]> = [[1, 2], [3, 5], [6, 10], [11, 20], [21, 50], [51, Infinity]];
  const out: Array<{ name: string; x: Float64Array; y: Float64Array }> = [];
  for (const [lo, hi] of bins) {
    const sizes = sweep.filter((s) => s.librarySize >= lo && s.librarySize <= Math.min(hi, maxL));
    if (sizes.length === 0) continue;
    const x = sizes.flatMap((s) => Array.from(which === 'library' ? s.perLibraryFit : s.perTargetFit));
    const y = sizes.flatMap((s) => Array.from(which === 'library' ? s.perLibraryOutput : s.perTargetOutput));
    out.push({ name: hi === Infinity ? `l ≥ ${lo}` : `l = ${lo}–${hi}`, x: Float64Array.from(x), y: Float64Array.from(y) });
  }
  return out;
}

export function runSupp3(options: Supp3Options): ExperimentResult {
  const started = clock();
  const settings: Supp3Settings = { ...(options.quick ? SUPP3_SETTINGS.quick : SUPP3_SETTINGS.full), ...options.settings };
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  const fit = { rule: settings.combination };
  const conditions: Condition[] = [];
  const poolKey = `${settings.rule}:${settings.pool}`;

  const standard = experimentNetwork(options, settings.n, 1);
  const learned = learnedPool(options, standard.network, standard.params, settings, 'learned');
  const baseline = baselineOutput(standard.network, standard.params);
  const targets = generatedTargets(settings.novelTargets, settings.novelTargetSeed, standard.params);
  const sweepOf = (label: string, network: Network, params: DynamicsParams, pool: PrimitiveLibrary, key: string, base: Float64Array, t: Float64Array[], sizes: number[]) => {
    const t0 = clock();
    const sweep = sweepSizes(options, network, params, pool, key, base, t, { sizes, libraries: settings.libraries, targetSeed: settings.novelTargetSeed, fit }, label);
    conditions.push({ condition: label, network, params, pool, baseline: base, targets: t, sweep, ms: clock() - t0 });
  };
  sweepOf('learned', standard.network, standard.params, learned.pool, poolKey, baseline, targets, settings.sizes);
  const distribution = gainDeviationDistribution(learned.pool);
  const control = randomControlLibrary(standard.network, standard.params, distribution, learned.pool.size, seed + 2);
  sweepOf('random', standard.network, standard.params, control, `random:${settings.pool}:${seed + 2}`, baseline, targets, settings.sizes);

  let lowRatePoolMs = 0;
  let lowRatePool: PrimitiveLibrary | null = null;
  if (!options.shouldStop?.()) {
    const low = experimentNetwork(options, settings.n, 1, { r0: settings.lowBaselineRate });
    const lowPool = learnedPool(options, low.network, low.params, settings, `r0 = ${settings.lowBaselineRate} Hz`);
    lowRatePoolMs = lowPool.ms;
    lowRatePool = lowPool.pool;
    const lowBaseline = baselineOutput(low.network, low.params);
    sweepOf(`r0_${settings.lowBaselineRate}Hz`, low.network, low.params, lowPool.pool, poolKey, lowBaseline, generatedTargets(settings.novelTargets, settings.novelTargetSeed, low.params), settings.lowRateSizes);
  }
  const [learnedC, randomC, lowC] = conditions;

  // ---- figures ----
  const figures: FigureSpec[] = [];
  const gains = learned.pool.gains;
  const gFit = fitNormal(gains);
  const h = histogram(gains, 40);
  const pdfX = Float64Array.from({ length: 200 }, (_, k) => h.edges[0] + ((h.edges[40] - h.edges[0]) * k) / 199);
  figures.push({
    kind: 'histogram',
    name: 'supp3a_gain_distribution',
    title: `Supp. 3a: gains of ${learned.pool.size} learned patterns (normal fit μ = ${gFit.mu.toFixed(3)}, σ = ${gFit.sigma.toFixed(3)})`,
    xLabel: 'gain',
    yLabel: 'density',
    edges: h.edges,
    heights: h.density,
    overlay: { name: 'normal fit', x: pdfX, y: pdfX.map((x) => Math.exp(-0.5 * ((x - gFit.mu) / gFit.sigma) ** 2) / (gFit.sigma * Math.sqrt(2 * Math.PI))) },
  });
  // 3b and 3c on one colour scale, white = an output of 0, so their spread compares at a glance
  // (each on its own range put white wherever the middle of its outputs fell)
  const outputScale = zeroCentredScale(learned.pool.outputs, control.outputs);
  figures.push(outputsHeatmap('supp3b_pool_outputs', `Supp. 3b: outputs of the ${learned.pool.size} learned patterns`, learned.pool, standard.params, outputScale));
  figures.push({ ...outputsHeatmap('supp3c_random_outputs', `Supp. 3c: outputs of ${control.size} random patterns from the fitted normal`, control, standard.params, outputScale), definitions: ['random-control-library'] });
  const bySize = (c: Condition | undefined, f: (s: SweepSize) => number) => (c ? { x: c.sweep.map((s) => s.librarySize), y: c.sweep.map(f) } : { x: [], y: [] });
  figures.push({
    kind: 'lines',
    name: 'supp3d_error_vs_library_size', definitions: ['primitives-combination', 'random-control-library'],
    title: `Supp. 3d / Fig. 4d: error vs library size (median over libraries of the ${middleRankText(settings.novelTargets)} targets)`,
    xLabel: 'library size l',
    yLabel: 'error',
    logY: true,
    series: [
      { name: 'learned, output', ...bySize(learnedC, (s) => s.medianOutput) },
      { name: 'learned, fit', ...bySize(learnedC, (s) => s.medianFit), dashed: true },
      { name: 'random, output', ...bySize(randomC, (s) => s.medianOutput) },
      { name: 'random, fit', ...bySize(randomC, (s) => s.medianFit), dashed: true },
    ],
  });
  for (const l of [5, 20]) {
    const s = learnedC?.sweep.find((x) => x.librarySize === l);
    if (!s) continue;
    const hh = histogram(Array.from(s.perLibraryOutput).map(Math.log10), 20);
    figures.push({ kind: 'histogram', name: `supp3e_errors_l${l}`, title: `Supp. 3e: output errors over ${s.libraries} libraries, l = ${l} (log10)`, xLabel: 'log10 output error', yLabel: 'libraries', edges: hh.edges, heights: hh.counts });
  }
  figures.push({
    kind: 'scatter',
    name: 'supp3f_output_vs_fit', definitions: ['primitives-combination'],
    title: 'Supp. 3f: output vs fit error of 3d (each point one l)',
    xLabel: 'fit error',
    yLabel: 'output error',
    logX: true,
    logY: true,
    identity: true,
    series: [
      { name: 'learned', x: learnedC?.sweep.map((s) => s.medianFit) ?? [], y: learnedC?.sweep.map((s) => s.medianOutput) ?? [] },
      { name: 'random', x: randomC?.sweep.map((s) => s.medianFit) ?? [], y: randomC?.sweep.map((s) => s.medianOutput) ?? [] },
    ],
  });
  if (learnedC) {
    figures.push({ kind: 'scatter', name: 'supp3g_per_library', definitions: ['primitives-combination'], title: `Supp. 3g / Fig. 4c: per library, the ${middleRankText(settings.novelTargets)} targets' errors`, xLabel: 'fit error', yLabel: 'output error', logX: true, logY: true, identity: true, series: groupedScatter(learnedC.sweep, 'library') });
    figures.push({ kind: 'scatter', name: 'supp3h_per_target', definitions: ['primitives-combination'], title: `Supp. 3h: per target, the ${middleRankText(settings.libraries)} libraries' errors (l ≤ 20), in [0, 1]²`, xLabel: 'fit error', yLabel: 'output error', identity: true, xRange: [0, 1], yRange: [0, 1], series: groupedScatter(learnedC.sweep, 'target', 20) });
  }
  const corr = (c: Condition | undefined, which: 'lib' | 'tgt') => bySize(c, (s) => (which === 'lib' ? s.correlationOverLibraries : s.correlationOverTargets));
  figures.push({
    kind: 'lines',
    name: 'supp3ij_correlations', definitions: ['primitives-combination'],
    title: 'Supp. 3i–j: Pearson r of fit and output errors (raw) over libraries (i) and over targets (j)',
    xLabel: 'library size l',
    yLabel: 'Pearson r',
    series: [
      { name: 'over libraries (i)', ...corr(learnedC, 'lib') },
      { name: 'over targets (j)', ...corr(learnedC, 'tgt'), dashed: true },
    ],
  });
  // Supp. 4a's plotted libraries (pool indices) and their coefficients: with the r0 = 5 Hz pool's
  // gains (array pool_gains_r0_5Hz) they give every plotted fit and output again.
  const lowRatePlotted: Array<{ l: number; library: number[]; coefficients: number[] }> = [];
  if (lowC) {
    const times = sampleTimes(lowC.params);
    const series: Array<{ name: string; x: Float64Array; y: ArrayLike<number>; dashed?: boolean }> = [{ name: 'target', x: times, y: lowC.targets[0], dashed: true }];
    for (const l of [2, 4, 8, 16]) {
      const s = lowC.sweep.find((x) => x.librarySize === l);
      if (!s) continue;
      // The library whose output error on target 0 is the middle one of all libraries (the paper's 50th of 100).
      const errs = Array.from({ length: s.libraries }, (_, j) => s.outputErrors[j * s.targets]);
      const kth = kthSmallest(errs, middleRank(s.libraries));
      const j = errs.indexOf(kth);
      const library = subLibrary(lowC.pool, s.members[j]);
      const combination = evaluateCombination(lowC.network, lowC.params, library, lowC.baseline, lowC.targets[0], undefined, fit);
      series.push({ name: `l = ${l} fit`, x: times, y: combination.fit, dashed: true }, { name: `l = ${l} output`, x: times, y: combination.output });
      lowRatePlotted.push({ l, library: [...s.members[j]], coefficients: Array.from(combination.coefficients) });
    }
    // At t = 0 the state is x0 whatever the gains, so every output starts at b + Σ β_i f(x0_i; g_i):
    // near the gains-1 readout's start, which its NNLS fit over the whole movement need not put at
    // the target's 0 (a quick run's small network starts near 7). The title says so.
    figures.push({ kind: 'lines', name: 'supp4a_outputs_r0_5Hz', definitions: ['primitives-combination', 'readout-nnls'], title: `Supp. 4a: target, fit and output (the library with the ${middleRankText(settings.libraries)} output errors), r0 = 5 Hz; at t = 0 all start where the gains-1 readout starts, not necessarily at the target's 0`, xLabel: 'time (ms)', yLabel: 'output', series });
    figures.push({ kind: 'scatter', name: 'supp4b_per_library_r0_5Hz', definitions: ['primitives-combination', 'readout-nnls'], title: `Supp. 4b: per library, the ${middleRankText(settings.novelTargets)} targets' errors, l ≤ 20, r0 = 5 Hz`, xLabel: 'fit error', yLabel: 'output error', logX: true, logY: true, identity: true, series: groupedScatter(lowC.sweep, 'library', 20) });
    figures.push({
      kind: 'lines',
      name: 'supp4cd_correlations_r0_5Hz', definitions: ['primitives-combination', 'readout-nnls'],
      title: 'Supp. 4c–d: Pearson r of fit and output errors, r0 = 5 Hz',
      xLabel: 'library size l',
      yLabel: 'Pearson r',
      series: [
        { name: 'over libraries (c)', ...corr(lowC, 'lib') },
        { name: 'over targets (d)', ...corr(lowC, 'tgt'), dashed: true },
      ],
    });
  }

  // ---- tables and summary ----
  const sizeRows: Array<Array<number | string>> = [];
  for (const c of conditions)
    for (const s of c.sweep) sizeRows.push([c.condition, s.librarySize, s.medianFit, s.medianOutput, s.correlationOverLibraries, s.correlationOverTargets, median(s.fitErrors), median(s.outputErrors)]);
  const perLibraryRows: Array<Array<number | string>> = [];
  for (const c of conditions) for (const s of c.sweep) for (let j = 0; j < s.libraries; j++) perLibraryRows.push([c.condition, s.librarySize, j, s.perLibraryFit[j], s.perLibraryOutput[j]]);
  const ranSettings = settingsAsRun(settings, options);
  const departures = [...departuresFrom(SUPP3_SETTINGS.full, ranSettings, LABELS), ...poolDepartures(SUPP3_SETTINGS.full, ranSettings)];
  if (!options.network) departures.unshift('own SOC network instead of the published one');
  const summaryOf = (c: Condition | undefined) =>
    c
      ? {
          condition: c.condition,
          sweepMs: c.ms,
          perSize: c.sweep.map((s) => ({ l: s.librarySize, medianFit: s.medianFit, medianOutput: s.medianOutput, correlationOverLibraries: s.correlationOverLibraries, correlationOverTargets: s.correlationOverTargets })),
        }
      : null;
  return {
    name: 'supp3',
    title: 'Supp. Figs. 3–4: gain patterns as motor primitives (and r0 = 5 Hz)',
    quick: options.quick,
    seed,
    summary: {
      settings: ranSettings,
      setup: setupSummary(supp3Definitions(Boolean(options.network)), departures),
      n: standard.network.n,
      network: networkSummary(options, settings.n),
      poolGainFit: gFit,
      poolErrors: { median: median(learned.pool.errors), mean: mean(learned.pool.errors) },
      learnedDeviation: distribution,
      outputSimilarity: { learned: meanOutputCorrelation(learned.pool), random: meanOutputCorrelation(control) },
      perCondition: conditions.map(summaryOf),
      supp4aLibraries: lowRatePlotted,
      wallMs: { learnedPool: learned.ms, lowRatePool: lowRatePoolMs },
    },
    tables: [
      { name: 'sizes', columns: ['condition', 'library_size', 'median_fit_50th', 'median_output_50th', 'pearson_over_libraries', 'pearson_over_targets', 'median_fit_all', 'median_output_all'], rows: sizeRows },
      { name: 'per_library', columns: ['condition', 'library_size', 'library', 'fit_error_50th', 'output_error_50th'], rows: perLibraryRows },
    ],
    arrays: [
      { name: 'pool_gains', shape: [learned.pool.size, learned.pool.n], data: learned.pool.gains },
      { name: 'pool_outputs', shape: [learned.pool.size, learned.pool.nSamples], data: learned.pool.outputs },
      { name: 'random_control_gains', shape: [control.size, control.n], data: control.gains },
      ...(lowRatePool ? [{ name: `pool_gains_r0_${settings.lowBaselineRate}Hz`, shape: [lowRatePool.size, lowRatePool.n], data: lowRatePool.gains }] : []),
    ],
    figures,
    elapsedMs: clock() - started,
    stopped: options.shouldStop?.() ?? false,
  };
}

export const supp3: ExperimentDefinition = {
  name: 'supp3',
  title: 'Supp. Figs. 3–4: library sweeps',
  description:
    'A pool of 100 learned patterns; libraries of l = 1…50 patterns fitted to 100 novel targets (bounded coefficients); fit vs output error, Pearson r over libraries and targets; random-pattern control; the same at r0 = 5 Hz. ' +
    'Paper set-up: N = 200, pool 100 (reward rule), 100 libraries × 100 targets per l. Quick: N = 40, pool 10, l ≤ 8, 6 × 6.',
  run: runSupp3,
};
