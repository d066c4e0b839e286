import { describe, expect, it } from 'vitest';
import {
  controllabilityGramian,
  gramians,
  initialConditions,
  initialConditionsWithEnergy,
  observabilityGramian,
} from '../../src-shared/model/gramian.js';
import { symmetricEigen } from '../../src-shared/linalg/symmetricEigen.js';
import { frobeniusNorm, matmulInto } from '../../src-shared/linalg/dense.js';
import { Rng } from '../../src-shared/model/rng.js';
import { expectClose } from '../helpers/expectClose.js';
import { hasReference, loadReferenceArray, referenceSkipReason } from '../helpers/reference.js';

describe('Gramians', () => {
  it('diagonal W: Q = P = diag(1/(1 − w_i)) for A = W − I, C = 2I', () => {
    const w = [0.5, -1, 0.9];
    const n = 3;
    const W = new Float64Array(n * n);
    w.forEach((v, i) => (W[i * n + i] = v));
    const expected = new Float64Array(n * n);
    w.forEach((v, i) => (expected[i * n + i] = 1 / (1 - v)));
    expectClose(observabilityGramian(W, n), expected, { rtol: 1e-15, atol: 1e-16 });
    expectClose(controllabilityGramian(W, n), expected, { rtol: 1e-15, atol: 1e-16 });
  });

  it('feed-forward 2-neuron chain (the SOC motif): closed form with a shift', () => {
    // W = [[0, k], [0, 0]] (neuron 2 drives neuron 1); A = W − I = [[−1, k], [0, −1]].
    // AᵀQ + QA = −2I ⇒ q11 = 1, q12 = k/2, q22 = 1 + k²/2.
    const k = 5;
    const Q = observabilityGramian(Float64Array.from([0, k, 0, 0]), 2);
    expectClose(Q, [1, k / 2, k / 2, 1 + (k * k) / 2], { rtol: 1e-14 });
    // and the most amplifying initial condition puts most weight on the driving neuron 2
    const { values, vectors } = symmetricEigen(Q, 2);
    expect(Math.abs(vectors[1 * 2 + 1])).toBeGreaterThan(Math.abs(vectors[0 * 2 + 1]));
    expect(values[1]).toBeGreaterThan(1 + (k * k) / 2);
  });

  it('gramians() agrees with the single-equation functions and satisfies both equations', () => {
    const n = 20;
    const rng = new Rng(4);
    const W = Float64Array.from({ length: n * n }, () => (0.5 * rng.normal()) / Math.sqrt(n));
    const { Q, P } = gramians(W, n, 1);
    expectClose(Q, observabilityGramian(W, n), { rtol: 1e-15, atol: 0 });
    expectClose(P, controllabilityGramian(W, n), { rtol: 1e-15, atol: 0 });
    const A = W.slice();
    for (let i = 0; i < n; i++) A[i * n + i] -= 1;
    const At = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) At[j * n + i] = A[i * n + j];
    const r = new Float64Array(n * n);
    const t = new Float64Array(n * n);
    matmulInto(At, Q, n, n, n, r);
    matmulInto(Q, A, n, n, n, t);
    for (let i = 0; i < n * n; i++) r[i] += t[i] + (i % (n + 1) === 0 ? 2 : 0);
    expect(frobeniusNorm(r)).toBeLessThan(1e-13);
  });

  it('rejects an unstable W − I', () => {
    expect(() => observabilityGramian(Float64Array.from([1.5, 0, 0, 0]), 2)).toThrow(/not stable/);
    expect(() => observabilityGramian(new Float64Array(3), 2)).toThrow(/entries/);
  });

  it('initial conditions: norm 1.5√N, positive mean over E, orthogonal, descending energy', () => {
    const n = 30;
    const rng = new Rng(8);
    const W = Float64Array.from({ length: n * n }, () => (0.8 * rng.normal()) / Math.sqrt(n));
    const { x0, eigenvalues } = initialConditionsWithEnergy(W, n, 3, 15);
    for (let k = 0; k < 3; k++) {
      let norm2 = 0;
      let meanE = 0;
      for (let i = 0; i < n; i++) {
        norm2 += x0[k * n + i] ** 2;
        if (i < 15) meanE += x0[k * n + i];
      }
      expectClose(Math.sqrt(norm2), 1.5 * Math.sqrt(n), { rtol: 1e-14 });
      expect(meanE).toBeGreaterThan(0);
      if (k > 0) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += x0[k * n + i] * x0[(k - 1) * n + i];
        expect(Math.abs(dot)).toBeLessThan(1e-10);
        expect(eigenvalues[k]).toBeLessThanOrEqual(eigenvalues[k - 1]);
      }
    }
    // x0ᵀ·Q·x0 / ‖x0‖² is the Rayleigh quotient = the eigenvalue (independent of the eigen-solver)
    const Q = observabilityGramian(W, n);
    let quad = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) quad += x0[i] * Q[i * n + j] * x0[j];
    expectClose(quad / (2.25 * n), eigenvalues[0], { rtol: 1e-12 });
    expect(() => initialConditions(W, n, 0, 15)).toThrow(/m must be/);
  });

  it('published network: x0 is the leading observability eigenvector (|cos| > 0.999999), reproduced to 1e-10', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const W = loadReferenceArray('W').data;
    const x0Published = loadReferenceArray('x0').data;
    const n = 200;
    // independent check: power iteration on Q (no eigen-solver involved)
    const Q = observabilityGramian(W, n);
    let v = new Float64Array(n).fill(1);
    const next = new Float64Array(n);
    for (let it = 0; it < 2000; it++) {
      let norm = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += Q[i * n + j] * v[j];
        next[i] = s;
        norm += s * s;
      }
      norm = Math.sqrt(norm);
      for (let i = 0; i < n; i++) next[i] /= norm;
      v = next.slice();
    }
    let dot = 0;
    let normX = 0;
    for (let i = 0; i < n; i++) {
      dot += v[i] * x0Published[i];
      normX += x0Published[i] ** 2;
    }
    normX = Math.sqrt(normX);
    expect(Math.abs(dot) / normX).toBeGreaterThan(0.999999);
    expectClose(normX, 1.5 * Math.sqrt(n), { rtol: 1e-10 });

    const x0 = initialConditions(W, n, 1, 100);
    expectClose(x0, x0Published, { atol: 1e-10 });
  });
});
