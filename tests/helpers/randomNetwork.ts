import type { Network } from '../../src-shared/model/network.js';
import { Rng } from '../../src-shared/model/rng.js';

/** A small random network with odd n and non-uniform E weights (exercises the general CSR path and padding). */
export function randomNetwork(n: number, nE: number, seed: number, channels = 2, uniformE = false): Network {
  const rng = new Rng(seed);
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j || rng.uniform() < 0.3) continue;
      W[i * n + j] = j < nE ? (uniformE ? 0.9 : 0.5 + rng.uniform()) : -1.5 * rng.uniform();
    }
  }
  return {
    n,
    nE,
    W,
    x0: Float64Array.from({ length: n }, () => rng.normal(0, 8)),
    readout: { channels, weights: Float64Array.from({ length: channels * (1 + nE) }, () => rng.uniform()) },
  };
}
