import { describe, expect, it } from 'vitest';
import { leastSquares, nnls } from '../../src-shared/linalg/nnls.js';
import { Rng } from '../../src-shared/model/rng.js';
import { expectClose } from '../helpers/expectClose.js';

function randomMatrix(rng: Rng, m: number, n: number): Float64Array {
  const a = new Float64Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  return a;
}

function multiply(A: Float64Array, m: number, n: number, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** Gradient of ½‖Ax − b‖², Aᵀ(Ax − b), computed independently of the solver. */
function gradient(A: Float64Array, m: number, n: number, x: ArrayLike<number>, b: Float64Array): Float64Array {
  const r = multiply(A, m, n, x);
  for (let i = 0; i < m; i++) r[i] -= b[i];
  const g = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) g[j] += A[i * n + j] * r[i];
  return g;
}

function residualNorm(A: Float64Array, m: number, n: number, x: ArrayLike<number>, b: Float64Array): number {
  const r = multiply(A, m, n, x);
  let s = 0;
  for (let i = 0; i < m; i++) s += (r[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

describe('nnls (Lawson–Hanson)', () => {
  it('satisfies the KKT conditions on random over- and under-determined problems', () => {
    const rng = new Rng(11);
    const shapes: Array<[number, number]> = [
      [30, 10], [50, 40], [10, 25], [200, 101], [8, 8],
    ];
    for (const [m, n] of shapes) {
      for (let rep = 0; rep < 4; rep++) {
        const A = randomMatrix(rng, m, n);
        const b = new Float64Array(m);
        for (let i = 0; i < m; i++) b[i] = 3 * rng.normal();
        const { x, residualNorm: reported, converged } = nnls(A, m, n, b);
        expect(converged).toBe(true);
        const g = gradient(A, m, n, x, b);
        const scale = 1e-8 * (1 + Math.sqrt(b.reduce((s, v) => s + v * v, 0))) * Math.sqrt(m);
        let active = 0;
        for (let j = 0; j < n; j++) {
          expect(x[j]).toBeGreaterThanOrEqual(0);
          if (x[j] > 0) {
            active++;
            expect(Math.abs(g[j])).toBeLessThan(scale); // stationary in free variables
          } else {
            expect(g[j]).toBeGreaterThan(-scale); // no descent direction into x_j > 0
          }
        }
        expect(active).toBeLessThanOrEqual(Math.min(m, n));
        expectClose(reported, residualNorm(A, m, n, x, b), { rtol: 1e-10, atol: 1e-12 });
      }
    }
  });

  it('is no worse than random non-negative points and the projected LS solution', () => {
    const rng = new Rng(5);
    const m = 40;
    const n = 12;
    const A = randomMatrix(rng, m, n);
    const b = new Float64Array(m).map(() => rng.normal());
    const { x } = nnls(A, m, n, b);
    const best = residualNorm(A, m, n, x, b);
    for (let trial = 0; trial < 200; trial++) {
      const y = new Float64Array(n);
      for (let j = 0; j < n; j++) y[j] = Math.max(0, x[j] + 0.1 * rng.normal());
      expect(residualNorm(A, m, n, y, b)).toBeGreaterThanOrEqual(best - 1e-12);
    }
    const ls = leastSquares(A, m, n, b).map((v) => Math.max(0, v));
    expect(residualNorm(A, m, n, ls, b)).toBeGreaterThanOrEqual(best - 1e-12);
  });

  it('solves a problem with a known solution (identity with mixed-sign right-hand side)', () => {
    // min ‖x − b‖ over x ≥ 0 is max(b, 0), exactly.
    const n = 6;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) A[i * n + i] = 1;
    const b = new Float64Array([3, -1, 0.5, -2, 0, 7]);
    const { x, residualNorm: r } = nnls(A, n, n, b);
    expectClose(x, [3, 0, 0.5, 0, 0, 7], { atol: 1e-14 });
    expectClose(r, Math.sqrt(1 + 4), { rtol: 1e-14 });
  });

  it('solves the textbook 2-variable case where one constraint binds', () => {
    // A = [[1, 0], [0, 1], [1, 1]], b = [2, -1, 1]. Unconstrained LS (AᵀA = [[2,1],[1,2]],
    // Aᵀb = [3, 0]): x = (2, −1). The bound x2 = 0 then gives min over x1 of (x1−2)² + 1 + (x1−1)² → x1 = 1.5.
    const A = new Float64Array([1, 0, 0, 1, 1, 1]);
    const b = new Float64Array([2, -1, 1]);
    const ls = leastSquares(A, 3, 2, b);
    expectClose(ls, [2, -1], { rtol: 1e-13 });
    const { x } = nnls(A, 3, 2, b);
    expectClose(x, [1.5, 0], { atol: 1e-14 });
  });

  it('agrees with unconstrained least squares when that solution is positive', () => {
    const rng = new Rng(99);
    const m = 60;
    const n = 15;
    const A = randomMatrix(rng, m, n);
    const xTrue = new Float64Array(n).map(() => 0.5 + rng.uniform());
    const b = multiply(A, m, n, xTrue);
    for (let i = 0; i < m; i++) b[i] += 0.01 * rng.normal();
    const ls = leastSquares(A, m, n, b);
    for (const v of ls) expect(v).toBeGreaterThan(0);
    // Independent check of the LS solution: normal-equation residual Aᵀ(Ax − b) ≈ 0.
    for (const g of gradient(A, m, n, ls, b)) expect(Math.abs(g)).toBeLessThan(1e-10);
    const { x } = nnls(A, m, n, b);
    expectClose(x, ls, { rtol: 1e-9, atol: 1e-12 });
  });

  it('handles a zero right-hand side, zero columns and duplicated columns', () => {
    const A = new Float64Array([1, 0, 1, 2, 0, 2, 3, 0, 3]); // column 1 zero, column 2 = column 0
    expectClose(nnls(A, 3, 3, new Float64Array(3)).x, [0, 0, 0]);
    const b = new Float64Array([1, 2, 3]);
    const { x, residualNorm: r } = nnls(A, 3, 3, b);
    expectClose(x[0] + x[2], 1, { rtol: 1e-12 });
    expect(x[1]).toBe(0);
    expect(r).toBeLessThan(1e-12);
  });

  it('rejects inconsistent dimensions', () => {
    expect(() => nnls(new Float64Array(5), 2, 3, new Float64Array(2))).toThrow(RangeError);
    expect(() => nnls(new Float64Array(6), 2, 3, new Float64Array(1))).toThrow(RangeError);
  });
});
