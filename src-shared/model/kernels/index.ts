import type { Network } from '../network.js';
import type { DynamicsParams } from '../params.js';
import { simulateReference } from './reference.js';
import type { TrialKernel } from './types.js';

export type { TrialKernel } from './types.js';

export type KernelName = 'reference';

export const KERNEL_NAMES: readonly KernelName[] = ['reference'];

export const DEFAULT_KERNEL: KernelName = 'reference';

class ReferenceKernel implements TrialKernel {
  readonly name = 'reference';
  private readonly scratchStates: Float64Array;
  constructor(
    private readonly network: Network,
    private readonly params: DynamicsParams,
  ) {
    this.scratchStates = new Float64Array(params.nSamples * network.n);
  }
  run(gains: Float64Array, x0: Float64Array, ratesOut: Float64Array, statesOut: Float64Array | null): void {
    simulateReference(this.network.W, this.network.n, x0, gains, this.params, {
      states: statesOut ?? this.scratchStates,
      rates: ratesOut,
    });
  }
}

export function createKernel(name: KernelName, network: Network, params: DynamicsParams): TrialKernel {
  switch (name) {
    case 'reference':
      return new ReferenceKernel(network, params);
    default:
      throw new RangeError(`unknown dynamics kernel '${String(name)}' (known: ${KERNEL_NAMES.join(', ')})`);
  }
}
