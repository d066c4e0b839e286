import { describe, expect, it } from 'vitest';
import { expectClose } from '../../helpers/expectClose.js';
import { gridTime } from '../../../src-renderer/editor/editableTarget.js';
import {
  deriveControlPoints,
  moveControlPoint,
  nearestControlPoint,
  rebuildFromControlPoints,
  type ControlPoint,
} from '../../../src-renderer/editor/controlPoints.js';
import { evaluateMonotoneCubic, fritschCarlsonTangents } from '../../../src-renderer/editor/monotoneCubic.js';
import { Rng } from '../../../src-shared/model/rng.js';

function dense(x: number[], y: number[], count: number): { at: Float64Array; values: Float64Array } {
  const at = Float64Array.from({ length: count }, (_, j) => x[0] + ((x[x.length - 1] - x[0]) * j) / (count - 1));
  const values = evaluateMonotoneCubic(x, y, fritschCarlsonTangents(x, y), at, new Float64Array(count));
  return { at, values };
}

describe('Fritsch–Carlson monotone cubic', () => {
  it('matches a hand-computed Hermite value', () => {
    // Knots (0,0), (1,1), (2,3): secants 1, 2; tangents m = [1, 1.5, 2] (all inside the α²+β² ≤ 9 circle).
    const x = [0, 1, 2];
    const y = [0, 1, 3];
    expectClose(fritschCarlsonTangents(x, y), [1, 1.5, 2], { rtol: 1e-15 });
    // At 0.5: h00 = h01 = 1/2, h10 = 1/8, h11 = −1/8 → 0 + 1/8·1 + 1/2·1 − 1/8·1.5 = 0.4375.
    const out = evaluateMonotoneCubic(x, y, fritschCarlsonTangents(x, y), [0.5], new Float64Array(1));
    expectClose(out[0], 0.4375, { rtol: 1e-15 });
  });

  it('passes through every knot exactly and reproduces straight lines', () => {
    const rng = new Rng(11);
    const x = [0];
    for (let i = 1; i < 12; i++) x.push(x[i - 1] + 0.1 + rng.uniform());
    const y = x.map(() => 10 * rng.normal());
    const knots = evaluateMonotoneCubic(x, y, fritschCarlsonTangents(x, y), x, new Float64Array(x.length));
    expect(Array.from(knots)).toEqual(y);

    const line = x.map((v) => 3 - 2 * v);
    const { at, values } = dense(x, line, 501);
    expectClose(values, Array.from(at, (t) => 3 - 2 * t), { rtol: 1e-12, atol: 1e-12 });
  });

  it('is monotone wherever the data are, even where a plain cubic spline would overshoot', () => {
    // Nearly flat, steep, nearly flat: the classic overshoot case (α or β far outside the circle).
    const x = [0, 1, 2, 3, 4, 5];
    const y = [0, 0.01, 0.02, 5, 5.01, 5.02];
    const { values } = dense(x, y, 2001);
    for (let j = 1; j < values.length; j++) expect(values[j]).toBeGreaterThanOrEqual(values[j - 1] - 1e-12);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(5.02);
  });

  it('never leaves the range of the two knots of an interval (random data)', () => {
    const rng = new Rng(12);
    const x = Array.from({ length: 15 }, (_, i) => i * 10 + 5 * rng.uniform());
    const y = x.map(() => rng.normal());
    const tangents = fritschCarlsonTangents(x, y);
    for (let i = 0; i < x.length - 1; i++) {
      const at = Float64Array.from({ length: 101 }, (_, j) => x[i] + ((x[i + 1] - x[i]) * j) / 100);
      const values = evaluateMonotoneCubic(x, y, tangents, at, new Float64Array(101));
      const lo = Math.min(y[i], y[i + 1]);
      const hi = Math.max(y[i], y[i + 1]);
      for (const v of values) {
        expect(v).toBeGreaterThanOrEqual(lo - 1e-12);
        expect(v).toBeLessThanOrEqual(hi + 1e-12);
      }
    }
  });

  it('is flat at a local extremum of the data', () => {
    expect(fritschCarlsonTangents([0, 1, 2], [0, 4, 1])[1]).toBe(0);
  });

  it('holds the end values outside the knots and rejects non-increasing x', () => {
    const out = evaluateMonotoneCubic([0, 1], [2, 3], fritschCarlsonTangents([0, 1], [2, 3]), [-1, 2], new Float64Array(2));
    expect(Array.from(out)).toEqual([2, 3]);
    expect(() => fritschCarlsonTangents([0, 1, 1], [0, 1, 2])).toThrow(RangeError);
  });
});

describe('control points', () => {
  const n = 200;
  const T = 500;
  const bump = Float64Array.from({ length: n }, (_, k) => 10 * Math.exp(-0.5 * ((gridTime(k, n, T) - 200) / 40) ** 2));

  it('the trace rebuilt from control points passes exactly through each of them', () => {
    const rng = new Rng(13);
    const points: ControlPoint[] = [0, 17, 40, 41, 90, 150, 199].map((index) => ({ index, y: 5 * rng.normal() }));
    const rebuilt = rebuildFromControlPoints(points, n, T);
    for (const p of points) expect(rebuilt[p.index]).toBe(p.y);
  });

  it('uniform points are evenly spaced and include both ends', () => {
    const points = deriveControlPoints(bump, T, 12, 'uniform');
    expect(points.map((p) => p.index)).toEqual(Array.from({ length: 12 }, (_, j) => Math.round((j * 199) / 11)));
    for (const p of points) expect(p.y).toBe(bump[p.index]);
  });

  it('greedy points catch the peak first and approximate better as K grows', () => {
    const three = deriveControlPoints(bump, T, 3);
    const peak = bump.indexOf(Math.max(...bump));
    expect(three.map((p) => p.index)).toEqual([0, peak, n - 1]);
    let previousError = Infinity;
    for (const k of [3, 5, 8, 12, 20]) {
      const rebuilt = rebuildFromControlPoints(deriveControlPoints(bump, T, k), n, T);
      const error = Math.max(...rebuilt.map((v, i) => Math.abs(v - bump[i])));
      expect(error).toBeLessThanOrEqual(previousError);
      previousError = error;
    }
    expect(previousError).toBeLessThan(0.05); // 20 points: within 0.5 % of the peak
  });

  it('greedy stops early on a trace it already reproduces (a straight line needs two points)', () => {
    const line = Float64Array.from({ length: n }, (_, k) => 1 + 0.01 * k);
    const points = deriveControlPoints(line, T, 12);
    expect(points.map((p) => p.index)).toEqual([0, n - 1]);
  });

  it('dragging: ends keep their time, interior points snap to the grid between their neighbours', () => {
    const points: ControlPoint[] = [
      { index: 0, y: 0 },
      { index: 50, y: 1 },
      { index: 100, y: 2 },
      { index: 199, y: 0 },
    ];
    const movedEnd = moveControlPoint(points, 0, 300, 4, n, T);
    expect(movedEnd[0]).toEqual({ index: 0, y: 4 });
    expect(points[0]).toEqual({ index: 0, y: 0 }); // input not mutated
    // 150 ms is grid position 59.7 → index 60.
    expect(moveControlPoint(points, 1, 150, 3, n, T)[1]).toEqual({ index: 60, y: 3 });
    // Past the right neighbour: clamped to index 99.
    expect(moveControlPoint(points, 1, 400, 3, n, T)[1]).toEqual({ index: 99, y: 3 });
    // Before the left neighbour: clamped to index 1.
    expect(moveControlPoint(points, 1, -40, 3, n, T)[1]).toEqual({ index: 1, y: 3 });
    // NaN y keeps the old value.
    expect(moveControlPoint(points, 2, Number.NaN, Number.NaN, n, T)[2]).toEqual({ index: 100, y: 2 });
    const rebuilt = rebuildFromControlPoints(moveControlPoint(points, 1, 150, 3, n, T), n, T);
    expect(rebuilt[60]).toBe(3);
  });

  it('rebuild rejects crossing points', () => {
    expect(() =>
      rebuildFromControlPoints(
        [
          { index: 0, y: 0 },
          { index: 10, y: 0 },
          { index: 10, y: 1 },
        ],
        n,
        T,
      ),
    ).toThrow(RangeError);
  });

  it('picks the nearest point within the hit radius', () => {
    const pixels = [
      { x: 0, y: 0 },
      { x: 10, y: 0 },
      { x: 20, y: 5 },
    ];
    expect(nearestControlPoint(pixels, 12, 1, 6)).toBe(1);
    expect(nearestControlPoint(pixels, 19, 9, 6)).toBe(2);
    expect(nearestControlPoint(pixels, 40, 40, 6)).toBe(-1);
  });
});
