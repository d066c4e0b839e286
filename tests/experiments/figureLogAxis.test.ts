/**
 * Log y axes of the experiments' and sweeps' figures fit data within one decade, as the app's error
 * axes do (src-shared/plots/format.ts fittedLogRange, used by src-shared/experiments/figureOption.ts
 * and src-renderer/components/sweeps/sweepPlots.ts liveOption): a sweep's final errors 0.069–0.078
 * sat on an axis from 0.01 to 0.1 with no tick between. Data over a decade or more keep ECharts'
 * whole decades. Truth: the bounds enclose every plotted value, the ticks are the 1-2-5 steps between
 * them, and the axis spans less than a decade.
 */
import { describe, expect, it } from 'vitest';
import { figureOption } from '../../src-shared/experiments/figureOption.js';
import type { BoxFigure, LinesFigure } from '../../src-shared/experiments/figureSpec.js';
import { boxStats } from '../../src-shared/analysis/statistics.js';
import { liveOption } from '../../src-renderer/components/sweeps/sweepPlots.js';

type Axis = { type: string; min?: number; max?: number; axisLabel?: { customValues?: number[] } };
const yAxisOf = (option: unknown): Axis => (option as { yAxis: Axis }).yAxis;

function expectFitted(axis: Axis, lo: number, hi: number): void {
  expect(axis.type).toBe('log');
  expect(axis.min).toBeLessThanOrEqual(lo);
  expect(axis.max).toBeGreaterThanOrEqual(hi);
  expect(axis.max! / axis.min!).toBeLessThan(10);
  const ticks = axis.axisLabel!.customValues!;
  expect(ticks[0]).toBe(axis.min);
  expect(ticks.at(-1)).toBeCloseTo(axis.max!, 12);
  expect(ticks.length).toBeGreaterThanOrEqual(3);
}

describe('log axes fitted within a decade', () => {
  const sessions = [[0.069, 0.071, 0.074], [0.072, 0.078, 0.075]];

  it('a box figure of final errors (a sweep factor): the axis ends around the whiskers, points and line', () => {
    const figure: BoxFigure = { kind: 'box', name: 'b', title: 'final error', yLabel: 'final error', logY: true, categories: ['0.001', '0.004'], boxes: sessions.map((v) => boxStats(v)), points: sessions, line: { name: 'start', value: 0.081 } };
    expectFitted(yAxisOf(figureOption(figure)), 0.069, 0.081);
  });

  it('a lines figure within a decade, with its band; one over two decades keeps whole decades', () => {
    const within: LinesFigure = { kind: 'lines', name: 'l', title: 'median', xLabel: 'σ', yLabel: 'error', logY: true, series: [{ name: 'a', x: [1, 2, 3], y: [0.3, 0.25, 0.2], band: [0.05, 0.05, 0.05] }] };
    expectFitted(yAxisOf(figureOption(within)), 0.15, 0.35);
    const wide: LinesFigure = { ...within, series: [{ name: 'a', x: [1, 2, 3], y: [4.2, 0.5, 0.02] }] };
    const axis = yAxisOf(figureOption(wide));
    expect(axis.type).toBe('log');
    expect(axis.min).toBeUndefined();
    expect(axis.max).toBeUndefined();
  });

  it("a running sweep's best errors", () => {
    expectFitted(yAxisOf(liveOption([0.0697, undefined, 0.0781, 0.0712]).option), 0.0697, 0.0781);
  });
});
