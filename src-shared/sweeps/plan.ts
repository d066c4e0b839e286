/**
 * How long and how much memory a sweep task takes, estimated from costs measured on this machine:
 *
 *  - per trial: a short timed run of the task's own evaluator (TrialEvaluator, JointTrialEvaluator
 *    for several targets, or the gradient's forward + adjoint) on a surrogate network of the task's
 *    size, shaped like an SOC network (E columns density 0.1 with one shared weight, I columns
 *    density 0.4 — what buildSoc leaves), on the task's movement grid; for tasks that train
 *    together (runTask.ts togetherGroups), one lockstep trial of the group's size, through the
 *    evaluator the lockstep run uses (a BatchTrialEvaluator when preferBatched);
 *  - the time here of one- and two-session reward groups: with a core to spare, the reward rule
 *    runs the next trial on it meanwhile (rewardRule.ts "Concurrent trials"), which one trial at a
 *    time does not show; a short run of the rule itself times them (the `here` probes). The
 *    per-task CPU time and the SLURM requests keep the one-trial-at-a-time cost: an array task on
 *    its one CPU has no core to spare;
 *  - SOC builds: one Schur form of an n × n matrix timed (at most at n = SOC_TIMING_MAX_N, scaled
 *    by n³ above it) × SOC_EXPECTED_ITERATIONS;
 *  - specialised groups: the Adam iterations on each specialising target at the gradient's cost;
 *  - per task, what it costs besides its trials (measureTaskOverheadMs): its training run's set-up,
 *    the best gains' output, its record and its files in the sweep folder. Left out, the time here
 *    of a 4-task sweep of N = 20 and 150 trials read 28 ms for 89 ms run (src-shared/tasks/sweep.ts);
 *  - once per run here (CostTable.jobOverheadMs, the time here only): what the job does before its
 *    first task — the sweep read and every task checked against its inputs, plan.json and the
 *    sweep file written, the folder looked through for finished tasks —, its first task's code
 *    compiled on the job's thread (the task-overhead probe's first, cold life less a warm one), and
 *    the hand-off to and from its worker (src-main/services/sweepService.ts adds what the latest
 *    jobs took on main). Measured here (2 vCPUs, busy): 7–20 ms per job in all, 1–5 ms of it on
 *    main; a 4-task sweep of N = 20 and 40 trials runs in 30–90 ms.
 *
 * Memory: a model of the arrays a task holds (documented at estimateTask) over the measured
 * baseline of a GainLab process.
 */
import { BatchTrialEvaluator, preferBatched } from '../model/batchSimulator.js';
import { TrialEvaluator } from '../model/dynamics.js';
import { rewardRuleLockstep } from '../model/rewardRule.js';
import { GradientProblem } from '../model/gradient.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import { Rng } from '../model/rng.js';
import { buildSoc } from '../model/soc.js';
import { generateTarget } from '../model/targets.js';
import { median } from '../analysis/statistics.js';
import { JointTrialEvaluator } from '../speed/jointEvaluator.js';
import { runCores } from '../model/kernels/threads.js';
import type { SweepTask, TaskSettings } from './expand.js';
import type { NetworkShape, PreparedTask } from './inputs.js';
import { taskResult, type TaskArrays, type TaskRecord } from './record.js';
import { trainTask } from './runTask.js';
import { formatSlurmTime } from './sbatch.js';

/**
 * Iterations of the adaptive SOC recipe to convergence, measured here for seed 1: 229 at N = 40,
 * 236 at N = 200 (the recipe's point is that this barely grows with N).
 */
export const SOC_EXPECTED_ITERATIONS = 250;
/** Above this size one SOC iteration is timed at this size and scaled by (n / size)³. */
export const SOC_TIMING_MAX_N = 300;

export interface CostProbe {
  n: number;
  channels: number;
  params: DynamicsParams;
  rule: 'reward' | 'gradient';
  /** Targets trained together. */
  targets: number;
  /** Tasks trained together in lockstep, one session each (absent or 1: the task alone). */
  sessions?: number;
  /**
   * Timed as a run here trains them, with a core to spare: a short run of the reward rule, whose
   * concurrent trials use that core when faster (hereProbe). Absent: one trial at a time.
   */
  here?: boolean;
}

export function costProbeKey(probe: CostProbe): string {
  const p = probe.params;
  const sessions = probe.sessions ?? 1;
  return `${probe.rule}:n${probe.n}:c${probe.channels}:t${probe.targets}${sessions > 1 ? `:k${sessions}` : ''}:${p.nSamples}/${p.duration}/${p.tau}/${p.gainFunction}${probe.here ? ':here' : ''}`;
}

/** Whether a costProbeKey was timed as a run here (CostProbe.here). */
export function probeHere(key: string): boolean {
  return key.endsWith(':here');
}

/** The sessions a costProbeKey was timed with (1: a task alone). */
export function probeSessions(key: string): number {
  const m = /:k(\d+):/.exec(key);
  return m ? Number(m[1]) : 1;
}

/** A network shaped like an SOC network of size n (for timing only; deterministic). */
export function surrogateNetwork(n: number, channels: number): Network {
  const nE = n / 2;
  const rng = new Rng(0x5eed);
  const W = new Float64Array(n * n);
  const e = 0.1 / Math.sqrt(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      if (j < nE ? rng.uniform() < 0.1 : rng.uniform() < 0.4) W[i * n + j] = j < nE ? e : -3 * e * (0.5 + rng.uniform());
    }
  }
  const x0 = new Float64Array(n);
  for (let i = 0; i < n; i++) x0[i] = rng.normal();
  return { n, nE, W, x0, readout: { channels, weights: new Float64Array(channels * (1 + nE)).fill(0.01) } };
}

export interface MeasureOptions {
  /** Milliseconds of a monotonic clock. */
  now: () => number;
  /** Time spent per measurement (default 150 ms; at least 3 timed trials). */
  budgetMs?: number;
}

/**
 * Run `trial` at least 3 times and for about `budget` ms (after two calls not counted); ms per call.
 * `firstCall` is told how long the first call took (cold: code not yet compiled on this thread).
 */
function timePerCall(trial: () => void, options: MeasureOptions, firstCall?: (ms: number) => void): number {
  const { now } = options;
  const budget = options.budgetMs ?? 150;
  const first = now();
  trial();
  firstCall?.(now() - first);
  trial();
  let calls = 0;
  const started = now();
  let elapsed = 0;
  while (calls < 3 || (elapsed < budget && calls < 10_000)) {
    trial();
    calls++;
    elapsed = now() - started;
  }
  return elapsed / calls;
}

/**
 * Milliseconds per trial (reward) or per Adam iteration (gradient) of a task of this shape; with
 * `sessions` > 1, per lockstep trial of that many tasks trained together (all their sessions).
 */
export function measureTrialMs(probe: CostProbe, options: MeasureOptions): number {
  const network = surrogateNetwork(probe.n, probe.channels);
  // a real movement: a flat target would make the normalised error 0/0 and end training at once
  const target = generateTarget(1, { duration: probe.params.duration, nSamples: probe.params.nSamples }, probe.channels).values;
  const gains = new Float64Array(probe.n).fill(1);
  const sessions = probe.sessions ?? 1;
  if (probe.here) return measureRunHereMs(probe, network, target, options);
  if (sessions > 1) {
    // what training.ts runs for them: one batched pass over W per trial, or each session's own
    // trial one after another (the lockstep rule with one evaluator)
    if (probe.rule !== 'reward' || probe.targets !== 1) throw new RangeError('only one-target reward tasks train together');
    if (!preferBatched(probe.n, sessions)) return sessions * measureTrialMs({ ...probe, sessions: 1 }, options);
    const batch = new BatchTrialEvaluator(network, probe.params, target, sessions);
    try {
      const all = Array.from({ length: sessions }, () => gains);
      const errors = new Float64Array(sessions);
      return timePerCall(() => batch.errors(all, errors), options);
    } finally {
      batch.dispose();
    }
  }
  if (probe.rule === 'gradient') {
    // per Adam iteration: one forward + adjoint pass (the Adam step itself is O(n)) on one
    // problem. Timing whole trainGradient runs of 2, 4, … iterations divided the set-up of each
    // run (kernels, helper threads: 100–350 ms) among a few passes, ~10× a 5 ms pass.
    const problem = new GradientProblem({ network, params: probe.params, trainable: 'gains', ...(probe.targets > 1 ? { conditions: Array.from({ length: probe.targets }, () => ({ target })) } : { target }) });
    const theta = Float64Array.from(problem.initialParameters);
    const gradient = new Float64Array(problem.size);
    return timePerCall(() => problem.valueAndGradient(theta, gradient), options);
  }
  const evaluator =
    probe.targets === 1
      ? new TrialEvaluator(network, probe.params, target)
      : new JointTrialEvaluator(network, probe.params, Array.from({ length: probe.targets }, () => ({ target })));
  try {
    return timePerCall(() => evaluator.error(gains), options);
  } finally {
    evaluator.dispose();
  }
}

/** Trials of the untimed run before a `here` probe (kernels compiled, helper threads started). */
const HERE_WARMUP_TRIALS = 20;
/** Bounds on the trials of a `here` probe's timed run (the rule's schedule re-checks every 16–64). */
const HERE_MIN_TRIALS = 60;
const HERE_MAX_TRIALS = 4000;

/**
 * A `here` probe: ms per lockstep trial of the reward rule's own run (rewardRuleLockstep on one
 * TrialEvaluator, `sessions` sessions, concurrent trials as the run's default) — the cost of the
 * run here including the next trial computed on a spare core meanwhile when that is faster.
 * An untimed warm-up, then a run of about the time budget, timed whole (its initial evaluation
 * counts as a trial, as a task's trials + 1 do).
 */
function measureRunHereMs(probe: CostProbe, network: Network, target: Float64Array, options: MeasureOptions): number {
  if (probe.rule !== 'reward' || probe.targets !== 1) throw new RangeError('only one-target reward tasks are timed as a run here');
  const sessions = probe.sessions ?? 1;
  const budget = options.budgetMs ?? 150;
  const evaluator = new TrialEvaluator(network, probe.params, target);
  try {
    const run = (trials: number) => rewardRuleLockstep({ kind: 'each', evaluator }, { sessions, trials, seed: 1 });
    let started = options.now();
    run(HERE_WARMUP_TRIALS);
    const warmupMs = (options.now() - started) / (HERE_WARMUP_TRIALS + 1);
    const trials = Math.min(HERE_MAX_TRIALS, Math.max(HERE_MIN_TRIALS, Math.round(budget / Math.max(warmupMs, 1e-3))));
    started = options.now();
    run(trials);
    return (options.now() - started) / (trials + 1);
  } finally {
    evaluator.dispose();
  }
}

/**
 * Milliseconds of one adaptive-SOC iteration (one Schur form and its Lyapunov pair) at size n:
 * the difference between builds stopped after 1 and after 4 iterations (so set-up and the first,
 * unoptimised calls do not count), after a small warm-up build.
 */
export function measureSocIterationMs(n: number, options: MeasureOptions): number {
  const size = Math.min(n, SOC_TIMING_MAX_N);
  const timed = (iterations: number) => {
    const started = options.now();
    const soc = buildSoc({ n: size, seed: 1, recipe: 'adaptive', eigenvalueEvery: 0, maxIterations: iterations });
    return { ms: options.now() - started, forms: soc.schurForms };
  };
  buildSoc({ n: Math.min(size, 20), seed: 1, recipe: 'adaptive', eigenvalueEvery: 0, maxIterations: 2 });
  const one = timed(1);
  const four = timed(4);
  // (for small n the difference can drown in timer noise: then the plain average)
  const perForm = four.forms > one.forms && four.ms > one.ms ? (four.ms - one.ms) / (four.forms - one.forms) : four.ms / Math.max(1, four.forms);
  return perForm * (n / size) ** 3;
}

export interface TaskEstimate {
  cpuSeconds: number;
  memoryMB: number;
}

export interface CostTable {
  /** ms per trial by costProbeKey */
  trialMs: Map<string, number>;
  /** ms per SOC iteration by n */
  socIterationMs: Map<number, number>;
  /** Start-up of a GainLab process to its first trial (ms), charged to every task. */
  startupMs: number;
  /**
   * ms a task costs besides its trials and its SOC build or specialising, by the costProbeKey of
   * its own probe (measureTaskOverheads); absent or missing a key: not counted.
   */
  taskOverheadMs?: ReadonlyMap<string, number>;
  /**
   * ms a run here costs once besides its tasks (the job's checks, plan.json, the worker hand-off:
   * planSweepTask in src-shared/tasks/sweep.ts); charged to the time here only (absent: 0).
   */
  jobOverheadMs?: number;
  /** Resident memory of a GainLab process before any task (MB). */
  baselineMB: number;
}

/** The cost probes a task needs (its own trials; specialising uses the gradient on one target). */
export function taskProbes(settings: TaskSettings, shape: NetworkShape): CostProbe[] {
  const base = { n: shape.n, channels: shape.channels, params: shape.params };
  const probes: CostProbe[] = [{ ...base, rule: settings.rule, targets: settings.targets.length }];
  if (settings.groups.kind === 'specialised') probes.push({ ...base, rule: 'gradient', targets: 1 });
  return probes;
}

/** The lockstep probe of `sessions` tasks like `settings` trained together (togetherGroups). */
export function togetherProbe(settings: TaskSettings, shape: NetworkShape, sessions: number): CostProbe {
  return { ...taskProbes(settings, shape)[0], sessions };
}

/** A task's time besides its own trials (ms): start-up, its overhead (taskOverheadMs), SOC build, specialising. */
function setupMs(settings: TaskSettings, shape: NetworkShape, costs: CostTable): number {
  let ms = costs.startupMs + (costs.taskOverheadMs?.get(costProbeKey(taskProbes(settings, shape)[0])) ?? 0);
  if (settings.network.kind === 'soc') ms += SOC_EXPECTED_ITERATIONS * (costs.socIterationMs.get(shape.n) ?? 0);
  const specialise = taskProbes(settings, shape)[1];
  if (specialise && settings.groups.kind === 'specialised') {
    ms += settings.groups.iterations * settings.groups.on.length * (costs.trialMs.get(costProbeKey(specialise)) ?? 0);
  }
  return ms;
}

/**
 * CPU time and memory of one task.
 *   time   = start-up + overhead + [SOC build: SOC_EXPECTED_ITERATIONS × one iteration]
 *            + [specialised: iterations × targets × one Adam iteration] + (trials + 2) × one trial
 *   memory = baseline + 8 bytes × (4n² [W and the kernel's copies] + 16n² when building an SOC
 *            network [Schur and Lyapunov workspaces] + targets × 4·n·nSamples [states and rates]
 *            + 16·n·nSamples for the gradient's RK4 tape + trials + 1 [the error curve])
 */
export function estimateTask(settings: TaskSettings, shape: NetworkShape, costs: CostTable): TaskEstimate {
  const own = taskProbes(settings, shape)[0];
  const ms = setupMs(settings, shape, costs) + (settings.trials + 2) * (costs.trialMs.get(costProbeKey(own)) ?? 0);
  const n = shape.n;
  const nSamples = shape.params.nSamples;
  const soc = settings.network.kind === 'soc';
  const gradient = settings.rule === 'gradient' || settings.groups.kind === 'specialised';
  const doubles = 4 * n * n + (soc ? 16 * n * n : 0) + settings.targets.length * 4 * n * nSamples + (gradient ? 16 * n * nSamples : 0) + settings.trials + 1;
  return { cpuSeconds: ms / 1000, memoryMB: costs.baselineMB + (8 * doubles) / 2 ** 20 };
}

/**
 * The probe of a group run here with a core to spare (CostProbe.here): one-target reward tasks
 * in a group too small for the batched kernel (alone or two together), whose trials the rule
 * runs concurrently; null for any other group (its one-trial-at-a-time probe is its time here).
 */
export function hereProbe(group: readonly SweepTask[], shapeOf: (task: SweepTask) => NetworkShape): CostProbe | null {
  const first = group[0].settings;
  const shape = shapeOf(group[0]);
  if (first.rule !== 'reward' || first.targets.length !== 1 || (first.initialConditions ?? 1) !== 1) return null;
  if (preferBatched(shape.n, group.length)) return null;
  return { ...togetherProbe(first, shape, group.length), here: true };
}

/**
 * Seconds of the tasks of one group that trains together (runTask.ts togetherGroups; they share
 * everything but seed and groups): one start-up, each task's own set-up (SOC build, specialising)
 * one after another, and the group's trials + 2 in lockstep (the probe of its size; without one,
 * the tasks' trials one after another). A group of one is its task's estimate.
 * `here`: as the run here trains it, timed by its hereProbe when measured (measureSweepCosts'
 * hereGroups).
 */
export function estimateGroupSeconds(group: readonly SweepTask[], shapeOf: (task: SweepTask) => NetworkShape, costs: CostTable, here = false): number {
  const timedHere = here ? hereProbe(group, shapeOf) : null;
  const hereMs = timedHere ? costs.trialMs.get(costProbeKey(timedHere)) : undefined;
  if (group.length === 1 && hereMs === undefined) return estimateTask(group[0].settings, shapeOf(group[0]), costs).cpuSeconds;
  const first = group[0].settings;
  const shape = shapeOf(group[0]);
  let ms = costs.startupMs;
  for (const task of group) ms += setupMs(task.settings, shapeOf(task), costs) - costs.startupMs;
  const together = hereMs ?? costs.trialMs.get(costProbeKey(togetherProbe(first, shape, group.length)));
  const alone = costs.trialMs.get(costProbeKey(taskProbes(first, shape)[0])) ?? 0;
  ms += (first.trials + 2) * (together ?? group.length * alone);
  return ms / 1000;
}

/** What the task-overhead probe writes a task to (what a sweep run does with folder.ts's SweepFolder). */
export interface ScratchFolder {
  markRunning(id: string): void;
  writeResult(task: SweepTask, record: TaskRecord, arrays: TaskArrays): void;
  clearFailed(id: string): void;
  clearRunning(id: string): void;
}

/** Trials of a task-overhead probe's run (subtracted again at the measured cost of a trial). */
export const OVERHEAD_PROBE_TRIALS = 2;

/**
 * Milliseconds one task costs besides its trials and what setupMs charges apart (start-up, SOC
 * build, specialising): its training run's set-up (evaluator, groups), the best gains' output, its
 * record, and its files (running marker, arrays and result.json written atomically, markers
 * cleared) — the life of a task in folder.ts executeSweepTasks, timed on a surrogate network of
 * the task's shape with OVERHEAD_PROBE_TRIALS trials into `folder` (the host's scratch folder, so
 * the file writes count), less those trials + 2 at `trialMs` (the task's one-at-a-time trial).
 * Specialised groups are drawn at random here (their Adam run is charged apart).
 */
export function measureTaskOverheadMs(
  task: SweepTask,
  shape: NetworkShape,
  trialMs: number,
  folder: ScratchFolder,
  options: MeasureOptions & { coldExtra?: (ms: number) => void },
): number {
  const network = surrogateNetwork(shape.n, shape.channels);
  const target = generateTarget(1, { duration: shape.params.duration, nSamples: shape.params.nSamples }, shape.channels).values;
  const groups = task.settings.groups.kind === 'specialised' ? ({ kind: 'random', count: task.settings.groups.count } as const) : task.settings.groups;
  const settings: TaskSettings = { ...task.settings, trials: OVERHEAD_PROBE_TRIALS, groups };
  const prepared: PreparedTask = {
    network,
    params: shape.params,
    conditions: settings.targets.map(() => network.x0),
    targets: settings.targets.map(() => target),
    specialiseTargets: null,
    specialiseKey: '',
    networkHash: '',
    inputsHash: '0'.repeat(64),
    build: null,
  };
  let written = 0;
  const lifeOfTask = () => {
    const probe: SweepTask = { ...task, id: (written++).toString(16).padStart(16, '0'), settings };
    const now = new Date().toISOString();
    folder.markRunning(probe.id);
    const outcome = trainTask(settings, prepared);
    const { record, arrays } = taskResult(outcome, {
      task: probe,
      sweep: 'overhead-probe',
      inputsHash: prepared.inputsHash,
      networkHash: prepared.networkHash,
      n: network.n,
      build: null,
      setupMs: 0,
      elapsedMs: 0,
      startedAt: now,
      finishedAt: now,
      host: 'probe',
      maxRssMB: null,
      cores: runCores(),
      gainlabVersion: '0',
    });
    folder.writeResult(probe, record, arrays);
    folder.clearFailed(probe.id);
    folder.clearRunning(probe.id);
  };
  let firstMs = 0;
  const lifeMs = timePerCall(lifeOfTask, options, (ms) => (firstMs = ms));
  options.coldExtra?.(Math.max(0, firstMs - lifeMs));
  return Math.max(0, lifeMs - (OVERHEAD_PROBE_TRIALS + 2) * trialMs);
}

/**
 * The overhead of every task shape of a sweep (measureTaskOverheadMs, once per costProbeKey of a
 * task's own probe), by that key; `trialMs`: measureSweepCosts' table, which holds those probes.
 */
export function measureTaskOverheads(
  tasks: readonly SweepTask[],
  shapeOf: (task: SweepTask) => NetworkShape,
  trialMs: ReadonlyMap<string, number>,
  folder: ScratchFolder,
  options: MeasureOptions & { onProbe?: (line: string) => void; coldExtra?: (ms: number) => void },
): Map<string, number> {
  const overheads = new Map<string, number>();
  for (const task of tasks) {
    const shape = shapeOf(task);
    const key = costProbeKey(taskProbes(task.settings, shape)[0]);
    if (overheads.has(key)) continue;
    options.onProbe?.(`timing a task's set-up, output and files of N = ${shape.n}`);
    // the first task's life on a thread that has not run one (the first shape's only): its extra
    // cost over a warm one is what a job's first task pays once
    const coldExtra = overheads.size === 0 ? options.coldExtra : undefined;
    overheads.set(key, measureTaskOverheadMs(task, shape, trialMs.get(key) ?? 0, folder, { ...options, coldExtra }));
  }
  return overheads;
}

/** SLURM requests from the largest task estimate: time × 2 + 2 min, memory × 1.5 + 64 MB. */
export function slurmRequests(maxCpuSeconds: number, maxMemoryMB: number): { timeMinutes: number; memoryMB: number } {
  return {
    timeMinutes: Math.max(5, Math.ceil((2 * maxCpuSeconds + 120) / 60)),
    memoryMB: Math.max(256, Math.ceil((1.5 * maxMemoryMB + 64) / 64) * 64),
  };
}

/**
 * Every cost probe (and SOC size) the tasks of a sweep need, each timed once; `groups`: the groups
 * of two or more tasks that train together (runTask.ts runGroups here, or a SLURM array's groups),
 * timed per group size; `hereGroups`: the groups of the run here when it has a core to spare, each
 * also timed as that run trains it (hereProbe).
 */
export function measureSweepCosts(
  tasks: readonly SweepTask[],
  shapeOf: (task: SweepTask) => NetworkShape,
  options: MeasureOptions & { onProbe?: (line: string) => void },
  groups: readonly (readonly SweepTask[])[] = [],
  hereGroups: readonly (readonly SweepTask[])[] = [],
): Pick<CostTable, 'trialMs' | 'socIterationMs'> {
  const trialMs = new Map<string, number>();
  const socIterationMs = new Map<number, number>();
  const probes = (task: SweepTask) => taskProbes(task.settings, shapeOf(task));
  // groups too small for the batched kernel train their sessions one after another: the tasks'
  // own probe times them (estimateGroupSeconds)
  const together = groups
    .filter((group) => group.length > 1 && preferBatched(shapeOf(group[0]).n, group.length))
    .map((group) => [togetherProbe(group[0].settings, shapeOf(group[0]), group.length)]);
  const here = hereGroups.map((group) => hereProbe(group, shapeOf)).filter((probe) => probe !== null);
  for (const probeList of [...tasks.map(probes), ...together, here]) {
    for (const probe of probeList) {
      const key = costProbeKey(probe);
      if (trialMs.has(key)) continue;
      const sessions = probe.sessions ?? 1;
      options.onProbe?.(
        `timing ${probe.rule} trials of N = ${probe.n}${probe.targets > 1 ? ` × ${probe.targets} targets` : ''}${sessions > 1 ? `, ${sessions} trained together` : ''}${probe.here ? ', as a run here (concurrent trials on a spare core)' : ''}`,
      );
      trialMs.set(key, measureTrialMs(probe, options));
    }
  }
  for (const task of tasks) {
    const shape = shapeOf(task);
    if (task.settings.network.kind === 'soc' && !socIterationMs.has(shape.n)) {
      options.onProbe?.(`timing SOC iterations of N = ${shape.n}`);
      socIterationMs.set(shape.n, measureSocIterationMs(shape.n, options));
    }
  }
  return { trialMs, socIterationMs };
}

/**
 * One SLURM array task that trains `group` together (gainlab sweep slurm --together): its seconds
 * (estimateGroupSeconds) and memory (one process: the baseline once, each task's arrays).
 */
export function estimateArrayGroup(group: readonly SweepTask[], shapeOf: (task: SweepTask) => NetworkShape, costs: CostTable): TaskEstimate {
  let memoryMB = costs.baselineMB;
  for (const task of group) memoryMB += estimateTask(task.settings, shapeOf(task), costs).memoryMB - costs.baselineMB;
  return { cpuSeconds: estimateGroupSeconds(group, shapeOf, costs), memoryMB };
}

/** What every array task asks SLURM for, as #SBATCH values: slurmRequests of the largest of `estimates` (one per array task). */
export function arrayRequests(estimates: readonly TaskEstimate[]): { time: string; mem: string } {
  const requests = slurmRequests(Math.max(...estimates.map((e) => e.cpuSeconds)), Math.max(...estimates.map((e) => e.memoryMB)));
  return { time: formatSlurmTime(requests.timeMinutes), mem: `${requests.memoryMB}M` };
}

/**
 * The time here of a sweep's groups (runTask.ts runGroups; tasks alone are groups of one), in
 * seconds: each group as the run here trains it (its `here` probe where measured).
 */
export function groupsSeconds(groups: readonly (readonly SweepTask[])[], shapeOf: (task: SweepTask) => NetworkShape, costs: CostTable): number {
  return groups.reduce((sum, group) => sum + estimateGroupSeconds(group, shapeOf, costs, true), 0);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Seconds to 0.1 s, and below a second to 3 significant digits (a 40 ms sweep here read '≈ 0 ms'). */
function roundSeconds(value: number): number {
  return Math.abs(value) >= 1 ? round(value, 1) : Number(value.toPrecision(3));
}

/** What `gainlab sweep plan` prints and the app's Sweeps view shows of a sweep's estimates. */
export interface EstimateSummary {
  cpuSecondsPerTask: { min: number; median: number; max: number };
  totalCpuSeconds: number;
  /**
   * The time here over `threadsHere` threads: the groups that train together (estimateGroupSeconds)
   * and the tasks alone, spread over the threads.
   */
  wallSecondsHere: number;
  threadsHere: number;
  memoryMBPerTask: { median: number; max: number };
  /** What each array task asks SLURM for (slurmRequests of the largest task). */
  slurmRequest: { time: string; mem: string };
  /**
   * ms per trial of each probe (costProbeKey); sessions > 1: per lockstep trial of that many tasks
   * together; here: timed as the run here trains them (CostProbe.here), used for the time here only.
   */
  measured: Array<{ probe: string; msPerTrial: number; sessions: number; here: boolean }>;
  socIterationMs: Array<{ n: number; ms: number }>;
  startupMs: number;
  /** Each task shape's own cost besides its trials (ms, by costProbeKey): set-up, output, record, files. */
  taskOverheadMs: Record<string, number>;
  /** What a run here costs once besides its tasks (ms; CostTable.jobOverheadMs), in wallSecondsHere. */
  jobOverheadMs: number;
  baselineMB: number;
}

/**
 * The summary with `ms` more of the job's own cost in the time here: what the host measures around
 * the plan (the app: the hand-off of a sweep to its worker and back, src-main/services/sweepService.ts).
 */
export function addJobOverhead(summary: EstimateSummary, ms: number): EstimateSummary {
  return { ...summary, jobOverheadMs: round(summary.jobOverheadMs + ms, 1), wallSecondsHere: roundSeconds(summary.wallSecondsHere + ms / 1000) };
}

/**
 * hereSeconds: the time of the sweep's groups and tasks here (default: the tasks one after another);
 * the time here adds the job's own cost once (jobOverheadMs).
 */
export function estimateSummary(perTask: ReadonlyMap<string, TaskEstimate>, costs: CostTable, threads: number, hereSeconds?: number): EstimateSummary {
  const jobOverheadMs = costs.jobOverheadMs ?? 0;
  const cpu = [...perTask.values()].map((e) => e.cpuSeconds);
  const memory = [...perTask.values()].map((e) => e.memoryMB);
  const total = cpu.reduce((a, b) => a + b, 0);
  const maxCpu = Math.max(...cpu);
  const maxMemory = Math.max(...memory);
  return {
    cpuSecondsPerTask: { min: round(Math.min(...cpu), 3), median: round(median(cpu), 3), max: round(maxCpu, 3) },
    totalCpuSeconds: roundSeconds(total),
    wallSecondsHere: roundSeconds((hereSeconds ?? total) / Math.max(1, threads) + jobOverheadMs / 1000),
    threadsHere: threads,
    memoryMBPerTask: { median: round(median(memory), 1), max: round(maxMemory, 1) },
    slurmRequest: arrayRequests([...perTask.values()]),
    measured: [...costs.trialMs].map(([probe, ms]) => ({ probe, msPerTrial: round(ms, 4), sessions: probeSessions(probe), here: probeHere(probe) })),
    socIterationMs: [...costs.socIterationMs].map(([n, ms]) => ({ n, ms: round(ms, 2) })),
    startupMs: round(costs.startupMs, 1),
    taskOverheadMs: Object.fromEntries([...(costs.taskOverheadMs ?? [])].map(([probe, ms]) => [probe, round(ms, 2)])),
    jobOverheadMs: round(jobOverheadMs, 1),
    baselineMB: round(costs.baselineMB, 1),
  };
}
