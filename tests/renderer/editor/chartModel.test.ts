import { describe, expect, it } from 'vitest';
import { createTarget, gridTime } from '../../../src-renderer/editor/editableTarget.js';
import {
  buildEditorChartOption,
  computeYRange,
  CONTROL_POINT_SERIES_ID,
  NETWORK_OUTPUT_COLOUR,
  networkOutputLayout,
  niceStep,
} from '../../../src-renderer/editor/chartModel.js';

type Series = { id: string; data: [number, number][]; z: number; color?: string };

describe('editor chart model', () => {
  it('nice steps are 1, 2 or 5 × 10^k and at least the rough step', () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(1)).toBe(1);
    expect(niceStep(1.3)).toBe(2);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(7)).toBe(10);
    expect(niceStep(0.031)).toBeCloseTo(0.05, 15);
    expect(niceStep(0)).toBe(1);
  });

  it('the y range covers every trace with headroom and ignores non-finite values', () => {
    const range = computeYRange([0, 10], [-3, 2, Number.NaN]);
    expect(range.min).toBeLessThan(-3);
    expect(range.max).toBeGreaterThan(10);
    expect(range.min).toBeGreaterThanOrEqual(-3 - 0.1 * 13 - 5); // padded by 10 %, rounded to a step ≤ 5
    expect(range.max).toBeLessThanOrEqual(10 + 0.1 * 13 + 5);
    // min and max are whole multiples of the tick step, so the ticks land on both ends.
    expect(Number.isInteger(range.min / range.step) && Number.isInteger(range.max / range.step)).toBe(true);
    expect(computeYRange(new Float64Array(5))).toEqual({ min: -1, max: 1, step: 0.5 });
    expect(computeYRange()).toEqual({ min: -1, max: 1, step: 0.5 });
    expect(computeYRange([4, 4])).toEqual({ min: 3, max: 5, step: 0.5 });
  });

  it('reads a network output with the target channel count, with its own sample count', () => {
    expect(networkOutputLayout(400, 2)).toEqual({ channels: 2, nSamples: 200 });
    expect(networkOutputLayout(401, 2)).toBeNull();
    expect(networkOutputLayout(0, 1)).toBeNull();
  });

  it('draws the output under every target, the selected target on top, control points above all', () => {
    const target = createTarget(2, 11, 100);
    target.samples.forEach((_, i) => (target.samples[i] = i));
    const output = Float64Array.from({ length: 2 * 21 }, (_, i) => -i);
    const option = buildEditorChartOption({
      target,
      selectedChannel: 1,
      networkOutput: output,
      controlPoints: [
        { index: 0, y: 1 },
        { index: 10, y: 2 },
      ],
      yRange: { min: -50, max: 50, step: 10 },
    });
    const series = option.series as Series[];
    expect(series.map((s) => s.id)).toEqual(['output-0', 'output-1', 'target-0', 'target-1', CONTROL_POINT_SERIES_ID]);
    const z = Object.fromEntries(series.map((s) => [s.id, s.z]));
    expect(z['output-0']).toBeLessThan(z['target-0']);
    expect(z['target-0']).toBeLessThan(z['target-1']);
    expect(z['target-1']).toBeLessThan(z[CONTROL_POINT_SERIES_ID]);
    expect(series[0].color).toBe(NETWORK_OUTPUT_COLOUR);
    // Target channel 1 = samples 11..21 at t = 0, 10, ..., 100; output channel 1 on its 21-point grid.
    expect(series[3].data).toEqual(Array.from({ length: 11 }, (_, k) => [gridTime(k, 11, 100), 11 + k]));
    expect(series[1].data[20]).toEqual([gridTime(20, 21, 100), -41]);
    expect(series[4].data).toEqual([
      [0, 1],
      [gridTime(10, 11, 100), 2],
    ]);
    expect(option.yAxis).toMatchObject({ min: -50, max: 50, interval: 10 });
    expect(option.xAxis).toMatchObject({ min: 0, max: 100 });
  });

  it('omits an output it cannot read and the control points when there are none', () => {
    const target = createTarget(2, 11, 100);
    const option = buildEditorChartOption({
      target,
      selectedChannel: 0,
      networkOutput: new Float64Array(7),
      yRange: { min: -1, max: 1, step: 0.5 },
    });
    expect((option.series as Series[]).map((s) => s.id)).toEqual(['target-0', 'target-1']);
  });
});
