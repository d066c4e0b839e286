/**
 * Log error axes fit data within one decade (fourth walkthrough): a 5× slow-variant run on the
 * published network whose error goes 1.37 → 1.04 drew as a flat line on a log axis from 1 to 10,
 * ticked at 1 and 10 only. Checked on the charts ECharts draws (server-side SVG) from the options of
 * src-renderer/plots/options.ts (the live error curve, src-renderer/components/ErrorCurve.vue),
 * src-renderer/plots/runsOptions.ts (the runs browser's comparison),
 * src-renderer/components/primitives/primitivesPlots.ts (the refine curves) and
 * src-renderer/plots/spectrumOptions.ts alphaCurveOption (the SOC build panel's α curve,
 * src-renderer/components/network/AlphaCurve.vue: α going 0.24 → 0.151 towards its target 0.15 drew
 * ~18 px high between 0.1 and 1, no tick between).
 */
import { init, type EChartsCoreOption, type EChartsType } from 'echarts/core';
import { describe, expect, it } from 'vitest';
import { CHART_THEME } from '../../src-renderer/plots/echarts.js';
import { errorCurveOption, errorRange, errorSeries, errorYAxis, fittedLogRange } from '../../src-renderer/plots/options.js';
import { runCurvesOption } from '../../src-renderer/plots/runsOptions.js';
import { refineOption } from '../../src-renderer/components/primitives/primitivesPlots.js';
import { alphaCurveOption } from '../../src-renderer/plots/spectrumOptions.js';

/** A slow-variant run's error: 1.37 at the start, falling to 1.04 over 2 000 trials. */
const slowRun: [number, number][] = Array.from({ length: 201 }, (_, k) => [k * 10, 1.04 + 0.33 * Math.exp(-k / 40)]);

function drawn(option: EChartsCoreOption): EChartsType {
  const chart = init(null, CHART_THEME, { renderer: 'svg', ssr: true, width: 640, height: 320 });
  chart.setOption(option);
  return chart;
}

/** The y axis's tick labels as painted (right-aligned texts left of the plot area), ascending. */
function yTicks(chart: EChartsType): number[] {
  const svg = chart.renderToSVGString();
  return [...svg.matchAll(/<text[^>]*text-anchor="end"[^>]*transform="translate\((\d+(?:\.\d+)?) [^)]*\)"[^>]*>([^<]*)<\/text>/g)]
    .filter((m) => Number(m[1]) < 64)
    .map((m) => Number(m[2].trim()))
    .sort((a, b) => a - b);
}

/** Pixels between the curve's highest and lowest point. */
function spanPx(chart: EChartsType, hi: number, lo: number): number {
  return (chart.convertToPixel({ yAxisIndex: 0 }, lo) as number) - (chart.convertToPixel({ yAxisIndex: 0 }, hi) as number);
}

describe('a log error axis over data within a decade', () => {
  it('the live error curve fits 1.37 → 1.04: ticks at readable values inside it, the curve spans the plot', () => {
    const option = errorCurveOption(true) as Record<string, unknown>;
    option.series = [errorSeries(0, slowRun, false)];
    option.yAxis = errorYAxis(true, 'error E', errorRange([slowRun]));
    const chart = drawn(option);
    try {
      const ticks = yTicks(chart);
      // without the fit: 1 and 10 only, and the curve within 33 px of a 252 px plot
      expect(ticks).toEqual([1, 1.1, 1.2, 1.3, 1.4]);
      expect(spanPx(chart, 1.37, 1.04)).toBeGreaterThan(200);
    } finally {
      chart.dispose();
    }
  });

  it('merged into the live chart, the fit comes and goes with the data (no bound left behind)', () => {
    const option = errorCurveOption(true) as Record<string, unknown>;
    option.series = [errorSeries(0, slowRun, false)];
    const chart = drawn(option);
    try {
      expect(yTicks(chart)).toEqual([1, 10]); // what the walkthrough saw
      chart.setOption({ yAxis: errorYAxis(true, 'error E', errorRange([slowRun])) });
      expect(yTicks(chart)).toEqual([1, 1.1, 1.2, 1.3, 1.4]);
      // the run goes on below a tenth of its start: whole decades again
      const longer: [number, number][] = [...slowRun, [2010, 0.05]];
      chart.setOption({ series: [{ id: 'session-0', data: longer }], yAxis: errorYAxis(true, 'error E', errorRange([longer])) });
      const ticks = yTicks(chart);
      expect(ticks).toContain(0.1);
      for (const tick of ticks) expect(Math.log10(tick) % 1, `tick ${tick}`).toBeCloseTo(0, 9);
    } finally {
      chart.dispose();
    }
  });

  it('keeps whole decades over more than a decade, and never starts a log axis at 0', () => {
    expect(fittedLogRange([0.02, 4.18])).toBeNull();
    expect(fittedLogRange([0, 0.5])).toBeNull();
    expect(fittedLogRange(null)).toBeNull();
    // 0.15–1: the 0.2 step's grid starts at 0; the axis starts at the decade below instead
    const fit = fittedLogRange([0.15, 1])!;
    expect(fit.min).toBe(0.1);
    expect(fit.max).toBe(1);
    // 0.8 goes: too close to 1 for its label (tests/renderer/logTickSpacing.test.ts)
    expect(fit.ticks).toEqual([0.1, 0.2, 0.4, 0.6, 1]);
  });

  it('the runs browser and the refine curves fit the same way', () => {
    const values = slowRun.map(([, e]) => e);
    for (const option of [runCurvesOption([{ id: 'slow', name: 'slow ×5', values }], true), refineOption(slowRun, slowRun.map(([t, e]) => [t, e * 1.02]), true, 'trial')]) {
      const chart = drawn(option);
      try {
        const ticks = yTicks(chart);
        expect(ticks.length).toBeGreaterThanOrEqual(4);
        expect(Math.min(...ticks)).toBeGreaterThanOrEqual(1);
        expect(Math.max(...ticks)).toBeLessThanOrEqual(1.5);
        expect(spanPx(chart, 1.37, 1.04)).toBeGreaterThan(150);
      } finally {
        chart.dispose();
      }
    }
  });
});

describe('the SOC α curve’s log axis', () => {
  /** A build's α falling from 0.24 towards its target 0.15 over 60 iterations. */
  const nearTarget = Array.from({ length: 61 }, (_, k) => 0.151 + 0.089 * Math.exp(-k / 12));
  /** A build from a large spectral abscissa: α from 10 down to 0.16, two decades. */
  const fromFar = Array.from({ length: 61 }, (_, k) => 0.16 + 9.84 * Math.exp(-k / 8));

  it('fits α and its target within a decade: round ends around them, ticks between, the curve over most of the plot', () => {
    const option = alphaCurveOption(nearTarget, 0.15);
    const y = option.yAxis as { type: string; min?: number; max?: number };
    expect(y.type).toBe('log');
    // the data (0.151…0.24) and the target (0.15) inside, on an axis far narrower than 0.1 to 1
    expect(y.min).toBeGreaterThan(0);
    expect(y.min!).toBeLessThanOrEqual(0.15);
    expect(y.max!).toBeGreaterThanOrEqual(Math.max(...nearTarget));
    expect(y.max! / y.min!).toBeLessThan(2);
    const chart = drawn(option);
    try {
      const ticks = yTicks(chart);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      for (const tick of ticks) {
        expect(tick).toBeGreaterThanOrEqual(y.min!);
        expect(tick).toBeLessThanOrEqual(y.max!);
      }
      expect(spanPx(chart, Math.max(...nearTarget), 0.15)).toBeGreaterThan(0.7 * spanPx(chart, y.max!, y.min!));
    } finally {
      chart.dispose();
    }
  });

  it('keeps whole decades when α spans more than one', () => {
    const option = alphaCurveOption(fromFar, 0.15);
    const y = option.yAxis as { min?: number; max?: number };
    expect(y.min).toBeUndefined();
    expect(y.max).toBeUndefined();
    const chart = drawn(option);
    try {
      const ticks = yTicks(chart);
      expect(ticks).toContain(1);
      for (const tick of ticks) expect(Math.log10(tick) % 1, `tick ${tick}`).toBeCloseTo(0, 9);
    } finally {
      chart.dispose();
    }
  });
});
