/**
 * Network preparation (model-spec §3 and §2's readout): the m initial conditions (top-m
 * eigenvectors of the observability Gramian) and the NNLS readout fitted to a movement from the
 * network's rates at rest (all gains 1, from initial condition 0). One implementation for the
 * app's "prepare network" task, `gainlab fit-readout`, the sweeps' SOC networks, the experiments'
 * own networks, the slow-task movements and the example project (issue 11: it existed five times).
 * The rates come from the fast simulator (bit-identical across kernels; within 1e-12 of the
 * reference path).
 */
import { computeOutput, normalisedError, Simulator } from './dynamics.js';
import { initialConditions } from './gramian.js';
import type { Network } from './network.js';
import type { DynamicsParams } from './params.js';
import { fitReadout } from './readoutFit.js';

export interface FittedReadout {
  channels: number;
  /** channels × (1 + nE), offset first. */
  weights: Float64Array;
  /** Normalised error of the fitted output against the movement. */
  fitError: number;
  /** The fitted output (channel-major). */
  output: Float64Array;
}

/** NNLS readout fitted to `target` (channel-major, `channels` × nSamples) from the rates with gains 1 from network.x0. */
export function fitReadoutAtRest(network: Pick<Network, 'n' | 'nE' | 'W' | 'x0'>, params: DynamicsParams, target: Float64Array, channels: number): FittedReadout {
  const { n, nE } = network;
  const placeholder = { channels, weights: new Float64Array(channels * (1 + nE)) };
  const simulator = new Simulator({ n, nE, W: network.W, x0: new Float64Array(network.x0), readout: placeholder }, params);
  let rates: Float64Array;
  try {
    rates = simulator.run(new Float64Array(n).fill(1)).rates;
  } finally {
    simulator.dispose();
  }
  const fit = fitReadout(rates, params.nSamples, n, nE, target, channels);
  const output = computeOutput(rates, params.nSamples, n, nE, fit);
  return { channels, weights: fit.weights, fitError: normalisedError(output, target, channels, params.nSamples), output };
}

export interface PreparedConditions {
  /** m × n, row k = initial condition k. */
  initialConditions: Float64Array;
  /** The readout fitted from initial condition 0, or null when no movement was given. */
  readout: FittedReadout | null;
}

/** m Gramian initial conditions of W and, when a movement is given, the readout fitted to it from the first. */
export function prepareNetwork(
  W: Float64Array,
  n: number,
  nE: number,
  m: number,
  params: DynamicsParams,
  fitTarget: { channels: number; values: Float64Array } | null,
): PreparedConditions {
  const x0s = initialConditions(W, n, m, nE);
  if (!fitTarget) return { initialConditions: x0s, readout: null };
  return { initialConditions: x0s, readout: fitReadoutAtRest({ n, nE, W, x0: x0s.subarray(0, n) }, params, fitTarget.values, fitTarget.channels) };
}
