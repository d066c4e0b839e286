/**
 * Turning ids of the open project into model data for jobs and simulations.
 */
import { GainLabError, type ModelSource, type NetworkPayload, type TargetPayload } from '../../src-shared/ipc/contract.js';
import type { Project, ProjectNetwork, TargetMovement } from '../../src-shared/project/schema.js';
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

export function initialCondition(network: ProjectNetwork, index: number): Float64Array {
  if (index < 0 || index >= network.nInitialConditions) {
    throw new GainLabError('not-found', `Network "${network.name}" has ${network.nInitialConditions} initial condition(s); there is no number ${index + 1}.`);
  }
  return network.initialConditions.slice(index * network.n, (index + 1) * network.n);
}

/** The model view of a project network, starting from initial condition `index`. */
export function networkPayload(network: ProjectNetwork, index = 0): NetworkPayload {
  if (!network.readout) {
    throw new GainLabError('invalid-payload', `Network "${network.name}" has no readout yet; fit one to a movement first.`);
  }
  return {
    id: network.id,
    name: network.name,
    n: network.n,
    nE: network.nE,
    W: network.W,
    x0: initialCondition(network, index),
    readout: { channels: network.readout.channels, weights: network.readout.weights },
    params: { ...network.params },
  };
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
