import { gridTime } from './editableTarget.js';

export interface TaperOptions {
  /** Bring the start to zero. */
  start: boolean;
  /** Bring the end to zero. */
  end: boolean;
  /** Length of each ramp in ms. */
  rampMs: number;
}

export const DEFAULT_TAPER: TaperOptions = { start: true, end: true, rampMs: 50 };

/**
 * Multiplies the trace by a half-Hann ramp 0.5·(1 − cos(π·t/ramp)) over the first (and/or last)
 * `rampMs`, so the target starts (ends) at exactly 0 with zero slope of the window — the network
 * starts from rest, and an untapered target would ask it for a jump it cannot make. Outside the
 * ramps the trace is untouched. Ramps longer than the movement simply overlap.
 */
export function taperToZero(channel: ArrayLike<number>, duration: number, options: TaperOptions): Float64Array {
  const n = channel.length;
  const out = Float64Array.from(channel);
  const ramp = options.rampMs;
  if (!(ramp > 0) || !Number.isFinite(ramp)) {
    // A zero-length ramp still means "this end is 0".
    if (options.start) out[0] = 0;
    if (options.end) out[n - 1] = 0;
    return out;
  }
  for (let k = 0; k < n; k++) {
    const t = gridTime(k, n, duration);
    let window = 1;
    if (options.start && t < ramp) window *= halfHann(t / ramp);
    const fromEnd = k === n - 1 ? 0 : duration - t;
    if (options.end && fromEnd < ramp) window *= halfHann(fromEnd / ramp);
    out[k] = window === 1 ? out[k] : window === 0 ? 0 : out[k] * window;
  }
  return out;
}

function halfHann(fraction: number): number {
  return 0.5 * (1 - Math.cos(Math.PI * fraction));
}
