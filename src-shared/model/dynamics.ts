/**
 * Rate dynamics (model-spec §1–2): integration, readout and error.
 *
 *   τ dx/dt = F(x) := −x + W f(x; g),   x(0) = x0,   no input.
 *
 * Integrator (the exact sequence the reference path performs and the gradient adjoint unrolls),
 * with h = T/(n−1) and one step per grid interval, for k = 0..n−2:
 *   k1 = F(x_k)/τ                (computed as F·(1/τ))
 *   k2 = F(x_k + (h/2)·k1)/τ
 *   k3 = F(x_k + (h/2)·k2)/τ
 *   k4 = F(x_k + h·k3)/τ
 *   x_{k+1} = x_k + (h/6)·(k1 + 2·k2 + 2·k3 + k4)
 * States and rates are stored time-major: states[k * n + i] = x_i(t_k), rates[k * n + i] = f(x_i(t_k); g_i).
 *
 * simulateReference is the plain float64 path (dense matrix-vector products summed j = 0..n−1,
 * Math.tanh) that every fast kernel (./kernels) is tested against. Simulator and TrialEvaluator use
 * a fast kernel chosen by name (default: see DEFAULT_KERNEL in ./kernels/index.js).
 */
import type { Network, Readout } from './network.js';
import { validateNetwork } from './network.js';
import type { DynamicsParams } from './params.js';
import { validateDynamicsParams } from './params.js';
import { createKernel, DEFAULT_KERNEL, resolveKernelName, type KernelName, type KernelOptions, type TrialKernel } from './kernels/index.js';
import type { SimulationResult } from './kernels/reference.js';
import type { ThreadSchedule } from './kernels/threads.js';

// The reference integrator lives beside the fast kernels (no import cycle); this is its public home.
export { simulateReference, type SimulationResult } from './kernels/reference.js';
export { DEFAULT_KERNEL, KERNEL_NAMES, resolveKernelName, type KernelName, type KernelOptions } from './kernels/index.js';

/**
 * Readout (model-spec §2): output[c * nSamples + k] = b_c + Σ_{i<nE} β_{c,i} · rates[k * n + i].
 * Channel-major output; allocates only when `out` is not given.
 */
export function computeOutput(
  rates: Float64Array,
  nSamples: number,
  n: number,
  nE: number,
  readout: Readout,
  out?: Float64Array,
): Float64Array {
  const channels = readout.channels;
  const output = out ?? new Float64Array(channels * nSamples);
  const w = readout.weights;
  const stride = 1 + nE;
  for (let c = 0; c < channels; c++) {
    const base = c * stride;
    const offset = w[base];
    for (let k = 0; k < nSamples; k++) {
      const row = k * n;
      let sum = 0;
      for (let i = 0; i < nE; i++) sum += w[base + 1 + i] * rates[row + i];
      output[c * nSamples + k] = offset + sum;
    }
  }
  return output;
}

/**
 * E = Σ_c Σ_k (m − m*)² / Σ_c Σ_k (m* − mean_k m*_c)²  (model-spec §2; channels summed,
 * each channel's target centred on its own mean). Both arrays channel-major.
 */
export function normalisedError(output: Float64Array, target: Float64Array, channels: number, nSamples: number): number {
  let numerator = 0;
  let denominator = 0;
  for (let c = 0; c < channels; c++) {
    const base = c * nSamples;
    let mean = 0;
    for (let k = 0; k < nSamples; k++) mean += target[base + k];
    mean /= nSamples;
    for (let k = 0; k < nSamples; k++) {
      const d = output[base + k] - target[base + k];
      numerator += d * d;
      const v = target[base + k] - mean;
      denominator += v * v;
    }
  }
  return numerator / denominator;
}

export interface SimulatorOptions extends KernelOptions {
  /** Which kernel integrates the dynamics (default DEFAULT_KERNEL). */
  kernel?: KernelName;
}

function checkInputs(network: Network, params: DynamicsParams): void {
  const networkProblem = validateNetwork(network);
  if (networkProblem) throw new RangeError(`invalid network: ${networkProblem}`);
  const paramsProblem = validateDynamicsParams(params);
  if (paramsProblem) throw new RangeError(`invalid dynamics parameters: ${paramsProblem}`);
}

/**
 * One network, preallocated buffers, a fast kernel. `run` integrates one trial and leaves the
 * result in `states`/`rates` (owned by the simulator, overwritten by the next run) or copies it
 * into caller buffers.
 */
export class Simulator {
  readonly network: Network;
  readonly params: DynamicsParams;
  readonly n: number;
  readonly nSamples: number;
  readonly kernelName: KernelName;
  /** nSamples × n time-major; valid after run(). */
  readonly states: Float64Array;
  /** nSamples × n time-major; valid after run(). */
  readonly rates: Float64Array;
  private readonly kernel: TrialKernel;

  constructor(network: Network, params: DynamicsParams, options: SimulatorOptions = {}) {
    checkInputs(network, params);
    this.network = network;
    this.params = { ...params };
    this.n = network.n;
    this.nSamples = params.nSamples;
    this.kernelName = resolveKernelName(options.kernel ?? DEFAULT_KERNEL, network, options);
    this.kernel = createKernel(this.kernelName, network, this.params, options);
    this.states = new Float64Array(this.nSamples * this.n);
    this.rates = new Float64Array(this.nSamples * this.n);
  }

  /** Integrate from x0 (default network.x0) with the given gains. */
  run(gains: Float64Array, statesOut?: Float64Array, ratesOut?: Float64Array, x0?: Float64Array): SimulationResult {
    if (gains.length < this.n) throw new RangeError(`gains has ${gains.length} values, expected n = ${this.n}`);
    this.kernel.run(gains, x0 ?? this.network.x0, this.rates, this.states);
    if (statesOut) statesOut.set(this.states);
    if (ratesOut) ratesOut.set(this.rates);
    return { states: statesOut ?? this.states, rates: ratesOut ?? this.rates };
  }

  /** Threaded kernels: the per-trial thread choice (null: one thread). */
  get threadSchedule(): ThreadSchedule | null {
    return this.kernel.schedule ?? null;
  }

  dispose(): void {
    this.kernel.dispose?.();
  }
}

export interface TrialEvaluatorOptions extends SimulatorOptions {
  /** Initial condition (default network.x0), e.g. another Gramian eigenvector or a noisy x0. */
  x0?: Float64Array;
}

/**
 * The hot path of the learning rules: gains → output → error against a fixed target,
 * with all buffers preallocated. Target is channel-major, readout.channels × nSamples.
 */
export class TrialEvaluator {
  readonly network: Network;
  readonly params: DynamicsParams;
  readonly channels: number;
  readonly nSamples: number;
  /** Output of the last evaluation, channel-major (overwritten by the next). */
  readonly output: Float64Array;
  /** Output of the last offered trial (offeredError). */
  private readonly offeredOutput: Float64Array;
  /** Number of trials evaluated so far. */
  trials = 0;
  private target: Float64Array;
  private x0: Float64Array;
  private readonly kernel: TrialKernel;
  readonly kernelName: KernelName;

  constructor(network: Network, params: DynamicsParams, target: Float64Array, options: TrialEvaluatorOptions = {}) {
    checkInputs(network, params);
    this.network = network;
    this.params = { ...params };
    this.channels = network.readout.channels;
    this.nSamples = params.nSamples;
    this.target = this.checkTarget(target);
    this.x0 = this.checkX0(options.x0 ?? network.x0);
    this.kernelName = resolveKernelName(options.kernel ?? DEFAULT_KERNEL, network, options);
    this.kernel = createKernel(this.kernelName, network, this.params, options);
    this.output = new Float64Array(this.channels * this.nSamples);
    this.offeredOutput = new Float64Array(this.channels * this.nSamples);
  }

  private checkTarget(target: Float64Array): Float64Array {
    const expected = this.channels * this.nSamples;
    if (target.length !== expected) {
      throw new RangeError(`target has ${target.length} values, expected channels × nSamples = ${expected}`);
    }
    return target;
  }

  private checkX0(x0: Float64Array): Float64Array {
    if (x0.length !== this.network.n) throw new RangeError(`x0 has ${x0.length} values, expected n = ${this.network.n}`);
    return x0;
  }

  setTarget(target: Float64Array): void {
    this.target = this.checkTarget(target);
  }

  getTarget(): Float64Array {
    return this.target;
  }

  setInitialCondition(x0: Float64Array): void {
    this.x0 = this.checkX0(x0);
  }

  /** Error E(gains) of one trial. */
  error(gains: Float64Array): number {
    return this.run(gains);
  }

  /**
   * One trial: returns the error and leaves the output in `this.output` (also copied into
   * outputOut); rates/states (nSamples × n, time-major) are copied out when buffers are given.
   */
  run(gains: Float64Array, outputOut?: Float64Array, ratesOut?: Float64Array, statesOut?: Float64Array): number {
    const n = this.network.n;
    if (gains.length < n) throw new RangeError(`gains has ${gains.length} values, expected n = ${n}`);
    this.trials++;
    const rates = this.kernel.run(gains, this.x0, ratesOut ?? null, statesOut ?? null);
    computeOutput(rates, this.nSamples, n, this.network.nE, this.network.readout, this.output);
    if (outputOut) outputOut.set(this.output);
    return normalisedError(this.output, this.target, this.channels, this.nSamples);
  }

  /**
   * Start E(gains) on a helper thread, to run while this thread computes another trial (run() or
   * error() on this evaluator, or anything else); then offeredError(). False — nothing started —
   * when the kernel has no helper threads or none is free now. The offered trial gives the bits
   * run() gives (same network, target and initial state; a twin of the kernel). `x0`: the offered
   * trial's initial state instead of this evaluator's (copied now).
   */
  offer(gains: Float64Array, x0: Float64Array = this.x0): boolean {
    if (gains.length < this.network.n) throw new RangeError(`gains has ${gains.length} values, expected n = ${this.network.n}`);
    return this.kernel.offer?.(gains, this.checkX0(x0)) ?? false;
  }

  /**
   * After offer() returned true and this thread's own work: the offered trial's error (its output
   * copied into outputOut when given), or null when its helper had not begun it (withdrawn: never
   * computed; evaluate it here if it is still wanted). `target`: the error against this instead
   * of the evaluator's target.
   */
  offeredError(outputOut?: Float64Array, target: Float64Array = this.target): number | null {
    const rates = this.kernel.collect?.(null) ?? null;
    if (!rates) return null;
    this.trials++;
    const output = this.offeredOutput;
    computeOutput(rates, this.nSamples, this.network.n, this.network.nE, this.network.readout, output);
    if (outputOut) outputOut.set(output);
    return normalisedError(output, this.checkTarget(target), this.channels, this.nSamples);
  }

  /** Threaded kernels: the per-trial thread choice (null: one thread). */
  get threadSchedule(): ThreadSchedule | null {
    return this.kernel.schedule ?? null;
  }

  /** Chunks of stages helper threads have computed so far (0 for one-thread kernels). */
  helperChunks(): number {
    return this.kernel.helperChunks?.() ?? 0;
  }

  dispose(): void {
    this.kernel.dispose?.();
  }
}
