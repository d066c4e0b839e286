import { describe, expect, it } from 'vitest';
import { expectClose } from '../../helpers/expectClose.js';
import { gridTime } from '../../../src-renderer/editor/editableTarget.js';
import { taperToZero } from '../../../src-renderer/editor/taper.js';

describe('taper to zero', () => {
  const n = 201;
  const T = 500; // step 2.5 ms
  const trace = Float64Array.from({ length: n }, (_, k) => -4 + Math.sin(k / 9));

  it('brings both ends to exactly 0 and leaves the middle bit for bit', () => {
    const out = taperToZero(trace, T, { start: true, end: true, rampMs: 50 });
    expect(Object.is(out[0], 0)).toBe(true); // +0, not −0
    expect(Object.is(out[n - 1], 0)).toBe(true);
    for (let k = 20; k <= n - 21; k++) expect(Object.is(out[k], trace[k])).toBe(true);
  });

  it('follows the half-Hann ramp: half the value at half the ramp, ramp in ms', () => {
    const out = taperToZero(trace, T, { start: true, end: true, rampMs: 50 });
    expectClose(out[10], 0.5 * trace[10], { rtol: 1e-14 }); // t = 25 ms
    expectClose(out[n - 11], 0.5 * trace[n - 11], { rtol: 1e-14 }); // 25 ms before the end
    const t = gridTime(3, n, T);
    expectClose(out[3], 0.5 * (1 - Math.cos((Math.PI * t) / 50)) * trace[3], { rtol: 1e-14 });
    // |value| grows monotonically along the start ramp of a constant trace.
    const flat = taperToZero(new Float64Array(n).fill(2), T, { start: true, end: false, rampMs: 50 });
    for (let k = 1; k <= 20; k++) expect(flat[k]).toBeGreaterThan(flat[k - 1]);
  });

  it('tapers only the requested end', () => {
    const startOnly = taperToZero(trace, T, { start: true, end: false, rampMs: 50 });
    expect(startOnly[0]).toBe(0);
    expect(startOnly[n - 1]).toBe(trace[n - 1]);
    const endOnly = taperToZero(trace, T, { start: false, end: true, rampMs: 50 });
    expect(endOnly[0]).toBe(trace[0]);
    expect(endOnly[n - 1]).toBe(0);
  });

  it('with a zero ramp only the end samples are zeroed', () => {
    const out = taperToZero(trace, T, { start: true, end: true, rampMs: 0 });
    expect(out[0]).toBe(0);
    expect(out[n - 1]).toBe(0);
    expect(Array.from(out.subarray(1, n - 1))).toEqual(Array.from(trace.subarray(1, n - 1)));
  });
});
