/**
 * The primitives view's plots as pure functions of the data (option for the screen and the
 * SVG/PNG export, csv for the data), in the AnalysisPlot shape PlotCard shows and exports.
 */
import type { AnalysisPlot } from '../../plots/analysisOptions.js';
import { AXIS_LABEL, AXIS_NAME, csvTable, LEGEND_STYLE, SPLIT_LINE } from '../../plots/chartParts.js';
import { errorYAxis, formatError, outputPlotOption, type ChartOption } from '../../plots/options.js';
import { BEFORE_COLOR, copperHex, SERIES_COLORS } from '../../plots/palette.js';
import { MAX_TICK_CHARS } from '../../../src-shared/plots/format.js';

export const FIT_COLOR = SERIES_COLORS[1];
export const OUTPUT_COLOR = copperHex(0.8);
export const SCRATCH_COLOR = BEFORE_COLOR;

/**
 * The tick label under each coefficient bar: short (the visual audit allows MAX_TICK_CHARS) and
 * distinct. Names that all fit and differ are shown as they are ("reach", "grasp"); otherwise each
 * reads its pattern number and as much of its name as fits ("1 Gener…"), and past 8 patterns the
 * number alone. Before, the full names were cut at 90 px and hidden where they overlapped, so three
 * "Generated (seed k)" patterns showed two labels, both "Generated (see…". The full name is the
 * category itself: the tooltip and the axis label's hover show it.
 */
export function shortPatternLabels(names: readonly string[]): string[] {
  if (names.every((name) => name.length <= MAX_TICK_CHARS) && new Set(names).size === names.length) return [...names];
  if (names.length > 8) return names.map((_, k) => String(k + 1));
  return names.map((name, k) => {
    const number = String(k + 1);
    const room = MAX_TICK_CHARS - number.length - 1;
    const text = name.length <= room ? name : `${name.slice(0, room - 1).trimEnd()}…`;
    return `${number} ${text}`;
  });
}

/** Bar chart of the least-squares coefficients cₖ, one bar per pattern (named by its target). */
export function coefficientsPlot(coefficients: ArrayLike<number>, patternNames: string[]): AnalysisPlot {
  const values = Array.from(coefficients);
  const names = values.map((_, k) => patternNames[k] ?? `pattern ${k + 1}`);
  const short = shortPatternLabels(names);
  return {
    id: 'coefficients',
    title: 'Coefficients',
    caption: `Least-squares weights of the ${values.length} library patterns (g = 1 + Σ cₖ (gₖ − 1)).`,
    option: {
      animation: false,
      grid: { left: 56, right: 16, top: 16, bottom: 48 },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toPrecision(4) : String(v)) },
      xAxis: {
        type: 'category',
        // each coefficient under the name of the target its pattern was learned for (issue 14): the
        // category is the full name (tooltip), the tick its short distinct label, every one shown
        data: names,
        name: 'library pattern (its target)',
        nameLocation: 'middle',
        nameGap: 28,
        nameTextStyle: AXIS_NAME,
        axisLabel: { ...AXIS_LABEL, interval: 0, hideOverlap: false, formatter: (_value: string, index: number) => short[index] ?? String(index + 1) },
        tooltip: { show: true },
      },
      yAxis: { type: 'value', name: 'cₖ', nameLocation: 'middle', nameGap: 40, nameTextStyle: AXIS_NAME, axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
      series: [
        {
          name: 'cₖ',
          type: 'bar',
          data: values.map((v) => ({ value: v, itemStyle: { color: v >= 0 ? copperHex(0.7) : FIT_COLOR } })),
          barMaxWidth: 40,
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
        caption: `E = ${formatError(c.fitError)}: the least-squares combination of the library outputs, m(1) + Σ cₖ (mₖ − m(1)).`,
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
    yAxis: errorYAxis(logY),
    series: [
      { id: 'combination', name: 'from the combination', type: 'line', data: fromCombination, symbol: 'none', lineStyle: { color: OUTPUT_COLOR, width: 2 }, itemStyle: { color: OUTPUT_COLOR } },
      { id: 'scratch', name: 'from scratch (g = 1)', type: 'line', data: fromScratch, symbol: 'none', lineStyle: { color: SCRATCH_COLOR, width: 1.5 }, itemStyle: { color: SCRATCH_COLOR } },
    ],
  };
}

/** CSV of the two refine curves side by side (empty cells where one is shorter). */
export function refineCsv(fromCombination: [number, number][], fromScratch: [number, number][]): string {
  const a = new Map(fromCombination);
  const b = new Map(fromScratch);
  const xs = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  return csvTable(['trial', 'error_from_combination', 'error_from_scratch'], xs.map((x) => [x, a.get(x) ?? NaN, b.get(x) ?? NaN]));
}
