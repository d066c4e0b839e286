/**
 * Motor-primitive tasks (model-spec §9), run on main's interactive thread:
 *  - 'primitives-library': the outputs m_k of l gain patterns (and each one's error on its own
 *    target), i.e. library.ts `libraryFromPatterns`;
 *  - 'primitives-fit': the least-squares combination of a library for a novel target, the
 *    combined gains and the network's output with them (library.ts `evaluateCombination`).
 */
import type { NetworkPayload } from '../ipc/contract.js';
import { normalisedError } from '../model/dynamics.js';
import { baselineOutput, evaluateCombination, libraryFromPatterns, type PrimitiveLibrary } from '../primitives/library.js';
import { TaskError } from './context.js';
import { modelNetwork } from './training.js';

export interface PrimitivesLibraryTask {
  kind: 'primitives-library';
  /** The network with its initial condition 0 as x0. */
  network: NetworkPayload;
  /** l gain patterns, n each. */
  patterns: Float64Array[];
  /** The target each pattern was learned for (channel-major on the network's grid), or null when unknown. */
  targets: (Float64Array | null)[];
}

export interface PrimitivesLibraryResult {
  /** l × channels × nSamples, row k = m_k. */
  outputs: Float64Array;
  /** Error of pattern k's output on its own target (NaN when the target is unknown). */
  errors: number[];
  channels: number;
  nSamples: number;
}

export interface PrimitivesFitTask {
  kind: 'primitives-fit';
  network: NetworkPayload;
  /** l × n and l × channels × nSamples (the project record's arrays). */
  gains: Float64Array;
  outputs: Float64Array;
  size: number;
  target: Float64Array;
  /** How the coefficients are chosen (contract primitivesFitRequestSchema); ridge: δ of 'ridge'. */
  combination: 'bounded-coefficients' | 'least-squares' | 'ridge';
  ridge: number;
}

export interface PrimitivesFitResult {
  coefficients: Float64Array;
  ridge: number;
  coefficientSum: number;
  fit: Float64Array;
  fitError: number;
  gains: Float64Array;
  output: Float64Array;
  outputError: number;
  baseline: Float64Array;
  baselineError: number;
}

export type PrimitivesTask = PrimitivesLibraryTask | PrimitivesFitTask;

export function runPrimitivesLibrary(task: PrimitivesLibraryTask): PrimitivesLibraryResult {
  const network = modelNetwork(task.network);
  const params = task.network.params;
  const channels = network.readout.channels;
  const length = channels * params.nSamples;
  for (const [k, g] of task.patterns.entries()) {
    if (g.length !== network.n) throw new TaskError('invalid-payload', `pattern ${k + 1} has ${g.length} gains; the network has n = ${network.n}`);
  }
  for (const [k, t] of task.targets.entries()) {
    if (t && t.length !== length) throw new TaskError('invalid-payload', `the target of pattern ${k + 1} has ${t.length} values; the network's grid needs ${channels} × ${params.nSamples}`);
  }
  const library = libraryFromPatterns(network, params, task.patterns);
  const errors = task.targets.map((target, k) =>
    target ? normalisedError(library.outputs.subarray(k * length, (k + 1) * length), target, channels, params.nSamples) : NaN,
  );
  return { outputs: library.outputs, errors, channels, nSamples: params.nSamples };
}

export function runPrimitivesFit(task: PrimitivesFitTask): PrimitivesFitResult {
  const network = modelNetwork(task.network);
  const params = task.network.params;
  const channels = network.readout.channels;
  const length = channels * params.nSamples;
  const { size } = task;
  if (task.gains.length !== size * network.n) throw new TaskError('invalid-payload', `the library has ${task.gains.length / Math.max(size, 1)} gains per pattern; the network has n = ${network.n}`);
  if (task.outputs.length !== size * length) {
    throw new TaskError('invalid-payload', `the library's outputs are not on the network's grid (${channels} channel(s) × ${params.nSamples} samples)`);
  }
  if (task.target.length !== length) throw new TaskError('invalid-payload', `the target has ${task.target.length} values; the library needs ${channels} × ${params.nSamples}`);
  const library: PrimitiveLibrary = {
    size,
    n: network.n,
    channels,
    nSamples: params.nSamples,
    gains: task.gains,
    outputs: task.outputs,
    targets: new Float64Array(size * length),
    errors: new Float64Array(size).fill(NaN),
  };
  const baseline = baselineOutput(network, params);
  const fitOptions = task.combination === 'ridge' ? { ridge: task.ridge } : { rule: task.combination };
  const combination = evaluateCombination(network, params, library, baseline, task.target, undefined, fitOptions);
  return {
    coefficients: combination.coefficients,
    ridge: combination.ridge,
    coefficientSum: combination.coefficientSum,
    fit: combination.fit,
    fitError: combination.fitError,
    gains: combination.gains,
    output: combination.output,
    outputError: combination.outputError,
    baseline,
    baselineError: normalisedError(baseline, task.target, channels, params.nSamples),
  };
}

export function runPrimitivesTask(task: PrimitivesTask): PrimitivesLibraryResult | PrimitivesFitResult {
  try {
    return task.kind === 'primitives-library' ? runPrimitivesLibrary(task) : runPrimitivesFit(task);
  } catch (error) {
    // a shape problem the library code finds is the request's fault, not a crash
    if (error instanceof RangeError) throw new TaskError('invalid-payload', error.message);
    throw error;
  }
}
