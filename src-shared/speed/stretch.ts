/**
 * Time-stretch factor estimator [GainLab definition, model-spec §10: "the time-stretch factor that
 * best fits each interpolated output"].
 *
 * Given a reference r (e.g. the fast output, n_r samples at step h_r over T_r = (n_r − 1)·h_r) and a
 * signal y (step h_y, duration T_y), the stretch factor s is the one that makes y look like r played
 * s times slower:
 *     J(s) = (1 / (C·n_r)) Σ_c Σ_k ( y_c(s·t_k) − a·r_c(t_k) )²,   t_k = k·h_r,
 * i.e. the signal is resampled (linear interpolation) at the stretched reference times s·t_k, so
 * every candidate is compared on the same n_r points and J is a mean squared error. a = 1, or with
 * `fitAmplitude` the least-squares amplitude a(s) = ⟨y(s·t), r⟩ / ⟨r, r⟩ (for amplitude-scaled slow
 * variants, where the slow movement is a scaled copy). s ranges over [minFactor, maxFactor] with
 * maxFactor ≤ T_y / T_r (the signal must cover the stretched movement).
 *
 * Search: J on an even grid of `gridPoints` factors, then golden-section refinement of the best
 * grid point's bracket [s_{i−1}, s_{i+1}] to `tolerance`. (J is piecewise smooth; the grid guards
 * against local minima from oscillating movements, the golden section gives the precision.)
 */
import { valueAtIndex } from '../model/targets.js';

export interface StretchOptions {
  minFactor?: number;
  /** Default (and upper bound): T_y / T_r. */
  maxFactor?: number;
  /** Default 200. */
  gridPoints?: number;
  /** Absolute tolerance on s; default 1e-6. */
  tolerance?: number;
  fitAmplitude?: boolean;
}

export interface StretchEstimate {
  factor: number;
  /** J at the factor (mean squared error). */
  meanSquaredError: number;
  /** Amplitude a at the factor (1 unless fitAmplitude). */
  amplitude: number;
  /** 1 − J / (mean square of r around its mean): 1 is a perfect stretched copy. */
  explained: number;
}

export interface StretchSignal {
  /** channel-major channels × nSamples */
  values: Float64Array;
  channels: number;
  nSamples: number;
  /** Step between samples, ms. */
  step: number;
}

/** J(s) and the amplitude for one factor (see the header). */
export function stretchObjective(reference: StretchSignal, signal: StretchSignal, factor: number, fitAmplitude = false): { value: number; amplitude: number } {
  const C = reference.channels;
  const nr = reference.nSamples;
  const scale = (factor * reference.step) / signal.step;
  let ry = 0;
  let rr = 0;
  let yy = 0;
  for (let c = 0; c < C; c++) {
    const rOff = c * nr;
    const yOff = c * signal.nSamples;
    for (let k = 0; k < nr; k++) {
      const r = reference.values[rOff + k];
      const y = valueAtIndex(signal.values, yOff, signal.nSamples, k * scale);
      ry += r * y;
      rr += r * r;
      yy += y * y;
    }
  }
  const amplitude = fitAmplitude ? (rr > 0 ? ry / rr : 0) : 1;
  // Σ (y − a r)² = yy − 2a·ry + a²·rr
  const sse = Math.max(0, yy - 2 * amplitude * ry + amplitude * amplitude * rr);
  return { value: sse / (C * nr), amplitude };
}

export function estimateStretchFactor(reference: StretchSignal, signal: StretchSignal, options: StretchOptions = {}): StretchEstimate {
  if (reference.channels !== signal.channels) throw new RangeError('reference and signal need the same channels');
  if (reference.nSamples < 2 || signal.nSamples < 2) throw new RangeError('signals need at least 2 samples');
  const referenceDuration = (reference.nSamples - 1) * reference.step;
  const signalDuration = (signal.nSamples - 1) * signal.step;
  const upper = signalDuration / referenceDuration;
  const maxFactor = Math.min(options.maxFactor ?? upper, upper * (1 + 1e-12));
  const minFactor = options.minFactor ?? Math.min(0.5, maxFactor);
  if (!(minFactor > 0 && maxFactor >= minFactor)) {
    throw new RangeError(`stretch range [${minFactor}, ${maxFactor}] is empty (the signal covers factors up to ${upper})`);
  }
  const gridPoints = Math.max(3, Math.floor(options.gridPoints ?? 200));
  const tolerance = options.tolerance ?? 1e-6;
  const fitAmplitude = options.fitAmplitude ?? false;
  const J = (s: number) => stretchObjective(reference, signal, s, fitAmplitude).value;

  const step = (maxFactor - minFactor) / (gridPoints - 1);
  let best = 0;
  let bestValue = Infinity;
  for (let i = 0; i < gridPoints; i++) {
    const v = J(minFactor + i * step);
    if (v < bestValue) {
      bestValue = v;
      best = i;
    }
  }
  let lo = minFactor + Math.max(0, best - 1) * step;
  let hi = minFactor + Math.min(gridPoints - 1, best + 1) * step;
  const ratio = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - ratio * (hi - lo);
  let x2 = lo + ratio * (hi - lo);
  let f1 = J(x1);
  let f2 = J(x2);
  while (hi - lo > tolerance) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - ratio * (hi - lo);
      f1 = J(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + ratio * (hi - lo);
      f2 = J(x2);
    }
  }
  let factor = (lo + hi) / 2;
  let value = J(factor);
  if (bestValue < value) {
    factor = minFactor + best * step;
    value = bestValue;
  }
  const { amplitude } = stretchObjective(reference, signal, factor, fitAmplitude);
  // Variance of the reference (about each channel's mean) for the explained fraction.
  let variance = 0;
  for (let c = 0; c < reference.channels; c++) {
    let mean = 0;
    const off = c * reference.nSamples;
    for (let k = 0; k < reference.nSamples; k++) mean += reference.values[off + k];
    mean /= reference.nSamples;
    for (let k = 0; k < reference.nSamples; k++) variance += (amplitude * (reference.values[off + k] - mean)) ** 2;
  }
  variance /= reference.channels * reference.nSamples;
  return { factor, meanSquaredError: value, amplitude, explained: variance > 0 ? 1 - value / variance : NaN };
}
