/**
 * Pieces the plot option modules share (plots/options.ts, analysisOptions.ts and the speed and
 * primitives views' plots): the shared chart frame (src-shared/plots/chartStyle.ts), the shared
 * number formatter, and the CSV table of a plot's data.
 */
export { AXIS_LABEL, AXIS_NAME, LEGEND_STYLE, SPLIT_LINE, valueAxis } from '../../src-shared/plots/chartStyle.js';
export { AFTER_COLOR, BEFORE_COLOR } from '../../src-shared/plots/palette.js';
export { formatNumber as fmt } from '../../src-shared/plots/format.js';

/** CSV text with a header row; non-finite numbers are empty cells, text with , " or newline is quoted. */
export function csvTable(header: string[], rows: Array<Array<number | string>>): string {
  const cell = (v: number | string) => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${[header.join(','), ...rows.map((row) => row.map(cell).join(','))].join('\n')}\n`;
}
