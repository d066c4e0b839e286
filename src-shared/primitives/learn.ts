/**
 * One gain pattern learned with either rule (model-spec §5, §6) for one or several conditions
 * (initial condition + target each, errors summed — model-spec §10). The common entry point of
 * the primitive libraries (§9) and the speed patterns (§10).
 *
 * Reward rule: one condition runs on a TrialEvaluator, several on a JointTrialEvaluator (one
 * batched pass over W for all conditions). Gradient: trainGradient with `conditions`.
 * Groups: per-neuron labels 0..G−1 for both rules. Starting gains (for refining a combination):
 * per neuron; the gradient rule with groups starts from each group's mean gain (exact for the
 * combinations of §9, whose gains are constant within each group).
 */
import { TrialEvaluator } from '../model/dynamics.js';
import { trainGradient } from '../model/gradient.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import { runRewardRule, type GainTrialEvaluator } from '../model/rewardRule.js';
import { JointTrialEvaluator, type JointCondition } from '../speed/jointEvaluator.js';

export type LearningRuleName = 'reward' | 'gradient';

export interface LearningRuleOptions {
  rule: LearningRuleName;
  seed: number;
  /** Reward rule: perturbed trials (default 5000). */
  trials?: number;
  /** Reward rule: σ (default 0.001). */
  sigma?: number;
  /** Reward rule: α of the low-pass averages (default 0.3). */
  alpha?: number;
  /** Gradient: Adam updates (default 300). */
  iterations?: number;
  /** Gradient: Adam learning rate (default 1e-2). */
  lr?: number;
  /** Group label per neuron (default neuron-specific). */
  groups?: Int32Array;
}

export interface LearnedGains {
  /** Per-neuron gains of the best trial/iterate. */
  gains: Float64Array;
  /** Error curve (entry 0: the starting gains), summed over conditions. */
  errors: Float64Array;
  bestError: number;
  /** Output(s) of the best gains, condition after condition, channel-major each. */
  output: Float64Array;
  rule: LearningRuleName;
  seed: number;
  stopped: boolean;
}

export interface LearnProgress {
  step: number;
  steps: number;
  bestError: number;
}

/** Mean gain of every group (groups labelled 0..G−1). */
export function groupMeans(gains: Float64Array, groups: Int32Array): Float64Array {
  let count = 0;
  for (let i = 0; i < groups.length; i++) count = Math.max(count, groups[i] + 1);
  const sums = new Float64Array(count);
  const sizes = new Float64Array(count);
  for (let i = 0; i < groups.length; i++) {
    sums[groups[i]] += gains[i];
    sizes[groups[i]]++;
  }
  for (let g = 0; g < count; g++) sums[g] = sizes[g] > 0 ? sums[g] / sizes[g] : 1;
  return sums;
}

export function learnGains(
  network: Network,
  params: DynamicsParams,
  conditions: readonly JointCondition[],
  options: LearningRuleOptions,
  initialGains?: Float64Array,
  onProgress?: (progress: LearnProgress) => void,
  shouldStop?: () => boolean,
): LearnedGains {
  if (conditions.length < 1) throw new RangeError('learnGains: at least one condition is needed');
  if (options.rule === 'reward') {
    let evaluator: GainTrialEvaluator & { dispose?: () => void };
    if (conditions.length === 1) {
      evaluator = new TrialEvaluator(network, params, conditions[0].target, { x0: conditions[0].x0 });
    } else {
      evaluator = new JointTrialEvaluator(network, params, conditions);
    }
    const trials = options.trials ?? 5000;
    const result = runRewardRule(
      evaluator,
      { trials, sigma: options.sigma, alpha: options.alpha, groups: options.groups, seed: options.seed, initialGains, progressEvery: 100 },
      onProgress ? (p) => onProgress({ step: p.trial, steps: p.trials, bestError: p.bestError }) : undefined,
      shouldStop,
    );
    evaluator.dispose?.();
    return {
      gains: result.bestGains,
      errors: result.errors,
      bestError: result.bestError,
      output: result.bestOutput,
      rule: 'reward',
      seed: options.seed,
      stopped: result.stopped,
    };
  }
  const iterations = options.iterations ?? 300;
  let startGains: Float64Array | undefined;
  if (initialGains) startGains = options.groups ? groupMeans(initialGains, options.groups) : initialGains;
  const result = trainGradient(
    {
      network,
      params,
      conditions: conditions.map((c) => ({ x0: c.x0, target: c.target })),
      trainable: 'gains',
      groups: options.groups,
      gains: startGains,
      iterations,
      lr: options.lr,
      seed: options.seed,
      progressEvery: 10,
    },
    onProgress ? (p) => onProgress({ step: p.iteration, steps: p.iterations, bestError: p.bestError }) : undefined,
    shouldStop,
  );
  return {
    gains: result.gains,
    errors: result.errors,
    bestError: result.bestError,
    output: result.bestOutput,
    rule: 'gradient',
    seed: options.seed,
    stopped: result.stopped,
  };
}
