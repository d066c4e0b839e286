/**
 * Parameters of the rate dynamics (model-spec §1) and the movement time grid.
 *
 *   τ dx/dt = −x + W f(x; g),  sampled at t_k = k·T/(n−1), k = 0..n−1,
 * integrated by classic RK4 with one step per grid interval (step h = T/(n−1)).
 */

import { z } from 'zod';

/** Samples of a movement grid GainLab accepts (requests, project files). */
export const MAX_SAMPLES = 100_000;

/**
 * Bounds of the dynamics parameters, far outside any neural setting (the paper: τ = 200 ms,
 * r0 = 20 Hz, rmax = 100 Hz, T = 500 ms) but inside the range where the arithmetic stays finite:
 * below them h/τ or x/r0 overflow (τ = 1e-300 ms made every simulation NaN), above them nothing
 * GainLab shows means anything.
 */
export const DYNAMICS_BOUNDS = {
  tau: { min: 1e-3, max: 1e7 }, // ms
  rate: { min: 1e-6, max: 1e6 }, // Hz (r0 and rmax)
  duration: { min: 1e-3, max: 1e8 }, // ms
} as const;

const bounded = (bounds: { min: number; max: number }) => z.number().finite().min(bounds.min).max(bounds.max);

/**
 * The one declaration of the dynamics parameters: the model's type, the IPC contract's and the
 * project file's schema all derive from it.
 */
export const dynamicsParamsSchema = z
  .object({
    /** Membrane time constant τ in ms. */
    tau: bounded(DYNAMICS_BOUNDS.tau),
    /** Baseline rate r0 in Hz (saturation of f below baseline is −r0). */
    r0: bounded(DYNAMICS_BOUNDS.rate),
    /** Maximum rate rmax in Hz (saturation of f above baseline is rmax − r0). */
    rmax: bounded(DYNAMICS_BOUNDS.rate),
    /** Movement duration T in ms. */
    duration: bounded(DYNAMICS_BOUNDS.duration),
    /** Number of samples n on the grid t_k = k·T/(n−1) (includes t = 0 and t = T). */
    nSamples: z.number().int().min(2).max(MAX_SAMPLES),
    gainFunction: z.enum(['tanh', 'linear']),
  })
  // f saturates at rmax − r0 above baseline (gainFunction.ts): rmax = r0 divides by zero (NaN
  // rates), rmax < r0 turns every positive input into a negative rate
  .refine((p) => p.gainFunction === 'linear' || p.rmax > p.r0, {
    message: 'must be above r0 (the rate above baseline saturates at rmax − r0)',
    path: ['rmax'],
  });

export type DynamicsParams = z.infer<typeof dynamicsParamsSchema>;
export type GainFunctionKind = DynamicsParams['gainFunction'];

export const DEFAULT_DYNAMICS: Readonly<DynamicsParams> = Object.freeze({
  tau: 200,
  r0: 20,
  rmax: 100,
  duration: 500,
  nSamples: 200,
  gainFunction: 'tanh' as GainFunctionKind,
});

/** RK4 step length h = T/(n−1) in ms. */
export function stepLength(params: DynamicsParams): number {
  return params.duration / (params.nSamples - 1);
}

/** Why a movement cannot be run by a network, or that it can (with the parameters to run it). */
export type TargetFit<P extends TimeGrid = DynamicsParams> = { fits: true; params: P } | { fits: false; reason: 'channels' | 'step' };

/** The part of the parameters that sets the time grid. */
export type TimeGrid = Pick<DynamicsParams, 'nSamples' | 'duration'>;

/**
 * Whether a network with these dynamics and a readout of `readoutChannels` can run against a
 * movement of `target`'s shape: the channel counts must match and the step length must be the
 * network's. A movement on the network's own grid runs with the network's parameters (the same
 * object); a longer one with the same step (a slow variant, model-spec §8) runs for its own
 * duration. Main refuses a request (tasks/training.ts paramsForTarget) and the workspace explains
 * the refusal in place (renderer trainForm.targetMismatch) from this one predicate.
 */
export function targetFit<P extends TimeGrid>(params: P, readoutChannels: number, target: TimeGrid & { channels: number }): TargetFit<P> {
  if (target.channels !== readoutChannels) return { fits: false, reason: 'channels' };
  if (target.nSamples === params.nSamples && target.duration === params.duration) return { fits: true, params };
  const h = params.duration / (params.nSamples - 1);
  if (!(target.nSamples >= 2) || !(Math.abs(target.duration / (target.nSamples - 1) - h) <= 1e-9 * h)) return { fits: false, reason: 'step' };
  return { fits: true, params: { ...params, duration: target.duration, nSamples: target.nSamples } };
}

/** The sample times t_k = k·T/(n−1). */
export function sampleTimes(params: DynamicsParams): Float64Array {
  const h = stepLength(params);
  const times = new Float64Array(params.nSamples);
  for (let k = 0; k < times.length; k++) times[k] = k * h;
  return times;
}

/**
 * The slow variant (model-spec §8): duration s·T with the same step length, so
 * nSamples = (n−1)·s + 1. Needs (n−1)·s to be a whole number: any integer s works; with the
 * default n = 200 a fractional s must be a multiple of 1/199. Throws RangeError otherwise.
 */
export function slowParams(params: DynamicsParams, s: number): DynamicsParams {
  if (!Number.isFinite(s) || s <= 0) throw new RangeError(`slow factor must be a positive number, got ${s}`);
  const intervals = (params.nSamples - 1) * s;
  const whole = Math.round(intervals);
  if (Math.abs(intervals - whole) > 1e-9 * Math.max(1, intervals) || whole < 1) {
    throw new RangeError(
      `slow factor ${s} does not give a whole number of steps: (nSamples − 1)·s = ${intervals} (use a factor with (n−1)·s whole)`,
    );
  }
  // Keep h = T/(n−1) bit-identical so the slow run's first n samples equal the normal run's:
  // prefer the natural s·T, fall back to h·(steps) when s·T rounds to a different h.
  const h = stepLength(params);
  const natural = params.duration * s;
  const duration = natural / whole === h ? natural : h * whole;
  return { ...params, duration, nSamples: whole + 1 };
}

/** null when valid, otherwise a one-line message naming the first bad field. */
export function validateDynamicsParams(params: DynamicsParams): string | null {
  const positive = (name: keyof DynamicsParams, value: unknown): string | null => {
    if (typeof value !== 'number' || Number.isNaN(value)) return `${name} must be a number, got ${String(value)}`;
    if (!Number.isFinite(value) || value <= 0) return `${name} must be positive and finite, got ${value}`;
    return null;
  };
  for (const name of ['tau', 'r0', 'rmax', 'duration'] as const) {
    const message = positive(name, params[name]);
    if (message) return message;
  }
  if (!(params.rmax > params.r0)) return `rmax (${params.rmax}) must exceed r0 (${params.r0})`;
  if (!Number.isInteger(params.nSamples) || params.nSamples < 2) {
    return `nSamples must be an integer ≥ 2, got ${params.nSamples}`;
  }
  if (params.nSamples > 1_000_000) return `nSamples must be at most 1000000, got ${params.nSamples}`;
  if (params.gainFunction !== 'tanh' && params.gainFunction !== 'linear') {
    return `gainFunction must be 'tanh' or 'linear', got ${String(params.gainFunction)}`;
  }
  return null;
}
