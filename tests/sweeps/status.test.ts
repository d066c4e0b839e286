/**
 * Task states from the evidence a sweep directory and SLURM give, the SLURM text formats (squeue,
 * sacct, scontrol output as 22.05 prints it), array specs, and the sbatch script — its quoting
 * checked by bash itself.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatSlurmTime, isSlurmMemory, isSlurmTime, sbatchScript, shellQuote } from '../../src-shared/sweeps/sbatch.js';
import type { TaskRecord } from '../../src-shared/sweeps/record.js';
import {
  countStates,
  formatArraySpec,
  parseArraySpec,
  parseSacct,
  parseSbatchJobId,
  parseScontrolJobs,
  parseSqueue,
  taskStatus,
  type TaskEvidence,
} from '../../src-shared/sweeps/status.js';

const record = { inputsHash: 'a'.repeat(64) } as TaskRecord;
const none: TaskEvidence = { result: null, failure: null, running: null, slurm: null };

describe('task states', () => {
  it('a valid result is done; made from other inputs it is stale', () => {
    expect(taskStatus({ ...none, result: { record } }, 'a'.repeat(64))).toEqual({ state: 'done' });
    expect(taskStatus({ ...none, result: { record } }, null)).toEqual({ state: 'done' });
    expect(taskStatus({ ...none, result: { record } }, 'b'.repeat(64)).state).toBe('stale');
    // a result wins over anything SLURM says (the array task may still be finishing)
    expect(taskStatus({ ...none, result: { record }, slurm: { jobId: '7', state: 'RUNNING' } }, null).state).toBe('done');
  });

  it('SLURM queued or running beats old failure notes; ended without a result is failed', () => {
    const failure = { error: 'boom', host: 'h', at: 't' };
    expect(taskStatus({ ...none, failure, slurm: { jobId: '9', state: 'PENDING' } }, null)).toMatchObject({ state: 'pending' });
    expect(taskStatus({ ...none, slurm: { jobId: '9', state: 'RUNNING' } }, null)).toMatchObject({ state: 'running' });
    expect(taskStatus({ ...none, slurm: { jobId: '9', state: 'CANCELLED', exitCode: '0:15' } }, null)).toEqual({
      state: 'failed',
      reason: 'SLURM job 9: CANCELLED (exit 0:15) without a result',
    });
    expect(taskStatus({ ...none, slurm: { jobId: '9', state: 'UNKNOWN' } }, null)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/no longer known/) });
    expect(taskStatus({ ...none, slurm: { jobId: '9', state: 'COMPLETED' } }, null)).toMatchObject({ state: 'failed' });
    expect(taskStatus({ ...none, failure }, null)).toEqual({ state: 'failed', reason: 'boom' });
    expect(taskStatus({ ...none, result: { problem: 'result.json is not JSON' } }, null)).toEqual({ state: 'failed', reason: 'result.json is not JSON' });
  });

  it('a local run counts as running only while its process lives; otherwise the task is missing', () => {
    const marker = { host: 'h', pid: 1, startedAt: 't' };
    expect(taskStatus({ ...none, running: { ...marker, alive: true } }, null).state).toBe('running');
    expect(taskStatus({ ...none, running: { ...marker, alive: false } }, null).state).toBe('missing');
    expect(taskStatus(none, null)).toEqual({ state: 'missing' });
    expect(countStates([{ state: 'done' }, { state: 'missing' }, { state: 'done' }])).toEqual({ done: 2, stale: 0, pending: 0, running: 0, failed: 0, missing: 1 });
  });
});

describe('SLURM text', () => {
  it('array specs round-trip', () => {
    expect(formatArraySpec([7, 0, 1, 2, 3, 5, 9, 8])).toBe('0-3,5,7-9');
    expect(formatArraySpec([4], 2)).toBe('4%2');
    expect(parseArraySpec('0-3,5,7-9%2')).toEqual([0, 1, 2, 3, 5, 7, 8, 9]);
    expect(parseArraySpec('0-8:4')).toEqual([0, 4, 8]);
    expect(parseArraySpec('[1-3]')).toEqual([1, 2, 3]);
    expect(parseArraySpec('N/A')).toBeNull();
    expect(parseArraySpec('3-1')).toBeNull();
    expect(parseArraySpec('0-99999999', 1000)).toBeNull();
    const random = Array.from({ length: 200 }, (_, k) => (k * 37) % 101);
    expect(parseArraySpec(formatArraySpec(random))).toEqual([...new Set(random)].sort((a, b) => a - b));
  });

  it('reads squeue -r, sacct and scontrol output', () => {
    const squeue = parseSqueue('26|1|PENDING\n26|2|PENDING\n26|0|RUNNING\n31|N/A|RUNNING\n');
    expect([...squeue.entries()]).toEqual([
      ['26_1', { jobId: '26', state: 'PENDING' }],
      ['26_2', { jobId: '26', state: 'PENDING' }],
      ['26_0', { jobId: '26', state: 'RUNNING' }],
    ]);
    // pending tasks not yet split off print as one spec
    expect([...parseSqueue('26|1-3%1|PENDING').keys()]).toEqual(['26_1', '26_2', '26_3']);
    const sacct = parseSacct('123_4|CANCELLED by 0|0:15\n123_[5-6%2]|PENDING|0:0\n124|COMPLETED|0:0\n');
    expect(sacct.get('123_4')).toEqual({ jobId: '123', state: 'CANCELLED', exitCode: '0:15' });
    expect(sacct.get('123_6')).toMatchObject({ state: 'PENDING' });
    expect(sacct.size).toBe(3);
    // scontrol -o show job (22.05, fields trimmed)
    const scontrol = parseScontrolJobs(
      'JobId=38 ArrayJobId=38 ArrayTaskId=2 JobState=RUNNING ExitCode=0:0\nJobId=40 ArrayJobId=38 ArrayTaskId=1 JobState=CANCELLED ExitCode=0:15\nJobId=26 ArrayJobId=26 ArrayTaskId=1-3%1 JobState=PENDING ExitCode=0:0\n',
    );
    expect(scontrol.get('38_1')).toEqual({ jobId: '38', state: 'CANCELLED', exitCode: '0:15' });
    expect(scontrol.get('26_3')).toMatchObject({ state: 'PENDING' });
    expect(parseSbatchJobId('4711\n')).toBe('4711');
    expect(parseSbatchJobId('4711;cluster\n')).toBe('4711');
    expect(parseSbatchJobId('sbatch: error: x')).toBeNull();
  });
});

describe('sbatch script', () => {
  it('times, memory and the script', () => {
    expect(formatSlurmTime(5)).toBe('00:05:00');
    expect(formatSlurmTime(61.2)).toBe('01:02:00');
    expect(formatSlurmTime(1440 * 2 + 3)).toBe('2-00:03:00');
    for (const ok of ['30', '1:00:00', '2-12', '2-12:30:00', '10:30']) expect(isSlurmTime(ok), ok).toBe(true);
    for (const bad of ['1h', '', '1:2:3:4', '-5']) expect(isSlurmTime(bad), bad).toBe(false);
    expect(isSlurmMemory('512M') && isSlurmMemory('4G') && isSlurmMemory('1000')).toBe(true);
    expect(isSlurmMemory('4 G') || isSlurmMemory('G')).toBe(false);
    const script = sbatchScript({
      jobName: 'gainlab-x',
      array: '0-7%2',
      logsDir: '/d/logs',
      time: '00:05:00',
      memory: '512M',
      cpusPerTask: 1,
      partition: 'short',
      setup: 'module load nodejs',
      command: ['node', '/d/gainlab.mjs', 'sweep', 'run', "/s/it's.sweep.json", '--out', '/d'],
    });
    expect(script.split('\n').slice(0, 8)).toEqual([
      '#!/bin/bash',
      '#SBATCH --job-name=gainlab-x',
      '#SBATCH --array=0-7%2',
      '#SBATCH --output=/d/logs/%A_%a.out',
      '#SBATCH --time=00:05:00',
      '#SBATCH --mem=512M',
      '#SBATCH --cpus-per-task=1',
      '#SBATCH --partition=short',
    ]);
    expect(script).toContain('module load nodejs\n');
    expect(script).toContain(`exec node /d/gainlab.mjs sweep run '/s/it'\\''s.sweep.json' --out /d --jobs 1`.replace(' --jobs 1', '') + ' --task "$TASK"');
  });

  it('shell quoting survives bash', () => {
    const tricky = ["it's", 'a b', '$HOME', '`ls`', 'x"y', 'é ü', '--task', 'a\\b', '!event', ''];
    for (const text of tricky.filter((t) => t !== '')) {
      const echoed = spawnSync('bash', ['-c', `printf %s ${shellQuote(text)}`], { encoding: 'utf8' }).stdout;
      expect(echoed, text).toBe(text);
    }
  });
});
