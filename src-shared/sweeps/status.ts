/**
 * The state of every task of a sweep, from what its output directory holds and what SLURM says —
 * pure functions; the caller reads the files and runs squeue / sacct / scontrol.
 *
 *   done     a valid result whose inputs hash matches the task's inputs
 *   stale    a result made from other inputs (a network or target file changed since)
 *   pending  queued in SLURM
 *   running  running in SLURM, or in a live local `gainlab sweep run` on this host
 *   failed   ended without a result: SLURM says FAILED / CANCELLED / TIMEOUT / OUT_OF_MEMORY / …,
 *            or its array task is gone from SLURM without a result, or the run recorded an error
 *   missing  never run (or a local run that was killed before it finished the task)
 *
 * Plus the SLURM text formats: array specs ("0-3,7%2"), and the output of
 * `squeue -h -r -o '%F|%K|%T'`, `sacct -n -P -X -o JobID,State,ExitCode` and `scontrol -o show job`.
 */
import type { TaskRecord } from './record.js';

export type TaskState = 'done' | 'stale' | 'pending' | 'running' | 'failed' | 'missing';
export const TASK_STATES: readonly TaskState[] = ['done', 'stale', 'pending', 'running', 'failed', 'missing'];

/** SLURM's word on one array task of the newest submission that covers it. */
export interface SlurmTaskState {
  jobId: string;
  /** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, …; 'UNKNOWN' when SLURM no longer knows the job. */
  state: string;
  exitCode?: string;
}

export interface TaskEvidence {
  /** The parsed result, or the reason it could not be read, or null when there is none. */
  result: { record: TaskRecord } | { problem: string } | null;
  /** An error the run recorded (DIR/failed/ID.json). */
  failure: { error: string; host: string; at: string } | null;
  /** A local run's marker (DIR/running/ID.json) and whether its process is alive. */
  running: { host: string; pid: number; startedAt: string; alive: boolean } | null;
  slurm: SlurmTaskState | null;
}

export interface TaskStatus {
  state: TaskState;
  /** Why, for anything but done: "CANCELLED (exit 0:15)", "result.json: …", the recorded error. */
  reason?: string;
}

const SLURM_ACTIVE = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING', 'SIGNALING', 'STAGE_OUT', 'RESV_DEL_HOLD']);

/** Whether SLURM still has the task to run or running. */
export function slurmActive(state: string): boolean {
  return SLURM_ACTIVE.has(state);
}

/** The state of one task. `expectedInputsHash` null: the inputs are not known (nothing to compare). */
export function taskStatus(evidence: TaskEvidence, expectedInputsHash: string | null): TaskStatus {
  const result = evidence.result;
  if (result && 'record' in result) {
    if (expectedInputsHash !== null && result.record.inputsHash !== expectedInputsHash) {
      return { state: 'stale', reason: 'its inputs changed since it ran (inputs hash differs)' };
    }
    return { state: 'done' };
  }
  const slurm = evidence.slurm;
  if (slurm && slurmActive(slurm.state)) return { state: slurm.state === 'PENDING' ? 'pending' : 'running', reason: `SLURM job ${slurm.jobId}: ${slurm.state}` };
  if (evidence.running?.alive) return { state: 'running', reason: `local run, pid ${evidence.running.pid} on ${evidence.running.host}` };
  if (result && 'problem' in result) return { state: 'failed', reason: result.problem };
  if (evidence.failure) return { state: 'failed', reason: evidence.failure.error };
  if (slurm) {
    const exit = slurm.exitCode ? ` (exit ${slurm.exitCode})` : '';
    const word = slurm.state === 'UNKNOWN' ? 'ended (no longer known to SLURM)' : slurm.state === 'COMPLETED' ? 'COMPLETED' : slurm.state;
    return { state: 'failed', reason: `SLURM job ${slurm.jobId}: ${word}${exit} without a result` };
  }
  return { state: 'missing' };
}

export function countStates(states: readonly TaskStatus[]): Record<TaskState, number> {
  const counts = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
  for (const s of states) counts[s.state]++;
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Array specs
// ---------------------------------------------------------------------------------------------

/** "0-3,5,7-9" for sorted distinct indices (with "%K" when maxParallel is given). */
export function formatArraySpec(indices: readonly number[], maxParallel?: number): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return `${parts.join(',')}${maxParallel !== undefined ? `%${maxParallel}` : ''}`;
}

/** The indices of an array spec ("0-7:2,9%3" → 0, 2, 4, 6, 9); null when it is not one. */
export function parseArraySpec(spec: string, limit = 1_000_000): number[] | null {
  const body = spec.replace(/^\[|\]$/g, '').replace(/%\d+$/, '');
  if (body === '') return null;
  const out: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) return null;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (to < from || step < 1 || out.length + (to - from) / step > limit) return null;
    for (let k = from; k <= to; k += step) out.push(k);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// SLURM command output
// ---------------------------------------------------------------------------------------------

/** "jobId_task" → state, from lines "JOBID|TASKS|STATE[|EXIT]" where TASKS may be a spec. */
function addStates(into: Map<string, SlurmTaskState>, jobId: string, tasks: string, state: string, exitCode?: string): void {
  const indices = parseArraySpec(tasks);
  if (!indices) return;
  for (const index of indices) into.set(`${jobId}_${index}`, { jobId, state, ...(exitCode ? { exitCode } : {}) });
}

/** `squeue -h -r -o '%F|%K|%T'` */
export function parseSqueue(text: string): Map<string, SlurmTaskState> {
  const out = new Map<string, SlurmTaskState>();
  for (const line of text.split('\n')) {
    const [jobId, task, state] = line.trim().split('|');
    if (!jobId || !task || !state || task === 'N/A') continue;
    addStates(out, jobId, task, state.trim());
  }
  return out;
}

/** `sacct -n -P -X -o JobID,State,ExitCode` (JobID "123_4" or "123_[5-7%2]"; State "CANCELLED by 0"). */
export function parseSacct(text: string): Map<string, SlurmTaskState> {
  const out = new Map<string, SlurmTaskState>();
  for (const line of text.split('\n')) {
    const [jobField, stateField, exitCode] = line.trim().split('|');
    const m = /^(\d+)_(.+)$/.exec(jobField ?? '');
    if (!m || !stateField) continue;
    addStates(out, m[1], m[2], stateField.split(' ')[0], exitCode);
  }
  return out;
}

/** `scontrol -o show job JOBID`: one line per array task (pending ones may share a line). */
export function parseScontrolJobs(text: string): Map<string, SlurmTaskState> {
  const out = new Map<string, SlurmTaskState>();
  for (const line of text.split('\n')) {
    const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(line)?.[1];
    const jobId = field('ArrayJobId');
    const tasks = field('ArrayTaskId');
    const state = field('JobState');
    if (!jobId || !tasks || !state) continue;
    addStates(out, jobId, tasks, state, field('ExitCode'));
  }
  return out;
}

/** `sbatch --parsable` prints "JOBID" or "JOBID;CLUSTER". */
export function parseSbatchJobId(text: string): string | null {
  const m = /^(\d+)(?:;\S+)?\s*$/.exec(text.trim());
  return m ? m[1] : null;
}
