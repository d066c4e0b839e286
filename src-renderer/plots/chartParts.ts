/**
 * Pieces the plot option modules share (plots/options.ts, analysisOptions.ts and the speed and
 * primitives views' plots): the shared chart frame (src-shared/plots/chartStyle.ts), the shared
 * number formatter, and the CSV table of a plot's data.
 */
export { AXIS_LABEL, AXIS_NAME, LEGEND_STYLE, SPLIT_LINE, valueAxis } from '../../src-shared/plots/chartStyle.js';
export { AFTER_COLOR, BEFORE_COLOR } from '../../src-shared/plots/palette.js';
export { formatNumber as fmt } from '../../src-shared/plots/format.js';
import { niceBounds } from '../../src-shared/plots/format.js';

/**
 * A value axis's fixed range: round ends (niceBounds) ticked at the step they were rounded to, so
 * ECharts picks no finer step of its own (the speed slider's '-90' against its end '-100').
 */
export function steppedRange(lo: number, hi: number): { min: number; max: number; interval: number; scale: false } {
  const { min, max, step } = niceBounds(lo, hi);
  return { min, max, interval: step, scale: false };
}

/** CSV text with a header row; non-finite numbers are empty cells, text with , " or newline is quoted. */
export function csvTable(header: string[], rows: Array<Array<number | string>>): string {
  const cell = (v: number | string) => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${[header.join(','), ...rows.map((row) => row.map(cell).join(','))].join('\n')}\n`;
}
