/**
 * FigureSpec (./figureSpec.ts) → ECharts option, as plain data: the ONE conversion both the CLI's
 * server-side SVG (src-cli/svg/figures.ts) and the app's charts (src-renderer/components/experiments)
 * use, so a figure looks the same in a file written by `gainlab experiment` and on screen.
 * No echarts import: the option is a plain object; the caller registers/initialises ECharts.
 *
 * `FigureOptionStyle` adapts the frame to where it is drawn: the CLI keeps the title inside the
 * picture and a wrapping ("plain") legend, since a static SVG cannot page a scrolling legend;
 * the app shows the title in its card header and uses a scrolling legend on one line.
 */
import type { BoxFigure, FigureSpec, HeatmapFigure, HistogramFigure, LinesFigure, ScatterFigure } from './figureSpec.js';

export interface FigureOptionStyle {
  /** Draw the title inside the chart (default true). */
  title?: boolean;
  /** 'plain' wraps every legend item onto as many rows as needed (default); 'scroll' keeps one paged row. */
  legend?: 'plain' | 'scroll';
  /** Width the plain legend wraps at (default 720, the CLI's SVG width). */
  width?: number;
}

export type FigureOption = Record<string, unknown>;
type Option = FigureOption;

const PALETTE = ['#5470c6', '#ee6666', '#91cc75', '#fac858', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc', '#333333'];

/**
 * Title, legend and a grid that leaves room for them. With the plain (wrapping) legend every
 * series name is visible (a static SVG cannot page a scrolling legend), so the grid starts below
 * as many legend rows as the names need at `width`.
 */
function base(title: string, legendNames: string[] | null, style: FigureOptionStyle = {}): Option {
  const width = style.width ?? 720;
  const showTitle = style.title ?? true;
  const legendTop = showTitle ? 30 : 4;
  if (legendNames && style.legend === 'scroll') {
    return {
      animation: false,
      backgroundColor: '#ffffff',
      color: PALETTE,
      title: showTitle ? { text: title, left: 'center', textStyle: { fontSize: 13 } } : undefined,
      legend: { top: legendTop, type: 'scroll', left: 'center', textStyle: { fontSize: 10 } },
      grid: { left: 75, right: 30, top: legendTop + 40, bottom: 55 },
    };
  }
  let top = showTitle ? 45 : 20;
  if (legendNames) {
    // ~6.5 px per character at font size 10 plus the symbol and gap of each item.
    let rows = 1;
    let x = 0;
    for (const name of new Set(legendNames)) {
      const w = 6.5 * name.length + 45;
      if (x + w > width - 40 && x > 0) {
        rows++;
        x = 0;
      }
      x += w;
    }
    top = legendTop + 20 + 20 * rows;
  }
  return {
    animation: false,
    backgroundColor: '#ffffff',
    color: PALETTE,
    title: showTitle ? { text: title, left: 'center', textStyle: { fontSize: 13 } } : undefined,
    legend: legendNames ? { top: legendTop, type: 'plain', left: 'center', width: width - 40, textStyle: { fontSize: 10 } } : undefined,
    grid: { left: 75, right: 30, top, bottom: 55 },
  };
}

/** Positive finite values only on a log axis (ECharts cannot place ≤ 0 there). */
function plotValue(v: number, log: boolean): number | null {
  if (!Number.isFinite(v)) return null;
  if (log && v <= 0) return null;
  return v;
}

/** Tick labels with at most 4 significant digits (axis extremes are raw data values otherwise). */
function tickLabel(value: number): string {
  if (value === 0) return '0';
  const a = Math.abs(value);
  return a >= 1e4 || a < 1e-3 ? value.toExponential(1) : String(Number(value.toPrecision(4)));
}

function valueAxis(name: string, log = false, extra: Option = {}): Option {
  return { type: log ? 'log' : 'value', name, nameLocation: 'middle', nameGap: 32, scale: !log, axisLabel: { formatter: tickLabel }, ...extra };
}

function linesOption(f: LinesFigure, style: FigureOptionStyle = {}): Option {
  const log = Boolean(f.logY);
  const series: Option[] = [];
  f.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const points = Array.from({ length: s.x.length }, (_, i) => [s.x[i], plotValue(s.y[i], log)]);
    series.push({ type: 'line', name: s.name, data: points, showSymbol: points.length <= 30, symbolSize: 4, lineStyle: { width: 1.5, type: s.dashed ? 'dashed' : 'solid', color }, itemStyle: { color } });
    if (s.band) {
      const band = s.band;
      for (const sign of [1, -1]) {
        series.push({
          type: 'line',
          name: s.name,
          data: Array.from({ length: s.x.length }, (_, i) => [s.x[i], plotValue(s.y[i] + sign * band[i], log)]),
          showSymbol: false,
          lineStyle: { width: 1, type: 'dotted', color },
          itemStyle: { color },
        });
      }
    }
  });
  return {
    ...base(f.title, f.series.map((s) => s.name), style),
    xAxis: valueAxis(f.xLabel),
    yAxis: valueAxis(f.yLabel, log, { nameGap: 55 }),
    series,
  };
}

function boxOption(f: BoxFigure, style: FigureOptionStyle = {}): Option {
  const log = Boolean(f.logY);
  const data = f.boxes.map((b) => [b.whiskerLow, b.q1, b.median, b.q3, b.whiskerHigh].map((v) => plotValue(v, log)));
  const outliers: Array<[number, number]> = [];
  f.boxes.forEach((b, k) => b.outliers.forEach((v) => (plotValue(v, log) !== null ? outliers.push([k, v]) : undefined)));
  const series: Option[] = [
    {
      type: 'boxplot',
      name: f.yLabel,
      data,
      markLine: f.line && plotValue(f.line.value, log) !== null
        ? { symbol: 'none', lineStyle: { type: 'dashed', color: '#333' }, label: { formatter: f.line.name, position: 'insideEndTop' }, data: [{ yAxis: f.line.value, name: f.line.name }] }
        : undefined,
    },
    { type: 'scatter', name: 'outliers', data: outliers, symbolSize: 6 },
  ];
  if (f.points) {
    // Every datum as a small point, spread sideways by a fixed pattern (deterministic output).
    const data: Array<[number, number]> = [];
    f.points.forEach((values, k) => {
      for (let i = 0; i < values.length; i++) {
        const v = plotValue(values[i], log);
        if (v !== null) data.push([k + 0.25 * (((i * 7) % 11) / 10 - 0.5), v]);
      }
    });
    series.push({ type: 'scatter', name: 'data', data, symbolSize: 4, itemStyle: { color: '#555', opacity: 0.6 }, xAxisIndex: 1 });
  }
  return {
    ...base(f.title, f.points ? [f.yLabel, 'outliers', 'data'] : [f.yLabel, 'outliers'], style),
    xAxis: [
      { type: 'category', data: f.categories, axisLabel: { interval: 0, fontSize: 10 } },
      // A hidden value axis aligned with the categories (centre of category k at x = k) for the points.
      { type: 'value', min: -0.5, max: f.categories.length - 0.5, show: false },
    ],
    yAxis: valueAxis(f.yLabel, log, { nameGap: 55, axisLine: { onZero: false } }),
    series,
  };
}

function histogramOption(f: HistogramFigure, style: FigureOptionStyle = {}): Option {
  const bins = f.heights.length;
  // A step line over the edges (value x axis) so an overlay curve shares the same axis.
  const steps: Array<[number, number]> = [];
  for (let b = 0; b < bins; b++) steps.push([f.edges[b], f.heights[b]]);
  if (bins > 0) steps.push([f.edges[bins], f.heights[bins - 1]]);
  const series: Option[] = [{ type: 'line', name: f.yLabel, step: 'end', data: steps, showSymbol: false, areaStyle: { opacity: 0.35 }, lineStyle: { width: 1 } }];
  if (f.overlay) {
    const o = f.overlay;
    series.push({ type: 'line', name: o.name, data: Array.from({ length: o.x.length }, (_, i) => [o.x[i], plotValue(o.y[i], false)]), showSymbol: false, lineStyle: { width: 2 } });
  }
  return {
    ...base(f.title, series.map((x) => String(x.name)), style),
    xAxis: valueAxis(f.xLabel, false, { min: f.edges[0], max: f.edges[bins] }),
    yAxis: valueAxis(f.yLabel, false, { scale: false, nameGap: 50 }),
    series,
  };
}

/** At most `limit` evenly strided indices of 0..count−1 (full data stays in the .npy files). */
function stridedIndices(count: number, limit: number): number[] {
  const stride = Math.max(1, Math.ceil(count / limit));
  const out: number[] = [];
  for (let i = 0; i < count; i += stride) out.push(i);
  return out;
}

function heatmapOption(f: HeatmapFigure, style: FigureOptionStyle = {}): Option {
  const rows = stridedIndices(f.rows, 120);
  const cols = stridedIndices(f.cols, 120);
  const data: Array<[number, number, number | null]> = [];
  let min = Infinity;
  let max = -Infinity;
  rows.forEach((r, ri) =>
    cols.forEach((c, ci) => {
      const v = f.data[r * f.cols + c];
      if (Number.isFinite(v)) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      data.push([ci, ri, Number.isFinite(v) ? v : null]);
    }),
  );
  return {
    ...base(f.title, null, style),
    grid: { left: 60, right: 90, top: style.title === false ? 16 : 40, bottom: 50 },
    xAxis: { type: 'category', name: f.xLabel, nameLocation: 'middle', nameGap: 30, data: cols.map(String), splitArea: { show: false } },
    yAxis: { type: 'category', name: f.yLabel, nameLocation: 'middle', nameGap: 40, data: rows.map(String), inverse: true },
    visualMap: {
      min: f.min ?? (Number.isFinite(min) ? min : 0),
      max: f.max ?? (Number.isFinite(max) ? max : 1),
      calculable: false,
      text: [tickLabel(f.max ?? (Number.isFinite(max) ? max : 1)), tickLabel(f.min ?? (Number.isFinite(min) ? min : 0))],
      orient: 'vertical',
      right: 10,
      top: 'middle',
      inRange: { color: ['#313695', '#74add1', '#ffffbf', '#f46d43', '#a50026'] },
    },
    series: [{ type: 'heatmap', name: f.title, data, progressive: 0 }],
  };
}

function scatterOption(f: ScatterFigure, style: FigureOptionStyle = {}): Option {
  const logX = Boolean(f.logX);
  const logY = Boolean(f.logY);
  let lo = Infinity;
  let hi = -Infinity;
  const series: Option[] = f.series.map((s) => ({
    type: 'scatter',
    name: s.name,
    symbolSize: 5,
    data: Array.from({ length: s.x.length }, (_, i) => {
      const x = plotValue(s.x[i], logX);
      const y = plotValue(s.y[i], logY);
      if (x !== null && y !== null) {
        lo = Math.min(lo, x, y);
        hi = Math.max(hi, x, y);
      }
      return [x, y];
    }),
  }));
  if (f.vLine !== undefined && series.length > 0) {
    series[0].markLine = { symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: '#333' }, label: { show: false }, data: [{ xAxis: f.vLine }] };
  }
  const names = f.series.map((s) => s.name);
  if (f.identity && Number.isFinite(lo) && Number.isFinite(hi)) {
    series.push({ type: 'line', name: 'identity', data: [[lo, lo], [hi, hi]], showSymbol: false, lineStyle: { type: 'dashed', color: '#333', width: 1 }, itemStyle: { color: '#333' } });
    names.push('identity');
  }
  return { ...base(f.title, names, style), xAxis: valueAxis(f.xLabel, logX), yAxis: valueAxis(f.yLabel, logY, { nameGap: 55 }), series };
}

export function figureOption(figure: FigureSpec, style: FigureOptionStyle = {}): FigureOption {
  switch (figure.kind) {
    case 'lines':
      return linesOption(figure, style);
    case 'box':
      return boxOption(figure, style);
    case 'histogram':
      return histogramOption(figure, style);
    case 'heatmap':
      return heatmapOption(figure, style);
    case 'scatter':
      return scatterOption(figure, style);
  }
}
