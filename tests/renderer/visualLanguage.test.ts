/**
 * One visual language (issue 14): the shared number formatter, the one palette, axis titles and
 * units, the spectrum window, and the fixed y ranges of live plots — on the option builders
 * themselves and on the SVG the export and the CLI write. Each case is a defect a user saw.
 */
import { describe, expect, it } from 'vitest';
import { boxStats } from '../../src-shared/analysis/statistics.js';
import { figureOption } from '../../src-shared/experiments/figureOption.js';
import type { HeatmapFigure, HistogramFigure, LinesFigure, ScatterFigure } from '../../src-shared/experiments/figureSpec.js';
import { countOf, formatTick, MAX_TICK_CHARS, niceBounds } from '../../src-shared/plots/format.js';
import { SERIES_COLORS } from '../../src-shared/plots/palette.js';
import { spectrumWindow } from '../../src-shared/plots/spectrumView.js';
import { renderFigureSvg } from '../../src-cli/svg/figures.js';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';
import { computeOutput, normalisedError, simulateReference } from '../../src-shared/model/dynamics.js';
import { analyseRun } from '../../src-renderer/components/analysis/runAnalysis.js';
import { analysisPlots, errorBoxPlot, eigenvaluePlot } from '../../src-renderer/plots/analysisOptions.js';
import { plotToSvg } from '../../src-renderer/plots/exportPlot.js';
import { alphaCurveOption, spectrumOption } from '../../src-renderer/plots/spectrumOptions.js';
import { trainingStepName } from '../../src-renderer/plots/trainingOptions.js';
import { widenRange } from '../../src-renderer/plots/options.js';
import { coefficientsPlot } from '../../src-renderer/components/primitives/primitivesPlots.js';
import { eigenHistogramPlot, sliderOption } from '../../src-renderer/components/speed/speedPlots.js';
import { buildEditorChartOption, computeYRange, coverYRange } from '../../src-renderer/editor/chartModel.js';

type Axis = { name?: string; show?: boolean; type?: string; min?: number; max?: number; data?: string[]; axisLabel?: { formatter?: unknown; interval?: number } };
const axesOf = (option: unknown): Axis[] => {
  const o = option as { xAxis?: Axis | Axis[]; yAxis?: Axis | Axis[] };
  return [o.xAxis, o.yAxis].flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? a : [a]));
};
/** Tick label texts of an SVG: the numbers ECharts drew (axis titles and legends are words). */
const numericTexts = (svg: string): string[] =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].trim()).filter((t) => /^[−-]?\d[\d.,]*(e[−-]?\d+)?[kMGT]?$/.test(t));

describe('the shared number formatter', () => {
  it('keeps every tick at most 8 characters (the raw final-error tick was 3.2253976079523197)', () => {
    expect(formatTick(3.2253976079523197)).toBe('3.225');
    expect(formatTick(6.840840525012609)).toBe('6.841');
    for (const v of [3.2253976079523197, -0.0042531, 123456.789, -98765432.1, 1e-7, -2.5e-12, 0.30000000000000004, 5000, 1e21, -1e-300]) {
      expect(formatTick(v).length).toBeLessThanOrEqual(MAX_TICK_CHARS);
    }
    expect([10, 1, 0.1, 0.25, 1e-4, 5000, 20000, 1.5e6, -0.00425].map(formatTick)).toEqual(['10', '1', '0.1', '0.25', '1e-4', '5000', '20k', '1.5M', '-0.00425']);
  });

  it('niceBounds puts both ends on ticks of one step; countOf pluralises', () => {
    const b = niceBounds(0.8253, 1.2871);
    expect(b.step).toBe(0.1);
    expect(b.min).toBe(0.8);
    expect(b.max).toBe(1.3);
    expect(countOf(1, 'session')).toBe('1 session');
    expect(countOf(3, 'session')).toBe('3 sessions');
  });
});

describe('run analyses plots', () => {
  const network = syntheticNetwork();
  const target = syntheticTarget(network);
  const n = network.n;
  const errorOf = (gains: Float64Array) => {
    const { rates } = simulateReference(network.W, n, network.x0, gains, network.params);
    return normalisedError(computeOutput(rates, network.params.nSamples, n, network.nE, network.readout), target.values, 1, network.params.nSamples);
  };
  const gains = Float64Array.from({ length: n }, (_, i) => 1 + 0.05 * Math.sin(i));
  // one session, and a starting error with all its digits (the value the raw tick showed)
  const analysis = analyseRun({ network, target: target.values, initialError: 3.2253976079523197, sessions: [{ bestGains: gains, bestError: errorOf(gains) }] });

  it('the final-error axis ends on a round tick and its labels (screen and SVG) are short', () => {
    const plot = errorBoxPlot(analysis);
    const y = axesOf(plot.option)[1];
    // this run's trained error is under a tenth of 3.23: the axis is logarithmic, up to the decade
    // above (a linear one would end on 4; tests/renderer/analysisReadability.test.ts)
    expect(y.type).toBe('log');
    expect(y.max).toBe(10);
    const svg = plotToSvg(plot.option, plot.title);
    const ticks = numericTexts(svg);
    expect(ticks.length).toBeGreaterThan(2);
    for (const tick of ticks) expect(tick.length).toBeLessThanOrEqual(MAX_TICK_CHARS);
    expect(plot.caption).toMatch(/^1 session:/);
  });

  it('every analysis plot: every shown axis has a title, every tick (in the exported SVG) ≤ 8 characters', () => {
    for (const plot of analysisPlots(analysis, null)) {
      for (const axis of axesOf(plot.option)) if (axis.show !== false) expect(axis.name, `${plot.id} axis`).toBeTruthy();
      for (const tick of numericTexts(plotToSvg(plot.option, plot.title))) expect(tick.length, `${plot.id}: ${tick}`).toBeLessThanOrEqual(MAX_TICK_CHARS);
    }
  });

  it('the gain histogram ends on ticks of its own step (no "0.8253" beside "0.85")', () => {
    const plot = analysisPlots(analysis, null).find((p) => p.id === 'gain-distribution')!;
    const x = axesOf(plot.option)[0];
    // round numbers (a raw bin edge has all its digits), the data inside
    expect(Number(x.min!.toPrecision(3))).toBe(x.min);
    expect(Number(x.max!.toPrecision(3))).toBe(x.max);
    expect(x.min!).toBeLessThanOrEqual(Math.min(...analysis.gains));
    expect(x.max!).toBeGreaterThanOrEqual(Math.max(...analysis.gains));
  });

  it('eigenvalues are in 1/s, with the stability line in the legend and room right of the rightmost point', () => {
    const plot = eigenvaluePlot(analysis);
    const [x, y] = axesOf(plot.option);
    expect(x.name).toBe('Re λ (1/s)');
    expect(y.name).toBe('Im λ (1/s)');
    const maxRe = Math.max(...Array.from(analysis.eigenvaluesAfter.re, (v) => v * 1000), ...Array.from(analysis.eigenvaluesBefore.re, (v) => v * 1000));
    expect(x.max!).toBeGreaterThan(maxRe);
    const names = (plot.option as { series: Array<{ name: string }> }).series.map((s) => s.name);
    expect(names.some((name) => /stability/.test(name))).toBe(true);
  });
});

describe('spectrum plots', () => {
  // a disk of 199 eigenvalues of radius 0.8 around −0.2, and one far outlier at −22
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k < 199; k++) {
    re.push(-0.2 + 0.8 * Math.cos((2 * Math.PI * k) / 199) * Math.sqrt((k % 10) / 10));
    im.push(0.8 * Math.sin((2 * Math.PI * k) / 199) * Math.sqrt((k % 10) / 10));
  }
  re.push(-22);
  im.push(0);

  it('an outlier at −22 does not squeeze the rest: it is outside the window and counted in the legend', () => {
    const view = spectrumWindow(re, im, [1, 0.15]);
    expect(view.outside).toEqual([199]);
    expect(view.xMin).toBeGreaterThan(-2);
    expect(view.xMax).toBeGreaterThan(1); // the stability line is in view
    const { option, outsideCount } = spectrumOption({ sets: [{ name: 'eigenvalues', re, im, color: '#000' }], references: [{ name: 'Re λ = 1 (stability limit)', x: 1, color: '#c00' }, { name: 'target α = 0.15', x: 0.15, color: '#a60', dashed: true }], xName: 'Re λ(W)', yName: 'Im λ(W)' });
    expect(outsideCount).toBe(1);
    const names = (option as { series: Array<{ name: string }> }).series.map((s) => s.name);
    expect(names).toEqual(['eigenvalues', '1 outside the view (on its edge)', 'Re λ = 1 (stability limit)', 'target α = 0.15']);
    const [x, y] = axesOf(option);
    expect([x.name, y.name]).toEqual(['Re λ(W)', 'Im λ(W)']);
    // the imaginary axis has its own range (ticks), symmetric about 0
    expect(y.min).toBeCloseTo(-y.max!, 12);
    expect(y.max!).toBeGreaterThan(0.7);
  });

  it('a spectrum without outliers keeps every point in view', () => {
    expect(spectrumWindow(re.slice(0, 199), im.slice(0, 199)).outside).toEqual([]);
  });

  it('the SOC α curve has axis titles and the target α in its legend', () => {
    const option = alphaCurveOption([1.2, 0.8, 0.4, 0.2, 0.16], 0.15) as { series: Array<{ name: string }> };
    const [x, y] = axesOf(option);
    expect(x.name).toBe('SOC iteration');
    expect(y.name).toMatch(/^α/);
    expect(option.series.map((s) => s.name)).toEqual(['α', 'target α = 0.15']);
  });
});

describe('units and words agree', () => {
  it('gradient runs count iterations, the reward rule trials', () => {
    expect(trainingStepName({ rule: 'gradient' })).toBe('iteration');
    expect(trainingStepName({ rule: 'reward' })).toBe('trial');
    expect(trainingStepName(undefined)).toBe('trial');
  });

  it('speed eigenvalue histograms are in 1/s like the analyses', () => {
    const histograms = { edges: Float64Array.from([-0.004, -0.002, 0]), before: Float64Array.from([1, 2]), after: Float64Array.from([2, 1]) };
    const spectrum = { re: Float64Array.from([-0.003]), im: Float64Array.from([0.001]) };
    const analysis = { histograms: { re: histograms, im: histograms }, before: spectrum, after: spectrum } as unknown as Parameters<typeof eigenHistogramPlot>[0];
    const plot = eigenHistogramPlot(analysis, 'im');
    expect(axesOf(plot.option)[0].name).toBe('Im λ (1/s)');
    // edges −4…0 per ms ×1000 → −4 … 0 per s, half a bin of room each side
    expect(axesOf(plot.option)[0].min).toBeCloseTo(-5, 9);
    expect(plot.caption).toContain('1/s');
  });

  it('the imaginary parts caption says which way the fastest rotation went', () => {
    const histograms = { edges: Float64Array.from([0, 0.02, 0.04]), before: Float64Array.from([1, 2]), after: Float64Array.from([2, 1]) };
    const caption = (before: number, after: number) => {
      const spectrum = (im: number) => ({ re: Float64Array.from([-0.003]), im: Float64Array.from([im, -im]) });
      const analysis = { histograms: { re: histograms, im: histograms }, before: spectrum(before), after: spectrum(after) } as unknown as Parameters<typeof eigenHistogramPlot>[0];
      return eigenHistogramPlot(analysis, 'im').caption;
    };
    // 1/ms ×1000: 44.0 → 47.2 1/s grew (seen in the walkthrough under a caption that spoke of shrinking)
    expect(caption(0.044, 0.0472)).toMatch(/44\.0.* → 47\.2.*: faster rotation in the slow pattern/);
    expect(caption(0.0472, 0.044)).toMatch(/: slower rotation in the slow pattern/);
    expect(caption(0.044, 0.044)).toMatch(/: the same fastest rotation in the slow pattern/);
  });

  it('the coefficients axis reads cₖ (a subscript, no literal underscore)', () => {
    const plot = coefficientsPlot([0.5, -0.2], ['a', 'b']);
    expect(JSON.stringify(axesOf(plot.option).map((a) => a.name))).not.toContain('_');
    expect(axesOf(plot.option).map((a) => a.name)).toContain('cₖ');
  });
});

describe('experiment figures: the app palette, ms time axes, data-long x axes', () => {
  it('no ECharts default colour; solid legend marks', () => {
    const scatter: ScatterFigure = { kind: 'scatter', name: 's', title: 'S', xLabel: 'x', yLabel: 'y', series: [{ name: 'p', x: [1], y: [2] }] };
    const option = figureOption(scatter) as { color: string[]; legend: { icon: string }; series: Array<{ itemStyle: { color: string } }> };
    expect(option.color).toEqual(SERIES_COLORS);
    expect(JSON.stringify(option)).not.toMatch(/#5470c6|#91cc75|#ee6666|#fac858/i);
    expect(option.legend.icon).toBe('rect');
    expect(option.series[0].itemStyle.color).toBe(SERIES_COLORS[0]);
  });

  it('rate maps label columns in ms (not "time sample 0–196") with a readable number of neuron ticks', () => {
    const rows = 100;
    const cols = 197;
    const heatmap: HeatmapFigure = { kind: 'heatmap', name: 'h', title: 'H', xLabel: 'time (ms)', xStart: 0, xStep: 500 / 196, yLabel: 'neuron', rows, cols, data: new Float64Array(rows * cols) };
    const [x, y] = axesOf(figureOption(heatmap));
    expect(x.name).toBe('time (ms)');
    // every second column is drawn (197 > 120): column k of the chart is at 2k × 500/196 ms
    expect(Number(x.data![1])).toBeCloseTo((500 / 196) * Math.ceil(cols / 120), 2);
    // labels only at round times: 0, 100, …, 500 ms
    const label = x.axisLabel as unknown as { interval: (i: number) => boolean; formatter: (v: string, i: number) => string };
    const shown = x.data!.map((_, i) => i).filter((i) => label.interval(i)).map((i) => label.formatter(x.data![i], i));
    expect(shown).toEqual(['0', '100', '200', '300', '400', '500']);
    // about eight neuron labels, not a hundred
    expect(rows / (y.axisLabel!.interval! + 1)).toBeLessThanOrEqual(8);
  });

  it('a time axis ends where the data ends (500 ms, not 600); a histogram ends on ticks', () => {
    const lines: LinesFigure = { kind: 'lines', name: 'l', title: 'L', xLabel: 'time (ms)', yLabel: 'output', series: [{ name: 'o', x: [0, 250, 500.00000000000006], y: [0, 1, 0] }] };
    const [x] = axesOf(figureOption(lines));
    expect([x.min, x.max]).toEqual([0, 500]);
    const histogram: HistogramFigure = { kind: 'histogram', name: 'h', title: 'H', xLabel: 'gain', yLabel: 'density', edges: [0.8253, 0.9, 1.0, 1.1, 1.2871], heights: [1, 2, 3, 1] };
    const [hx] = axesOf(figureOption(histogram));
    expect([hx.min, hx.max]).toEqual([0.8, 1.3]);
  });

  it('a histogram of counts ticks in whole numbers (3 pairs of patterns drew 0.5 and 1.5); densities keep their fractions', () => {
    // x from 10 to 50: every tick in [0, 2] is the count axis's
    const counts: HistogramFigure = { kind: 'histogram', name: 'c', title: 'C', xLabel: 'lag (ms)', yLabel: 'pairs', edges: [10, 20, 30, 40, 50], heights: [0, 0, 1, 2] };
    const drawn = (figure: HistogramFigure) => numericTexts(plotToSvg(figureOption(figure) as Parameters<typeof plotToSvg>[0], figure.title)).map((t) => Number(t.replace('−', '-')));
    const ticks = drawn(counts).filter((t) => t >= 0 && t <= 2);
    expect(ticks.length).toBeGreaterThan(0);
    for (const t of ticks) expect(Number.isInteger(t), `tick ${t}`).toBe(true);
    const density: HistogramFigure = { ...counts, yLabel: 'density', heights: [0, 0, 0.4, 0.6] };
    expect(drawn(density).some((t) => t < 1 && !Number.isInteger(t))).toBe(true);
  });

  it('the CLI SVG of a box figure: titled category axis, short ticks', () => {
    const svg = renderFigureSvg({ kind: 'box', name: 'b', title: 'B', xLabel: 'what is trained', yLabel: 'error', categories: ['gains', 'W'], boxes: [boxStats([1.1234567, 2.7654321]), boxStats([3.3333333, 4.4444444])] });
    expect(svg).toContain('what is trained');
    for (const tick of numericTexts(svg)) expect(tick.length).toBeLessThanOrEqual(MAX_TICK_CHARS);
  });
});

describe('live plots keep their y axis still', () => {
  it('the speed slider: the y range only widens while dragging', () => {
    let range = widenRange(null, [0, 2]);
    range = widenRange(range, [0.5, 1]);
    expect(range).toEqual([0, 2]);
    range = widenRange(range, [-1, 1]);
    expect(range).toEqual([-1, 2]);
    const option = sliderOption({ outputs: Float64Array.from([0.5, 1]), m: 1, channels: 1, nSamples: 2, step: 1, windowMs: 1, yRange: range });
    const y = axesOf(option)[1];
    expect([y.min, y.max]).toEqual([-1, 2]);
  });

  it('the movement editor: a smaller stroke does not shrink the range; the y axis is titled', () => {
    const wide = computeYRange([0, 10]);
    const narrow = computeYRange([0, 1]);
    expect(coverYRange(wide, narrow)).toBe(wide);
    const both = coverYRange(narrow, computeYRange([-5, 1]));
    expect(both.min).toBeLessThanOrEqual(-5);
    expect(both.max).toBeGreaterThanOrEqual(1);
    const target = { duration: 100, nSamples: 3, channels: 1, samples: Float64Array.from([0, 1, 0]) };
    const option = buildEditorChartOption({ target, selectedChannel: 0, networkOutput: undefined, controlPoints: null, yRange: wide } as unknown as Parameters<typeof buildEditorChartOption>[0]);
    for (const axis of axesOf(option)) expect(axis.name).toBeTruthy();
  });
});

describe('notices', () => {
  it('at most three show at once (a stack stays in its corner), the newest kept', async () => {
    const { createPinia, setActivePinia } = await import('pinia');
    const { useNotificationsStore } = await import('../../src-renderer/stores/notifications.js');
    setActivePinia(createPinia());
    const notices = useNotificationsStore();
    for (let k = 1; k <= 5; k++) notices.info(`notice ${k}`);
    expect(notices.notices.map((n) => n.text)).toEqual(['notice 3', 'notice 4', 'notice 5']);
    for (const n of [...notices.notices]) notices.dismiss(n.id);
  });
});

describe('the diverging map (rates, correlations, the weight matrix)', () => {
  it('ends at the palette stops and is white at zero', async () => {
    const { divergingRgb, RATE_COLORS } = await import('../../src-shared/plots/palette.js');
    const hex = ([r, g, b]: number[]) => `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
    expect(hex(divergingRgb(-1))).toBe(RATE_COLORS[0]);
    expect(hex(divergingRgb(0))).toBe(RATE_COLORS[2]);
    expect(hex(divergingRgb(1))).toBe(RATE_COLORS[4]);
    expect(hex(divergingRgb(5))).toBe(RATE_COLORS[4]);
    const { divergingTable } = await import('../../src-shared/plots/palette.js');
    const table = divergingTable(5);
    expect(hex(Array.from(table.subarray(0, 3)))).toBe(RATE_COLORS[0]);
    expect(hex(Array.from(table.subarray(6, 9)))).toBe(RATE_COLORS[2]);
    expect(hex(Array.from(table.subarray(12, 15)))).toBe(RATE_COLORS[4]);
  });
});
