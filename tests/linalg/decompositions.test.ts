import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src-shared/linalg/symmetricEigen.js';
import { determinant, luFactor, luSolve } from '../../src-shared/linalg/lu.js';
import { leastSquares, qrExplicit, qrFactor } from '../../src-shared/linalg/qr.js';
import { frobeniusNorm, matmulInto } from '../../src-shared/linalg/dense.js';
import { Rng } from '../../src-shared/model/rng.js';
import { expectClose } from '../helpers/expectClose.js';

function randomMatrix(rows: number, cols: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: rows * cols }, () => rng.normal());
}

describe('symmetric eigen-decomposition', () => {
  it('2×2 analytic: [[2, 1], [1, 2]] has eigenvalues 1, 3 with vectors (1, ∓1)/√2', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expectClose(Array.from(values), [1, 3], { rtol: 1e-15 });
    expectClose(Math.abs(vectors[0 * 2 + 1]), Math.SQRT1_2, { rtol: 1e-15 });
    expectClose(vectors[0 * 2 + 1] * vectors[1 * 2 + 1], 0.5, { rtol: 1e-14 }); // same sign for λ = 3
    expectClose(vectors[0 * 2 + 0] * vectors[1 * 2 + 0], -0.5, { rtol: 1e-14 });
  });

  it('tridiagonal Toeplitz [−1, 2, −1]: λ_k = 2 − 2cos(kπ/(n+1))', () => {
    const n = 25;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      A[i * n + i] = 2;
      if (i > 0) A[i * n + i - 1] = A[(i - 1) * n + i] = -1;
    }
    const { values } = symmetricEigen(A, n);
    const expected = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)));
    expectClose(Array.from(values), expected, { atol: 1e-13 });
  });

  it('random symmetric N = 200: A·V = V·Λ, VᵀV = I, ascending', () => {
    const n = 200;
    const B = randomMatrix(n, n, 9);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = B[i * n + j] + B[j * n + i];
    const { values, vectors } = symmetricEigen(A, n);
    const AV = new Float64Array(n * n);
    matmulInto(A, vectors, n, n, n, AV);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) AV[i * n + k] -= vectors[i * n + k] * values[k];
    expect(frobeniusNorm(AV) / frobeniusNorm(A)).toBeLessThan(1e-13);
    const VtV = new Float64Array(n * n);
    const Vt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Vt[j * n + i] = vectors[i * n + j];
    matmulInto(Vt, vectors, n, n, n, VtV);
    for (let i = 0; i < n; i++) VtV[i * n + i] -= 1;
    expect(frobeniusNorm(VtV)).toBeLessThan(1e-12);
    for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += A[i * n + i];
    expectClose(values.reduce((a, b) => a + b, 0), trace, { atol: 1e-10 });
  });
});

describe('LU with partial pivoting', () => {
  it('solves a system needing a pivot and gives the analytic determinant', () => {
    // [[0, 2, 1], [1, 1, 1], [2, 1, 3]]: det = 0·(3−1) − 2·(3−2) + 1·(1−2) = −3
    const A = Float64Array.from([0, 2, 1, 1, 1, 1, 2, 1, 3]);
    expectClose(determinant(A, 3), -3, { rtol: 1e-15 });
    // b = A·(1, 2, 3)
    const b = [0 * 1 + 2 * 2 + 1 * 3, 1 + 2 + 3, 2 + 2 + 9];
    const y = luSolve(A, 3, b);
    expectClose(Array.from(y), [1, 2, 3], { rtol: 1e-14 });
  });

  it('random N = 100: ‖A·x − b‖ small; det of a triangular matrix is the diagonal product; singular flagged', () => {
    const n = 100;
    const A = randomMatrix(n, n, 21);
    const xTrue = randomMatrix(n, 1, 22);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += A[i * n + j] * xTrue[j];
    expectClose(luSolve(A, n, b), xTrue, { atol: 1e-10 });
    const U = Float64Array.from([2, 5, 7, 0, -3, 1, 0, 0, 0.5]);
    expectClose(determinant(U, 3), -3, { rtol: 1e-15 });
    expect(luFactor(Float64Array.from([1, 2, 2, 4]), 2).singular).toBe(true);
    expect(Math.abs(determinant(Float64Array.from([1, 2, 2, 4]), 2))).toBe(0);
  });
});

describe('Householder QR and least squares', () => {
  it('straight-line fit has the closed-form normal-equation solution', () => {
    const t = [0, 1, 2, 3, 4];
    const y = [1.1, 2.9, 5.2, 7.1, 8.8];
    const A = new Float64Array(t.length * 2);
    t.forEach((ti, i) => {
      A[i * 2] = 1;
      A[i * 2 + 1] = ti;
    });
    const [c0, c1] = leastSquares(A, 5, 2, y);
    const m = t.length;
    const st = t.reduce((a, b) => a + b, 0);
    const sy = y.reduce((a, b) => a + b, 0);
    const stt = t.reduce((a, b) => a + b * b, 0);
    const sty = t.reduce((a, ti, i) => a + ti * y[i], 0);
    const slope = (m * sty - st * sy) / (m * stt - st * st);
    expectClose(c1, slope, { rtol: 1e-14 });
    expectClose(c0, (sy - slope * st) / m, { rtol: 1e-14 });
  });

  it('random 60×25: Q·R = A, QᵀQ = I, residual orthogonal to the columns', () => {
    const m = 60;
    const n = 25;
    const A = randomMatrix(m, n, 31);
    const f = qrFactor(A, m, n);
    const { Q, R } = qrExplicit(f);
    const QR = new Float64Array(m * n);
    matmulInto(Q, R, m, n, n, QR);
    for (let i = 0; i < m * n; i++) QR[i] -= A[i];
    expect(frobeniusNorm(QR) / frobeniusNorm(A)).toBeLessThan(1e-14);
    const b = randomMatrix(m, 1, 32);
    const x = leastSquares(A, m, n, b);
    const r = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = b[i];
      for (let j = 0; j < n; j++) s -= A[i * n + j] * x[j];
      r[i] = s;
    }
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let i = 0; i < m; i++) d += A[i * n + j] * r[i];
      expect(Math.abs(d)).toBeLessThan(1e-12);
    }
  });

  it('rejects rank-deficient problems', () => {
    expect(() => leastSquares(Float64Array.from([1, 2, 2, 4, 3, 6]), 3, 2, [1, 2, 3])).toThrow(/rank deficient/);
  });
});
