/**
 * The stored run the workspace shows when it follows no job. Jobs live only as long as main runs,
 * so a project opened again has runs but no job, and the training cards were empty. Pure functions
 * over the project's view (src-shared/project/view.ts) and a run fetched whole from main
 * (project:run, stores/project.ts `fullRun`); tested in tests/renderer/storedRun.test.ts.
 */
import type { ModelSource } from '../../../src-shared/ipc/contract.js';
import type { TrainingRun } from '../../../src-shared/project/schema.js';
import type { RunView } from '../../../src-shared/project/view.js';

/**
 * When a run was made (ms): its start, the nearest a stored run keeps to its job's creation (jobs
 * start in the order they were queued), else its finish; NaN when neither is known.
 */
export function runMadeAt(run: Pick<RunView, 'startedAt' | 'finishedAt'>): number {
  const started = run.startedAt ? Date.parse(run.startedAt) : NaN;
  return Number.isFinite(started) ? started : run.finishedAt ? Date.parse(run.finishedAt) : NaN;
}

/**
 * The most recently made run that has a session to draw. A run without a date counts as older than
 * any dated one; between equals the one added to the project later wins (runs are appended).
 */
export function newestStoredRun(runs: readonly RunView[]): RunView | null {
  let newest: RunView | null = null;
  let newestAt = -Infinity;
  for (const run of runs) {
    if (run.sessions.length === 0) continue;
    const at = runMadeAt(run);
    const key = Number.isFinite(at) ? at : -Infinity;
    if (newest === null || key >= newestAt) {
      newest = run;
      newestAt = key;
    }
  }
  return newest;
}

/** The stored run to show: the one picked in the runs browser while the project still holds it, else the newest. */
export function storedRunToShow(runs: readonly RunView[], pickedId: string | null): RunView | null {
  const picked = pickedId === null ? undefined : runs.find((run) => run.id === pickedId && run.sessions.length > 0);
  return picked ?? newestStoredRun(runs);
}

/** A stored run's error curves, one per session, as the live error plot takes a job's (index = trial, entry 0 the starting gains). */
export function storedRunCurves(run: Pick<TrainingRun, 'sessions'>): number[][] {
  return run.sessions.map((session) => Array.from(session.errorCurve));
}

/** Where the run's network and targets are in the project: the source simulate:run draws its trained output from, as for its job. */
export function storedRunSource(run: Pick<TrainingRun, 'networkId' | 'targetIds' | 'initialConditionIndices'>): Extract<ModelSource, { kind: 'project' }> {
  return { kind: 'project', networkId: run.networkId, targetIds: [...run.targetIds], initialConditionIndices: [...run.initialConditionIndices] };
}

/** Trials (reward rule) or iterations (gradient) per session as the run was requested: the error plot's x axis, as for its job. */
export function requestedTrials(run: Pick<RunView, 'settings'>): number | null {
  const trials = run.settings.trials;
  return typeof trials === 'number' && Number.isFinite(trials) && trials > 0 ? trials : null;
}
