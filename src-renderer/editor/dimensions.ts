import { resampleTarget } from '../../src-shared/model/targets.js';
import { MAX_DURATION_MS, MAX_SAMPLES, MIN_SAMPLES, type EditableTarget } from './editableTarget.js';

/**
 * Changing the duration or the number of samples of a target. The grid is t_k = k·T/(n−1), so a
 * target is a curve on [0, T] sampled at n points:
 * - a new duration stretches (or compresses) the same curve over the new T; the samples are
 *   unchanged, only their times move (this is how the model's slow variants m_s(t) = m(t/s) work);
 * - a new sample count re-samples the same curve on the finer or coarser grid by linear
 *   interpolation (targets.ts resampleTarget), which reproduces any straight line exactly.
 */

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

/** Parses a duration typed by the user: a finite number of ms, > 0 and at most MAX_DURATION_MS. */
export function parseDuration(text: string): Validated<number> {
  const trimmed = text.trim();
  const value = trimmed === '' ? NaN : Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, message: 'Duration must be a finite number of ms.' };
  if (!(value > 0)) return { ok: false, message: 'Duration must be greater than 0 ms.' };
  if (value > MAX_DURATION_MS) return { ok: false, message: `Duration must be at most ${MAX_DURATION_MS.toLocaleString('en-US').replace(/,/g, ' ')} ms (the paper's movements last 500 ms).` };
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

/** All channels of `target` on a grid of `nSamples` points (same duration). */
export function withSampleCount(target: EditableTarget, nSamples: number): EditableTarget {
  if (!Number.isInteger(nSamples) || nSamples < MIN_SAMPLES || nSamples > MAX_SAMPLES) {
    throw new RangeError(`nSamples must be an integer in [${MIN_SAMPLES}, ${MAX_SAMPLES}]`);
  }
  const samples = resampleTarget(
    target.samples,
    target.channels,
    { duration: target.duration, nSamples: target.nSamples },
    { duration: target.duration, nSamples },
  );
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
