/**
 * The frame every chart shares — axis text, grid lines, legend marks, the value axis — so the
 * app's plots and the experiment figures (and so the CLI's SVG files) look alike. Plain option
 * objects: no ECharts import, no DOM.
 */
import { formatTickLabel } from './format.js';

/** Tick labels: one style and the shared formatter (≤ 8 characters; category strings pass through). */
export const AXIS_LABEL = { color: '#4a4a4a', fontSize: 11, formatter: formatTickLabel, hideOverlap: true };
export const AXIS_NAME = { color: '#333', fontSize: 12 };
export const SPLIT_LINE = { lineStyle: { color: '#ececec' } };
/**
 * Legend marks: solid short bars (ECharts' default draws a line with a hollow circle). Spread into
 * each chart's legend. The explicit lineHeight matters for 'scroll' legends: ECharts clips their
 * row to the item height, which with 3 px bars cut the text in half (canvas renderer).
 */
export const LEGEND_STYLE = { icon: 'rect', itemWidth: 16, itemHeight: 3, textStyle: { fontSize: 11, color: '#333', lineHeight: 14 } };

/** A value axis with its name centred along it; `extra` overrides (nameGap, min, max, scale…). */
export function valueAxis(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'value', name, nameLocation: 'middle', nameGap: 30, nameTextStyle: AXIS_NAME, axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE, scale: true, ...extra };
}
