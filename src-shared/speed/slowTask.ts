/**
 * The slow-variant task of Fig. 6b–c and Supp. Figs. 5 and 8 (model-spec §8, §10): one gain
 * pattern per session makes the network play its movements s times slower from m initial
 * conditions at once (errors summed over the conditions).
 *
 * Movements [GainLab definition 'slow-task-movements']: movement 0 is the network's own readout;
 * movement k ≥ 1 refits the readout (NNLS, gains 1, from the first initial condition) to
 * generated target movementSeed + k − 1. Each initial condition's output with gains 1 is its fast
 * movement and the slow variant (amplitude fixed, or × 1/s² [Supp. Fig. 8]) its target.
 *
 * Reward rule: K sessions in lockstep, each over its m conditions, in one batched pass of K·m
 * simulations (JointSessionsEvaluator); random groups per session (training.ts). Gradient: Adam
 * per session with that session's groups (gains kept ≥ 0, GainLab definition 'gain-positivity').
 */
import { normalisedError } from '../model/dynamics.js';
import type { Network } from '../model/network.js';
import { slowParams, type DynamicsParams } from '../model/params.js';
import { fitReadoutAtRest } from '../model/prepare.js';
import { generateTarget, slowVariant } from '../model/targets.js';
import { gradientRun, groupsOfSession, rewardSessions, sessionSeeds, type GroupSpec } from '../experiments/training.js';
import { JointSessionsEvaluator, type JointCondition } from './jointEvaluator.js';
import { outputsFor } from './speed.js';

/**
 * Reward-rule settings of the slow tasks [GainLab definition 'slow-task-reward-settings']: the
 * paper does not give σ or the trial count for these figures (see definitions.ts for the
 * measurement behind the choice).
 */
export const SLOW_TASK_REWARD = { sigma: 0.003, trials: 5000 } as const;

export interface SlowMovement {
  index: number;
  /** The network with this movement's readout. */
  network: Network;
  /** Fast movements: each initial condition's output with gains 1 (channel-major each). */
  fast: Float64Array[];
}

/** Movement 0: the network's own readout; k ≥ 1: readout refitted to generated target movementSeed + k − 1. */
export function slowMovement(network: Network, params: DynamicsParams, x0s: readonly Float64Array[], index: number, movementSeed: number): SlowMovement {
  let net = network;
  if (index > 0) {
    const target = generateTarget(movementSeed + index - 1, { duration: params.duration, nSamples: params.nSamples }).values;
    const readout = fitReadoutAtRest({ ...network, x0: x0s[0] }, params, target, 1);
    net = { ...network, readout: { channels: 1, weights: readout.weights } };
  }
  const outputs = outputsFor(net, params, x0s, new Float64Array(network.n).fill(1));
  const length = net.readout.channels * params.nSamples;
  return { index, network: net, fast: x0s.map((_, m) => outputs.slice(m * length, (m + 1) * length)) };
}

export function slowConditions(movement: SlowMovement, params: DynamicsParams, x0s: readonly Float64Array[], factor: number, amplitudeScaling: boolean): JointCondition[] {
  const grid = { duration: params.duration, nSamples: params.nSamples };
  return x0s.map((x0, m) => ({ x0, target: slowVariant(movement.fast[m], movement.network.readout.channels, grid, factor, { amplitudeScaling }).values }));
}

export interface SlowTaskSpec {
  params: DynamicsParams;
  x0s: readonly Float64Array[];
  factor: number;
  amplitudeScaling: boolean;
  groups: GroupSpec;
  sessions: number;
  seed: number;
}

export interface SlowSession {
  /** Error curve (index 0: gains 1), summed over conditions. */
  errors: Float64Array;
  bestError: number;
  /** Per-condition errors of the best gains. */
  conditionErrors: number[];
  gains: Float64Array;
  /** Outputs of the best gains, condition after condition. */
  output: Float64Array;
  groups: Int32Array | null;
}

export interface SlowTaskResult {
  sessions: SlowSession[];
  initialError: number;
  initialConditionErrors: number[];
  targets: Float64Array[];
  slow: DynamicsParams;
  stopped: boolean;
}

function conditionErrors(output: Float64Array, conditions: readonly JointCondition[], channels: number, nSamples: number): number[] {
  const L = channels * nSamples;
  return conditions.map((c, m) => normalisedError(output.subarray(m * L, (m + 1) * L), c.target, channels, nSamples));
}

function initialErrors(movement: SlowMovement, slow: DynamicsParams, spec: SlowTaskSpec, conditions: readonly JointCondition[]): number[] {
  const out = outputsFor(movement.network, slow, spec.x0s, new Float64Array(movement.network.n).fill(1));
  return conditionErrors(out, conditions, movement.network.readout.channels, slow.nSamples);
}

/** The reward rule on the slow task: spec.sessions sessions in lockstep; `onFraction`: the share of the trials done. */
export function slowTaskReward(
  movement: SlowMovement,
  spec: SlowTaskSpec,
  rule: { trials: number; sigma: number; alpha: number },
  shouldStop?: () => boolean,
  onFraction?: (fraction: number) => void,
): SlowTaskResult {
  const slow = slowParams(spec.params, spec.factor);
  const conditions = slowConditions(movement, spec.params, spec.x0s, spec.factor, spec.amplitudeScaling);
  const evaluator = new JointSessionsEvaluator(movement.network, slow, Array.from({ length: spec.sessions }, () => conditions));
  const result = rewardSessions(
    { network: movement.network, params: slow, target: conditions[0].target, sessions: spec.sessions, seed: spec.seed, trials: rule.trials, sigma: rule.sigma, alpha: rule.alpha, groups: spec.groups, evaluator },
    onFraction ? (trial, trials) => onFraction(trial / trials) : undefined,
    shouldStop,
  );
  const init = initialErrors(movement, slow, spec, conditions);
  return {
    sessions: result.sessions.map((s, k) => ({
      errors: s.errors,
      bestError: s.bestError,
      conditionErrors: conditionErrors(s.bestOutput, conditions, movement.network.readout.channels, slow.nSamples),
      gains: s.bestGains,
      output: s.bestOutput,
      groups: result.groups[k],
    })),
    initialError: init.reduce((a, b) => a + b, 0),
    initialConditionErrors: init,
    targets: conditions.map((c) => c.target),
    slow,
    stopped: result.stopped,
  };
}

/** Back-propagation on the slow task: one Adam run per session (its own random groups); `onFraction`: the share of the sessions done. */
export function slowTaskGradient(movement: SlowMovement, spec: SlowTaskSpec, rule: { iterations: number; lr: number }, shouldStop?: () => boolean, onFraction?: (fraction: number) => void): SlowTaskResult {
  const slow = slowParams(spec.params, spec.factor);
  const conditions = slowConditions(movement, spec.params, spec.x0s, spec.factor, spec.amplitudeScaling);
  const seeds = sessionSeeds(spec.seed, spec.sessions);
  const sessions: SlowSession[] = [];
  let stopped = false;
  for (const seed of seeds) {
    if (shouldStop?.()) {
      stopped = true;
      break;
    }
    const groups = groupsOfSession(spec.groups, movement.network.n, seed);
    const r = gradientRun({ network: movement.network, params: slow, conditions, trainable: 'gains', groups: groups ?? undefined, iterations: rule.iterations, lr: rule.lr, seed }, shouldStop);
    sessions.push({
      errors: r.errors,
      bestError: r.bestError,
      conditionErrors: conditionErrors(r.bestOutput, conditions, movement.network.readout.channels, slow.nSamples),
      gains: r.gains,
      output: r.bestOutput,
      groups,
    });
    if (r.stopped) stopped = true;
    onFraction?.(sessions.length / seeds.length);
  }
  const init = initialErrors(movement, slow, spec, conditions);
  return { sessions, initialError: init.reduce((a, b) => a + b, 0), initialConditionErrors: init, targets: conditions.map((c) => c.target), slow, stopped };
}
