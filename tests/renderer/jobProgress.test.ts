/**
 * The jobs panel's progress text (components/jobs/jobProgress.ts): a sweep job reads "k of N
 * tasks" from main's summary (trial = tasks finished, totalTrials = tasks, duplicates merged),
 * never a best error; an experiment its latest step while it runs; other jobs show their number.
 * A training job's count (src-renderer/components/TrainPanel.vue) reads in trials per session, as
 * the form set them and the error curve's axis runs, with the sessions beside it; main counts over
 * all sessions (the percent), which once showed "20,000 / 20,000" for 2000 trials × 10 sessions.
 */
import { describe, expect, it } from 'vitest';
import type { JobSummary } from '../../src-shared/ipc/contract.js';
import { jobStepText, sweepTasksText, trainingProgressText } from '../../src-renderer/components/jobs/jobProgress.js';

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

describe('training progress text', () => {
  const reward = { rule: 'reward', trials: 2000, sessions: 10 };
  it('counts trials per session of a lockstep run, with the sessions beside', () => {
    expect(trainingProgressText({ trial: 14_000, totalTrials: 20_000 }, reward)).toBe('1,400 / 2,000 · 10 sessions');
    // mid-trial (4 of 10 sessions through trial 1401): the trial every session finished
    expect(trainingProgressText({ trial: 14_004, totalTrials: 20_000 }, reward)).toBe('1,400 / 2,000 · 10 sessions');
    expect(trainingProgressText({ trial: 20_000, totalTrials: 20_000 }, reward)).toBe('2,000 / 2,000 · 10 sessions');
    expect(trainingProgressText({ trial: 0, totalTrials: 20_000 }, reward)).toBe('0 / 2,000 · 10 sessions');
  });

  it('one session, and gradient runs (one session whatever was asked), read without sessions', () => {
    expect(trainingProgressText({ trial: 300, totalTrials: 500 }, { rule: 'reward', trials: 500, sessions: 1 })).toBe('300 / 500');
    expect(trainingProgressText({ trial: 40, totalTrials: 40 }, { rule: 'gradient', trials: 40, sessions: 10 })).toBe('40 / 40');
  });

  it('a session stopped alone stops counting: the furthest curve says where the others are', () => {
    // 2 sessions of 100 trials; session 1 stopped at trial 20, session 0 ran to 100: 120 counted
    const curves = [new Array(101).fill(0.5), new Array(21).fill(0.5)];
    expect(trainingProgressText({ trial: 120, totalTrials: 200 }, { rule: 'reward', trials: 100, sessions: 2 }, curves)).toBe('100 / 100 · 2 sessions');
  });

  it('without the request (not fetched yet) the raw count', () => {
    expect(trainingProgressText({ trial: 7, totalTrials: 20 }, undefined)).toBe('7 / 20');
  });
});
