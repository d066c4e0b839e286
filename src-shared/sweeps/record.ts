/**
 * What a finished sweep task leaves in DIR/tasks/ID/ and what `gainlab sweep collect` makes of
 * all of them.
 *
 *   DIR/tasks/ID/result.json      the task record (taskRecordSchema)
 *   DIR/tasks/ID/best-gains.npy   (n,)             gains of the best trial
 *   DIR/tasks/ID/errors.npy       (trialsDone+1,)  error of every trial, index 0 = starting gains
 *   DIR/tasks/ID/best-output.npy  (nSamples,), (channels, nSamples) or (targets, channels, nSamples)
 *   DIR/tasks/ID/groups.npy       (n,)             group label per neuron (absent for G = N)
 *
 * The record lists every array with its shape and SHA-256 (sha256OfFloat64), so a copy can be
 * checked, and two runs of the same task compared, without reading the arrays.
 *
 * Collected: DIR/results.csv (one row per task: index, id, state, the varied factors, then n,
 * groupCount, best/initial/final error, best trial, trials, the best gains' mean, sd, min and max, run
 * time, host) and DIR/results.gainlab-sweep, a zip of
 *   sweep.json      the sweep file as written
 *   results.csv     the table above
 *   results.json    { format: 'gainlab-sweep-results', formatVersion: 1, name, factorNames, tasks: [{ index, id, state, factors, record | null }] }
 *   tasks/ID/*.npy  every done task's arrays
 */
import { z } from 'zod';
import { columnsToCsv, mean, sd } from '../analysis/statistics.js';
import { sha256OfFloat64 } from '../runs/sha256.js';
import type { SweepTask } from './expand.js';
import type { TaskOutcome } from './runTask.js';

export const TASK_RECORD_FORMAT = 'gainlab-sweep-task';
export const TASK_RECORD_VERSION = 1;
export const SWEEP_RESULTS_FORMAT = 'gainlab-sweep-results';
export const SWEEP_RESULTS_VERSION = 1;

const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`));
/** Errors of a diverged run can be non-finite: JSON has no NaN, so they are null. */
const errorValue = z.number().nullable();

export const taskArraySchema = z.strictObject({
  name: z.enum(['best-gains', 'errors', 'best-output', 'groups']),
  file: z.enum(['best-gains.npy', 'errors.npy', 'best-output.npy', 'groups.npy']),
  shape: z.array(z.number().int().min(1)).min(1).max(3),
  sha256: hex(64),
});
export type TaskArrayEntry = z.infer<typeof taskArraySchema>;

export const taskRecordSchema = z.strictObject({
  format: z.literal(TASK_RECORD_FORMAT),
  formatVersion: z.literal(TASK_RECORD_VERSION),
  id: hex(16),
  /** Index in the sweep when it ran (the index can change when the sweep file changes; the id does not). */
  index: z.number().int().min(0),
  sweep: z.string().max(200),
  settings: z.record(z.string(), z.unknown()),
  factors: z.record(z.string(), z.string()),
  inputsHash: hex(64),
  /** Content hash of the network trained (for SOC tasks: the one built). */
  networkHash: hex(64),
  n: z.number().int().min(1),
  groupCount: z.number().int().min(1),
  initialError: errorValue,
  finalError: errorValue,
  bestError: errorValue,
  bestTrial: z.number().int().min(0),
  trialsRequested: z.number().int().min(0),
  trialsDone: z.number().int().min(0),
  diverged: z.boolean(),
  gains: z.strictObject({ mean: errorValue, sd: errorValue, min: errorValue, max: errorValue }),
  /** Training time (ms). */
  elapsedMs: z.number().min(0),
  /** Loading inputs and building the network (ms). */
  setupMs: z.number().min(0),
  build: z.strictObject({ iterations: z.number().int(), finalAlpha: z.number(), elapsedMs: z.number() }).nullable(),
  startedAt: z.string().max(64),
  finishedAt: z.string().max(64),
  host: z.string().max(256),
  /** Peak resident memory of the process that ran it (MB; the whole pool when threads share it). */
  maxRssMB: z.number().min(0).nullable(),
  /**
   * The most cores its training could use (its thread and its kernels' helpers; inside a SLURM job
   * no more than the task's CPUs): elapsedMs of tasks with different counts are not comparable.
   * Absent in records written before it was kept.
   */
  cores: z.number().int().min(1).max(65536).optional(),
  gainlabVersion: z.string().max(64),
  arrays: z.array(taskArraySchema).min(3).max(4),
});
export type TaskRecord = z.infer<typeof taskRecordSchema>;

/** The arrays of a finished task, by file name. */
export interface TaskArrays {
  [file: string]: { data: Float64Array; shape: number[] };
}

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

export interface RecordContext {
  task: SweepTask;
  sweep: string;
  inputsHash: string;
  networkHash: string;
  n: number;
  build: TaskRecord['build'];
  setupMs: number;
  elapsedMs: number;
  startedAt: string;
  finishedAt: string;
  host: string;
  maxRssMB: number | null;
  cores: number;
  gainlabVersion: string;
}

/** The record and arrays of a finished task. */
export function taskResult(outcome: TaskOutcome, context: RecordContext): { record: TaskRecord; arrays: TaskArrays } {
  const arrays: TaskArrays = {
    'best-gains.npy': { data: outcome.bestGains, shape: [outcome.bestGains.length] },
    'errors.npy': { data: outcome.errors, shape: [outcome.errors.length] },
    'best-output.npy': { data: outcome.bestOutput, shape: outcome.bestOutputShape },
  };
  if (outcome.groups) arrays['groups.npy'] = { data: Float64Array.from(outcome.groups), shape: [outcome.groups.length] };
  const gains = outcome.bestGains;
  let min = Infinity;
  let max = -Infinity;
  for (const g of gains) {
    if (g < min) min = g;
    if (g > max) max = g;
  }
  const record: TaskRecord = {
    format: TASK_RECORD_FORMAT,
    formatVersion: TASK_RECORD_VERSION,
    id: context.task.id,
    index: context.task.index,
    sweep: context.sweep,
    settings: context.task.settings as unknown as Record<string, unknown>,
    factors: context.task.factors as Record<string, string>,
    inputsHash: context.inputsHash,
    networkHash: context.networkHash,
    n: context.n,
    groupCount: outcome.groupCount,
    initialError: finiteOrNull(outcome.errors[0]),
    finalError: finiteOrNull(outcome.errors[outcome.errors.length - 1]),
    bestError: finiteOrNull(outcome.bestError),
    bestTrial: outcome.bestTrial,
    trialsRequested: context.task.settings.trials,
    trialsDone: outcome.trialsDone,
    diverged: outcome.diverged,
    gains: { mean: finiteOrNull(mean(gains)), sd: finiteOrNull(sd(gains, 0)), min: finiteOrNull(min), max: finiteOrNull(max) },
    elapsedMs: context.elapsedMs,
    setupMs: context.setupMs,
    build: context.build,
    startedAt: context.startedAt,
    finishedAt: context.finishedAt,
    host: context.host,
    maxRssMB: context.maxRssMB,
    cores: context.cores,
    gainlabVersion: context.gainlabVersion,
    arrays: Object.entries(arrays).map(([file, array]) => ({
      name: file.replace(/\.npy$/, '') as TaskArrayEntry['name'],
      file: file as TaskArrayEntry['file'],
      shape: array.shape,
      sha256: sha256OfFloat64(array.data),
    })),
  };
  return { record, arrays };
}

/** Parse a result.json; null with the reason when it is not a valid record of task `id`. */
export function parseTaskRecord(text: string, id: string): { record: TaskRecord } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `result.json is not JSON (${(error as Error).message})` };
  }
  const parsed = taskRecordSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `result.json: ${issue.path.join('.') || '(top)'}: ${issue.message}` };
  }
  if (parsed.data.id !== id) return { problem: `result.json belongs to task ${parsed.data.id}, not ${id}` };
  return { record: parsed.data };
}

/** One row of the results table: a task with its record (null while it has none). */
export interface ResultRow {
  task: Pick<SweepTask, 'index' | 'id' | 'factors'>;
  state: string;
  record: TaskRecord | null;
}

export const RESULT_COLUMNS = [
  'n',
  'groupCount',
  'bestError',
  'initialError',
  'finalError',
  'bestTrial',
  'trialsDone',
  'gainsMean',
  'gainsSd',
  'gainsMin',
  'gainsMax',
  'elapsedMs',
  'setupMs',
  'host',
] as const;
export type ResultColumn = (typeof RESULT_COLUMNS)[number];

/**
 * A row of the results table as plain values (what a job result carries and the app plots): the
 * task, its state and, for a done task, the numbers of its record (null: not finite).
 */
export interface SweepRow {
  index: number;
  id: string;
  state: string;
  factors: Record<string, string>;
  values: { [K in Exclude<ResultColumn, 'host'>]: number | null } & { host: string } | null;
  /** Why a task is not done (a failure's message), when known. */
  reason?: string;
}

export function sweepRow(row: ResultRow, reason?: string): SweepRow {
  const r = row.record;
  return {
    index: row.task.index,
    id: row.task.id,
    state: row.state,
    factors: { ...(row.task.factors as Record<string, string>) },
    values: r
      ? {
          n: r.n,
          groupCount: r.groupCount,
          bestError: r.bestError,
          initialError: r.initialError,
          finalError: r.finalError,
          bestTrial: r.bestTrial,
          trialsDone: r.trialsDone,
          gainsMean: r.gains.mean,
          gainsSd: r.gains.sd,
          gainsMin: r.gains.min,
          gainsMax: r.gains.max,
          elapsedMs: r.elapsedMs,
          setupMs: r.setupMs,
          host: r.host,
        }
      : null,
    ...(reason ? { reason } : {}),
  };
}

/** The results table as CSV (empty cells for tasks without a result; NaN for non-finite errors). */
export function resultsCsv(rows: readonly SweepRow[], factorNames: readonly string[]): string {
  const columns: Record<string, Array<number | string>> = { index: [], id: [], state: [] };
  for (const name of factorNames) columns[name] = [];
  for (const name of RESULT_COLUMNS) columns[name] = [];
  for (const row of rows) {
    columns.index.push(row.index);
    columns.id.push(row.id);
    columns.state.push(row.state);
    for (const name of factorNames) columns[name].push(row.factors[name] ?? '');
    for (const name of RESULT_COLUMNS) {
      const value = row.values?.[name];
      columns[name].push(value === undefined ? '' : value === null ? NaN : value);
    }
  }
  return columnsToCsv(columns);
}

/** results.json of a collected sweep. */
export function resultsDocument(name: string, factorNames: readonly string[], rows: readonly ResultRow[]): unknown {
  return {
    format: SWEEP_RESULTS_FORMAT,
    formatVersion: SWEEP_RESULTS_VERSION,
    name,
    factorNames,
    tasks: rows.map((row) => ({ index: row.task.index, id: row.task.id, state: row.state, factors: row.task.factors, record: row.record })),
  };
}
