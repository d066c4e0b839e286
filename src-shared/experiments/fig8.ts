/**
 * Fig. 8 experiment (model-spec §9–10) [GainLab definition]: motor primitives in shape and speed.
 * A library of l shapes learned at the fast speed (T) and, separately, their 5× slow variants
 * (5T); novel targets at both speeds are fitted on the library of their speed (model-spec §9 with
 * the baseline output m(1) of that duration), giving fit and output error histograms per speed.
 * A third, factorised condition builds the slow novel movement from the fast fit and a speed
 * pattern: g = g_speed + Σ c_k^fast (g_k^fast − 1), where g_speed is the pattern learned to play
 * the network's own g = 1 movement 5× slower — shape and speed combined, neither learned for the
 * novel movement.
 *
 * Full: N = 400, 40 random groups, l = 10, 100 novel targets, gradient (150 iterations, lr 0.02).
 * Quick: N = 40, 10 groups, l = 3, 6 novel targets, 25 iterations, lr 0.05.
 */
import { randomGroups } from '../model/groups.js';
import { slowParams } from '../model/params.js';
import { Rng } from '../model/rng.js';
import { slowVariant } from '../model/targets.js';
import { TrialEvaluator } from '../model/dynamics.js';
import { histogram } from '../speed/analysis.js';
import { learnSpeedPattern } from '../speed/speed.js';
import { baselineOutput, combineGains, evaluateCombination, learnLibrary, type PrimitiveCombination } from '../primitives/library.js';
import {
  clock,
  experimentNetwork,
  generatedTargets,
  median,
  stack,
  type ExperimentDefinition,
  type ExperimentResult,
  type ExperimentRunOptions,
} from '../primitives/experimentSupport.js';

export const FIG8_SETTINGS = {
  full: { n: 400, groups: 40, librarySize: 10, novelTargets: 100, factor: 5, iterations: 150, lr: 0.02, bins: 20 },
  quick: { n: 40, groups: 10, librarySize: 3, novelTargets: 6, factor: 5, iterations: 25, lr: 0.05, bins: 10 },
};

/** Ridge penalty of the second set of fits (δ; see library.ts FitOptions). */
export const FIG8_RIDGE = 0.01;

export function runFig8(options: ExperimentRunOptions): ExperimentResult {
  const started = clock();
  const settings = options.quick ? FIG8_SETTINGS.quick : FIG8_SETTINGS.full;
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  progress('network');
  const prepared = experimentNetwork(options, settings.n, 1);
  const { network, params } = prepared;
  const n = network.n;
  const channels = network.readout.channels;
  const groups = randomGroups(n, Math.min(settings.groups, n), new Rng(Rng.derive(seed, 1)));
  const slow = slowParams(params, settings.factor);
  const grid = { duration: params.duration, nSamples: params.nSamples };
  const toSlow = (t: Float64Array) => slowVariant(t, channels, grid, settings.factor).values;
  const rule = { rule: 'gradient' as const, seed, iterations: settings.iterations, lr: settings.lr, groups };

  const shapes = generatedTargets(settings.librarySize, 1001, params);
  progress(`learning ${shapes.length} shapes at T`);
  let t = clock();
  const fastLibrary = learnLibrary(network, params, shapes, rule, undefined, options.shouldStop);
  const fastMs = clock() - t;
  progress(`learning ${shapes.length} shapes at ${settings.factor}T`);
  t = clock();
  const slowLibrary = learnLibrary(network, slow, shapes.map(toSlow), rule, undefined, options.shouldStop);
  const slowMs = clock() - t;
  progress('learning the speed pattern');
  const speedPattern = learnSpeedPattern(network, params, [network.x0], [baselineOutput(network, params)], settings.factor, rule, undefined, options.shouldStop);

  const fastBaseline = baselineOutput(network, params);
  const slowBaseline = baselineOutput(network, slow);
  const novel = generatedTargets(settings.novelTargets, 4001, params);
  progress(`fitting ${novel.length} novel targets at both speeds`);
  t = clock();
  const fastEvaluator = new TrialEvaluator(network, params, novel[0]);
  const slowEvaluator = new TrialEvaluator(network, slow, toSlow(novel[0]));
  const fastFits: PrimitiveCombination[] = [];
  const slowFits: PrimitiveCombination[] = [];
  const factorisedErrors: number[] = [];
  const ridgeErrors = { fast: [] as number[], slow: [] as number[] };
  const ridge = { ridge: FIG8_RIDGE };
  for (const target of novel) {
    if (options.shouldStop?.()) break;
    const slowTarget = toSlow(target);
    const fast = evaluateCombination(network, params, fastLibrary, fastBaseline, target, fastEvaluator);
    fastFits.push(fast);
    slowFits.push(evaluateCombination(network, slow, slowLibrary, slowBaseline, slowTarget, slowEvaluator));
    ridgeErrors.fast.push(evaluateCombination(network, params, fastLibrary, fastBaseline, target, fastEvaluator, ridge).outputError);
    ridgeErrors.slow.push(evaluateCombination(network, slow, slowLibrary, slowBaseline, slowTarget, slowEvaluator, ridge).outputError);
    // Shape from the fast fit on top of the speed pattern.
    const shapeChange = combineGains(fastLibrary, fast.coefficients);
    const gains = Float64Array.from(speedPattern.gains, (g, i) => g + (shapeChange[i] - 1));
    slowEvaluator.setTarget(slowTarget);
    factorisedErrors.push(slowEvaluator.error(gains));
  }
  const fitMs = clock() - t;
  fastEvaluator.dispose();
  slowEvaluator.dispose();

  const columns = {
    fast_fit: fastFits.map((c) => c.fitError),
    fast_output: fastFits.map((c) => c.outputError),
    slow_fit: slowFits.map((c) => c.fitError),
    slow_output: slowFits.map((c) => c.outputError),
    slow_factorised_output: factorisedErrors,
    fast_output_ridge: ridgeErrors.fast,
    slow_output_ridge: ridgeErrors.slow,
  };
  const histogramRows: Array<Array<number | string>> = [];
  // Histograms of log10 errors (errors span decades).
  const logs = Object.values(columns).flat().filter((v) => v > 0).map(Math.log10);
  const lo = logs.length ? Math.floor(Math.min(...logs)) : -3;
  const hi = logs.length ? Math.ceil(Math.max(...logs)) : 1;
  for (const [label, values] of Object.entries(columns)) {
    const h = histogram(values.map(Math.log10), settings.bins, lo, hi);
    for (let b = 0; b < settings.bins; b++) histogramRows.push([label, h.edges[b], h.edges[b + 1], h.counts[b]]);
  }
  return {
    name: 'fig8',
    title: 'Fig. 8: primitives in shape and speed',
    quick: options.quick,
    seed,
    summary: {
      settings,
      n,
      libraryErrors: { fast: Array.from(fastLibrary.errors), slow: Array.from(slowLibrary.errors) },
      speedPattern: { initialError: speedPattern.initialError, learnedError: speedPattern.bestError },
      medians: Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, median(v)])),
      wallMs: { fastLibrary: fastMs, slowLibrary: slowMs, fits: fitMs, networkBuild: prepared.buildMs },
    },
    tables: [
      {
        name: 'novel_errors',
        columns: ['target', 'target_seed', ...Object.keys(columns)],
        rows: fastFits.map((_, j) => [j, 4001 + j, ...Object.values(columns).map((v) => v[j])]),
      },
      { name: 'error_histograms_log10', columns: ['errors', 'log10_low', 'log10_high', 'count'], rows: histogramRows },
    ],
    arrays: [
      { name: 'fast_library_gains', shape: [fastLibrary.size, n], data: fastLibrary.gains },
      { name: 'slow_library_gains', shape: [slowLibrary.size, n], data: slowLibrary.gains },
      { name: 'speed_pattern_gains', shape: [n], data: speedPattern.gains },
      stack('fast_novel_outputs', fastFits.map((c) => c.output)),
      stack('slow_novel_outputs', slowFits.map((c) => c.output)),
    ],
    figures: Object.entries(columns).map(([label, values]) => {
      const h = histogram(values.map(Math.log10), settings.bins, lo, hi);
      return { kind: 'histogram' as const, name: `histogram_${label}`, title: `log10 error: ${label.replace(/_/g, ' ')}`, xLabel: 'log10 error', yLabel: 'targets', edges: h.edges, heights: h.counts };
    }),
    elapsedMs: clock() - started,
    stopped: options.shouldStop?.() ?? false,
  };
}

export const fig8: ExperimentDefinition = {
  name: 'fig8',
  title: 'Fig. 8: shape × speed primitives',
  description:
    'Libraries of shapes learned at T and 5T; novel targets fitted at both speeds (and factorised: fast shape fit + speed pattern); error histograms. ' +
    'Full: N = 400, 40 groups, l = 10, 100 targets. Quick: N = 40, l = 3, 6 targets.',
  run: runFig8,
};
