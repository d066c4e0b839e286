/**
 * The reproduction report as a task (src-shared/tasks conventions): what an app job calls to run
 * the report with the job's progress, message and stop, and keep the result in its own store
 * (e.g. a directory of the app's data, so a job restarted after a crash resumes). The caller
 * gives the store, the SVG renderer and the environment line; the returned HTML is the report.
 */
import { quietContext, type TaskContext } from '../tasks/context.js';
import { runReproduction, type ReproductionOptions, type ReproductionResult } from './run.js';

export type ReproductionTaskInput = Omit<ReproductionOptions, 'onProgress' | 'shouldStop' | 'now'>;

export function runReproductionTask(input: ReproductionTaskInput, ctx: TaskContext = quietContext): ReproductionResult {
  return runReproduction({
    ...input,
    onProgress: (p) => ctx.message(`${p.part}: ${p.message}`, p.percent),
    shouldStop: () => ctx.shouldStop(),
  });
}
