import { describe, expect, it } from 'vitest';
import { createSchurWorkspace, eigenvalues, hessenbergReduce, realSchur, realSchurInto, spectralAbscissa } from '../../src-shared/linalg/schur.js';
import { frobeniusNorm, matmulInto, matmulTransBInto } from '../../src-shared/linalg/dense.js';
import { Rng } from '../../src-shared/model/rng.js';
import { expectClose } from '../helpers/expectClose.js';
import { hasReference, loadReferenceArray, referenceSkipReason } from '../helpers/reference.js';

function randomMatrix(n: number, seed: number, scale = 1): Float64Array {
  const rng = new Rng(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) A[i] = scale * rng.normal();
  return A;
}

/** ‖A − Z·T·Zᵀ‖/‖A‖ and ‖ZᵀZ − I‖. */
function schurResiduals(A: Float64Array, T: Float64Array, Z: Float64Array, n: number): { factor: number; orth: number } {
  const ZT = new Float64Array(n * n);
  const R = new Float64Array(n * n);
  matmulInto(Z, T, n, n, n, ZT);
  matmulTransBInto(ZT, Z, n, n, n, R);
  for (let i = 0; i < n * n; i++) R[i] -= A[i];
  const Zt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Zt[j * n + i] = Z[i * n + j];
  const O = new Float64Array(n * n);
  matmulTransBInto(Zt, Zt, n, n, n, O); // Zᵀ·Z
  for (let i = 0; i < n; i++) O[i * n + i] -= 1;
  return { factor: frobeniusNorm(R) / Math.max(frobeniusNorm(A), 1e-300), orth: frobeniusNorm(O) };
}

/** T is quasi-upper-triangular with standardised 2×2 blocks (equal diagonal, b·c < 0, no adjacent blocks). */
function expectStandardQuasiTriangular(T: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < i - 1; j++) expect(T[i * n + j]).toBe(0);
  for (let i = 1; i < n; i++) {
    const c = T[i * n + i - 1];
    if (c === 0) continue;
    if (i >= 2) expect(T[(i - 1) * n + i - 2], `adjacent 2×2 blocks at ${i}`).toBe(0);
    if (i + 1 < n) expect(T[(i + 1) * n + i], `adjacent 2×2 blocks at ${i}`).toBe(0);
    expect(T[(i - 1) * n + i - 1]).toBe(T[i * n + i]);
    expect(T[(i - 1) * n + i] * c).toBeLessThan(0);
  }
}

function sortedEigs(re: ArrayLike<number>, im: ArrayLike<number>): Array<[number, number]> {
  return Array.from(re, (r, i) => [r, im[i]] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe('real Schur form', () => {
  it('Hessenberg reduction is an orthogonal similarity with zeros below the subdiagonal', () => {
    const n = 30;
    const A = randomMatrix(n, 11);
    const H = A.slice();
    const Qt = new Float64Array(n * n);
    hessenbergReduce(H, n, Qt, new Float64Array(n), new Float64Array(2 * n));
    for (let i = 2; i < n; i++) for (let j = 0; j < i - 1; j++) expect(H[i * n + j]).toBe(0);
    const Q = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Q[i * n + j] = Qt[j * n + i];
    const { factor, orth } = schurResiduals(A, H, Q, n);
    expect(factor).toBeLessThan(1e-14);
    expect(orth).toBeLessThan(1e-13);
  });

  it('rotation-scaling block: eigenvalues a ± ib exactly, standardised 2×2', () => {
    // [[a, −b], [b, a]] has eigenvalues a ± i·b
    const A = Float64Array.from([0.3, -2, 2, 0.3]);
    const { T, Z, wr, wi } = realSchur(A, 2);
    expectStandardQuasiTriangular(T, 2);
    expectClose(Array.from(wr), [0.3, 0.3], { rtol: 1e-15 });
    expectClose(Array.from(wi), [2, -2], { rtol: 1e-15 });
    expect(schurResiduals(A, T, Z, 2).factor).toBeLessThan(1e-15);
  });

  it('2×2 with real eigenvalues becomes upper triangular; a non-standard complex block is standardised', () => {
    // [[4, 1], [2, 3]]: λ = 5, 2
    let r = realSchur(Float64Array.from([4, 1, 2, 3]), 2);
    expect(r.T[2]).toBe(0);
    expectClose(sortedEigs(r.wr, r.wi).map((e) => e[0]), [2, 5], { rtol: 1e-14 });
    // [[1, −5], [1, 3]]: λ = 2 ± 2i  (trace 4, det 8)
    const A = Float64Array.from([1, -5, 1, 3]);
    r = realSchur(A, 2);
    expectStandardQuasiTriangular(r.T, 2);
    expectClose(Array.from(r.wr), [2, 2], { rtol: 1e-14 });
    expectClose(Array.from(r.wi), [2, -2], { rtol: 1e-14 });
    expect(schurResiduals(A, r.T, r.Z, 2).factor).toBeLessThan(1e-15);
  });

  it('companion matrix: eigenvalues are the roots of its characteristic polynomial', () => {
    // p(λ) = (λ − 1)(λ + 2)(λ − 3)(λ² + 2λ + 5) roots 1, −2, 3, −1 ± 2i
    // expanded: (λ³ − 2λ² − 5λ + 6)(λ² + 2λ + 5) = λ⁵ + 0λ⁴ − 4λ³ − 14λ² − 13λ + 30
    const c = [0, -4, -14, -13, 30]; // λ⁵ + c1 λ⁴ + … + c5
    const n = 5;
    const A = new Float64Array(n * n);
    for (let j = 0; j < n; j++) A[j] = -c[j];
    for (let i = 1; i < n; i++) A[i * n + i - 1] = 1;
    const { re, im } = eigenvalues(A, n);
    const got = sortedEigs(re, im);
    const expected: Array<[number, number]> = [[-2, 0], [-1, -2], [-1, 2], [1, 0], [3, 0]];
    expectClose(got.flat(), expected.flat(), { atol: 1e-12 });
  });

  it('already upper triangular input: T = A, Z = I', () => {
    const n = 6;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) A[i * n + j] = (i + 1) * 0.5 + j - (i === j ? 0 : 3);
    const { T, Z, wr, wi } = realSchur(A, n);
    expectClose(T, A, { atol: 1e-15 });
    const I = new Float64Array(n * n);
    for (let i = 0; i < n; i++) I[i * n + i] = 1;
    expectClose(Z.map(Math.abs), I, { atol: 1e-15 });
    expectClose(Array.from(wr).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => A[i * n + i]).sort((a, b) => a - b), { rtol: 1e-15 });
    expect(Array.from(wi).every((v) => v === 0)).toBe(true);
  });

  it('defective matrix (Jordan block) and repeated eigenvalues', () => {
    // similarity transform of a 4×4 Jordan block J₄(2): eigenvalue 2 with multiplicity 4 (defective,
    // so the computed eigenvalues spread by ~ε^(1/4)); their mean is exactly the trace/4.
    const n = 4;
    const J = Float64Array.from([2, 1, 0, 0, 0, 2, 1, 0, 0, 0, 2, 1, 0, 0, 0, 2]);
    const S = Float64Array.from([1, 2, 0, 1, 0, 1, 3, 0, 1, 0, 1, 2, 0, 1, 0, 1]);
    // A = S·J·S⁻¹ via solving; use S orthogonal-free check: compute S⁻¹ by Gauss–Jordan
    const Sinv = invert(S, n);
    const A = new Float64Array(n * n);
    const tmp = new Float64Array(n * n);
    matmulInto(S, J, n, n, n, tmp);
    matmulInto(tmp, Sinv, n, n, n, A);
    const { T, Z, wr, wi } = realSchur(A, n);
    expect(schurResiduals(A, T, Z, n).factor).toBeLessThan(1e-14);
    for (let i = 0; i < n; i++) {
      expect(Math.hypot(wr[i] - 2, wi[i])).toBeLessThan(1e-3);
    }
    expectClose(wr.reduce((a, b) => a + b, 0) / n, 2, { rtol: 1e-13 });
    // repeated, non-defective: diag(1, 1, 1, −1) in a random orthogonal basis
    const D = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, -1]);
    const B = new Float64Array(n * n);
    matmulInto(S, D, n, n, n, tmp);
    matmulInto(tmp, Sinv, n, n, n, B);
    const e = eigenvalues(B, n);
    expectClose(sortedEigs(e.re, e.im).flat(), [-1, 0, 1, 0, 1, 0, 1, 0], { atol: 1e-12 });
  });

  it('diagonal and zero matrices converge immediately; 1×1 works', () => {
    expect(realSchur(Float64Array.from([-3.5]), 1).wr[0]).toBe(-3.5);
    const z = realSchur(new Float64Array(9), 3);
    expect(Array.from(z.wr)).toEqual([0, 0, 0]);
  });

  it('random matrices up to N = 400: ‖A − ZTZᵀ‖ and ‖ZᵀZ − I‖ at round-off level, standard form', () => {
    for (const n of [3, 17, 100, 400]) {
      const A = randomMatrix(n, 100 + n, 1 / Math.sqrt(n));
      const ws = createSchurWorkspace(n);
      realSchurInto(A, n, ws);
      const { factor, orth } = schurResiduals(A, ws.T, ws.Z, n);
      expect(factor, `n = ${n}`).toBeLessThan(1e-13);
      expect(orth, `n = ${n}`).toBeLessThan(1e-12);
      expectStandardQuasiTriangular(ws.T, n);
      // trace is invariant: Σ λ = trace(A); complex eigenvalues come in conjugate pairs
      let tr = 0;
      for (let i = 0; i < n; i++) tr += A[i * n + i];
      expectClose(ws.wr.reduce((a, b) => a + b, 0), tr, { atol: 1e-11 });
      expectClose(ws.wi.reduce((a, b) => a + b, 0), 0, { atol: 1e-11 });
    }
  });

  it('rejects non-finite input and wrong sizes', () => {
    expect(() => realSchur(Float64Array.from([1, NaN, 0, 1]), 2)).toThrow(/not finite/);
    expect(() => realSchurInto(new Float64Array(4), 2, createSchurWorkspace(3))).toThrow(/workspace/);
  });

  it('published network: max Re λ(W) = 0.149995', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const W = loadReferenceArray('W').data;
    expectClose(spectralAbscissa(W, 200), 0.149995, { rtol: 1e-4 });
  });
});

function invert(A: Float64Array, n: number): Float64Array {
  const M = new Float64Array(n * 2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) M[i * 2 * n + j] = A[i * n + j];
    M[i * 2 * n + n + i] = 1;
  }
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(M[i * 2 * n + c]) > Math.abs(M[p * 2 * n + c])) p = i;
    for (let j = 0; j < 2 * n; j++) [M[c * 2 * n + j], M[p * 2 * n + j]] = [M[p * 2 * n + j], M[c * 2 * n + j]];
    const piv = M[c * 2 * n + c];
    for (let j = 0; j < 2 * n; j++) M[c * 2 * n + j] /= piv;
    for (let i = 0; i < n; i++) {
      if (i === c) continue;
      const f = M[i * 2 * n + c];
      for (let j = 0; j < 2 * n; j++) M[i * 2 * n + j] -= f * M[c * 2 * n + j];
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = M[i * 2 * n + n + j];
  return out;
}
