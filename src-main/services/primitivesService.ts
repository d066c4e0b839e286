/**
 * Motor primitives in the app (model-spec §9): the handlers of primitives:create-library,
 * primitives:fit and primitives:remove-library. Plain Node, dependencies passed in (the job
 * manager runs the numerics on the worker's interactive pool; the projects service stores the
 * library). handlers.ts spreads these into the handler table.
 *
 * create-library with jobs still running answers at once (pending) and creates the library in
 * main when they have all finished done (none when one fails or is cancelled), so a build
 * survives a renderer reload.
 *
 * A library is built from finished training runs, one per pattern: pattern k = the best gains of
 * run k's best session, m_k = the network's output with them (simulated in the worker, initial
 * condition 0, the network's grid). The record (project/schema.ts PrimitiveLibrary) keeps gains,
 * outputs and the run ids; runs that were jobs only are stored in the project with it.
 */
import { concatRows } from '../../src-shared/linalg/dense.js';
import {
  GainLabError,
  type ParsedRequestOf,
  type ResponseOf,
  type TargetPayload,
} from '../../src-shared/ipc/contract.js';
import { libraryToProject } from '../../src-shared/primitives/projectStore.js';
import type { PrimitiveLibrary, Project, TrainingRun } from '../../src-shared/project/schema.js';
import type { JobManager, JobOwner } from './jobManager.js';
import { trainingRunFromJob } from './jobResults.js';
import { findNetwork, findTarget, networkPayload, targetPayload } from './modelSources.js';
import type { ProjectsApi } from './projectsApi.js';

export interface PrimitivesDeps {
  jobs: JobManager;
  projects: ProjectsApi;
  /** The open project as the owner of the jobs a build starts. */
  owner: () => JobOwner;
  now?: () => Date;
  /**
   * A build waited for in main (create-library with jobs still running) has settled: created the
   * library, or created none (a job failed or was cancelled, or creating failed) with the reason.
   */
  onBuildSettled?: (outcome: BuildOutcome) => void;
}

export interface BuildOutcome {
  libraryId: string;
  name: string;
  created: boolean;
  message: string;
}

type CreateLibraryRequest = ParsedRequestOf<'primitives:create-library'>;
type JobDetail = ReturnType<JobManager['get']>;
type PrimitivesChannel = 'primitives:create-library' | 'primitives:fit';
export type PrimitivesHandlers = { [C in PrimitivesChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

/** The session with the lowest error of a run. */
function bestSession(run: TrainingRun): TrainingRun['sessions'][number] {
  if (run.sessions.length === 0) throw new GainLabError('invalid-payload', `Training run "${run.name}" has no finished session to take gains from.`);
  let best = run.sessions[0];
  for (const session of run.sessions) if (session.bestError < best.bestError) best = session;
  return best;
}

export function findLibrary(project: Project, libraryId: string): PrimitiveLibrary {
  const library = (project.primitiveLibraries ?? []).find((l) => l.id === libraryId);
  if (!library) throw new GainLabError('not-found', `The project has no primitive library "${libraryId}".`);
  return library;
}

export function createPrimitivesHandlers(deps: PrimitivesDeps): PrimitivesHandlers {
  const { jobs, projects } = deps;
  const now = deps.now ?? (() => new Date());
  let counter = 0;
  const newLibraryId = () => `library-${now().getTime().toString(36)}-${(++counter).toString(36)}`;
  const settled = deps.onBuildSettled ?? ((outcome: BuildOutcome) => {
    if (!outcome.created) console.warn(`[primitives] ${outcome.message}`);
  });

  /**
   * Jobs still running: answer at once (pending) and create the library in main when every job
   * has finished done, so a renderer reload mid-build loses nothing (project:changed shows it).
   * A failed or cancelled job (cancelling the build cancels its jobs) creates no library.
   */
  function createWhenFinished(request: CreateLibraryRequest, libraryId: string, running: string[], project: Project): void {
    void (async () => {
      let details: JobDetail[];
      try {
        details = await Promise.all(running.map((jobId) => jobs.whenFinished(jobId)));
      } catch (error) {
        settled({ libraryId, name: request.name, created: false, message: `Library "${request.name}" could not be created: ${error instanceof Error ? error.message : String(error)}` });
        return;
      }
      const stopped = details.filter((d) => d.status !== 'done');
      if (stopped.length > 0) {
        const cancelled = stopped.some((d) => d.status === 'cancelled');
        const first = stopped[0];
        settled({
          libraryId,
          name: request.name,
          created: false,
          message: cancelled
            ? `Library "${request.name}": cancelled, no library was created (the runs are kept in the job list).`
            : `Library "${request.name}": run "${first.label}" failed${first.error ? ` (${first.error.message})` : ''}; no library was created.`,
        });
        return;
      }
      try {
        await createLibrary(request, libraryId, project);
        settled({ libraryId, name: request.name, created: true, message: `Library "${request.name}" with ${request.jobIds.length + request.runIds.length} pattern(s) was added to the project.` });
      } catch (error) {
        settled({ libraryId, name: request.name, created: false, message: `Library "${request.name}" could not be created: ${error instanceof Error ? error.message : String(error)}` });
      }
    })();
  }

  /**
   * Build the library from the project as it was when the build was asked for (`project`), and
   * deliver it to that project: applied if it is still open, kept for it otherwise.
   */
  async function createLibrary(request: CreateLibraryRequest, libraryId: string, project: Project): Promise<ResponseOf<'primitives:create-library'>> {
    const network = findNetwork(project, request.networkId);
    const payload = networkPayload(network, 0); // throws when the network has no readout yet
    const grid = `${network.readout!.channels} channel(s) × ${network.params.nSamples} samples over ${network.params.duration} ms`;

    // the runs, in pattern order: finished jobs (each is in its project as a run already: jobResults.ts) then project runs
    const runs: TrainingRun[] = [];
    const seen = new Set<string>();
    for (const jobId of request.jobIds) {
      let run = project.runs.find((r) => r.id === jobId);
      if (!run) {
        const detail = jobs.get(jobId);
        if (detail.kind !== 'training' || (detail.status !== 'done' && detail.status !== 'cancelled') || !detail.result) {
          throw new GainLabError('invalid-payload', `Job "${detail.label}" is ${detail.status}; a library takes finished training runs only.`);
        }
        if (detail.projectId !== project.id) throw new GainLabError('invalid-payload', `Job "${detail.label}" is not a run of this project.`);
        run = trainingRunFromJob(detail, now());
      }
      runs.push(run);
    }
    for (const runId of request.runIds) {
      const run = project.runs.find((r) => r.id === runId);
      if (!run) throw new GainLabError('not-found', `The project has no training run "${runId}".`);
      runs.push(run);
    }
    const patterns: Float64Array[] = [];
    const targets: (Float64Array | null)[] = [];
    for (const run of runs) {
      if (seen.has(run.id)) throw new GainLabError('invalid-payload', `Training run "${run.name}" is named twice; each pattern comes from its own run.`);
      seen.add(run.id);
      if (run.networkId !== network.id) {
        throw new GainLabError('invalid-payload', `Training run "${run.name}" was trained on network "${run.networkId}", not on "${network.name}".`);
      }
      const trainable = (run.settings as { trainable?: unknown }).trainable;
      if (trainable !== undefined && trainable !== 'gains') {
        throw new GainLabError('invalid-payload', `Training run "${run.name}" trained ${String(trainable)}, not the gains; a library holds gain patterns.`);
      }
      const gains = bestSession(run).bestGains;
      if (gains.length !== network.n) {
        throw new GainLabError('invalid-payload', `Training run "${run.name}" has ${gains.length} gains; network "${network.name}" has n = ${network.n}.`);
      }
      patterns.push(gains);
      // the pattern's own target, for its error (when it is a single target on the network's grid)
      const target = run.targetIds.length === 1 ? project.targets.find((t) => t.id === run.targetIds[0]) : undefined;
      const onGrid = target && target.channels === network.readout!.channels && target.nSamples === network.params.nSamples && target.duration === network.params.duration;
      targets.push(onGrid ? target.values : null);
    }

    const computed = await jobs.runPrimitives({ kind: 'primitives-library', network: payload, patterns, targets });
    const l = patterns.length;
    const library = {
      size: l,
      n: network.n,
      channels: computed.channels,
      nSamples: computed.nSamples,
      gains: concatRows(patterns),
      outputs: computed.outputs,
      targets: new Float64Array(0),
      errors: Float64Array.from(computed.errors),
    };
    const record = libraryToProject(library, { id: libraryId, name: request.name, networkId: network.id, runIds: runs.map((r) => r.id) });
    if (record.outputs.data.length !== l * computed.channels * computed.nSamples) {
      throw new GainLabError('internal', `The library's outputs do not match ${l} pattern(s) on ${grid}.`);
    }
    // the runs enter the project as their jobs finish (jobResults.ts); the library names them
    await projects.deliver({ projectId: project.id, label: `Library “${request.name}”`, jobId: libraryId, changes: { addRuns: runs.filter((r) => !project.runs.some((p) => p.id === r.id)), upsertPrimitiveLibraries: [record] } });
    return { libraryId, project: projects.current() };
  }

  /** Create the library now when every job has finished, or answer pending and create it in main. */
  async function createOrWait(request: CreateLibraryRequest): Promise<ResponseOf<'primitives:create-library'>> {
    const project = projects.project();
    const running = request.jobIds.filter((jobId) => {
      if (project.runs.some((r) => r.id === jobId)) return false;
      const detail = jobs.get(jobId); // not-found for unknown jobs
      if (detail.kind !== 'training') throw new GainLabError('invalid-payload', `Job "${detail.label}" is not a training job; a library takes training runs only.`);
      return detail.status !== 'done' && detail.status !== 'cancelled' && detail.status !== 'failed';
    });
    if (running.length === 0) return createLibrary(request, newLibraryId(), project);
    // checked now, so a wrong request fails at once rather than after the training
    const network = findNetwork(project, request.networkId);
    networkPayload(network, 0);
    for (const runId of request.runIds) {
      if (!project.runs.some((r) => r.id === runId)) throw new GainLabError('not-found', `The project has no training run "${runId}".`);
    }
    if (new Set([...request.jobIds, ...request.runIds]).size !== request.jobIds.length + request.runIds.length) {
      throw new GainLabError('invalid-payload', 'A run is named twice; each pattern comes from its own run.');
    }
    const libraryId = newLibraryId();
    createWhenFinished(request, libraryId, running, project);
    return { libraryId, project: projects.current(), pending: true };
  }

  return {
    'primitives:create-library': async (parsed) => {
      const project = projects.project();
      const startedJobIds: string[] = [];
      let request = parsed;
      if (parsed.trainings.length > 0) {
        // checked before anything starts, so a wrong request starts no job
        networkPayload(findNetwork(project, parsed.networkId), 0);
        for (const training of parsed.trainings) {
          const trainedOn = training.source.kind === 'project' ? training.source.networkId : training.source.network.id;
          if (trainedOn !== parsed.networkId) {
            throw new GainLabError('invalid-payload', `Every training of library "${parsed.name}" must run on its network "${parsed.networkId}".`);
          }
        }
        try {
          for (const training of parsed.trainings) startedJobIds.push((await jobs.startTraining({ ...training, purpose: 'library' }, deps.owner())).jobId);
        } catch (error) {
          for (const jobId of startedJobIds) {
            try {
              jobs.cancel(jobId);
            } catch {
              // already finished: nothing to stop
            }
          }
          throw error;
        }
        request = { ...parsed, jobIds: [...parsed.jobIds, ...startedJobIds], trainings: [] };
      }
      const answer = await createOrWait(request);
      return startedJobIds.length > 0 ? { ...answer, startedJobIds } : answer;
    },

    'primitives:fit': async (request) => {
      const started = Date.now();
      const project = projects.project();
      const library = findLibrary(project, request.libraryId);
      if (request.networkId !== undefined && request.networkId !== library.networkId) {
        const shown = project.networks.find((n) => n.id === request.networkId)?.name ?? request.networkId;
        const own = project.networks.find((n) => n.id === library.networkId)?.name ?? library.networkId;
        throw new GainLabError('invalid-payload', `Library "${library.name}" was built on network "${own}", not on "${shown}"; select that network to use it.`);
      }
      const network = project.networks.find((n) => n.id === library.networkId);
      if (!network) throw new GainLabError('not-found', `Library "${library.name}" was built on network "${library.networkId}", which is no longer in the project.`);
      const payload = networkPayload(network, 0);
      const [size, n] = library.gains.shape;
      if (n !== network.n) throw new GainLabError('invalid-payload', `Library "${library.name}" has ${n} gains per pattern but network "${network.name}" has n = ${network.n}.`);
      const channels = payload.readout.channels;
      const nSamples = network.params.nSamples;
      const outputShape = library.outputs.shape;
      if (outputShape[0] !== size || outputShape[outputShape.length - 1] !== nSamples || library.outputs.data.length !== size * channels * nSamples) {
        throw new GainLabError('invalid-payload', `Library "${library.name}" holds outputs of shape (${outputShape.join(', ')}), not ${size} × ${channels} × ${nSamples} as network "${network.name}" reads out.`);
      }
      const target: TargetPayload = 'targetId' in request.target ? targetPayload(findTarget(project, request.target.targetId)) : request.target;
      if (target.channels !== channels || target.nSamples !== nSamples || Math.abs(target.duration - network.params.duration) > 1e-9 * network.params.duration) {
        throw new GainLabError(
          'invalid-payload',
          `Target "${target.name}" has ${target.channels} channel(s) × ${target.nSamples} samples over ${target.duration} ms; library "${library.name}" needs ${channels} × ${nSamples} over ${network.params.duration} ms.`,
        );
      }
      const result = await jobs.runPrimitives({
        kind: 'primitives-fit',
        network: payload,
        gains: library.gains.data,
        outputs: library.outputs.data,
        size,
        target: target.values,
        combination: request.combination,
        ridge: request.ridge,
      });
      return {
        libraryId: library.id,
        networkId: network.id,
        channels,
        nSamples,
        duration: network.params.duration,
        ...result,
        target: target.values,
        durationMs: Date.now() - started,
      };
    },

  };
}
