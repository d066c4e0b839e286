/**
 * The SOC build's α curve (src-renderer/plots/spectrumOptions.ts alphaCurveOption, drawn by
 * src-renderer/components/network/AlphaCurve.vue in the network build panel) fits its log axis to
 * α and its target within one decade, as the error axes do (src-renderer/plots/options.ts
 * fittedLogRange, errorYAxis). It drew whole decades: a build whose α went 0.24 → 0.151 towards its
 * target 0.15 was a line a few pixels high on an axis from 0.1 to 1, with no tick in between.
 * Checked on the option and on the chart ECharts paints (server-side SVG) at the app's size.
 */
import { init, type EChartsCoreOption, type EChartsType } from 'echarts/core';
import { describe, expect, it } from 'vitest';
import { CHART_THEME } from '../../src-renderer/plots/echarts.js';
import { alphaCurveOption } from '../../src-renderer/plots/spectrumOptions.js';

/** A build's α falling from 0.24 towards its target 0.15 over 60 iterations. */
const nearTarget = Array.from({ length: 61 }, (_, k) => 0.151 + 0.089 * Math.exp(-k / 12));
/** A build from a large spectral abscissa: α from 10 down to 0.16, two decades. */
const fromFar = Array.from({ length: 61 }, (_, k) => 0.16 + 9.84 * Math.exp(-k / 8));

const PLOT_HEIGHT = 150; // AlphaCurve.vue's frame
const PLOT_AREA = PLOT_HEIGHT - 24 - 36; // less the option's grid top and bottom

function drawn(option: EChartsCoreOption): EChartsType {
  const chart = init(null, CHART_THEME, { renderer: 'svg', ssr: true, width: 400, height: PLOT_HEIGHT });
  chart.setOption(option);
  return chart;
}

/** The y axis's painted tick labels (right-aligned texts left of the plot area), ascending. */
function yTicks(chart: EChartsType): number[] {
  const svg = chart.renderToSVGString();
  return [...svg.matchAll(/<text[^>]*text-anchor="end"[^>]*transform="translate\((\d+(?:\.\d+)?) [^)]*\)"[^>]*>([^<]*)<\/text>/g)]
    .filter((m) => Number(m[1]) < 60)
    .map((m) => Number(m[2].trim()))
    .sort((a, b) => a - b);
}

describe('the SOC α curve’s log axis', () => {
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
      const pixel = (alpha: number) => chart.convertToPixel({ yAxisIndex: 0 }, alpha) as number;
      expect(pixel(0.15) - pixel(Math.max(...nearTarget))).toBeGreaterThan(0.7 * PLOT_AREA);
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
