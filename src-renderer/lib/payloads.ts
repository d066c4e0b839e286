/**
 * Project pieces → the inline payloads of simulate:run and jobs:start-training. Sending the data
 * itself (not ids) makes a job independent of later edits to the project and records exactly
 * what was trained on.
 */
import type { NetworkPayload, TargetPayload } from '../../src-shared/ipc/contract.js';
import { networkForModel, type ProjectNetwork, type TargetMovement } from '../../src-shared/project/schema.js';

/** null when the network cannot produce an output yet (no readout fitted). */
export function networkPayloadOf(network: ProjectNetwork, initialConditionIndex = 0): NetworkPayload | null {
  if (!network.readout) return null;
  const model = networkForModel(network, initialConditionIndex);
  return {
    id: network.id,
    name: network.name,
    n: model.n,
    nE: model.nE,
    W: model.W,
    x0: model.x0,
    readout: model.readout,
    params: { ...network.params },
  };
}

export function targetPayloadOf(target: TargetMovement): TargetPayload {
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
