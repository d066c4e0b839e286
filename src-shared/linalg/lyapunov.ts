/**
 * Bartels–Stewart solution of the two continuous Lyapunov equations of a stable matrix A,
 *   observability:    Aᵀ·Q + Q·A = −C
 *   controllability:  A·P + P·Aᵀ = −C
 * from ONE real Schur form A + shift·I = Z·T·Zᵀ (the shift lets the SOC builder reuse the Schur
 * form of W for A = W − s·I: the Schur vectors do not change, T's diagonal moves by −s).
 *
 * With Ĉ = Zᵀ·C·Z (just c·I when C = c·I), Q = Z·Y·Zᵀ and P = Z·X·Zᵀ where
 *   Tₛᵀ·Y + Y·Tₛ = −Ĉ     and     Tₛ·X + X·Tₛᵀ = −Ĉ,     Tₛ = T − shift·I.
 * The second is the first for the "flipped" matrix S = J·Tₛᵀ·J (J reverses the index order), which
 * is again upper quasi-triangular: Sᵀ·(J·X·J) + (J·X·J)·S = −J·Ĉ·J. Both are solved column block by
 * column block with forward substitution over the 1×1/2×2 diagonal blocks (LAPACK dtrsyl's
 * scheme); 2×2 and 4×4 block systems are solved by Gaussian elimination with complete pivoting.
 */

import { checkInterrupt } from './interrupt.js';
import type { SchurWorkspace } from './schur.js';
import { matmulTransBInto } from './dense.js';

export interface LyapunovWorkspace {
  readonly n: number;
  /** Scratch: the quasi-triangular matrix of the current solve (Tₛ, then its flip). */
  readonly S: Float64Array;
  /** Scratch: the solution with column j stored as row j (Yᵀ). */
  readonly Yc: Float64Array;
  /** Scratch: Ĉ and the intermediate product Z·Y. */
  readonly C: Float64Array;
  readonly M: Float64Array;
}

export function createLyapunovWorkspace(n: number): LyapunovWorkspace {
  return {
    n,
    S: new Float64Array(n * n),
    Yc: new Float64Array(n * n),
    C: new Float64Array(n * n),
    M: new Float64Array(n * n),
  };
}

const small = new Float64Array(16);
const smallRhs = new Float64Array(4);
const smallPerm = new Int32Array(4);

/** Solve the k×k system small·x = smallRhs in place (complete pivoting); result in smallRhs. */
function solveSmall(k: number): void {
  const colPerm = smallPerm;
  for (let i = 0; i < k; i++) colPerm[i] = i;
  for (let c = 0; c < k; c++) {
    // complete pivot in the trailing block
    let best = -1;
    let pr = c;
    let pc = c;
    for (let i = c; i < k; i++) {
      for (let j = c; j < k; j++) {
        const a = Math.abs(small[i * 4 + j]);
        if (a > best) {
          best = a;
          pr = i;
          pc = j;
        }
      }
    }
    if (best === 0) throw new Error('Lyapunov: singular block system (A has eigenvalues λi + λj = 0; is A stable?)');
    if (pr !== c) {
      for (let j = 0; j < k; j++) {
        const t = small[c * 4 + j];
        small[c * 4 + j] = small[pr * 4 + j];
        small[pr * 4 + j] = t;
      }
      const t = smallRhs[c];
      smallRhs[c] = smallRhs[pr];
      smallRhs[pr] = t;
    }
    if (pc !== c) {
      for (let i = 0; i < k; i++) {
        const t = small[i * 4 + c];
        small[i * 4 + c] = small[i * 4 + pc];
        small[i * 4 + pc] = t;
      }
      const t = colPerm[c];
      colPerm[c] = colPerm[pc];
      colPerm[pc] = t;
    }
    const piv = small[c * 4 + c];
    for (let i = c + 1; i < k; i++) {
      const f = small[i * 4 + c] / piv;
      if (f === 0) continue;
      for (let j = c + 1; j < k; j++) small[i * 4 + j] -= f * small[c * 4 + j];
      smallRhs[i] -= f * smallRhs[c];
    }
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = smallRhs[i];
    for (let j = i + 1; j < k; j++) s -= small[i * 4 + j] * smallRhs[j];
    smallRhs[i] = s / small[i * 4 + i];
  }
  // undo the column permutation: solution component colPerm[i] = smallRhs[i]
  const y0 = smallRhs[0];
  const y1 = smallRhs[1];
  const y2 = smallRhs[2];
  const y3 = smallRhs[3];
  smallRhs[colPerm[0]] = y0;
  smallRhs[colPerm[1]] = y1;
  if (k > 2) {
    smallRhs[colPerm[2]] = y2;
    smallRhs[colPerm[3]] = y3;
  }
}

/**
 * Solve Sᵀ·Y + Y·S = F for upper quasi-triangular S (n×n, 2×2 blocks flagged by a non-zero
 * subdiagonal). On entry Yc holds Fᵀ (column j of F as row j); on exit Yc holds Yᵀ.
 */
function solveQuasiTriangularLyapunov(S: Float64Array, n: number, Yc: Float64Array, symmetric: boolean): void {
  let j = 0;
  while (j < n) {
    checkInterrupt();
    const twoCols = j + 1 < n && S[(j + 1) * n + j] !== 0;
    const rj = j * n;
    // With symmetric F the solution is symmetric, so the rows of column block J above J are the
    // already-computed Y[J, :before J]; only rows from J on are unknown (a third of the work).
    const start = symmetric ? j : 0;
    // right-hand side: F[:, J] − Σ_{k before J} Y[:, k]·S[k, J]
    for (let k = 0; k < j; k++) {
      const skj = S[k * n + j];
      const rk = k * n;
      if (skj !== 0) for (let i = start; i < n; i++) Yc[rj + i] -= skj * Yc[rk + i];
    }
    if (symmetric) {
      for (let l = 0; l < j; l++) {
        const y = Yc[l * n + j];
        Yc[rj + l] = y;
        const rl = l * n;
        if (y !== 0) for (let k = j; k < n; k++) Yc[rj + k] -= S[rl + k] * y;
      }
    }
    if (twoCols) {
      const rj1 = rj + n;
      for (let k = 0; k < j; k++) {
        const skj1 = S[k * n + j + 1];
        const rk = k * n;
        if (skj1 !== 0) for (let i = start; i < n; i++) Yc[rj1 + i] -= skj1 * Yc[rk + i];
      }
      if (symmetric) {
        for (let l = 0; l < j; l++) {
          const y = Yc[l * n + j + 1];
          Yc[rj1 + l] = y;
          const rl = l * n;
          if (y !== 0) for (let k = j; k < n; k++) Yc[rj1 + k] -= S[rl + k] * y;
        }
      }
      const s00 = S[j * n + j];
      const s01 = S[j * n + j + 1];
      const s10 = S[(j + 1) * n + j];
      const s11 = S[(j + 1) * n + j + 1];
      let i = start;
      while (i < n) {
        const twoRows = i + 1 < n && S[(i + 1) * n + i] !== 0;
        const ri = i * n;
        if (!twoRows) {
          const t = S[ri + i];
          small[0] = t + s00;
          small[1] = s10;
          small[4] = s01;
          small[5] = t + s11;
          smallRhs[0] = Yc[rj + i];
          smallRhs[1] = Yc[rj1 + i];
          solveSmall(2);
          const y0 = smallRhs[0];
          const y1 = smallRhs[1];
          Yc[rj + i] = y0;
          Yc[rj1 + i] = y1;
          for (let k = i + 1; k < n; k++) {
            const sik = S[ri + k];
            Yc[rj + k] -= sik * y0;
            Yc[rj1 + k] -= sik * y1;
          }
          i += 1;
        } else {
          const ri1 = ri + n;
          const u00 = S[ri + i];
          const u01 = S[ri1 + i];
          const u10 = S[ri + i + 1];
          const u11 = S[ri1 + i + 1];
          // unknowns [y00, y01, y10, y11] = Y[i, j], Y[i, j+1], Y[i+1, j], Y[i+1, j+1]
          small[0] = u00 + s00; small[1] = s10; small[2] = u01; small[3] = 0;
          small[4] = s01; small[5] = u00 + s11; small[6] = 0; small[7] = u01;
          small[8] = u10; small[9] = 0; small[10] = u11 + s00; small[11] = s10;
          small[12] = 0; small[13] = u10; small[14] = s01; small[15] = u11 + s11;
          smallRhs[0] = Yc[rj + i];
          smallRhs[1] = Yc[rj1 + i];
          smallRhs[2] = Yc[rj + i + 1];
          smallRhs[3] = Yc[rj1 + i + 1];
          solveSmall(4);
          const y00 = smallRhs[0];
          const y01 = smallRhs[1];
          const y10 = smallRhs[2];
          const y11 = smallRhs[3];
          Yc[rj + i] = y00;
          Yc[rj1 + i] = y01;
          Yc[rj + i + 1] = y10;
          Yc[rj1 + i + 1] = y11;
          for (let k = i + 2; k < n; k++) {
            const a = S[ri + k];
            const b = S[ri1 + k];
            Yc[rj + k] -= a * y00 + b * y10;
            Yc[rj1 + k] -= a * y01 + b * y11;
          }
          i += 2;
        }
      }
      j += 2;
    } else {
      const lambda = S[rj + j];
      let i = start;
      while (i < n) {
        const twoRows = i + 1 < n && S[(i + 1) * n + i] !== 0;
        const ri = i * n;
        if (!twoRows) {
          const d = S[ri + i] + lambda;
          if (d === 0) throw new Error('Lyapunov: singular system (A has eigenvalues λi + λj = 0; is A stable?)');
          const y = Yc[rj + i] / d;
          Yc[rj + i] = y;
          if (y !== 0) for (let k = i + 1; k < n; k++) Yc[rj + k] -= S[ri + k] * y;
          i += 1;
        } else {
          const ri1 = ri + n;
          // [T_ii+λ, T_{i+1,i}; T_{i,i+1}, T_{i+1,i+1}+λ]·[y_i; y_{i+1}] = r
          const a = S[ri + i] + lambda;
          const b = S[ri1 + i];
          const c = S[ri + i + 1];
          const d = S[ri1 + i + 1] + lambda;
          const r0 = Yc[rj + i];
          const r1 = Yc[rj + i + 1];
          let y0: number;
          let y1: number;
          // 2×2 solve with partial pivoting
          if (Math.abs(a) >= Math.abs(c)) {
            const f = c / a;
            const dd = d - f * b;
            y1 = (r1 - f * r0) / dd;
            y0 = (r0 - b * y1) / a;
          } else {
            const f = a / c;
            const bb = b - f * d;
            y1 = (r0 - f * r1) / bb;
            y0 = (r1 - d * y1) / c;
          }
          if (!Number.isFinite(y0) || !Number.isFinite(y1)) {
            throw new Error('Lyapunov: singular system (A has eigenvalues λi + λj = 0; is A stable?)');
          }
          Yc[rj + i] = y0;
          Yc[rj + i + 1] = y1;
          for (let k = i + 2; k < n; k++) Yc[rj + k] -= S[ri + k] * y0 + S[ri1 + k] * y1;
          i += 2;
        }
      }
      j += 1;
    }
  }
}

/** out = Z·Yᵀc·Zᵀ where Yc holds Yᵀ; when `symmetric`, computes the upper triangle and mirrors it. */
function backTransform(Z: Float64Array, Yc: Float64Array, n: number, M: Float64Array, out: Float64Array, symmetric: boolean): void {
  // M = Z·Y: M[i, k] = Σ_l Z[i, l]·Y[l, k] = Σ_l Z[i, l]·Yc[k, l] (row dot row)
  dotRows(Z, Yc, n, M, false);
  // out = M·Zᵀ: out[i, j] = Σ_k M[i, k]·Z[j, k]
  dotRows(M, Z, n, out, symmetric);
}

/** out[i, j] = Σ_k A[i, k]·B[j, k]; `upperOnly` computes j ≥ i and mirrors (result symmetric). */
function dotRows(A: Float64Array, B: Float64Array, n: number, out: Float64Array, upperOnly: boolean): void {
  matmulTransBInto(A, B, n, n, n, out, upperOnly);
}

function isSymmetric(C: ArrayLike<number>, n: number): boolean {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (C[i * n + j] !== C[j * n + i]) return false;
  return true;
}

/** Ĉᵀ into Yc·(−1): Yc[j, i] = −(Zᵀ·C·Z)[i, j]. */
function loadRhs(schur: SchurWorkspace, C: number | ArrayLike<number>, n: number, ws: LyapunovWorkspace, flipped: boolean): void {
  const Yc = ws.Yc;
  if (typeof C === 'number') {
    Yc.fill(0, 0, n * n);
    for (let i = 0; i < n; i++) Yc[i * n + i] = -C;
    return;
  }
  // Ĉ = Zᵀ·C·Z = Zt·C·Ztᵀ; M = Zt·C (i-k-j), then Ĉ[i, j] = Σ_k M[i, k]·Zt[j, k]
  const Zt = schur.Zt;
  const M = ws.M;
  M.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < n; k++) {
      const z = Zt[ri + k];
      if (z === 0) continue;
      const rk = k * n;
      for (let j = 0; j < n; j++) M[ri + j] += z * C[rk + j];
    }
  }
  dotRows(M, Zt, n, ws.C, false);
  const Ch = ws.C;
  // Yc = −Ĉᵀ (or its flip J·Ĉ·J, transposed)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = flipped ? Ch[(n - 1 - i) * n + (n - 1 - j)] : Ch[i * n + j];
      Yc[j * n + i] = -v;
    }
  }
}

export interface LyapunovPairOptions {
  /** A = (Schur-factored matrix) − shift·I. Default 0. */
  shift?: number;
  /** Right-hand side C: a number c means c·I (the default, 2, gives the equations of model-spec §3–4). */
  C?: number | ArrayLike<number>;
  /** Which Gramians to compute; both by default. */
  observability?: boolean;
  controllability?: boolean;
}

/**
 * Solve Aᵀ·Q + Q·A = −C into Qout and A·P + P·Aᵀ = −C into Pout, with A = Z·T·Zᵀ − shift·I from
 * `schur` (realSchurInto of the unshifted matrix). A must be stable (all Re λ < 0).
 * For symmetric C the results are exactly symmetric. Pass null for a Gramian you do not need.
 */
export function solveLyapunovPairInto(
  schur: SchurWorkspace,
  Qout: Float64Array | null,
  Pout: Float64Array | null,
  ws: LyapunovWorkspace,
  { shift = 0, C = 2 }: Omit<LyapunovPairOptions, 'observability' | 'controllability'> = {},
): void {
  const n = schur.n;
  if (ws.n !== n) throw new RangeError(`Lyapunov workspace is for n = ${ws.n}, Schur form has n = ${n}`);
  if (typeof C !== 'number' && C.length < n * n) throw new RangeError(`Lyapunov: C needs ${n * n} entries`);
  if (typeof C === 'number' && !Number.isFinite(C)) throw new RangeError(`Lyapunov: C must be finite, got ${C}`);
  const symmetric = typeof C === 'number' || isSymmetric(C, n);
  const T = schur.T;
  const S = ws.S;

  if (Qout) {
    for (let i = 0; i < n * n; i++) S[i] = T[i];
    for (let i = 0; i < n; i++) S[i * n + i] -= shift;
    loadRhs(schur, C, n, ws, false);
    solveQuasiTriangularLyapunov(S, n, ws.Yc, symmetric);
    backTransform(schur.Z, ws.Yc, n, ws.M, Qout, symmetric);
  }
  if (Pout) {
    // S = J·Tₛᵀ·J: S[i, j] = Tₛ[n−1−j, n−1−i]
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) S[i * n + j] = T[(n - 1 - j) * n + (n - 1 - i)];
      S[i * n + i] -= shift;
    }
    loadRhs(schur, C, n, ws, true);
    solveQuasiTriangularLyapunov(S, n, ws.Yc, symmetric);
    // X = J·Y'·J; Yc holds Y'ᵀ, so Xᵀ[a, b] = Yc[n−1−a, n−1−b]: reverse Yc in place (both indices)
    const Yc = ws.Yc;
    for (let i = 0, j = n * n - 1; i < j; i++, j--) {
      const t = Yc[i];
      Yc[i] = Yc[j];
      Yc[j] = t;
    }
    backTransform(schur.Z, Yc, n, ws.M, Pout, symmetric);
  }
}

/**
 * The two Lyapunov solutions in Schur coordinates, for C = c·I: Y = Zᵀ·Q·Z and X = Zᵀ·P·Z
 * (row-major, symmetrised), so that Q = Z·Y·Zᵀ and P = Z·X·Zᵀ. Products of the Gramians can then
 * be formed without ever building Q and P (the SOC gradient Q·P = Z·Y·X·Zᵀ).
 */
export function solveLyapunovPairSchurCoordinatesInto(
  schur: SchurWorkspace,
  Yout: Float64Array,
  Xout: Float64Array,
  ws: LyapunovWorkspace,
  shift = 0,
  c = 2,
): void {
  const n = schur.n;
  if (ws.n !== n) throw new RangeError(`Lyapunov workspace is for n = ${ws.n}, Schur form has n = ${n}`);
  const T = schur.T;
  const S = ws.S;
  for (let i = 0; i < n * n; i++) S[i] = T[i];
  for (let i = 0; i < n; i++) S[i * n + i] -= shift;
  loadRhs(schur, c, n, ws, false);
  solveQuasiTriangularLyapunov(S, n, ws.Yc, true);
  symmetrisedInto(ws.Yc, n, Yout, false);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) S[i * n + j] = T[(n - 1 - j) * n + (n - 1 - i)];
    S[i * n + i] -= shift;
  }
  loadRhs(schur, c, n, ws, true);
  solveQuasiTriangularLyapunov(S, n, ws.Yc, true);
  symmetrisedInto(ws.Yc, n, Xout, true);
}

/** out = (Yc + Ycᵀ)/2, or of its index-reversed version J·Yc·J when `flip`. */
function symmetrisedInto(Yc: Float64Array, n: number, out: Float64Array, flip: boolean): void {
  const last = n * n - 1;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let a = Yc[i * n + j];
      let b = Yc[j * n + i];
      if (flip) {
        a = Yc[last - (i * n + j)];
        b = Yc[last - (j * n + i)];
      }
      const v = 0.5 * (a + b);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
}
