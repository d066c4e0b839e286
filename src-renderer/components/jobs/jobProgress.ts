/**
 * What a job's card in the jobs panel says beside its percent. A sweep job has no single error
 * (one per task): its progress is the tasks finished of all ("3 of 8 tasks"; main counts done and
 * failed tasks, duplicates merged), with the running task's step as the tooltip. An experiment job
 * shows its definition's latest step while it runs. Other jobs show their number instead (null).
 */
import type { JobSummary } from '../../../src-shared/ipc/contract.js';
import { isFinished } from '../../stores/jobs.js';

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
