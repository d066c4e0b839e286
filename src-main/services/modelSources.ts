/**
 * Turning ids of the open project into model data for jobs and simulations.
 */
import { GainLabError, type ModelSource, type NetworkPayload, type TargetPayload } from '../../src-shared/ipc/contract.js';
import type { Project, ProjectNetwork, TargetMovement } from '../../src-shared/project/schema.js';
import { initialConditionOf, networkPayloadOf, NetworkViewError } from '../../src-shared/project/modelViews.js';
import type { ResolvedSource } from './jobManager.js';

export function findNetwork(project: Project, networkId: string): ProjectNetwork {
  const network = project.networks.find((n) => n.id === networkId);
  if (!network) throw new GainLabError('not-found', `The project has no network "${networkId}".`);
  return network;
}

export function findTarget(project: Project, targetId: string): TargetMovement {
  const target = project.targets.find((t) => t.id === targetId);
  if (!target) throw new GainLabError('not-found', `The project has no target movement "${targetId}".`);
  return target;
}

/** Main's errors for a network view that cannot be made (the renderer shows the message). */
function viewed<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof NetworkViewError) throw new GainLabError(error.code === 'no-readout' ? 'invalid-payload' : 'not-found', error.message);
    throw error;
  }
}

export function initialCondition(network: ProjectNetwork, index: number): Float64Array {
  return viewed(() => initialConditionOf(network, index));
}

/** The model view of a project network, starting from initial condition `index`. */
export function networkPayload(network: ProjectNetwork, index = 0): NetworkPayload {
  return viewed(() => networkPayloadOf(network, index));
}

export function targetPayload(target: TargetMovement): TargetPayload {
  return {
    id: target.id,
    name: target.name,
    channels: target.channels,
    nSamples: target.nSamples,
    duration: target.duration,
    values: target.values,
    origin: target.source.kind,
  };
}

export function resolveSource(project: Project | null, source: ModelSource): ResolvedSource {
  if (source.kind === 'inline') return { network: source.network, targets: source.targets };
  if (!project) throw new GainLabError('not-found', 'No project is open.');
  const network = findNetwork(project, source.networkId);
  const targets = source.targetIds.map((id) => targetPayload(findTarget(project, id)));
  const indices = source.initialConditionIndices ?? targets.map(() => 0);
  if (indices.length !== targets.length) {
    throw new GainLabError('invalid-payload', `${targets.length} target(s) but ${indices.length} initial-condition indices.`);
  }
  return {
    network: networkPayload(network, indices[0]),
    targets,
    initialConditions: indices.map((index) => initialCondition(network, index)),
  };
}
