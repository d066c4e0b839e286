import { describe, expect, it } from 'vitest';
import { expectClose } from '../../helpers/expectClose.js';
import { gridTime } from '../../../src-renderer/editor/editableTarget.js';
import { applyStroke, applyStrokePoint, applyStrokeSegment, type StrokePoint } from '../../../src-renderer/editor/stroke.js';
import { Rng } from '../../../src-shared/model/rng.js';

/** Independent reference: piecewise-linear interpolation through points sorted by t. */
function interpolateSorted(points: StrokePoint[], t: number): number {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  for (let i = 0; i < sorted.length - 1; i++) {
    const a = sorted[i];
    const b = sorted[i + 1];
    if (t >= a.t && t <= b.t) return a.y + ((t - a.t) / (b.t - a.t)) * (b.y - a.y);
  }
  throw new Error(`t ${t} outside the stroke`);
}

function randomTrace(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
}

describe('stroke → grid', () => {
  it('a straight stroke over the whole movement writes the line on every grid point', () => {
    // n = 11 over 100 ms: grid at 0, 10, ..., 100 ms.
    const out = applyStroke(new Float64Array(11), 100, [
      { t: 0, y: 0 },
      { t: 100, y: 10 },
    ]);
    expectClose(out, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { rtol: 1e-15, atol: 1e-15 });
  });

  it('a partial stroke writes only the grid points it spans; the others keep their values bit for bit', () => {
    const before = randomTrace(11, 1);
    const out = applyStroke(before, 100, [
      { t: 25, y: 5 },
      { t: 55, y: 8 },
    ]);
    for (const k of [0, 1, 2, 6, 7, 8, 9, 10]) expect(Object.is(out[k], before[k])).toBe(true);
    // t = 30, 40, 50 on the line from (25, 5) to (55, 8): y = 5 + (t − 25)/10.
    expectClose([out[3], out[4], out[5]], [5.5, 6.5, 7.5], { rtol: 1e-14 });
  });

  it('leaves its input untouched', () => {
    const before = randomTrace(11, 2);
    const copy = Float64Array.from(before);
    applyStroke(before, 100, [
      { t: 0, y: 3 },
      { t: 100, y: 3 },
    ]);
    expect(Array.from(before)).toEqual(Array.from(copy));
  });

  it('a monotone stroke drawn left-to-right or right-to-left gives the sorted piecewise-linear interpolant', () => {
    const rng = new Rng(7);
    const n = 200;
    const T = 500;
    // 30 pointer samples at random increasing times between 40 and 460 ms.
    const times = Array.from({ length: 30 }, () => 40 + 420 * rng.uniform()).sort((a, b) => a - b);
    const points = times.map((t) => ({ t, y: 20 * rng.normal() }));
    const before = randomTrace(n, 3);
    const forward = applyStroke(before, T, points);
    const backward = applyStroke(before, T, [...points].reverse());
    expect(Array.from(backward)).toEqual(Array.from(forward));
    for (let k = 0; k < n; k++) {
      const t = gridTime(k, n, T);
      if (t < times[0] || t > times[times.length - 1]) {
        expect(Object.is(forward[k], before[k])).toBe(true);
      } else {
        expectClose(forward[k], interpolateSorted(points, t), { rtol: 1e-12, atol: 1e-12 });
      }
    }
  });

  it('where a stroke back-tracks over itself the later pass wins', () => {
    // Out to 100 ms along y = t/10, then back to 50 ms along a different line.
    const out = applyStroke(new Float64Array(11), 100, [
      { t: 0, y: 0 },
      { t: 100, y: 10 },
      { t: 50, y: -1 },
    ]);
    // t < 50: first pass (y = t/10). t ≥ 50: second pass from (100, 10) to (50, −1): y = 10 + (t − 100)·11/50.
    const expected = [0, 1, 2, 3, 4, -1, 1.2, 3.4, 5.6, 7.8, 10];
    expectClose(out, expected, { rtol: 1e-14, atol: 1e-14 });
  });

  it('a fast stroke with two far-apart pointer events leaves no gap', () => {
    const out = applyStroke(Float64Array.from({ length: 200 }, () => 99), 500, [
      { t: 0, y: 1 },
      { t: 500, y: 1 },
    ]);
    expect(out.every((v) => v === 1)).toBe(true);
  });

  it('clips a stroke that leaves the time axis, interpolating along it', () => {
    const before = randomTrace(11, 4);
    const out = applyStroke(before, 100, [
      { t: -50, y: 0 },
      { t: 50, y: 10 },
    ]);
    // y = (t + 50)/10 on t = 0..50.
    expectClose(Array.from(out.subarray(0, 6)), [5, 6, 7, 8, 9, 10], { rtol: 1e-14 });
    for (let k = 6; k < 11; k++) expect(Object.is(out[k], before[k])).toBe(true);
  });

  it('pointer positions exactly on non-round grid times hit exactly those grid points', () => {
    const n = 200;
    const T = 500; // step 500/199 ms, not representable exactly
    const before = randomTrace(n, 5);
    const out = new Float64Array(before);
    const range = applyStrokeSegment(out, T, { t: gridTime(10, n, T), y: 2 }, { t: gridTime(20, n, T), y: 4 });
    expect(range).toEqual({ first: 10, last: 20 });
    expect(out[10]).toBe(2);
    expect(out[20]).toBe(4);
    expect(Object.is(out[9], before[9])).toBe(true);
    expect(Object.is(out[21], before[21])).toBe(true);
    expectClose(out[15], 3, { rtol: 1e-12 });
  });

  it('a vertical segment on a grid time writes the later y', () => {
    const out = new Float64Array(11);
    applyStrokeSegment(out, 100, { t: 30, y: 1 }, { t: 30, y: 7 });
    expect(out[3]).toBe(7);
    expect(out.reduce((s, v) => s + Math.abs(v), 0)).toBe(7);
  });

  it('a click sets the nearest grid point; a click off the axis or a NaN point does nothing', () => {
    const out = new Float64Array(11);
    expect(applyStrokePoint(out, 100, { t: 34, y: 2 })).toEqual({ first: 3, last: 3 });
    expect(out[3]).toBe(2);
    expect(applyStrokePoint(out, 100, { t: 106, y: 2 })).toBeNull();
    expect(applyStrokePoint(out, 100, { t: Number.NaN, y: 2 })).toBeNull();
    expect(applyStroke(out, 100, [{ t: 101, y: 5 }])[10]).toBe(5); // within half a step of T
    const withNaN = applyStroke(out, 100, [
      { t: 0, y: 1 },
      { t: Number.NaN, y: 50 },
      { t: 20, y: 1 },
    ]);
    expect(Array.from(withNaN.subarray(0, 3))).toEqual([1, 1, 1]);
  });

  it('a stroke between two grid points writes nothing', () => {
    const before = randomTrace(11, 6);
    const out = applyStroke(before, 100, [
      { t: 31, y: 100 },
      { t: 39, y: 100 },
    ]);
    expect(Array.from(out)).toEqual(Array.from(before));
  });
});
