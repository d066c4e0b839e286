/**
 * Shared pieces of the Fig. 1 / Supp. Fig. 1f / Supp. Fig. 2 experiments: the network (the given
 * one, e.g. the published network, else the own SOC network of a size and seed), generated
 * targets, and small curve helpers.
 */
import { generateTarget } from '../model/targets.js';
import { DEFAULT_DYNAMICS } from '../model/params.js';
import { experimentNetwork, socNetwork, withReadout, type FigureExperimentOptions, type PreparedNetwork } from './support.js';

/** The experiment's network: options.network (kept as given, readout included) or the own SOC network of size n. */
export function gainExperimentNetwork(options: FigureExperimentOptions, n: number): PreparedNetwork {
  return experimentNetwork(options, n, 1);
}

export { socNetwork };

export { withReadout };

/** Generated target of the given seed on the default movement grid (single channel). */
export function generatedTarget(seed: number): Float64Array {
  return generateTarget(seed, { duration: DEFAULT_DYNAMICS.duration, nSamples: DEFAULT_DYNAMICS.nSamples }).values;
}

/** Running minimum of an error curve. */
export function runningMinimum(errors: ArrayLike<number>): Float64Array {
  const out = new Float64Array(errors.length);
  let best = Infinity;
  for (let k = 0; k < errors.length; k++) {
    if (errors[k] < best) best = errors[k];
    out[k] = best;
  }
  return out;
}

/**
 * Iterations to come within `tolerance` (default 1 %) of the run's minimum: the first k with
 * errors[k] ≤ (1 + tolerance)·min(errors). Defined on the raw curve; since min(errors) is reached
 * at some k, the answer always exists for a finite curve.
 */
export function iterationsToWithin(errors: ArrayLike<number>, tolerance = 0.01): number {
  let minimum = Infinity;
  for (let k = 0; k < errors.length; k++) if (errors[k] < minimum) minimum = errors[k];
  const threshold = (1 + tolerance) * minimum;
  for (let k = 0; k < errors.length; k++) if (errors[k] <= threshold) return k;
  return -1;
}

/** Element-wise mean of equal-length curves. */
export function meanCurve(curves: readonly ArrayLike<number>[]): Float64Array {
  const length = curves.length ? Math.min(...curves.map((c) => c.length)) : 0;
  const out = new Float64Array(length);
  for (const c of curves) for (let k = 0; k < length; k++) out[k] += c[k] / curves.length;
  return out;
}

/** Every `stride`-th point of a curve (plus the last) for plotting: x and y. */
export function thin(y: ArrayLike<number>, maxPoints = 500): { x: Float64Array; y: Float64Array } {
  const stride = Math.max(1, Math.ceil(y.length / maxPoints));
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < y.length; k += stride) {
    xs.push(k);
    ys.push(y[k]);
  }
  if (y.length > 0 && xs[xs.length - 1] !== y.length - 1) {
    xs.push(y.length - 1);
    ys.push(y[y.length - 1]);
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
}

/** Rows × width matrix from curves (shorter curves padded with NaN). */
export function curveMatrix(curves: readonly ArrayLike<number>[]): { data: Float64Array; shape: [number, number] } {
  const width = curves.length ? Math.max(...curves.map((c) => c.length)) : 0;
  const data = new Float64Array(curves.length * width).fill(NaN);
  curves.forEach((c, r) => {
    for (let k = 0; k < c.length; k++) data[r * width + k] = c[k];
  });
  return { data, shape: [curves.length, width] };
}
