/**
 * The analyses' eigenvalue plot before and after training (src-renderer/plots/analysisOptions.ts
 * eigenvaluePlot, through src-renderer/plots/spectrumOptions.ts): most eigenvalues barely move with
 * training, and the filled 'after' dots hid the 'before' dots under them (fourth walkthrough, on
 * the published network). 'before' is now drawn as rings above the dots, and the legend shows a ring
 * and a dot. Read from the SVG ECharts paints (server-side), as the app and its export draw it.
 */
import { init, type EChartsCoreOption } from 'echarts/core';
import { describe, expect, it } from 'vitest';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';
import { analyseRun } from '../../src-renderer/components/analysis/runAnalysis.js';
import { CHART_THEME } from '../../src-renderer/plots/echarts.js';
import { eigenvaluePlot } from '../../src-renderer/plots/analysisOptions.js';
import { LARGE_SPECTRUM, spectrumOption } from '../../src-renderer/plots/spectrumOptions.js';
import { AFTER_COLOR, BEFORE_COLOR } from '../../src-shared/plots/palette.js';

function paint(option: EChartsCoreOption): string {
  const chart = init(null, CHART_THEME, { renderer: 'svg', ssr: true, width: 640, height: 400 });
  chart.setOption(option);
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

interface Mark {
  order: number;
  at: string | null;
  fill: string;
  fillOpacity: number;
  stroke: string | null;
  legend: boolean;
}

/** Every painted path with its place (marker translation), fill and stroke, in paint order. */
function marks(svg: string): Mark[] {
  return [...svg.matchAll(/<path [^>]*>/g)].map((m, order) => {
    const tag = m[0];
    const at = /transform="matrix\([^,]+,0,0,[^,]+,([-\d.]+),([-\d.]+)\)"/.exec(tag);
    return {
      order,
      at: at ? `${at[1]},${at[2]}` : null,
      fill: /fill="([^"]+)"/.exec(tag)?.[1] ?? '',
      fillOpacity: Number(/fill-opacity="([^"]+)"/.exec(tag)?.[1] ?? 1),
      stroke: /stroke="([^"]+)"/.exec(tag)?.[1] ?? null,
      legend: tag.includes('ecmeta_ssr_type="legend"'),
    };
  });
}

const isRing = (m: Mark) => m.stroke === BEFORE_COLOR && m.fillOpacity === 0;
const isDot = (m: Mark) => m.fill === AFTER_COLOR && m.fillOpacity > 0;

describe('eigenvalues before and after training', () => {
  it("every 'before' eigenvalue is visible where an 'after' dot covers the same place: a ring drawn above it", () => {
    // gains unchanged by training: both spectra are the same, the hardest case
    const network = syntheticNetwork();
    const target = syntheticTarget(network);
    const ones = new Float64Array(network.n).fill(1);
    const analysis = analyseRun({ network, target: target.values, initialError: 1, sessions: [{ bestGains: ones, bestError: 1 }] });
    const painted = marks(paint(eigenvaluePlot(analysis).option)).filter((m) => !m.legend && m.at !== null);
    const dots = painted.filter(isDot);
    const rings = painted.filter(isRing);
    expect(dots.length).toBeGreaterThan(5);
    expect(rings).toHaveLength(dots.length);
    for (const dot of dots) {
      const ring = rings.find((r) => r.at === dot.at);
      expect(ring, `a ring at ${dot.at}`).toBeDefined();
      expect(ring!.order, `ring at ${dot.at} painted after its dot`).toBeGreaterThan(dot.order);
    }
  });

  it('the legend shows a ring for before and a dot for after', () => {
    const spectrum = { re: [-1, -0.5], im: [0, 0.3] };
    const svg = paint(spectrumOption({ sets: [{ name: 'before training', ...spectrum, color: BEFORE_COLOR, hollow: true }, { name: 'after training', ...spectrum, color: AFTER_COLOR }], xName: 'Re', yName: 'Im' }).option);
    const legend = marks(svg).filter((m) => m.legend);
    expect(legend.some(isRing)).toBe(true);
    expect(legend.some(isDot)).toBe(true);
  });

  it(`with more than ${LARGE_SPECTRUM} eigenvalues (drawn as one path per set) the rings are still strokes above the dots`, () => {
    const count = LARGE_SPECTRUM + 100;
    const re = Array.from({ length: count }, (_, k) => Math.cos(k) * Math.sqrt(k / count));
    const im = Array.from({ length: count }, (_, k) => Math.sin(k) * Math.sqrt(k / count));
    const svg = paint(spectrumOption({ sets: [{ name: 'before training', re, im, color: BEFORE_COLOR, hollow: true }, { name: 'after training', re, im, color: AFTER_COLOR }], xName: 'Re', yName: 'Im' }).option);
    const painted = marks(svg).filter((m) => !m.legend);
    const ring = painted.find(isRing);
    const dot = painted.find(isDot);
    expect(ring).toBeDefined();
    expect(dot).toBeDefined();
    expect(ring!.order).toBeGreaterThan(dot!.order);
  });
});
