/**
 * ECharts options as pure functions of the data (no DOM, no Vue): easy to test, and the chart
 * components stay thin. Layouts follow docs/ARCHITECTURE.md: outputs/targets channel-major
 * (values[c * nSamples + k]), rates time-major (rates[k * n + i]).
 */
import type { ComposeOption } from 'echarts/core';
import type { CustomSeriesOption, HeatmapSeriesOption, LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import { AXIS_LABEL, AXIS_NAME, LEGEND_STYLE, SPLIT_LINE } from './chartParts.js';
import { fittedLogRange, formatTick, niceBounds, niceCeil } from '../../src-shared/plots/format.js';

// the log-axis fit lives with niceBounds in src-shared (the experiments' and sweeps' figures use it too)
export { fittedLogRange };
import { divergingLevel, divergingPixelTable, RATE_COLORS, SESSION_COLORS, TARGET_COLOR } from './palette.js';

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | HeatmapSeriesOption
  | CustomSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | VisualMapComponentOption
>;

/** Sample times t_k = k·T/(n−1) in ms (the movement grid of the model spec). */
export function sampleTimes(duration: number, nSamples: number): Float64Array {
  const times = new Float64Array(nSamples);
  for (let k = 0; k < nSamples; k++) times[k] = (k * duration) / (nSamples - 1);
  return times;
}

/** One channel of a channel-major series as [t, value] pairs. */
export function channelPairs(
  values: Float64Array,
  channel: number,
  nSamples: number,
  duration: number,
): [number, number][] {
  const pairs: [number, number][] = new Array(nSamples);
  const offset = channel * nSamples;
  for (let k = 0; k < nSamples; k++) pairs[k] = [(k * duration) / (nSamples - 1), values[offset + k]];
  return pairs;
}

/** A readable number for errors: 3 significant digits, scientific below 0.001. */
export function formatError(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(2);
  return value.toPrecision(3);
}

/** Axis ticks and colour-scale limits: the shared formatter (src-shared/plots/format.ts). */
export { formatTick, niceCeil };

export interface OutputCurve {
  name: string;
  /** channel-major values */
  values: Float64Array;
  color: string;
  width?: number;
}

export interface OutputPlotInput {
  duration: number;
  nSamples: number;
  channels: number;
  target: { name: string; values: Float64Array } | null;
  /** Drawn in order, from early to late training. */
  curves: OutputCurve[];
}

/** Network output(s) over the target: target black dashed, outputs in copper shades. */
export function outputPlotOption(input: OutputPlotInput): ChartOption {
  const series: LineSeriesOption[] = [];
  for (let c = 0; c < input.channels; c++) {
    const suffix = input.channels > 1 ? ` (ch ${c + 1})` : '';
    if (input.target) {
      series.push({
        id: `target-${c}`,
        name: `Target${suffix}`,
        type: 'line',
        data: channelPairs(input.target.values, c, input.nSamples, input.duration),
        symbol: 'none',
        lineStyle: { color: TARGET_COLOR, width: 2, type: 'dashed' },
        itemStyle: { color: TARGET_COLOR },
        z: 3,
      });
    }
    input.curves.forEach((curve, index) => {
      series.push({
        id: `curve-${index}-${c}`,
        name: `${curve.name}${suffix}`,
        type: 'line',
        data: channelPairs(curve.values, c, input.nSamples, input.duration),
        symbol: 'none',
        lineStyle: { color: curve.color, width: curve.width ?? 2 },
        itemStyle: { color: curve.color },
        z: 2,
      });
    });
  }
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 36, bottom: 40 },
    // short bars rather than ECharts' line-with-circle legend marks
    legend: { top: 4, right: 8, ...LEGEND_STYLE },
    tooltip: { trigger: 'axis', valueFormatter: (value) => formatAxisValue(value) },
    xAxis: {
      type: 'value',
      name: 'time (ms)',
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: AXIS_NAME,
      min: 0,
      max: input.duration,
      axisLabel: AXIS_LABEL,
      splitLine: SPLIT_LINE,
    },
    yAxis: {
      type: 'value',
      name: 'output m(t)',
      nameLocation: 'middle',
      nameGap: 40,
      nameTextStyle: AXIS_NAME,
      axisLabel: AXIS_LABEL,
      splitLine: SPLIT_LINE,
      scale: true,
    },
    series,
  };
}

function formatAxisValue(value: unknown): string {
  return typeof value === 'number' ? value.toPrecision(4) : String(value ?? '');
}

export interface HeatmapCells {
  /** [time index, neuron index, rate] */
  data: [number, number, number][];
  /** Largest |rate|. */
  maxAbs: number;
  /** 98th percentile of |rate|: the colour limit, so a few extreme cells do not wash out the rest. */
  p98Abs: number;
}

/**
 * Cells of the neurons × time heat map from time-major rates: every `timeStride`-th sample of every
 * `neuronStride`-th neuron (cell [column, row, rate]; row r is neuron r · neuronStride).
 */
export function heatmapCells(rates: Float64Array, n: number, nSamples: number, timeStride = 1, neuronStride = 1): HeatmapCells {
  const data: [number, number, number][] = [];
  const rows = Math.ceil(n / neuronStride);
  const magnitudes = new Float64Array(Math.ceil(nSamples / timeStride) * rows);
  let count = 0;
  let maxAbs = 0;
  for (let k = 0, column = 0; k < nSamples; k += timeStride, column++) {
    const offset = k * n;
    for (let i = 0, row = 0; i < n; i += neuronStride, row++) {
      const value = rates[offset + i];
      data.push([column, row, value]);
      const magnitude = Math.abs(value);
      magnitudes[count++] = magnitude;
      if (magnitude > maxAbs) maxAbs = magnitude;
    }
  }
  // a typed array sorts numerically, without a comparator call per pair
  magnitudes.sort();
  const p98Abs = count > 0 ? magnitudes[Math.min(count - 1, Math.floor(0.98 * count))] : 0;
  return { data, maxAbs, p98Abs };
}

export interface HeatmapInput {
  rates: Float64Array;
  n: number;
  nE: number;
  nSamples: number;
  duration: number;
  /**
   * The map already drawn as an image (rows = the rows of rateHeatmapPixels, columns = samples):
   * one image instead of one ECharts shape per cell, which kept the page busy for ~0.2–0.6 s per
   * update of a large network's map. Without it (tests, SVG export) the cells are drawn.
   */
  image?: unknown;
  /**
   * With an image: where the pointer is over the chart (px from its top-left corner) and the
   * chart's size, so the tooltip can name the neuron, time and rate under it.
   */
  pointer?: () => { x: number; y: number; width: number; height: number } | null;
  /**
   * The chart's width in px, when known: a narrow chart (a 1024 px window's workspace card) puts
   * the colour bar under the map instead of beside it, which kept ~80 px of ~170 px.
   */
  width?: number;
}

/**
 * Below this chart width (px) the colour bar goes under the map: a 1024 px window's card (~170 px)
 * does, a 1280 px window's (~330 px, a 190 px map beside the bar) keeps the layout it always had,
 * so windows of 1280 px and more never switch layouts while they are resized.
 */
export const RATE_NARROW_WIDTH = 300;

/** The rate map's plot area inside its chart (px margins) and where its colour bar goes. */
export function rateHeatmapLayout(width?: number): { grid: { left: number; right: number; top: number; bottom: number }; barUnder: boolean; barLength: number } {
  if (width !== undefined && width < RATE_NARROW_WIDTH) {
    // under the x-axis name: the bar between its two end labels (~50 px each)
    return { grid: { left: 56, right: 12, top: 12, bottom: 72 }, barUnder: true, barLength: Math.max(40, Math.min(140, width - 120)) };
  }
  return { grid: { left: 56, right: 80, top: 12, bottom: 40 }, barUnder: false, barLength: 140 };
}

/** Rows of the rate image: every k-th neuron, at most 400 rows (the plot is ~250 px tall). */
export function rateImageStride(n: number): number {
  return Math.max(1, Math.ceil(n / 400));
}

/**
 * The neurons × time rate map as RGBA pixels on the diverging map (row r = neuron r · stride,
 * column k = sample k), clipped at ±limit: what RateHeatmap.vue puts on a canvas.
 */
export function rateHeatmapPixels(rates: Float64Array, n: number, nSamples: number, limit: number, stride = rateImageStride(n)): { width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> } {
  const rows = Math.ceil(n / stride);
  const data = new Uint8ClampedArray(4 * rows * nSamples);
  const pixels = new Uint32Array(data.buffer);
  for (let row = 0; row < rows; row++) {
    const i = row * stride;
    for (let k = 0; k < nSamples; k++) pixels[row * nSamples + k] = RATE_PIXELS[divergingLevel(rates[k * n + i], limit, RATE_TABLE_LEVELS)];
  }
  return { width: nSamples, height: rows, data };
}

const RATE_TABLE_LEVELS = 512;
const RATE_PIXELS = divergingPixelTable(RATE_TABLE_LEVELS);

/** The colour limit of a rate map: the 98th percentile of |rate| rounded up to 1-2-5 (Hz). */
export function rateColourLimit(rates: Float64Array, n: number, nSamples: number): number {
  const cells = heatmapCells(rates, n, nSamples, Math.max(1, Math.ceil(nSamples / 100)), Math.max(1, Math.ceil(n / 100)));
  return cells.p98Abs > 0 ? niceCeil(cells.p98Abs) : cells.maxAbs > 0 ? niceCeil(cells.maxAbs) : 1;
}

/** Firing rates relative to baseline, neurons (E then I) × time. */
export function rateHeatmapOption(input: HeatmapInput): ChartOption {
  // At most ~100 columns and ~100 rows (every k-th sample and neuron; the axes say which): the
  // plot is ~250 px tall, so more cells add no pixels, and ECharts draws each cell as its own
  // shape: 200k cells (N = 1000) blocked the page for 4 s, 40k for ~0.7 s, 10k stay short.
  const timeStride = Math.max(1, Math.ceil(input.nSamples / 100));
  const neuronStride = Math.max(1, Math.ceil(input.n / 100));
  const cells = heatmapCells(input.rates, input.n, input.nSamples, timeStride, neuronStride);
  const columns = Math.ceil(input.nSamples / timeStride);
  const columnTime = (column: number): number => (column * timeStride * input.duration) / (input.nSamples - 1);
  const times: string[] = [];
  for (let column = 0; column < columns; column++) times.push(columnTime(column).toFixed(1));
  const ticks = timeTickColumns(columns, columnTime(1) - columnTime(0), input.duration);
  const neurons = Array.from({ length: Math.ceil(input.n / neuronStride) }, (_, row) => String(row * neuronStride + 1));
  const limit = cells.p98Abs > 0 ? niceCeil(cells.p98Abs) : cells.maxAbs > 0 ? niceCeil(cells.maxAbs) : 1;
  const layout = rateHeatmapLayout(input.width);
  const grid = layout.grid;
  return {
    animation: false,
    grid,
    tooltip: input.image
      ? {
          trigger: 'item',
          formatter: () => {
            const at = input.pointer?.();
            if (!at) return '';
            const width = at.width - grid.left - grid.right;
            const height = at.height - grid.top - grid.bottom;
            const k = Math.min(input.nSamples - 1, Math.max(0, Math.floor(((at.x - grid.left) / width) * input.nSamples)));
            const neuron = Math.min(input.n - 1, Math.max(0, Math.floor(((at.y - grid.top) / height) * input.n)));
            const t = (k * input.duration) / (input.nSamples - 1);
            return `neuron ${neuron + 1} (${neuron < input.nE ? 'E' : 'I'}), t = ${t.toFixed(1)} ms<br/>rate ${input.rates[k * input.n + neuron].toFixed(2)} Hz`;
          },
        }
      : {
      position: 'top',
      formatter: (params: unknown) => {
        const value = (params as { value: [number, number, number] }).value;
        const neuron = value[1] * neuronStride;
        return `neuron ${neuron + 1} (${neuron < input.nE ? 'E' : 'I'}), t = ${times[value[0]]} ms<br/>rate ${value[2].toFixed(2)} Hz`;
      },
    },
    xAxis: {
      type: 'category',
      data: times,
      name: 'time (ms)',
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: AXIS_NAME,
      axisLabel: {
        ...AXIS_LABEL,
        interval: (index: number) => ticks.has(index),
        formatter: (_value: string, index: number) => String(ticks.get(index) ?? ''),
      },
      axisTick: { show: false },
    },
    yAxis: {
      type: 'category',
      data: neurons,
      inverse: true,
      name: `neuron (E 1–${input.nE}, I ${input.nE + 1}–${input.n})`,
      nameLocation: 'middle',
      nameGap: 36,
      nameTextStyle: AXIS_NAME,
      axisLabel: { ...AXIS_LABEL, interval: Math.max(0, Math.round(neurons.length / 4) - 1) },
      axisTick: { show: false },
    },
    visualMap: {
      type: 'continuous',
      min: -limit,
      max: limit,
      calculable: false,
      ...(layout.barUnder ? { orient: 'horizontal', left: 'center', bottom: 2 } : { orient: 'vertical', right: 4, top: 'middle' }),
      itemHeight: layout.barLength,
      itemWidth: 12,
      text: [`≥ +${limit} Hz`, `≤ −${limit} Hz`],
      textStyle: { fontSize: 11, color: '#333' },
      inRange: { color: RATE_COLORS },
      // with an image, the bar is the legend only (the image has its colours already)
      ...(input.image ? { seriesIndex: [] } : {}),
    },
    series: [
      input.image
        ? {
            id: 'rates',
            type: 'custom',
            // one datum: the whole map as one image over the plot area (hovered for the tooltip)
            data: [[0, 0]],
            renderItem: ((params: unknown) => {
              const box = (params as { coordSys: { x: number; y: number; width: number; height: number } }).coordSys;
              return { type: 'image', style: { image: input.image, x: box.x, y: box.y, width: box.width, height: box.height } };
            }) as unknown as CustomSeriesOption['renderItem'],
          }
        : {
            id: 'rates',
            type: 'heatmap',
            data: cells.data,
            emphasis: { disabled: true },
          },
    ],
  };
}

/**
 * Columns of a time-category axis to label, mapped to round times (multiples of a 1-2-5 step, about
 * five labels): the column nearest each such time.
 */
export function timeTickColumns(columns: number, columnStepMs: number, duration: number): Map<number, number> {
  const step = niceCeil(duration / 5);
  const ticks = new Map<number, number>();
  for (let time = 0; time <= duration + 1e-9; time += step) {
    const column = Math.round(time / columnStepMs);
    if (column < columns) ticks.set(column, Math.round(time));
  }
  return ticks;
}

/**
 * Convert the new entries of a raw error curve (index = trial) to [trial, error] pairs, appended
 * to `pairs`; holes (missed points not yet backfilled) are skipped. Returns the next index to read.
 */
export function appendCurvePairs(curve: readonly number[], pairs: [number, number][], from: number): number {
  for (let trial = from; trial < curve.length; trial++) {
    const value = curve[trial];
    if (value !== undefined && Number.isFinite(value)) pairs.push([trial, value]);
  }
  return curve.length;
}

/** The dimensions of a flat curve (errorSeries): x then y, as the pairs' order. */
export const FLAT_CURVE_DIMENSIONS = ['x', 'y'];

/**
 * One session's error curve: [step, error] pairs, or the same points as one flat typed array
 * (step and error in turn: DecimatedCurve.flatPoints), which ECharts keeps without copying; a flat
 * array names its two dimensions (ECharts requires it for typed arrays).
 */
export function errorSeries(session: number, data: [number, number][] | Float64Array, highlighted: boolean): LineSeriesOption {
  const color = SESSION_COLORS[session % SESSION_COLORS.length];
  return {
    id: `session-${session}`,
    name: `session ${session + 1}`,
    type: 'line',
    ...(data instanceof Float64Array ? { dimensions: FLAT_CURVE_DIMENSIONS } : {}),
    data: data as LineSeriesOption['data'],
    symbol: 'none',
    sampling: 'lttb',
    lineStyle: { color, width: highlighted ? 2 : 1.2, opacity: highlighted ? 1 : 0.75 },
    itemStyle: { color },
    emphasis: { disabled: true },
  };
}

/**
 * The error plot's placeholder. A reopened project has runs but no job in this session: the
 * workspace shows its newest stored run (`showingStored`, while its curves load); a project whose
 * runs have no session to draw points to the runs browser rather than to training.
 */
export function errorCurvePlaceholder(jobId: string | null, storedRuns: number, showingStored = false): string {
  if (jobId) return 'Waiting for the first points…';
  if (showingStored) return 'Loading the stored run…';
  if (storedRuns > 0) return `No run started since the project was opened. Its ${storedRuns === 1 ? 'stored run is' : `${storedRuns} stored runs are`} under Runs… (curves, analyses).`;
  return 'Start a training run to see its error fall here.';
}

/** The empty error plot (series are added as points arrive). */
export function errorCurveOption(logY: boolean, xName = 'trial', yName = 'error E'): ChartOption {
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 28, bottom: 40 },
    // one row that pages (scroll), left of 8 px from the right edge: ten sessions' names wrapped
    // into rows over the curves in a workspace card
    legend: { show: false, type: 'scroll', top: 2, left: 64, right: 8, ...LEGEND_STYLE },
    tooltip: { trigger: 'axis', valueFormatter: (value) => formatError(typeof value === 'number' ? value : null) },
    xAxis: {
      type: 'value',
      name: xName,
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: AXIS_NAME,
      min: 0,
      axisLabel: AXIS_LABEL,
      splitLine: SPLIT_LINE,
    },
    yAxis: errorYAxis(logY, yName),
    series: [],
  };
}


/**
 * The y axis of error curves (live, stored, compared runs, refinements). `dataRange` is the
 * smallest and largest error drawn: with a log axis and data within a decade it fits them
 * (fittedLogRange). Every key is given, so a merge into an earlier axis leaves none of its bounds.
 */
export function errorYAxis(logY: boolean, name = 'error E', dataRange: readonly [number, number] | null = null): ChartOption['yAxis'] {
  const fit = logY ? fittedLogRange(dataRange) : null;
  return {
    type: logY ? 'log' : 'value',
    name,
    nameLocation: 'middle',
    nameGap: 48,
    nameTextStyle: AXIS_NAME,
    axisLabel: { ...AXIS_LABEL, customValues: fit?.ticks },
    axisTick: { customValues: fit?.ticks },
    splitLine: SPLIT_LINE,
    ...(logY ? { logBase: 10, min: fit?.min, max: fit?.max } : { min: 0, max: undefined }),
  } as ChartOption['yAxis'];
}

/** The smallest and largest finite value of error curves' [step, error] pairs (null when none). */
export function errorRange(curves: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): [number, number] | null {
  let range: [number, number] | null = null;
  for (const pairs of curves) range = widenRange(range, pairs.map(([, error]) => error));
  return range;
}

/**
 * A y range that only grows: `range` widened to take in the finite `values`. Live plots whose
 * data changes under the pointer (the speed slider while dragging, the movement editor between
 * strokes) keep their axis still with it instead of rescaling on every frame.
 */
export function widenRange(range: readonly [number, number] | null, values: ArrayLike<number>): [number, number] | null {
  let lo = range ? range[0] : Infinity;
  let hi = range ? range[1] : -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : range ? [range[0], range[1]] : null;
}
