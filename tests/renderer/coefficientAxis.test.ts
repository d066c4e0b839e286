/**
 * The primitives view's coefficient bars have value labels on both sides of 0
 * (src-renderer/components/primitives/primitivesPlots.ts coefficientsPlot): beside long pattern
 * names the plot is about 90 px wide, and ECharts hid the end labels as overlapping, so a negative
 * coefficient's side had no label (0.45 and −0.18 read "0 | 0.3"). Drawn by ECharts itself (its SVG
 * renderer) to read the labels it paints and where. Truth: a painted label left of 0 is negative and
 * one right of it positive, the labels do not overlap, and every bar lies inside the axis.
 */
import * as echarts from 'echarts';
import { describe, expect, it } from 'vitest';
import { coefficientsPlot } from '../../src-renderer/components/primitives/primitivesPlots.js';

/** Numeric labels ECharts paints under the bars: value and x position, at `width` × 300 px. */
function valueLabels(option: unknown, width: number): Array<{ value: number; x: number; text: string }> {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height: 300 });
  try {
    chart.setOption(option as echarts.EChartsOption);
    const svg = chart.renderToSVGString();
    return [...svg.matchAll(/<text[^>]*transform="translate\(([-\d.]+) [-\d.]+\)"[^>]*>([^<]*)<\/text>/g)]
      .filter((m) => /^[-−]?[\d.]+(e[-+]?\d+)?$/.test(m[2]))
      .map((m) => ({ value: Number(m[2].replace('−', '-')), x: Number(m[1]), text: m[2] }));
  } finally {
    chart.dispose();
  }
}

const names = (count: number) => Array.from({ length: count }, (_, k) => `Generated (seed ${11 + k})`);

describe('the coefficient axis is labelled on both sides of 0', () => {
  const cases = [[0.45, -0.18], [0.0056, -0.0015, 0.005], [-5.8, 1.8, -2.3, 3.9, -4.4, 9.9], [0.098, -0.006, -0.087], [-0.3, -0.1], [0.11, -0.015, 0.75, -0.39, 0.22, -0.15]];
  for (const values of cases) {
    for (const width of [260, 330, 480]) {
      it(`${values.join(', ')} at ${width} px`, () => {
        const plot = coefficientsPlot(values, names(values.length));
        const labels = valueLabels(plot.option, width);
        const zero = labels.find((l) => l.value === 0);
        expect(zero, labels.map((l) => l.text).join(' | ')).toBeDefined();
        expect(labels.some((l) => l.value < 0 && l.x < zero!.x)).toBe(true);
        expect(labels.some((l) => l.value > 0 && l.x > zero!.x)).toBe(true);
        // 11 px labels: about 6.4 px a character; neighbours' halves do not meet
        const sorted = [...labels].sort((a, b) => a.x - b.x);
        for (let k = 1; k < sorted.length; k++) expect(sorted[k].x - sorted[k - 1].x).toBeGreaterThan(((sorted[k].text.length + sorted[k - 1].text.length) / 2) * 6.4);
        // every bar inside the axis
        const axis = (plot.option as { xAxis: { min: number; max: number } }).xAxis;
        for (const v of values) expect(v >= axis.min && v <= axis.max).toBe(true);
      });
    }
  }

  it('coefficients all ≥ 0 keep ECharts’ own axis (no empty negative half)', () => {
    const axis = (coefficientsPlot([0.4, 0.2], names(2)).option as { xAxis: { min?: number } }).xAxis;
    expect(axis.min).toBeUndefined();
    expect(valueLabels(coefficientsPlot([0.4, 0.2], names(2)).option, 330).every((l) => l.value >= 0)).toBe(true);
  });
});
