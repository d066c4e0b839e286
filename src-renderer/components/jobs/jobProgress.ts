/**
 * What a job's card in the jobs panel says beside its percent. A sweep job has no single error
 * (one per task): its progress is the tasks finished of all ("3 of 8 tasks"; main counts done and
 * failed tasks, duplicates merged), with the running task's step as the tooltip. An experiment job
 * shows its definition's latest step while it runs. Other jobs show their number instead (null).
 */
import type { JobSummary } from '../../../src-shared/ipc/contract.js';
import { isFinished } from '../../stores/jobs.js';

/**
 * A training job's progress in the terms its form set: trials (or iterations) per session, and the
 * sessions. Main counts the job's trials over all sessions (`trial` of `totalTrials` = trials ×
 * sessions, so the percent is right), but the reward rule runs its K sessions in lockstep, trial by
 * trial (model/rewardRule.ts), and the error curve's x axis is the trial of a session: with 2000
 * trials and 10 sessions the card once read "20,000 / 20,000" beside an axis running to 2000. The
 * trial a session has reached is the count over all sessions divided by K, or, where a session was
 * stopped alone (it stops counting, the others go on), the furthest point of the streamed curves.
 * Without the request (not fetched yet) the raw count is all there is.
 */
export function trainingProgressText(
  job: Pick<JobSummary, 'trial' | 'totalTrials'>,
  request: unknown,
  curves: readonly (readonly unknown[])[] = [],
): string {
  const settings = typeof request === 'object' && request !== null ? (request as { rule?: unknown; trials?: unknown; sessions?: unknown }) : null;
  const count = (value: number): string => value.toLocaleString('en-US');
  if (!settings || typeof settings.trials !== 'number' || settings.trials <= 0) return `${count(job.trial)} / ${count(job.totalTrials)}`;
  const perSession = settings.trials;
  // gradient training is one session whatever was asked (jobManager.startTraining)
  const sessions = settings.rule === 'gradient' ? 1 : typeof settings.sessions === 'number' && settings.sessions > 1 ? Math.round(settings.sessions) : 1;
  const furthest = curves.reduce((most, curve) => Math.max(most, curve.length - 1), 0);
  const reached = Math.min(perSession, Math.max(Math.floor(job.trial / sessions), furthest));
  return `${count(reached)} / ${count(perSession)}${sessions > 1 ? ` · ${sessions} sessions` : ''}`;
}

/** "k of N tasks" (N unknown yet: the job's latest step, e.g. while it checks its inputs). */
export function sweepTasksText(job: Pick<JobSummary, 'trial' | 'totalTrials' | 'message'>): string {
  if (job.totalTrials <= 0) return job.message ?? '';
  return `${job.trial} of ${job.totalTrials} task${job.totalTrials === 1 ? '' : 's'}`;
}

/** The step shown instead of a number, or null for jobs whose card shows a number. */
export function jobStepText(job: Pick<JobSummary, 'kind' | 'status' | 'trial' | 'totalTrials' | 'message'>): string | null {
  if (job.kind === 'sweep') return sweepTasksText(job);
  if (job.kind === 'experiment') return job.message && !isFinished(job) ? job.message : '';
  return null;
}
