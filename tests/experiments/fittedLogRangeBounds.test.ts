/**
 * A log axis over data within one decade ends just around the data (src-shared/plots/format.ts
 * fittedLogRange, used by src-shared/experiments/figureOption.ts for the experiments' and sweeps'
 * figures and by src-renderer/plots/options.ts for the app's error axes). Fig. 1's errors on the
 * published network fall from 4.18 to 0.98; their axis ran from 0.1 to 5, so the lower 58 % of its
 * height was empty and the ticks 2–5 crowded at the top. Truth: the bounds enclose the data, the lower
 * end is the 1-2-5 value just under the data (at most 2.5× below it), the upper end is the first step
 * of niceBounds' grid at or above the data, and the fit scales with the data. The ticks between are
 * the grid's steps that leave room for their labels (tests/renderer/logTickSpacing.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { fittedLogRange, niceBounds } from '../../src-shared/plots/format.js';
import { figureOption } from '../../src-shared/experiments/figureOption.js';
import type { BoxFigure } from '../../src-shared/experiments/figureSpec.js';
import { boxStats } from '../../src-shared/analysis/statistics.js';

/** Whether v is 1, 2 or 5 times a power of ten. */
const isOneTwoFive = (v: number) => [1, 2, 5].some((m) => Math.abs(v / (m * 10 ** Math.floor(Math.log10(v / m) + 1e-9)) - 1) < 1e-9);

function expectAround(lo: number, hi: number) {
  const fit = fittedLogRange([lo, hi])!;
  expect(fit, `${lo}–${hi}`).not.toBeNull();
  expect(fit.min).toBeLessThanOrEqual(lo);
  expect(fit.min).toBeGreaterThanOrEqual(lo / 2.5);
  expect(fit.max).toBeGreaterThanOrEqual(hi);
  expect(fit.max).toBeLessThan(hi + niceBounds(lo, hi).step * (1 + 1e-9));
  expect(fit.ticks[0]).toBe(fit.min);
  expect(fit.ticks.at(-1)).toBeCloseTo(fit.max, 12);
  for (let k = 1; k < fit.ticks.length; k++) expect(fit.ticks[k]).toBeGreaterThan(fit.ticks[k - 1]);
  return fit;
}

describe('a log axis within a decade ends around the data', () => {
  it('data straddling a power of ten (fig. 1 errors 4.18 → 0.98) start at 0.5, not 0.1', () => {
    const fit = expectAround(0.98, 4.18);
    expect(fit.min).toBe(0.5);
    expect(fit.max).toBe(5);
    // 4 goes: a tenth of the axis under 5, the labels crowded (spacedLogTicks)
    expect(fit.ticks).toEqual([0.5, 1, 2, 3, 5]);
    // just above a power of ten: the step grid itself starts above 0
    expect(expectAround(0.8, 1.6).min).toBe(0.8);
  });

  it('data starting exactly on a power of ten start there', () => {
    expect(expectAround(1, 4.18).min).toBe(1);
    expect(expectAround(0.1, 0.418).min).toBe(0.1);
    // the step grid reaches 0 and the data start on 0.15: the 1-2-5 value under them is 0.1
    expect(expectAround(0.15, 1).ticks).toEqual([0.1, 0.2, 0.4, 0.6, 1]);
  });

  it('whenever the step grid reaches 0, the lower end is a 1-2-5 value', () => {
    for (const [lo, hi] of [[0.98, 4.18], [0.21, 1.5], [4.9, 40], [0.011, 0.09], [3, 29]]) {
      expect(niceBounds(lo, hi).min).toBeLessThanOrEqual(0);
      expect(isOneTwoFive(expectAround(lo, hi).min), `${lo}–${hi}`).toBe(true);
    }
  });

  it('tiny values fit as their scaled-up copies do', () => {
    const tiny = expectAround(0.98e-6, 4.18e-6);
    const unit = fittedLogRange([0.98, 4.18])!;
    expect(tiny.min / 1e-6).toBeCloseTo(unit.min, 9);
    expect(tiny.max / 1e-6).toBeCloseTo(unit.max, 9);
    expect(tiny.ticks.map((t) => t / 1e-6)).toEqual(unit.ticks.map((t) => expect.closeTo(t, 9)));
  });

  it('a decade or more keeps whole decades', () => {
    expect(fittedLogRange([0.418, 4.18])).toBeNull();
    expect(fittedLogRange([0.4, 4.18])).toBeNull();
  });

  it("fig. 1's error box figure on the published network gets the fitted axis", () => {
    const errors = [[4.18, 3.9, 4.05], [0.98, 1.1, 1.02]];
    const figure: BoxFigure = { kind: 'box', name: 'b', title: 'error', yLabel: 'error', logY: true, categories: ['before', 'after'], boxes: errors.map((v) => boxStats(v)), points: errors };
    const axis = (figureOption(figure) as { yAxis: { min?: number; max?: number } }).yAxis;
    expect(axis.min).toBe(0.5);
    expect(axis.max).toBe(5);
  });
});
