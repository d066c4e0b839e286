/**
 * The runs browser's comparison plot: the error curve of each selected run's best session, one
 * line per run, on a shared trial (or iteration) axis. Pure (tested without the DOM).
 */
import { AXIS_LABEL, AXIS_NAME, LEGEND_STYLE, SPLIT_LINE } from './chartParts.js';
import { errorRange, errorYAxis, formatError, type ChartOption } from './options.js';
import { SESSION_COLORS } from './palette.js';
import { decimatedPoints } from './curveDecimation.js';

export interface RunCurve {
  id: string;
  name: string;
  /** Error of every trial of the run's best session (entry 0 = the starting gains). */
  values: ArrayLike<number>;
}

/** Widest legend entry (px) before its name is cut. */
export const LEGEND_NAME_WIDTH = 200;

export function runCurvesOption(curves: readonly RunCurve[], logY: boolean, xName = 'trial'): ChartOption {
  // long runs draw quickly, and each curve's lowest error and envelope stay exact (every k-th
  // point, as before, could leave a run's best trial out of its own curve)
  const drawn = curves.map((curve) => decimatedPoints(curve.values));
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 34, bottom: 40 },
    // run names are long: each is cut with an ellipsis (the full name on hover) so several fit a row
    legend: {
      top: 6,
      left: 70,
      right: 8,
      type: 'scroll',
      ...LEGEND_STYLE,
      textStyle: { ...LEGEND_STYLE.textStyle, width: LEGEND_NAME_WIDTH, overflow: 'truncate', ellipsis: '…' },
      tooltip: { show: true },
    },
    tooltip: { trigger: 'axis', valueFormatter: (value) => formatError(typeof value === 'number' ? value : null) },
    xAxis: { type: 'value', name: xName, nameLocation: 'middle', nameGap: 26, nameTextStyle: AXIS_NAME, min: 0, axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
    yAxis: errorYAxis(logY, undefined, errorRange(drawn)),
    series: curves.map((curve, k) => ({
      id: curve.id,
      name: curve.name,
      type: 'line' as const,
      symbol: 'none',
      data: drawn[k],
      lineStyle: { width: 1.5, color: SESSION_COLORS[k % SESSION_COLORS.length] },
      itemStyle: { color: SESSION_COLORS[k % SESSION_COLORS.length] },
    })),
  };
}
