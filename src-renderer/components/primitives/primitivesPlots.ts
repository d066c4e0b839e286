/**
 * The primitives view's plots as pure functions of the data (option for the screen and the
 * SVG/PNG export, csv for the data), in the AnalysisPlot shape PlotCard shows and exports.
 */
import type { AnalysisPlot } from '../../plots/analysisOptions.js';
import { AXIS_LABEL, AXIS_NAME, csvTable, LEGEND_STYLE, SPLIT_LINE } from '../../plots/chartParts.js';
import { errorRange, errorYAxis, formatError, niceCeil, outputPlotOption, type ChartOption } from '../../plots/options.js';
import { BEFORE_COLOR, copperHex, SERIES_COLORS } from '../../plots/palette.js';

export const FIT_COLOR = SERIES_COLORS[1];
export const OUTPUT_COLOR = copperHex(0.8);
export const SCRATCH_COLOR = BEFORE_COLOR;

/** Widest room for the pattern names left of the bars (px); longer names end in '…' (the tooltip has them whole). */
const NAME_ROOM_PX = 170;
/** Width of a character of the 11 px axis font, a little generous (names are mostly lower case). */
const NAME_CHAR_PX = 6.4;
/** Up to this many patterns every bar is named; past it ECharts names as many as fit (the tooltip names each). */
const NAMED_BARS = 12;

/**
 * The name beside each coefficient bar: its pattern number (as in the library's pattern list and
 * the CSV) and the target it was learned for, "1. Generated (seed 11)". Bars lie horizontally so a
 * name has room to be read (upright bars had ticks cut to 8 characters: "1 Gener…" under each).
 */
export function patternLabels(names: readonly string[]): string[] {
  return names.map((name, k) => `${k + 1}. ${name}`);
}

/**
 * The coefficient axis's ends: with a negative coefficient, symmetric about 0 and labelled at −M, 0
 * and M. Left to ECharts, the plot beside long pattern names (about 90 px) hid the end labels as
 * overlapping, so the negative side had none (0.45 and −0.18 read "0 | 0.3"); three labels fit.
 */
export function coefficientAxisRange(values: readonly number[]): { min: number; max: number; interval: number } | null {
  const bound = niceCeil(Math.max(0, ...values.map((v) => (Number.isFinite(v) ? Math.abs(v) : 0))));
  return values.some((v) => v < 0) && bound > 0 ? { min: -bound, max: bound, interval: bound } : null;
}

/**
 * How the coefficients were chosen, for captions: the δ the fit used (0: plain least squares, which
 * the bounded rule also is while Σ|c| ≤ 2; src-shared/primitives/library.ts).
 */
export function combinationWords(ridge: number): string {
  return ridge > 0 ? `ridge-penalised (δ = ${ridge.toPrecision(2)})` : 'least-squares';
}

/** Horizontal bars of the coefficients cₖ, one per pattern (named by its target); ridge: the δ the fit used. */
export function coefficientsPlot(coefficients: ArrayLike<number>, patternNames: string[], ridge = 0): AnalysisPlot {
  const values = Array.from(coefficients);
  const names = values.map((_, k) => patternNames[k] ?? `pattern ${k + 1}`);
  const labels = patternLabels(names);
  const nameWidth = Math.min(NAME_ROOM_PX, Math.ceil(Math.max(...labels.map((label) => label.length), 1) * NAME_CHAR_PX));
  const range = coefficientAxisRange(values);
  return {
    id: 'coefficients',
    title: 'Coefficients',
    caption: `${capitalised(combinationWords(ridge))} weights of the ${values.length} library patterns (g = 1 + Σ cₖ (gₖ − 1)).`,
    option: {
      animation: false,
      grid: { left: nameWidth + 34, right: 16, top: 12, bottom: 40 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toPrecision(4) : String(v)) },
      xAxis: {
        type: 'value',
        name: 'cₖ',
        nameLocation: 'middle',
        nameGap: 26,
        nameTextStyle: AXIS_NAME,
        ...(range ?? {}),
        axisLabel: range ? { ...AXIS_LABEL, showMinLabel: true, showMaxLabel: true } : AXIS_LABEL,
        splitLine: SPLIT_LINE,
      },
      yAxis: {
        type: 'category',
        // each coefficient beside the name of the target its pattern was learned for (issue 14),
        // pattern 1 on top; a name too long for its room ends in '…' (the tooltip and the hover show it whole)
        data: labels,
        inverse: true,
        name: 'library pattern (its target)',
        nameLocation: 'middle',
        nameGap: nameWidth + 14,
        nameTextStyle: AXIS_NAME,
        axisLabel: {
          ...AXIS_LABEL,
          width: nameWidth,
          overflow: 'truncate',
          ellipsis: '…',
          ...(values.length <= NAMED_BARS ? { interval: 0, hideOverlap: false } : {}),
        },
        axisTick: { show: false },
        tooltip: { show: true },
      },
      series: [
        {
          name: 'cₖ',
          type: 'bar',
          data: values.map((v) => ({ value: v, itemStyle: { color: v >= 0 ? copperHex(0.7) : FIT_COLOR } })),
          barMaxWidth: 24,
        },
      ],
    },
    csv: csvTable(['pattern', 'name', 'coefficient'], values.map((v, k) => [k + 1, names[k], v])),
  };
}

export interface FitCurves {
  duration: number;
  nSamples: number;
  channels: number;
  target: Float64Array;
  targetName: string;
  baseline: Float64Array;
  fit: Float64Array;
  output: Float64Array;
  fitError: number;
  outputError: number;
  /** The ridge δ the fit used (0: plain least squares). */
  ridge?: number;
}

/**
 * One of the two side-by-side plots of a fit: 'fit' draws the combination of the library's
 * outputs m(1) + Σ cₖ (mₖ − m(1)) over the target; 'output' the network's output with the
 * combined gains g = 1 + Σ cₖ (gₖ − 1) over the target. Both also show the output with g = 1.
 */
export function fitPlot(c: FitCurves, kind: 'fit' | 'output'): AnalysisPlot {
  const curve = kind === 'fit' ? c.fit : c.output;
  const label = kind === 'fit' ? 'fit (combination)' : 'output, combined gains';
  const option = outputPlotOption({
    duration: c.duration,
    nSamples: c.nSamples,
    channels: c.channels,
    target: { name: c.targetName, values: c.target },
    curves: [
      { name: 'gains = 1', values: c.baseline, color: '#b5b5b5', width: 1.2 },
      { name: label, values: curve, color: kind === 'fit' ? FIT_COLOR : OUTPUT_COLOR, width: 2.5 },
    ],
  });
  const rows: number[][] = [];
  for (let k = 0; k < c.nSamples; k++) {
    const row = [(k * c.duration) / (c.nSamples - 1)];
    for (let ch = 0; ch < c.channels; ch++) {
      const i = ch * c.nSamples + k;
      row.push(c.target[i], c.baseline[i], curve[i]);
    }
    rows.push(row);
  }
  const header = ['time_ms'];
  for (let ch = 0; ch < c.channels; ch++) header.push(`target_ch${ch + 1}`, `gains1_ch${ch + 1}`, `${kind}_ch${ch + 1}`);
  return kind === 'fit'
    ? {
        id: 'fit',
        title: 'Fit',
        caption: `E = ${formatError(c.fitError)}: the ${combinationWords(c.ridge ?? 0)} combination of the library outputs, m(1) + Σ cₖ (mₖ − m(1)).`,
        option,
        csv: csvTable(header, rows),
      }
    : {
        id: 'output',
        title: 'Output',
        caption: `E = ${formatError(c.outputError)}: the network's output with the combined gains g = 1 + Σ cₖ (gₖ − 1).`,
        option,
        csv: csvTable(header, rows),
      };
}

/** Two error curves (refined from the combination, learned from scratch) over trials/iterations. */
export function refineOption(
  fromCombination: [number, number][],
  fromScratch: [number, number][],
  logY: boolean,
  xName: string,
): ChartOption {
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 28, bottom: 40 },
    legend: { show: true, top: 2, right: 8, ...LEGEND_STYLE },
    tooltip: { trigger: 'axis', valueFormatter: (value) => formatError(typeof value === 'number' ? value : null) },
    xAxis: { type: 'value', name: xName, nameLocation: 'middle', nameGap: 26, nameTextStyle: AXIS_NAME, min: 0, axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
    yAxis: errorYAxis(logY, undefined, errorRange([fromCombination, fromScratch])),
    series: [
      { id: 'combination', name: 'from the combination', type: 'line', data: fromCombination, symbol: 'none', lineStyle: { color: OUTPUT_COLOR, width: 2 }, itemStyle: { color: OUTPUT_COLOR } },
      { id: 'scratch', name: 'from scratch (g = 1)', type: 'line', data: fromScratch, symbol: 'none', lineStyle: { color: SCRATCH_COLOR, width: 1.5 }, itemStyle: { color: SCRATCH_COLOR } },
    ],
  };
}

/** The x axis of a refinement's error curves: reward-rule trials or Adam iterations. */
export function refineAxisName(rule: 'reward' | 'gradient'): string {
  return rule === 'reward' ? 'trial' : 'iteration';
}

/** CSV of the two refine curves side by side (empty cells where one is shorter); the first column is named as the x axis. */
export function refineCsv(fromCombination: [number, number][], fromScratch: [number, number][], xName = 'trial'): string {
  const a = new Map(fromCombination);
  const b = new Map(fromScratch);
  const xs = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  return csvTable([xName, 'error_from_combination', 'error_from_scratch'], xs.map((x) => [x, a.get(x) ?? NaN, b.get(x) ?? NaN]));
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
