/**
 * The ONE number formatter of every chart and caption: the app's ECharts options (src-renderer/plots),
 * the experiment figures (src-shared/experiments/figureOption.ts) and so the CLI's SVG files.
 * Axis ticks are at most `MAX_TICK_CHARS` characters: ECharts places its own ticks on round
 * values, but an axis with a data-driven min or max labels that raw value too (a final-error axis
 * once read `3.2253976079523197`). Plain data: no DOM, no ECharts.
 */

/** The longest tick label any chart may draw (checked by the visual e2e spec). */
export const MAX_TICK_CHARS = 8;

const SI_PREFIXES: Array<[number, string]> = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** `value` with at most `digits` significant digits and no trailing zeros (0.250 → "0.25"). */
function shortest(value: number, digits: number): string {
  return String(Number(value.toPrecision(digits)));
}

/**
 * An axis tick: as short as the value allows, never longer than MAX_TICK_CHARS.
 * 10 → "10", 0.25 → "0.25", 3.2253976 → "3.225", 12 000 → "12k" (SI prefix from 10⁴: trial counts
 * read as 5000 but 20k), 0.00025 → "2.5e-4" (scientific below 10⁻³).
 */
export function formatTick(value: number): string {
  if (Number.isNaN(value)) return '';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4) {
    for (const [scale, prefix] of SI_PREFIXES) {
      if (magnitude >= scale && magnitude < scale * 1000) {
        for (let digits = 3; digits >= 1; digits--) {
          const text = `${shortest(value / scale, digits)}${prefix}`;
          if (text.length <= MAX_TICK_CHARS) return text;
        }
      }
    }
    return exponential(value);
  }
  if (magnitude < 1e-3) return exponential(value);
  for (let digits = 4; digits >= 1; digits--) {
    const text = shortest(value, digits);
    if (text.length <= MAX_TICK_CHARS) return text;
  }
  return exponential(value);
}

/** 2.5e-4, -1e+15 → "-1e15": mantissa with up to 2 significant digits, exponent without "+". */
function exponential(value: number): string {
  for (let digits = 2; digits >= 1; digits--) {
    const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
    const text = `${String(Number(mantissa))}e${exponent.replace('+', '')}`;
    if (text.length <= MAX_TICK_CHARS || digits === 1) return text;
  }
  return value.toExponential(0);
}

/** A tick formatter for axes whose labels may be numbers or category strings (strings pass through). */
export function formatTickLabel(value: number | string): string {
  return typeof value === 'number' ? formatTick(value) : value;
}

/** A number for captions and labels: `digits` significant digits, '–' when not finite. */
export function formatNumber(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toPrecision(digits) : '–';
}

/** An axis title with its unit: axisTitle('time', 'ms') → "time (ms)"; no unit → the name alone. */
export function axisTitle(name: string, unit?: string): string {
  return unit ? `${name} (${unit})` : name;
}

/** "1 session", "3 sessions" (`plural` for irregular words). */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : plural}`;
}

/** 1, 2, 5 × 10^k at or above `value`: readable axis and colour-scale limits. */
export function niceCeil(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return value;
  const exponent = Math.floor(Math.log10(value));
  const base = 10 ** exponent;
  for (const step of [1, 2, 5, 10]) if (step * base >= value * (1 - 1e-12)) return step * base;
  return 10 * base;
}

/** The largest 1-2-5 value (1, 2 or 5 times a power of ten) at or below a positive value. */
export function niceFloor(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return value;
  const base = 10 ** Math.floor(Math.log10(value));
  for (const step of [5, 2]) if (step * base <= value * (1 + 1e-12)) return Number((step * base).toPrecision(12));
  return Number(base.toPrecision(12));
}

/**
 * Eigenvalues are drawn in 1/s everywhere (run analyses, speed view, experiment figures, the
 * network's spectrum of the linearisation): the model's time unit is the ms, so λ in 1/ms is
 * multiplied by this. With τ = 200 ms the spectrum spans a few 1/s, which reads as plain
 * numbers (−4.3) where 1/ms would need −0.0043.
 */
export const PER_MS_TO_PER_S = 1000;
export const EIGENVALUE_UNIT = '1/s';

/** Eigenvalues (or rates) in 1/ms as drawn and exported: in 1/s. */
export function perSecond(perMs: ArrayLike<number>): Float64Array {
  return Float64Array.from(perMs, (v) => v * PER_MS_TO_PER_S);
}

/**
 * Round axis bounds around [lo, hi]: multiples of a 1-2-5 step giving about `ticks` intervals, so
 * the end labels are ticks of the same step as the rest (a histogram's raw first edge once drew
 * "0.8253" beside the tick "0.85").
 */
export function niceBounds(lo: number, hi: number, ticks = 5): { min: number; max: number; step: number } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { min: 0, max: 1, step: 0.2 };
  if (hi - lo <= 0) {
    const half = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    return niceBounds(lo - half, hi + half, ticks);
  }
  const step = niceCeil((hi - lo) / ticks);
  // snap to the step's grid, tolerating float noise (0.30000000000000004 → 0.3)
  const snap = (v: number) => Number((Math.round(v / step) * step).toPrecision(12));
  const min = snap(Math.floor(lo / step + 1e-9) * step);
  const max = snap(Math.ceil(hi / step - 1e-9) * step);
  return { min, max, step };
}

/**
 * A log axis fitted to data within one decade: ECharts rounds a log axis out to whole decades and
 * ticks only those, so a slow-variant run whose error goes 1.37 → 1.04 was a flat line on an axis
 * from 1 to 10 with no tick between. Within a decade the axis ends on round values around the data
 * (niceBounds' 1-2-5 step) and is ticked at the steps between them that leave room for their labels
 * (spacedLogTicks); null when the data span a decade or more (whole decades read well there) or
 * hold no positive finite range.
 */
export function fittedLogRange(range: readonly [number, number] | null): { min: number; max: number; ticks: number[] } | null {
  if (!range) return null;
  const [lo, hi] = range;
  if (!(lo > 0) || !Number.isFinite(hi) || hi / lo >= 10) return null;
  const { min: stepMin, max, step } = niceBounds(lo, hi);
  // A step grid that reaches 0 cannot start a log axis. Starting at the decade under the data put
  // errors 0.98–4.18 on an axis from 0.1 (a third of the height empty, ticks 2–5 crowded at the
  // top); the 1-2-5 value just under the data (0.5 here) keeps the axis around them.
  const min = stepMin > 0 ? stepMin : niceFloor(lo);
  const ticks = [min];
  for (let k = Math.ceil(min / step + 1e-9); k * step <= max * (1 + 1e-12); k++) ticks.push(Number((k * step).toPrecision(12)));
  return { min, max, ticks: spacedLogTicks(ticks) };
}

/**
 * The least distance between neighbouring labels of a fitted log axis, as a fraction of the axis's
 * height. Evenly stepped values crowd towards the top of a log axis: on 0.5–5 the labels 4 and 5
 * were 9.7 % of the height apart (a plot 180 px high: 17 px, the labels all but touching); 1 and 1.5
 * on 0.1–1.5 (15 %) read well and stay.
 */
export const MIN_LOG_TICK_GAP = 0.12;

/**
 * `ticks` (ascending, positive) thinned so that no two neighbours are closer than MIN_LOG_TICK_GAP
 * of the axis from the first to the last: both ends stay (they are the axis's bounds), an
 * intermediate tick too close to the one kept below it or to the top end goes (0.5, 1, 2, 3, 4, 5
 * → 0.5, 1, 2, 3, 5).
 */
export function spacedLogTicks(ticks: readonly number[], minGap = MIN_LOG_TICK_GAP): number[] {
  if (ticks.length <= 2) return [...ticks];
  const first = ticks[0];
  const last = ticks[ticks.length - 1];
  const span = Math.log10(last / first);
  if (!(span > 0)) return [...ticks];
  const height = (value: number) => Math.log10(value / first) / span;
  const tolerance = 1e-9;
  const kept = [first];
  for (let k = 1; k < ticks.length - 1; k++) {
    const at = height(ticks[k]);
    if (at - height(kept[kept.length - 1]) >= minGap - tolerance && 1 - at >= minGap - tolerance) kept.push(ticks[k]);
  }
  kept.push(last);
  return kept;
}
