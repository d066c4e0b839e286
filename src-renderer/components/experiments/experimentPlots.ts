/**
 * An experiment job's result as the app shows and exports it: each figure (FigureSpec) as an
 * AnalysisPlot for PlotCard — option from the shared figureOption (the same conversion the CLI's
 * SVG uses; title in the card header, paged legend), data from figureCsv — and the whole result as
 * one .zip laid out like `gainlab experiment NAME --out DIR` (CSV per table and analysis, .npy per
 * array, SVG per figure, summary.json).
 */
import { strToU8, zipSync } from 'fflate';
import type { EChartsCoreOption } from 'echarts/core';
import type { ExperimentJobResult } from '../../../src-shared/ipc/contract.js';
import { figureCsv, resultTextFiles, summaryJson } from '../../../src-shared/experiments/figureData.js';
import { figureOption } from '../../../src-shared/experiments/figureOption.js';
import type { BoxFigure, FigureSpec } from '../../../src-shared/experiments/figureSpec.js';
import { encodeNpy } from '../../../src-shared/formats/npy.js';
import type { AnalysisPlot } from '../../plots/analysisOptions.js';
import { fmt } from '../../plots/chartParts.js';
import { plotToSvg } from '../../plots/exportPlot.js';

/** One sentence under a figure's title: what the marks are. */
export function figureCaption(figure: FigureSpec): string {
  switch (figure.kind) {
    case 'lines': {
      // a banded curve's band is drawn shaded: say so (Supp. 1d's ±1 SD, the mean ± SD panels)
      const banded = figure.series.some((s) => s.band !== undefined) ? ' Shaded: ± SD around each curve that has it.' : '';
      return `${figure.series.length} curve${figure.series.length === 1 ? '' : 's'}: ${figure.yLabel} against ${figure.xLabel}${figure.logY ? ' (log scale)' : ''}.${banded}`;
    }
    case 'box': {
      const line = figure.line ? ` Dashed: ${figure.line.name} (${fmt(figure.line.value)}).` : '';
      return `Boxes: quartiles and median, whiskers to 1.5 IQR${figure.points ? `; grey points: ${pointsCaption(figure)}` : ''}.${line}`;
    }
    case 'histogram':
      return `${figure.heights.length} bins of ${figure.xLabel}${figure.overlay ? `, with ${figure.overlay.name}` : ''}.`;
    case 'heatmap':
      return `${figure.rows} × ${figure.cols}${figure.rows > 120 || figure.cols > 120 ? ' (every few rows/columns drawn; the CSV has all)' : ''}.`;
    case 'scatter':
      return `${figure.series.map((s) => `${s.name} (${s.x.length})`).join(', ')}.`;
  }
}

/** What a box figure's grey points are, and whether a box draws only some of its values. */
function pointsCaption(figure: BoxFigure): string {
  const each = figure.pointName ? `one per ${figure.pointName}` : 'the values of each box';
  const sampled = figure.boxes.some((box, k) => (figure.points![k]?.length ?? 0) < box.count);
  return sampled ? `${each} (an even sample where a box has more; the CSV has all)` : each;
}

export function experimentPlots(result: ExperimentJobResult): AnalysisPlot[] {
  return (result.figures as unknown as FigureSpec[]).map((figure) => ({
    id: figure.name,
    title: figure.title,
    caption: figureCaption(figure),
    option: figureOption(figure, { title: false, legend: 'scroll' }) as EChartsCoreOption,
    csv: figureCsv(figure),
    square: figure.kind === 'heatmap' && figure.square === true,
  }));
}

/** The whole result as a zip, named like the CLI's output folder. */
/** gainlabVersion: the app's (its About box), recorded in summary.json as the CLI records its own. */
export function experimentArchive(result: ExperimentJobResult, gainlabVersion: string): { fileName: string; bytes: Uint8Array } {
  const entries: Record<string, Uint8Array> = {};
  const files: string[] = [];
  for (const file of resultTextFiles(result)) {
    entries[file.name] = strToU8(file.text);
    files.push(file.name);
  }
  for (const array of result.arrays) {
    entries[`${array.name}.npy`] = encodeNpy(array.data, array.shape);
    files.push(`${array.name}.npy`);
  }
  for (const plot of experimentPlots(result)) {
    entries[`${plot.id}.svg`] = strToU8(plotToSvg(plot.option, plot.title));
    files.push(`${plot.id}.svg`);
  }
  files.push('summary.json');
  const summary = summaryJson({ ...result, name: result.experiment, stopped: result.partial }, files, gainlabVersion);
  entries['summary.json'] = strToU8(`${JSON.stringify(summary, null, 2)}\n`);
  const stem = `${result.experiment}${result.quick ? '-quick' : ''}-seed${result.seed}`;
  return { fileName: `${stem}.zip`, bytes: zipSync(entries, { level: 6 }) };
}
