/**
 * The one place a sweep task trains: the app's training task (src-shared/tasks/training.ts), the
 * very code behind the Train button, `gainlab train` and `gainlab run`, so a sweep task gives bit
 * for bit what the app or `gainlab train` gives for the same settings. Several targets train
 * together (each from its own initial condition, error summed, model-spec §10). Specialised groups
 * [GainLab definition, model-spec §7]: k-means of the gain changes Adam learns on the specialising
 * targets, seed = task seed + G (as Supp. Fig. 2), passed to the task as explicit labels.
 */
import type { GroupsSpec, TrainingResult } from '../ipc/contract.js';
import { adamGainChanges } from '../model/gradient.js';
import { specialisedGroups } from '../model/groups.js';
import { contextWith } from '../tasks/context.js';
import { runSimulationTask } from '../tasks/simulation.js';
import { runRewardTogether, runTrainingTask, TOGETHER_MAX_RUNS, type TrainingTaskInput } from '../tasks/training.js';
import type { SweepTask, TaskSettings } from './expand.js';
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

function taskGroups(settings: TaskSettings, prepared: PreparedTask, hooks: TaskRunHooks): GroupsSpec {
  const g = settings.groups;
  if (g.kind === 'neuron') return { kind: 'neuron' };
  if (g.kind === 'random') return { kind: 'random', count: g.count };
  const key = `${prepared.specialiseKey}|${g.iterations}`;
  let changes = hooks.gainChangesCache?.get(key);
  if (!changes) {
    changes = adamGainChanges(prepared.network, prepared.params, prepared.specialiseTargets ?? prepared.targets, g.iterations, hooks.shouldStop);
    hooks.gainChangesCache?.set(key, changes);
  }
  return { kind: 'explicit', labels: Array.from(specialisedGroups(changes, g.count, settings.seed + g.count)) };
}

/** The training task's input for one task (its network as data, one session). */
function taskInput(settings: TaskSettings, prepared: PreparedTask, hooks: TaskRunHooks): TrainingTaskInput {
  const { network, params } = prepared;
  const channels = network.readout.channels;
  const payload = { id: 'sweep-network', name: 'sweep network', n: network.n, nE: network.nE, W: network.W, x0: prepared.conditions[0], readout: network.readout, params };
  const targets = prepared.targets.map((values, k) => ({ id: `target-${k}`, name: `target ${k + 1}`, channels, nSamples: params.nSamples, duration: params.duration, values }));
  return {
    network: payload,
    targets,
    initialConditions: prepared.conditions,
    rule: settings.rule,
    trials: settings.trials,
    // the contract's defaults (a setting the sweep leaves out is the paper's value)
    sigma: settings.sigma ?? 0.001,
    alpha: settings.alpha ?? 0.3,
    learningRate: settings.learningRate ?? 1e-2,
    groups: taskGroups(settings, prepared, hooks),
    seed: settings.seed,
    sessions: 1,
  };
}

/** A task's outcome from its one-session training result. */
function taskOutcome(settings: TaskSettings, prepared: PreparedTask, input: TrainingTaskInput, result: TrainingResult): TaskOutcome {
  const { network, params } = prepared;
  const channels = network.readout.channels;
  const targetCount = prepared.targets.length;
  const bestOutputShape = targetCount === 1 ? (channels === 1 ? [params.nSamples] : [channels, params.nSamples]) : [targetCount, channels, params.nSamples];
  const session = result.sessions[0];
  // the best gains' output, condition after condition (the task reports errors, not outputs)
  const bestOutput = new Float64Array(targetCount * channels * params.nSamples);
  prepared.conditions.forEach((x0, k) => {
    bestOutput.set(runSimulationTask({ network: { ...input.network, x0 }, gains: session.bestGains, target: null, includeRates: false }).output, k * channels * params.nSamples);
  });
  const labels = settings.groups.kind === 'neuron' ? null : Int32Array.from(result.groupLabels);
  return {
    errors: session.errorCurve,
    bestGains: session.bestGains,
    bestOutput,
    bestOutputShape,
    bestError: session.bestError,
    bestTrial: session.bestTrial,
    trialsDone: session.trialsRun,
    stopped: result.partial,
    groups: labels,
    groupCount: labels ? Math.max(...labels) + 1 : network.n,
    // Adam stops at a non-finite error; its curve then ends there
    diverged: !Number.isFinite(session.errorCurve[session.errorCurve.length - 1]),
  };
}

/** Progress of `trials` trials with the best error so far (over every session the context sees). */
function progressContext(trials: number, hooks: TaskRunHooks) {
  const every = Math.max(1, Math.floor(trials / 100));
  let best = Infinity;
  return contextWith({
    shouldStop: () => hooks.shouldStop?.() ?? false,
    point: (_session, trial, error) => {
      if (error < best) best = error;
      if (hooks.onProgress && trial > 0 && (trial % every === 0 || trial === trials)) hooks.onProgress({ trial, trials, bestError: best });
    },
  });
}

/** Train one task on its prepared inputs (inputs.ts SweepInputs.prepare). */
export function trainTask(settings: TaskSettings, prepared: PreparedTask, hooks: TaskRunHooks = {}): TaskOutcome {
  const input = taskInput(settings, prepared, hooks);
  const result = runTrainingTask(input, progressContext(settings.trials, hooks));
  return taskOutcome(settings, prepared, input, result);
}

/**
 * Whether tasks can train together (trainTasksTogether): one-target reward tasks that differ in
 * nothing but their seed and groups. The key is equal for exactly such tasks; null: train alone.
 */
export function togetherKey(settings: TaskSettings): string | null {
  if (settings.rule !== 'reward' || settings.targets.length !== 1 || (settings.initialConditions ?? 1) !== 1) return null;
  const { seed: _seed, groups: _groups, ...rest } = settings;
  return JSON.stringify(rest);
}

/**
 * Tasks in groups that train together (togetherKey; at most `size` each, in the order of their
 * first task): a task no other shares its key with is a group of its own.
 */
export function togetherGroups(tasks: readonly SweepTask[], size = TOGETHER_MAX_RUNS): SweepTask[][] {
  const cap = Math.max(1, Math.min(TOGETHER_MAX_RUNS, Math.floor(size)));
  const groups: SweepTask[][] = [];
  const open = new Map<string, SweepTask[]>();
  for (const task of tasks) {
    const key = togetherKey(task.settings);
    const group = key === null ? undefined : open.get(key);
    if (group && group.length < cap) {
      group.push(task);
      continue;
    }
    const fresh = [task];
    groups.push(fresh);
    if (key !== null) open.set(key, fresh);
  }
  return groups;
}

/**
 * The groups a run of `tasks` on `threads` threads trains: groups no larger than an equal share
 * per thread, so that every thread has work (gainlab sweep run's pool; one thread: the app's
 * sweep job and gainlab sweep run in-process). A plan estimates the same groups.
 */
export function runGroups(tasks: readonly SweepTask[], threads: number): SweepTask[][] {
  return togetherGroups(tasks, Math.ceil(tasks.length / Math.max(1, threads)));
}

/** How many tasks of `groups` (runGroups) train in a group of two or more (a plan's togetherTasks). */
export function tasksTrainingTogether(groups: readonly (readonly SweepTask[])[]): number {
  return groups
    .filter((group) => group.length > 1)
    .reduce((count, group) => count + group.length, 0);
}

/**
 * Train tasks of one togetherKey in lockstep, as the sessions of one run (training.ts
 * runRewardTogether: one batched pass over W per trial). Task k's outcome is the bits trainTask
 * gives it alone. Progress counts the trials of the run, with the best error of any of its tasks.
 */
export function trainTasksTogether(settings: readonly TaskSettings[], prepared: readonly PreparedTask[], hooks: TaskRunHooks = {}): TaskOutcome[] {
  const inputs = settings.map((s, k) => taskInput(s, prepared[k], hooks));
  const results = runRewardTogether(inputs, progressContext(settings[0].trials, hooks));
  return results.map((result, k) => taskOutcome(settings[k], prepared[k], inputs[k], result));
}
