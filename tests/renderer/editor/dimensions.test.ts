import { describe, expect, it } from 'vitest';
import { expectClose } from '../../helpers/expectClose.js';
import { createTarget, gridTime } from '../../../src-renderer/editor/editableTarget.js';
import { parseDuration, parseSampleCount, withDuration, withSampleCount } from '../../../src-renderer/editor/dimensions.js';
import type { EditableTarget } from '../../../src-renderer/editor/editableTarget.js';

function oneChannel(samples: Float64Array, duration = 500): EditableTarget {
  return { samples, channels: 1, nSamples: samples.length, duration };
}
import { Rng } from '../../../src-shared/model/rng.js';

describe('duration and sample count', () => {
  it('resampling a straight line is exact on any new grid', () => {
    const T = 500;
    const line = Float64Array.from({ length: 200 }, (_, k) => 2.5 - 0.013 * gridTime(k, 200, T));
    for (const m of [10, 37, 199, 200, 201, 1000, 5000]) {
      const out = withSampleCount(oneChannel(line, T), m).samples;
      const expected = Array.from({ length: m }, (_, j) => 2.5 - 0.013 * gridTime(j, m, T));
      expectClose(out, expected, { rtol: 1e-12, atol: 1e-12 });
      expect(out[0]).toBe(line[0]);
      expectClose(out[m - 1], line[199], { rtol: 1e-14 });
    }
  });

  it('up to 2n−1 and back down to n is the identity bit for bit (old points sit on the fine grid)', () => {
    const rng = new Rng(31);
    const trace = Float64Array.from({ length: 200 }, () => rng.normal());
    const fine = withSampleCount(oneChannel(trace), 399).samples;
    const back = withSampleCount(oneChannel(fine), 200).samples;
    expect(Array.from(back)).toEqual(Array.from(trace));
    // In between, the fine grid has the midpoints.
    expectClose(fine[1], 0.5 * (trace[0] + trace[1]), { rtol: 1e-14 });
  });

  it('resamples every channel of a target on its own', () => {
    const target = createTarget(3, 11, 100);
    for (let c = 0; c < 3; c++) for (let k = 0; k < 11; k++) target.samples[c * 11 + k] = (c + 1) * k;
    const resampled = withSampleCount(target, 21);
    expect(resampled.nSamples).toBe(21);
    expect(resampled.channels).toBe(3);
    expect(resampled.duration).toBe(100);
    for (let c = 0; c < 3; c++) {
      const expected = Array.from({ length: 21 }, (_, j) => ((c + 1) * j) / 2);
      expectClose(resampled.samples.subarray(c * 21, (c + 1) * 21), expected, { rtol: 1e-14 });
    }
    expect(() => withSampleCount(target, 9)).toThrow(RangeError);
    expect(() => withSampleCount(target, 5001)).toThrow(RangeError);
  });

  it('a new duration stretches the same samples over the new time axis', () => {
    const target = createTarget(1, 200, 500);
    target.samples.forEach((_, k) => (target.samples[k] = Math.sin(k)));
    const slow = withDuration(target, 2500);
    expect(slow.duration).toBe(2500);
    expect(Array.from(slow.samples)).toEqual(Array.from(target.samples));
    expect(slow.samples).not.toBe(target.samples);
    expect(() => withDuration(target, 0)).toThrow(RangeError);
    expect(() => withDuration(target, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('validates typed durations', () => {
    expect(parseDuration('500')).toEqual({ ok: true, value: 500 });
    expect(parseDuration(' 2.5e3 ')).toEqual({ ok: true, value: 2500 });
    for (const bad of ['', 'abc', '0', '-10', 'Infinity', 'NaN', '1e400', '1e9', '100001']) expect(parseDuration(bad).ok).toBe(false);
    expect(parseDuration('100000')).toEqual({ ok: true, value: 100_000 });
    expect(parseDuration('1e9')).toEqual({ ok: false, message: "Duration must be at most 100 000 ms (the paper's movements last 500 ms)." });
  });

  it('validates typed sample counts: integers in [10, 5000]', () => {
    expect(parseSampleCount('10')).toEqual({ ok: true, value: 10 });
    expect(parseSampleCount('5000')).toEqual({ ok: true, value: 5000 });
    for (const bad of ['', '9', '5001', '200.5', 'x', '-200', 'Infinity']) expect(parseSampleCount(bad).ok).toBe(false);
  });
});
