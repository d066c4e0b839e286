/**
 * Short computations the app runs on demand (on main's interactive thread): one simulation of a
 * network with given gains (the output and, on request, the rates), and making a built W usable
 * (Gramian initial conditions, model-spec §3, and an NNLS readout fit with gains 1, §2).
 */
import type { NetworkPayload, SimulateResponse, TargetPayload } from '../ipc/contract.js';
import { Simulator, computeOutput, normalisedError } from '../model/dynamics.js';
import { prepareNetwork } from '../model/prepare.js';
import { targetSpread } from '../model/targets.js';
import { TaskError } from './context.js';
import { modelNetwork, paramsForTarget } from './training.js';

/** The largest rate matrix a simulation returns (n × samples floats): beyond it, refused up front. */
export const MAX_SIMULATED_RATES = 25_000_000;

export interface SimulationInput {
  network: NetworkPayload;
  gains: Float64Array | null;
  target: TargetPayload | null;
  includeRates: boolean;
}

/**
 * Why a simulation's output or error cannot be shown, in one line naming `subject` (the network),
 * or null. An output that is not finite means W, x0 or the readout weights are too large for the
 * dynamics; a finite output whose error against a varying target is not finite is too far from it
 * to square. Used by the app's simulations (below) and gainlab simulate.
 */
export function simulationProblem(output: Float64Array, nSamples: number, error: number | null, subject: string): string | null {
  const bad = output.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    return `the output of ${subject} is ${output[bad]} at sample ${bad % nSamples} of channel ${Math.floor(bad / nSamples) + 1}: its W, x0 or readout weights are too large for the dynamics`;
  }
  if (error !== null && !Number.isFinite(error)) {
    return `the error of ${subject} against the target is ${error}: the output (m(0) = ${output[0].toPrecision(6)}) is too far from the target to square; its weights are too large`;
  }
  return null;
}

export function runSimulationTask(input: SimulationInput): SimulateResponse {
  const started = Date.now();
  const network = input.network;
  const n = network.n;
  const gains = input.gains ?? new Float64Array(n).fill(1);
  if (gains.length !== n) throw new TaskError('invalid-payload', `gains has ${gains.length} values for ${n} neurons`);
  // a slow-variant target runs the network for its longer duration with the same step (§8)
  const params = input.target ? paramsForTarget(network, input.target) : network.params;
  if (n * params.nSamples > MAX_SIMULATED_RATES) {
    throw new TaskError(
      'invalid-payload',
      `a simulation of ${n} neurons over ${params.nSamples} samples (${(n * params.nSamples).toExponential(2)} rates) is larger than GainLab simulates at once (${MAX_SIMULATED_RATES.toExponential(1)} rates); use fewer samples`,
    );
  }
  const simulator = new Simulator(modelNetwork(network), params);
  let rates: Float64Array;
  try {
    rates = simulator.run(gains).rates;
  } finally {
    simulator.dispose();
  }
  const channels = network.readout.channels;
  const output = computeOutput(rates, params.nSamples, n, network.nE, network.readout);
  let error = input.target ? normalisedError(output, input.target.values, channels, params.nSamples) : null;
  if (error !== null && !Number.isFinite(error) && input.target) {
    // the error is relative to the target's spread: none for a target that does not vary (a flat
    // drawn line); the output is still worth showing, without an error (training refuses it)
    const spread = targetSpread(input.target.values, channels, params.nSamples);
    if (!(spread > 0 && Number.isFinite(spread))) error = null;
  }
  const problem = simulationProblem(output, params.nSamples, error, `network "${network.name}"`);
  if (problem) throw new TaskError('invalid-payload', problem);
  return {
    channels,
    nSamples: params.nSamples,
    output,
    rates: input.includeRates ? new Float64Array(rates) : null,
    error,
    durationMs: Date.now() - started,
  };
}

export interface PrepareNetworkInput {
  W: Float64Array;
  n: number;
  nE: number;
  initialConditions: number;
  params: NetworkPayload['params'];
  /** Channel-major target to fit the readout to, or null for no readout. */
  fitTarget: { channels: number; values: Float64Array } | null;
}

export interface PreparedNetwork {
  /** m × n, row k = initial condition k. */
  initialConditions: Float64Array;
  readout: { channels: number; weights: Float64Array; fitError: number } | null;
}

export function prepareNetworkTask(input: PrepareNetworkInput): PreparedNetwork {
  const { W, n, nE, params } = input;
  if (input.fitTarget && input.fitTarget.values.length !== input.fitTarget.channels * params.nSamples) {
    throw new TaskError('invalid-payload', `the target has ${input.fitTarget.values.length} values; the network's grid needs ${input.fitTarget.channels} × ${params.nSamples}`);
  }
  const prepared = prepareNetwork(W, n, nE, input.initialConditions, params, input.fitTarget);
  const readout = prepared.readout;
  return { initialConditions: prepared.initialConditions, readout: readout ? { channels: readout.channels, weights: readout.weights, fitError: readout.fitError } : null };
}
