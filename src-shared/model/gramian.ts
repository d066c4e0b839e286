/**
 * Gramians of the linearised network dynamics and the initial conditions derived from them
 * (model-spec §3). With A = W − shift·I (shift = 1: the linearisation of τ·dx/dt = −x + W·x):
 *   observability Gramian   Q:  Aᵀ·Q + Q·A = −2I
 *   controllability Gramian P:  A·P + P·Aᵀ = −2I
 * Both come from one real Schur form of W (Bartels–Stewart, linalg/lyapunov.ts).
 */

import { createSchurWorkspace, maxReal, realSchurInto } from '../linalg/schur.js';
import { createLyapunovWorkspace, solveLyapunovPairInto } from '../linalg/lyapunov.js';
import { symmetricEigen } from '../linalg/symmetricEigen.js';

function checkInputs(W: ArrayLike<number>, n: number, shift: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Gramian: n must be a positive integer, got ${n}`);
  if (W.length !== n * n) throw new RangeError(`Gramian: W must have n·n = ${n * n} entries, got ${W.length}`);
  if (!Number.isFinite(shift)) throw new RangeError(`Gramian: shift must be finite, got ${shift}`);
}

/** Both Gramians of A = W − shift·I from one Schur form. Throws if A is not stable. */
export function gramians(W: ArrayLike<number>, n: number, shift = 1): { Q: Float64Array; P: Float64Array } {
  checkInputs(W, n, shift);
  const schur = realSchurInto(W, n, createSchurWorkspace(n));
  const alpha = maxReal(schur.wr, n);
  if (!(alpha < shift)) {
    throw new RangeError(`Gramian: W − ${shift}·I is not stable (max Re λ(W) = ${alpha} ≥ ${shift}); no Gramian exists`);
  }
  const Q = new Float64Array(n * n);
  const P = new Float64Array(n * n);
  solveLyapunovPairInto(schur, Q, P, createLyapunovWorkspace(n), { shift, C: 2 });
  return { Q, P };
}

/** Observability Gramian Q of A = W − shift·I: Aᵀ·Q + Q·A = −2I (n×n, symmetric). */
export function observabilityGramian(W: ArrayLike<number>, n: number, shift = 1): Float64Array {
  checkInputs(W, n, shift);
  const schur = realSchurInto(W, n, createSchurWorkspace(n));
  const alpha = maxReal(schur.wr, n);
  if (!(alpha < shift)) {
    throw new RangeError(`Gramian: W − ${shift}·I is not stable (max Re λ(W) = ${alpha} ≥ ${shift}); no Gramian exists`);
  }
  const Q = new Float64Array(n * n);
  solveLyapunovPairInto(schur, Q, null, createLyapunovWorkspace(n), { shift, C: 2 });
  return Q;
}

/** Controllability Gramian P of A = W − shift·I: A·P + P·Aᵀ = −2I (n×n, symmetric). */
export function controllabilityGramian(W: ArrayLike<number>, n: number, shift = 1): Float64Array {
  checkInputs(W, n, shift);
  const schur = realSchurInto(W, n, createSchurWorkspace(n));
  const alpha = maxReal(schur.wr, n);
  if (!(alpha < shift)) {
    throw new RangeError(`Gramian: W − ${shift}·I is not stable (max Re λ(W) = ${alpha} ≥ ${shift}); no Gramian exists`);
  }
  const P = new Float64Array(n * n);
  solveLyapunovPairInto(schur, null, P, createLyapunovWorkspace(n), { shift, C: 2 });
  return P;
}

export interface InitialConditionsResult {
  /** m initial conditions, row k = x0 number k (m×n, row-major), ‖x0‖ = 1.5·√n each. */
  x0: Float64Array;
  /** The m leading eigenvalues of Q (descending), i.e. the "energy" each x0 evokes per unit norm². */
  eigenvalues: Float64Array;
}

/**
 * The m most amplifying initial conditions: the top-m eigenvectors of the observability Gramian of
 * W − I, each scaled to ‖x0‖ = 1.5·√n with the sign that makes its mean over the nE excitatory
 * neurons positive (model-spec §3; m = 1 reproduces the published x0).
 * Signature as in docs/ARCHITECTURE.md: (W, n, m, nE).
 */
export function initialConditions(W: ArrayLike<number>, n: number, m = 1, nE = n / 2): Float64Array {
  return initialConditionsWithEnergy(W, n, m, nE).x0;
}

export function initialConditionsWithEnergy(W: ArrayLike<number>, n: number, m = 1, nE = n / 2): InitialConditionsResult {
  if (!Number.isInteger(m) || m < 1 || m > n) throw new RangeError(`initialConditions: m must be an integer in [1, ${n}], got ${m}`);
  if (!Number.isInteger(nE) || nE < 1 || nE > n) throw new RangeError(`initialConditions: nE must be an integer in [1, ${n}], got ${nE}`);
  const Q = observabilityGramian(W, n, 1);
  const { values, vectors } = symmetricEigen(Q, n);
  const x0 = new Float64Array(m * n);
  const eigenvalues = new Float64Array(m);
  const targetNorm = 1.5 * Math.sqrt(n);
  for (let k = 0; k < m; k++) {
    const col = n - 1 - k; // eigenvalues ascending: the largest are last
    eigenvalues[k] = values[col];
    let norm2 = 0;
    let meanE = 0;
    for (let i = 0; i < n; i++) {
      const v = vectors[i * n + col];
      norm2 += v * v;
      if (i < nE) meanE += v;
    }
    const scale = (meanE < 0 ? -targetNorm : targetNorm) / Math.sqrt(norm2);
    for (let i = 0; i < n; i++) x0[k * n + i] = scale * vectors[i * n + col];
  }
  return { x0, eigenvalues };
}
