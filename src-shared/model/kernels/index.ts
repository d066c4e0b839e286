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
 * Density of the inhibitory block W[:, nE:] above which the dense-I kernel wins. Measured
 * (min of 15 trials, this project's EPYC): I density 0.4 — dense-I 3.5 vs sparse 3.9 ms (N 200),
 * 11.5 vs 12.6 (N 400), 43.7 vs 45.4 (N 800); I density 0.15, N 400 — sparse 7.3 vs dense-I 11.5.
 */
export const DENSE_I_MIN_DENSITY = 0.3;

function inhibitoryDensity(network: Network): number {
  const { n, nE, W } = network;
  if (nE >= n) return 0;
  let nonZero = 0;
  for (let i = 0; i < n; i++) for (let j = nE; j < n; j++) if (W[i * n + j] !== 0) nonZero++;
  return nonZero / (n * (n - nE));
}

/**
 * What 'auto' resolves to here: the WebAssembly float64 kernel (dense-I when the I block is dense
 * enough, given the network), else the TypeScript CSR kernel. Explicit names pass through.
 */
export function resolveKernelName(name: KernelName, network?: Network): Exclude<KernelName, 'auto'> {
  if (name !== 'auto') return name;
  if (!dynamicsWasmAvailable()) return 'csr';
  if (network && inhibitoryDensity(network) < DENSE_I_MIN_DENSITY) return 'wasm-sparse';
  return 'wasm-dense-i';
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
