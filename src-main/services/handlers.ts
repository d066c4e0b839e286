/**
 * The handler table: one plain async function per invoke channel of the contract, built from
 * injected services. Electron (src-main/electron/ipc.ts) and the web server (src-main/web) both
 * carry this same table; `dispatch` is the only way in: it checks the channel is declared,
 * validates the payload with the channel's zod schema, runs the handler and turns every outcome
 * into an Envelope — it never throws.
 */
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
} from '../../src-shared/ipc/contract.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { dependentsOf, findItem, ITEM_NOUNS, type ItemRef } from '../../src-shared/project/edits.js';
import { describeZodIssues, PROJECT_FILE_EXTENSION, type ProjectNetwork } from '../../src-shared/project/schema.js';
import { projectFileStem } from '../../src-shared/project/fileName.js';
import type { JobManager, JobOwner } from './jobManager.js';
import { trainingRunFromJob } from './jobResults.js';
import { runRecipeArchive } from './runRecipes.js';
import { resolveTrainingGroups } from './trainingService.js';
import { findNetwork, findTarget, networkPayload, targetPayload } from './modelSources.js';
import { NETWORK_ROWS_MAX_BYTES } from '../../src-shared/ipc/contract.js';
import type { ProjectsApi } from './projectsApi.js';
import { createPrimitivesHandlers } from './primitivesService.js';
import { createSpeedHandlers } from './speedService.js';
import { describeIoError } from './ioErrors.js';
import { ensureSaveFolder, shownPath } from './pathSafety.js';
import { startExperimentJob } from './experimentJobs.js';
import { createSweepHandlers } from './sweepService.js';

/** Native dialogs (Electron only). Web mode has none: a path must come with the request. */
export interface Dialogs {
  pickOpenPath(): Promise<string | null>;
  /** `suggestedName`: a file-system-safe stem (project/fileName.ts), without the extension. */
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
  /** The single-file CLI a sweep's cluster export carries (out/cli/gainlab.mjs), if built. */
  cliBundleFile?: string | null;
  /** Cores the model threads share (the core budget), if any. */
  cores?: number;
}

export type Handler<C extends InvokeChannel> = (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
export type HandlerTable = { [C in InvokeChannel]: Handler<C> };

function requirePath(path: string | undefined | null, what: string): string {
  if (!path) throw new GainLabError('cancelled', `${what} cancelled.`);
  return path;
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

  /** A network from imported arrays: Gramian initial conditions computed in a worker when no x0 is given. */
  async function importedNetwork(spec: NonNullable<ParsedRequestOf<'project:update'>['importNetwork']>): Promise<ProjectNetwork> {
    const nE = spec.n / 2;
    const params = { ...DEFAULT_DYNAMICS };
    const initial = spec.x0
      ? { initialConditions: Float64Array.from(spec.x0), m: 1 }
      : { initialConditions: (await jobs.prepareNetwork({ W: spec.W, n: spec.n, nE, initialConditions: spec.initialConditions, params, fitTarget: null })).initialConditions, m: spec.initialConditions };
    return {
      id: `imported-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`,
      name: spec.name,
      n: spec.n,
      nE,
      W: spec.W,
      initialConditions: initial.initialConditions,
      nInitialConditions: initial.m,
      readout: spec.readout ? { channels: spec.readout.channels, weights: spec.readout.weights, fittedTo: null, fitError: null } : null,
      params,
      seed: null,
      soc: null,
      origin: spec.origin,
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

  /** The open project as a job's owner: its result is delivered there when the job finishes. */
  const owner = (): JobOwner => {
    const project = projects.project();
    return { projectId: project.id, projectName: project.name };
  };

  /** Running jobs of the open project that use any of these items (their removal is refused). */
  function jobsUsing(items: readonly ItemRef[]): { jobId: string; label: string }[] {
    const project = projects.project();
    const networkIds = new Set(items.filter((i) => i.collection === 'networks').map((i) => i.id));
    const targetIds = new Set(items.filter((i) => i.collection === 'targets').map((i) => i.id));
    const users: { jobId: string; label: string }[] = [];
    for (const job of jobs.unfinished()) {
      if (job.projectId !== project.id) continue;
      const request = jobs.get(job.jobId).request as { source?: { kind: string; networkId?: string; targetIds?: string[] }; networkId?: string };
      const networkId = request.source?.kind === 'project' ? request.source.networkId : request.networkId;
      const usesTarget = request.source?.kind === 'project' && (request.source.targetIds ?? []).some((t) => targetIds.has(t));
      if ((networkId !== undefined && networkIds.has(networkId)) || usesTarget) users.push({ jobId: job.jobId, label: job.label });
    }
    return users;
  }

  function named(refs: readonly ItemRef[]) {
    const project = projects.project();
    return refs.map((ref) => {
      const item = findItem(project, ref.collection, ref.id) as { name?: string } | undefined;
      if (!item) throw new GainLabError('not-found', `The project has no ${ITEM_NOUNS[ref.collection]} "${ref.id}".`);
      return { ...ref, name: item.name || ref.id };
    });
  }

  function requireItem<T>(item: T | undefined, what: string, id: string): T {
    if (!item) throw new GainLabError('not-found', `The project has no ${what} "${id}".`);
    return item;
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
    'jobs:start-training': async (request) => {
      // a run started in a project belongs to it; inline data belongs to no project (tests, tools)
      const groups = resolveTrainingGroups(projects.project(), request);
      return jobs.startTraining(request, request.source.kind === 'project' ? owner() : null, groups);
    },
    'jobs:start-soc': (request) => jobs.startSoc(request, owner()),
    // a paper experiment definition as a job (experimentJobs.ts)
    'jobs:start-experiment': (request) => startExperimentJob(jobs, projects.project(), request, owner()),
    'jobs:cancel': async ({ jobId, session }) => jobs.cancel(jobId, session),
    'jobs:list': async () => jobs.list(),
    'jobs:get': async ({ jobId }) => jobs.get(jobId),
    'jobs:remove': async ({ jobId }) => jobs.remove(jobId),
    'jobs:clear-finished': async ({ projectId }) => jobs.clearFinished(projectId),
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
      return projects.saveAs(requirePath(await dialogs.pickSavePath(projectFileStem(current.name)), 'Saving'));
    },
    'project:saveAs': async ({ path }) => {
      const chosen = path ?? (dialogs ? await dialogs.pickSavePath(projectFileStem(projects.current().name)) : null);
      if (!chosen && !dialogs) throw new GainLabError('invalid-payload', 'Give the path to save the project to, or export it.');
      const target = requirePath(chosen, 'Saving');
      // a typed path (web mode) may name a folder that does not exist yet, e.g. the suggested ~/GainLab:
      // created only below an existing, writable folder (never through /proc, /sys or /dev)
      if (path) await ensureSaveFolder(target);
      return projects.saveAs(target);
    },
    'project:recent': () => projects.recent(),
    'project:suggestPath': async () => {
      const current = projects.current();
      if (current.path) return { path: current.path };
      const fileName = `${projectFileStem(current.name)}${PROJECT_FILE_EXTENSION}`;
      const recent = await projects.recent().catch(() => []);
      const dir = process.env.GAINLAB_PROJECTS_DIR ?? (recent[0] ? nodePath.dirname(recent[0].path) : nodePath.join(os.homedir(), 'GainLab'));
      return { path: nodePath.join(dir, fileName) };
    },
    'project:recover': ({ restore, key }) => projects.recover(restore, key),
    'project:discard-recovery': ({ key }) => projects.discardRecovery(key),
    'project:current': async () => projects.current(),
    'project:update': async (request) => {
      const { addNetworkFromJob, prepareNetwork, importNetwork, ...changes } = request;
      const upsertNetworks = [...(changes.upsertNetworks ?? [])];
      let label = 'Edit the project';
      if (changes.name !== undefined) label = 'Rename the project';
      else if (changes.notes !== undefined) label = 'Edit the project notes';
      else if (changes.upsertTargets?.length === 1) label = `Save target “${changes.upsertTargets[0].name}”`;
      else if (upsertNetworks.length === 1) label = `Add network “${upsertNetworks[0].name}”`;
      if (addNetworkFromJob) {
        const network = await networkFromSocJob(addNetworkFromJob);
        upsertNetworks.push(network);
        label = `Add network “${network.name}”`;
      }
      if (importNetwork) {
        const network = await importedNetwork(importNetwork);
        upsertNetworks.push(network);
        label = `Import network “${network.name}”`;
      }
      if (prepareNetwork) {
        const network = await preparedNetwork(prepareNetwork);
        upsertNetworks.push(network);
        label = `Prepare network “${network.name}”`;
      }
      return projects.update({ ...changes, upsertNetworks }, label);
    },
    'project:import': ({ fileName, bytes }) => projects.importBytes(fileName, bytes),
    'project:export': () => projects.exportBytes(),
    'project:network': async ({ networkId, withoutWeights }) => {
      const network = findNetwork(projects.project(), networkId);
      return withoutWeights ? { ...network, W: new Float64Array(0) } : network;
    },
    'project:network-rows': async ({ networkId, from, to }) => {
      const { n, W } = findNetwork(projects.project(), networkId);
      if (!(from < to && to <= n)) throw new GainLabError('invalid-payload', `Rows ${from} to ${to} are not a row range of W (N = ${n}): need 0 ≤ from < to ≤ ${n}.`);
      if ((to - from) * n * 8 > NETWORK_ROWS_MAX_BYTES) {
        throw new GainLabError('invalid-payload', `Rows ${from} to ${to} of W are ${((to - from) * n * 8) / 2 ** 20} MB; ask for at most ${NETWORK_ROWS_MAX_BYTES / 2 ** 20} MB at a time.`);
      }
      return { n, from, to, values: W.slice(from * n, to * n) };
    },
    'project:run': async ({ runId }) => requireItem(findItem(projects.project(), 'runs', runId), 'run', runId),
    'project:library': async ({ libraryId }) => requireItem(findItem(projects.project(), 'primitiveLibraries', libraryId), 'primitive library', libraryId),
    'project:result': async ({ resultId }) => requireItem(findItem(projects.project(), 'experimentResults', resultId), 'experiment result', resultId),
    'project:edit-item': async ({ item, name, notes }) => {
      const [ref] = named([item]);
      const current = findItem(projects.project(), item.collection, item.id)!;
      if (name === undefined && notes === undefined) return projects.current();
      if (item.collection === 'targets' && notes !== undefined) throw new GainLabError('invalid-payload', 'Targets have no notes.');
      if (item.collection === 'networks' && notes !== undefined) throw new GainLabError('invalid-payload', 'Networks have no notes.');
      const updated = { ...current, ...(name !== undefined ? { name } : {}), ...(notes !== undefined ? { notes } : {}) };
      const key = { networks: 'upsertNetworks', targets: 'upsertTargets', runs: 'addRuns', primitiveLibraries: 'upsertPrimitiveLibraries', speedManifolds: 'upsertSpeedManifolds', experimentResults: 'upsertExperimentResults' }[item.collection];
      const label = name !== undefined ? `Rename ${ITEM_NOUNS[item.collection]} “${ref.name}”` : `Edit the notes of ${ITEM_NOUNS[item.collection]} “${ref.name}”`;
      return projects.update({ [key]: [updated] }, label);
    },
    'project:dependents': async ({ items }) => ({
      items: named(items),
      dependents: named(dependentsOf(projects.project(), items)),
      runningJobs: jobsUsing(items),
    }),
    'project:remove-items': async ({ items, withDependents }) => {
      named(items); // not-found for an unknown id
      const all = [...items, ...dependentsOf(projects.project(), items)];
      const users = jobsUsing(all);
      if (users.length > 0) {
        throw new GainLabError('forbidden', `“${users[0].label}”${users.length > 1 ? ` and ${users.length - 1} more job(s)` : ''} still use${users.length > 1 ? '' : 's'} it; cancel ${users.length > 1 ? 'them' : 'it'} or let ${users.length > 1 ? 'them' : 'it'} finish first.`);
      }
      return projects.removeItems(items, withDependents);
    },
    'project:undo': () => projects.undo(),
    'project:redo': () => projects.redo(),
    'project:pending': ({ action }) => projects.pending(action),
    'runs:recipe': async ({ runId }) => runRecipeArchive(projects.project(), runId, services.version),
    // motor primitives (model-spec §9): primitivesService.ts
    ...createPrimitivesHandlers({ jobs, projects, owner }),
    // speed manifolds (model-spec §10): speedService.ts
    ...createSpeedHandlers({ jobs, projects, owner }),
    // parameter sweeps (the Sweeps view): sweepService.ts
    ...createSweepHandlers({ jobs, projects, owner, version: services.version, cliBundleFile: services.cliBundleFile ?? null, cores: services.cores }),
  };
}

/** The first issues, field by field (upsertNetworks.0.W: …), on one line of bounded length. */
function describeIssues(error: z.ZodError): string {
  return describeZodIssues(error.issues, 3, (path) => path.map(String).join('.'));
}

/** The longest message of an error envelope: a last bound behind the services' own wording. */
export const MAX_ERROR_MESSAGE_CHARS = 1000;

/** One line of at most MAX_ERROR_MESSAGE_CHARS (line breaks become spaces). */
function oneLine(message: string): string {
  const line = message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return line.length > MAX_ERROR_MESSAGE_CHARS ? `${line.slice(0, MAX_ERROR_MESSAGE_CHARS - 1)}…` : line;
}

/** Map anything a handler throws to an envelope error code, with one bounded line. */
export function errorToEnvelope(error: unknown): Envelope<never> {
  if (error instanceof GainLabError) return errorEnvelope(error.code, oneLine(error.message));
  const candidate = error as { name?: string; category?: string; message?: string; code?: string; path?: unknown };
  if (candidate?.name === 'ProjectFileError' && typeof candidate.category === 'string') {
    const code: ErrorCode = candidate.category === 'io' ? 'io' : candidate.category === 'not-found' ? 'not-found' : 'bad-file';
    return errorEnvelope(code, oneLine(candidate.message ?? 'project file error'));
  }
  if (typeof candidate?.code === 'string' && /^E[A-Z]+$/.test(candidate.code)) {
    // a file-system error no service worded: the reason in words and the path's end, not Node's
    // "ENOENT: no such file or directory, stat '<the whole path>'"
    const where = typeof candidate.path === 'string' ? `${shownPath(candidate.path, 120)}: ` : '';
    return errorEnvelope(candidate.code === 'ENOENT' ? 'not-found' : candidate.code === 'EACCES' || candidate.code === 'EPERM' ? 'forbidden' : 'io', oneLine(`${where}${describeIoError(error)}`));
  }
  if (error instanceof RangeError) return errorEnvelope('invalid-payload', oneLine(error.message));
  const message = error instanceof Error ? error.message : String(error);
  return errorEnvelope('internal', oneLine(message));
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
