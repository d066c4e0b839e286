/**
 * A project network as the model and the jobs take it. One place slices initial condition k out of
 * the stored m × n matrix and copies the readout and parameters: main's model sources, the sweeps,
 * the renderer's analyses and speed views all call these (issue 11: the slicing existed five times).
 */
import type { NetworkPayload } from '../ipc/contract.js';
import type { Network } from '../model/network.js';
import type { ProjectNetwork } from './schema.js';

/** Why a project network cannot be used as asked; `code` lets main map it to its error codes. */
export class NetworkViewError extends Error {
  constructor(
    readonly code: 'no-readout' | 'no-initial-condition',
    message: string,
  ) {
    super(message);
    this.name = 'NetworkViewError';
  }
}

type StoredNetwork = Pick<ProjectNetwork, 'name' | 'n' | 'nE' | 'W' | 'initialConditions' | 'nInitialConditions' | 'readout'>;

/** Initial condition `index` (a copy of row `index` of the stored m × n matrix). */
export function initialConditionOf(network: StoredNetwork, index = 0): Float64Array {
  if (!Number.isInteger(index) || index < 0 || index >= network.nInitialConditions) {
    throw new NetworkViewError('no-initial-condition', `Network "${network.name}" has ${network.nInitialConditions} initial condition(s); there is no number ${index + 1}.`);
  }
  return network.initialConditions.slice(index * network.n, (index + 1) * network.n);
}

/** The model's Network (model/network.ts) from initial condition `index`; a network without a readout gets a zero readout. */
export function networkForModel(network: StoredNetwork, index = 0): Network {
  const readout = network.readout
    ? { channels: network.readout.channels, weights: network.readout.weights }
    : { channels: 1, weights: new Float64Array(1 + network.nE) };
  return { n: network.n, nE: network.nE, W: network.W, x0: initialConditionOf(network, index), readout };
}

/** The jobs' view of a project network (ipc NetworkPayload) from initial condition `index`; it needs a readout. */
export function networkPayloadOf(network: StoredNetwork & Pick<ProjectNetwork, 'id' | 'params'>, index = 0): NetworkPayload {
  if (!network.readout) throw new NetworkViewError('no-readout', `Network "${network.name}" has no readout yet; fit one to a movement first.`);
  return {
    id: network.id,
    name: network.name,
    n: network.n,
    nE: network.nE,
    W: network.W,
    x0: initialConditionOf(network, index),
    readout: { channels: network.readout.channels, weights: network.readout.weights },
    params: { ...network.params },
  };
}
