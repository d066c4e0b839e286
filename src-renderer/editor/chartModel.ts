import type { EChartsOption, LineSeriesOption } from 'echarts';
import { gridTime, type EditableTarget } from './editableTarget.js';
import type { ControlPoint } from './controlPoints.js';
import { AXIS_LABEL, AXIS_NAME, LEGEND_STYLE, SPLIT_LINE } from '../../src-shared/plots/chartStyle.js';
import { BEFORE_COLOR, SERIES_COLORS } from '../../src-shared/plots/palette.js';

/**
 * What the editor's chart shows, as a plain ECharts option built from plain data (no DOM), so it is
 * unit-testable and the component only wires pointer events to it.
 */

export interface YRange {
  min: number;
  max: number;
  /** Tick interval (min and max are multiples of it). */
  step: number;
}

/** Channel colours of the targets; the network output is drawn in one muted grey under them. */
// the app's one palette (src-shared/plots/palette.ts)
export const CHANNEL_COLOURS = SERIES_COLORS;
export const NETWORK_OUTPUT_COLOUR = BEFORE_COLOR;
export const CONTROL_POINT_SERIES_ID = 'control-points';

/** Channel `c`'s colour (the palette repeats past its length). */
export function channelColour(c: number): string {
  return CHANNEL_COLOURS[c % CHANNEL_COLOURS.length];
}

/** A "nice" step (1, 2 or 5 × 10^k) of at least `rough`. */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const m of [1, 2, 5, 10]) if (m * power >= rough * (1 - 1e-12)) return m * power;
  return 10 * power;
}

/** The smallest nice range covering both `a` and `b` (the editor's range only widens between strokes). */
export function coverYRange(a: YRange, b: YRange): YRange {
  const lo = Math.min(a.min, b.min);
  const hi = Math.max(a.max, b.max);
  if (lo === a.min && hi === a.max) return a;
  const step = niceStep((hi - lo) / 5);
  return { min: Math.floor(lo / step + 1e-9) * step, max: Math.ceil(hi / step - 1e-9) * step, step };
}

/**
 * y-axis range covering all traces with 10 % headroom (room to draw a little beyond the current
 * extremes), rounded outwards to nice ticks. An all-flat or empty picture gets ±1 around its value.
 */
export function computeYRange(...traces: (ArrayLike<number> | undefined)[]): YRange {
  let lo = Infinity;
  let hi = -Infinity;
  for (const trace of traces) {
    if (!trace) continue;
    for (let i = 0; i < trace.length; i++) {
      const v = trace[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo > hi) return { min: -1, max: 1, step: 0.5 };
  let span = hi - lo;
  if (span <= 1e-12 * Math.max(1, Math.abs(hi))) {
    // A flat trace (e.g. an empty new channel): ±1 around it.
    lo -= 1;
    hi += 1;
    span = 2;
  } else {
    lo -= 0.1 * span;
    hi += 0.1 * span;
  }
  const step = niceStep((hi - lo) / 5);
  return { min: Math.floor(lo / step) * step, max: Math.ceil(hi / step) * step, step };
}

/**
 * How to read a network output next to a target of `channels` channels: the same channel count,
 * channel-major, with its own sample count over the same duration. Null when it cannot be read so.
 */
export function networkOutputLayout(length: number, channels: number): { channels: number; nSamples: number } | null {
  if (length === 0 || channels < 1 || length % channels !== 0) return null;
  const nSamples = length / channels;
  return nSamples >= 2 ? { channels, nSamples } : null;
}

/** [t, y] pairs of one channel-major row. */
export function channelPairs(samples: ArrayLike<number>, channel: number, nSamples: number, duration: number): [number, number][] {
  const pairs: [number, number][] = new Array(nSamples);
  const offset = channel * nSamples;
  for (let k = 0; k < nSamples; k++) pairs[k] = [gridTime(k, nSamples, duration), samples[offset + k]];
  return pairs;
}

/** [t, y] pairs of control points. */
export function controlPointPairs(points: readonly ControlPoint[], target: Pick<EditableTarget, 'nSamples' | 'duration'>): [number, number][] {
  return points.map((p) => [gridTime(p.index, target.nSamples, target.duration), p.y]);
}

/** The chosen control point (keyboard, or the last one dragged): larger, filled, with a dark rim. */
export const SELECTED_POINT_SIZE = 17;
export const SELECTED_POINT_RIM = '#1b1b1b';

/**
 * The control-point series' data: [t, y] pairs, the one at `selected` (if any) drawn as chosen in the
 * channel's `colour`, so who moves it from the keyboard sees which point the arrows act on.
 */
export function controlPointData(
  points: readonly ControlPoint[],
  target: Pick<EditableTarget, 'nSamples' | 'duration'>,
  selected: number | null,
  colour: string,
): Array<[number, number] | { value: [number, number]; symbolSize: number; itemStyle: { color: string; borderColor: string; borderWidth: number } }> {
  return controlPointPairs(points, target).map((pair, k) =>
    k === selected ? { value: pair, symbolSize: SELECTED_POINT_SIZE, itemStyle: { color: colour, borderColor: SELECTED_POINT_RIM, borderWidth: 3 } } : pair,
  );
}

export function channelLabel(channel: number, names?: readonly string[]): string {
  return names?.[channel] ?? `Channel ${channel + 1}`;
}

export interface EditorChartInput {
  target: EditableTarget;
  selectedChannel: number;
  networkOutput?: Float64Array;
  controlPoints?: readonly ControlPoint[] | null;
  /** The chosen control point's index (drawn as chosen), or null. */
  selectedPoint?: number | null;
  yRange: YRange;
  channelNames?: readonly string[];
  /** Hide the tooltip while the user is drawing or dragging. */
  interacting?: boolean;
}

export function buildEditorChartOption(input: EditorChartInput): EChartsOption {
  const { target, selectedChannel, networkOutput, controlPoints, yRange, channelNames } = input;
  const series: LineSeriesOption[] = [];
  const legend: string[] = [];

  const layout = networkOutput ? networkOutputLayout(networkOutput.length, target.channels) : null;
  if (networkOutput && layout) {
    for (let c = 0; c < layout.channels; c++) {
      const name = layout.channels === 1 ? 'Network output' : `Network ${channelLabel(c, channelNames)}`;
      legend.push(name);
      series.push({
        id: `output-${c}`,
        name,
        type: 'line',
        data: channelPairs(networkOutput, c, layout.nSamples, target.duration),
        showSymbol: false,
        silent: true,
        z: 1,
        color: NETWORK_OUTPUT_COLOUR,
        lineStyle: { width: c === selectedChannel ? 2 : 1.2, type: 'dashed', color: NETWORK_OUTPUT_COLOUR },
      });
    }
  }

  for (let c = 0; c < target.channels; c++) {
    const name = channelLabel(c, channelNames);
    const colour = channelColour(c);
    const selected = c === selectedChannel;
    legend.push(name);
    series.push({
      id: `target-${c}`,
      name,
      type: 'line',
      data: channelPairs(target.samples, c, target.nSamples, target.duration),
      showSymbol: false,
      silent: true,
      z: selected ? 3 : 2,
      color: colour,
      lineStyle: { width: selected ? 2.5 : 1.2, opacity: selected ? 1 : 0.45, color: colour },
    });
  }

  if (controlPoints && controlPoints.length > 0) {
    const colour = channelColour(selectedChannel);
    series.push({
      id: CONTROL_POINT_SERIES_ID,
      name: 'Control points',
      type: 'line',
      data: controlPointData(controlPoints, target, input.selectedPoint ?? null, colour),
      showSymbol: true,
      showAllSymbol: true,
      symbol: 'circle',
      symbolSize: 11,
      silent: true,
      z: 4,
      lineStyle: { opacity: 0 },
      itemStyle: { color: '#ffffff', borderColor: colour, borderWidth: 2.5 },
    });
  }

  return {
    animation: false,
    grid: { left: 56, right: 20, top: 36, bottom: 44 },
    legend: { data: legend, top: 4, type: 'plain', ...LEGEND_STYLE },
    tooltip: {
      show: !input.interacting,
      // Drawn on the canvas: the HTML tooltip writes style="" attributes, which a strict CSP
      // (style-src 'self') blocks.
      renderMode: 'richText',
      trigger: 'axis',
      axisPointer: { type: 'line', animation: false },
      valueFormatter: (value) => (typeof value === 'number' ? value.toPrecision(4) : String(value)),
    },
    xAxis: {
      type: 'value',
      min: 0,
      max: target.duration,
      name: 'time (ms)',
      nameLocation: 'middle',
      nameGap: 28,
      nameTextStyle: AXIS_NAME,
      axisLabel: AXIS_LABEL,
      splitLine: SPLIT_LINE,
    },
    yAxis: { type: 'value', min: yRange.min, max: yRange.max, interval: yRange.step, name: 'target m*(t)', nameLocation: 'middle', nameGap: 40, nameTextStyle: AXIS_NAME, axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
    series,
  };
}
