/**
 * What a finished job adds to the project it belongs to. Every run a researcher starts in a
 * project is kept by the project, whether or not anything showed it: training runs (reward or
 * gradient, grouped or neuron-specific, refinements, a library's patterns), speed manifolds and
 * experiment results. SOC builds are not: a built W becomes a network only when the user adds it
 * (choosing its readout). A cancelled job keeps what it reached (status 'cancelled'); a failed one
 * has no result to keep. A sweep job is kept when every task is finished and the job ran at least
 * one of them (its folder keeps the tasks of a paused or cancelled one; the Sweeps view's Import
 * results stores those).
 *
 * `createResultRouter` listens for finished jobs and delivers each result to its project
 * (projectsApi.ts `deliver`: applied when open, kept for it otherwise).
 */
import {
  GainLabError,
  type ExperimentJobResult,
  type JobDetail,
  type ParsedRequestOf,
  type SpeedOptions,
  type TrainingResult,
} from '../../src-shared/ipc/contract.js';
import type { ProjectChanges } from '../../src-shared/project/edits.js';
import type { ExperimentResultRecord, SpeedManifold, TrainingRun } from '../../src-shared/project/schema.js';
import type { JobManager } from './jobManager.js';
import type { ProjectsApi } from './projectsApi.js';
import { sweepRecordFromJob } from './sweepService.js';

function iso(ms: number | null, fallback: Date): string {
  return ms === null ? fallback.toISOString() : new Date(ms).toISOString();
}

/** A finished (or cancelled) training job of a project as the project's run. */
export function trainingRunFromJob(detail: JobDetail, now = new Date()): TrainingRun {
  if (detail.kind !== 'training' || !detail.result || detail.result.kind !== 'training') {
    throw new GainLabError('invalid-payload', 'Only a finished training job with a result can be stored in the project.');
  }
  const request = detail.request as ParsedRequestOf<'jobs:start-training'>;
  if (request.source.kind !== 'project') {
    throw new GainLabError('invalid-payload', 'A run on inline data belongs to no project.');
  }
  const source = request.source;
  const result: TrainingResult = detail.result;
  const { source: _source, initialGains, purpose, ...settings } = request;
  const neuronSpecific = request.groups.kind === 'neuron';
  return {
    id: detail.jobId,
    name: detail.label,
    notes: '',
    purpose: purpose ?? 'train',
    networkId: source.networkId,
    targetIds: [...source.targetIds],
    initialConditionIndices: source.initialConditionIndices ?? source.targetIds.map(() => 0),
    rule: request.rule,
    // JSON values only: the starting gains are an array of their own
    settings: { ...settings, groups: request.groups.kind === 'specialised' ? { ...request.groups } : request.groups } as Record<string, unknown>,
    seed: request.seed,
    ...(initialGains ? { initialGains: Float64Array.from(initialGains) } : {}),
    initialError: result.initialError,
    groupLabels: neuronSpecific ? null : result.groupLabels,
    sessions: result.sessions.map((s) => ({
      session: s.session,
      seed: s.seed,
      bestError: s.bestError,
      bestTrial: s.bestTrial,
      trialsRun: s.trialsRun,
      errorCurve: s.errorCurve,
      bestGains: s.bestGains,
      output: null,
      ...(s.bestParameters ? { bestParameters: s.bestParameters } : {}),
    })),
    status: detail.status === 'done' ? 'done' : detail.status === 'cancelled' ? 'cancelled' : 'failed',
    startedAt: detail.startedAt === null ? null : new Date(detail.startedAt).toISOString(),
    finishedAt: iso(detail.finishedAt, now),
  };
}

/** A finished or cancelled speed job as a project speed manifold (its id is the job id). */
export function speedManifoldFromJob(detail: JobDetail, name?: string, now = new Date()): SpeedManifold {
  const result = detail.result;
  if (detail.kind !== 'speed' || !result || result.kind !== 'speed') {
    throw new GainLabError('invalid-payload', 'Only a finished speed job with a result can be stored in the project.');
  }
  if (result.factors.length === 0) throw new GainLabError('invalid-payload', 'This speed job learned no pattern to store.');
  const request = detail.request as SpeedOptions;
  const { networkId: _networkId, label: _label, ...settings } = request;
  return {
    id: detail.jobId,
    name: name ?? detail.label,
    notes: '',
    networkId: result.networkId,
    durations: [...result.durations],
    gains: { shape: [result.factors.length, result.n], data: Float64Array.from(result.gains) },
    factors: [...result.factors],
    initialConditions: { shape: [result.m, result.n], data: Float64Array.from(result.initialConditions) },
    amplitudeScaling: result.amplitude === 'scaled',
    rule: result.rule,
    settings: settings as Record<string, unknown>,
    seed: result.seed,
    groupLabels: [...result.groupLabels],
    initialErrors: [...result.initialErrors],
    errors: [...result.errors],
    status: detail.status === 'done' ? 'done' : 'cancelled',
    startedAt: detail.startedAt === null ? null : new Date(detail.startedAt).toISOString(),
    finishedAt: iso(detail.finishedAt, now),
  };
}

/** Typed arrays inside a figure become plain arrays (figures are stored as JSON in project.json). */
function jsonFigure(value: unknown, depth = 0): unknown {
  if (depth > 16) return null;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map((v) => jsonFigure(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonFigure(v, depth + 1)]));
  }
  return value;
}

/** A finished or cancelled experiment job as a project experiment result (its id is the job id). */
export function experimentResultFromJob(detail: JobDetail, networkId: string | null, now = new Date()): ExperimentResultRecord {
  const result = detail.result;
  if (detail.kind !== 'experiment' || !result || result.kind !== 'experiment') {
    throw new GainLabError('invalid-payload', 'Only a finished experiment job with a result can be stored in the project.');
  }
  const r: ExperimentJobResult = result;
  const { label: _label, ...settings } = detail.request as Record<string, unknown>;
  return {
    id: detail.jobId,
    name: detail.label,
    kind: 'experiment',
    definition: r.experiment,
    quick: r.quick,
    seed: r.seed,
    networkId,
    networkName: r.network,
    settings,
    summary: jsonFigure(r.summary) as Record<string, unknown>,
    tables: r.tables.map((t) => ({ name: t.name, columns: [...t.columns], rows: t.rows.map((row) => [...row]) })),
    arrays: r.arrays.map((a) => ({ name: a.name, shape: [...a.shape], data: a.data })),
    figures: r.figures.map((f) => jsonFigure(f)),
    texts: r.csv.map((c) => ({ name: c.name, mediaType: 'text/csv', text: c.text })),
    status: detail.status === 'done' && !r.partial ? 'done' : 'cancelled',
    elapsedMs: r.elapsedMs,
    startedAt: detail.startedAt === null ? null : new Date(detail.startedAt).toISOString(),
    finishedAt: iso(detail.finishedAt, now),
    notes: r.note ? `${r.note}` : '',
  };
}

/** The edit a finished job makes to its project, or null when it adds nothing (SOC, failed, empty). */
export function changesFromJob(detail: JobDetail, now = new Date()): ProjectChanges | null {
  if (detail.status === 'failed' || !detail.result) return null;
  switch (detail.kind) {
    case 'training': {
      const request = detail.request as ParsedRequestOf<'jobs:start-training'>;
      if (request.source.kind !== 'project' || detail.result.kind !== 'training' || detail.result.sessions.length === 0) return null;
      return { addRuns: [trainingRunFromJob(detail, now)] };
    }
    case 'speed':
      return detail.result.kind === 'speed' && detail.result.factors.length > 0 ? { upsertSpeedManifolds: [speedManifoldFromJob(detail)] } : null;
    case 'experiment': {
      if (detail.result.kind !== 'experiment') return null;
      const networkId = (detail.request as { networkId?: string }).networkId ?? null;
      return { upsertExperimentResults: [experimentResultFromJob(detail, networkId, now)] };
    }
    case 'sweep': {
      // a sweep that ran every task (a paused or cancelled one stays in its folder: Import results
      // keeps it); a rerun that found every task finished already adds nothing (its results are
      // those of the run that finished them, stored then)
      const r = detail.result;
      if (detail.status !== 'done' || r.kind !== 'sweep' || r.partial || r.done + r.failed === 0) return null;
      return { upsertExperimentResults: [sweepRecordFromJob(detail, null, now)] };
    }
    default:
      return null;
  }
}

/**
 * Deliver every finished job's result to the project it belongs to. `subscribe` is the event
 * hub's; the router runs in main, so a result is kept whether or not a window shows the job.
 */
export function createResultRouter(deps: {
  jobs: JobManager;
  projects: ProjectsApi;
  log?: (line: string) => void;
  now?: () => Date;
}): { onFinished(jobId: string): Promise<void> } {
  const log = deps.log ?? ((line: string) => console.error(line));
  return {
    async onFinished(jobId) {
      let detail: JobDetail;
      try {
        detail = deps.jobs.get(jobId);
      } catch {
        return;
      }
      if (detail.projectId === null) return;
      const changes = changesFromJob(detail, deps.now?.() ?? new Date());
      if (!changes) return;
      try {
        await deps.projects.deliver({ projectId: detail.projectId, label: detail.label, jobId, changes });
      } catch (error) {
        log(`[results] the result of "${detail.label}" could not be added to its project: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
