/**
 * The sweep tasks of the app:
 *
 * - runSweepTask: every task of a sweep, in index order, on one thread — the app's 'sweep' job.
 *   Each task is the CLI's task (sweeps/folder.ts executeSweepTasks: the same inputs, training task
 *   and records), written to the sweep's folder as `gainlab sweep run --out DIR` writes it, so the
 *   two read each other's folders. Reward tasks that differ only in seed and groups (a sweep's
 *   seeds) train together, up to ten at a time, in lockstep through the batched kernel
 *   (runTask.ts trainTasksTogether): each gets the bits it gets alone. Finished tasks (a result whose inputs hash matches) are skipped:
 *   a sweep stopped, paused or killed with its server resumes where it was.
 *   Progress: tasks finished of all (the percent also counts the running task's trials), one point
 *   per task (its best error, at its index), the running task in the message. Stop (cancel) ends
 *   the running task at its next trial (it is not written); pause (the stop flag of session 0)
 *   lets it finish and stops before the next.
 * - planSweepTask: a sweep's tasks checked against their inputs (inputs hashes, the plan.json
 *   document) and the cost probes (plan.ts) timed on this thread — off main's event loop; each
 *   task shape's overhead (set-up, output, files: plan.ts measureTaskOverheadMs) into a scratch
 *   folder the host gives (the worker: a temporary folder on disk; else in memory).
 * - decodeSweepResultsTask: a collected archive's results (sweeps/results.ts), off main's loop.
 *
 * The folder's files are the host's: a worker passes a folder over node:fs
 * (src-main/services/sweepDir.ts); without one the results live in memory only.
 */
import { describeTask, expandSweep, type ExpandedSweep, type SweepTask } from '../sweeps/expand.js';
import { arrayTasksOf, executeSweepTasks, planDocument, type SweepFolder, type SweepPlan, type TaskRunResult } from '../sweeps/folder.js';
import { SweepInputs, type SweepInputLoaders, type SweepProjectData } from '../sweeps/inputs.js';
import { arrayRequests, costProbeKey, estimateArrayGroup, estimateSummary, estimateTask, groupsSeconds, measureSweepCosts, measureTaskOverheads, taskProbes, type CostTable, type EstimateSummary, type TaskEstimate } from '../sweeps/plan.js';
import { sweepRow, type SweepRow, type TaskRecord } from '../sweeps/record.js';
import { runGroups, tasksTrainingTogether, togetherGroups } from '../sweeps/runTask.js';
import { decodeResultsArchive, taskNumber, type SweepResults } from '../sweeps/results.js';
import { parseSweepFile, SweepError, type SweepFile } from '../sweeps/schema.js';
import { TaskError, quietContext, type TaskContext } from './context.js';

export interface SweepSourceInput {
  /** The sweep file's text (DIR/sweep.json is a copy of it). */
  sweepText: string;
  /** Where the sweep file is (plan.json records it; the CLI resolves its relative paths against it). */
  sweepFile: string;
  /** The networks and targets of the project the sweep's source names (this is that project's data). */
  project: SweepProjectData | null;
}

export interface SweepTaskInput extends SweepSourceInput {
  /** The sweep folder (the host opens it; absent: results in memory only). */
  dir: string | null;
  /** Recorded in every task's result. */
  hostname: string;
  gainlabVersion: string;
}

export interface SweepJobResult {
  kind: 'sweep';
  name: string;
  dir: string | null;
  /** The project network the sweep's base runs on (null: not a project source). */
  network: { id: string; name: string } | null;
  factorNames: string[];
  /** Every task in index order: done (now or before), failed, or missing (not reached). */
  rows: SweepRow[];
  tasks: number;
  /** Found done when the job started (skipped). */
  alreadyDone: number;
  /** Run by this job. */
  done: number;
  failed: number;
  /** Stopped or paused before every task had run. */
  partial: boolean;
  /** Paused (after a finished task) rather than cancelled. */
  paused: boolean;
  elapsedMs: number;
}

/** The host's extras for a sweep job (a worker: the folder on disk and the process's peak memory). */
export interface SweepHost {
  folder: SweepFolder & { readPlan(): SweepPlan | null; writePlan(plan: SweepPlan, sweepText: string): void };
  maxRssMB(): number | null;
}

function loadersFor(project: SweepProjectData | null): SweepInputLoaders {
  const fileSource = () => {
    throw new SweepError('the app runs sweeps on its open project; network folders and .npy targets run with gainlab sweep run');
  };
  return {
    networkDir: fileSource,
    npy: fileSource,
    project: () => {
      if (!project) throw new SweepError('the sweep names a project, but no project data came with it');
      return project;
    },
  };
}

interface LoadedSweep {
  sweep: SweepFile;
  expanded: ExpandedSweep;
  tasks: SweepTask[];
  inputs: SweepInputs;
}

function loadSweep(input: SweepSourceInput, shouldStop?: () => boolean): LoadedSweep {
  try {
    const sweep = parseSweepFile(input.sweepText);
    const expanded = expandSweep(sweep);
    const inputs = new SweepInputs(loadersFor(input.project), { shouldStop, now: () => Date.now() });
    return { sweep, expanded, tasks: expanded.tasks, inputs };
  } catch (error) {
    if (error instanceof SweepError) throw new TaskError('invalid-payload', error.message);
    throw error;
  }
}

/** The inputs hash of every task (each checked against its inputs; a refusal names the task). */
function inputHashes(loaded: LoadedSweep): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const task of loaded.tasks) {
    try {
      hashes.set(task.id, loaded.inputs.check(task.settings).inputsHash);
    } catch (error) {
      if (error instanceof SweepError) throw new TaskError('invalid-payload', `task ${taskNumber(task.index)} (${describeTask(task)}): ${error.message}`);
      throw error;
    }
  }
  return hashes;
}

/** A folder in memory (a sweep run without a host folder: tests, one-off runs). */
export function memoryFolder(): SweepHost['folder'] & { records: Map<string, TaskRecord> } {
  const records = new Map<string, TaskRecord>();
  let plan: SweepPlan | null = null;
  return {
    records,
    readResult: (id) => {
      const record = records.get(id);
      return record ? { record } : null;
    },
    writeResult: (task, record) => void records.set(task.id, record),
    markRunning: () => undefined,
    clearRunning: () => undefined,
    markFailed: () => undefined,
    clearFailed: () => undefined,
    readPlan: () => plan,
    writePlan: (next) => void (plan = next),
  };
}

/**
 * plan.json as `gainlab sweep run` of the whole sweep writes it (index ↔ id, inputs hashes), unless
 * the folder's is that already (the inputs hashes of a plan of the same tasks brought up to date).
 */
function writeJobPlan(folder: SweepHost['folder'], plan: SweepPlan, hashes: ReadonlyMap<string, string>, sweepText: string): void {
  let existing: SweepPlan | null = null;
  try {
    existing = folder.readPlan();
  } catch {
    existing = null; // unreadable: written afresh
  }
  if (existing && existing.fingerprint === plan.fingerprint && existing.tasks.every((task) => hashes.get(task.id) === task.inputsHash)) return;
  try {
    folder.writePlan(existing && existing.fingerprint === plan.fingerprint ? { ...existing, tasks: existing.tasks.map((task) => ({ ...task, inputsHash: hashes.get(task.id)! })) } : plan, sweepText);
  } catch (error) {
    throw new TaskError('internal', `cannot write the sweep's plan.json: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A task's record in the folder when it is finished with these inputs (else null: it runs). */
function finishedRecord(folder: SweepFolder, task: SweepTask, hashes: ReadonlyMap<string, string>): TaskRecord | null {
  const found = folder.readResult(task.id);
  return found && 'record' in found && found.record.inputsHash === hashes.get(task.id) ? found.record : null;
}

const clock = (globalThis as { performance?: { now(): number } }).performance;
/** Milliseconds of a monotonic clock where the host has one (the probes below time a few ms). */
const monotonicMs = (): number => (clock ? clock.now() : Date.now());

/** A job's first task's extra cost on a cold thread, as this thread first measured it (by task shape). */
const coldFirstTaskMs = new Map<string, number>();

/** Tasks whose finished-result lookup the job-overhead probe times (the rest are scaled from them). */
const JOB_PROBE_LOOKUPS = 1000;

/**
 * Milliseconds of the folder work a run here does once before its first task (runSweepTask):
 * plan.json and the sweep file written into a fresh `folder`, each task's finished result looked
 * for (the first JOB_PROBE_LOOKUPS timed, the others at their rate), and a first task's folders
 * (running marker) made — timed once, cold, as the job does it.
 */
function measureJobFolderMs(folder: SweepHost['folder'], plan: SweepPlan, tasks: readonly SweepTask[], hashes: ReadonlyMap<string, string>, sweepText: string): number {
  const started = monotonicMs();
  writeJobPlan(folder, plan, hashes, sweepText);
  const looked = tasks.slice(0, JOB_PROBE_LOOKUPS);
  const lookupStarted = monotonicMs();
  for (const task of looked) finishedRecord(folder, task, hashes);
  const lookupMs = monotonicMs() - lookupStarted;
  const first = tasks[0];
  if (first) {
    folder.markRunning(first.id);
    folder.clearRunning(first.id);
  }
  return monotonicMs() - started + (looked.length > 0 ? (lookupMs * (tasks.length - looked.length)) / looked.length : 0);
}

/**
 * The running task or group as the progress line names it, numbered from 1: 'task 3 of 6 (σ 0.004,
 * seed 1)', 'tasks 4–6 of 6, together' (consecutive numbers as a range; 'tasks 1, 3 of 6' else).
 */
export function runningText(group: readonly SweepTask[], total: number): string {
  const numbers = group.map((member) => taskNumber(member.index));
  if (numbers.length === 1) return `task ${numbers[0]} of ${total} (${describeTask(group[0])})`;
  const consecutive = numbers.every((n, k) => k === 0 || n === numbers[k - 1] + 1);
  return `tasks ${consecutive ? `${numbers[0]}–${numbers.at(-1)}` : numbers.join(', ')} of ${total}, together`;
}

export function runSweepTask(input: SweepTaskInput, ctx: TaskContext = quietContext, host: SweepHost = { folder: memoryFolder(), maxRssMB: () => null }): SweepJobResult {
  const started = Date.now();
  const loaded = loadSweep(input, () => ctx.shouldStop());
  const { folder } = host;
  const { tasks } = loaded;
  const total = tasks.length;
  ctx.progress(0, total);
  ctx.percent(0);
  ctx.message(`checking ${total} task(s) against their inputs`);
  const hashes = inputHashes(loaded);
  writeJobPlan(folder, planDocument({ name: loaded.sweep.name, file: input.sweepFile, expanded: loaded.expanded }, hashes, new Date().toISOString()), hashes, input.sweepText);

  const taskHost = { hostname: input.hostname, gainlabVersion: input.gainlabVersion, maxRssMB: () => host.maxRssMB(), now: () => Date.now(), isoNow: () => new Date().toISOString() };
  const gainChanges = new Map<string, Float64Array[]>();
  const rows: SweepRow[] = [];
  let finished = 0;
  let alreadyDone = 0;
  let done = 0;
  let failed = 0;
  let stopped = false;
  let paused = false;
  const report = () => {
    ctx.progress(finished, total);
    ctx.percent((100 * finished) / total);
  };
  // the finished tasks first (each record read once), then the others in the groups that train
  // together (runTask.ts togetherGroups: later tasks that differ only in seed and groups join the
  // first, in lockstep; each gets the bits it gets alone), in the order of their first task
  const pending: SweepTask[] = [];
  for (const task of tasks) {
    const record = finishedRecord(folder, task, hashes);
    if (!record) {
      pending.push(task);
      continue;
    }
    rows.push(sweepRow({ task, state: 'done', record }));
    ctx.point(0, task.index, record.bestError ?? NaN);
    alreadyDone++;
    finished++;
  }
  report();
  for (const group of togetherGroups(pending)) {
    const task = group[0];
    if (stopped || paused || ctx.shouldStop() || ctx.sessionStopRequested(0)) {
      if (!stopped && !paused) {
        if (ctx.shouldStop()) stopped = true;
        else paused = true;
      }
      for (const member of group) rows.push(sweepRow({ task: member, state: 'missing', record: null }));
      continue;
    }
    const what = runningText(group, total);
    ctx.message(`${what}: starting`);
    const results: TaskRunResult[] = executeSweepTasks(group, {
      sweepName: loaded.sweep.name,
      folder,
      inputs: loaded.inputs,
      host: taskHost,
      gainChanges,
      shouldStop: () => ctx.shouldStop(),
      onProgress: (p) => {
        ctx.percent((100 * (finished + (group.length * p.trial) / Math.max(1, p.trials))) / total);
        ctx.message(`${what}: trial ${p.trial} of ${p.trials}, best ${p.bestError.toPrecision(4)}`);
      },
    });
    group.forEach((member, k) => {
      const result = results[k];
      if (result.kind === 'done') {
        rows.push(sweepRow({ task: member, state: 'done', record: result.record }));
        ctx.point(0, member.index, result.bestError ?? NaN);
        done++;
        finished++;
      } else if (result.kind === 'failed' && !ctx.shouldStop()) {
        rows.push(sweepRow({ task: member, state: 'failed', record: null }, result.error));
        ctx.point(0, member.index, NaN);
        failed++;
        finished++;
      } else {
        // stopped mid-task (an SOC build cut short fails as it stops): nothing of it is kept
        if (result.kind === 'failed') folder.clearFailed(member.id);
        stopped = true;
        rows.push(sweepRow({ task: member, state: 'missing', record: null }));
      }
    });
    report();
  }
  rows.sort((a, b) => a.index - b.index);
  const partial = rows.some((row) => row.state === 'missing');
  const source = loaded.sweep.base.source as { networkId?: string };
  const network = source.networkId ? (input.project?.networks.find((n) => n.id === source.networkId) ?? null) : null;
  ctx.message(partial ? `${paused ? 'paused' : 'stopped'} after ${finished} of ${total} task(s)` : `${finished} task(s) finished${failed ? `, ${failed} failed` : ''}`);
  return {
    kind: 'sweep',
    name: loaded.sweep.name,
    dir: input.dir,
    network: network ? { id: network.id, name: network.name } : null,
    factorNames: loaded.expanded.factorNames,
    rows,
    tasks: total,
    alreadyDone,
    done,
    failed,
    partial,
    paused: partial && paused && !stopped,
    elapsedMs: Date.now() - started,
  };
}

export interface SweepPlanInput extends SweepSourceInput {
  /** Threads the "time here" is spread over (the app runs a sweep as one job: 1). */
  threadsHere: number;
  /**
   * Whether the run here has a core to spare beside its threads (more cores than threadsHere):
   * the time here then counts the reward rule's concurrent trials (plan.ts hereProbe).
   */
  spareCore?: boolean;
  /** Charged to every task: start-up of a process to its first trial (ms). */
  startupMs: number;
  /**
   * The time here is one job's (the app's Run here): it counts the job's own cost once — the
   * sweep read and checked, plan.json, the folder looked through (CostTable.jobOverheadMs).
   */
  jobOverhead?: boolean;
  /** Resident memory of a process before any task (MB). */
  baselineMB: number;
  /** Also return the plan.json document (with estimates) of every task. */
  includePlan: boolean;
  /**
   * A SLURM array whose tasks are groups trained together (gainlab sweep slurm --together): the
   * array, plan.json's arrayTasks and the requests are the groups'.
   */
  arrayTogether?: boolean;
}

export interface SweepPlanResult {
  name: string;
  tasks: number;
  duplicatesMerged: number;
  /** Levels per varied factor. */
  factors: Record<string, number>;
  estimate: EstimateSummary;
  /** The job array SLURM gets: 0-(n−1)%n (arrayTogether: one index per group). */
  array: string;
  /** arrayTogether: the task indices of each array task, and what each asks SLURM for; else null. */
  arrayTasks: number[][] | null;
  arrayRequest: { time: string; mem: string } | null;
  /** Tasks that train here in groups of two or more (runTask.ts runGroups); the time here counts each group's lockstep trials. */
  togetherTasks: number;
  plan: SweepPlan | null;
}

/**
 * scratch: where the task-overhead probes write their tasks and the job-overhead probe its plan.json
 * (a fresh folder, thrown away afterwards).
 */
export function planSweepTask(input: SweepPlanInput, scratch: SweepHost['folder'] = memoryFolder()): SweepPlanResult {
  const started = monotonicMs();
  const loaded = loadSweep(input);
  const hashes = inputHashes(loaded);
  // what a run here does once besides its tasks: this very reading and checking, then its folder
  // work, timed into the fresh scratch folder before the task probes use it
  const checkMs = monotonicMs() - started;
  let jobOverheadMs = checkMs + measureJobFolderMs(scratch, planDocument({ name: loaded.sweep.name, file: input.sweepFile, expanded: loaded.expanded }, hashes, new Date().toISOString()), loaded.tasks, hashes, input.sweepText);
  const shapes = new Map(loaded.tasks.map((task) => [task.id, loaded.inputs.shape(task.settings.network)]));
  const shapeOf = (task: SweepTask) => shapes.get(task.id)!;
  // the groups Run here trains (runSweepTask, one thread) or `gainlab sweep run --jobs` would
  const groups = runGroups(loaded.tasks, input.threadsHere);
  const arrayGroups = input.arrayTogether ? togetherGroups(loaded.tasks) : null;
  const measured = measureSweepCosts(loaded.tasks, shapeOf, { now: () => Date.now() }, [...groups, ...(arrayGroups ?? [])], input.spareCore ? groups : []);
  let coldExtraMs = 0;
  const taskOverheadMs = measureTaskOverheads(loaded.tasks, shapeOf, measured.trialMs, scratch, { now: monotonicMs, coldExtra: (ms) => (coldExtraMs = ms) });
  // a job's first task runs code its thread has not compiled yet: the first life the probe timed on
  // this thread says how much that costs (kept per task shape: later plans find this thread warm,
  // a job's thread is not)
  const firstKey = loaded.tasks.length > 0 ? costProbeKey(taskProbes(loaded.tasks[0].settings, shapeOf(loaded.tasks[0]))[0]) : '';
  if (!coldFirstTaskMs.has(firstKey)) coldFirstTaskMs.set(firstKey, coldExtraMs);
  jobOverheadMs += coldFirstTaskMs.get(firstKey)!;
  const costs: CostTable = { ...measured, taskOverheadMs, ...(input.jobOverhead ? { jobOverheadMs } : {}), startupMs: input.startupMs, baselineMB: input.baselineMB };
  const perTask = new Map<string, TaskEstimate>();
  for (const task of loaded.tasks) perTask.set(task.id, estimateTask(task.settings, shapeOf(task), costs));
  const n = loaded.tasks.length;
  const arrayTasks = arrayGroups ? arrayTasksOf(arrayGroups) : null;
  const factors: Record<string, number> = {};
  for (const name of loaded.expanded.factorNames) factors[name] = new Set(loaded.tasks.map((task) => task.factors[name])).size;
  return {
    name: loaded.sweep.name,
    tasks: n,
    duplicatesMerged: loaded.expanded.duplicatesMerged,
    factors,
    estimate: estimateSummary(perTask, costs, input.threadsHere, groupsSeconds(groups, shapeOf, costs)),
    array: arrayGroups ? `0-${arrayGroups.length - 1}%${arrayGroups.length}` : `0-${n - 1}%${n}`,
    arrayTasks,
    arrayRequest: arrayGroups ? arrayRequests(arrayGroups.map((group) => estimateArrayGroup(group, shapeOf, costs))) : null,
    togetherTasks: tasksTrainingTogether(groups),
    plan: input.includePlan
      ? {
          ...planDocument({ name: loaded.sweep.name, file: input.sweepFile, expanded: loaded.expanded }, hashes, new Date().toISOString(), perTask),
          ...(arrayTasks ? { arrayTasks } : {}),
        }
      : null,
  };
}

export interface SweepResultsInput {
  /** A collected sweep (DIR/results.gainlab-sweep). */
  archive: Uint8Array;
}

export function decodeSweepResultsTask(input: SweepResultsInput): SweepResults {
  try {
    return decodeResultsArchive(input.archive);
  } catch (error) {
    if (error instanceof SweepError) throw new TaskError('bad-file', error.message);
    throw error;
  }
}
