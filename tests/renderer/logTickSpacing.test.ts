/**
 * Tick labels of a log axis never crowd (src-shared/plots/format.ts fittedLogRange and
 * spacedLogTicks): errors from 4.18 down to 0.98 sit on an axis from 0.5 to 5 whose evenly stepped
 * ticks 0.5, 1, 2, 3, 4, 5 put the labels 4 and 5 a tenth of the axis apart. Checked on the labels
 * ECharts paints (server-side SVG) for the app's error axes (src-renderer/plots/options.ts
 * errorYAxis) and the experiments' figures as the CLI writes them (src-shared/experiments/figureOption.ts
 * through src-cli/svg/figures.ts), on that axis and on others within and over a decade.
 * Truth: the painted labels' positions, measured in pixels against the axis's painted height.
 */
import { init, type EChartsCoreOption } from 'echarts/core';
import { describe, expect, it } from 'vitest';
import { CHART_THEME } from '../../src-renderer/plots/echarts.js';
import { errorCurveOption, errorSeries, errorYAxis } from '../../src-renderer/plots/options.js';
import { renderFigureSvg } from '../../src-cli/svg/figures.js';
import type { LinesFigure } from '../../src-shared/experiments/figureSpec.js';
import { MIN_LOG_TICK_GAP, spacedLogTicks } from '../../src-shared/plots/format.js';

/** The y axis's labels as painted: [value, pixel height from the top], right-aligned texts left of the plot, lowest value first. */
function yLabels(svg: string, leftOfPx: number): [number, number][] {
  return [...svg.matchAll(/<text[^>]*text-anchor="end"[^>]*transform="translate\((\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\)"[^>]*>([^<]*)<\/text>/g)]
    .filter((m) => Number(m[1]) < leftOfPx)
    .map((m): [number, number] => [Number(m[3].trim()), Number(m[2])])
    .sort((a, b) => a[0] - b[0]);
}

/** The app's live error curve over errors from `lo` to `hi`, as painted (640 × 320). */
function appAxis(lo: number, hi: number): [number, number][] {
  const option = errorCurveOption(true) as Record<string, unknown>;
  option.series = [errorSeries(0, [[0, hi], [50, (lo + hi) / 2], [100, lo]], false)];
  option.yAxis = errorYAxis(true, 'error E', [lo, hi]);
  const chart = init(null, CHART_THEME, { renderer: 'svg', ssr: true, width: 640, height: 320 });
  try {
    chart.setOption(option as EChartsCoreOption);
    return yLabels(chart.renderToSVGString(), 64);
  } finally {
    chart.dispose();
  }
}

/** An experiment's lines figure over the same values, as `gainlab experiment` writes it (720 × 440). */
function figureAxis(lo: number, hi: number): [number, number][] {
  const figure: LinesFigure = { kind: 'lines', name: 'errors', title: 'error', xLabel: 'session', yLabel: 'error', logY: true, series: [{ name: 'error', x: [1, 2, 3], y: [hi, (lo + hi) / 2, lo] }] };
  return yLabels(renderFigureSvg(figure), 80);
}

/** The smallest distance between neighbouring labels as a fraction of the axis's painted height (lowest to highest label). */
function closestGap(labels: [number, number][]): number {
  const height = labels[0][1] - labels[labels.length - 1][1];
  let closest = Infinity;
  for (let k = 1; k < labels.length; k++) closest = Math.min(closest, (labels[k - 1][1] - labels[k][1]) / height);
  return closest;
}

const AXES: Array<[string, (lo: number, hi: number) => [number, number][]]> = [
  ['app error axis', appAxis],
  ['experiment figure', figureAxis],
];

describe.each(AXES)('log tick labels never crowd: %s', (_, draw) => {
  it('errors 0.98–4.18 (an axis from 0.5 to 5): 4 goes, the labels 3 and 5 keep their distance', () => {
    const labels = draw(0.98, 4.18);
    expect(labels.map(([value]) => value)).toEqual([0.5, 1, 2, 3, 5]);
    expect(closestGap(labels)).toBeGreaterThanOrEqual(MIN_LOG_TICK_GAP - 0.005);
  });

  it("errors 0.155–1.44 (the README's trained workspace, an axis from 0.1 to 1.5): 1 stays beside 1.5", () => {
    expect(draw(0.155, 1.44).map(([value]) => value)).toEqual([0.1, 0.5, 1, 1.5]);
  });

  it.each([
    [0.1, 5],
    [1, 1000],
    [0.02, 0.3],
    [0.15, 1],
    [1.04, 1.37],
    [0.11, 1.05],
    [0.069, 0.078],
  ])('data %s–%s: at least 3 labels, none closer than the least gap, both ends of the data inside', (lo, hi) => {
    const labels = draw(lo, hi);
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(closestGap(labels)).toBeGreaterThanOrEqual(MIN_LOG_TICK_GAP - 0.005);
    expect(labels[0][0]).toBeLessThanOrEqual(lo);
    expect(labels[labels.length - 1][0]).toBeGreaterThanOrEqual(hi);
  });
});

describe('spacedLogTicks', () => {
  it('keeps both ends and every tick that leaves room, in order', () => {
    expect(spacedLogTicks([0.5, 1, 2, 3, 4, 5])).toEqual([0.5, 1, 2, 3, 5]);
    expect(spacedLogTicks([0.1, 0.2, 0.4, 0.6, 0.8, 1])).toEqual([0.1, 0.2, 0.4, 0.6, 1]);
    // evenly spread on the log axis already: nothing goes
    expect(spacedLogTicks([1, 1.1, 1.2, 1.3, 1.4])).toEqual([1, 1.1, 1.2, 1.3, 1.4]);
    expect(spacedLogTicks([1, 10, 100])).toEqual([1, 10, 100]);
    expect(spacedLogTicks([2, 3])).toEqual([2, 3]);
  });

  it('a tick close to the top end goes even when far from the one below', () => {
    // 1 is 0.699 of the way up 0.1–1.2 (log), 1.2 is 0.073 above it
    expect(spacedLogTicks([0.1, 0.5, 1, 1.2])).toEqual([0.1, 0.5, 1.2]);
  });
});
