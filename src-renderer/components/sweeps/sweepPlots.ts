/**
 * A sweep's figures as the app draws them: the FigureSpecs of src-shared/sweeps/results.ts (box
 * plots of the final error per factor, medians against each factor) through the one figureOption
 * path the experiments use, as PlotCard plots (SVG, PNG, CSV exports); and the live plot of a
 * running sweep (each finished task's best error at its task number, from 1).
 */
import type { EChartsCoreOption } from 'echarts/core';
import { figureCsv } from '../../../src-shared/experiments/figureData.js';
import { figureOption } from '../../../src-shared/experiments/figureOption.js';
import type { FigureSpec } from '../../../src-shared/experiments/figureSpec.js';
import type { AnalysisPlot } from '../../plots/analysisOptions.js';
import { csvTable, valueAxis } from '../../plots/chartParts.js';
import { errorYAxis } from '../../plots/options.js';
import { AFTER_COLOR } from '../../plots/palette.js';
import { taskNumber } from '../../../src-shared/sweeps/results.js';
import { figureCaption } from '../experiments/experimentPlots.js';

export function sweepPlots(figures: readonly unknown[]): AnalysisPlot[] {
  return (figures as FigureSpec[]).map((figure) => ({
    id: figure.name,
    title: figure.title,
    caption: figureCaption(figure),
    option: figureOption(figure, { title: false, legend: 'scroll' }) as EChartsCoreOption,
    csv: figureCsv(figure),
  }));
}

/**
 * Each finished task's best error at its task number (log scale when every one is positive).
 * `points` are by index in the sweep (the job's points; task ids and files keep that index); the
 * plot and its CSV number tasks from 1, as the app numbers sessions and neurons.
 */
export function liveOption(points: readonly (number | undefined)[]): { option: EChartsCoreOption; csv: string } {
  const data: Array<[number, number]> = [];
  points.forEach((value, index) => {
    if (value !== undefined && Number.isFinite(value)) data.push([taskNumber(index), value]);
  });
  const log = data.length > 0 && data.every(([, v]) => v > 0);
  return {
    option: {
      animation: false,
      grid: { left: 64, right: 16, top: 12, bottom: 40 },
      xAxis: valueAxis('task', { scale: false, minInterval: 1, min: 1, max: Math.max(2, points.length) }),
      // fitted within a decade, as the workspace's error axis (best errors 0.069–0.078 sat on 0.01–0.1)
      yAxis: errorYAxis(log, 'best error', data.length > 0 ? [Math.min(...data.map(([, v]) => v)), Math.max(...data.map(([, v]) => v))] : null),
      tooltip: { trigger: 'item' },
      series: [{ type: 'scatter', name: 'best error', data, symbolSize: 6, itemStyle: { color: AFTER_COLOR } }],
    },
    csv: csvTable(['task', 'bestError'], data),
  };
}
