/**
 * The jobs panel's progress text (components/jobs/jobProgress.ts): a sweep job reads "k of N
 * tasks" from main's summary (trial = tasks finished, totalTrials = tasks, duplicates merged),
 * never a best error; an experiment its latest step while it runs; other jobs show their number.
 */
import { describe, expect, it } from 'vitest';
import type { JobSummary } from '../../src-shared/ipc/contract.js';
import { jobStepText, sweepTasksText } from '../../src-renderer/components/jobs/jobProgress.js';

type Card = Pick<JobSummary, 'kind' | 'status' | 'trial' | 'totalTrials' | 'message'>;
const card = (patch: Partial<Card>): Card => ({ kind: 'sweep', status: 'running', trial: 0, totalTrials: 0, ...patch });

describe('jobs panel progress text', () => {
  it('a sweep job: tasks finished of all, at every stage', () => {
    expect(jobStepText(card({ trial: 0, totalTrials: 8, message: 'task 1/8 (seed 1): trial 20/40, best 0.1234' }))).toBe('0 of 8 tasks');
    expect(jobStepText(card({ trial: 3, totalTrials: 8, message: 'task 4/8 (seed 4): starting' }))).toBe('3 of 8 tasks');
    // paused after 5: the count stays what it reached
    expect(jobStepText(card({ status: 'cancelled', trial: 5, totalTrials: 8, message: 'paused after 5 of 8 task(s)' }))).toBe('5 of 8 tasks');
    expect(jobStepText(card({ status: 'done', trial: 4, totalTrials: 4, message: '4 task(s) finished' }))).toBe('4 of 4 tasks');
    expect(sweepTasksText({ trial: 1, totalTrials: 1 })).toBe('1 of 1 task');
  });

  it('a sweep job whose total is not known yet shows its step', () => {
    expect(jobStepText(card({ status: 'queued', totalTrials: 0 }))).toBe('');
    expect(jobStepText(card({ totalTrials: 0, message: 'checking 8 task(s) against their inputs' }))).toBe('checking 8 task(s) against their inputs');
  });

  it('an experiment shows its step while it runs; training and SOC jobs show their number', () => {
    expect(jobStepText(card({ kind: 'experiment', message: 'target 2/3: training x0' }))).toBe('target 2/3: training x0');
    expect(jobStepText(card({ kind: 'experiment', status: 'done', message: 'target 3/3: done' }))).toBe('');
    expect(jobStepText(card({ kind: 'training', trial: 30, totalTrials: 100 }))).toBeNull();
    expect(jobStepText(card({ kind: 'soc' }))).toBeNull();
  });
});
