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
import type { BoxFigure, FigureSpec, HeatmapFigure, HistogramFigure, LinesFigure, ScatterFigure, ScatterSeries } from './figureSpec.js';
import { AXIS_LABEL, AXIS_NAME, LEGEND_STYLE, valueAxis as sharedValueAxis } from '../plots/chartStyle.js';
import { fittedLogRange, formatTick, niceBounds } from '../plots/format.js';
import { NEUTRAL_COLOR, RATE_COLORS, SERIES_COLORS } from '../plots/palette.js';

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

// the app's one palette (src-shared/plots/palette.ts), not ECharts' default
const PALETTE = SERIES_COLORS;

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
      legend: { top: legendTop, type: 'scroll', left: 'center', ...LEGEND_STYLE },
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
    legend: legendNames ? { top: legendTop, type: 'plain', left: 'center', width: width - 40, ...LEGEND_STYLE, textStyle: { fontSize: 10, color: '#333' } } : undefined,
    grid: { left: 75, right: 30, top, bottom: 55 },
  };
}

/** Positive finite values only on a log axis (ECharts cannot place ≤ 0 there). */
function plotValue(v: number, log: boolean): number | null {
  if (!Number.isFinite(v)) return null;
  if (log && v <= 0) return null;
  return v;
}

/** A value (or log) axis of the shared frame; ticks through the shared formatter (≤ 8 characters). */
function valueAxis(name: string, log = false, extra: Option = {}): Option {
  return sharedValueAxis(name, { type: log ? 'log' : 'value', nameGap: 32, scale: !log, ...extra });
}

/**
 * A log y axis fitted to the plotted values when they lie within one decade (fittedLogRange: round
 * ends around the data, ticked at the steps that leave room for their labels), as the app's error axes are; {} otherwise, and ECharts
 * draws whole decades. Without it, final errors from 0.069 to 0.078 sat on an axis from 0.01 to 0.1.
 */
function logAxisFit(values: Iterable<number | null>): Option {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || !(v > 0) || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const fit = fittedLogRange(Number.isFinite(lo) ? [lo, hi] : null);
  return fit ? { min: fit.min, max: fit.max, axisLabel: { ...AXIS_LABEL, customValues: fit.ticks }, axisTick: { customValues: fit.ticks } } : {};
}

/** An x axis of named categories (every one labelled); series give the category's index as x. */
function categoryAxis(name: string, categories: string[]): Option {
  return { type: 'category', data: categories, name, nameLocation: 'middle', nameGap: 30, nameTextStyle: AXIS_NAME, axisLabel: { ...AXIS_LABEL, interval: 0, fontSize: 10 } };
}

/** [min, max] of every finite x of the series: a time axis ends where the data ends (500 ms, not 600). */
function xExtent(series: ReadonlyArray<{ x: ArrayLike<number> }>): Option {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      if (!Number.isFinite(s.x[i])) continue;
      lo = Math.min(lo, s.x[i]);
      hi = Math.max(hi, s.x[i]);
    }
  }
  // 12 significant digits: sample times like 500.00000000000006 end the axis at 500
  return hi > lo ? { min: Number(lo.toPrecision(12)), max: Number(hi.toPrecision(12)), scale: false } : {};
}

/** Every finite x is a whole number (sessions, movements, library sizes, trials): no ticks between them. */
function wholeNumbersOnly(series: ReadonlyArray<{ x: ArrayLike<number> }>): boolean {
  let any = false;
  for (const s of series)
    for (let i = 0; i < s.x.length; i++) {
      if (!Number.isFinite(s.x[i])) continue;
      if (!Number.isInteger(s.x[i])) return false;
      any = true;
    }
  return any;
}

/**
 * The ±band around a curve as one closed outline: the upper edge left to right, then the lower edge
 * right to left ([x, y] in data units). Points whose value or band is not finite are left out; on
 * a log axis a lower edge at or below 0 is null (drawn at the plot's bottom edge).
 */
export function bandOutline(x: ArrayLike<number>, y: ArrayLike<number>, band: ArrayLike<number>, log: boolean): { upper: Array<[number, number]>; lower: Array<[number, number | null]> } {
  const upper: Array<[number, number]> = [];
  const lower: Array<[number, number | null]> = [];
  for (let i = 0; i < x.length; i++) {
    const top = plotValue(y[i] + band[i], log);
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i]) || !Number.isFinite(band[i]) || top === null) continue;
    upper.push([x[i], top]);
    lower.push([x[i], plotValue(y[i] - band[i], log)]);
  }
  return { upper, lower };
}

/**
 * A shaded ± band (Supp. 1d's "shading ±1 SD"): a custom series whose data are the band's points
 * (so the axes take in the band, as they did its dotted edges) and whose first datum draws the
 * filled outline. It shares the curve's name, so its legend entry shows and hides both.
 */
function bandSeries(name: string, outline: ReturnType<typeof bandOutline>, color: string): Option {
  const data = [...outline.upper, ...outline.lower.filter((p): p is [number, number] => p[1] !== null)];
  return {
    type: 'custom',
    name,
    silent: true,
    z: 1,
    data,
    encode: { x: 0, y: 1 },
    renderItem: (params: { dataIndex: number; coordSys: { y: number; height: number } }, api: { coord(point: [number, number]): [number, number] }) => {
      if (params.dataIndex !== 0 || outline.upper.length < 2) return null;
      const bottom = params.coordSys.y + params.coordSys.height;
      // lower[i] and upper[i] are the same x: a missing lower edge sits at the bottom below upper[i]
      const lowerEdge = outline.lower.map((p, i): [number, number] => (p[1] === null ? [api.coord(outline.upper[i])[0], bottom] : api.coord([p[0], p[1]])));
      const points = [...outline.upper.map((p) => api.coord(p)), ...lowerEdge.reverse()];
      return { type: 'polygon', shape: { points }, style: { fill: color, opacity: 0.18 }, silent: true };
    },
  };
}

function linesOption(f: LinesFigure, style: FigureOptionStyle = {}): Option {
  const log = Boolean(f.logY);
  const series: Option[] = [];
  const plotted: Array<number | null> = [];
  f.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const points = Array.from({ length: s.x.length }, (_, i) => [s.x[i], plotValue(s.y[i], log)] as const);
    for (const [, y] of points) plotted.push(y);
    const marker = s.symbol ? { symbol: s.symbol, symbolSize: 7, showSymbol: true } : { showSymbol: points.length <= 30, symbolSize: 4 };
    series.push({ type: 'line', name: s.name, data: points, ...marker, lineStyle: { width: 1.5, type: s.dashed ? 'dashed' : 'solid', color }, itemStyle: { color } });
    if (s.band) {
      const outline = bandOutline(s.x, s.y, s.band, log);
      for (const [, y] of [...outline.upper, ...outline.lower]) plotted.push(y);
      series.push(bandSeries(s.name, outline, color));
    }
  });
  return {
    ...base(f.title, f.series.map((s) => s.name), style),
    xAxis: f.categories
      ? categoryAxis(f.xLabel, f.categories)
      : f.logX
      ? valueAxis(f.xLabel, true, xExtent(f.series))
      : valueAxis(f.xLabel, false, { ...xExtent(f.series), ...((f.integerX ?? wholeNumbersOnly(f.series)) ? { minInterval: 1 } : {}) }),
    yAxis: valueAxis(f.yLabel, log, { nameGap: 55, ...(log ? logAxisFit(plotted) : {}) }),
    series,
  };
}

/** The legend entry of a box figure's points: what each one is (a bare "data" said nothing). */
export function pointsLegend(f: BoxFigure): string {
  return f.pointName ? `each ${f.pointName}` : 'each value';
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
      ...(f.color ? { itemStyle: { color: '#ffffff', borderColor: f.color } } : {}),
      markLine: f.line && plotValue(f.line.value, log) !== null
        ? { symbol: 'none', lineStyle: { type: 'dashed', color: NEUTRAL_COLOR }, label: { formatter: f.line.name, position: 'insideEndTop' }, data: [{ yAxis: f.line.value, name: f.line.name }] }
        : undefined,
    },
  ];
  // in the boxes' colour, and named in the legend only when there are any (an 'outliers' entry
  // in the palette's first colour, with no such point drawn, read as a series of its own)
  if (outliers.length > 0) series.push({ type: 'scatter', name: 'outliers', data: outliers, symbolSize: 6, ...(f.color ? { itemStyle: { color: f.color } } : {}) });
  if (f.points) {
    // Every datum as a small point, spread sideways by a fixed pattern (deterministic output).
    const data: Array<[number, number]> = [];
    f.points.forEach((values, k) => {
      for (let i = 0; i < values.length; i++) {
        const v = plotValue(values[i], log);
        if (v !== null) data.push([k + 0.25 * (((i * 7) % 11) / 10 - 0.5), v]);
      }
    });
    series.push({ type: 'scatter', name: pointsLegend(f), data, symbolSize: 4, itemStyle: { color: NEUTRAL_COLOR, opacity: 0.6 }, xAxisIndex: 1 });
  }
  return {
    ...base(f.title, [f.yLabel, ...(outliers.length > 0 ? ['outliers'] : []), ...(f.points ? [pointsLegend(f)] : [])], style),
    xAxis: [
      { type: 'category', data: f.categories, name: f.xLabel ?? 'condition', nameLocation: 'middle', nameGap: 30, nameTextStyle: AXIS_NAME, axisLabel: { ...AXIS_LABEL, interval: 0, fontSize: 10 } },
      // A hidden value axis aligned with the categories (centre of category k at x = k) for the points.
      { type: 'value', min: -0.5, max: f.categories.length - 0.5, show: false },
    ],
    yAxis: valueAxis(f.yLabel, log, {
      nameGap: 55,
      axisLine: { onZero: false },
      // everything the boxes draw: whiskers, outliers, the points and the reference line
      ...(log ? logAxisFit([...data.flat(), ...outliers.map(([, v]) => v), ...(f.points ?? []).flatMap((values) => Array.from(values)), ...(f.line ? [f.line.value] : [])]) : {}),
    }),
    series,
  };
}

/** min and max at ticks of the axis' own step. */
function roundEnds(lo: number, hi: number): Option {
  const { min, max } = niceBounds(lo, hi);
  return { min, max, scale: false };
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
    // round ends (the raw first edge drew "0.8253" beside the tick "0.85")
    xAxis: valueAxis(f.xLabel, false, bins > 0 ? roundEnds(f.edges[0], f.edges[bins]) : {}),
    // counts (pairs, sessions) tick in whole numbers: 3 pairs drew ticks at 0.5 and 1.5
    yAxis: valueAxis(f.yLabel, false, { scale: false, nameGap: 50, ...(wholeNumbersOnly([{ x: f.heights }]) ? { minInterval: 1 } : {}) }),
    series,
  };
}

/** At most `limit` evenly strided indices of 0..count−1 (full data stays in the .npy files). */
/**
 * Every stride-th index up to `limit` of them, and always the last: a 500 ms movement of 200
 * samples drawn every other one ended at 497.5 ms, so its time axis stopped labelling at 400 ms
 * (and N = 200 neurons ended at neuron 199).
 */
function stridedIndices(count: number, limit: number): number[] {
  const stride = Math.max(1, Math.ceil(count / limit));
  const out: number[] = [];
  for (let i = 0; i < count; i += stride) out.push(i);
  if (count > 0 && out[out.length - 1] !== count - 1) out.push(count - 1);
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
  const low = f.min ?? (Number.isFinite(min) ? min : 0);
  const high = f.max ?? (Number.isFinite(max) ? max : 1);
  // column labels: x values (e.g. ms) when the figure gives them, else column numbers; about six
  // labels on x and eight on y, so ticks stay readable at any size
  const columnLabel = (c: number) => (f.xStep !== undefined ? formatTick((f.xStart ?? 0) + c * f.xStep) : String(c));
  // rows: whole numbers as they are (neuron 12345, not '12.3k'), stepped values as ticks (λ = 0.25)
  const rowLabel = (r: number) => (f.yStep !== undefined ? formatTick(Number(((f.yStart ?? 0) + r * f.yStep).toPrecision(12))) : String((f.yStart ?? 0) + r));
  const every = (count: number, labels: number) => Math.max(0, Math.ceil(count / labels) - 1);
  // with x values: labels at round values (0, 100, 200 ms), on the drawn column nearest each
  const roundTicks = new Map<number, string>();
  if (f.xStep !== undefined && f.xStep > 0 && cols.length > 1) {
    const start = f.xStart ?? 0;
    const end = start + cols[cols.length - 1] * f.xStep;
    const { step } = niceBounds(start, end, 5);
    for (let value = Math.ceil(start / step - 1e-9) * step; value <= end + 1e-9 * Math.abs(end); value += step) {
      // the drawn columns are evenly strided but for the last (always drawn, maybe closer)
      const nearest = Math.min(cols.length - 1, Math.round((value - start) / f.xStep / (cols[1] - cols[0])));
      if (nearest >= 0) roundTicks.set(nearest, formatTick(Number(value.toPrecision(12))));
    }
  }
  const xLabels = roundTicks.size > 0
    ? { interval: (index: number) => roundTicks.has(index), formatter: (_value: string, index: number) => roundTicks.get(index) ?? '' }
    : { interval: every(cols.length, 6) };
  return {
    ...base(f.title, null, style),
    grid: { left: 60, right: 90, top: style.title === false ? 16 : 40, bottom: 50 },
    xAxis: { type: 'category', name: f.xLabel, nameLocation: 'middle', nameGap: 30, nameTextStyle: AXIS_NAME, data: cols.map(columnLabel), splitArea: { show: false }, axisLabel: { ...AXIS_LABEL, ...xLabels }, axisTick: { show: false } },
    yAxis: { type: 'category', name: f.yLabel, nameLocation: 'middle', nameGap: 40, nameTextStyle: AXIS_NAME, data: rows.map(rowLabel), inverse: true, axisLabel: { ...AXIS_LABEL, interval: every(rows.length, 8) }, axisTick: { show: false } },
    visualMap: {
      min: low,
      max: high,
      calculable: false,
      text: [formatTick(high), formatTick(low)].map((end) => (f.unit ? `${end} ${f.unit}` : end)),
      textStyle: { fontSize: 11, color: '#333' },
      orient: 'vertical',
      right: 10,
      top: 'middle',
      inRange: { color: RATE_COLORS },
    },
    series: [{ type: 'heatmap', name: f.title, data }],
  };
}

function scatterOption(f: ScatterFigure, style: FigureOptionStyle = {}): Option {
  const logX = Boolean(f.logX);
  const logY = Boolean(f.logY);
  let lo = Infinity;
  let hi = -Infinity;
  const categorical = f.categories !== undefined;
  const series: Option[] = f.series.map((s, k) => ({
    type: 'scatter',
    name: s.name,
    ...scatterMarker(s.symbol),
    itemStyle: { color: s.color ?? PALETTE[k % PALETTE.length] },
    data: Array.from({ length: s.x.length }, (_, i) => {
      const x = categorical ? s.x[i] : plotValue(s.x[i], logX);
      const y = plotValue(s.y[i], logY);
      if (x !== null && y !== null) {
        lo = Math.min(lo, x, y);
        hi = Math.max(hi, x, y);
      }
      // a point of its own colour (the legend keeps the series' colour)
      return s.colors?.[i] !== undefined ? { value: [x, y], itemStyle: { color: s.colors[i] } } : [x, y];
    }),
  }));
  if (f.vLine !== undefined && series.length > 0) {
    series[0].markLine = { symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: NEUTRAL_COLOR }, label: { show: false }, data: [{ xAxis: f.vLine }] };
  }
  const names = f.series.map((s) => s.name);
  // the identity line stays inside fixed ranges
  if (f.xRange && f.yRange) {
    lo = Math.max(lo, Math.min(f.xRange[0], f.yRange[0]));
    hi = Math.min(hi, Math.max(f.xRange[1], f.yRange[1]));
  }
  if (f.identity && Number.isFinite(lo) && Number.isFinite(hi)) {
    series.push({ type: 'line', name: 'identity', data: [[lo, lo], [hi, hi]], showSymbol: false, lineStyle: { type: 'dashed', color: NEUTRAL_COLOR, width: 1 }, itemStyle: { color: NEUTRAL_COLOR } });
    names.push('identity');
  }
  const range = (r: [number, number] | undefined): Option => (r ? { min: r[0], max: r[1], scale: false } : {});
  for (const s of series) if (s.type === 'scatter' && (f.xRange || f.yRange)) s.clip = true;
  const xAxis = f.categories ? categoryAxis(f.xLabel, f.categories) : valueAxis(f.xLabel, logX, range(f.xRange));
  return { ...base(f.title, names, style), xAxis, yAxis: valueAxis(f.yLabel, logY, { nameGap: 55, ...range(f.yRange) }), series };
}

/** Symbol and size of a scatter series' points: small circles by default, a named mark larger, a bar as a flat 24 × 3 px rectangle. */
function scatterMarker(symbol: ScatterSeries['symbol']): Option {
  if (symbol === undefined) return { symbolSize: 5 };
  if (symbol === 'bar') return { symbol: 'rect', symbolSize: [24, 3], z: 3 };
  return { symbol, symbolSize: 8 };
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
