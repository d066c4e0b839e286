/**
 * The output directory of a sweep (`--out DIR`, or `<project>.sweeps/NAME/` of the app) and
 * everything read from or written to it — shared by `gainlab sweep`, the app's sweep service and
 * the model worker's sweep jobs, so the CLI and the app read each other's folders:
 *
 *   DIR/sweep.json            the sweep file as it was planned (collect packs it)
 *   DIR/plan.json             tasks in index order (index ↔ id, inputs hash, estimates)
 *   DIR/tasks/ID/             one finished task (record.ts); written as DIR/tasks/.tmp-… and renamed
 *   DIR/running/ID.json       a task a process is working on (host, pid, start)
 *   DIR/failed/ID.json        the error a task ended with
 *   DIR/sweep.sbatch, DIR/slurm.json, DIR/logs/, DIR/gainlab.mjs   the SLURM side (sweep.ts)
 *   DIR/results.csv, DIR/results.gainlab-sweep                    what collect writes
 *
 * Every file is written to a temporary name and renamed, so a killed process leaves either the old
 * file or the new one, never half of one; a task's directory appears only when it is complete.
 * Problems a user can act on are thrown through `errorOf` (the CLI makes them CliErrors: one line,
 * exit 2; the app's services, GainLabErrors).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { encodeNpy } from '../../src-shared/formats/npy.js';
import type { SweepTask } from '../../src-shared/sweeps/expand.js';
import { planSchema, type SweepFolder, type SweepPlan, type SweepTaskHost } from '../../src-shared/sweeps/folder.js';
import { parseTaskRecord, type TaskArrays, type TaskRecord } from '../../src-shared/sweeps/record.js';
import type { TaskEvidence } from '../../src-shared/sweeps/status.js';
import { folderProblem, makeFoldersSync } from './makeFolders.js';
import { shownPath } from './pathSafety.js';

export { PLAN_FORMAT, planSchema, type SweepPlan } from '../../src-shared/sweeps/folder.js';

/** Makes the error a problem is reported with. */
export type ErrorFactory = (message: string) => Error;
const plainError: ErrorFactory = (message) => new Error(message);

export const SLURM_RECORD_FORMAT = 'gainlab-sweep-slurm';

const submissionSchema = z.object({
  jobId: z.string().regex(/^\d+$/),
  /** The --array spec submitted (indices minus offset). */
  array: z.string(),
  offset: z.number().int().min(0),
  submittedAt: z.string(),
  kind: z.enum(['submit', 'resubmit']),
});
export const slurmRecordSchema = z.object({
  format: z.literal(SLURM_RECORD_FORMAT),
  formatVersion: z.literal(1),
  script: z.string(),
  submissions: z.array(submissionSchema),
});
export type SlurmRecord = z.infer<typeof slurmRecordSchema>;
export type SlurmSubmission = z.infer<typeof submissionSchema>;

/** Write a file through a temporary name in the same directory and a rename. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const made = makeFoldersSync(path.dirname(file));
  const temp = path.join(path.dirname(file), `.tmp-${path.basename(file)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(temp, data);
    renameSync(temp, file);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // the temporary name itself was refused (ENAMETOOLONG): nothing was written
    }
    // the folders this write made go too (a failed first write of a sweep left an empty S.sweeps)
    for (const folder of made.reverse()) {
      try {
        rmdirSync(folder);
      } catch {
        break; // not empty: something else is there now
      }
    }
    throw error;
  }
}

function readJson<T>(file: string, schema: z.ZodType<T>, what: string, errorOf: ErrorFactory = plainError): T | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw errorOf(`${what}: cannot read ${shownPath(file, 120)} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw errorOf(`${what}: ${shownPath(file, 120)} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw errorOf(`${what}: ${shownPath(file, 120)}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}

const markerSchema = z.object({ host: z.string(), pid: z.number().int(), startedAt: z.string() });
const failureSchema = z.object({ error: z.string(), host: z.string(), at: z.string() });

export class SweepDir implements SweepFolder {
  readonly tasksDir: string;
  constructor(
    readonly root: string,
    private readonly errorOf: ErrorFactory = plainError,
  ) {
    this.tasksDir = path.join(root, 'tasks');
  }

  get planFile(): string {
    return path.join(this.root, 'plan.json');
  }
  get sweepCopy(): string {
    return path.join(this.root, 'sweep.json');
  }
  get slurmFile(): string {
    return path.join(this.root, 'slurm.json');
  }
  get scriptFile(): string {
    return path.join(this.root, 'sweep.sbatch');
  }
  get logsDir(): string {
    return path.join(this.root, 'logs');
  }
  taskDir(id: string): string {
    return path.join(this.tasksDir, id);
  }

  ensure(): void {
    try {
      makeFoldersSync(this.tasksDir);
    } catch (error) {
      throw this.errorOf(`cannot create the sweep directory ${shownPath(this.root, 120)} (${folderProblem(error)})`);
    }
  }

  readPlan(): SweepPlan | null {
    return readJson(this.planFile, planSchema, 'sweep plan', this.errorOf);
  }

  writePlan(plan: SweepPlan, sweepText: string): void {
    writeFileAtomic(this.sweepCopy, sweepText);
    writeFileAtomic(this.planFile, `${JSON.stringify(plan, null, 1)}\n`);
  }

  readSlurm(): SlurmRecord | null {
    return readJson(this.slurmFile, slurmRecordSchema, 'SLURM record', this.errorOf);
  }

  writeSlurm(record: SlurmRecord): void {
    writeFileAtomic(this.slurmFile, `${JSON.stringify(record, null, 2)}\n`);
  }

  /** The finished record of a task, the reason it cannot be read, or null. */
  readResult(id: string): { record: TaskRecord } | { problem: string } | null {
    const file = path.join(this.taskDir(id), 'result.json');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return existsSync(this.taskDir(id)) ? { problem: 'tasks/ID/ has no result.json' } : null;
      return { problem: `cannot read result.json (${code ?? String(error)})` };
    }
    return parseTaskRecord(text, id);
  }

  private markerFile(kind: 'running' | 'failed', id: string): string {
    return path.join(this.root, kind, `${id}.json`);
  }

  markRunning(id: string): void {
    writeFileAtomic(this.markerFile('running', id), JSON.stringify({ host: os.hostname(), pid: process.pid, startedAt: new Date().toISOString() }));
  }

  clearRunning(id: string): void {
    rmSync(this.markerFile('running', id), { force: true });
  }

  markFailed(id: string, error: string): void {
    writeFileAtomic(this.markerFile('failed', id), JSON.stringify({ error, host: os.hostname(), at: new Date().toISOString() }));
  }

  clearFailed(id: string): void {
    rmSync(this.markerFile('failed', id), { force: true });
  }

  /** Results and markers of one task (SLURM's word is added by the caller). */
  evidence(id: string): Omit<TaskEvidence, 'slurm'> {
    const running = readJson(this.markerFile('running', id), markerSchema, 'running marker', this.errorOf);
    return {
      result: this.readResult(id),
      failure: readJson(this.markerFile('failed', id), failureSchema, 'failure marker', this.errorOf),
      running: running ? { ...running, alive: running.host === os.hostname() && processAlive(running.pid) } : null,
    };
  }

  /**
   * Store a finished task: its arrays as .npy and result.json in a temporary directory, renamed to
   * DIR/tasks/ID. A result already there (stale or unreadable) is replaced; temporary directories
   * this task left behind in a killed run are removed first.
   */
  writeResult(task: SweepTask, record: TaskRecord, arrays: TaskArrays): void {
    makeFoldersSync(this.tasksDir);
    for (const entry of safeReaddir(this.tasksDir)) {
      if (entry.startsWith(`.tmp-${task.id}-`) || entry.startsWith(`.old-${task.id}-`)) rmSync(path.join(this.tasksDir, entry), { recursive: true, force: true });
    }
    const suffix = `${os.hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    const temp = path.join(this.tasksDir, `.tmp-${task.id}-${suffix}`);
    mkdirSync(temp);
    try {
      for (const [file, array] of Object.entries(arrays)) writeFileSync(path.join(temp, file), encodeNpy(array.data, array.shape));
      writeFileSync(path.join(temp, 'result.json'), `${JSON.stringify(record, null, 1)}\n`);
      const final = this.taskDir(task.id);
      if (existsSync(final)) {
        const old = path.join(this.tasksDir, `.old-${task.id}-${suffix}`);
        renameSync(final, old);
        renameSync(temp, final);
        rmSync(old, { recursive: true, force: true });
      } else {
        renameSync(temp, final);
      }
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
  }

  /** Modification time of a task's result (tests and status use it to see what was rerun). */
  resultTime(id: string): number | null {
    try {
      return statSync(path.join(this.taskDir(id), 'result.json')).mtimeMs;
    } catch {
      return null;
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This process as the host of sweep tasks (its name and peak memory go into each task record). */
export function processTaskHost(gainlabVersion: string): SweepTaskHost {
  return {
    hostname: os.hostname(),
    gainlabVersion,
    maxRssMB: () => Math.round(process.resourceUsage().maxRSS / 1024),
    now: () => performance.now(),
    isoNow: () => new Date().toISOString(),
  };
}
