/**
 * The one place a sweep task trains. It runs the training through the same calls as
 * `gainlab train` (src-cli/commands/train.ts): the reward rule (runRewardRule on a TrialEvaluator)
 * or Adam on the gains (trainGradient), random groups seeded as there (seededRandomGroups), so a
 * sweep task with one target gives bit for bit what `gainlab train` gives for the same settings.
 * Beyond `gainlab train`: several targets trained together (each from its own initial condition,
 * error summed: JointTrialEvaluator, model-spec §10) and specialised groups (k-means of the gain
 * changes Adam learns on the specialising targets, seed = task seed + G, as Supp. Fig. 2).
 *
 * When src-shared/tasks/training.ts (the app's training task) lands, this adapter switches to it.
 */
import { TrialEvaluator } from '../model/dynamics.js';
import { adamGainChanges, trainGradient } from '../model/gradient.js';
import { seededRandomGroups, specialisedGroups } from '../model/groups.js';
import { runRewardRule } from '../model/rewardRule.js';
import { JointTrialEvaluator } from '../speed/jointEvaluator.js';
import type { TaskSettings } from './expand.js';
import type { PreparedTask } from './inputs.js';

export interface TaskProgress {
  trial: number;
  trials: number;
  bestError: number;
}

export interface TaskRunHooks {
  onProgress?: (progress: TaskProgress) => void;
  shouldStop?: () => boolean;
  /** Gain changes for specialised groups, cached by the caller across tasks (key: what they were learned on). */
  gainChangesCache?: Map<string, Float64Array[]>;
}

export interface TaskOutcome {
  /** errors[k], k = 0..trialsDone (0: the starting gains). */
  errors: Float64Array;
  bestGains: Float64Array;
  /** Output of the best gains, channel-major (target after target with several). */
  bestOutput: Float64Array;
  bestOutputShape: number[];
  bestError: number;
  bestTrial: number;
  trialsDone: number;
  stopped: boolean;
  /** Group label per neuron, or null for neuron-specific gains. */
  groups: Int32Array | null;
  groupCount: number;
  diverged: boolean;
}

function taskGroups(settings: TaskSettings, prepared: PreparedTask, hooks: TaskRunHooks): Int32Array | null {
  const g = settings.groups;
  const n = prepared.network.n;
  if (g.kind === 'neuron') return null;
  if (g.kind === 'random') return seededRandomGroups(n, g.count, settings.seed);
  const key = `${prepared.specialiseKey}|${g.iterations}`;
  let changes = hooks.gainChangesCache?.get(key);
  if (!changes) {
    changes = adamGainChanges(prepared.network, prepared.params, prepared.specialiseTargets ?? prepared.targets, g.iterations, hooks.shouldStop);
    hooks.gainChangesCache?.set(key, changes);
  }
  return specialisedGroups(changes, g.count, settings.seed + g.count);
}

/** About 100 progress reports per task. */
function progressEvery(trials: number): number {
  return Math.max(1, Math.floor(trials / 100));
}

/** Train one task on its prepared inputs (inputs.ts SweepInputs.prepare). */
export function trainTask(settings: TaskSettings, prepared: PreparedTask, hooks: TaskRunHooks = {}): TaskOutcome {
  const groups = taskGroups(settings, prepared, hooks);
  const { network, params } = prepared;
  const channels = network.readout.channels;
  const targetCount = prepared.targets.length;
  const bestOutputShape = targetCount === 1 ? (channels === 1 ? [params.nSamples] : [channels, params.nSamples]) : [targetCount, channels, params.nSamples];
  const groupCount = groups ? Math.max(...groups) + 1 : network.n;
  const common = { bestOutputShape, groups, groupCount };
  if (settings.rule === 'reward') {
    const evaluator =
      targetCount === 1
        ? new TrialEvaluator({ ...network, x0: prepared.conditions[0] }, params, prepared.targets[0])
        : new JointTrialEvaluator(
            network,
            params,
            prepared.targets.map((target, k) => ({ x0: prepared.conditions[k], target })),
          );
    try {
      const r = runRewardRule(
        evaluator,
        { trials: settings.trials, seed: settings.seed, sigma: settings.sigma, alpha: settings.alpha, groups: groups ?? undefined, progressEvery: progressEvery(settings.trials) },
        hooks.onProgress ? (p) => hooks.onProgress!({ trial: p.trial, trials: p.trials, bestError: p.bestError }) : undefined,
        hooks.shouldStop,
      );
      const { errors, bestGains, bestOutput, bestError, bestTrial, trialsDone, stopped } = r;
      return { ...common, errors, bestGains, bestOutput, bestError, bestTrial, trialsDone, stopped, diverged: false };
    } finally {
      evaluator.dispose();
    }
  }
  const r = trainGradient(
    {
      network: { ...network, x0: prepared.conditions[0] },
      params,
      target: prepared.targets[0],
      trainable: 'gains',
      groups: groups ?? undefined,
      iterations: settings.trials,
      lr: settings.learningRate,
      progressEvery: progressEvery(settings.trials),
    },
    hooks.onProgress ? (p) => hooks.onProgress!({ trial: p.iteration, trials: p.iterations, bestError: p.bestError }) : undefined,
    hooks.shouldStop,
  );
  const { errors, bestOutput, bestError, stopped, diverged } = r;
  return { ...common, errors, bestGains: r.gains, bestOutput, bestError, bestTrial: r.bestIteration, trialsDone: r.iterations, stopped, diverged };
}
