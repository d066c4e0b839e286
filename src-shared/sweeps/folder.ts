/**
 * A sweep's output folder as every host uses it, and the life of one task in it — the one
 * implementation behind `gainlab sweep run` (one process, its worker threads, a SLURM array task)
 * and the app's 'sweep' job (a model-worker thread): prepare the task's inputs, train it through
 * the sweep adapter (runTask.ts), and write its record and arrays to DIR/tasks/ID/.
 *
 * The folder's files are read and written by the host (src-main/services/sweepDir.ts with node:fs);
 * this module says what goes in them. Layout (sweepDir.ts has the details):
 *   DIR/sweep.json   the sweep file as planned      DIR/plan.json   tasks in index order (planSchema)
 *   DIR/tasks/ID/    one finished task (record.ts)  DIR/running/ID.json, DIR/failed/ID.json   markers
 */
import { z } from 'zod';
import { runCores } from '../model/kernels/threads.js';
import { sweepFingerprint, type ExpandedSweep, type SweepTask } from './expand.js';
import type { PreparedTask, SweepInputs } from './inputs.js';
import { taskResult, type TaskArrays, type TaskRecord } from './record.js';
import { trainTask, trainTasksTogether, type TaskOutcome, type TaskProgress } from './runTask.js';
import type { TaskEstimate } from './plan.js';

export const PLAN_FORMAT = 'gainlab-sweep-plan';

const planTaskSchema = z.object({
  index: z.number().int().min(0),
  id: z.string().regex(/^[0-9a-f]{16}$/),
  factors: z.record(z.string(), z.string()),
  inputsHash: z.string().regex(/^[0-9a-f]{64}$/),
  estimate: z.object({ cpuSeconds: z.number(), memoryMB: z.number() }).optional(),
});
export const planSchema = z.object({
  format: z.literal(PLAN_FORMAT),
  formatVersion: z.literal(1),
  name: z.string(),
  sweepFile: z.string(),
  fingerprint: z.string(),
  factorNames: z.array(z.string()),
  createdAt: z.string(),
  tasks: z.array(planTaskSchema).max(100_000),
  /**
   * `gainlab sweep slurm --together`: the task indices each array index runs together (runTask.ts
   * togetherGroups); absent: array index i runs task i.
   */
  arrayTasks: z.array(z.array(z.number().int().min(0)).min(1).max(100)).max(100_000).optional(),
}).superRefine((plan, ctx) => {
  if (!plan.arrayTasks) return;
  // every task in exactly one array task
  const seen = new Set<number>();
  for (const group of plan.arrayTasks) {
    for (const index of group) {
      if (index >= plan.tasks.length || seen.has(index)) {
        ctx.addIssue({ code: 'custom', path: ['arrayTasks'], message: `task ${index} is ${seen.has(index) ? 'in two array tasks' : 'not a task of the plan'}` });
        return;
      }
      seen.add(index);
    }
  }
  if (seen.size !== plan.tasks.length) ctx.addIssue({ code: 'custom', path: ['arrayTasks'], message: `${plan.tasks.length - seen.size} task(s) in no array task` });
});

/** plan.json's arrayTasks for array tasks that each run one of `groups`: the task indices of each. */
export function arrayTasksOf(groups: readonly (readonly SweepTask[])[]): number[][] {
  return groups.map((group) => group.map((task) => task.index));
}

/** The array index that runs each task (plan.arrayTasks; without it, array index i runs task i). */
export function arrayIndexOfTasks(plan: Pick<SweepPlan, 'tasks' | 'arrayTasks'>): number[] {
  const of = plan.tasks.map((_, index) => index);
  plan.arrayTasks?.forEach((group, arrayIndex) => group.forEach((index) => (of[index] = arrayIndex)));
  return of;
}
export type SweepPlan = z.infer<typeof planSchema>;

/** DIR/plan.json of a sweep: its tasks in index order with their inputs hashes (and estimates). */
export function planDocument(
  sweep: { name: string; file: string; expanded: ExpandedSweep },
  hashes: ReadonlyMap<string, string>,
  createdAt: string,
  estimates?: ReadonlyMap<string, TaskEstimate>,
): SweepPlan {
  return {
    format: PLAN_FORMAT,
    formatVersion: 1,
    name: sweep.name,
    sweepFile: sweep.file,
    fingerprint: sweepFingerprint(sweep.expanded.tasks),
    factorNames: sweep.expanded.factorNames,
    createdAt,
    tasks: sweep.expanded.tasks.map((task) => ({
      index: task.index,
      id: task.id,
      factors: task.factors as Record<string, string>,
      inputsHash: hashes.get(task.id)!,
      ...(estimates?.has(task.id) ? { estimate: roundEstimate(estimates.get(task.id)!) } : {}),
    })),
  };
}

function roundEstimate(e: TaskEstimate): TaskEstimate {
  return { cpuSeconds: Math.round(e.cpuSeconds * 1000) / 1000, memoryMB: Math.round(e.memoryMB * 10) / 10 };
}

/** What a host offers a running task: the folder's files (one line per failure, thrown). */
export interface SweepFolder {
  /** The finished record of a task, the reason it cannot be read, or null when there is none. */
  readResult(id: string): { record: TaskRecord } | { problem: string } | null;
  /** Store a finished task atomically (DIR/tasks/ID/ appears only when complete). */
  writeResult(task: SweepTask, record: TaskRecord, arrays: TaskArrays): void;
  markRunning(id: string): void;
  clearRunning(id: string): void;
  markFailed(id: string, error: string): void;
  clearFailed(id: string): void;
}

/** Where a task runs: written into its record. */
export interface SweepTaskHost {
  hostname: string;
  gainlabVersion: string;
  /** Peak resident memory of the process that ran it (MB), when the host can tell. */
  maxRssMB(): number | null;
  /** Milliseconds of a monotonic clock. */
  now(): number;
  /** The wall-clock time as ISO 8601. */
  isoNow(): string;
}

export interface TaskRunContext {
  sweepName: string;
  folder: SweepFolder;
  inputs: SweepInputs;
  host: SweepTaskHost;
  /** Gain changes for specialised groups, shared by the tasks this process runs. */
  gainChanges: Map<string, Float64Array[]>;
  onProgress?: (progress: TaskProgress) => void;
  shouldStop?: () => boolean;
}

export type TaskRunResult =
  | { kind: 'done'; record: TaskRecord; bestError: number | null; elapsedMs: number; setupMs: number }
  | { kind: 'stopped' }
  | { kind: 'failed'; error: string };

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function failure(task: SweepTask, folder: SweepFolder, error: unknown): TaskRunResult {
  const message = oneLine(error instanceof Error ? error.message : String(error));
  try {
    folder.markFailed(task.id, message);
  } catch {
    // the failure still goes to the caller
  }
  return { kind: 'failed', error: message };
}

/**
 * Run tasks of one runTask.ts togetherKey (at most TOGETHER_MAX_RUNS) to their results in
 * DIR/tasks/ID/, trained in lockstep (trainTasksTogether: each task's numbers are the bits it gets
 * alone); a single task trains alone. Each task's setup time is its own, its training time an equal
 * share of the lockstep run's. A stopped run writes nothing (its tasks stay missing and run again
 * next time); a failure is recorded in DIR/failed/ID.json and returned, not thrown: a task whose
 * inputs fail fails alone (the others still train), a failure in the run fails them all.
 */
export function executeSweepTasks(tasks: readonly SweepTask[], context: TaskRunContext): TaskRunResult[] {
  const { folder, host } = context;
  const results: TaskRunResult[] = tasks.map(() => ({ kind: 'stopped' }));
  for (const task of tasks) folder.markRunning(task.id);
  try {
    const startedAt = host.isoNow();
    const ready: { index: number; prepared: PreparedTask; setupMs: number }[] = [];
    tasks.forEach((task, index) => {
      const started = host.now();
      try {
        ready.push({ index, prepared: context.inputs.prepare(task), setupMs: Math.round(host.now() - started) });
      } catch (error) {
        results[index] = failure(task, folder, error);
      }
    });
    if (ready.length === 0) return results;
    const hooks = { onProgress: context.onProgress, shouldStop: context.shouldStop, gainChangesCache: context.gainChanges };
    const trainStart = host.now();
    let outcomes: TaskOutcome[];
    try {
      const settings = ready.map(({ index }) => tasks[index].settings);
      const prepared = ready.map((r) => r.prepared);
      outcomes = ready.length === 1 ? [trainTask(settings[0], prepared[0], hooks)] : trainTasksTogether(settings, prepared, hooks);
    } catch (error) {
      for (const { index } of ready) results[index] = failure(tasks[index], folder, error);
      return results;
    }
    if (outcomes.some((outcome) => outcome.stopped)) return results;
    const elapsedMs = Math.round((host.now() - trainStart) / ready.length);
    const finishedAt = host.isoNow();
    ready.forEach(({ index, prepared, setupMs }, k) => {
      const task = tasks[index];
      try {
        const { record, arrays } = taskResult(outcomes[k], {
          task,
          sweep: context.sweepName,
          inputsHash: prepared.inputsHash,
          networkHash: prepared.networkHash,
          n: prepared.network.n,
          build: prepared.build,
          setupMs,
          elapsedMs,
          startedAt,
          finishedAt,
          host: host.hostname,
          maxRssMB: host.maxRssMB(),
          cores: runCores(),
          gainlabVersion: host.gainlabVersion,
        });
        folder.writeResult(task, record, arrays);
        folder.clearFailed(task.id);
        results[index] = { kind: 'done', record, bestError: record.bestError, elapsedMs: record.elapsedMs, setupMs: record.setupMs };
      } catch (error) {
        results[index] = failure(task, folder, error);
      }
    });
    return results;
  } finally {
    for (const task of tasks) folder.clearRunning(task.id);
  }
}
