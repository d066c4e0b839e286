/**
 * The value the movement editor edits (its v-model): a multi-channel target on the movement grid
 * t_k = k·T/(nSamples−1), channel-major (`samples[c * nSamples + k]`). Everything here is pure and
 * returns new objects, so an undo snapshot can never be mutated behind the history's back.
 */
export interface EditableTarget {
  samples: Float64Array;
  channels: number;
  nSamples: number;
  /** T in ms. */
  duration: number;
}

export const MIN_SAMPLES = 10;
export const MAX_SAMPLES = 5000;
/**
 * The longest movement the editor makes (ms): 200× the paper's 500 ms, past any slow variant a
 * speed manifold learns (at most 20× T); 1e9 ms was accepted (a 5e6 ms sample step at 200 samples).
 */
export const MAX_DURATION_MS = 100_000;
export const MAX_CHANNELS = 16;
export const DEFAULT_DURATION = 500;
export const DEFAULT_SAMPLES = 200;

/**
 * Time (ms) of grid index k: k·h with h = T/(nSamples−1), the same expression as the model's
 * sampleTimes (params.ts) and targets.ts gridTimes, so the editor's grid is bit-identical to the
 * model's. Every editor module uses this one function, so control points hit the grid exactly.
 */
export function gridTime(k: number, nSamples: number, duration: number): number {
  return k * (duration / (nSamples - 1));
}

/** Grid spacing in ms. */
export function gridStep(nSamples: number, duration: number): number {
  return duration / (nSamples - 1);
}

export function createTarget(
  channels = 1,
  nSamples = DEFAULT_SAMPLES,
  duration = DEFAULT_DURATION,
): EditableTarget {
  return { samples: new Float64Array(channels * nSamples), channels, nSamples, duration };
}

export function cloneTarget(target: EditableTarget): EditableTarget {
  return {
    samples: Float64Array.from(target.samples),
    channels: target.channels,
    nSamples: target.nSamples,
    duration: target.duration,
  };
}

/** Structural sanity check; the editor refuses to work on an inconsistent value instead of guessing. */
export function isConsistentTarget(target: EditableTarget): boolean {
  return (
    Number.isInteger(target.channels) &&
    target.channels >= 1 &&
    Number.isInteger(target.nSamples) &&
    target.nSamples >= 2 &&
    Number.isFinite(target.duration) &&
    target.duration > 0 &&
    target.samples.length === target.channels * target.nSamples
  );
}

/** A copy of one channel's samples. */
export function getChannel(target: EditableTarget, channel: number): Float64Array {
  checkChannel(target, channel);
  return target.samples.slice(channel * target.nSamples, (channel + 1) * target.nSamples);
}

/** A new target whose channel `channel` is replaced by `values` (length nSamples). */
export function withChannel(target: EditableTarget, channel: number, values: ArrayLike<number>): EditableTarget {
  checkChannel(target, channel);
  if (values.length !== target.nSamples) {
    throw new RangeError(`channel has ${values.length} samples, target has ${target.nSamples}`);
  }
  const next = cloneTarget(target);
  next.samples.set(values, channel * target.nSamples);
  return next;
}

/** Appends a channel (zeros, or a copy of channel `copyFrom`). */
export function addChannel(target: EditableTarget, copyFrom?: number): EditableTarget {
  if (target.channels >= MAX_CHANNELS) throw new RangeError(`at most ${MAX_CHANNELS} channels`);
  const { nSamples } = target;
  const samples = new Float64Array((target.channels + 1) * nSamples);
  samples.set(target.samples);
  if (copyFrom !== undefined) {
    checkChannel(target, copyFrom);
    samples.set(target.samples.subarray(copyFrom * nSamples, (copyFrom + 1) * nSamples), target.channels * nSamples);
  }
  return { samples, channels: target.channels + 1, nSamples, duration: target.duration };
}

/** Removes channel `channel`; a target always keeps at least one channel. */
export function removeChannel(target: EditableTarget, channel: number): EditableTarget {
  checkChannel(target, channel);
  if (target.channels <= 1) throw new RangeError('a target needs at least one channel');
  const { nSamples } = target;
  const samples = new Float64Array((target.channels - 1) * nSamples);
  samples.set(target.samples.subarray(0, channel * nSamples));
  samples.set(target.samples.subarray((channel + 1) * nSamples), channel * nSamples);
  return { samples, channels: target.channels - 1, nSamples, duration: target.duration };
}

function checkChannel(target: EditableTarget, channel: number): void {
  if (!Number.isInteger(channel) || channel < 0 || channel >= target.channels) {
    throw new RangeError(`channel ${channel} out of range 0..${target.channels - 1}`);
  }
}

/** Exact equality of two targets (same shape, bit-identical samples; NaN equals NaN, −0 differs from 0). */
export function targetsIdentical(a: EditableTarget, b: EditableTarget): boolean {
  if (a.channels !== b.channels || a.nSamples !== b.nSamples || !Object.is(a.duration, b.duration)) return false;
  if (a.samples.length !== b.samples.length) return false;
  for (let i = 0; i < a.samples.length; i++) if (!Object.is(a.samples[i], b.samples[i])) return false;
  return true;
}
