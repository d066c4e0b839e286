/**
 * Analyses of the speed figures (model-spec §10–11): eigenvalues of the linearisation before and
 * after learning, their histograms, and outputs from noisy initial conditions.
 */
import { linearisationEigenvalues } from '../analysis/runAnalyses.js';
import { BatchSimulator } from '../model/batchSimulator.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import { Rng } from '../model/rng.js';

/** Eigenvalues of (−I + W·diag(g))/τ in 1/ms: the shared analyses module's (model-spec §11). */
export { linearisationEigenvalues };

export interface Histogram {
  /** bins + 1 edges */
  edges: Float64Array;
  counts: Float64Array;
}

/** Equal-width histogram over [min, max] (default: the data range); the last bin includes max. */
export function histogram(values: ArrayLike<number>, bins: number, min?: number, max?: number): Histogram {
  let lo = min ?? Infinity;
  let hi = max ?? -Infinity;
  if (min === undefined || max === undefined) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (min === undefined && v < lo) lo = v;
      if (max === undefined && v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  for (let b = 0; b <= bins; b++) edges[b] = lo + ((hi - lo) * b) / bins;
  const counts = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) continue;
    const b = Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins));
    counts[b]++;
  }
  return { edges, counts };
}

/**
 * x0 + white Gaussian noise at `snrDb` relative to x0's power (model-spec §3): noise variance
 * mean(x0²) / 10^(snrDb/10).
 */
export function noisyInitialCondition(x0: Float64Array, snrDb: number, rng: Rng): Float64Array {
  let power = 0;
  for (let i = 0; i < x0.length; i++) power += x0[i] * x0[i];
  power /= x0.length;
  const sd = Math.sqrt(power / 10 ** (snrDb / 10));
  const out = new Float64Array(x0.length);
  for (let i = 0; i < x0.length; i++) out[i] = x0[i] + sd * rng.normal();
  return out;
}

/** Outputs (draws × channels × nSamples) of `draws` noisy copies of x0 with the given gains. */
export function noisyOutputs(
  network: Network,
  params: DynamicsParams,
  gains: Float64Array,
  x0: Float64Array,
  snrDb: number,
  draws: number,
  seed: number,
): Float64Array {
  const rng = new Rng(seed);
  const x0s = Array.from({ length: draws }, () => noisyInitialCondition(x0, snrDb, rng));
  const sim = new BatchSimulator(network, params, draws);
  sim.run(x0s.map(() => gains), x0s);
  const length = network.readout.channels * params.nSamples;
  const out = new Float64Array(draws * length);
  for (let d = 0; d < draws; d++) sim.output(d, out.subarray(d * length, (d + 1) * length));
  return out;
}
