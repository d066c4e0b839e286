/**
 * piscina worker: runs one model task per call (training, SOC build, one simulation).
 * Never imports electron (checked by scripts/check-boundaries.mjs): it runs in the Electron main
 * process's worker threads, in the web server and in tests alike.
 *
 * Long tasks talk back through `task.port` (protocol.ts): 'started', then 'progress' batches at
 * most every PROGRESS_POST_MS with every new error point, and stop when Atomics.load(stopFlag, 0)
 * is 1, resolving with the partial result.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ErrorPoints, GainSnapshot, NetworkPayload, SimulateResponse, SocResult, TargetPayload, TrainingResult, TrainingSessionResult } from '../../src-shared/ipc/contract.js';
import { TrialEvaluator, Simulator, computeOutput, normalisedError } from '../../src-shared/model/dynamics.js';
import { neuronSpecificGroups, randomGroups } from '../../src-shared/model/groups.js';
import type { Network } from '../../src-shared/model/network.js';
import { RewardRuleSession, type GainTrialEvaluator } from '../../src-shared/model/rewardRule.js';
import { BatchTrialEvaluator } from '../../src-shared/model/batchSimulator.js';
import { trainGradient } from '../../src-shared/model/gradient.js';
import { groupMeans } from '../../src-shared/primitives/learn.js';
import { buildSoc } from '../../src-shared/model/soc.js';
import { initialConditions } from '../../src-shared/model/gramian.js';
import { fitReadout } from '../../src-shared/model/readoutFit.js';
import { Rng } from '../../src-shared/model/rng.js';
import { stepLength, type DynamicsParams } from '../../src-shared/model/params.js';
import type {
  PreparedNetwork,
  PrepareNetworkTask,
  ResolvedTraining,
  SimulateTask,
  SocSpectrum,
  SocTask,
  TrainingTask,
  WorkerMessage,
  WorkerTask,
} from './protocol.js';
import { runSpeedTask } from './speedTask.js';
import { runPrimitivesTask } from './primitivesTasks.js';
import { runExperimentTask } from './experimentTask.js';

/** Worker → main progress batches: often enough for a smooth ~10/s UI, rarely enough to be free. */
const PROGRESS_POST_MS = 40;

/** A deliberate, user-facing failure (the job manager keeps the code instead of 'worker-crashed'). */
function taskError(code: 'invalid-payload' | 'not-found' | 'bad-file' | 'internal', message: string): Error {
  return new Error(`gainlab-error:${code}:${message}`);
}

export default async function runModelTask(task: WorkerTask): Promise<unknown> {
  switch (task.kind) {
    case 'training':
      return runTraining(task);
    case 'soc':
      return runSoc(task);
    case 'simulate':
      return runSimulation(task);
    case 'prepare-network':
      return prepareNetwork(task);
    // motor primitives (model-spec §9): library outputs and least-squares fits
    case 'primitives-library':
    case 'primitives-fit':
      return runPrimitivesTask(task);
    case 'speed':
      return runSpeedTask(task);
    // a paper experiment definition by name (experimentTask.ts)
    case 'experiment':
      return runExperimentTask(task);
    default:
      throw taskError('invalid-payload', `unknown task kind ${(task as { kind: unknown }).kind}`);
  }
}

function toModelNetwork(payload: NetworkPayload, x0?: Float64Array): Network {
  return { n: payload.n, nE: payload.nE, W: payload.W, x0: x0 ?? payload.x0, readout: payload.readout };
}

/** Sends batched progress; the stop flag is read on every trial (one Atomics.load, ~ns). */
class ProgressChannel {
  private points: ErrorPoints[] = [];
  private openRuns = new Map<number, ErrorPoints>();
  private lastPost = 0;
  done = 0;
  /** Set for tasks whose length is not a trial count (SOC builds). */
  percent: number | null = null;
  bestError: number | null = null;
  /** SOC builds: the newest eigenvalue spectrum, sent with the next batch. */
  spectrum: SocSpectrum | null = null;
  /** Training: gain snapshots not yet sent. */
  private snapshots: GainSnapshot[] = [];

  constructor(
    private readonly port: MessagePort,
    private readonly stopFlag: Int32Array,
    readonly total: number,
  ) {}

  post(message: WorkerMessage): void {
    this.port.postMessage(message);
  }

  shouldStop = (): boolean => Atomics.load(this.stopFlag, 0) !== 0;

  /** Whether session k alone was asked to stop (element 1 + k of the stop flag, when there is one). */
  sessionStopRequested(session: number): boolean {
    return 1 + session < this.stopFlag.length && Atomics.load(this.stopFlag, 1 + session) !== 0;
  }

  point(session: number, trial: number, error: number): void {
    // sessions run in lockstep interleave their points: extend this session's open run
    const run = this.openRuns.get(session);
    if (run && run.fromTrial + run.values.length === trial) run.values.push(error);
    else {
      const fresh = { session, fromTrial: trial, values: [error] };
      this.points.push(fresh);
      this.openRuns.set(session, fresh);
    }
    if (Number.isFinite(error) && (this.bestError === null || error < this.bestError)) this.bestError = error;
    const now = Date.now();
    if (now - this.lastPost >= PROGRESS_POST_MS) this.flush(now);
  }

  /** Keep a copy of a session's gains at this trial for the next batch. */
  snapshot(session: number, trial: number, gains: Float64Array): void {
    this.snapshots.push({ session, trial, gains: new Float64Array(gains) });
  }

  flush(now = Date.now()): void {
    this.lastPost = now;
    this.post({
      type: 'progress',
      done: this.done,
      total: this.total,
      points: this.points,
      bestError: this.bestError,
      ...(this.percent === null ? {} : { percent: this.percent }),
      ...(this.spectrum === null ? {} : { spectrum: this.spectrum }),
      ...(this.snapshots.length === 0 ? {} : { gainSnapshots: this.snapshots }),
    });
    this.spectrum = null;
    this.snapshots = [];
    this.points = [];
    this.openRuns.clear();
  }
}

/**
 * Several initial conditions, each with its own target, learned jointly: E = Σ_m E_m
 * (model-spec §10). Outputs are the per-target outputs concatenated (channel-major blocks).
 */
class SummedEvaluator implements GainTrialEvaluator {
  readonly network: { readonly n: number };
  readonly channels: number;
  readonly nSamples: number;
  constructor(private readonly parts: TrialEvaluator[]) {
    this.network = parts[0].network;
    this.channels = parts.reduce((sum, p) => sum + p.channels, 0);
    this.nSamples = parts[0].nSamples;
  }
  error(gains: Float64Array): number {
    let total = 0;
    for (const part of this.parts) total += part.error(gains);
    return total;
  }
  dispose(): void {
    for (const part of this.parts) part.dispose();
  }
  run(gains: Float64Array, outputOut?: Float64Array): number {
    let total = 0;
    let offset = 0;
    for (const part of this.parts) {
      total += part.run(gains);
      if (outputOut) outputOut.set(part.output, offset);
      offset += part.output.length;
    }
    return total;
  }
}

function groupLabels(options: ResolvedTraining): Int32Array {
  const n = options.network.n;
  const spec = options.groups;
  if (spec.kind === 'neuron') return neuronSpecificGroups(n);
  if (spec.kind === 'random') {
    if (spec.count > n) throw taskError('invalid-payload', `cannot make ${spec.count} groups of ${n} neurons`);
    return randomGroups(n, spec.count, new Rng(spec.seed ?? options.seed));
  }
  if (spec.kind === 'specialised') throw taskError('invalid-payload', 'specialised groups are resolved to labels in main before a job starts');
  if (spec.labels.length !== n) throw taskError('invalid-payload', `groups has ${spec.labels.length} labels for ${n} neurons`);
  return Int32Array.from(spec.labels);
}

/**
 * The dynamics parameters for running `network` against `target`. A target on the network's own
 * grid uses the network's parameters; a longer target with the same step length (a slow variant,
 * model-spec §8) runs the network for the target's duration with that step. Anything else is refused.
 */
function paramsForTarget(network: ResolvedTraining['network'], target: TargetPayload): DynamicsParams {
  const params = network.params;
  const mismatch = () =>
    taskError(
      'invalid-payload',
      `target "${target.name}" has ${target.channels} channel(s) × ${target.nSamples} samples over ${target.duration} ms; the network reads out ${network.readout.channels} channel(s) with a ${stepLength(params)} ms step`,
    );
  if (target.channels !== network.readout.channels) throw mismatch();
  if (target.nSamples === params.nSamples && target.duration === params.duration) return params;
  const targetStep = target.duration / (target.nSamples - 1);
  if (Math.abs(targetStep - stepLength(params)) > 1e-9 * stepLength(params)) throw mismatch();
  return { ...params, duration: target.duration, nSamples: target.nSamples };
}

function buildEvaluator(options: ResolvedTraining): GainTrialEvaluator & { dispose(): void } {
  const network = options.network;
  const parts: TrialEvaluator[] = [];
  options.targets.forEach((target, index) => {
    const x0 = options.initialConditions?.[index] ?? network.x0;
    parts.push(new TrialEvaluator(toModelNetwork(network, x0), paramsForTarget(network, target), target.values));
  });
  return parts.length === 1 ? parts[0] : new SummedEvaluator(parts);
}

async function runTraining(task: TrainingTask): Promise<TrainingResult> {
  const options = task.options;
  const sessionCount = options.rule === 'gradient' ? 1 : options.sessions;
  const progress = new ProgressChannel(task.port, task.stopFlag, options.trials * sessionCount);
  progress.post({ type: 'started' });
  const labels = groupLabels(options);
  if (options.rule === 'gradient') return runGradientTraining(options, labels, progress);
  const evaluator = buildEvaluator(options);
  if (options.sessions > 1 && options.targets.length === 1) {
    try {
      return runRewardSessionsInLockstep(options, labels, evaluator, progress);
    } finally {
      evaluator.dispose();
    }
  }
  try {
    return runRewardSessions(options, labels, evaluator, progress);
  } finally {
    // kernels may hold native/wasm memory; a long-lived worker thread must give it back
    evaluator.dispose();
  }
}

/** About 40 gain snapshots per session over a run (plus the first and the last trial). */
function snapshotInterval(trials: number): number {
  return Math.max(1, Math.floor(trials / 40));
}

function runRewardSessions(
  options: ResolvedTraining,
  labels: Int32Array,
  evaluator: GainTrialEvaluator,
  progress: ProgressChannel,
): TrainingResult {
  const initialGains = options.initialGains ?? new Float64Array(options.network.n).fill(1);
  const initialError = evaluator.error(initialGains);
  const sessions: TrainingSessionResult[] = [];
  let stopped = false;
  for (let session = 0; session < options.sessions && !stopped; session++) {
    const seed = Rng.derive(options.seed, session);
    const doneBefore = progress.done;
    // trial 0 (the starting gains) is part of every session's curve
    progress.point(session, 0, initialError);
    // the loop of runRewardRule (same calls, same order, so the same numbers), with gain snapshots
    const rule = new RewardRuleSession(evaluator.network.n, { trials: options.trials, sigma: options.sigma, alpha: options.alpha, groups: labels, initialGains, seed });
    rule.initialise(evaluator.error(rule.gains));
    progress.snapshot(session, 0, rule.gains);
    const every = snapshotInterval(options.trials);
    let sessionStopped = false;
    while (!rule.done) {
      if (progress.shouldStop()) {
        sessionStopped = true;
        stopped = true;
        break;
      }
      if (progress.sessionStopRequested(session)) {
        // this session alone: keep what it reached, go on with the next one
        sessionStopped = true;
        break;
      }
      rule.perturb();
      const error = evaluator.error(rule.gains);
      rule.accept(error);
      progress.done = doneBefore + rule.trial;
      if (rule.trial % every === 0 || rule.trial === options.trials) progress.snapshot(session, rule.trial, rule.gains);
      progress.point(session, rule.trial, error);
    }
    const bestOutput = new Float64Array(evaluator.channels * evaluator.nSamples);
    evaluator.run(rule.bestGains, bestOutput);
    const result = rule.result(bestOutput, sessionStopped);
    progress.done = doneBefore + result.trialsDone;
    sessions.push({
      session,
      seed,
      bestGains: result.bestGains,
      bestError: result.bestError,
      bestTrial: result.bestTrial,
      errorCurve: result.errors,
      trialsRun: result.trialsDone,
    });
  }
  progress.flush();
  if (stopped) progress.post({ type: 'stopped' });
  let bestSession = 0;
  for (let s = 1; s < sessions.length; s++) if (sessions[s].bestError < sessions[bestSession].bestError) bestSession = s;
  return {
    kind: 'training',
    rule: 'reward',
    initialError,
    sessions,
    bestSession,
    groupLabels: Array.from(labels),
    partial: stopped,
  };
}

/**
 * Several sessions of the reward rule advanced trial by trial together, so one batched pass over W
 * evaluates every session's trial (BatchTrialEvaluator; see performance-notes: the sessions share
 * the bytes of W). Same per-session arithmetic and seeds as runRewardRule: session k uses
 * Rng.derive(seed, k) and its own RewardRuleSession state.
 */
function runRewardSessionsInLockstep(
  options: ResolvedTraining,
  labels: Int32Array,
  evaluator: GainTrialEvaluator,
  progress: ProgressChannel,
): TrainingResult {
  const K = options.sessions;
  const network = options.network;
  const x0 = options.initialConditions?.[0] ?? network.x0;
  const initialGains = options.initialGains ?? new Float64Array(network.n).fill(1);
  const seeds = Array.from({ length: K }, (_, k) => Rng.derive(options.seed, k));
  const sessions = seeds.map(
    (seed) => new RewardRuleSession(network.n, { trials: options.trials, sigma: options.sigma, alpha: options.alpha, groups: labels, initialGains, seed }),
  );
  const batch = new BatchTrialEvaluator(toModelNetwork(network, x0), paramsForTarget(network, options.targets[0]), options.targets[0].values, K);
  const gains = sessions.map((session) => session.gains);
  const errors = new Float64Array(K);
  const initialError = evaluator.error(initialGains);
  const every = snapshotInterval(options.trials);
  for (let k = 0; k < K; k++) {
    sessions[k].initialise(initialError);
    progress.snapshot(k, 0, sessions[k].gains);
    progress.point(k, 0, initialError);
  }
  let stopped = false;
  // sessions stopped one by one keep their state; the batch still evaluates them (their gains no
  // longer change), which costs little next to the shared pass over W
  const active = new Array<boolean>(K).fill(true);
  let activeCount = K;
  let done = 0;
  for (let trial = 1; trial <= options.trials; trial++) {
    if (progress.shouldStop()) {
      stopped = true;
      break;
    }
    for (let k = 0; k < K; k++) {
      if (active[k] && progress.sessionStopRequested(k)) {
        active[k] = false;
        activeCount--;
      }
    }
    if (activeCount === 0) break;
    for (let k = 0; k < K; k++) if (active[k]) sessions[k].perturb();
    batch.errors(gains, errors);
    const snapshotNow = trial % every === 0 || trial === options.trials;
    for (let k = 0; k < K; k++) {
      if (!active[k]) continue;
      sessions[k].accept(errors[k]);
      if (snapshotNow) progress.snapshot(k, trial, sessions[k].gains);
      progress.point(k, trial, errors[k]);
      done++;
    }
    progress.done = done;
  }
  progress.flush();
  const outputLength = evaluator.channels * evaluator.nSamples;
  const results: TrainingSessionResult[] = sessions.map((session, k) => {
    const bestOutput = new Float64Array(outputLength);
    evaluator.run(session.bestGains, bestOutput);
    const result = session.result(bestOutput, stopped || !active[k]);
    return {
      session: k,
      seed: seeds[k],
      bestGains: result.bestGains,
      bestError: result.bestError,
      bestTrial: result.bestTrial,
      errorCurve: result.errors,
      trialsRun: result.trialsDone,
    };
  });
  let bestSession = 0;
  for (let k = 1; k < K; k++) if (results[k].bestError < results[bestSession].bestError) bestSession = k;
  return { kind: 'training', rule: 'reward', initialError, sessions: results, bestSession, groupLabels: Array.from(labels), partial: stopped };
}

async function runSoc(task: SocTask): Promise<SocResult> {
  const { n, seed, recipe, p: connectionProbability, R, gamma } = task.options;
  const progress = new ProgressChannel(task.port, task.stopFlag, 0);
  progress.post({ type: 'started' });
  const targetAlpha = task.options.targetAlpha ?? 0.15;
  let firstAlpha: number | null = null;
  const result = buildSoc(
    { n, seed, recipe, targetAlpha, p: connectionProbability, R, gamma, eigenvalueEvery: task.options.spectrumEvery ?? 25 },
    (p) => {
      // the spectrum as it contracts: it rides on the next progress batch (the newest one wins)
      if (p.eigenvalues) {
        progress.spectrum = { iteration: p.iteration, alpha: p.alpha, re: Array.from(p.eigenvalues.re), im: Array.from(p.eigenvalues.im) };
      }
      // the live curve of an SOC build is α(W) per iteration; percent on a log scale from α0 to the target
      if (firstAlpha === null) firstAlpha = p.alpha;
      progress.done = p.iteration;
      progress.percent =
        firstAlpha > targetAlpha && p.alpha > 0
          ? Math.max(0, Math.min(99, (100 * Math.log(firstAlpha / p.alpha)) / Math.log(firstAlpha / targetAlpha)))
          : 0;
      progress.point(0, p.iteration, p.alpha);
    },
    progress.shouldStop,
  );
  progress.done = result.iterations;
  progress.percent = result.stopped ? progress.percent : 100;
  progress.flush();
  return {
    kind: 'soc',
    W: result.W,
    n: result.n,
    nE: result.nE,
    alphaHistory: result.alphaHistory,
    iterations: result.iterations,
    seed: result.seed,
    recipe: result.recipe,
    converged: result.converged,
    finalAlpha: result.alphaHistory[result.alphaHistory.length - 1],
    partial: result.stopped,
  };
}

/**
 * Gradient runs that train the gains send ~40 gain snapshots like the reward rule (the first and
 * the last iteration included) for "gains over training" and "outputs at chosen iterations".
 */
function gradientSnapshotDue(options: ResolvedTraining, iteration: number): boolean {
  if ((options.trainable ?? 'gains') !== 'gains') return false;
  return iteration % snapshotInterval(options.trials) === 0 || iteration === options.trials;
}

/**
 * Grouped gradient training learns one gain per group, so starting gains (e.g. a primitive
 * combination to refine) enter as their group means. A combination of patterns learned with the
 * same groups is constant within each group, so nothing is lost; gains that vary inside a group
 * cannot be represented and are refused rather than silently averaged.
 */
function startingGroupGains(initialGains: Float64Array | undefined, labels: Int32Array): Float64Array | undefined {
  if (!initialGains) return undefined;
  if (initialGains.length !== labels.length) {
    throw taskError('invalid-payload', `initialGains has ${initialGains.length} values for ${labels.length} neurons`);
  }
  const means = groupMeans(initialGains, labels);
  for (let i = 0; i < labels.length; i++) {
    const spread = Math.abs(initialGains[i] - means[labels[i]]);
    if (spread > 1e-9 * Math.max(1, Math.abs(means[labels[i]]))) {
      throw taskError(
        'invalid-payload',
        `the starting gains differ within modulatory group ${labels[i] + 1} (neuron ${i + 1}); train with one gain per neuron or with the groups the gains were learned with`,
      );
    }
  }
  return means;
}

/** Adam on the gains by back-propagation through the RK4 unroll (model-spec §6); one target. */
function runGradientTraining(options: ResolvedTraining, labels: Int32Array, progress: ProgressChannel): TrainingResult {
  const network = options.network;
  if (options.targets.length !== 1) {
    throw taskError('invalid-payload', 'gradient training takes one target movement (several initial conditions are for the reward rule)');
  }
  const target = options.targets[0];
  const params = paramsForTarget(network, target);
  const neuronSpecific = options.groups.kind === 'neuron';
  const x0 = options.initialConditions?.[0] ?? network.x0;
  const result = trainGradient(
    {
      network: toModelNetwork(network, x0),
      params,
      target: target.values,
      trainable: options.trainable ?? 'gains',
      // groups shape the gains only; x0 / W / rank1 training keeps the (initial) gains fixed
      groups: neuronSpecific || (options.trainable ?? 'gains') !== 'gains' ? undefined : labels,
      gains: neuronSpecific || (options.trainable ?? 'gains') !== 'gains' ? options.initialGains : startingGroupGains(options.initialGains, labels),
      iterations: options.trials,
      lr: options.learningRate,
      // the rank-1 v starts random: the job's seed makes it reproducible
      seed: options.seed,
      progressEvery: 1,
    },
    (p) => {
      progress.done = p.iteration;
      progress.point(0, p.iteration, p.error);
      // gain snapshots of gradient runs on the gains (issue 5), as the reward rule sends them
      if (gradientSnapshotDue(options, p.iteration) && p.gains) progress.snapshot(0, p.iteration, p.gains());
    },
    progress.shouldStop,
  );
  progress.done = result.iterations;
  progress.flush();
  const session: TrainingSessionResult = {
    session: 0,
    seed: result.seed,
    bestGains: result.gains,
    bestError: result.bestError,
    bestTrial: result.bestIteration,
    errorCurve: result.errors,
    trialsRun: result.iterations,
    ...((options.trainable ?? 'gains') === 'gains' ? {} : { bestParameters: result.bestParameters }),
  };
  return {
    kind: 'training',
    rule: 'gradient',
    trainable: options.trainable ?? 'gains',
    initialError: result.errors[0],
    sessions: [session],
    bestSession: 0,
    groupLabels: Array.from(labels),
    partial: result.stopped,
  };
}

function runSimulation(task: SimulateTask): SimulateResponse {
  const started = Date.now();
  const network = task.network;
  const n = network.n;
  const gains = task.gains ?? new Float64Array(n).fill(1);
  if (gains.length !== n) throw taskError('invalid-payload', `gains has ${gains.length} values for ${n} neurons`);
  // a slow-variant target runs the network for its longer duration with the same step (§8)
  const params = task.target ? paramsForTarget(network, task.target) : network.params;
  const simulator = new Simulator(toModelNetwork(network), params);
  let rates: Float64Array;
  try {
    rates = simulator.run(gains).rates;
  } finally {
    simulator.dispose();
  }
  const channels = network.readout.channels;
  const output = computeOutput(rates, params.nSamples, n, network.nE, network.readout);
  let error: number | null = null;
  if (task.target) {
    const target: TargetPayload = task.target;
    error = normalisedError(output, target.values, channels, params.nSamples);
  }
  return {
    channels,
    nSamples: params.nSamples,
    output,
    rates: task.includeRates ? new Float64Array(rates) : null,
    error,
    durationMs: Date.now() - started,
  };
}

function prepareNetwork(task: PrepareNetworkTask): PreparedNetwork {
  const { W, n, nE, params } = task;
  const x0s = initialConditions(W, n, task.initialConditions, nE);
  if (!task.fitTarget) return { initialConditions: x0s, readout: null };
  const { channels, values } = task.fitTarget;
  if (values.length !== channels * params.nSamples) {
    throw taskError('invalid-payload', `the target has ${values.length} values; the network's grid needs ${channels} × ${params.nSamples}`);
  }
  const x0 = x0s.subarray(0, n);
  const placeholder = { channels, weights: new Float64Array(channels * (1 + nE)) };
  const simulator = new Simulator({ n, nE, W, x0: new Float64Array(x0), readout: placeholder }, params);
  let rates: Float64Array;
  try {
    rates = simulator.run(new Float64Array(n).fill(1)).rates;
  } finally {
    simulator.dispose();
  }
  const fit = fitReadout(rates, params.nSamples, n, nE, values, channels);
  const output = computeOutput(rates, params.nSamples, n, nE, fit);
  return {
    initialConditions: x0s,
    readout: { channels, weights: fit.weights, fitError: normalisedError(output, values, channels, params.nSamples) },
  };
}
