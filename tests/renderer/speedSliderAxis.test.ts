/**
 * The speed slider's output plot (src-renderer/components/speed/speedPlots.ts sliderOption) keeps
 * its y range fixed while dragging; drawn at the card's size, its ticks are evenly spaced and its
 * ends are ticks. On the published network the card drew 50, 30, 0, −30, −60, −90 and −100, the
 * last two on top of each other.
 */
import { init } from 'echarts/core';
import { describe, expect, it } from 'vitest';
import { sliderOption } from '../../src-renderer/components/speed/speedPlots.js';
import { CHART_THEME } from '../../src-renderer/plots/echarts.js';

/** The y axis' numeric labels as drawn: the texts left of the plot area (grid left 56 px). */
function yTicks(svg: string): number[] {
  const labels = [...svg.matchAll(/<text[^>]*transform="translate\(([\d.]+) ([\d.]+)\)"[^>]*>([^<]*)<\/text>/g)];
  return labels
    .filter((m) => Number(m[1]) < 56 && /^[−-]?\d[\d.]*$/.test(m[3].trim()))
    .map((m) => Number(m[3].trim().replace('−', '-')))
    .sort((a, b) => a - b);
}

describe('speed slider output axis', () => {
  it('at the card’s size (320×200): evenly spaced ticks from end to end', () => {
    // the walkthrough's outputs: x0 2 down to −65, up to 41 at λ = 0; the card's range after a drag
    const nSamples = 996;
    const outputs = Float64Array.from({ length: 2 * nSamples }, (_, i) => (i < nSamples ? 17 * Math.sin(i / 40) : -97 * Math.exp(-(((i - nSamples) / 60 - 3) ** 2)) + 45 * Math.exp(-(((i - nSamples) / 30 - 1) ** 2))));
    const option = sliderOption({ outputs, m: 2, channels: 1, nSamples, step: 500 / 199, windowMs: 2500, yRange: [-97, 45] });
    const chart = init(null, CHART_THEME, { renderer: 'svg', ssr: true, width: 320, height: 200 });
    let ticks: number[];
    try {
      chart.setOption(option);
      ticks = yTicks(chart.renderToSVGString());
    } finally {
      chart.dispose();
    }
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    const steps = ticks.slice(1).map((t, k) => t - ticks[k]);
    for (const step of steps) expect(step).toBeCloseTo(steps[0], 9);
    expect(ticks[0]).toBeLessThanOrEqual(-97);
    expect(ticks.at(-1)).toBeGreaterThanOrEqual(45);
  });
});
