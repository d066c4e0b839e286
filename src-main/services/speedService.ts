/**
 * Speed manifolds (model-spec §10) between the open project and the job manager: the network a
 * speed job runs on, and a finished (or cancelled) speed job as a project record.
 */
import { GainLabError, type NetworkPayload, type SpeedOptions } from '../../src-shared/ipc/contract.js';
import type { Project, SpeedManifold } from '../../src-shared/project/schema.js';
import type { HandlerTable } from './handlers.js';
import type { JobManager } from './jobManager.js';
import type { ProjectsApi } from './projectsApi.js';
import { findNetwork, networkPayload } from './modelSources.js';

export function resolveSpeedNetwork(project: Project, networkId: string): { network: NetworkPayload; initialConditions: Float64Array } {
  const network = findNetwork(project, networkId);
  return { network: networkPayload(network, 0), initialConditions: network.initialConditions };
}

/** A finished or cancelled speed job as a project speed manifold (its id is the job id). */
export function speedManifoldFromJob(detail: ReturnType<JobManager['get']>, name?: string): SpeedManifold {
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
  };
}

/** The speed channels' handlers (spread into the handler table). */
export function createSpeedHandlers(services: { jobs: JobManager; projects: ProjectsApi }): Pick<HandlerTable, 'jobs:start-speed' | 'speed:store-manifold' | 'speed:remove-manifold'> {
  const { jobs, projects } = services;
  return {
    'jobs:start-speed': async (request) => {
      const resolved = resolveSpeedNetwork(projects.project(), request.networkId);
      return jobs.startSpeed(request, resolved);
    },
    'speed:store-manifold': async ({ jobId, name }) => {
      const manifold = speedManifoldFromJob(jobs.get(jobId), name);
      findNetwork(projects.project(), manifold.networkId);
      const project = await projects.update({ upsertSpeedManifolds: [manifold] });
      return { manifoldId: manifold.id, project };
    },
    'speed:remove-manifold': async ({ manifoldId }) => {
      if (!projects.project().speedManifolds.some((m) => m.id === manifoldId)) {
        throw new GainLabError('not-found', `The project has no speed manifold "${manifoldId}".`);
      }
      return projects.update({ removeSpeedManifoldIds: [manifoldId] });
    },
  };
}
