/**
 * Speed manifolds (model-spec §10) between the open project and the job manager: the network a
 * speed job runs on. The finished (or cancelled) job's manifold is stored by jobResults.ts.
 */
import type { NetworkPayload, ParsedRequestOf, ResponseOf } from '../../src-shared/ipc/contract.js';
import type { Project } from '../../src-shared/project/schema.js';
import type { JobManager, JobOwner } from './jobManager.js';
import type { ProjectsApi } from './projectsApi.js';
import { findNetwork, networkPayload } from './modelSources.js';

export function resolveSpeedNetwork(project: Project, networkId: string): { network: NetworkPayload; initialConditions: Float64Array } {
  const network = findNetwork(project, networkId);
  return { network: networkPayload(network, 0), initialConditions: network.initialConditions };
}

/** The speed channels' handlers (spread into the handler table). A finished manifold enters its project from main (jobResults.ts). */
export function createSpeedHandlers(services: { jobs: JobManager; projects: ProjectsApi; owner: () => JobOwner }): { 'jobs:start-speed': (request: ParsedRequestOf<'jobs:start-speed'>) => Promise<ResponseOf<'jobs:start-speed'>> } {
  const { jobs, projects } = services;
  return {
    'jobs:start-speed': async (request) => {
      const resolved = resolveSpeedNetwork(projects.project(), request.networkId);
      return jobs.startSpeed(request, resolved, services.owner());
    },
  };
}
