/**
 * The SLURM batch script of a sweep (DIR/sweep.sbatch): one job array whose task i runs
 * `gainlab sweep run FILE --out DIR --task i` (i = SLURM_ARRAY_TASK_ID + GAINLAB_SWEEP_OFFSET, the
 * offset letting sweeps beyond the cluster's MaxArraySize go in several arrays) — or, for
 * `sweep slurm --together`, `--group i`: the tasks DIR/plan.json lists for array task i, trained
 * together —, logs in DIR/logs/, time and memory per array task.
 */

/** Single-quoted for a POSIX shell. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** SLURM time: "MM", "HH:MM:SS" or "D-HH:MM:SS" (what --time accepts). */
export function isSlurmTime(text: string): boolean {
  return /^(\d+|\d+:\d{1,2}(:\d{1,2})?|\d+-\d{1,2}(:\d{1,2}(:\d{1,2})?)?)$/.test(text);
}

/** SLURM memory: a number with an optional K/M/G/T unit ("512M", "4G"). */
export function isSlurmMemory(text: string): boolean {
  return /^\d+[KMGT]?$/.test(text);
}

/** Minutes as SLURM time ("D-HH:MM:00" from a day on, else "HH:MM:00"). */
export function formatSlurmTime(minutes: number): string {
  const total = Math.max(1, Math.ceil(minutes));
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const mins = total % 60;
  const hm = `${String(hours).padStart(2, '0')}:${String(mins).padStart(2, '0')}:00`;
  return days > 0 ? `${days}-${hm}` : hm;
}

export interface SbatchOptions {
  jobName: string;
  /** The --array value, e.g. "0-7%4". */
  array: string;
  /** Absolute; %A_%a.out per array task. */
  logsDir: string;
  time: string;
  memory: string;
  cpusPerTask: number;
  partition?: string;
  account?: string;
  /** Shell lines run before the task (e.g. "module load nodejs"). */
  setup?: string;
  /** The command of array task i, without the --task argument (absolute paths). */
  command: string[];
  /** How the command is given i: one task (default) or one group of plan.json's arrayTasks. */
  indexOption?: '--task' | '--group';
}

export function sbatchScript(o: SbatchOptions): string {
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=${o.jobName}`,
    `#SBATCH --array=${o.array}`,
    `#SBATCH --output=${o.logsDir}/%A_%a.out`,
    `#SBATCH --time=${o.time}`,
    `#SBATCH --mem=${o.memory}`,
    `#SBATCH --cpus-per-task=${o.cpusPerTask}`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.account ? [`#SBATCH --account=${o.account}`] : []),
    o.indexOption === '--group'
      ? '# Written by `gainlab sweep slurm --together`. Each array task trains one group of sweep tasks together; results land in'
      : '# Written by `gainlab sweep slurm`. Each array task runs one sweep task; results land in',
    '# the sweep directory (tasks/ID/), so a resubmitted array skips what is already done.',
    'set -eu',
    ...(o.setup ? o.setup.split('\n') : []),
    'TASK=$(( SLURM_ARRAY_TASK_ID + ${GAINLAB_SWEEP_OFFSET:-0} ))',
    `exec ${o.command.map(shellQuote).join(' ')} ${o.indexOption ?? '--task'} "$TASK"`,
    '',
  ];
  return lines.join('\n');
}
