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
 * Combinations use the default rule [GainLab definition 'primitives-combination': bounded
 * coefficients], with plain least squares beside it for comparison.
 *
 * Paper set-up (full): N = 400, 40 random groups, l = 10 shapes, 100 novel targets, reward rule
 * (5000 trials; σ = 0.001 at T, the slow-task σ at 5T). Quick: N = 40, 10 groups, l = 3, 6 novel
 * targets, Adam 25 iterations.
 */
import type { DefinitionId } from '../definitions.js';
import { slowParams, type DynamicsParams } from '../model/params.js';
import { Rng } from '../model/rng.js';
import { slowVariant } from '../model/targets.js';
import { TrialEvaluator } from '../model/dynamics.js';
import { histogram } from '../analysis/statistics.js';
import { NEUTRAL_COLOR, PAPER_COLORS } from '../plots/palette.js';
import { SLOW_TASK_REWARD } from '../speed/slowTask.js';
import { departuresFrom, networkDefinitions, settingsAsRun, setupSummary } from './setup.js';
import { groupsOfSession } from './training.js';
import { learnSpeedPattern } from '../speed/speed.js';
import { baselineOutput, combineGains, evaluateCombination, learnLibrary, libraryFromPatterns, LibraryCombiner, type CombinationRule, type PrimitiveCombination } from '../primitives/library.js';
import {
  checkpointed,
  clock,
  experimentNetwork,
  networkSummary,
  generatedTargets,
  median,
  stack,
  type ExperimentDefinition,
  type ExperimentResult,
  type ExperimentRunOptions,
} from './support.js';

export interface Fig8Settings {
  n: number;
  groups: number;
  librarySize: number;
  novelTargets: number;
  factor: number;
  rule: 'reward' | 'gradient';
  trials: number;
  sigma: number;
  /** σ of the reward rule at the slow speed (the slow-task setting). */
  slowSigma: number;
  iterations: number;
  lr: number;
  bins: number;
  combination: CombinationRule;
}

export const FIG8_SETTINGS: { full: Fig8Settings; quick: Fig8Settings } = {
  full: { n: 400, groups: 40, librarySize: 10, novelTargets: 100, factor: 5, rule: 'reward', trials: 5000, sigma: 0.001, slowSigma: SLOW_TASK_REWARD.sigma, iterations: 150, lr: 0.02, bins: 20, combination: 'bounded-coefficients' },
  quick: { n: 40, groups: 10, librarySize: 3, novelTargets: 6, factor: 5, rule: 'gradient', trials: 0, sigma: 0.001, slowSigma: SLOW_TASK_REWARD.sigma, iterations: 25, lr: 0.05, bins: 10, combination: 'bounded-coefficients' },
};

const LABELS: Partial<Record<keyof Fig8Settings, string>> = {
  n: 'network size',
  groups: 'groups',
  librarySize: 'library size',
  novelTargets: 'novel targets',
  factor: 'slow factor',
  rule: 'rule',
  trials: 'trials',
  combination: 'combination rule',
};

export interface Fig8Options extends ExperimentRunOptions {
  settings?: Partial<Fig8Settings>;
}

/** A given network keeps its readout at both speeds: only an own network adds how it is made. */
export function fig8Definitions(givenNetwork: boolean): DefinitionId[] {
  return ['shape-speed-combination', 'primitives-combination', 'slow-variant', 'slow-task-reward-settings', 'generated-targets', 'gradient-training', ...networkDefinitions(givenNetwork)];
}

export function runFig8(options: Fig8Options): ExperimentResult {
  const started = clock();
  const settings: Fig8Settings = { ...(options.quick ? FIG8_SETTINGS.quick : FIG8_SETTINGS.full), ...options.settings };
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  progress('network');
  const prepared = experimentNetwork(options, settings.n, 1);
  const { network, params } = prepared;
  const n = network.n;
  const channels = network.readout.channels;
  const groups = groupsOfSession(settings.groups >= n ? { kind: 'neuron-specific' } : { kind: 'random', count: settings.groups }, n, Rng.derive(seed, 1)) ?? undefined;
  const slow = slowParams(params, settings.factor);
  const grid = { duration: params.duration, nSamples: params.nSamples };
  const toSlow = (t: Float64Array) => slowVariant(t, channels, grid, settings.factor).values;
  const rule = { rule: settings.rule, seed, trials: settings.trials, sigma: settings.sigma, iterations: settings.iterations, lr: settings.lr, groups };
  const slowRule = { ...rule, sigma: settings.slowSigma };
  const netKey = options.network ? 'given' : `soc${n}s${seed}`;
  const ruleKey = settings.rule === 'reward' ? `reward:${settings.trials}t:σ${settings.sigma}/${settings.slowSigma}` : `gradient:${settings.iterations}i:lr${settings.lr}`;
  const keptLibrary = (label: string, p: DynamicsParams, targets: Float64Array[], r: typeof rule) => {
    const kept = checkpointed(
      options,
      `fig8:${label}:${netKey}:G${settings.groups}:l${targets.length}:${ruleKey}:seed${seed}`,
      () => {
        const lib = learnLibrary(network, p, targets, r, undefined, options.shouldStop);
        return { gains: Array.from({ length: lib.size }, (_, k) => Array.from(lib.gains.subarray(k * n, (k + 1) * n))), errors: Array.from(lib.errors), partial: lib.size < targets.length };
      },
      (v) => v.partial,
    );
    return libraryFromPatterns(network, p, kept.gains.map((g) => Float64Array.from(g)), targets.slice(0, kept.gains.length), kept.errors);
  };

  const shapes = generatedTargets(settings.librarySize, 1001, params);
  progress(`learning ${shapes.length} shapes at T`);
  let t = clock();
  const fastLibrary = keptLibrary('fast', params, shapes, rule);
  const fastMs = clock() - t;
  progress(`learning ${shapes.length} shapes at ${settings.factor}T`);
  t = clock();
  const slowLibrary = keptLibrary('slow', slow, shapes.map(toSlow), slowRule);
  const slowMs = clock() - t;
  progress('learning the speed pattern');
  const speedPattern = checkpointed(
    options,
    `fig8:speed:${netKey}:G${settings.groups}:${ruleKey}:seed${seed}`,
    () => {
      const r = learnSpeedPattern(network, params, [network.x0], [baselineOutput(network, params)], settings.factor, slowRule, undefined, options.shouldStop);
      return { gains: r.gains, initialError: r.initialError, bestError: r.bestError, stopped: r.stopped };
    },
    (v) => v.stopped,
  );

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
  const plainErrors = { fast: [] as number[], slow: [] as number[] };
  const combination = { rule: settings.combination };
  const plain = { rule: 'least-squares' as const };
  const fastCombiner = new LibraryCombiner(fastLibrary, fastBaseline);
  const slowCombiner = new LibraryCombiner(slowLibrary, slowBaseline);
  for (const target of novel) {
    if (options.shouldStop?.()) break;
    const slowTarget = toSlow(target);
    const fast = evaluateCombination(network, params, fastCombiner, fastBaseline, target, fastEvaluator, combination);
    fastFits.push(fast);
    slowFits.push(evaluateCombination(network, slow, slowCombiner, slowBaseline, slowTarget, slowEvaluator, combination));
    plainErrors.fast.push(evaluateCombination(network, params, fastCombiner, fastBaseline, target, fastEvaluator, plain).outputError);
    plainErrors.slow.push(evaluateCombination(network, slow, slowCombiner, slowBaseline, slowTarget, slowEvaluator, plain).outputError);
    // Shape from the fast fit on top of the speed pattern.
    const shapeChange = combineGains(fastLibrary, fast.coefficients);
    const gains = Float64Array.from(speedPattern.gains, (g, i) => g + (shapeChange[i] - 1));
    slowEvaluator.setTarget(slowTarget);
    factorisedErrors.push(slowEvaluator.error(gains));
  }
  const fitMs = clock() - t;
  fastEvaluator.dispose();
  slowEvaluator.dispose();
  const ranSettings = settingsAsRun(settings, options);
  const departures = departuresFrom(FIG8_SETTINGS.full, ranSettings, LABELS);
  if (!options.network) departures.unshift('own SOC network');

  const columns = {
    fast_fit: fastFits.map((c) => c.fitError),
    fast_output: fastFits.map((c) => c.outputError),
    slow_fit: slowFits.map((c) => c.fitError),
    slow_output: slowFits.map((c) => c.outputError),
    slow_factorised_output: factorisedErrors,
    fast_output_least_squares: plainErrors.fast,
    slow_output_least_squares: plainErrors.slow,
  };
  const histogramRows: Array<Array<number | string>> = [];
  // Histograms of log10 errors (errors span decades).
  const logs = Object.values(columns).flat().filter((v) => v > 0).map(Math.log10);
  const lo = logs.length ? Math.floor(Math.min(...logs)) : -3;
  const hi = logs.length ? Math.ceil(Math.max(...logs)) : 1;
  for (const [label, values] of Object.entries(columns)) {
    const h = histogram(values.map(Math.log10), settings.bins, [lo, hi]);
    for (let b = 0; b < settings.bins; b++) histogramRows.push([label, h.edges[b], h.edges[b + 1], h.counts[b]]);
  }
  return {
    name: 'fig8',
    title: 'Fig. 8: primitives in shape and speed',
    quick: options.quick,
    seed,
    summary: {
      settings: ranSettings,
      setup: setupSummary(fig8Definitions(Boolean(options.network)), departures),
      n,
      network: networkSummary(options, settings.n),
      libraryErrors: { fast: Array.from(fastLibrary.errors), slow: Array.from(slowLibrary.errors) },
      speedPattern: { initialError: speedPattern.initialError, learnedError: speedPattern.bestError },
      medians: Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, median(v)])),
      wallMs: { fastLibrary: fastMs, slowLibrary: slowMs, fits: fitMs, networkBuild: prepared.buildMs },
    },
    tables: [
      {
        name: 'novel_errors',
        // targets numbered from 1 as people read them; npy_row is the 0-based row in *_novel_outputs.npy
        columns: ['target', 'npy_row', 'target_seed', ...Object.keys(columns)],
        rows: fastFits.map((_, j) => [j + 1, j, 4001 + j, ...Object.values(columns).map((v) => v[j])]),
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
    figures: [
      {
        kind: 'lines',
        name: 'supp7_error_histograms', definitions: ['shape-speed-combination', 'primitives-combination'],
        title: `Supp. 7: output errors over the ${fastFits.length} novel targets, fast (T) and slow (${settings.factor}T) (histogram of log10 E)`,
        xLabel: 'log10 output error',
        yLabel: 'targets',
        // the legend's colours: fast blue, slow orange (the factorised condition is GainLab's own: grey)
        series: ([['fast_output', PAPER_COLORS.blue], ['slow_output', PAPER_COLORS.orange], ['slow_factorised_output', NEUTRAL_COLOR]] as const).map(([label, color]) => {
          const h = histogram(columns[label].map(Math.log10), settings.bins, [lo, hi]);
          return { name: label.replace(/_/g, ' '), x: Array.from({ length: settings.bins }, (_, b) => 0.5 * (h.edges[b] + h.edges[b + 1])), y: h.counts, color, dashed: label === 'slow_factorised_output' };
        }),
      },
      ...Object.entries(columns).map(([label, values]) => {
        const h = histogram(values.map(Math.log10), settings.bins, [lo, hi]);
        return { kind: 'histogram' as const, name: `histogram_${label}`, title: `log10 error: ${label.replace(/_/g, ' ')}`, xLabel: 'log10 error', yLabel: 'targets', edges: h.edges, heights: h.counts };
      }),
    ],
    elapsedMs: clock() - started,
    stopped: options.shouldStop?.() ?? false,
  };
}

export const fig8: ExperimentDefinition = {
  name: 'fig8',
  title: 'Fig. 8: shape × speed primitives',
  description:
    'Libraries of shapes learned at T and 5T; novel targets fitted at both speeds (and factorised: fast shape fit + speed pattern); error histograms. ' +
    'Paper set-up: N = 400, 40 random groups, l = 10, 100 targets, reward rule. Quick: N = 40, l = 3, 6 targets, Adam.',
  run: runFig8,
};
