/**
 * The runs browser's comparison plot: the error curve of each selected run's best session, one
 * line per run, on a shared trial (or iteration) axis. Pure (tested without the DOM).
 */
import { AXIS_LABEL, AXIS_NAME, SPLIT_LINE } from './chartParts.js';
import { errorRange, errorYAxis, formatError, type ChartOption } from './options.js';
import { SESSION_COLORS } from './palette.js';
import { decimatedPoints } from './curveDecimation.js';

export interface RunCurve {
  id: string;
  name: string;
  /** Error of every trial of the run's best session (entry 0 = the starting gains). */
  values: ArrayLike<number>;
}

/** The colour of the k-th ticked run's curve (the chart and the runs browser's list of names). */
export function runCurveColor(k: number): string {
  return SESSION_COLORS[k % SESSION_COLORS.length];
}

export function runCurvesOption(curves: readonly RunCurve[], logY: boolean, xName = 'trial'): ChartOption {
  // long runs draw quickly, and each curve's lowest error and envelope stay exact (every k-th
  // point, as before, could leave a run's best trial out of its own curve)
  const drawn = curves.map((curve) => decimatedPoints(curve.values));
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 14, bottom: 40 },
    // no legend in the chart: run names are long, and a scroll legend in a card of 1280 × 800
    // showed one name of two (the others behind its arrows). The runs browser lists the ticked
    // runs' whole names above the chart, each with its curve's colour (runCurveColor).
    legend: { show: false },
    tooltip: { trigger: 'axis', valueFormatter: (value) => formatError(typeof value === 'number' ? value : null) },
    xAxis: { type: 'value', name: xName, nameLocation: 'middle', nameGap: 26, nameTextStyle: AXIS_NAME, min: 0, axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
    yAxis: errorYAxis(logY, undefined, errorRange(drawn)),
    series: curves.map((curve, k) => ({
      id: curve.id,
      name: curve.name,
      type: 'line' as const,
      symbol: 'none',
      data: drawn[k],
      lineStyle: { width: 1.5, color: runCurveColor(k) },
      itemStyle: { color: runCurveColor(k) },
    })),
  };
}
