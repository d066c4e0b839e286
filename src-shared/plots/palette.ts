/**
 * The ONE palette of every chart: the app's plots (src-renderer/plots and the views' option
 * builders), the experiment figures (src-shared/experiments/figureOption.ts) and so the CLI's SVG
 * files. Outputs over training use the copper map the paper uses for them (dark early, bright
 * copper late). The authors plotted with MATLAB, whose `copper` is
 * min(1, x·[1.2500 0.7812 0.4975]) (matplotlib's differs slightly: red saturates at 0.809524).
 * Rates use a diverging blue–white–copper map centred on baseline (0 Hz relative).
 */

export function copperRgb(x: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, x));
  return [Math.min(1, 1.25 * t), 0.7812 * t, 0.4975 * t];
}

function hex(channel: number): string {
  return Math.round(Math.min(1, Math.max(0, channel)) * 255)
    .toString(16)
    .padStart(2, '0');
}

export function rgbHex([r, g, b]: [number, number, number]): string {
  return `#${hex(r)}${hex(g)}${hex(b)}`;
}

export function copperHex(x: number): string {
  return rgbHex(copperRgb(x));
}

/**
 * `count` copper shades for outputs ordered from early to late training. Starts at 0.25 rather
 * than 0 so the earliest curve is dark brown, not black (the target is drawn in black).
 */
export function copperSeries(count: number, from = 0.25, to = 0.95): string[] {
  if (count <= 0) return [];
  if (count === 1) return [copperHex(to)];
  return Array.from({ length: count }, (_, k) => copperHex(from + ((to - from) * k) / (count - 1)));
}

export const TARGET_COLOR = '#1a1a1a';
/** Categorical series (sessions, runs, initial conditions, figure curves): distinguishable, quiet. */
export const SERIES_COLORS = ['#b86b2e', '#3b6e8f', '#6f8f3b', '#8f3b6e', '#5a5a5a', '#c49a2c', '#2c9c8f', '#7d5ba6'];
/** Sessions of one job on the error plot (the categorical colours). */
export const SESSION_COLORS = SERIES_COLORS;
/** Diverging map for rates relative to baseline: negative blue, zero white, positive copper-red. */
export const RATE_COLORS = ['#2b5c8a', '#8fb3d1', '#f7f7f5', '#e0a878', '#a4451c'];
/** Before learning (grey) and after (copper), as the analyses and the speed view draw them. */
export const BEFORE_COLOR = '#8c8c8c';
export const AFTER_COLOR = copperHex(0.75);
/** Eigenvalues of a network (spectrum plots). */
export const POINT_COLOR = '#3b6e8f';
/** Reference lines: a stability limit (solid) and a target value (dashed). */
export const LIMIT_COLOR = '#c0392b';
export const REFERENCE_COLOR = '#a4602f';
/**
 * Colours the paper's legends name (Supp. Fig. 1d gains 1 blue / trained red, Supp. 2b G = 10 blue /
 * G = 20 black / neuron-specific red, Supp. 2h blue / red, Supp. 7 fast blue / slow orange): the
 * authors' MATLAB defaults (blue [0 .447 .741], orange [.85 .325 .098]) and a plain red and black.
 */
export const PAPER_COLORS = { blue: '#0072bd', red: '#d62728', orange: '#d95319', black: '#1a1a1a' } as const;
/** Neutral marks: reference lines in figures, individual data points. */
export const NEUTRAL_COLOR = '#555555';

/** [r, g, b] (0–255) of v ∈ [−1, 1] on the diverging RATE_COLORS map (piecewise linear between its stops). */
export function divergingRgb(v: number): [number, number, number] {
  const t = (Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0)) + 1) / 2;
  const position = t * (RATE_COLORS.length - 1);
  const k = Math.min(RATE_COLORS.length - 2, Math.floor(position));
  const f = position - k;
  const channel = (hex: string, i: number) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  return [0, 1, 2].map((i) => Math.round(channel(RATE_COLORS[k], i) * (1 - f) + channel(RATE_COLORS[k + 1], i) * f)) as [number, number, number];
}

/**
 * `levels` colours of the diverging map from −1 to 1 as r, g, b bytes: a lookup table for images
 * drawn pixel by pixel (the weight matrix of an N = 1000 network is a million pixels).
 */
export function divergingTable(levels = 512): Uint8Array {
  const table = new Uint8Array(3 * levels);
  for (let k = 0; k < levels; k++) table.set(divergingRgb(-1 + (2 * k) / (levels - 1)), 3 * k);
  return table;
}

/**
 * The diverging map as one RGBA word per level, in the byte order of an ImageData's pixels on
 * this machine (the bytes are written through a byte view, so either endianness is right): an
 * image of a million weights is then one table read and one word written per pixel.
 */
export function divergingPixelTable(levels = 512): Uint32Array {
  const rgb = divergingTable(levels);
  const words = new Uint32Array(levels);
  const bytes = new Uint8Array(words.buffer);
  for (let k = 0; k < levels; k++) {
    bytes[4 * k] = rgb[3 * k];
    bytes[4 * k + 1] = rgb[3 * k + 1];
    bytes[4 * k + 2] = rgb[3 * k + 2];
    bytes[4 * k + 3] = 255;
  }
  return words;
}

/** The level (0 … levels − 1) of `value` on a map clipped at ±limit; NaN is the middle (0). */
export function divergingLevel(value: number, limit: number, levels: number): number {
  const ratio = value / limit;
  const v = ratio > 1 ? 1 : ratio < -1 ? -1 : ratio === ratio ? ratio : 0;
  return Math.round((v + 1) * 0.5 * (levels - 1));
}
