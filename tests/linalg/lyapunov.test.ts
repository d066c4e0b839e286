import { describe, expect, it } from 'vitest';
import { createSchurWorkspace, maxReal, realSchurInto } from '../../src-shared/linalg/schur.js';
import { createLyapunovWorkspace, solveLyapunovPairInto } from '../../src-shared/linalg/lyapunov.js';
import { frobeniusNorm, matmulInto } from '../../src-shared/linalg/dense.js';
import { Rng } from '../../src-shared/model/rng.js';
import { expectClose } from '../helpers/expectClose.js';

function transpose(A: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = A[i * n + j];
  return out;
}

/** ‖Xᵀ·Q + Q·X + C‖ / ‖C‖ (observability) or ‖X·P + P·Xᵀ + C‖ / ‖C‖. */
function residual(A: Float64Array, S: Float64Array, n: number, C: Float64Array, kind: 'obs' | 'ctrl'): number {
  const At = transpose(A, n);
  const r1 = new Float64Array(n * n);
  const r2 = new Float64Array(n * n);
  if (kind === 'obs') {
    matmulInto(At, S, n, n, n, r1);
    matmulInto(S, A, n, n, n, r2);
  } else {
    matmulInto(A, S, n, n, n, r1);
    matmulInto(S, At, n, n, n, r2);
  }
  for (let i = 0; i < n * n; i++) r1[i] += r2[i] + C[i];
  return frobeniusNorm(r1) / frobeniusNorm(C);
}

function scaledIdentity(n: number, c: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = c;
  return I;
}

function solvePair(W: Float64Array, n: number, shift: number, C: number | Float64Array) {
  const schur = realSchurInto(W, n, createSchurWorkspace(n));
  const Q = new Float64Array(n * n);
  const P = new Float64Array(n * n);
  solveLyapunovPairInto(schur, Q, P, createLyapunovWorkspace(n), { shift, C });
  return { Q, P, alpha: maxReal(schur.wr, n) };
}

describe('Bartels–Stewart Lyapunov pair', () => {
  it('1×1: a·q + q·a = −c gives q = −c/(2a)', () => {
    const { Q, P } = solvePair(Float64Array.from([0.5]), 1, 2, 2); // A = 0.5 − 2 = −1.5
    expectClose(Q[0], 2 / 3, { rtol: 1e-15 });
    expectClose(P[0], 2 / 3, { rtol: 1e-15 });
  });

  it('diagonal A: Q_ij = C_ij / −(a_i + a_j)', () => {
    const a = [-1, -0.5, -3, -2];
    const n = a.length;
    const A = new Float64Array(n * n);
    a.forEach((v, i) => (A[i * n + i] = v));
    const C = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) C[i * n + j] = 1 + i + j; // symmetric
    const { Q, P } = solvePair(A, n, 0, C);
    const expected = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expected[i * n + j] = -C[i * n + j] / (a[i] + a[j]);
    expectClose(Q, expected, { rtol: 1e-14 });
    expectClose(P, expected, { rtol: 1e-14 });
  });

  it('2×2 rotation-decay A = [[−a, −b], [b, −a]]: Q = P = (1/a)·I for C = 2I (analytic)', () => {
    // Aᵀ + A = −2a·I and Aᵀ commutes with A, so Q = c·I solves −2a·c·I = −2I → c = 1/a.
    const a = 0.7;
    const b = 3;
    const { Q, P } = solvePair(Float64Array.from([-a, -b, b, -a]), 2, 0, 2);
    expectClose(Q, [1 / a, 0, 0, 1 / a], { atol: 1e-14 });
    expectClose(P, [1 / a, 0, 0, 1 / a], { atol: 1e-14 });
  });

  it('non-normal 2×2 triangular: closed-form Gramians', () => {
    // A = [[−1, k], [0, −2]], C = 2I. Observability: AᵀQ + QA = −2I ⇒
    // q11 = 1, q12 = k·q11/3 = k/3, q22 = (2 + 2k·q12)/4 = (1 + k²/3)/2.
    // Controllability: AP + PAᵀ = −2I ⇒ p22 = 1/2, p12 = k·p22/3 = k/6, p11 = (2 + 2k·p12)/2 = 1 + k²/6.
    const k = 4;
    const { Q, P } = solvePair(Float64Array.from([-1, k, 0, -2]), 2, 0, 2);
    expectClose(Q, [1, k / 3, k / 3, (1 + (k * k) / 3) / 2], { rtol: 1e-14 });
    expectClose(P, [1 + (k * k) / 6, k / 6, k / 6, 0.5], { rtol: 1e-14 });
  });

  it('random stable matrices up to N = 400: residuals at round-off level, exactly symmetric', () => {
    for (const n of [5, 40, 200, 400]) {
      const rng = new Rng(7 * n);
      const W = new Float64Array(n * n);
      for (let i = 0; i < n * n; i++) W[i] = (2 * rng.normal()) / Math.sqrt(n); // complex-rich spectrum
      const schur = realSchurInto(W, n, createSchurWorkspace(n));
      const shift = maxReal(schur.wr, n) + 0.3;
      const A = W.slice();
      for (let i = 0; i < n; i++) A[i * n + i] -= shift;
      const Q = new Float64Array(n * n);
      const P = new Float64Array(n * n);
      solveLyapunovPairInto(schur, Q, P, createLyapunovWorkspace(n), { shift, C: 2 });
      const C = scaledIdentity(n, 2);
      expect(residual(A, Q, n, C, 'obs'), `obs n = ${n}`).toBeLessThan(1e-12);
      expect(residual(A, P, n, C, 'ctrl'), `ctrl n = ${n}`).toBeLessThan(1e-12);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) {
          expect(Q[i * n + j]).toBe(Q[j * n + i]);
          expect(P[i * n + j]).toBe(P[j * n + i]);
        }
        expect(Q[i * n + i]).toBeGreaterThan(0); // Gramians of a stable A are positive definite
        expect(P[i * n + i]).toBeGreaterThan(0);
      }
    }
  });

  it('general (non-symmetric) C', () => {
    const n = 30;
    const rng = new Rng(3);
    const W = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) W[i] = rng.normal() / Math.sqrt(n);
    const C = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) C[i] = rng.normal();
    const shift = 2;
    const { Q, P } = solvePair(W, n, shift, C);
    const A = W.slice();
    for (let i = 0; i < n; i++) A[i * n + i] -= shift;
    expect(residual(A, Q, n, C, 'obs')).toBeLessThan(1e-13);
    expect(residual(A, P, n, C, 'ctrl')).toBeLessThan(1e-13);
  });

  it('observability Gramian of A equals controllability Gramian of Aᵀ', () => {
    const n = 12;
    const rng = new Rng(5);
    const W = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) W[i] = rng.normal() / Math.sqrt(n);
    const a = solvePair(W, n, 2, 2);
    const Wt = transpose(W, n);
    const b = solvePair(Wt, n, 2, 2);
    expectClose(a.Q, b.P, { rtol: 1e-11, atol: 1e-13 });
    expectClose(a.P, b.Q, { rtol: 1e-11, atol: 1e-13 });
  });

  it('throws for an unstable A with λi + λj = 0', () => {
    expect(() => solvePair(Float64Array.from([1, 0, 0, -1]), 2, 0, 2)).toThrow(/singular/);
  });
});
