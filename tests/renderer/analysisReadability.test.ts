/**
 * The third walkthrough's analyses, reproducing Fig. 1 on the published network: plots a researcher
 * can read (src-renderer/plots/analysisOptions.ts, drawn by ECharts as the app and its SVG export
 * draw them).
 * - Final errors across sessions: 10 sessions between 0.02 and 0.05 after an error of 4.18 before
 *   were a flat line at 0 on a linear axis to 5 (every session within 2 px of the others); with
 *   errors over more than a decade the axis is logarithmic.
 * - Largest real part of W·diag(g) per session: the axis's ends were labelled '0.5' and '10.5'
 *   (half a session of room either side); only whole sessions are labelled.
 * - Noisy vs noise-free output: the caption said 'pooled over 10 trained pattern(s)'.
 */
import { init, type EChartsCoreOption, type EChartsType } from 'echarts/core';
import { describe, expect, it } from 'vitest';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';
import { analyseRun, noisyX0Curve, type RunAnalysis } from '../../src-renderer/components/analysis/runAnalysis.js';
import { boxStats } from '../../src-renderer/components/analysis/stats.js';
import { CHART_THEME } from '../../src-renderer/plots/echarts.js';
import { abscissaPlot, errorBoxPlot, noisyX0Plot } from '../../src-renderer/plots/analysisOptions.js';
import { plotToSvg } from '../../src-renderer/plots/exportPlot.js';

const network = syntheticNetwork();
const target = syntheticTarget(network);
const ones = new Float64Array(network.n).fill(1);

/** A run's analysis with the given starting error and sessions' best errors (the rest from a real analysis). */
function analysisWith(initialError: number, finalErrors: number[]): RunAnalysis {
  const base = analyseRun({ network, target: target.values, initialError, sessions: finalErrors.map((bestError) => ({ bestGains: ones, bestError })) });
  return { ...base, initialError, finalErrors, errorBox: boxStats(finalErrors) };
}

/** The chart as the app draws it (server-side, 640×320), to read where values land. */
function drawn(option: EChartsCoreOption): EChartsType {
  const chart = init(null, CHART_THEME, { renderer: 'svg', ssr: true, width: 640, height: 320 });
  chart.setOption(option);
  return chart;
}

/** Numeric tick labels of an exported SVG. */
function ticks(svg: string): number[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].trim()).filter((t) => /^[−-]?\d[\d.,]*$/.test(t)).map((t) => Number(t.replace('−', '-')));
}

describe('final errors across sessions', () => {
  // the walkthrough's reward run on the published network: E = 4.18 before, 10 sessions after
  const fig1 = analysisWith(4.1768, [0.0216, 0.0236, 0.0239, 0.0241, 0.0243, 0.0244, 0.0251, 0.0253, 0.031, 0.048]);

  it('sessions from 0.02 to 0.05 after 4.18 before are told apart: a log axis in whole decades', () => {
    const plot = errorBoxPlot(fig1);
    const chart = drawn(plot.option);
    try {
      const y = (value: number) => chart.convertToPixel({ yAxisIndex: 0 }, value) as number;
      // 0.0216 and 0.048 more than 20 px apart (linear to 5: 2.4 px), and both well above the
      // axis's bottom; 'before' stays in view above them
      expect(y(0.0216) - y(0.048)).toBeGreaterThan(20);
      expect(y(4.1768)).toBeLessThan(y(0.048) - 100);
    } finally {
      chart.dispose();
    }
    const drawnTicks = ticks(plotToSvg(plot.option, plot.title));
    expect(drawnTicks).toEqual(expect.arrayContaining([0.01, 0.1, 1, 10]));
    for (const tick of drawnTicks) expect(Math.log10(tick) % 1, `tick ${tick}`).toBeCloseTo(0, 9);
  });

  it('errors within a decade keep the linear axis from 0 (and an error of 0 can be drawn)', () => {
    for (const errors of [[0.5, 0.6, 0.8], [0, 0.2, 0.3]]) {
      const axis = (errorBoxPlot(analysisWith(3.2, errors)).option as { yAxis: { type: string; min: number } }).yAxis;
      expect(axis.type).toBe('value');
      expect(axis.min).toBe(0);
    }
  });
});

describe('per-session plots and captions', () => {
  const sessions = [0.3, 0.2, 0.25, 0.4, 0.22, 0.3, 0.21, 0.33, 0.28, 0.26];
  const tenSessions = analysisWith(2, sessions);

  it('the largest real part per session labels sessions 1…10, never the axis ends 0.5 and 10.5', () => {
    const plot = abscissaPlot(tenSessions);
    const texts = [...plotToSvg(plot.option, plot.title).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].trim());
    expect(texts).not.toContain('0.5');
    expect(texts).not.toContain('10.5');
    for (const session of ['2', '4', '6', '8', '10']) expect(texts).toContain(session);
  });

  it('the noisy-x0 caption counts its patterns in words: 1 trained pattern, 2 trained patterns', () => {
    for (const count of [1, 2]) {
      const curve = noisyX0Curve({ network, target: target.values, initialError: 2, sessions: sessions.slice(0, count).map((bestError) => ({ bestGains: ones, bestError })), snrDb: [0, 20], draws: 2, runSeed: 3 });
      expect(noisyX0Plot(curve).caption).toMatch(count === 1 ? /pooled over 1 trained pattern\.$/ : /pooled over 2 trained patterns\.$/);
    }
  });
});
