/**
 * Fig. 6 and Supp. Fig. 6 (model-spec §10): movement speed.
 *  6b/6c  the 5× slow variant of the network's movement from m = 2 initial conditions with 40
 *         random groups, learned by the reward rule (6b) and by back-propagation (6c), one session
 *         each (slowVariantExamples: Supp. 5e–g show these same runs);
 *  6e     the speed manifold: gain patterns learned jointly over the m initial conditions at 7
 *         durations from T to 5T, the fast targets being each initial condition's own output with
 *         all gains 1 (so the factor-1 pattern is g = 1);
 *  6f     outputs from g(λ) = (1 − λ)·g_fast + λ·g_slow, with the measured time-stretch factor per
 *         λ [GainLab definition 'stretch-factor'], and the same along the manifold;
 *  S6a    the outputs of the 7 patterns for both initial conditions;
 *  S6b    the patterns for all groups (top) and the straight interpolation (bottom).
 * Plus the speed slider's update time (GainLab's own measurement).
 *
 * Paper set-up (full): N = 400, m = 2, 40 random groups, reward rule (σ and trials: the slow-task
 * settings, GainLab definition 'slow-task-reward-settings') for 6b and every speed, Adam 300
 * iterations for 6c, 7 speeds, λ in steps of 0.1.
 * Quick: N = 40, m = 2, 8 groups, Adam (40 iterations) for 3 speeds up to 3T, λ in steps of 0.25.
 */
import type { DefinitionId } from '../definitions.js';
import { concatRows } from '../linalg/dense.js';
import { Rng } from '../model/rng.js';
import { sampleTimes, slowParams, type DynamicsParams } from '../model/params.js';
import { slowVariant } from '../model/targets.js';
import { SLOW_TASK_REWARD, slowMovement, slowTaskGradient, slowTaskReward, type SlowTaskResult } from '../speed/slowTask.js';
import type { Network } from '../model/network.js';
import type { FigureSpec } from './figureSpec.js';
import { departuresFrom, networkDefinitions, settingsAsRun, setupSummary } from './setup.js';
import { groupsOfSession, type GroupSpec } from './training.js';
import { groupMeans } from '../primitives/learn.js';
import {
  baselineTargets,
  learnSpeedManifold,
  outputsFor,
  rows,
  speedFactors,
  SpeedSlider,
  stretchAlongInterpolation,
} from '../speed/speed.js';
import {
  beginStep,
  checkpointed,
  checkpointedStep,
  clock,
  experimentNetwork,
  networkSummary,
  median,
  type ExperimentArray,
  type ExperimentDefinition,
  type ExperimentResult,
  type ExperimentRunOptions,
} from './support.js';

export interface Fig6Settings {
  n: number;
  conditions: number;
  groups: number;
  speeds: number;
  maxFactor: number;
  /** Rule of the manifold patterns. */
  rule: 'reward' | 'gradient';
  trials: number;
  sigma: number;
  alpha: number;
  iterations: number;
  lr: number;
  lambdaStep: number;
  sliderUpdates: number;
}

export const FIG6_SETTINGS: { full: Fig6Settings; quick: Fig6Settings } = {
  full: { n: 400, conditions: 2, groups: 40, speeds: 7, maxFactor: 5, rule: 'reward', trials: SLOW_TASK_REWARD.trials, sigma: SLOW_TASK_REWARD.sigma, alpha: 0.3, iterations: 300, lr: 0.01, lambdaStep: 0.1, sliderUpdates: 20 },
  quick: { n: 40, conditions: 2, groups: 8, speeds: 3, maxFactor: 3, rule: 'gradient', trials: 300, sigma: SLOW_TASK_REWARD.sigma, alpha: 0.3, iterations: 40, lr: 0.05, lambdaStep: 0.25, sliderUpdates: 5 },
};

const LABELS: Partial<Record<keyof Fig6Settings, string>> = {
  n: 'network size',
  conditions: 'initial conditions m',
  groups: 'groups',
  speeds: 'speeds',
  maxFactor: 'slowest factor',
  rule: 'manifold rule',
  trials: 'reward trials',
  sigma: 'σ',
  iterations: 'Adam iterations',
};

export interface Fig6Options extends ExperimentRunOptions {
  settings?: Partial<Fig6Settings>;
}

/** The slow variants and the manifold play the network's own movement (its readout kept): only an own network adds how it is made. */
export function fig6Definitions(givenNetwork: boolean): DefinitionId[] {
  return ['speed-manifold', 'stretch-factor', 'slow-variant', 'slow-task-reward-settings', 'initial-conditions-top-m', 'multi-channel-error', 'gradient-training', 'gain-positivity', ...networkDefinitions(givenNetwork)];
}

export function runFig6(options: Fig6Options): ExperimentResult {
  const started = clock();
  const settings: Fig6Settings = { ...(options.quick ? FIG6_SETTINGS.quick : FIG6_SETTINGS.full), ...options.settings };
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  progress('network');
  const prepared = experimentNetwork(options, settings.n, settings.conditions);
  const { network, params } = prepared;
  const n = network.n;
  const x0s = rows(prepared.initialConditions, settings.conditions, n);
  const groupSpec: GroupSpec = settings.groups >= n ? { kind: 'neuron-specific' } : { kind: 'random', count: settings.groups };
  // One random grouping for the whole manifold (the patterns must share groups to be compared).
  const groups = groupsOfSession(groupSpec, n, Rng.derive(seed, 1)) ?? undefined;
  const fastTargets = baselineTargets(network, params, x0s);
  const factors = speedFactors(settings.speeds, settings.maxFactor, params.nSamples);
  const netKey = options.network ? 'given' : `soc${n}s${seed}`;
  const ruleKey = settings.rule === 'reward' ? `reward:${settings.trials}t:σ${settings.sigma}:α${settings.alpha}` : `gradient:${settings.iterations}i:lr${settings.lr}`;

  // 6b / 6c: the slow variant (factor maxFactor, amplitude fixed) with each rule, one session each.
  const examples = slowVariantExamples(options, network, params, x0s, settings);

  const manifoldDone = beginStep(progress, `learning patterns at factors ${factors.map((f) => f.toFixed(3)).join(', ')}`);
  const manifoldStarted = clock();
  const learnRule = { rule: settings.rule, seed, trials: settings.trials, sigma: settings.sigma, alpha: settings.alpha, iterations: settings.iterations, lr: settings.lr, groups };
  const patternGains: Float64Array[] = [];
  const patternErrors: number[] = [];
  const patternInitial: number[] = [];
  for (let k = 0; k < factors.length; k++) {
    if (options.shouldStop?.()) break;
    const kept = checkpointed(
      options,
      `fig6:manifold:${netKey}:m${settings.conditions}:G${settings.groups}:f${factors[k]}:${ruleKey}:seed${seed}`,
      () => {
        const within = (_: number, p: { step: number; steps: number }) => manifoldDone((k + p.step / Math.max(1, p.steps)) / factors.length);
        const m = learnSpeedManifold(network, params, x0s, fastTargets, [factors[k]], { ...learnRule, seed: Rng.derive(seed, 100 + k) }, within, options.shouldStop);
        return { gains: Array.from(m.gains), error: m.errors[0], initial: m.initialErrors[0], stopped: m.stopped };
      },
      (v) => v.stopped,
    );
    manifoldDone((k + 1) / factors.length);
    patternGains.push(Float64Array.from(kept.gains));
    patternErrors.push(kept.error);
    patternInitial.push(kept.initial);
  }
  const learnedFactors = factors.slice(0, patternGains.length);
  const manifold = {
    gains: concatRows(patternGains),
    durations: learnedFactors.map((f) => f * params.duration),
    errors: patternErrors,
    initialErrors: patternInitial,
    patterns: patternGains.map((gains, k) => ({ gains, factor: learnedFactors[k], targets: slowConditionTargets(params, network.readout.channels, fastTargets, learnedFactors[k]) })),
  };
  const manifoldMs = clock() - manifoldStarted;
  if (manifold.patterns.length < factors.length) throw new Error('fig6: stopped before every speed was learned');

  const fastGains = manifold.patterns[0].gains;
  const slowGains = manifold.patterns[manifold.patterns.length - 1].gains;
  const slowFactor = factors[factors.length - 1];
  const channels = network.readout.channels;
  const lambdas: number[] = [];
  for (let k = 0; k * settings.lambdaStep <= 1 + 1e-9; k++) lambdas.push(Math.min(1, Math.round(k * settings.lambdaStep * 1e9) / 1e9));
  progress('interpolation and stretch factors');
  const stretch = stretchAlongInterpolation(network, params, x0s, fastGains, slowGains, slowFactor, lambdas);
  // The same along the manifold (piecewise between neighbouring speeds); the learned factor at
  // position u is the piecewise-linear interpolation of the factors.
  const manifoldOption = { manifold: { gains: manifold.gains, count: factors.length } };
  const manifoldStretch = stretchAlongInterpolation(network, params, x0s, fastGains, slowGains, slowFactor, lambdas, manifoldOption);
  const factorAt = (u: number) => {
    const position = u * (factors.length - 1);
    const k = Math.min(factors.length - 2, Math.floor(position));
    return factors[k] + (position - k) * (factors[k + 1] - factors[k]);
  };

  // The slider: preview updates (what dragging uses) and exact updates, timed.
  const slider = new SpeedSlider(network, params, x0s, fastGains, slowGains, slowFactor);
  const previewTimes: number[] = [];
  const exactTimes: number[] = [];
  for (let k = 0; k < settings.sliderUpdates; k++) {
    const lambda = k / Math.max(1, settings.sliderUpdates - 1);
    let t = clock();
    slider.update(lambda);
    previewTimes.push(clock() - t);
    t = clock();
    slider.updateExact(lambda);
    exactTimes.push(clock() - t);
  }

  const labels = groups ?? Int32Array.from({ length: n }, (_, i) => i);
  const groupCount = groups ? Math.min(settings.groups, n) : n;
  const arrays: ExperimentArray[] = [
    { name: 'manifold_gains', shape: [factors.length, n], data: manifold.gains },
    { name: 'groups', shape: [n], data: Float64Array.from(labels) },
    { name: 'initial_conditions', shape: [settings.conditions, n], data: prepared.initialConditions },
  ];
  // the learned gains of 6b and 6c (Supp. 5e–g show the same runs)
  examples.forEach((ex, k) => {
    if (ex.sessions[0]) arrays.push({ name: `slow_variant_gains_6${k === 0 ? 'b' : 'c'}`, shape: [n], data: ex.sessions[0].gains });
  });
  const outputsAt = manifold.patterns.map((pattern) => {
    const p = slowParams(params, pattern.factor);
    return { p, outputs: outputsFor(network, p, x0s, pattern.gains) };
  });
  manifold.patterns.forEach((pattern, k) => {
    arrays.push({ name: `outputs_speed${k}`, shape: [settings.conditions, outputsAt[k].p.nSamples], data: outputsAt[k].outputs });
    arrays.push({ name: `targets_speed${k}`, shape: [settings.conditions, outputsAt[k].p.nSamples], data: concatRows(pattern.targets) });
  });
  const groupGainRows: Array<Array<number>> = [];
  const perFactorGroupGains = manifold.patterns.map((p) => groupMeans(p.gains, labels));
  for (let g = 0; g < groupCount; g++) groupGainRows.push([g, ...perFactorGroupGains.map((gg) => gg[g])]);
  // Supp. 6b bottom: the straight interpolation of every group's gain from fast to slow.
  const interpolationRows = lambdas.map((lambda) => perFactorGroupGains[0].map((fast, g) => (1 - lambda) * fast + lambda * perFactorGroupGains[perFactorGroupGains.length - 1][g]));

  const figures: FigureSpec[] = [];
  const [b6, c6] = examples;
  for (const [tag, ex] of [['6b', b6], ['6c', c6]] as const) {
    const session = ex.sessions[0];
    if (!session) continue;
    const L = ex.slow.nSamples * channels;
    const times = sampleTimes(ex.slow);
    figures.push({
      kind: 'lines',
      name: `fig${tag}_slow_variant`, definitions: ['slow-task-reward-settings', 'slow-variant'],
      title: `Fig. ${tag}: ${settings.maxFactor}× slower, ${tag === '6b' ? 'reward rule' : 'back-propagation'} (E ${ex.initialError.toPrecision(3)} → ${session.bestError.toPrecision(3)}, summed over ${settings.conditions} initial conditions)`,
      xLabel: 'time (ms)',
      yLabel: 'output',
      series: x0s.flatMap((_, m) => [
        { name: `target ${m + 1}`, x: times, y: ex.targets[m], dashed: true },
        { name: `output ${m + 1}`, x: times, y: session.output.subarray(m * L, (m + 1) * L) },
      ]),
    });
  }
  const slowest = outputsAt[outputsAt.length - 1].p;
  const slowestTimes = sampleTimes(slowest);
  for (let m = 0; m < settings.conditions; m++) {
    figures.push({
      kind: 'lines',
      name: `supp6a_outputs_ic${m + 1}`,
      title: `Supp. 6a: outputs of the ${factors.length} speed patterns, initial condition ${m + 1}`,
      xLabel: 'time (ms)',
      yLabel: 'output',
      series: outputsAt.map((o, k) => {
        const L = o.p.nSamples * channels;
        return { name: `${factors[k].toFixed(2)}×`, x: sampleTimes(o.p), y: o.outputs.subarray(m * L, m * L + o.p.nSamples) };
      }),
    });
  }
  // columns are the durations in units of T (evenly spaced from 1 to maxFactor); the colour scale is
  // centred on gain 1 (white), so the fast pattern g = 1 is neutral and changes read as up or down
  const gainTable = groupGainRows.flatMap((row) => row.slice(1));
  const spread = Math.max(1e-9, ...gainTable.map((g) => (Number.isFinite(g) ? Math.abs(g - 1) : 0)));
  figures.push({
    kind: 'heatmap', name: 'fig6e_supp6b_group_gains', definitions: ['speed-manifold'],
    title: 'Fig. 6e / Supp. 6b top: gain of every group at every speed (white: gain 1)',
    xLabel: 'duration (× T)', xStart: factors[0], xStep: factors.length > 1 ? (factors[factors.length - 1] - factors[0]) / (factors.length - 1) : 1,
    yLabel: 'group', rows: groupCount, cols: factors.length, data: gainTable, min: 1 - spread, max: 1 + spread,
  });
  // on the top map's colour scale (white: gain 1): the interpolated gains lie between the fast and
  // the slow pattern's (its own range put white at about 0.63, read beside the top map as gain 1)
  figures.push({
    kind: 'heatmap', name: 'supp6b_interpolation', title: 'Supp. 6b bottom: straight interpolation of every group’s gain (white: gain 1)',
    xLabel: 'group', yLabel: 'λ', yStart: lambdas[0], yStep: lambdas.length > 1 ? (lambdas[lambdas.length - 1] - lambdas[0]) / (lambdas.length - 1) : 1,
    rows: lambdas.length, cols: groupCount, data: Float64Array.from(interpolationRows.flatMap((r) => Array.from(r))), min: 1 - spread, max: 1 + spread,
  });
  // 6f: outputs of initial condition 1 for some λ.
  const shownLambdas = lambdas.filter((_, k) => k % Math.max(1, Math.round(lambdas.length / 5)) === 0 || k === lambdas.length - 1);
  const interpolated = shownLambdas.map((lambda) => {
    const g = Float64Array.from(fastGains, (f, i) => (1 - lambda) * f + lambda * slowGains[i]);
    return { lambda, y: outputsFor(network, slowest, [x0s[0]], g) };
  });
  figures.push({
    kind: 'lines',
    name: 'fig6f_interpolated_outputs', definitions: ['speed-manifold'],
    title: 'Fig. 6f: outputs from g(λ) = (1 − λ) g_fast + λ g_slow (initial condition 1)',
    xLabel: 'time (ms)',
    yLabel: 'output',
    series: interpolated.map((o) => ({ name: `λ = ${o.lambda}`, x: slowestTimes, y: o.y })),
  });
  figures.push({
    kind: 'lines',
    name: 'fig6f_stretch_factor', definitions: ['stretch-factor', 'speed-manifold'],
    title: 'Measured time-stretch factor: fast↔slow interpolation and along the manifold',
    xLabel: 'λ (position)',
    yLabel: 'stretch factor',
    series: [
      { name: 'g(λ) = (1−λ) g_fast + λ g_slow', x: lambdas, y: stretch.meanFactors },
      { name: 'along the manifold', x: lambdas, y: manifoldStretch.meanFactors },
      { name: 'learned factors', x: lambdas, y: lambdas.map(factorAt), dashed: true },
    ],
  });

  const ranSettings = settingsAsRun(settings, options);
  const departures = departuresFrom(FIG6_SETTINGS.full, ranSettings, LABELS);
  if (!options.network) departures.unshift('own SOC network');
  const negatives = (g: ArrayLike<number>) => Array.from(g).filter((v) => v < 0).length;
  return {
    name: 'fig6',
    title: 'Fig. 6 and Supp. Fig. 6: slow variants, the speed manifold and interpolated speeds',
    quick: options.quick,
    seed,
    summary: {
      settings: ranSettings,
      setup: setupSummary(fig6Definitions(Boolean(options.network)), departures),
      n,
      network: networkSummary(options, settings.n),
      slowVariant: examples.map((ex, k) => ({
        figure: k === 0 ? '6b' : '6c',
        rule: k === 0 ? 'reward' : 'gradient',
        initialError: ex.initialError,
        initialConditionErrors: ex.initialConditionErrors,
        bestError: ex.sessions[0]?.bestError ?? NaN,
        conditionErrors: ex.sessions[0]?.conditionErrors ?? [],
        negativeGains: ex.sessions[0] ? negatives(ex.sessions[0].gains) : 0,
      })),
      factors,
      durations: manifold.durations,
      initialErrors: manifold.initialErrors,
      learnedErrors: manifold.errors,
      negativeGainsInManifold: negatives(manifold.gains),
      stretchFactorsByLambda: lambdas.map((lambda, k) => ({ lambda, mean: stretch.meanFactors[k], perCondition: stretch.factors[k] })),
      stretchFactorsAlongManifold: lambdas.map((u, k) => ({ position: u, learnedFactorHere: factorAt(u), mean: manifoldStretch.meanFactors[k], perCondition: manifoldStretch.factors[k] })),
      slider: {
        conditions: settings.conditions,
        displaySamples: { preview: slider.previewParams.nSamples, exact: slider.exactParams.nSamples },
        previewMsMedian: median(previewTimes),
        exactMsMedian: median(exactTimes),
      },
      wallMs: { manifold: manifoldMs, networkBuild: prepared.buildMs },
    },
    tables: [
      {
        name: 'speeds',
        columns: ['speed', 'factor', 'duration_ms', 'initial_error', 'learned_error'],
        rows: factors.map((f, k) => [k, f, manifold.durations[k], manifold.initialErrors[k], manifold.errors[k]]),
      },
      { name: 'group_gains', columns: ['group', ...factors.map((f) => `factor_${f.toFixed(3)}`)], rows: groupGainRows },
      {
        name: 'stretch_vs_lambda',
        columns: ['lambda', 'mean_factor', ...x0s.map((_, m) => `factor_ic${m}`), ...x0s.map((_, m) => `explained_ic${m}`)],
        rows: lambdas.map((lambda, k) => [lambda, stretch.meanFactors[k], ...stretch.factors[k], ...stretch.explained[k]]),
      },
      {
        name: 'stretch_along_manifold',
        columns: ['position', 'factor_of_manifold', 'mean_factor', ...x0s.map((_, m) => `factor_ic${m}`), ...x0s.map((_, m) => `explained_ic${m}`)],
        rows: lambdas.map((u, k) => [u, factorAt(u), manifoldStretch.meanFactors[k], ...manifoldStretch.factors[k], ...manifoldStretch.explained[k]]),
      },
      { name: 'slider_timing', columns: ['update', 'preview_ms', 'exact_ms'], rows: previewTimes.map((t, k) => [k, t, exactTimes[k]]) },
    ],
    arrays,
    figures,
    elapsedMs: clock() - started,
    stopped: options.shouldStop?.() ?? false,
  };
}

/** The settings Fig. 6b–c's examples depend on (the rest of Fig6Settings is the manifold's). */
export type SlowExampleSettings = Pick<Fig6Settings, 'conditions' | 'groups' | 'maxFactor' | 'trials' | 'sigma' | 'alpha' | 'iterations' | 'lr'>;

/**
 * Fig. 6's settings for its 6b–c examples in the profile (quick or full), with `overrides` (of
 * the settings Fig. 6 shares with Supp. 5: so two runs given the same overrides learn the same
 * examples).
 */
export function slowExampleSettings(quick: boolean, overrides: Partial<SlowExampleSettings> = {}): SlowExampleSettings {
  const { conditions, groups, maxFactor, trials, sigma, alpha, iterations, lr } = { ...(quick ? FIG6_SETTINGS.quick : FIG6_SETTINGS.full), ...overrides };
  return { conditions, groups, maxFactor, trials, sigma, alpha, iterations, lr };
}

/**
 * The runs of Fig. 6b (reward rule) and 6c (back-propagation): movement 0 (the network's own
 * readout) `maxFactor`× slower, amplitude fixed, from the first `conditions` initial conditions
 * of x0s, with `groups` random groups (neuron-specific when groups ≥ N), one session each from
 * streams 2 and 3 of the run's seed. Supp. 5e–g show the same runs (runSupp5 calls this), and both
 * keep them in the checkpoint under the same key, so a run of both computes them once.
 */
export function slowVariantExamples(options: ExperimentRunOptions, network: Network, params: DynamicsParams, x0s: readonly Float64Array[], settings: SlowExampleSettings): [SlowTaskResult, SlowTaskResult] {
  const seed = options.seed ?? 1;
  const n = network.n;
  if (x0s.length < settings.conditions) throw new RangeError(`slowVariantExamples: ${settings.conditions} initial conditions needed, ${x0s.length} given`);
  const starts = x0s.slice(0, settings.conditions);
  const groupSpec: GroupSpec = settings.groups >= n ? { kind: 'neuron-specific' } : { kind: 'random', count: settings.groups };
  const netKey = options.network ? 'given' : `soc${n}s${seed}`;
  const movement = slowMovement(network, params, starts, 0, 0);
  const [reward, gradient] = (['reward', 'gradient'] as const).map((rule) =>
    checkpointedStep(
      options,
      `fig6:6${rule === 'reward' ? 'b' : 'c'}:${netKey}:m${settings.conditions}:G${settings.groups}:s${settings.maxFactor}:${rule === 'reward' ? `${settings.trials}t:σ${settings.sigma}` : `${settings.iterations}i:lr${settings.lr}`}:seed${seed}`,
      `Fig. 6${rule === 'reward' ? 'b' : 'c'}: ${settings.maxFactor}× slow variant, ${rule === 'reward' ? 'reward rule' : 'back-propagation'}`,
      (done) => {
        const spec = { params, x0s: starts, factor: settings.maxFactor, amplitudeScaling: false, groups: groupSpec, sessions: 1, seed: Rng.derive(seed, rule === 'reward' ? 2 : 3) };
        return rule === 'reward'
          ? slowTaskReward(movement, spec, { trials: settings.trials, sigma: settings.sigma, alpha: settings.alpha }, options.shouldStop, done)
          : slowTaskGradient(movement, spec, { iterations: settings.iterations, lr: settings.lr }, options.shouldStop, done);
      },
      (r) => r.stopped,
    ),
  );
  return [reward, gradient];
}

/** The slow targets of every initial condition for factor s (amplitude fixed). */
function slowConditionTargets(params: DynamicsParams, channels: number, fastTargets: readonly Float64Array[], factor: number): Float64Array[] {
  const grid = { duration: params.duration, nSamples: params.nSamples };
  return fastTargets.map((t) => slowVariant(t, channels, grid, factor).values);
}

export const fig6: ExperimentDefinition = {
  name: 'fig6',
  title: 'Fig. 6: slow variants and the speed manifold',
  description:
    'The 5× slow variant with the reward rule (6b) and back-propagation (6c); gain patterns at 7 durations T…5T learned jointly over m = 2 initial conditions with 40 random groups (6e, Supp. 6); interpolated speeds and their stretch factor (6f). ' +
    'Paper set-up: N = 400, reward rule for every pattern (slow-task σ and trials). Quick: N = 40, Adam, 3 speeds up to 3T.',
  run: runFig6,
};
