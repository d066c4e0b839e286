/**
 * The primitives view's coefficient chart (src-renderer/components/primitives/primitivesPlots.ts
 * coefficientsPlot): every bar is named by its pattern number and the target it was learned for,
 * readable — horizontal bars with the names beside them, room for the longest name up to a cap,
 * the whole name in the tooltip — where upright bars had cut every name to "1 Gener…". Read from
 * the option ECharts is given, and drawn by ECharts itself (its SVG renderer, as the CLI draws
 * figures) to read the labels it actually paints.
 */
import * as echarts from 'echarts';
import { describe, expect, it } from 'vitest';
import { coefficientsPlot, fitPlot, patternLabels } from '../../src-renderer/components/primitives/primitivesPlots.js';

interface CategoryAxis {
  type: string;
  data: string[];
  inverse?: boolean;
  name: string;
  axisLabel: { interval?: number; hideOverlap?: boolean; width: number; overflow: string };
}
interface Option {
  xAxis: { type: string; name: string };
  yAxis: CategoryAxis;
  grid: { left: number };
  series: Array<{ data: Array<{ value: number }> }>;
}

/** The text ECharts paints into an SVG of the chart at `width` × 300 px. */
function paintedText(option: unknown, width: number): string[] {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height: 300 });
  try {
    chart.setOption(option as echarts.EChartsOption);
    const svg = chart.renderToSVGString();
    return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&amp;/g, '&').replace(/&#39;/g, "'"));
  } finally {
    chart.dispose();
  }
}

const GENERATED = ['Generated (seed 11)', 'Generated (seed 12)', 'Generated (seed 13)'];

describe('the coefficient bars (primitives view)', () => {
  it('names each bar by its pattern number and its whole target name, on a category axis beside horizontal bars', () => {
    const option = coefficientsPlot([0.098, -0.006, -0.087], GENERATED).option as unknown as Option;
    expect(option.xAxis).toMatchObject({ type: 'value', name: 'cₖ' });
    expect(option.yAxis.type).toBe('category');
    expect(option.yAxis.data).toEqual(['1. Generated (seed 11)', '2. Generated (seed 12)', '3. Generated (seed 13)']);
    // pattern 1 on top, as in the library's list; every bar named
    expect(option.yAxis.inverse).toBe(true);
    expect(option.yAxis.axisLabel.interval).toBe(0);
    expect(option.yAxis.axisLabel.hideOverlap).toBe(false);
    expect(option.series[0].data.map((d) => d.value)).toEqual([0.098, -0.006, -0.087]);
  });

  it('ECharts paints every name whole at the width the view gives the chart at 1280 × 800 (about 330 px)', () => {
    const texts = paintedText(coefficientsPlot([0.098, -0.006, -0.087], GENERATED).option, 330);
    for (const label of patternLabels(GENERATED)) expect(texts).toContain(label);
    // no name is cut
    expect(texts.filter((t) => t.includes('…'))).toEqual([]);
    expect(texts).toContain('cₖ');
  });

  it('the room for names follows the longest one, up to a cap; a longer name ends in … and the tooltip has it whole', () => {
    const short = coefficientsPlot([0.5, -0.25], ['reach', 'grasp']).option as unknown as Option;
    const long = coefficientsPlot([0.5, -0.25], ['reach', 'a very long target name drawn in the movement editor today']).option as unknown as Option;
    expect(short.yAxis.axisLabel.width).toBeLessThan(long.yAxis.axisLabel.width);
    expect(short.grid.left).toBeLessThan(long.grid.left);
    expect(long.yAxis.axisLabel.overflow).toBe('truncate');
    const texts = paintedText(long, 330);
    expect(texts).toContain('1. reach');
    expect(texts.some((t) => t.startsWith('2. a very long') && t.endsWith('…'))).toBe(true);
    // the category (what the tooltip shows) is the whole name
    expect(long.yAxis.data[1]).toBe('2. a very long target name drawn in the movement editor today');
  });

  it('two patterns learned for targets of the same name stay two named bars', () => {
    const option = coefficientsPlot([0.5, -0.25], ['reach', 'reach']).option as unknown as Option;
    expect(option.yAxis.data).toEqual(['1. reach', '2. reach']);
    const texts = paintedText(option, 330);
    expect(texts).toContain('1. reach');
    expect(texts).toContain('2. reach');
  });
});

describe('the fit’s captions say how the coefficients were chosen', () => {
  const curves = { duration: 500, nSamples: 3, channels: 1, target: new Float64Array(3), targetName: 'T', baseline: new Float64Array(3), fit: new Float64Array(3), output: new Float64Array(3), fitError: 0.1, outputError: 0.2 };
  it('least squares when no ridge was needed (δ = 0), the ridge and its δ when the bound took one', () => {
    expect(coefficientsPlot([0.5, -0.2], ['a', 'b'], 0).caption).toMatch(/^Least-squares weights of the 2 library patterns/);
    expect(fitPlot({ ...curves, ridge: 0 }, 'fit').caption).toMatch(/the least-squares combination/);
    expect(coefficientsPlot([0.5, -0.2], ['a', 'b'], 0.0123).caption).toMatch(/^Ridge-penalised \(δ = 0\.012\) weights/);
    expect(fitPlot({ ...curves, ridge: 0.0123 }, 'fit').caption).toMatch(/the ridge-penalised \(δ = 0\.012\) combination/);
  });
});
