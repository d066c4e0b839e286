/**
 * machineCores (src-main/worker/kernelThread.ts): the cores a GainLab process may use, which sizes
 * the app's core budget, the CLI's helper threads and `gainlab sweep run --jobs`. Inside a SLURM
 * job it is capped by the task's CPUs: without task affinity every core of the node stays visible
 * (tests/sweeps/slurm.test.ts checks the same on a real one-node cluster).
 */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedCores, machineCores } from '../../src-main/worker/kernelThread.js';

describe('machineCores', () => {
  it('outside SLURM: every core Node reports (affinity included)', () => {
    expect(allowedCores(8, {})).toBe(8);
    // SLURM variables without a job (a login shell that exported them) change nothing
    expect(allowedCores(8, { SLURM_CPUS_PER_TASK: '1' })).toBe(8);
    expect(machineCores({})).toBe(os.availableParallelism());
  });

  it("inside a SLURM job: no more than --cpus-per-task, else this node's CPUs of the job", () => {
    const job = { SLURM_JOB_ID: '42' };
    expect(allowedCores(8, { ...job, SLURM_CPUS_PER_TASK: '1' })).toBe(1);
    expect(allowedCores(8, { ...job, SLURM_CPUS_PER_TASK: '3' })).toBe(3);
    // a request beyond what affinity leaves: the visible cores
    expect(allowedCores(2, { ...job, SLURM_CPUS_PER_TASK: '16' })).toBe(2);
    expect(allowedCores(8, { ...job, SLURM_JOB_CPUS_PER_NODE: '4(x2)' })).toBe(4);
    expect(allowedCores(8, { ...job, SLURM_JOB_CPUS_PER_NODE: '6,2' })).toBe(6);
    // --cpus-per-task wins over the node's count
    expect(allowedCores(8, { ...job, SLURM_CPUS_PER_TASK: '2', SLURM_JOB_CPUS_PER_NODE: '6' })).toBe(2);
    expect(machineCores({ ...job, SLURM_CPUS_PER_TASK: '1' })).toBe(1);
  });

  it('values that are not a positive count are ignored, never zero cores', () => {
    const job = { SLURM_JOB_ID: '42' };
    for (const bad of ['0', '-2', '1.5', 'two', '', ' ', '1e3', '9999999'])
      expect(allowedCores(8, { ...job, SLURM_CPUS_PER_TASK: bad }), JSON.stringify(bad)).toBe(8);
    expect(allowedCores(8, { ...job, SLURM_JOB_CPUS_PER_NODE: 'x' })).toBe(8);
    expect(allowedCores(8, { ...job, SLURM_CPUS_PER_TASK: 'x', SLURM_JOB_CPUS_PER_NODE: '5' })).toBe(5);
  });
});
