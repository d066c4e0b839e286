import type { Network } from '../network.js';
import type { DynamicsParams } from '../params.js';
import { simulateReference } from './reference.js';
import { CsrJsKernel } from './csrJs.js';
import { WASM_KERNEL_MAX_N, WasmKernel } from './wasmKernel.js';
import { dynamicsWasmAvailable } from '../wasm/loader.js';
import type { TrialKernel } from './types.js';

export type { TrialKernel } from './types.js';

/**
 * 'auto' = the default: the fastest kernel whose error against the reference is negligible,
 * falling back to 'csr' where WebAssembly SIMD is unavailable.
 */
export type KernelName = 'auto' | 'reference' | 'csr' | 'wasm-sparse' | 'wasm-dense-i' | 'wasm-pairs';

export const KERNEL_NAMES: readonly KernelName[] = ['auto', 'reference', 'csr', 'wasm-sparse', 'wasm-dense-i', 'wasm-pairs'];

export const DEFAULT_KERNEL: KernelName = 'auto';

/**
 * What 'auto' resolves to here: the WebAssembly float64 row-pair kernel, else the TypeScript CSR
 * kernel. Measured (min of 40 trials on this project's 2-core EPYC, under load from other jobs),
 * ms per 500 ms trial, wasm-sparse / wasm-dense-i / wasm-pairs:
 *   N 200, I density 0.4: 3.30 / 3.25 / 2.69;   N 400: 22.0 / 18.8 / 12.0;
 *   N 400, I density 0.15: 7.06 / 18.6 / 5.53;  N 800: 95.5 / 94.3 / 75.8.
 * Networks beyond WASM_KERNEL_MAX_N neurons (u16 column offsets) use 'csr'.
 */
export function resolveKernelName(name: KernelName, network?: Network): Exclude<KernelName, 'auto'> {
  if (name !== 'auto') return name;
  if (network && network.n > WASM_KERNEL_MAX_N) return 'csr';
  return dynamicsWasmAvailable() ? 'wasm-pairs' : 'csr';
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

export function createKernel(name: KernelName, network: Network, params: DynamicsParams): TrialKernel {
  switch (resolveKernelName(name, network)) {
    case 'reference':
      return new ReferenceKernel(network, params);
    case 'csr':
      return new CsrJsKernel(network, params);
    case 'wasm-sparse':
      return new WasmKernel(network, params, 'sparse');
    case 'wasm-dense-i':
      return new WasmKernel(network, params, 'dense-i');
    case 'wasm-pairs':
      return new WasmKernel(network, params, 'pairs');
    default:
      throw new RangeError(`unknown dynamics kernel '${String(name)}' (known: ${KERNEL_NAMES.join(', ')})`);
  }
}
