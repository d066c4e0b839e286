/**
 * Target movements (model-spec §8): generated EMG-like targets, slow variants, resampling onto a
 * movement grid, and CSV import/export.
 *
 * Layout: channel-major, values[c * nSamples + k] at t_k = k·h, h = duration/(nSamples − 1)
 * (the grid of params.ts `sampleTimes`).
 *
 * Generated targets [GainLab definition]: per channel, a sum of 2–4 Gaussian bumps
 *     b(t) = a · exp(−(t − c)² / (2 w²))
 * with centre c uniform in 60–440 ms, width w (the standard deviation) uniform in 25–80 ms and
 * amplitude a = ±(uniform in 5–25), sign equally likely. For a movement duration T other than
 * 500 ms the centre and width ranges scale with T/500 (the bumps stay inside the movement).
 * The sum is multiplied by a Tukey taper — half-cosine ramps w(t) = ½(1 − cos(π t / L)) over the
 * first and last L = 50 ms (× T/500), 1 in between — so the target starts and ends exactly at 0.
 * Random draws, in this order per channel and from one Rng(seed): the bump count 2 + int(3), then
 * per bump centre, width, magnitude (each one uniform()) and the sign (uniform() < ½ → negative).
 */
import { DEFAULT_DYNAMICS, slowParams } from './params.js';
import { PROJECT_LIMITS } from '../project/limits.js';
import { Rng } from './rng.js';

export interface TargetGrid {
  /** ms */
  duration: number;
  nSamples: number;
}

export const DEFAULT_TARGET_GRID: Readonly<TargetGrid> = Object.freeze({
  duration: DEFAULT_DYNAMICS.duration,
  nSamples: DEFAULT_DYNAMICS.nSamples,
});

/** The ranges of generated targets at T = 500 ms (model-spec §8). */
export const GENERATED_TARGET_SPEC = Object.freeze({
  referenceDuration: 500,
  bumpCount: [2, 4] as const,
  centreMs: [60, 440] as const,
  widthMs: [25, 80] as const,
  amplitude: [5, 25] as const,
  taperMs: 50,
});

export interface GaussianBump {
  /** ms */
  centre: number;
  /** Standard deviation, ms. */
  width: number;
  /** Signed peak height. */
  amplitude: number;
}

export interface GeneratedTarget {
  seed: number;
  channels: number;
  nSamples: number;
  duration: number;
  /** channels × nSamples, channel-major. */
  values: Float64Array;
  /** The bumps of each channel. */
  bumps: GaussianBump[][];
}

function checkGrid(grid: TargetGrid): void {
  if (!(Number.isFinite(grid.duration) && grid.duration > 0)) throw new RangeError(`duration must be positive, got ${grid.duration}`);
  if (!Number.isInteger(grid.nSamples) || grid.nSamples < 2) throw new RangeError(`nSamples must be an integer ≥ 2, got ${grid.nSamples}`);
}

/** t_k = k·h, h = duration/(nSamples − 1), as params.ts sampleTimes. */
export function gridTimes(grid: TargetGrid): Float64Array {
  checkGrid(grid);
  const h = grid.duration / (grid.nSamples - 1);
  const times = new Float64Array(grid.nSamples);
  for (let k = 0; k < grid.nSamples; k++) times[k] = k * h;
  return times;
}

/** The Tukey taper at grid point k: exactly 0 at k = 0 and k = nSamples − 1. */
function taperAt(k: number, grid: TargetGrid, taperLength: number): number {
  const h = grid.duration / (grid.nSamples - 1);
  // Distances from both ends in whole steps, so the last point is exactly 0 too.
  const fromStart = k * h;
  const fromEnd = (grid.nSamples - 1 - k) * h;
  const edge = Math.min(fromStart, fromEnd);
  if (edge >= taperLength) return 1;
  return 0.5 * (1 - Math.cos((Math.PI * edge) / taperLength));
}

/** A generated EMG-like target on `grid` (see the header comment), reproducible from `seed`. */
export function generateTarget(seed: number, grid: TargetGrid = DEFAULT_TARGET_GRID, channels = 1): GeneratedTarget {
  checkGrid(grid);
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`channels must be an integer ≥ 1, got ${channels}`);
  const spec = GENERATED_TARGET_SPEC;
  const scale = grid.duration / spec.referenceDuration;
  const rng = new Rng(seed);
  const times = gridTimes(grid);
  const taperLength = spec.taperMs * scale;
  const values = new Float64Array(channels * grid.nSamples);
  const bumps: GaussianBump[][] = [];
  for (let c = 0; c < channels; c++) {
    const count = spec.bumpCount[0] + rng.int(spec.bumpCount[1] - spec.bumpCount[0] + 1);
    const channelBumps: GaussianBump[] = [];
    for (let b = 0; b < count; b++) {
      const centre = (spec.centreMs[0] + (spec.centreMs[1] - spec.centreMs[0]) * rng.uniform()) * scale;
      const width = (spec.widthMs[0] + (spec.widthMs[1] - spec.widthMs[0]) * rng.uniform()) * scale;
      const magnitude = spec.amplitude[0] + (spec.amplitude[1] - spec.amplitude[0]) * rng.uniform();
      const sign = rng.uniform() < 0.5 ? -1 : 1;
      channelBumps.push({ centre, width, amplitude: sign * magnitude });
    }
    bumps.push(channelBumps);
    const row = c * grid.nSamples;
    for (let k = 0; k < grid.nSamples; k++) {
      let sum = 0;
      for (const bump of channelBumps) {
        const z = (times[k] - bump.centre) / bump.width;
        sum += bump.amplitude * Math.exp(-0.5 * z * z);
      }
      values[row + k] = sum * taperAt(k, grid, taperLength);
    }
  }
  return { seed, channels, nSamples: grid.nSamples, duration: grid.duration, values, bumps };
}

// ---------------------------------------------------------------------------------------------
// Interpolation
// ---------------------------------------------------------------------------------------------

/** Linear interpolation of one row at fractional index u (clamped to the ends). */
export function valueAtIndex(values: Float64Array, offset: number, length: number, u: number): number {
  if (u <= 0) return values[offset];
  if (u >= length - 1) return values[offset + length - 1];
  const j = Math.floor(u);
  const f = u - j;
  const a = values[offset + j];
  // f = 0 returns the sample itself bit for bit.
  return f === 0 ? a : a + f * (values[offset + j + 1] - a);
}

/**
 * Resample channel-major `values` from one grid onto another by linear interpolation. The time
 * axis is stretched so [0, from.duration] maps onto [0, to.duration] (with equal durations this is
 * plain resampling; samples on shared grid points are copied exactly).
 */
export function resampleTarget(values: Float64Array, channels: number, from: TargetGrid, to: TargetGrid): Float64Array {
  checkGrid(from);
  checkGrid(to);
  if (values.length !== channels * from.nSamples) {
    throw new RangeError(`values has ${values.length} entries, expected channels·nSamples = ${channels * from.nSamples}`);
  }
  const out = new Float64Array(channels * to.nSamples);
  const ratio = (from.nSamples - 1) / (to.nSamples - 1);
  for (let c = 0; c < channels; c++) {
    for (let k = 0; k < to.nSamples; k++) {
      out[c * to.nSamples + k] = valueAtIndex(values, c * from.nSamples, from.nSamples, k * ratio);
    }
  }
  return out;
}

/**
 * Linear interpolation of channel-major samples taken at increasing `times` (channels × times.length)
 * at `at` (values outside [times[0], times[last]] are held at the end values).
 */
export function interpolateAtTimes(times: Float64Array, values: Float64Array, channels: number, at: Float64Array): Float64Array {
  const n = times.length;
  if (values.length !== channels * n) throw new RangeError(`values has ${values.length} entries, expected ${channels * n}`);
  const out = new Float64Array(channels * at.length);
  let j = 0;
  for (let k = 0; k < at.length; k++) {
    const t = at[k];
    // `at` is normally increasing: advance j; fall back to a restart if not.
    if (j > 0 && t < times[j]) j = 0;
    while (j < n - 2 && times[j + 1] <= t) j++;
    for (let c = 0; c < channels; c++) {
      const row = c * n;
      let v: number;
      if (t <= times[0]) v = values[row];
      else if (t >= times[n - 1]) v = values[row + n - 1];
      else {
        const f = (t - times[j]) / (times[j + 1] - times[j]);
        const a = values[row + j];
        v = f === 0 ? a : a + f * (values[row + j + 1] - a);
      }
      out[c * at.length + k] = v;
    }
  }
  return out;
}

/**
 * The first non-finite value of channel-major samples as { channel, sample } (0-based), or null.
 * Resampling finite values can still overflow (a + f·(b − a) with a, b near ±1.8e308), so imports
 * check what they resampled.
 */
export function firstNonFiniteSample(values: Float64Array, nSamples: number): { channel: number; sample: number } | null {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) return { channel: Math.floor(i / nSamples), sample: i % nSamples };
  }
  return null;
}

/**
 * Σ_c Σ_k (m*_ck − mean_k m*_c)²: the spread of a channel-major target about each channel's mean,
 * the denominator of the normalised error (dynamics.ts normalisedError). 0 for a target that does
 * not vary, Infinity when its values are too large to square: no error can be measured against it.
 */
export function targetSpread(values: Float64Array, channels: number, nSamples: number): number {
  let spread = 0;
  for (let c = 0; c < channels; c++) {
    const row = values.subarray(c * nSamples, (c + 1) * nSamples);
    const mean = row.reduce((a, b) => a + b, 0) / nSamples;
    for (const v of row) spread += (v - mean) * (v - mean);
  }
  return spread;
}

// ---------------------------------------------------------------------------------------------
// Slow variants
// ---------------------------------------------------------------------------------------------

export interface SlowVariant {
  values: Float64Array;
  channels: number;
  nSamples: number;
  duration: number;
  factor: number;
  amplitudeScaling: boolean;
}

/**
 * m_s(t) = m(t/s) over s·T with the same step h (params.ts slowParams: nSamples = (n−1)·s + 1,
 * which needs (n−1)·s whole), linear interpolation between the original samples; × 1/s² when
 * `amplitudeScaling`. For integer s every s-th sample equals an original sample exactly.
 */
export function slowVariant(
  values: Float64Array,
  channels: number,
  grid: TargetGrid,
  factor: number,
  options: { amplitudeScaling?: boolean } = {},
): SlowVariant {
  checkGrid(grid);
  if (values.length !== channels * grid.nSamples) {
    throw new RangeError(`values has ${values.length} entries, expected channels·nSamples = ${channels * grid.nSamples}`);
  }
  const slow = slowParams({ ...DEFAULT_DYNAMICS, duration: grid.duration, nSamples: grid.nSamples }, factor);
  const amplitudeScaling = options.amplitudeScaling ?? false;
  const gain = amplitudeScaling ? 1 / (factor * factor) : 1;
  const out = new Float64Array(channels * slow.nSamples);
  for (let c = 0; c < channels; c++) {
    for (let k = 0; k < slow.nSamples; k++) {
      // t'_k = k·h on the slow grid maps to t'_k / s = (k/s)·h on the original one: index k/s.
      const v = valueAtIndex(values, c * grid.nSamples, grid.nSamples, k / factor);
      out[c * slow.nSamples + k] = amplitudeScaling ? v * gain : v;
    }
  }
  return { values: out, channels, nSamples: slow.nSamples, duration: slow.duration, factor, amplitudeScaling };
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

export class TargetCsvError extends Error {
  /** 1-based line of the file, when the problem is on one line. */
  readonly line: number | null;
  constructor(message: string, line: number | null = null) {
    super(message);
    this.name = 'TargetCsvError';
    this.line = line;
  }
}

export interface ParsedTargetCsv {
  /** Column names when the first row is a header, else null. */
  header: string[] | null;
  /** Times (first column) when the file has a time column, else null. */
  times: Float64Array | null;
  channels: number;
  rows: number;
  /** channels × rows, channel-major. */
  values: Float64Array;
  channelNames: string[];
}

export type TimeColumnMode = 'auto' | 'first' | 'none';

const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TIME_HEADER_PATTERN = /^(t|time|times|ms|s|sec|seconds|t[ _]?\(?(ms|s)\)?|time[ _]?\(?(ms|s|sec)\)?)$/i;

function detectDelimiter(line: string): string {
  if (line.includes('\t')) return '\t';
  if (line.includes(';') && !line.includes(',')) return ';';
  return ',';
}

function splitRow(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((cell) => cell.trim().replace(/^"(.*)"$/, '$1').trim());
}

/**
 * Parse a target CSV: one column per channel, one row per sample; an optional header row
 * (detected: a first row with any non-numeric cell); an optional time column (first column),
 * taken when `timeColumn` is 'first', or in 'auto' mode when the header names it (t, time,
 * time_ms, ms, ...). Delimiter: comma, semicolon or tab (detected). Blank lines and lines starting
 * with '#' are skipped. Throws TargetCsvError naming the line for ragged or non-numeric rows.
 */
export function parseTargetCsv(text: string, options: { timeColumn?: TimeColumnMode } = {}): ParsedTargetCsv {
  const mode = options.timeColumn ?? 'auto';
  const lines: { line: number; text: string }[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .forEach((raw, i) => {
      const trimmed = raw.trim();
      if (trimmed !== '' && !trimmed.startsWith('#')) lines.push({ line: i + 1, text: trimmed });
    });
  if (lines.length === 0) throw new TargetCsvError('the CSV file is empty: it has no rows of numbers');
  const delimiter = detectDelimiter(lines[0].text);
  const firstCells = splitRow(lines[0].text, delimiter);
  const hasHeader = firstCells.some((cell) => !NUMBER_PATTERN.test(cell));
  const header = hasHeader ? firstCells : null;
  const dataLines = hasHeader ? lines.slice(1) : lines;
  const columns = firstCells.length;
  const hasTime = mode === 'first' || (mode === 'auto' && header !== null && TIME_HEADER_PATTERN.test(header[0]));
  if (hasTime && columns < 2) {
    throw new TargetCsvError(`line ${lines[0].line}: with a time column the CSV needs at least one more column of values`, lines[0].line);
  }
  if (columns - (hasTime ? 1 : 0) > PROJECT_LIMITS.channels) {
    throw new TargetCsvError(
      `line ${lines[0].line} has ${columns - (hasTime ? 1 : 0)} columns of values; a target has at most ${PROJECT_LIMITS.channels} channels`,
      lines[0].line,
    );
  }
  if (dataLines.length < 2) {
    throw new TargetCsvError(
      `the CSV file has ${dataLines.length === 0 ? 'no data rows' : 'only 1 data row'}; a movement needs at least 2 samples`,
    );
  }
  const rows = dataLines.length;
  const channels = hasTime ? columns - 1 : columns;
  const values = new Float64Array(channels * rows);
  const times = hasTime ? new Float64Array(rows) : null;
  dataLines.forEach(({ line, text: rowText }, r) => {
    const cells = splitRow(rowText, delimiter);
    if (cells.length !== columns) {
      throw new TargetCsvError(
        `line ${line} has ${cells.length} value${cells.length === 1 ? '' : 's'} but the ${hasHeader ? 'header' : 'first row'} has ${columns} column${columns === 1 ? '' : 's'}`,
        line,
      );
    }
    cells.forEach((cell, col) => {
      if (cell === '') throw new TargetCsvError(`line ${line}, column ${col + 1} is empty`, line);
      if (!NUMBER_PATTERN.test(cell)) {
        throw new TargetCsvError(`line ${line}, column ${col + 1}: "${cell.slice(0, 40)}" is not a number`, line);
      }
      const value = Number(cell);
      if (!Number.isFinite(value)) throw new TargetCsvError(`line ${line}, column ${col + 1}: "${cell.slice(0, 40)}" is too large`, line);
      if (times && col === 0) times[r] = value;
      else values[(hasTime ? col - 1 : col) * rows + r] = value;
    });
    if (times && r > 0 && !(times[r] > times[r - 1])) {
      throw new TargetCsvError(`line ${line}: the time column must increase, but ${times[r]} follows ${times[r - 1]}`, line);
    }
  });
  const channelNames = header ? header.slice(hasTime ? 1 : 0) : Array.from({ length: channels }, (_, c) => `channel ${c + 1}`);
  return { header, times, channels, rows, values, channelNames };
}

export interface ImportedTarget {
  values: Float64Array;
  channels: number;
  nSamples: number;
  duration: number;
  channelNames: string[];
  /** The time span of the CSV's time column (its units), or null without one. */
  sourceSpan: number | null;
}

/**
 * CSV → target on the movement grid. With a time column, the CSV's span [t_first, t_last] is
 * mapped onto [0, duration] and the values interpolated linearly at the grid times; without one,
 * the rows are taken as evenly spaced over [0, duration]. Exported files (targetToCsv) come back
 * bit for bit on the same grid.
 */
export function importTargetCsv(
  text: string,
  options: { duration?: number; nSamples?: number; timeColumn?: TimeColumnMode } = {},
): ImportedTarget {
  const grid: TargetGrid = {
    duration: options.duration ?? DEFAULT_TARGET_GRID.duration,
    nSamples: options.nSamples ?? DEFAULT_TARGET_GRID.nSamples,
  };
  checkGrid(grid);
  const parsed = parseTargetCsv(text, { timeColumn: options.timeColumn });
  let values: Float64Array;
  let sourceSpan: number | null = null;
  if (parsed.times) {
    const t0 = parsed.times[0];
    const span = parsed.times[parsed.rows - 1] - t0;
    sourceSpan = span;
    // Same span as the grid (the usual case, and every exported file): keep the times as they are.
    const scale = Math.abs(span - grid.duration) <= 1e-12 * grid.duration ? 1 : grid.duration / span;
    const mapped = new Float64Array(parsed.rows);
    for (let r = 0; r < parsed.rows; r++) mapped[r] = scale === 1 ? parsed.times[r] - t0 : (parsed.times[r] - t0) * scale;
    values = interpolateAtTimes(mapped, parsed.values, parsed.channels, gridTimes(grid));
  } else {
    values = resampleTarget(parsed.values, parsed.channels, { duration: grid.duration, nSamples: parsed.rows }, grid);
  }
  const bad = firstNonFiniteSample(values, grid.nSamples);
  if (bad) {
    throw new TargetCsvError(
      `column ${bad.channel + 1 + (parsed.times ? 1 : 0)} cannot be resampled onto the ${grid.nSamples}-sample movement grid: its values${parsed.times ? ' or the times' : ''} are too extreme (sample ${bad.sample + 1} would be ${values[bad.channel * grid.nSamples + bad.sample]})`,
    );
  }
  return { values, channels: parsed.channels, nSamples: grid.nSamples, duration: grid.duration, channelNames: parsed.channelNames, sourceSpan };
}

/** Shortest text that reads back as the same double (keeps −0). */
function formatNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** Target → CSV: header `time_ms,<channel names>`, one row per grid sample, full precision. */
export function targetToCsv(
  values: Float64Array,
  channels: number,
  grid: TargetGrid,
  options: { channelNames?: string[]; timeColumn?: boolean } = {},
): string {
  checkGrid(grid);
  if (values.length !== channels * grid.nSamples) {
    throw new RangeError(`values has ${values.length} entries, expected channels·nSamples = ${channels * grid.nSamples}`);
  }
  const withTime = options.timeColumn ?? true;
  const names = (options.channelNames ?? Array.from({ length: channels }, (_, c) => `channel_${c + 1}`)).map((name) =>
    /[,;\t"\n]/.test(name) ? `"${name.replace(/[",;\t\n]/g, ' ')}"` : name,
  );
  const times = gridTimes(grid);
  const lines: string[] = [(withTime ? ['time_ms', ...names] : names).join(',')];
  for (let k = 0; k < grid.nSamples; k++) {
    const cells: string[] = withTime ? [formatNumber(times[k])] : [];
    for (let c = 0; c < channels; c++) cells.push(formatNumber(values[c * grid.nSamples + k]));
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}
