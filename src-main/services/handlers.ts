/**
 * The handler table: one plain async function per invoke channel of the contract, built from
 * injected services. Electron (src-main/electron/ipc.ts) and the web server (src-main/web) both
 * carry this same table; `dispatch` is the only way in: it checks the channel is declared,
 * validates the payload with the channel's zod schema, runs the handler and turns every outcome
 * into an Envelope — it never throws.
 */
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import nodePath from 'node:path';
import { z } from 'zod';
import {
  GainLabError,
  errorEnvelope,
  invokeContract,
  isInvokeChannel,
  okEnvelope,
  type Envelope,
  type ErrorCode,
  type InvokeChannel,
  type ParsedRequestOf,
  type ResponseOf,
  type TrainingResult,
} from '../../src-shared/ipc/contract.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import type { ProjectNetwork, TrainingRun } from '../../src-shared/project/schema.js';
import type { JobManager } from './jobManager.js';
import { findNetwork, findTarget, networkPayload, targetPayload } from './modelSources.js';
import type { ProjectsApi } from './projectsApi.js';
import { createPrimitivesHandlers } from './primitivesService.js';
import { createSpeedHandlers } from './speedService.js';
import { startExperimentJob } from './experimentJobs.js';

/** Native dialogs (Electron only). Web mode has none: a path must come with the request. */
export interface Dialogs {
  pickOpenPath(): Promise<string | null>;
  pickSavePath(suggestedName: string): Promise<string | null>;
}

export interface AppServices {
  mode: 'electron' | 'web';
  version: string;
  platform: string;
  workerThreads: number;
  jobs: JobManager;
  projects: ProjectsApi;
  dialogs?: Dialogs;
}

export type Handler<C extends InvokeChannel> = (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
export type HandlerTable = { [C in InvokeChannel]: Handler<C> };

function requirePath(path: string | undefined | null, what: string): string {
  if (!path) throw new GainLabError('cancelled', `${what} cancelled.`);
  return path;
}

/** A finished training job as a project run (model-spec results, kept with the project file). */
export function trainingRunFromJob(detail: ReturnType<JobManager['get']>, now = new Date()): TrainingRun {
  if (detail.kind !== 'training' || !detail.result || detail.result.kind !== 'training') {
    throw new GainLabError('invalid-payload', 'Only a finished training job with a result can be stored in the project.');
  }
  const request = detail.request as ParsedRequestOf<'jobs:start-training'>;
  // the app sends the network and target inline (so a run records its data): store it under their
  // ids; the projects service refuses ids that are not in the project
  const source =
    request.source.kind === 'project'
      ? request.source
      : { kind: 'project' as const, networkId: request.source.network.id, targetIds: request.source.targets.map((t) => t.id), initialConditionIndices: undefined };
  const result: TrainingResult = detail.result;
  const { source: _source, initialGains: _gains, ...settings } = request;
  const neuronSpecific = request.groups.kind === 'neuron';
  return {
    id: detail.jobId,
    name: detail.label,
    networkId: source.networkId,
    targetIds: [...source.targetIds],
    initialConditionIndices: source.initialConditionIndices ?? source.targetIds.map(() => 0),
    rule: request.rule,
    settings: settings as Record<string, unknown>,
    notes: '',
    purpose: 'train',
    seed: request.seed,
    initialError: result.initialError,
    groupLabels: neuronSpecific ? null : result.groupLabels,
    sessions: result.sessions.map((s) => ({ ...s, output: null })),
    status: detail.status === 'done' ? 'done' : detail.status === 'cancelled' ? 'cancelled' : 'failed',
    startedAt: detail.startedAt === null ? null : new Date(detail.startedAt).toISOString(),
    finishedAt: detail.finishedAt === null ? now.toISOString() : new Date(detail.finishedAt).toISOString(),
  };
}

export function createHandlers(services: AppServices): HandlerTable {
  const { jobs, projects, dialogs } = services;

  async function networkFromSocJob(spec: NonNullable<ParsedRequestOf<'project:update'>['addNetworkFromJob']>): Promise<ProjectNetwork> {
    const detail = jobs.get(spec.jobId);
    const result = detail.result;
    if (detail.kind !== 'soc' || !result || result.kind !== 'soc' || detail.status !== 'done') {
      throw new GainLabError('invalid-payload', 'Only a finished SOC build can be added as a network.');
    }
    if (!result.converged) {
      throw new GainLabError('invalid-payload', `This SOC build stopped at α = ${result.finalAlpha.toFixed(3)} without reaching 0.15; build again with another seed or the adaptive recipe.`);
    }
    const params = { ...DEFAULT_DYNAMICS };
    const fitTarget = spec.fitReadoutToTargetId ? findTarget(projects.project(), spec.fitReadoutToTargetId) : null;
    if (fitTarget && (fitTarget.nSamples !== params.nSamples || fitTarget.duration !== params.duration)) {
      throw new GainLabError('invalid-payload', `Target "${fitTarget.name}" is not on the default movement grid (${params.nSamples} samples over ${params.duration} ms).`);
    }
    const prepared = await jobs.prepareNetwork({
      W: result.W,
      n: result.n,
      nE: result.nE,
      initialConditions: spec.initialConditions,
      params,
      fitTarget: fitTarget ? { channels: fitTarget.channels, values: fitTarget.values } : null,
    });
    const alphaHistory = result.alphaHistory;
    return {
      id: `soc-${spec.jobId}`,
      name: spec.name ?? `SOC network N = ${result.n} (seed ${result.seed})`,
      n: result.n,
      nE: result.nE,
      W: result.W,
      initialConditions: prepared.initialConditions,
      nInitialConditions: spec.initialConditions,
      readout: prepared.readout
        ? { channels: prepared.readout.channels, weights: prepared.readout.weights, fittedTo: fitTarget!.id, fitError: prepared.readout.fitError }
        : null,
      params,
      seed: result.seed,
      soc: {
        recipe: result.recipe,
        seed: result.seed,
        iterations: result.iterations,
        finalAlpha: alphaHistory[alphaHistory.length - 1],
        alphaHistory,
        buildMs: detail.startedAt !== null && detail.finishedAt !== null ? detail.finishedAt - detail.startedAt : null,
      },
      origin: 'soc',
      createdAt: new Date().toISOString(),
    };
  }

  /** New Gramian initial conditions and (optionally) an NNLS readout for a network already in the project. */
  async function preparedNetwork(spec: NonNullable<ParsedRequestOf<'project:update'>['prepareNetwork']>): Promise<ProjectNetwork> {
    const project = projects.project();
    const network = findNetwork(project, spec.networkId);
    const fitTarget = spec.fitReadoutToTargetId ? findTarget(project, spec.fitReadoutToTargetId) : null;
    if (fitTarget && (fitTarget.nSamples !== network.params.nSamples || fitTarget.duration !== network.params.duration)) {
      throw new GainLabError(
        'invalid-payload',
        `Target "${fitTarget.name}" (${fitTarget.nSamples} samples over ${fitTarget.duration} ms) is not on the network's grid (${network.params.nSamples} samples over ${network.params.duration} ms).`,
      );
    }
    const prepared = await jobs.prepareNetwork({
      W: network.W,
      n: network.n,
      nE: network.nE,
      initialConditions: spec.initialConditions,
      params: network.params,
      fitTarget: fitTarget ? { channels: fitTarget.channels, values: fitTarget.values } : null,
    });
    return {
      ...network,
      initialConditions: prepared.initialConditions,
      nInitialConditions: spec.initialConditions,
      readout: prepared.readout
        ? { channels: prepared.readout.channels, weights: prepared.readout.weights, fittedTo: fitTarget!.id, fitError: prepared.readout.fitError }
        : network.readout,
    };
  }

  return {
    'app:info': async () => ({
      name: 'GainLab',
      version: services.version,
      mode: services.mode,
      platform: services.platform,
      workerThreads: services.workerThreads,
    }),
    'example:load': () => projects.loadExample(),
    'jobs:start-training': (request) => jobs.startTraining(request),
    'jobs:start-soc': (request) => jobs.startSoc(request),
    // a paper experiment definition as a job (experimentJobs.ts)
    'jobs:start-experiment': (request) => startExperimentJob(jobs, projects.project(), request),
    'jobs:cancel': async ({ jobId, session }) => jobs.cancel(jobId, session),
    'jobs:list': async () => jobs.list(),
    'jobs:get': async ({ jobId }) => jobs.get(jobId),
    'jobs:remove': async ({ jobId }) => jobs.remove(jobId),
    'simulate:run': async (request) => {
      const project = projects.project();
      const network =
        'networkId' in request.network
          ? networkPayload(findNetwork(project, request.network.networkId), request.network.initialConditionIndex)
          : request.network;
      const target = !request.target
        ? null
        : 'targetId' in request.target
          ? targetPayload(findTarget(project, request.target.targetId))
          : request.target;
      return jobs.simulate({ network, gains: request.gains ?? null, target, includeRates: request.includeRates });
    },
    'project:new': () => projects.newProject(),
    'project:open': async ({ path }) => {
      const chosen = path ?? (dialogs ? await dialogs.pickOpenPath() : null);
      if (!chosen && !dialogs) throw new GainLabError('invalid-payload', 'Give the path of the project file to open, or import it.');
      return projects.open(requirePath(chosen, 'Opening a project'));
    },
    'project:save': async () => {
      const current = projects.current();
      if (current.path) return projects.save();
      if (!dialogs) throw new GainLabError('invalid-payload', 'This project has no file yet; use Save As with a path, or export it.');
      return projects.saveAs(requirePath(await dialogs.pickSavePath(current.name), 'Saving'));
    },
    'project:saveAs': async ({ path }) => {
      const chosen = path ?? (dialogs ? await dialogs.pickSavePath(projects.current().name) : null);
      if (!chosen && !dialogs) throw new GainLabError('invalid-payload', 'Give the path to save the project to, or export it.');
      const target = requirePath(chosen, 'Saving');
      // a typed path (web mode) may name a folder that does not exist yet, e.g. the suggested ~/GainLab
      if (path) await mkdir(nodePath.dirname(nodePath.resolve(target)), { recursive: true });
      return projects.saveAs(target);
    },
    'project:recent': () => projects.recent(),
    'project:suggestPath': async () => {
      const current = projects.current();
      if (current.path) return { path: current.path };
      const fileName = `${(current.name || 'Untitled').replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim() || 'Untitled'}.gainlab`;
      const recent = await projects.recent().catch(() => []);
      const dir = process.env.GAINLAB_PROJECTS_DIR ?? (recent[0] ? nodePath.dirname(recent[0].path) : nodePath.join(os.homedir(), 'GainLab'));
      return { path: nodePath.join(dir, fileName) };
    },
    'project:recover': ({ restore }) => projects.recover(restore),
    'project:current': async () => projects.current(),
    'project:update': async (request) => {
      const { addRunFromJob, addNetworkFromJob, prepareNetwork, ...changes } = request;
      const addRuns = addRunFromJob ? [trainingRunFromJob(jobs.get(addRunFromJob.jobId))] : undefined;
      const upsertNetworks = [...(changes.upsertNetworks ?? [])];
      if (addNetworkFromJob) upsertNetworks.push(await networkFromSocJob(addNetworkFromJob));
      if (prepareNetwork) upsertNetworks.push(await preparedNetwork(prepareNetwork));
      return projects.update({ ...changes, upsertNetworks, addRuns });
    },
    'project:import': ({ fileName, bytes }) => projects.importBytes(fileName, bytes),
    'project:export': () => projects.exportBytes(),
    // motor primitives (model-spec §9): primitivesService.ts
    ...createPrimitivesHandlers({ jobs, projects, runFromJob: (detail) => trainingRunFromJob(detail) }),
    // speed manifolds (model-spec §10): speedService.ts
    ...createSpeedHandlers({ jobs, projects }),
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** Map anything a handler throws to an envelope error code. */
export function errorToEnvelope(error: unknown): Envelope<never> {
  if (error instanceof GainLabError) return errorEnvelope(error.code, error.message);
  const candidate = error as { name?: string; category?: string; message?: string; code?: string };
  if (candidate?.name === 'ProjectFileError' && typeof candidate.category === 'string') {
    const code: ErrorCode = candidate.category === 'io' ? 'io' : candidate.category === 'not-found' ? 'not-found' : 'bad-file';
    return errorEnvelope(code, candidate.message ?? 'project file error');
  }
  if (typeof candidate?.code === 'string' && /^E[A-Z]+$/.test(candidate.code)) {
    return errorEnvelope(candidate.code === 'ENOENT' ? 'not-found' : candidate.code === 'EACCES' || candidate.code === 'EPERM' ? 'forbidden' : 'io', candidate.message ?? candidate.code);
  }
  if (error instanceof RangeError) return errorEnvelope('invalid-payload', error.message);
  const message = error instanceof Error ? error.message : String(error);
  return errorEnvelope('internal', message);
}

/**
 * Validate and run one request. Never throws: unknown channels and malformed payloads give
 * 'invalid-payload', handler errors their own code, anything unexpected 'internal'.
 */
export async function dispatch(handlers: HandlerTable, channel: unknown, payload: unknown): Promise<Envelope<unknown>> {
  if (!isInvokeChannel(channel)) {
    return errorEnvelope('invalid-payload', `Unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}.`);
  }
  const schema = invokeContract[channel].request as z.ZodType;
  const parsed = schema.safeParse(payload ?? {});
  if (!parsed.success) {
    return errorEnvelope('invalid-payload', `Invalid request for ${channel}: ${describeIssues(parsed.error)}`);
  }
  try {
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
    return okEnvelope(await handler(parsed.data));
  } catch (error) {
    return errorToEnvelope(error);
  }
}
