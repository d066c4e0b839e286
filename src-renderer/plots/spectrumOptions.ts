/**
 * Eigenvalues in the complex plane, as every spectrum plot of the app draws them (the network
 * inspector's and SOC build's spectrum of W, the analyses' spectrum of the linearisation): one
 * scatter per set, reference lines (stability limit, target α) as legend entries, and a window
 * clipped to the cloud (src-shared/plots/spectrumView.ts says why) with the points outside drawn
 * on its edge and counted in the legend. Pure (tested without the DOM).
 */
import type { EChartsCoreOption } from 'echarts/core';
import { formatNumber, formatTick } from '../../src-shared/plots/format.js';
import { NEUTRAL_COLOR, POINT_COLOR, REFERENCE_COLOR } from '../../src-shared/plots/palette.js';
import { clampToWindow, spectrumWindow } from '../../src-shared/plots/spectrumView.js';
import { LEGEND_STYLE, valueAxis } from './chartParts.js';
import { errorYAxis, widenRange } from './options.js';

/** Points from which a spectrum's set is drawn as one path (ECharts' large scatter). */
export const LARGE_SPECTRUM = 400;

export interface EigenvalueSet {
  name: string;
  re: ArrayLike<number>;
  im: ArrayLike<number>;
  color: string;
  /**
   * Drawn as rings over the other sets (a second set that shares many points with the first: the
   * analyses' before/after, where the filled 'after' dots hid every 'before' dot under them).
   */
  hollow?: boolean;
}

export interface ReferenceLine {
  name: string;
  /** Re λ of the vertical line. */
  x: number;
  color: string;
  dashed?: boolean;
}

export interface SpectrumInput {
  sets: EigenvalueSet[];
  references?: ReferenceLine[];
  xName: string;
  yName: string;
  symbolSize?: number;
  /** A narrow plot (the side panel): one legend entry per row. */
  narrow?: boolean;
}

export function spectrumOption(input: SpectrumInput): { option: EChartsCoreOption; outsideCount: number } {
  const references = input.references ?? [];
  // one window for every set, so before/after share the axes
  const re: number[] = [];
  const im: number[] = [];
  for (const set of input.sets) {
    for (let k = 0; k < Math.min(set.re.length, set.im.length); k++) {
      re.push(set.re[k]);
      im.push(set.im[k]);
    }
  }
  const view = spectrumWindow(re, im, references.map((r) => r.x));
  const outsideSet = new Set(view.outside);
  const series: Record<string, unknown>[] = [];
  const outsidePoints: Array<{ value: [number, number]; true: [number, number] }> = [];
  let offset = 0;
  for (const set of input.sets) {
    const inside: [number, number][] = [];
    const count = Math.min(set.re.length, set.im.length);
    for (let k = 0; k < count; k++) {
      const point: [number, number] = [set.re[k], set.im[k]];
      if (outsideSet.has(offset + k)) outsidePoints.push({ value: clampToWindow(view, point[0], point[1]), true: point });
      else if (Number.isFinite(point[0]) && Number.isFinite(point[1])) inside.push(point);
    }
    offset += count;
    // large: the points of a big spectrum are one path, not a shape each (N = 1000: the page's
    // longest task while inspecting a network was this plot's setOption, ~90-200 ms)
    const size = input.symbolSize ?? 5;
    // a ring: no fill (a filled or white-filled marker would cover the dots beneath), a stroke in
    // the set's colour, a little larger than the dots and drawn above them
    const look = set.hollow
      ? { symbolSize: size + 3, z: 3, itemStyle: { color: 'rgba(0,0,0,0)', borderColor: set.color, borderWidth: 1.3 } }
      : { symbolSize: size, z: 2, itemStyle: { color: set.color, opacity: 0.85 } };
    series.push({ id: `set-${set.name}`, name: set.name, type: 'scatter', data: inside, ...look, emphasis: { disabled: true }, large: true, largeThreshold: LARGE_SPECTRUM });
  }
  if (outsidePoints.length > 0) {
    series.push({
      id: 'outside',
      name: `${outsidePoints.length} outside the view (on its edge)`,
      type: 'scatter',
      symbol: 'triangle',
      symbolSize: 8,
      data: outsidePoints.map((p) => ({ value: p.value, trueValue: p.true })),
      itemStyle: { color: NEUTRAL_COLOR },
      tooltip: {
        formatter: (params: { data: { trueValue: [number, number] } }) => `outside the view: ${formatNumber(params.data.trueValue[0])} ${params.data.trueValue[1] < 0 ? '−' : '+'} ${formatNumber(Math.abs(params.data.trueValue[1]))}i`,
      },
    });
  }
  for (const line of references) {
    series.push({
      id: `ref-${line.name}`,
      name: line.name,
      type: 'line',
      data: [
        [line.x, view.yMin],
        [line.x, view.yMax],
      ],
      symbol: 'none',
      silent: true,
      lineStyle: { color: line.color, width: 1.2, type: line.dashed ? 'dashed' : 'solid' },
      itemStyle: { color: line.color },
      tooltip: { show: false },
    });
  }
  const entries = input.sets.length + references.length + (outsidePoints.length ? 1 : 0);
  const legendRows = input.narrow ? entries : Math.max(1, Math.ceil(entries / 2));
  // ECharts spaces legend rows by a text line plus itemGap (also between wrapped rows): the plot
  // starts below the last row (reserving 17 px a row let a narrow plot's third entry, 27 px
  // apart, sit on the plot)
  const itemGap = input.narrow ? 6 : 10;
  const legendHeight = legendRows * LEGEND_STYLE.textStyle.lineHeight + (legendRows - 1) * itemGap;
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 52, right: 16, top: 2 + legendHeight + 12, bottom: 40 },
    // marks as drawn: a dot or ring per set, a bar per line, a triangle for the points outside
    legend: { top: 2, left: input.narrow ? 44 : 8, right: 8, orient: input.narrow ? 'vertical' : 'horizontal', itemGap, ...LEGEND_STYLE, itemHeight: 9, data: legendEntries(input.sets, references, outsidePoints.length > 0 ? (series.find((s) => s.id === 'outside')!.name as string) : null) },
    tooltip: { trigger: 'item', formatter: (params: { value: [number, number]; seriesName: string }) => `${params.seriesName}: ${formatTick(params.value[0])} ${params.value[1] < 0 ? '−' : '+'} ${formatTick(Math.abs(params.value[1]))}i` },
    xAxis: valueAxis(input.xName, { min: view.xMin, max: view.xMax, scale: false }),
    yAxis: valueAxis(input.yName, { min: view.yMin, max: view.yMax, scale: false, nameGap: 40 }),
    series,
  };
  return { option, outsideCount: outsidePoints.length };
}

/** A line's legend mark: a 16 × 2 px bar (icons keep their aspect, so a 'rect' would be a square). */
const LINE_ICON = 'path://M0 0H16V2H0Z';

/** Legend entries with the marks the plot draws (rings for hollow sets, so they read at once). */
function legendEntries(sets: readonly EigenvalueSet[], references: readonly ReferenceLine[], outsideName: string | null): Record<string, unknown>[] {
  return [
    ...sets.map((set) =>
      set.hollow
        ? { name: set.name, icon: 'circle', itemStyle: { color: 'rgba(0,0,0,0)', borderColor: set.color, borderWidth: 1.5 } }
        : { name: set.name, icon: 'circle', itemStyle: { color: set.color } },
    ),
    ...(outsideName ? [{ name: outsideName, icon: 'triangle' }] : []),
    ...references.map((line) => ({ name: line.name, icon: LINE_ICON })),
  ];
}

/**
 * α(W) = max Re λ(W) against SOC iteration (log y), the target α dashed in the legend. The y axis is
 * the workspace's α curve's (errorYAxis): over α and its target within one decade it fits them
 * (fittedLogRange) instead of drawing a near-flat line between two whole decades.
 */
export function alphaCurveOption(values: readonly number[], targetAlpha: number | null): EChartsCoreOption {
  const data: [number, number][] = [];
  values.forEach((v, k) => {
    if (v !== undefined && Number.isFinite(v) && v > 0) data.push([k, v]);
  });
  const series: Record<string, unknown>[] = [{ id: 'alpha', name: 'α', type: 'line', data, symbol: 'none', lineStyle: { color: POINT_COLOR, width: 1.5 }, itemStyle: { color: POINT_COLOR } }];
  const target = targetAlpha !== null && targetAlpha > 0 ? targetAlpha : null;
  if (target !== null) {
    series.push({ id: 'target', name: `target α = ${formatTick(target)}`, type: 'line', data: [[0, target], [Math.max(1, values.length - 1), target]], symbol: 'none', silent: true, lineStyle: { color: REFERENCE_COLOR, width: 1.2, type: 'dashed' }, itemStyle: { color: REFERENCE_COLOR }, tooltip: { show: false } });
  }
  return {
    animation: false,
    grid: { left: 52, right: 12, top: 24, bottom: 36 },
    legend: { top: 0, right: 4, ...LEGEND_STYLE },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v)) },
    xAxis: valueAxis('SOC iteration', { min: 0, max: Math.max(1, values.length - 1), scale: false, nameGap: 24, minInterval: 1 }),
    yAxis: { ...(errorYAxis(true, 'α = max Re λ(W)', widenRange(null, [...data.map(([, alpha]) => alpha), ...(target !== null ? [target] : [])])) as object), nameGap: 38 },
    series,
  };
}
