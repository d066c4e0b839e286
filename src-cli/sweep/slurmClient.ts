/**
 * Talking to SLURM through its commands (sbatch, squeue, sacct, scontrol), with timeouts. Text
 * parsing lives in src-shared/sweeps/status.ts. sacct needs accounting, which small clusters (and
 * the local test cluster) often lack; scontrol still knows a finished job for MinJobAge (5 min by
 * default), and an array task SLURM no longer knows at all has ended.
 */
import { spawnSync } from 'node:child_process';
import { parseSacct, parseSbatchJobId, parseScontrolJobs, parseSqueue, slurmActive, type SlurmTaskState } from '../../src-shared/sweeps/status.js';
import { CliError } from '../cliSupport.js';

const COMMAND_TIMEOUT_MS = 60_000;

function run(command: string, args: string[], cwd?: string): { ok: boolean; stdout: string; stderr: string; missing: boolean } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  const missing = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { ok: !result.error && result.status === 0, stdout: result.stdout ?? '', stderr: (result.stderr ?? '').trim() || (result.error?.message ?? ''), missing };
}

export function slurmAvailable(): boolean {
  return !run('sbatch', ['--version']).missing;
}

/** Submit the script (optionally an --array override and an index offset); returns the job id. */
export function submitArray(script: string, cwd: string, array?: string, offset = 0): string {
  const args = ['--parsable'];
  if (array) args.push(`--array=${array}`);
  if (offset > 0) args.push(`--export=ALL,GAINLAB_SWEEP_OFFSET=${offset}`);
  args.push(script);
  const result = run('sbatch', args, cwd);
  if (result.missing) throw new CliError('sbatch not found: run this on a SLURM login node (or start a local cluster: scripts/local-slurm.sh start)');
  if (!result.ok) throw new CliError(`sbatch refused the job: ${result.stderr.replace(/\s*\n\s*/g, ' ')}`);
  const jobId = parseSbatchJobId(result.stdout);
  if (!jobId) throw new CliError(`sbatch printed no job id (${result.stdout.trim()})`);
  return jobId;
}

/** MaxArraySize of the cluster (array indices must stay below it); 1001, SLURM's default, if unknown. */
export function maxArraySize(): number {
  const result = run('scontrol', ['show', 'config']);
  const m = /^MaxArraySize\s*=\s*(\d+)/m.exec(result.stdout);
  return m ? Number(m[1]) : 1001;
}

export interface SlurmStates {
  /** squeue answered: SLURM is reachable from here. */
  reachable: boolean;
  /** "JOBID_TASK" → state. */
  states: Map<string, SlurmTaskState>;
}

/** States of the array tasks of these jobs: sacct, overlaid by scontrol, overlaid by squeue (live). */
export function arrayStates(jobIds: readonly string[]): SlurmStates {
  const states = new Map<string, SlurmTaskState>();
  if (jobIds.length === 0) return { reachable: slurmAvailable(), states };
  const queue = run('squeue', ['-h', '-r', '--me', '-o', '%F|%K|%T']);
  if (!queue.ok) return { reachable: false, states };
  const wanted = new Set(jobIds);
  const sacct = run('sacct', ['-n', '-P', '-X', '-j', jobIds.join(','), '-o', 'JobID,State,ExitCode']);
  if (sacct.ok) for (const [key, state] of parseSacct(sacct.stdout)) if (wanted.has(state.jobId)) states.set(key, state);
  for (const jobId of jobIds) {
    const shown = run('scontrol', ['-o', 'show', 'job', jobId]);
    if (shown.ok) for (const [key, state] of parseScontrolJobs(shown.stdout)) states.set(key, state);
  }
  for (const [key, state] of parseSqueue(queue.stdout)) if (wanted.has(state.jobId)) states.set(key, state);
  return { reachable: true, states };
}

/** Array tasks of these jobs SLURM still has queued or running. */
export function activeTasks(jobIds: readonly string[]): { pending: number; running: number } | null {
  const queue = run('squeue', ['-h', '-r', '--me', '-o', '%F|%K|%T']);
  if (!queue.ok) return null;
  const wanted = new Set(jobIds);
  let pending = 0;
  let running = 0;
  for (const state of parseSqueue(queue.stdout).values()) {
    if (!wanted.has(state.jobId) || !slurmActive(state.state)) continue;
    if (state.state === 'PENDING') pending++;
    else running++;
  }
  return { pending, running };
}

/** Cancel one array task ("JOBID_TASK") or a whole job. */
export function cancel(target: string): boolean {
  return run('scancel', [target]).ok;
}
