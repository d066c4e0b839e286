/**
 * Target movements in and out of files, and derived targets: .npy import (resampled onto the
 * movement grid), slow variants linked to their source (model-spec §8), and a fingerprint of the
 * exact samples (shown in the UI so a researcher — and the e2e tests — can see that a saved and
 * reopened target is bit for bit the same).
 */
import { NpyError, parseNpy } from '../../src-shared/formats/npy.js';
import { firstNonFiniteSample, resampleTarget, slowVariant, type TargetGrid } from '../../src-shared/model/targets.js';
import { MAX_SAMPLES } from '../../src-shared/model/params.js';
import { countText } from '../../src-shared/project/limits.js';
import type { TargetMovement } from '../../src-shared/project/schema.js';

export class TargetFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetFileError';
  }
}

/**
 * .npy → channel-major values on `grid`. Accepts (K,) for one channel, (C, K) channel-major or
 * (K, C) time-major when C ≤ 64 < K is unambiguous; K samples are taken as evenly spaced over the
 * grid's duration and resampled linearly.
 */
export function targetFromNpy(fileName: string, bytes: Uint8Array, grid: TargetGrid): ImportedTarget {
  let parsed;
  try {
    parsed = parseNpy(bytes);
  } catch (error) {
    throw new TargetFileError(`${fileName} is not a readable .npy file: ${error instanceof NpyError || error instanceof Error ? error.message : String(error)}`);
  }
  const { shape, data } = parsed;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new TargetFileError(`${fileName} contains ${Number.isNaN(data[i]) ? 'NaN' : 'an infinite value'} at index ${i}.`);
  }
  let channels: number;
  let samples: number;
  let channelMajor: Float64Array;
  if (shape.length === 1 || (shape.length === 2 && shape[0] === 1)) {
    channels = 1;
    samples = data.length;
    channelMajor = data;
  } else if (shape.length === 2 && shape[1] === 1) {
    channels = 1;
    samples = shape[0];
    channelMajor = data;
  } else if (shape.length === 2 && shape[0] <= 64 && shape[1] > 64) {
    [channels, samples] = shape;
    channelMajor = data;
  } else if (shape.length === 2 && shape[1] <= 64 && shape[0] > 64) {
    [samples, channels] = shape;
    channelMajor = new Float64Array(data.length);
    for (let k = 0; k < samples; k++) for (let c = 0; c < channels; c++) channelMajor[c * samples + k] = data[k * channels + c];
  } else {
    throw new TargetFileError(
      `${fileName} has shape ${shape.join('×') || 'scalar'}; a target is K samples (one channel) or C×K / K×C with at most 64 channels and more samples than channels.`,
    );
  }
  if (samples < 2) throw new TargetFileError(`${fileName} has ${samples} sample(s); a target needs at least 2.`);
  const values =
    samples === grid.nSamples ? Float64Array.from(channelMajor) : resampleTarget(channelMajor, channels, { duration: grid.duration, nSamples: samples }, grid);
  const bad = firstNonFiniteSample(values, grid.nSamples);
  if (bad) {
    throw new TargetFileError(
      `${fileName}: channel ${bad.channel + 1} cannot be resampled onto the ${grid.nSamples}-sample movement grid: its values are too extreme (sample ${bad.sample + 1} would be ${values[bad.channel * grid.nSamples + bad.sample]}).`,
    );
  }
  return { values, channels, fileSamples: samples };
}

/** A target read from a file, on the movement grid. */
export interface ImportedTarget {
  /** Channel-major values on the grid. */
  values: Float64Array;
  channels: number;
  /** Samples per channel in the file (resampled when not the grid's). */
  fileSamples: number;
}

/**
 * What an import did, in one line: a file of another length says it was resampled, from how many
 * samples, and that its first and last sample were put at the start and end of the movement —
 * before, a 137-sample file read "Imported f.npy: 1 channel(s) on 200 samples over 500 ms", the
 * same as a file already on the grid.
 */
export function importedTargetNotice(fileName: string, imported: ImportedTarget, grid: TargetGrid): string {
  const channels = `${imported.channels} channel${imported.channels === 1 ? '' : 's'}`;
  if (imported.fileSamples === grid.nSamples) return `Imported ${fileName}: ${channels}, ${grid.nSamples} samples over ${grid.duration} ms.`;
  return `Imported ${fileName}: ${channels}, resampled linearly from its ${imported.fileSamples} samples to the movement's ${grid.nSamples} over ${grid.duration} ms (its first sample at 0 ms, its last at ${grid.duration} ms).`;
}

/** A slow variant m(t/s) (× 1/s² optionally) of `source`, linked to it by id. */
export function makeSlowTarget(
  source: TargetMovement,
  factor: number,
  amplitudeScaling: boolean,
  options: { id: string; now?: Date },
): TargetMovement {
  if (!Number.isFinite(factor) || factor <= 0) throw new TargetFileError('The slowing factor s must be a positive number.');
  // slowParams keeps the model step: (nSamples − 1)·s must be whole
  const steps = (source.nSamples - 1) * factor;
  if (Math.abs(steps - Math.round(steps)) > 1e-9) {
    throw new TargetFileError(`s = ${factor} does not keep the time step: (samples − 1)·s = ${steps.toFixed(3)} must be a whole number.`);
  }
  // a target holds at most MAX_SAMPLES samples (the project and the model refuse more)
  if (Math.round(steps) + 1 > MAX_SAMPLES) {
    const largest = Math.floor((MAX_SAMPLES - 1) / (source.nSamples - 1));
    throw new TargetFileError(
      `s = ${factor} would give ${countText(Math.round(steps) + 1)} samples; a target has at most ${countText(MAX_SAMPLES)} (s ≤ ${largest} for this one).`,
    );
  }
  const slow = slowVariant(source.values, source.channels, { duration: source.duration, nSamples: source.nSamples }, factor, { amplitudeScaling });
  return {
    id: options.id,
    name: `${source.name} ×${factor} slower${amplitudeScaling ? ' (1/s²)' : ''}`.slice(0, 200),
    channels: slow.channels,
    nSamples: slow.nSamples,
    duration: slow.duration,
    values: slow.values,
    source: { kind: 'slow', sourceId: source.id, factor, amplitudeScaling },
    createdAt: (options.now ?? new Date()).toISOString(),
  };
}

/**
 * FNV-1a (32 bit) over the IEEE-754 bytes of the samples, as 8 hex digits: equal for identical
 * arrays, different (with overwhelming probability) after any change, even in the last bit.
 */
export function sampleFingerprint(values: Float64Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** Targets ordered for a list: each source followed by its slow variants (depth 1), orphans last. */
export function targetTree(targets: TargetMovement[]): { target: TargetMovement; depth: number; sourceName: string | null }[] {
  const byId = new Map(targets.map((t) => [t.id, t]));
  const children = new Map<string, TargetMovement[]>();
  const roots: TargetMovement[] = [];
  for (const t of targets) {
    if (t.source.kind === 'slow' && byId.has(t.source.sourceId) && t.source.sourceId !== t.id) {
      const list = children.get(t.source.sourceId) ?? [];
      list.push(t);
      children.set(t.source.sourceId, list);
    } else roots.push(t);
  }
  const out: { target: TargetMovement; depth: number; sourceName: string | null }[] = [];
  const seen = new Set<string>();
  const visit = (t: TargetMovement, depth: number): void => {
    if (seen.has(t.id)) return;
    seen.add(t.id);
    const sourceName = t.source.kind === 'slow' ? (byId.get(t.source.sourceId)?.name ?? null) : null;
    out.push({ target: t, depth, sourceName });
    for (const child of children.get(t.id) ?? []) visit(child, depth + 1);
  };
  for (const t of roots) visit(t, 0);
  for (const t of targets) visit(t, 0); // cycles: never lose a target
  return out;
}
