/**
 * Supp. Figs. 5 and 8 (model-spec §10–11): slow variants of movements learned with both rules, on
 * the task of Fig. 6b–c (5× slower, m initial conditions, random modulatory groups), panel by panel:
 *
 *  5a/5b  mean error ± SD over sessions for each movement, reward rule / back-propagation
 *  5c/5d  distributions of the slow-variant gains over all sessions
 *  5e/5f  histograms of the real and imaginary parts of the eigenvalues of the linearisation
 *         (−I + W·diag(g))/τ before and after, for the Fig. 6b (reward) and 6c (gradient) examples:
 *         Fig. 6's runs themselves (fig6.ts slowVariantExamples with Fig. 6's settings of the same
 *         profile, supp5ExampleSettings), shared through the checkpoint when both experiments run
 *  5g     outputs of those runs from noisy initial conditions at 4 dB SNR
 *  5h/5i  box plots of the slow-variant errors over sessions for m = 1…10 initial conditions (with
 *         a mean ± SD companion showing the error before training), and the mean error during
 *         training;  5j  for m = 6, four outputs of the session with the 5th-smallest error
 *  8      the Fig. 6b task with the slow target's amplitude scaled by 1/s² beside amplitude fixed
 *
 * Definitions: 'slow-task-movements', 'slow-variant', 'slow-task-reward-settings' (σ and trials
 * of the reward rule here are GainLab's measured choice), 'initial-conditions-top-m',
 * 'multi-channel-error' (errors summed over conditions), 'gradient-training', 'gain-positivity'.
 *
 * Paper set-up (full): N = 400, 40 random groups, m = 2, 10 movements × 10 sessions, reward rule
 * 5000 trials (σ = SLOW_TASK_REWARD.sigma), Adam 300 iterations, m = 1…10 for h–j.
 * Quick: N = 40, 8 groups, 2 movements × 2 sessions, 150 trials / 25 iterations, m ∈ {1, 2, 3}.
 */
import { boxStats, fitNormal, histogram, mean, sd } from '../analysis/statistics.js';
import { linearisationEigenvalues } from '../analysis/runAnalyses.js';
import type { DefinitionId } from '../definitions.js';
import { sampleTimes } from '../model/params.js';
import { checkpointedStep, clock, networkSummary, experimentNetwork, labelHash, type ExperimentDefinition, type ExperimentResult, type ExperimentRunOptions, type PreparedNetwork } from './support.js';
import { noisyOutputs } from '../speed/analysis.js';
import { SLOW_TASK_REWARD, slowMovement, slowTaskGradient, slowTaskReward, type SlowTaskResult } from '../speed/slowTask.js';
import { rows } from '../speed/speed.js';
import { Rng } from '../model/rng.js';
import type { FigureSpec, LineSeries } from './figureSpec.js';
import { departuresFrom, networkDefinitions, settingsAsRun, setupSummary } from './setup.js';
import type { GroupSpec } from './training.js';
import { slowExampleSettings, slowVariantExamples, type SlowExampleSettings } from './fig6.js';
import { meanCurve, thin } from './gainExperimentSupport.js';
import { EIGENVALUE_UNIT, PER_MS_TO_PER_S } from '../plots/format.js';
import { sessionNumber } from '../formats/sessionNumbers.js';

export interface Supp5Settings {
  n: number;
  groups: number;
  conditions: number;
  movements: number;
  movementSeed: number;
  sessions: number;
  factor: number;
  trials: number;
  sigma: number;
  alpha: number;
  iterations: number;
  lr: number;
  /** m values of panels h–j (movement 1, reward rule). */
  conditionSweep: number[];
  exampleConditions: number;
  noisyDraws: number;
  snrDb: number;
  bins: number;
}

export const SUPP5_SETTINGS: { full: Supp5Settings; quick: Supp5Settings } = {
  full: {
    n: 400, groups: 40, conditions: 2, movements: 10, movementSeed: 501, sessions: 10, factor: 5, trials: SLOW_TASK_REWARD.trials, sigma: SLOW_TASK_REWARD.sigma, alpha: 0.3,
    iterations: 300, lr: 0.01, conditionSweep: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], exampleConditions: 6, noisyDraws: 10, snrDb: 4, bins: 40,
  },
  quick: {
    n: 40, groups: 8, conditions: 2, movements: 2, movementSeed: 501, sessions: 2, factor: 5, trials: 150, sigma: SLOW_TASK_REWARD.sigma, alpha: 0.3,
    iterations: 25, lr: 0.03, conditionSweep: [1, 2, 3], exampleConditions: 3, noisyDraws: 4, snrDb: 4, bins: 20,
  },
};

const LABELS: Partial<Record<keyof Supp5Settings, string>> = {
  n: 'network size',
  groups: 'groups',
  conditions: 'initial conditions m',
  movements: 'movements',
  sessions: 'sessions',
  factor: 'slow factor',
  trials: 'reward trials',
  sigma: 'σ',
  alpha: 'α',
  iterations: 'Adam iterations',
  conditionSweep: 'm values (h–j)',
};

export interface Supp5Options extends ExperimentRunOptions {
  settings?: Partial<Supp5Settings>;
}

/**
 * Movement 0 is the network's own movement (its readout); every further movement refits the
 * readout by NNLS to a generated target (slowMovement), on a given network too.
 */
export function supp5Definitions(givenNetwork: boolean, movements: number): DefinitionId[] {
  return ['slow-task-movements', 'slow-variant', 'slow-task-reward-settings', 'initial-conditions-top-m', 'multi-channel-error', 'gradient-training', 'gain-positivity', 'generated-targets', ...networkDefinitions(givenNetwork, movements > 1)];
}

/** JSON-able summary of a slow-task result for the checkpoint (gains and outputs kept for the figures). */
type Kept = SlowTaskResult;

/** Mean error curve over a result's sessions, thinned to at most 400 points. */
function sessionMeanCurve(r: Kept): { x: Float64Array; y: Float64Array } {
  return thin(meanCurve(r.sessions.map((s) => s.errors)), 400);
}

export function runSupp5(options: Supp5Options): ExperimentResult {
  const started = clock();
  const settings: Supp5Settings = { ...(options.quick ? SUPP5_SETTINGS.quick : SUPP5_SETTINGS.full), ...options.settings };
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  const stop = options.shouldStop;
  const exampleSettings = supp5ExampleSettings(options);
  const mMax = Math.max(settings.conditions, ...settings.conditionSweep, exampleSettings.conditions);
  progress('network');
  const prepared: PreparedNetwork = experimentNetwork(options, settings.n, mMax);
  const { network, params } = prepared;
  const n = network.n;
  const allX0s = rows(prepared.initialConditions, mMax, n);
  const x0s = allX0s.slice(0, settings.conditions);
  const groups: GroupSpec = settings.groups >= n ? { kind: 'neuron-specific' } : { kind: 'random', count: settings.groups };
  const netKey = options.network ? 'given' : `soc${n}s${seed}`;
  const base = `supp5:${netKey}:G${settings.groups}:s${settings.factor}:${settings.sessions}x`;
  const rewardRule = { trials: settings.trials, sigma: settings.sigma, alpha: settings.alpha };
  const gradientRule = { iterations: settings.iterations, lr: settings.lr };
  let stopped = false;
  const partial = (r: Kept | null) => r === null || r.stopped;

  const task = (movementIndex: number, m: number, amplitudeScaling: boolean, rule: 'reward' | 'gradient'): Kept | null => {
    if (stop?.()) stopped = true;
    if (stopped) return null;
    const label = `movement ${movementIndex}, m = ${m}, amplitude ${amplitudeScaling ? 'scaled' : 'fixed'}, ${rule}`;
    const key = `${base}:${label}:${rule === 'reward' ? `${settings.trials}t:σ${settings.sigma}:α${settings.alpha}` : `${settings.iterations}i:lr${settings.lr}`}:seed${seed}`;
    const result = checkpointedStep(
      options,
      key,
      `${label}: ${settings.sessions} sessions`,
      (done) => {
        const starts = allX0s.slice(0, m);
        const movement = slowMovement(network, params, starts, movementIndex, settings.movementSeed);
        const spec = { params, x0s: starts, factor: settings.factor, amplitudeScaling, groups, sessions: settings.sessions, seed: Rng.derive(seed, labelHash(label)) };
        return rule === 'reward' ? slowTaskReward(movement, spec, rewardRule, stop, done) : slowTaskGradient(movement, spec, gradientRule, stop, done);
      },
      partial,
    );
    if (result.stopped) stopped = true;
    return result;
  };

  // 5a/5b: every movement with both rules (amplitude fixed); Supp. 8: movement 1 scaled.
  const perMovement: Array<{ reward: Kept | null; gradient: Kept | null }> = [];
  for (let k = 0; k < settings.movements; k++) perMovement.push({ reward: task(k, settings.conditions, false, 'reward'), gradient: task(k, settings.conditions, false, 'gradient') });
  const scaled = { reward: task(0, settings.conditions, true, 'reward'), gradient: task(0, settings.conditions, true, 'gradient') };
  // 5h–j: movement 1, reward rule, m = 1…10.
  const sweep = settings.conditionSweep.map((m) => ({ m, result: m === settings.conditions ? perMovement[0]?.reward ?? null : task(0, m, false, 'reward') }));

  // ---- summaries ----
  const finals = (r: Kept | null) => (r ? r.sessions.map((s) => s.bestError) : []);
  const meanSd = (r: Kept | null) => {
    const f = finals(r);
    return { mean: f.length ? mean(f) : NaN, sd: f.length > 1 ? sd(f) : NaN, initial: r?.initialError ?? NaN };
  };
  const perCondition = (r: Kept | null) => (r ? { initial: r.initialConditionErrors, best: r.sessions.map((s) => s.conditionErrors) } : null);
  const negatives = (r: Kept | null) => (r ? r.sessions.reduce((c, s) => c + s.gains.reduce((a, g) => a + (g < 0 ? 1 : 0), 0), 0) : 0);
  const supp8 = {
    fixed: { reward: meanSd(perMovement[0]?.reward ?? null), gradient: meanSd(perMovement[0]?.gradient ?? null), perConditionReward: perCondition(perMovement[0]?.reward ?? null) },
    scaled: { reward: meanSd(scaled.reward), gradient: meanSd(scaled.gradient), perConditionReward: perCondition(scaled.reward) },
  };

  // ---- figures ----
  const figures: FigureSpec[] = [];
  const movementAxis = perMovement.map((_, k) => k + 1);
  for (const rule of ['reward', 'gradient'] as const) {
    const stats = perMovement.map((p) => meanSd(p[rule]));
    figures.push({
      kind: 'lines',
      name: `supp5${rule === 'reward' ? 'a' : 'b'}_movements_${rule}`, definitions: ['slow-task-movements', 'slow-task-reward-settings'],
      title: `Supp. 5${rule === 'reward' ? 'a' : 'b'}: slow-variant error per movement, ${rule === 'reward' ? 'reward rule' : 'back-propagation'} (mean ± SD over ${settings.sessions} sessions)`,
      xLabel: 'movement',
      yLabel: 'error (summed over initial conditions)',
      logY: true,
      series: [
        { name: 'before (gains 1)', x: movementAxis, y: stats.map((s) => s.initial), dashed: true },
        { name: 'after', x: movementAxis, y: stats.map((s) => s.mean), band: stats.map((s) => s.sd) },
      ],
    });
    const gains = perMovement.flatMap((p) => (p[rule] ? p[rule]!.sessions.flatMap((s) => Array.from(s.gains)) : []));
    if (gains.length > 0) {
      const h = histogram(gains, settings.bins);
      const fit = fitNormal(gains);
      figures.push({ kind: 'histogram', name: `supp5${rule === 'reward' ? 'c' : 'd'}_gains_${rule}`, title: `Supp. 5${rule === 'reward' ? 'c' : 'd'}: slow-variant gains, ${rule} (μ = ${fit.mu.toFixed(3)}, σ = ${fit.sigma.toFixed(3)}; ${gains.filter((g) => g < 0).length} negative)`, xLabel: 'gain', yLabel: 'density', edges: h.edges, heights: h.density });
    }
  }
  // e–g: Fig. 6b (reward) and 6c (back-propagation)'s runs themselves (fig6.ts slowVariantExamples
  // with Fig. 6's settings), not a run of panels a–b
  const examples = stopped ? [] : slowVariantExamples(options, network, params, allX0s, exampleSettings);
  if (examples.some((ex) => ex.stopped)) stopped = true;
  const exampleRuns = examples.flatMap((r, k) => {
    const session = r.sessions[0];
    return session ? [{ rule: k === 0 ? ('reward' as const) : ('gradient' as const), figure: k === 0 ? '6b' : '6c', result: r, session }] : [];
  });
  const exampleName = (e: (typeof exampleRuns)[number]) =>
    `after: Fig. ${e.figure}, ${e.rule === 'reward' ? `reward rule (${exampleSettings.trials} trials)` : `back-propagation (${exampleSettings.iterations} iterations)`}`;
  const ones = new Float64Array(n).fill(1);
  const before = linearisationEigenvalues(network.W, n, ones, params.tau);
  const spectra: Array<{ label: string; name: string; re: Float64Array; im: Float64Array }> = [{ label: 'before', name: 'before (gains 1)', ...before }];
  for (const e of exampleRuns) spectra.push({ label: `after (${e.rule})`, name: exampleName(e), ...linearisationEigenvalues(network.W, n, e.session.gains, params.tau) });
  const reAll = spectra.flatMap((s) => Array.from(s.re));
  const imMax = Math.max(...spectra.flatMap((s) => Array.from(s.im, Math.abs)));
  const reRange: [number, number] = [Math.min(...reAll), Math.max(...reAll)];
  const histogramRows: Array<Array<number | string>> = [];
  for (const part of ['real', 'imag'] as const) {
    const rangeOf: [number, number] = part === 'real' ? reRange : [-imMax, imMax];
    const series: LineSeries[] = spectra.map((s) => {
      const h = histogram(part === 'real' ? s.re : s.im, settings.bins, rangeOf);
      for (let b = 0; b < settings.bins; b++) histogramRows.push([s.label, part, h.edges[b], h.edges[b + 1], h.counts[b]]);
      return { name: s.name, x: Array.from({ length: settings.bins }, (_, b) => 0.5 * (h.edges[b] + h.edges[b + 1]) * PER_MS_TO_PER_S), y: h.counts };
    });
    figures.push({ kind: 'lines', name: `supp5ef_eigenvalues_${part}`, title: `Supp. 5e–f: ${part} parts of the eigenvalues of (−I + W·diag(g))/τ, the runs of Fig. 6b–c (${exampleSettings.maxFactor}× slower)`, xLabel: `${part === 'real' ? 'Re' : 'Im'} λ (${EIGENVALUE_UNIT})`, yLabel: 'count', series });
  }
  // g: the same runs' outputs from noisy x0 at 4 dB (initial condition 1)
  for (const e of exampleRuns) {
    const r = e.result;
    // movement 1 (index 0) plays the network's own readout (slowMovement)
    const noisy = noisyOutputs(network, r.slow, e.session.gains, allX0s[0], settings.snrDb, settings.noisyDraws, Rng.derive(seed, e.rule === 'reward' ? 11 : 12));
    const L = r.slow.nSamples;
    const times = sampleTimes(r.slow);
    figures.push({
      kind: 'lines',
      name: `supp5g_noisy_${e.rule}`,
      title: `Supp. 5g: outputs from noisy x0 (${settings.snrDb} dB), Fig. ${e.figure}'s run (${e.rule === 'reward' ? 'reward rule' : 'back-propagation'}, initial condition 1)`,
      xLabel: 'time (ms)',
      yLabel: 'output',
      series: [
        { name: 'slow target', x: times, y: r.targets[0], dashed: true },
        { name: 'noise-free', x: times, y: e.session.output.subarray(0, L) },
        ...Array.from({ length: Math.min(5, settings.noisyDraws) }, (_, d) => ({ name: `noisy ${d + 1}`, x: times, y: noisy.subarray(d * L, (d + 1) * L) })),
      ],
    });
  }
  const sweepDone = sweep.filter((s) => s.result);
  // 5h as the legend has it: box plots over the sessions, one box per m (errors per condition)
  const perConditionFinals = sweepDone.map((s) => finals(s.result).map((e) => e / s.m));
  figures.push({
    kind: 'box',
    name: 'supp5h_errors_vs_m', definitions: ['initial-conditions-top-m', 'multi-channel-error'],
    title: `Supp. 5h: slow-variant error vs number of initial conditions (${settings.sessions} sessions per m, error per condition)`,
    xLabel: 'initial conditions m',
    yLabel: 'error per condition',
    logY: true,
    categories: sweepDone.map((s) => `m = ${s.m}`),
    boxes: perConditionFinals.map((f) => boxStats(f)),
    points: perConditionFinals,
    pointName: 'session',
  });
  figures.push({
    kind: 'lines',
    name: 'supp5h_mean_vs_m', definitions: ['initial-conditions-top-m', 'multi-channel-error'],
    title: `Supp. 5h (GainLab companion): mean ± SD over ${settings.sessions} sessions and the error before training, per condition`,
    xLabel: 'initial conditions m',
    yLabel: 'error per condition',
    logY: true,
    series: [
      { name: 'after', x: sweepDone.map((s) => s.m), y: sweepDone.map((s) => mean(finals(s.result)) / s.m), band: sweepDone.map((s) => (s.result!.sessions.length > 1 ? sd(finals(s.result)) / s.m : 0)) },
      { name: 'before (gains 1)', x: sweepDone.map((s) => s.m), y: sweepDone.map((s) => s.result!.initialError / s.m), dashed: true },
    ],
  });
  figures.push({
    kind: 'lines',
    name: 'supp5i_training_curves',
    title: 'Supp. 5i: mean error during training per condition, m = 1…10',
    xLabel: 'trial',
    yLabel: 'error per condition',
    logY: true,
    series: sweepDone.map((s) => {
      const c = sessionMeanCurve(s.result!);
      return { name: `m = ${s.m}`, x: c.x, y: c.y.map((v) => v / s.m) };
    }),
  });
  const ex6 = sweep.find((s) => s.m === settings.exampleConditions)?.result ?? null;
  if (ex6 && ex6.sessions.length > 0) {
    const order = ex6.sessions.map((s, k) => [s.bestError, k] as const).sort((a, b) => a[0] - b[0]);
    const pick = ex6.sessions[order[Math.min(4, order.length - 1)][1]];
    const L = ex6.slow.nSamples;
    const times = sampleTimes(ex6.slow);
    figures.push({
      kind: 'lines',
      name: `supp5j_outputs_m${settings.exampleConditions}`,
      title: `Supp. 5j: m = ${settings.exampleConditions}, four outputs of the session with the ${Math.min(5, order.length)}th-smallest error`,
      xLabel: 'time (ms)',
      yLabel: 'output',
      series: Array.from({ length: Math.min(4, settings.exampleConditions) }, (_, c) => [
        { name: `target ${c + 1}`, x: times, y: ex6.targets[c], dashed: true },
        { name: `output ${c + 1}`, x: times, y: pick.output.subarray(c * L, (c + 1) * L) },
      ]).flat(),
    });
  }
  const r0 = perMovement[0]?.reward ?? null;
  const s0 = scaled.reward;
  if (r0 && s0) {
    figures.push({
      kind: 'lines',
      name: 'supp8_amplitude_scaled_vs_fixed', definitions: ['slow-task-reward-settings', 'slow-variant'],
      title: 'Supp. 8: slow variant, amplitude fixed vs scaled by 1/s² (reward rule, mean over sessions)',
      xLabel: 'trial',
      yLabel: 'error (summed over initial conditions)',
      logY: true,
      series: [
        { name: 'amplitude fixed', ...sessionMeanCurve(r0) },
        { name: 'amplitude × 1/s²', ...sessionMeanCurve(s0) },
      ],
    });
  }

  // ---- tables ----
  const runRows: Array<Array<number | string>> = [];
  const addRows = (label: string, movement: number, m: number, amplitude: string, rule: string, r: Kept | null) => {
    if (r) r.sessions.forEach((s, k) => runRows.push([label, movement, m, amplitude, rule, sessionNumber(k), r.initialError, s.bestError, ...[...s.conditionErrors, NaN, NaN].slice(0, 2)]));
  };
  // movements numbered from 1, as the figures' movement axis (Supp. 8 and 5h use the first movement)
  perMovement.forEach((p, k) => {
    addRows('5a', k + 1, settings.conditions, 'fixed', 'reward', p.reward);
    addRows('5b', k + 1, settings.conditions, 'fixed', 'gradient', p.gradient);
  });
  addRows('8', 1, settings.conditions, 'scaled', 'reward', scaled.reward);
  addRows('8', 1, settings.conditions, 'scaled', 'gradient', scaled.gradient);
  sweep.forEach((s) => {
    if (s.m !== settings.conditions) addRows('5h', 1, s.m, 'fixed', 'reward', s.result);
  });

  const ranSettings = settingsAsRun(settings, options);
  const departures = departuresFrom(SUPP5_SETTINGS.full, ranSettings, LABELS);
  if (!options.network) departures.unshift('own SOC network');
  return {
    name: 'supp5',
    title: 'Supp. Figs. 5 and 8: slow variants with both rules, eigenvalues, noisy x0, number of initial conditions',
    quick: options.quick,
    seed,
    summary: {
      settings: ranSettings,
      setup: setupSummary(supp5Definitions(Boolean(options.network), settings.movements), departures),
      n,
      network: networkSummary(options, settings.n),
      perMovement: perMovement.map((p, k) => ({ movement: k, reward: meanSd(p.reward), gradient: meanSd(p.gradient) })),
      supp8,
      conditionSweep: sweep.map((s) => ({ m: s.m, meanError: mean(finals(s.result)), meanErrorPerCondition: mean(finals(s.result)) / s.m, initialError: s.result?.initialError ?? NaN })),
      // in 1/s, as the eigenvalue histograms' bins (it was 1/ms, unnamed)
      maxRealEigenvaluePerSecond: Object.fromEntries(spectra.map((s) => [s.label, Math.max(...s.re) * PER_MS_TO_PER_S])),
      // the runs of 5e–g: Fig. 6b–c's, learned with these (Fig. 6's) settings
      eigenvalueExamples: { source: 'fig6 (Fig. 6b reward rule, Fig. 6c back-propagation), movement 1 (the network’s own), one session', settings: exampleSettings, runs: exampleRuns.map((e) => ({ figure: e.figure, rule: e.rule, initialError: e.result.initialError, bestError: e.session.bestError })) },
      negativeGains: { reward: perMovement.reduce((c, p) => c + negatives(p.reward), 0), gradient: perMovement.reduce((c, p) => c + negatives(p.gradient), 0) },
      stopped,
    },
    tables: [
      { name: 'runs', columns: ['panel', 'movement', 'm', 'amplitude', 'rule', 'session', 'initial_error', 'best_error', 'error_condition_1', 'error_condition_2'], rows: runRows },
      { name: 'eigenvalue_histograms', columns: ['spectrum', 'part', 'bin_low', 'bin_high', 'count'], rows: histogramRows },
    ],
    arrays: [
      { name: 'initial_conditions', shape: [mMax, n], data: prepared.initialConditions },
      ...exampleRuns.map((e) => ({ name: `example_gains_${e.figure}`, shape: [n], data: e.session.gains })),
      ...spectra.flatMap((s, k) => [
        { name: `eigenvalues_${k}_real`, shape: [n], data: s.re },
        { name: `eigenvalues_${k}_imag`, shape: [n], data: s.im },
      ]),
    ],
    figures,
    elapsedMs: clock() - started,
    stopped,
  };
}

/**
 * Fig. 6's settings for the runs of 5e–g (fig6.ts slowExampleSettings), in this run's profile and
 * with the settings given here that Fig. 6 takes too (the slow factor as its slowest factor): so
 * Supp. 5 and Fig. 6 run alike show the same runs, as the legend says.
 */
export function supp5ExampleSettings(options: Pick<Supp5Options, 'quick' | 'settings'>): SlowExampleSettings {
  const o = options.settings ?? {};
  const shared: Partial<SlowExampleSettings> = { conditions: o.conditions, groups: o.groups, maxFactor: o.factor, trials: o.trials, sigma: o.sigma, alpha: o.alpha, iterations: o.iterations, lr: o.lr };
  const given = Object.fromEntries(Object.entries(shared).filter(([, v]) => v !== undefined)) as Partial<SlowExampleSettings>;
  return slowExampleSettings(Boolean(options.quick), given);
}

export const supp5: ExperimentDefinition = {
  name: 'supp5',
  title: 'Supp. Figs. 5–8: slow variants, eigenvalues, noisy x0',
  description:
    'The 5× slow variant of 10 movements from m = 2 initial conditions with 40 random groups, reward rule and back-propagation (5a–d), eigenvalue histograms (5e–f), noisy x0 at 4 dB (5g), m = 1…10 (5h–j), amplitude × 1/s² (Supp. 8). ' +
    'Paper set-up: N = 400, 10 movements × 10 sessions, 5000 trials (σ and trials: GainLab’s measured choice) / 300 Adam iterations. Quick: N = 40, 2 × 2, 150 trials.',
  run: runSupp5,
};
