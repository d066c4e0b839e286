/**
 * Pieces the plot option modules share (plots/options.ts, analysisOptions.ts and the speed and
 * primitives views' plots): axis text and grid line styles, the value axis they build on, the
 * before/after-learning colours, and the CSV table of a plot's data.
 */
import { copperHex } from './palette.js';

export const AXIS_LABEL = { color: '#4a4a4a', fontSize: 11 };
export const AXIS_NAME = { color: '#333', fontSize: 12 };
export const SPLIT_LINE = { lineStyle: { color: '#ececec' } };
/** Before learning (grey) and after (copper), as the analyses and the speed view draw them. */
export const BEFORE_COLOR = '#8c8c8c';
export const AFTER_COLOR = copperHex(0.75);

/** A value axis with its name centred along it; `extra` overrides (nameGap, min, max, scale…). */
export function valueAxis(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'value', name, nameLocation: 'middle', nameGap: 30, nameTextStyle: AXIS_NAME, axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE, scale: true, ...extra };
}

/** A number for captions and labels: `digits` significant digits, '–' when not finite. */
export function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toPrecision(digits) : '–';
}

/** CSV text with a header row; non-finite numbers are empty cells, text with , " or newline is quoted. */
export function csvTable(header: string[], rows: Array<Array<number | string>>): string {
  const cell = (v: number | string) => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${[header.join(','), ...rows.map((row) => row.map(cell).join(','))].join('\n')}\n`;
}
