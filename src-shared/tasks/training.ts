/**
 * The training task: learn gains (or, by gradient, x0 / W / a rank-1 change) for one or several
 * targets on a network — the one implementation behind the app's Train button, `gainlab train`,
 * `gainlab run` of a recipe, sweeps and the experiment definitions.
 *
 * - Reward rule (model-spec §5): rewardRuleLockstep, every session advanced trial by trial
 *   together; one batched pass over W per trial when that is faster (preferBatched: from a few
 *   sessions on, with one target; a batched session gives the same bits as alone), else the
 *   sessions' trials one after another on one evaluator (one target: TrialEvaluator). Several
 *   initial conditions, each with its own target (E = Σ E_m): every session's conditions in one
 *   batched pass (JointSessionsEvaluator), one session's on a JointTrialEvaluator.
 *   Session k is seeded Rng.derive(seed, k).
 * - Gradient (model-spec §6): Adam through the RK4 unroll (trainGradient), one deterministic session.
 * - Groups (model-spec §7): random groups draw their labels from Rng(groups.seed ?? seed); explicit
 *   labels are used as given (specialised groups are resolved to labels before the task).
 */
import type { GroupsSpec, NetworkPayload, TargetPayload, TrainingResult, TrainingSessionResult } from '../ipc/contract.js';
import { preferBatched } from '../model/batchSimulator.js';
import { TrialEvaluator } from '../model/dynamics.js';
import { trainGradient } from '../model/gradient.js';
import { neuronSpecificGroups, randomGroups } from '../model/groups.js';
import type { Network } from '../model/network.js';
import { stepLength, targetFit, type DynamicsParams } from '../model/params.js';
import { rewardRuleLockstep, type SessionEvaluation } from '../model/rewardRule.js';
import { Rng } from '../model/rng.js';
import { targetSpread } from '../model/targets.js';
import { groupMeans } from '../primitives/learn.js';
import { JointSessionsEvaluator, JointTrialEvaluator } from '../speed/jointEvaluator.js';
import { TaskError, type TaskContext, quietContext } from './context.js';

/** A training request with its network and targets as data. */
export interface TrainingTaskInput {
  network: NetworkPayload;
  /** One target per initial condition; with several, errors are summed (model-spec §10). */
  targets: TargetPayload[];
  /** Initial condition per target (n entries each); default network.x0 for every target. */
  initialConditions?: Float64Array[];
  rule: 'reward' | 'gradient';
  /** Reward rule: trials per session; gradient: Adam iterations. */
  trials: number;
  sigma: number;
  alpha: number;
  learningRate: number;
  /** Groups as labels or a random draw (specialised groups are resolved to labels first). */
  groups: GroupsSpec;
  seed: number;
  sessions: number;
  initialGains?: Float64Array;
  trainable?: 'gains' | 'x0' | 'W' | 'rank1';
  /** The run's name (for logs and hosts; the numbers do not depend on it). */
  label?: string;
}

export function modelNetwork(payload: Pick<NetworkPayload, 'n' | 'nE' | 'W' | 'x0' | 'readout'>, x0?: Float64Array): Network {
  return { n: payload.n, nE: payload.nE, W: payload.W, x0: x0 ?? payload.x0, readout: payload.readout };
}

/** The group label of every neuron for a groups spec (model-spec §7). */
export function groupLabelsOf(groups: GroupsSpec, n: number, seed: number): Int32Array {
  if (groups.kind === 'neuron') return neuronSpecificGroups(n);
  if (groups.kind === 'random') {
    if (groups.count > n) throw new TaskError('invalid-payload', `cannot make ${groups.count} groups of ${n} neurons`);
    return randomGroups(n, groups.count, new Rng(groups.seed ?? seed));
  }
  if (groups.kind === 'specialised') throw new TaskError('invalid-payload', 'specialised groups are resolved to labels before a task starts');
  if (groups.labels.length !== n) throw new TaskError('invalid-payload', `groups has ${groups.labels.length} labels for ${n} neurons`);
  return Int32Array.from(groups.labels);
}

/**
 * The dynamics parameters for running `network` against `target`. A target on the network's own
 * grid uses the network's parameters; a longer target with the same step length (a slow variant,
 * model-spec §8) runs the network for the target's duration with that step. Anything else is refused.
 */
export function paramsForTarget(network: Pick<NetworkPayload, 'params' | 'readout'>, target: Pick<TargetPayload, 'name' | 'channels' | 'nSamples' | 'duration'>): DynamicsParams {
  const params = network.params;
  const fit = targetFit(params, network.readout.channels, target);
  if (fit.fits) return fit.params;
  throw new TaskError(
    'invalid-payload',
    `target "${target.name}" has ${target.channels} channel(s) × ${target.nSamples} samples over ${target.duration} ms; the network reads out ${network.readout.channels} channel(s) with a ${stepLength(params)} ms step`,
  );
}

/** About 40 gain snapshots per session over a run (plus the first and the last trial). */
export function snapshotInterval(trials: number): number {
  return Math.max(1, Math.floor(trials / 40));
}

/** How the reward rule's trials are evaluated for this input (see the header). */
function sessionEvaluation(input: TrainingTaskInput, sessions: number): { evaluation: SessionEvaluation; dispose(): void } {
  const network = input.network;
  const params = input.targets.map((target) => paramsForTarget(network, target));
  const x0Of = (index: number) => input.initialConditions?.[index] ?? network.x0;
  if (input.targets.length === 1) {
    // lockstep through one batched pass when it is faster (a batched session has the same bits as alone)
    if (preferBatched(network.n, sessions)) {
      return { evaluation: { kind: 'batch', network: modelNetwork(network, x0Of(0)), params: params[0], target: input.targets[0].values }, dispose: () => undefined };
    }
    const evaluator = new TrialEvaluator(modelNetwork(network, x0Of(0)), params[0], input.targets[0].values);
    return { evaluation: { kind: 'each', evaluator }, dispose: () => evaluator.dispose() };
  }
  if (params.some((p) => p.nSamples !== params[0].nSamples || p.duration !== params[0].duration)) {
    throw new TaskError('invalid-payload', 'learning jointly over several initial conditions needs their targets on one time grid');
  }
  const conditions = input.targets.map((target, m) => ({ x0: x0Of(m), target: target.values }));
  if (sessions > 1) {
    // every session's conditions in one batched pass (split between the cores by sessions)
    // instead of the sessions' batches one after another: the same bits
    const evaluator = new JointSessionsEvaluator(modelNetwork(network), params[0], Array.from({ length: sessions }, () => conditions));
    return { evaluation: { kind: 'sessions', n: network.n, evaluator }, dispose: () => evaluator.dispose() };
  }
  const joint = new JointTrialEvaluator(modelNetwork(network), params[0], conditions);
  return { evaluation: { kind: 'each', evaluator: joint }, dispose: () => joint.dispose() };
}

function bestSessionOf(sessions: readonly TrainingSessionResult[]): number {
  let best = 0;
  for (let k = 1; k < sessions.length; k++) if (sessions[k].bestError < sessions[best].bestError) best = k;
  return best;
}

/** Sessions' own seeds and group labels (runRewardTogether); default Rng.derive(seed, k) and `labels`. */
interface SessionChoices {
  seeds: readonly number[];
  groups: readonly Int32Array[];
}

function runReward(input: TrainingTaskInput, labels: Int32Array, ctx: TaskContext, own?: SessionChoices): TrainingResult {
  const K = input.sessions;
  ctx.progress(0, input.trials * K);
  const { evaluation, dispose } = sessionEvaluation(input, K);
  const every = snapshotInterval(input.trials);
  let done = 0;
  try {
    const result = rewardRuleLockstep(
      evaluation,
      {
        sessions: K,
        trials: input.trials,
        sigma: input.sigma,
        alpha: input.alpha,
        groups: labels,
        initialGains: input.initialGains,
        seed: input.seed,
        ...(own ? { seeds: own.seeds, sessionGroups: own.groups } : {}),
      },
      {
        shouldStop: () => ctx.shouldStop(),
        sessionStopRequested: (k) => ctx.sessionStopRequested(k),
        onTrial: (k, trial, error, gains) => {
          if (trial === 0 || trial % every === 0 || trial === input.trials) ctx.snapshot(k, trial, gains);
          ctx.point(k, trial, error);
          if (trial > 0) ctx.progress(++done);
        },
      },
    );
    const sessions: TrainingSessionResult[] = result.sessions.map((session, k) => ({
      session: k,
      seed: session.seed,
      bestGains: session.bestGains,
      bestError: session.bestError,
      bestTrial: session.bestTrial,
      errorCurve: session.errors,
      trialsRun: session.trialsDone,
    }));
    return {
      kind: 'training',
      rule: 'reward',
      initialError: result.sessions[0].errors[0],
      sessions,
      bestSession: result.bestSession,
      groupLabels: Array.from(labels),
      partial: result.stopped,
    };
  } finally {
    // kernels may hold native/wasm memory; a long-lived worker thread must give it back
    dispose();
  }
}

/**
 * Grouped gradient training learns one gain per group, so starting gains (e.g. a primitive
 * combination to refine) enter as their group means. A combination of patterns learned with the
 * same groups is constant within each group, so nothing is lost; gains that vary inside a group
 * cannot be represented and are refused rather than silently averaged.
 */
export function startingGroupGains(initialGains: Float64Array | undefined, labels: Int32Array): Float64Array | undefined {
  if (!initialGains) return undefined;
  if (initialGains.length !== labels.length) {
    throw new TaskError('invalid-payload', `initialGains has ${initialGains.length} values for ${labels.length} neurons`);
  }
  const means = groupMeans(initialGains, labels);
  for (let i = 0; i < labels.length; i++) {
    const spread = Math.abs(initialGains[i] - means[labels[i]]);
    if (spread > 1e-9 * Math.max(1, Math.abs(means[labels[i]]))) {
      throw new TaskError(
        'invalid-payload',
        `the starting gains differ within modulatory group ${labels[i] + 1} (neuron ${i + 1}); train with one gain per neuron or with the groups the gains were learned with`,
      );
    }
  }
  return means;
}

function runGradient(input: TrainingTaskInput, labels: Int32Array, ctx: TaskContext): TrainingResult {
  if (input.targets.length !== 1) {
    throw new TaskError('invalid-payload', 'gradient training takes one target movement (several initial conditions are for the reward rule)');
  }
  const network = input.network;
  const target = input.targets[0];
  const trainable = input.trainable ?? 'gains';
  const neuronSpecific = input.groups.kind === 'neuron';
  const onGains = trainable === 'gains';
  const every = snapshotInterval(input.trials);
  ctx.progress(0, input.trials);
  const result = trainGradient(
    {
      network: modelNetwork(network, input.initialConditions?.[0]),
      params: paramsForTarget(network, target),
      target: target.values,
      trainable,
      // groups shape the gains only; x0 / W / rank1 training keeps the (initial) gains fixed
      groups: neuronSpecific || !onGains ? undefined : labels,
      gains: neuronSpecific || !onGains ? input.initialGains : startingGroupGains(input.initialGains, labels),
      iterations: input.trials,
      lr: input.learningRate,
      // the rank-1 v starts random: the run's seed makes it reproducible
      seed: input.seed,
      progressEvery: 1,
    },
    (p) => {
      ctx.progress(p.iteration);
      ctx.point(0, p.iteration, p.error);
      // gain snapshots of gradient runs on the gains, as the reward rule sends them
      if (onGains && p.gains && (p.iteration % every === 0 || p.iteration === input.trials)) ctx.snapshot(0, p.iteration, p.gains());
    },
    () => ctx.shouldStop(),
  );
  const session: TrainingSessionResult = {
    session: 0,
    seed: result.seed,
    bestGains: result.gains,
    bestError: result.bestError,
    bestTrial: result.bestIteration,
    errorCurve: result.errors,
    trialsRun: result.iterations,
    ...(onGains ? {} : { bestParameters: result.bestParameters }),
  };
  return {
    kind: 'training',
    rule: 'gradient',
    trainable,
    initialError: result.errors[0],
    sessions: [session],
    bestSession: bestSessionOf([session]),
    groupLabels: Array.from(labels),
    partial: result.stopped,
  };
}

/**
 * Refuses a run whose starting error cannot be finite: a target that does not vary (the error is
 * relative to its spread) or weights so large that the output, or its distance from the target,
 * overflows. Such a run could only report NaN or Infinity. One trial of the first target and
 * initial condition, with the starting gains; no random draws, so the run's numbers are unchanged.
 */
function checkStartingError(input: TrainingTaskInput): void {
  const target = input.targets[0];
  if (!target) return;
  const evaluator = new TrialEvaluator(modelNetwork(input.network, input.initialConditions?.[0] ?? input.network.x0), paramsForTarget(input.network, target), target.values);
  let error: number;
  try {
    error = evaluator.run(input.initialGains ?? new Float64Array(input.network.n).fill(1));
  } finally {
    evaluator.dispose();
  }
  if (Number.isFinite(error)) return;
  const spread = targetSpread(target.values, target.channels, target.nSamples);
  throw new TaskError(
    'invalid-payload',
    !(spread > 0 && Number.isFinite(spread))
      ? `target "${target.name}" ${spread === 0 ? 'does not vary' : 'has values too large to square'}: the error is measured relative to its spread about its mean, which must be a positive finite number`
      : `the starting error is ${error}: the output of network "${input.network.name}" (its W, x0 or readout weights) is too large for the error to be computed`,
  );
}

/** Run a training (see the header). Throws TaskError for inputs a user can fix. */
export function runTrainingTask(input: TrainingTaskInput, ctx: TaskContext = quietContext): TrainingResult {
  const labels = groupLabelsOf(input.groups, input.network.n, input.seed);
  if (input.initialGains && input.initialGains.length !== input.network.n) {
    throw new TaskError('invalid-payload', `initialGains has ${input.initialGains.length} values for ${input.network.n} neurons`);
  }
  checkStartingError(input);
  return input.rule === 'gradient' ? runGradient(input, labels, ctx) : runReward(input, labels, ctx);
}

/** Runs trained together by runRewardTogether, at most (a sweep's seeds: ten sessions, the paper's). */
export const TOGETHER_MAX_RUNS = 10;

/**
 * One-session reward runs that differ only in their seed and groups (a sweep's seeds), advanced in
 * lockstep as the sessions of one run: one batched pass over W per trial where that is faster
 * (preferBatched). Run k gives the bits runTrainingTask gives it alone: its session is seeded
 * Rng.derive(seed_k, 0), as a one-session run's is, and learns with its own group labels, and a
 * batched session has the same bits as alone. ctx sees run k as session k. Throws TaskError when
 * the runs differ in anything else.
 */
export function runRewardTogether(inputs: readonly TrainingTaskInput[], ctx: TaskContext = quietContext): TrainingResult[] {
  if (inputs.length === 0) return [];
  if (inputs.length > TOGETHER_MAX_RUNS) throw new TaskError('invalid-payload', `at most ${TOGETHER_MAX_RUNS} runs train together, got ${inputs.length}`);
  const first = inputs[0];
  for (const input of inputs) {
    if (input.rule !== 'reward' || input.sessions !== 1) throw new TaskError('invalid-payload', 'only one-session reward runs train together');
    if (!sameExceptSeedAndGroups(first, input)) throw new TaskError('invalid-payload', 'runs trained together must differ only in their seed and groups');
  }
  if (first.initialGains && first.initialGains.length !== first.network.n) {
    throw new TaskError('invalid-payload', `initialGains has ${first.initialGains.length} values for ${first.network.n} neurons`);
  }
  checkStartingError(first);
  const labels = inputs.map((input) => groupLabelsOf(input.groups, input.network.n, input.seed));
  const result = runReward({ ...first, sessions: inputs.length }, labels[0], ctx, {
    seeds: inputs.map((input) => Rng.derive(input.seed, 0)),
    groups: labels,
  });
  return result.sessions.map((session, k) => ({
    ...result,
    initialError: session.errorCurve[0],
    sessions: [{ ...session, session: 0 }],
    bestSession: 0,
    groupLabels: Array.from(labels[k]),
  }));
}

function sameValues(a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Whether two runs train the same network on the same targets with the same settings. */
function sameExceptSeedAndGroups(a: TrainingTaskInput, b: TrainingTaskInput): boolean {
  const netA = a.network;
  const netB = b.network;
  const sameNetwork =
    netA.n === netB.n &&
    netA.nE === netB.nE &&
    sameValues(netA.W, netB.W) &&
    sameValues(netA.x0, netB.x0) &&
    netA.readout.channels === netB.readout.channels &&
    sameValues(netA.readout.weights, netB.readout.weights) &&
    JSON.stringify(netA.params) === JSON.stringify(netB.params);
  const sameTargets =
    a.targets.length === b.targets.length &&
    a.targets.every((t, k) => t.channels === b.targets[k].channels && t.nSamples === b.targets[k].nSamples && t.duration === b.targets[k].duration && sameValues(t.values, b.targets[k].values));
  const conditions = (input: TrainingTaskInput) => input.initialConditions ?? [];
  const sameConditions = conditions(a).length === conditions(b).length && conditions(a).every((x0, k) => sameValues(x0, conditions(b)[k]));
  return (
    sameNetwork &&
    sameTargets &&
    sameConditions &&
    a.trials === b.trials &&
    Object.is(a.sigma, b.sigma) &&
    Object.is(a.alpha, b.alpha) &&
    sameValues(a.initialGains, b.initialGains)
  );
}
