/**
 * The project as the renderer sees it: everything that describes the work (names, settings,
 * seeds, errors, dates, the targets and initial conditions the views draw), without the bulk
 * arrays (weight matrices, error curves, gain patterns, experiment arrays and figures). Main owns
 * the project; it sends this view on every change and the renderer fetches a full item by id
 * (project:network, project:run, project:library, project:result) when a view needs its arrays.
 *
 * So the size of what crosses the IPC boundary per change does not grow with N² or with the
 * number of trials, and main never re-encodes a whole project to answer a request.
 */
import type {
  ExperimentResultRecord,
  PrimitiveLibrary,
  Project,
  ProjectNetwork,
  RunSession,
  SpeedManifold,
  TargetMovement,
  TrainingRun,
} from './schema.js';

/** Stands in for an array the view leaves out; fetch the item to get it. */
export interface ArrayHandle {
  shape: number[];
  length: number;
  /** Changes whenever the item is replaced: a renderer's copy fetched under another key is stale. */
  key: string;
}

export type NetworkView = Omit<ProjectNetwork, 'W'> & { W: ArrayHandle };

export type RunSessionView = Omit<RunSession, 'errorCurve' | 'bestGains' | 'output'>;

export type RunView = Omit<TrainingRun, 'sessions'> & {
  sessions: RunSessionView[];
  /** Lowest error over the sessions (null: no session finished a trial). */
  bestError: number | null;
  bestSession: number | null;
  /** Trials (or iterations) run over all sessions. */
  trials: number;
  /** finishedAt − startedAt, when both are known. */
  durationMs: number | null;
};

export type LibraryView = Omit<PrimitiveLibrary, 'gains' | 'outputs'> & {
  /** l, the number of gain patterns. */
  size: number;
};

export type ExperimentResultView = Omit<ExperimentResultRecord, 'arrays' | 'figures' | 'texts' | 'tables'> & {
  figureCount: number;
  tableCount: number;
  arrayCount: number;
  /** Names of the texts (CSV, an HTML report). */
  textNames: string[];
};

export interface ProjectView {
  id: string;
  name: string;
  notes: string;
  createdAt: string;
  modifiedAt: string;
  networks: NetworkView[];
  targets: TargetMovement[];
  runs: RunView[];
  primitiveLibraries: LibraryView[];
  speedManifolds: SpeedManifold[];
  experimentResults: ExperimentResultView[];
}

export function networkView(network: ProjectNetwork, key: string): NetworkView {
  return { ...network, W: { shape: [network.n, network.n], length: network.W.length, key } };
}

export function runView(run: TrainingRun): RunView {
  let bestSession: number | null = null;
  let trials = 0;
  run.sessions.forEach((session, index) => {
    trials += session.trialsRun;
    if (bestSession === null || session.bestError < run.sessions[bestSession].bestError) bestSession = index;
  });
  const started = run.startedAt ? Date.parse(run.startedAt) : NaN;
  const finished = run.finishedAt ? Date.parse(run.finishedAt) : NaN;
  return {
    ...run,
    sessions: run.sessions.map(({ errorCurve: _curve, bestGains: _gains, output: _output, ...rest }) => rest),
    bestError: bestSession === null ? null : run.sessions[bestSession].bestError,
    bestSession,
    trials,
    durationMs: Number.isFinite(started) && Number.isFinite(finished) ? Math.max(0, finished - started) : null,
  };
}

export function libraryView(library: PrimitiveLibrary): LibraryView {
  const { gains, outputs: _outputs, ...rest } = library;
  return { ...rest, size: gains.shape[0] ?? 0 };
}

export function experimentResultView(result: ExperimentResultRecord): ExperimentResultView {
  const { arrays, figures, texts, tables, ...rest } = result;
  return { ...rest, figureCount: figures.length, tableCount: tables.length, arrayCount: arrays.length, textNames: texts.map((t) => t.name) };
}

/**
 * The view of a project. Items are converted once and cached by identity (edits share unchanged
 * items), so a change to one run does not rebuild the view of a thousand others.
 */
export function createProjectViewer(): (project: Project) => ProjectView {
  const cache = new WeakMap<object, unknown>();
  let serial = 0;
  function cached<T extends object, V>(item: T, make: (item: T) => V): V {
    let view = cache.get(item) as V | undefined;
    if (view === undefined) cache.set(item, (view = make(item)));
    return view;
  }
  return (project) => ({
    id: project.id,
    name: project.name,
    notes: project.notes,
    createdAt: project.createdAt,
    modifiedAt: project.modifiedAt,
    networks: project.networks.map((n) => cached(n, (network) => networkView(network, `${network.id}@${++serial}`))),
    targets: project.targets,
    runs: project.runs.map((r) => cached(r, runView)),
    primitiveLibraries: project.primitiveLibraries.map((l) => cached(l, libraryView)),
    speedManifolds: project.speedManifolds,
    experimentResults: project.experimentResults.map((r) => cached(r, experimentResultView)),
  });
}
