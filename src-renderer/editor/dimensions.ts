import { MAX_SAMPLES, MIN_SAMPLES, type EditableTarget } from './editableTarget.js';

/**
 * Changing the duration or the number of samples of a target. The grid is t_k = k·T/(n−1), so a
 * target is a curve on [0, T] sampled at n points:
 * - a new duration stretches (or compresses) the same curve over the new T; the samples are
 *   unchanged, only their times move (this is how the model's slow variants m_s(t) = m(t/s) work);
 * - a new sample count re-samples the same curve on the finer or coarser grid by linear
 *   interpolation, which reproduces any straight line exactly.
 */

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

/** Parses a duration typed by the user: a finite number of ms, > 0. */
export function parseDuration(text: string): Validated<number> {
  const trimmed = text.trim();
  const value = trimmed === '' ? NaN : Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, message: 'Duration must be a finite number of ms.' };
  if (!(value > 0)) return { ok: false, message: 'Duration must be greater than 0 ms.' };
  return { ok: true, value };
}

/** Parses a sample count typed by the user: an integer in [MIN_SAMPLES, MAX_SAMPLES]. */
export function parseSampleCount(text: string): Validated<number> {
  const trimmed = text.trim();
  const value = trimmed === '' ? NaN : Number(trimmed);
  if (!Number.isInteger(value)) return { ok: false, message: 'Samples must be a whole number.' };
  if (value < MIN_SAMPLES || value > MAX_SAMPLES) {
    return { ok: false, message: `Samples must be between ${MIN_SAMPLES} and ${MAX_SAMPLES}.` };
  }
  return { ok: true, value };
}

/**
 * Linear-interpolation resampling of one channel from n to m points over the same [0, T]
 * (positions in grid units, so T cancels). Writes into `out` (length m).
 */
export function resampleChannelLinear(input: ArrayLike<number>, out: Float64Array): Float64Array {
  const n = input.length;
  const m = out.length;
  if (n < 2 || m < 2) throw new RangeError('resampling needs at least 2 points on both grids');
  const scale = (n - 1) / (m - 1);
  for (let j = 0; j < m; j++) {
    const position = j * scale;
    // The last new point must land on the last old one exactly, whatever rounding did to j·scale.
    let i = j === m - 1 ? n - 2 : Math.floor(position);
    if (i > n - 2) i = n - 2;
    const fraction = j === m - 1 ? 1 : position - i;
    const a = input[i];
    const b = input[i + 1];
    out[j] = fraction === 0 ? a : fraction === 1 ? b : a + fraction * (b - a);
  }
  return out;
}

/** All channels of `target` on a grid of `nSamples` points (same duration). */
export function withSampleCount(target: EditableTarget, nSamples: number): EditableTarget {
  if (!Number.isInteger(nSamples) || nSamples < MIN_SAMPLES || nSamples > MAX_SAMPLES) {
    throw new RangeError(`nSamples must be an integer in [${MIN_SAMPLES}, ${MAX_SAMPLES}]`);
  }
  const samples = new Float64Array(target.channels * nSamples);
  for (let c = 0; c < target.channels; c++) {
    resampleChannelLinear(
      target.samples.subarray(c * target.nSamples, (c + 1) * target.nSamples),
      samples.subarray(c * nSamples, (c + 1) * nSamples),
    );
  }
  return { samples, channels: target.channels, nSamples, duration: target.duration };
}

/** The same curve stretched over a new duration (samples copied unchanged). */
export function withDuration(target: EditableTarget, duration: number): EditableTarget {
  if (!Number.isFinite(duration) || !(duration > 0)) throw new RangeError('duration must be finite and > 0');
  return {
    samples: Float64Array.from(target.samples),
    channels: target.channels,
    nSamples: target.nSamples,
    duration,
  };
}
