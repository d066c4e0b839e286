import type { Network } from '../network.js';
import type { DynamicsParams } from '../params.js';
import { simulateReference } from './reference.js';
import { CsrJsKernel } from './csrJs.js';
import { WasmKernel } from './wasmKernel.js';
import { dynamicsWasmAvailable } from '../wasm/loader.js';
import type { TrialKernel } from './types.js';

export type { TrialKernel } from './types.js';

/**
 * 'auto' = the default: the fastest kernel whose error against the reference is negligible,
 * falling back to 'csr' where WebAssembly SIMD is unavailable.
 */
export type KernelName = 'auto' | 'reference' | 'csr' | 'wasm-sparse' | 'wasm-dense-i';

export const KERNEL_NAMES: readonly KernelName[] = ['auto', 'reference', 'csr', 'wasm-sparse', 'wasm-dense-i'];

export const DEFAULT_KERNEL: KernelName = 'auto';

/**
 * What 'auto' resolves to here: the WebAssembly float64 sparse kernel, else the TypeScript CSR
 * kernel. Measured (min of 40 trials, this project's 2-core EPYC under load from other jobs),
 * wasm-sparse vs wasm-dense-i, ms per 500 ms trial: N 200 (I density 0.4) 3.12 vs 3.26;
 * N 400: 14.5 vs 17.1; N 400 with I density 0.15: 9.9 vs 18.8; N 800: 75.9 vs 81.9.
 * (dense-I won by ~10 % before the sparse loops read byte offsets; it stays available by name.)
 * The network argument is accepted for future size/density-based choices.
 */
export function resolveKernelName(name: KernelName, _network?: Network): Exclude<KernelName, 'auto'> {
  if (name !== 'auto') return name;
  return dynamicsWasmAvailable() ? 'wasm-sparse' : 'csr';
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
    default:
      throw new RangeError(`unknown dynamics kernel '${String(name)}' (known: ${KERNEL_NAMES.join(', ')})`);
  }
}
