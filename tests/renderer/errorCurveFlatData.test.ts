/**
 * The live error curve hands ECharts each session's points as one flat Float64Array (trial and
 * error in turn: DecimatedCurve.flatPoints, errorSeries) instead of [trial, error] pairs. ECharts
 * deep-copies an option's arrays at every setOption (OptionManager clones it: one new array per
 * pair), which took ~0.3 s of every 8 s of a 10-session run's page thread; a typed array it keeps
 * as handed. Here, with the real ECharts (server-side SVG rendering): the chart holds the very
 * array it was given, and draws the same picture from it as from pairs — axes, log axis, line,
 * after a first setOption and after a merged update of one series — with the same values for the
 * tooltip to show.
 */
import { describe, expect, it } from 'vitest';
import { init } from 'echarts/core';
import '../../src-renderer/plots/echarts.js';
import { CHART_THEME } from '../../src-renderer/plots/echarts.js';
import { DecimatedCurve, LIVE_CURVE_BINS } from '../../src-renderer/plots/curveDecimation.js';
import { errorCurveOption, errorSeries, errorYAxis } from '../../src-renderer/plots/options.js';
import { Rng } from '../../src-shared/model/rng.js';

interface SeriesModelView {
  option: { data: unknown };
  getRawValue(index: number): unknown;
  getData(): { count(): number; get(dim: string, index: number): number };
}
interface ChartInternals {
  getModel(): { getSeriesByIndex(index: number): SeriesModelView };
}

function noisyCurve(length: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length }, (_, k) => 3 * Math.exp(-k / (length / 4)) * (1 + 0.4 * rng.uniform()) + 0.02);
}

function decimated(values: number[]): DecimatedCurve {
  const curve = new DecimatedCurve(LIVE_CURVE_BINS);
  curve.append(values, 0);
  return curve;
}

function svgChart() {
  return init(null, CHART_THEME, { renderer: 'svg', ssr: true, width: 480, height: 320 });
}

/** The SVG without the ids zrender numbers its style classes and clip paths with (per instance, per render). */
function picture(svg: string): string {
  return svg.replace(/zr\d+-cls-\d+/g, 'cls').replace(/zr\d+/g, 'zr');
}

const SESSIONS = 3;
const curves = Array.from({ length: SESSIONS }, (_, s) => noisyCurve(6000 + 1500 * s, s + 1));

describe('the live error curve as flat typed arrays', () => {
  it('is kept by ECharts as handed, where [trial, error] pairs are copied', () => {
    const flat = decimated(curves[0]).flatPoints();
    const pairs = decimated(curves[0]).points();
    const chart = svgChart();
    chart.setOption({ ...errorCurveOption(true), series: [errorSeries(0, flat, false), errorSeries(1, pairs, false)] });
    const model = (chart as unknown as ChartInternals).getModel();
    expect(model.getSeriesByIndex(0).option.data).toBe(flat);
    expect(model.getSeriesByIndex(1).option.data).not.toBe(pairs);
    // the same points either way, after the series' sampling to the plot's width (what the axis
    // tooltip reads)
    const [fromFlat, fromPairs] = [model.getSeriesByIndex(0), model.getSeriesByIndex(1)];
    expect(fromFlat.getData().count()).toBe(fromPairs.getData().count());
    expect(fromFlat.getData().count()).toBeGreaterThan(100);
    for (let index = 0; index < fromPairs.getData().count(); index++) {
      expect(fromFlat.getRawValue(index)).toEqual(fromPairs.getRawValue(index));
      expect(fromFlat.getData().get('y', index)).toBe(fromPairs.getData().get('y', index));
    }
    chart.dispose();
  });

  it.each([true, false])('draws the same picture as pairs (log axis %s), also after a merged update of one series', (logY) => {
    const full = curves.map(decimated);
    const render = (setOptions: (chart: ReturnType<typeof svgChart>) => void) => {
      const chart = svgChart();
      setOptions(chart);
      const svg = chart.renderToSVGString();
      chart.dispose();
      return picture(svg);
    };
    let lo = Infinity;
    let hi = -Infinity;
    for (const curve of full) [lo, hi] = [Math.min(lo, curve.lo), Math.max(hi, curve.hi)];
    const yAxis = errorYAxis(logY, 'error E', [lo, hi]);
    const fromPairs = render((chart) =>
      chart.setOption({ ...errorCurveOption(logY), yAxis, legend: { show: true }, series: full.map((curve, s) => errorSeries(s, curve.points(), s === 1)) }),
    );
    const fromFlat = render((chart) => {
      // the first half of session 0 first, as a live run draws it, then its whole curve merged in
      const early = decimated(curves[0].slice(0, 3000));
      const series = full.map((curve, s) => errorSeries(s, s === 0 ? early.flatPoints() : curve.flatPoints(), s === 1));
      chart.setOption({ ...errorCurveOption(logY), yAxis, legend: { show: true }, series });
      chart.setOption({ series: [{ id: series[0].id, data: full[0].flatPoints() }] }, { notMerge: false });
    });
    expect(fromPairs).toContain('<path d="M');
    expect(fromFlat).toBe(fromPairs);
  });
});
