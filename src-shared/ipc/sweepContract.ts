/**
 * IPC pieces of parameter sweeps in the app (the Sweeps view; src-main/services/sweepService.ts):
 * plan a sweep built from a stored run, run it here as one 'sweep' job, export it for a cluster,
 * list the sweep folders next to the project, and import collected results into the project.
 * contract.ts spreads `sweepInvokeContract` into its channels and adds the job kind; this file
 * imports nothing from contract.ts (that would be a cycle) and no model code.
 */
import { z } from 'zod';
import { CHANNELS } from './channels.js';
import { jsonValueProblem } from '../project/jsonValue.js';
import { SWEEP_LIMITS } from '../sweeps/schema.js';

/**
 * A sweep file as JSON (src-shared/sweeps/schema.ts checks its fields; here: a plain object of
 * bounded size and depth whose numbers are finite, refused with the path otherwise). Its source's
 * project path is set by main (the open project's file), whatever the request says.
 */
export const sweepJsonSchema = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const problem = jsonValueProblem(value, { maxBytes: SWEEP_LIMITS.fileBytes, object: true });
  if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
});

const uint8Array = z.custom<Uint8Array>((value) => value instanceof Uint8Array, { message: 'expected a Uint8Array' });

/** A sweep of the open project: plan it, run it here, or export it. */
export const sweepRequestSchema = z.strictObject({ sweep: sweepJsonSchema });
export type SweepRequest = z.input<typeof sweepRequestSchema>;

const estimateSchema = z.object({
  cpuSecondsPerTask: z.object({ min: z.number(), median: z.number(), max: z.number() }),
  totalCpuSeconds: z.number(),
  wallSecondsHere: z.number(),
  threadsHere: z.number().int(),
  memoryMBPerTask: z.object({ median: z.number(), max: z.number() }),
  slurmRequest: z.object({ time: z.string(), mem: z.string() }),
  /** here: timed as the run here trains (concurrent trials on a spare core), for the time here only. */
  measured: z.array(z.object({ probe: z.string(), msPerTrial: z.number(), sessions: z.number().int().min(1), here: z.boolean() })),
  socIterationMs: z.array(z.object({ n: z.number(), ms: z.number() })),
  startupMs: z.number(),
  /** Each task shape's cost besides its trials (ms, by probe): set-up, output, record, files. */
  taskOverheadMs: z.record(z.string(), z.number()),
  /** What a run here costs once besides its tasks (ms): checks, plan.json, the worker hand-off. */
  jobOverheadMs: z.number(),
  baselineMB: z.number(),
});

/** A sweep folder next to the project (`<project>.sweeps/NAME/`) and how far it is. */
export const sweepFolderSchema = z.object({
  name: z.string(),
  dir: z.string(),
  /** Tasks planned (plan.json), and of them done / failed (result files, failure notes). */
  tasks: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  /** The app's job working on it, if one is running. */
  jobId: z.string().nullable(),
  /** Its sweep file (S.sweeps/NAME.sweep.json), to resume or export it again; null when unreadable. */
  sweep: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type SweepFolderInfo = z.infer<typeof sweepFolderSchema>;

export const sweepPlanResponseSchema = z.object({
  name: z.string(),
  tasks: z.number().int(),
  duplicatesMerged: z.number().int(),
  factors: z.record(z.string(), z.number().int()),
  estimate: estimateSchema,
  /** The --array SLURM gets. */
  array: z.string(),
  /** Tasks that train here in groups (seeds together); the time here counts them one after another. */
  togetherTasks: z.number().int().min(0),
  /** Where a run here writes (null until the project has a file), and what is there already. */
  folder: sweepFolderSchema.nullable(),
});
export type SweepPlanResponse = z.infer<typeof sweepPlanResponseSchema>;

const rowValuesSchema = z.object({
  n: z.number().nullable(),
  groupCount: z.number().nullable(),
  bestError: z.number().nullable(),
  initialError: z.number().nullable(),
  finalError: z.number().nullable(),
  bestTrial: z.number().nullable(),
  trialsDone: z.number().nullable(),
  gainsMean: z.number().nullable(),
  gainsSd: z.number().nullable(),
  gainsMin: z.number().nullable(),
  gainsMax: z.number().nullable(),
  elapsedMs: z.number().nullable(),
  setupMs: z.number().nullable(),
  host: z.string(),
});

export const sweepRowSchema = z.object({
  index: z.number().int(),
  id: z.string(),
  state: z.string(),
  factors: z.record(z.string(), z.string()),
  values: rowValuesSchema.nullable(),
  reason: z.string().optional(),
});

/** The result of a 'sweep' job (src-shared/tasks/sweep.ts SweepJobResult). */
export const sweepJobResultSchema = z.object({
  kind: z.literal('sweep'),
  name: z.string(),
  dir: z.string().nullable(),
  network: z.object({ id: z.string(), name: z.string() }).nullable(),
  factorNames: z.array(z.string()),
  rows: z.array(sweepRowSchema),
  tasks: z.number().int(),
  alreadyDone: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  partial: z.boolean(),
  paused: z.boolean(),
  elapsedMs: z.number(),
});
export type SweepJobResultPayload = z.infer<typeof sweepJobResultSchema>;

export const sweepImportRequestSchema = z.union([
  /** A collected archive (DIR/results.gainlab-sweep) or a sweep folder (complete or not) on main's disk. */
  z.strictObject({ path: z.string().min(1).max(4096) }),
  /** A collected archive's bytes (web mode upload). */
  z.strictObject({ fileName: z.string().max(400), bytes: uint8Array }),
]);
export type SweepImportRequest = z.input<typeof sweepImportRequestSchema>;

export const sweepInvokeContract = {
  /** Check a sweep against the open project and estimate it (per-trial cost timed on a worker). */
  [CHANNELS.sweepsPlan]: { request: sweepRequestSchema, response: sweepPlanResponseSchema },
  /**
   * Run a sweep here as one 'sweep' job (results in `<project>.sweeps/NAME/`, finished tasks
   * skipped). Needs a project with a file. Pause: jobs:cancel with session 0; cancel: jobs:cancel.
   */
  [CHANNELS.sweepsRun]: { request: sweepRequestSchema, response: z.object({ jobId: z.string(), dir: z.string() }) },
  /** The sweep folders next to the open project's file. */
  [CHANNELS.sweepsList]: {
    request: z.strictObject({}),
    response: z.object({ root: z.string().nullable(), sweeps: z.array(sweepFolderSchema) }),
  },
  /**
   * A zip for a cluster: the sweep file, the project, the single-file CLI, the sbatch script, the
   * plan and a README of the commands to run on a login node. together: one array task per group
   * of tasks that differ only in seed and groups, trained together (gainlab sweep slurm --together).
   */
  [CHANNELS.sweepsExport]: {
    request: z.strictObject({ sweep: sweepJsonSchema, together: z.boolean().optional() }),
    response: z.object({ fileName: z.string(), bytes: uint8Array, files: z.array(z.string()) }),
  },
  /**
   * Open collected or partial results and store them in the project (an experiment result of kind
   * 'sweep'). Results the project holds already (the same content: from the Run here job that
   * wrote the folder, or an earlier import) are not stored again: `stored` is 'existing' and
   * `resultId` that record. Other results are 'added' as a new record; `earlierResults` counts the
   * records of the same sweep kept beside it (none is replaced).
   */
  [CHANNELS.sweepsImport]: {
    request: sweepImportRequestSchema,
    response: z.object({
      resultId: z.string(),
      resultName: z.string(),
      stored: z.enum(['added', 'existing']),
      earlierResults: z.number().int(),
      name: z.string(),
      tasks: z.number().int(),
      done: z.number().int(),
    }),
  },
} as const;
