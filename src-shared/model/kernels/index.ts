import type { Network } from '../network.js';
import type { DynamicsParams } from '../params.js';
import { simulateReference } from './reference.js';
import { CsrJsKernel } from './csrJs.js';
import { WASM_KERNEL_MAX_N, WasmKernel, type IColumns } from './wasmKernel.js';
import { dynamicsWasmAvailable, sharedDynamicsAvailable, type Arithmetic } from '../wasm/loader.js';
import { defaultKernelThreads, type KernelThreads } from './threads.js';
import type { TrialKernel } from './types.js';

export type { TrialKernel } from './types.js';
export { setDefaultKernelThreads, defaultKernelThreads, type KernelThreads, type KernelHelperStart } from './threads.js';
// the kernels' arithmetic (fused or separate multiply-add), chosen per process by its host
export { defaultArithmetic, relaxedSimd, setDefaultArithmetic, type Arithmetic } from '../wasm/loader.js';

/**
 * 'auto' = the default: the fastest kernel here (see resolveKernelName). Every fast kernel gives
 * the same bits (./layout.ts), so the choice is about speed only.
 */
export type KernelName = 'auto' | 'reference' | 'csr' | 'wasm-pairs' | 'wasm-threads';

export const KERNEL_NAMES: readonly KernelName[] = ['auto', 'reference', 'csr', 'wasm-pairs', 'wasm-threads'];

export const DEFAULT_KERNEL: KernelName = 'auto';

/**
 * Below this many neurons 'auto' never uses threads: a stage is too short for the helpers to pay
 * for the synchronisation (crossover measured on this project's 2-core EPYC, bench
 * threads.crossover_*: see bench/results).
 */
export const THREADS_MIN_N = 120;

export interface KernelOptions {
  /** Helper threads for 'wasm-threads' (and for 'auto'); default: defaultKernelThreads(). */
  threads?: KernelThreads | null;
  /** The WebAssembly kernels' multiply-add (../wasm/loader.ts); default: the host's defaultArithmetic(). */
  arithmetic?: Arithmetic;
  /** Where the single-session WebAssembly kernels take the I entries from (./wasmKernel.ts IColumns); default 'auto'. */
  iColumns?: IColumns;
}

/**
 * What 'auto' resolves to: 'wasm-threads' when helper threads are available (options.threads or
 * the host's default, with at least one helper), shared WebAssembly memory works and
 * n ≥ THREADS_MIN_N; else 'wasm-pairs'; 'csr' without WebAssembly SIMD or beyond
 * WASM_KERNEL_MAX_N neurons. (The threaded kernel still runs a trial on one thread whenever that
 * has been faster lately: see wasmKernel.ts ThreadSchedule.)
 */
export function resolveKernelName(name: KernelName, network?: Network, options: KernelOptions = {}): Exclude<KernelName, 'auto'> {
  if (name !== 'auto') return name;
  if (network && network.n > WASM_KERNEL_MAX_N) return 'csr';
  if (!dynamicsWasmAvailable()) return 'csr';
  const threads = options.threads === undefined ? defaultKernelThreads() : options.threads;
  if (threads && threads.helpers >= 1 && (!network || network.n >= THREADS_MIN_N) && sharedDynamicsAvailable()) return 'wasm-threads';
  return 'wasm-pairs';
}

class ReferenceKernel implements TrialKernel {
  readonly name = 'reference';
  private readonly scratchStates: Float64Array;
  private readonly ownRates: Float64Array;
  constructor(
    private readonly network: Network,
    private readonly params: DynamicsParams,
  ) {
    this.scratchStates = new Float64Array(params.nSamples * network.n);
    this.ownRates = new Float64Array(params.nSamples * network.n);
  }
  run(gains: Float64Array, x0: Float64Array, ratesOut: Float64Array | null, statesOut: Float64Array | null): Float64Array {
    return simulateReference(this.network.W, this.network.n, x0, gains, this.params, {
      states: statesOut ?? this.scratchStates,
      rates: ratesOut ?? this.ownRates,
    }).rates;
  }
}

export function createKernel(name: KernelName, network: Network, params: DynamicsParams, options: KernelOptions = {}): TrialKernel {
  switch (resolveKernelName(name, network, options)) {
    case 'reference':
      return new ReferenceKernel(network, params);
    case 'csr':
      return new CsrJsKernel(network, params);
    case 'wasm-pairs':
      return new WasmKernel(network, params, null, options.arithmetic, options.iColumns);
    case 'wasm-threads': {
      const threads = options.threads === undefined ? defaultKernelThreads() : options.threads;
      if (!threads) throw new RangeError("the 'wasm-threads' kernel needs helper threads: pass options.threads or set setDefaultKernelThreads");
      if (!sharedDynamicsAvailable()) throw new RangeError("the 'wasm-threads' kernel needs shared WebAssembly memory, unavailable here");
      return new WasmKernel(network, params, threads, options.arithmetic, options.iColumns);
    }
    default:
      throw new RangeError(`unknown dynamics kernel '${String(name)}' (known: ${KERNEL_NAMES.join(', ')})`);
  }
}
