/**
 * Real Schur decomposition A = Z·T·Zᵀ of a general real square matrix, on flat row-major arrays.
 *
 * 1. Householder reduction to upper Hessenberg form H = Qᵀ·A·Q (Q accumulated backwards, as LAPACK
 *    dorghr does, which costs 4n³/3 instead of 2n³).
 * 2. Francis implicit double-shift QR on H (the EISPACK hqr2 / JAMA iteration, with Wilkinson's and
 *    MATLAB's exceptional shifts), applying every reflector to the full matrix so that the result is
 *    the complete Schur form, and accumulating the transformations.
 * 3. Each converged 2×2 block is put in LAPACK's standard form (dlanv2): a real pair becomes upper
 *    triangular, a complex pair becomes [[a, b], [c, a]] with b·c < 0 (eigenvalues a ± i·√(−bc)).
 *
 * The accumulated transformation is kept transposed (Zt = Zᵀ) while iterating: applying a reflector
 * to columns k..k+2 of Z touches three contiguous rows of Zt, which streams instead of striding.
 */
import { checkInterrupt } from './interrupt.js';

const EPS = 2 ** -52;

export interface SchurWorkspace {
  readonly n: number;
  /** Quasi-upper-triangular Schur factor (n×n, row-major); entries below the subdiagonal are 0. */
  readonly T: Float64Array;
  /** Orthogonal Schur vectors (n×n, row-major): A = Z·T·Zᵀ. */
  readonly Z: Float64Array;
  /** Zᵀ (row k of Zt = Schur vector k), kept because many consumers want contiguous vectors. */
  readonly Zt: Float64Array;
  /** Eigenvalues in Schur order: wr[i] + i·wi[i]; complex pairs are adjacent, positive imaginary part first. */
  readonly wr: Float64Array;
  readonly wi: Float64Array;
  /** Scratch for the Householder reduction (tau: n, work: 2n). */
  readonly tau: Float64Array;
  readonly work: Float64Array;
  /** QR sweeps used by the last decomposition (for diagnostics). */
  sweeps: number;
}

export function createSchurWorkspace(n: number): SchurWorkspace {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Schur workspace: n must be a positive integer, got ${n}`);
  return {
    n,
    T: new Float64Array(n * n),
    Z: new Float64Array(n * n),
    Zt: new Float64Array(n * n),
    wr: new Float64Array(n),
    wi: new Float64Array(n),
    tau: new Float64Array(n),
    work: new Float64Array(2 * n),
    sweeps: 0,
  };
}

/**
 * M[k+1.., k+1..] ← (I − τ·v·vᵀ)·M[k+1.., k+1..] with v = work[n + k+1 .. n + n−1] (v[k+1] = 1);
 * work[0..n) is scratch for w = τ·vᵀ·M. Two rows per pass so each load of w feeds two updates.
 */
function applyReflectorLeft(M: Float64Array, n: number, k: number, t: number, work: Float64Array): void {
  const j0 = k + 1;
  for (let j = j0; j < n; j++) work[j] = 0;
  let i = j0;
  for (; i + 1 < n; i += 2) {
    const a = work[n + i];
    const b = work[n + i + 1];
    const r0 = i * n;
    const r1 = r0 + n;
    for (let j = j0; j < n; j++) work[j] += a * M[r0 + j] + b * M[r1 + j];
  }
  if (i < n) {
    const a = work[n + i];
    const r0 = i * n;
    for (let j = j0; j < n; j++) work[j] += a * M[r0 + j];
  }
  for (let j = j0; j < n; j++) work[j] *= t;
  i = j0;
  for (; i + 1 < n; i += 2) {
    const a = work[n + i];
    const b = work[n + i + 1];
    const r0 = i * n;
    const r1 = r0 + n;
    for (let j = j0; j < n; j++) {
      const w = work[j];
      M[r0 + j] -= a * w;
      M[r1 + j] -= b * w;
    }
  }
  if (i < n) {
    const a = work[n + i];
    const r0 = i * n;
    for (let j = j0; j < n; j++) M[r0 + j] -= a * work[j];
  }
}

/** M[:, k+1..] ← M[:, k+1..]·(I − τ·v·vᵀ), v as in applyReflectorLeft; two rows per pass. */
function applyReflectorRight(M: Float64Array, n: number, k: number, t: number, work: Float64Array): void {
  const j0 = k + 1;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r0 = i * n;
    const r1 = r0 + n;
    let d0 = 0;
    let d1 = 0;
    for (let j = j0; j < n; j++) {
      const v = work[n + j];
      d0 += M[r0 + j] * v;
      d1 += M[r1 + j] * v;
    }
    d0 *= t;
    d1 *= t;
    for (let j = j0; j < n; j++) {
      const v = work[n + j];
      M[r0 + j] -= d0 * v;
      M[r1 + j] -= d1 * v;
    }
  }
  if (i < n) {
    const r0 = i * n;
    let d0 = 0;
    for (let j = j0; j < n; j++) d0 += M[r0 + j] * work[n + j];
    d0 *= t;
    for (let j = j0; j < n; j++) M[r0 + j] -= d0 * work[n + j];
  }
}

/**
 * Reduce H (n×n, in place) to upper Hessenberg form Qᵀ·H·Q and write Qᵀ into Qt.
 * `tau` (length n) and `work` (length 2n) are scratch arrays.
 */
export function hessenbergReduce(H: Float64Array, n: number, Qt: Float64Array, tau: Float64Array, work: Float64Array): void {
  for (let k = 0; k < n - 2; k++) {
    checkInterrupt();
    // Householder vector for x = H[k+1..n-1, k] (LAPACK dlarfg): P = I − τ·v·vᵀ, v[0] = 1.
    const alpha = H[(k + 1) * n + k];
    let xnormSq = 0;
    for (let i = k + 2; i < n; i++) {
      const v = H[i * n + k];
      xnormSq += v * v;
    }
    if (xnormSq === 0) {
      tau[k] = 0;
      continue;
    }
    const beta = -Math.sign(alpha || 1) * Math.hypot(alpha, Math.sqrt(xnormSq));
    const t = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = k + 2; i < n; i++) H[i * n + k] *= scale; // v stored below the subdiagonal
    H[(k + 1) * n + k] = beta;
    tau[k] = t;

    // v (with v[k+1] = 1) copied to the contiguous buffer work[n..2n) for the inner loops
    work[n + k + 1] = 1;
    for (let j = k + 2; j < n; j++) work[n + j] = H[j * n + k];
    applyReflectorLeft(H, n, k, t, work);
    applyReflectorRight(H, n, k, t, work);
  }
  if (n < 3) {
    for (let k = 0; k < n; k++) tau[k] = 0;
  }

  // Backward accumulation of Q = P_0·P_1·…·P_{n-3}: step k only touches the trailing block
  // rows/cols k+1.., so the total cost is 4n³/3. We build Q in Qt's storage and transpose after.
  const Q = Qt;
  Q.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let k = n - 3; k >= 0; k--) {
    const t = tau[k];
    if (t === 0) continue;
    work[n + k + 1] = 1;
    for (let j = k + 2; j < n; j++) work[n + j] = H[j * n + k];
    applyReflectorLeft(Q, n, k, t, work);
  }
  // Q → Qᵀ in place, and clear the stored Householder vectors from H.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = Q[i * n + j];
      Q[i * n + j] = Q[j * n + i];
      Q[j * n + i] = a;
    }
  }
  for (let i = 2; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < i - 1; j++) H[row + j] = 0;
  }
}

/** Result of the standardisation of one 2×2 block (LAPACK dlanv2). */
const lanv2Out = new Float64Array(10);

/**
 * LAPACK dlanv2: Schur factorisation of a real 2×2 nonsymmetric matrix in standardised form,
 *   [a b; c d] = [cs −sn; sn cs]·[aa bb; cc dd]·[cs sn; −sn cs].
 * Writes [aa, bb, cc, dd, rt1r, rt1i, rt2r, rt2i, cs, sn] into `lanv2Out`.
 */
function lanv2(a: number, b: number, c: number, d: number): void {
  let cs = 1;
  let sn = 0;
  if (c === 0) {
    // already upper triangular
  } else if (b === 0) {
    // swap rows and columns
    cs = 0;
    sn = 1;
    const temp = d;
    d = a;
    a = temp;
    b = -c;
    c = 0;
  } else if (a - d === 0 && Math.sign(b) !== Math.sign(c)) {
    // already standard complex block
  } else {
    const temp = a - d;
    let p = 0.5 * temp;
    const bcmax = Math.max(Math.abs(b), Math.abs(c));
    const bcmis = Math.min(Math.abs(b), Math.abs(c)) * Math.sign(b) * Math.sign(c);
    let scale = Math.max(Math.abs(p), bcmax);
    let z = (p / scale) * p + (bcmax / scale) * bcmis;
    if (z >= 4 * EPS) {
      // real eigenvalues
      z = p + (p >= 0 ? 1 : -1) * Math.sqrt(scale) * Math.sqrt(z);
      a = d + z;
      d = d - (bcmax / z) * bcmis;
      const tau = Math.hypot(c, z);
      cs = z / tau;
      sn = c / tau;
      b = b - c;
      c = 0;
    } else {
      // complex or nearly equal real eigenvalues: make the diagonal equal
      const sigma = b + c;
      scale = Math.max(Math.abs(temp), Math.abs(sigma));
      p = 0.5 * temp;
      const tau = Math.hypot(sigma, temp);
      cs = Math.sqrt(0.5 * (1 + Math.abs(sigma) / tau));
      sn = -(p / (tau * cs)) * (sigma >= 0 ? 1 : -1);
      const aa = a * cs + b * sn;
      const bb = -a * sn + b * cs;
      const cc = c * cs + d * sn;
      const dd = -c * sn + d * cs;
      a = aa * cs + cc * sn;
      b = bb * cs + dd * sn;
      c = -aa * sn + cc * cs;
      d = -bb * sn + dd * cs;
      const mid = 0.5 * (a + d);
      a = mid;
      d = mid;
      if (c !== 0) {
        if (b !== 0) {
          if (Math.sign(b) === Math.sign(c)) {
            // real eigenvalues after all: reduce to upper triangular
            const sab = Math.sqrt(Math.abs(b));
            const sac = Math.sqrt(Math.abs(c));
            p = c >= 0 ? sab * sac : -sab * sac;
            const tau2 = 1 / Math.sqrt(Math.abs(b + c));
            a = mid + p;
            d = mid - p;
            b = b - c;
            c = 0;
            const cs1 = sab * tau2;
            const sn1 = sac * tau2;
            const t = cs * cs1 - sn * sn1;
            sn = cs * sn1 + sn * cs1;
            cs = t;
          }
        } else {
          b = -c;
          c = 0;
          const t = cs;
          cs = -sn;
          sn = t;
        }
      }
    }
  }
  lanv2Out[0] = a;
  lanv2Out[1] = b;
  lanv2Out[2] = c;
  lanv2Out[3] = d;
  lanv2Out[4] = a;
  lanv2Out[6] = d;
  if (c === 0) {
    lanv2Out[5] = 0;
    lanv2Out[7] = 0;
  } else {
    const im = Math.sqrt(Math.abs(b)) * Math.sqrt(Math.abs(c));
    lanv2Out[5] = im;
    lanv2Out[7] = -im;
  }
  lanv2Out[8] = cs;
  lanv2Out[9] = sn;
}

/**
 * Standardise the 2×2 block at rows/cols (i, i+1) of T and apply the rotation to the rest of T
 * and to Zt. Writes the two eigenvalues into wr/wi.
 */
function standardiseBlock(T: Float64Array, Zt: Float64Array, n: number, i: number, wr: Float64Array, wi: Float64Array): void {
  const r0 = i * n;
  const r1 = (i + 1) * n;
  lanv2(T[r0 + i], T[r0 + i + 1], T[r1 + i], T[r1 + i + 1]);
  const cs = lanv2Out[8];
  const sn = lanv2Out[9];
  T[r0 + i] = lanv2Out[0];
  T[r0 + i + 1] = lanv2Out[1];
  T[r1 + i] = lanv2Out[2];
  T[r1 + i + 1] = lanv2Out[3];
  wr[i] = lanv2Out[4];
  wi[i] = lanv2Out[5];
  wr[i + 1] = lanv2Out[6];
  wi[i + 1] = lanv2Out[7];
  if (cs === 1 && sn === 0) return;
  // rows i, i+1 to the right of the block
  for (let j = i + 2; j < n; j++) {
    const x = T[r0 + j];
    const y = T[r1 + j];
    T[r0 + j] = cs * x + sn * y;
    T[r1 + j] = cs * y - sn * x;
  }
  // columns i, i+1 above the block
  for (let k = 0; k < i; k++) {
    const row = k * n;
    const x = T[row + i];
    const y = T[row + i + 1];
    T[row + i] = cs * x + sn * y;
    T[row + i + 1] = cs * y - sn * x;
  }
  // Schur vectors i, i+1 (rows of Zt)
  for (let k = 0; k < n; k++) {
    const x = Zt[r0 + k];
    const y = Zt[r1 + k];
    Zt[r0 + k] = cs * x + sn * y;
    Zt[r1 + k] = cs * y - sn * x;
  }
}

/**
 * Real Schur form of the n×n matrix A (not modified): fills ws.T, ws.Z, ws.Zt, ws.wr, ws.wi.
 * Allocates nothing; throws if the QR iteration fails to converge (never observed in practice).
 */
export function realSchurInto(A: ArrayLike<number>, n: number, ws: SchurWorkspace): SchurWorkspace {
  if (ws.n !== n) throw new RangeError(`Schur workspace is for n = ${ws.n}, matrix has n = ${n}`);
  if (A.length < n * n) throw new RangeError(`Schur: expected ${n * n} entries, got ${A.length}`);
  const H = ws.T;
  const Zt = ws.Zt;
  const wr = ws.wr;
  const wi = ws.wi;
  for (let i = 0; i < n * n; i++) {
    const v = A[i];
    if (!Number.isFinite(v)) throw new RangeError(`Schur: matrix entry ${i} is not finite (${v})`);
    H[i] = v;
  }
  hessenbergReduce(H, n, Zt, ws.tau, ws.work);
  ws.sweeps = hqrSchur(H, Zt, n, wr, wi);
  // Z from Zt
  const Z = ws.Z;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) Z[i * n + j] = Zt[j * n + i];
  }
  return ws;
}

/** Allocating convenience wrapper around realSchurInto. */
export function realSchur(A: ArrayLike<number>, n: number): { T: Float64Array; Z: Float64Array; wr: Float64Array; wi: Float64Array } {
  const ws = realSchurInto(A, n, createSchurWorkspace(n));
  return { T: ws.T, Z: ws.Z, wr: ws.wr, wi: ws.wi };
}

/**
 * Francis double-shift QR on an upper Hessenberg H (in place → quasi-triangular T), accumulating
 * into Zt (Zt ← Pᵀ·Zt for every transformation P, so that Z = Ztᵀ). Returns the number of sweeps.
 */
function hqrSchur(H: Float64Array, Zt: Float64Array, nn: number, wr: Float64Array, wi: Float64Array): number {
  let norm = 0;
  for (let i = 0; i < nn; i++) {
    for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(H[i * nn + j]);
  }
  const maxSweeps = 40 * Math.max(nn, 10);
  let totalSweeps = 0;
  let exshift = 0;
  let n = nn - 1;
  let iter = 0;
  let p = 0;
  let q = 0;
  let r = 0;
  let s = 0;
  let z = 0;
  let w = 0;
  let x = 0;
  let y = 0;

  while (n >= 0) {
    checkInterrupt();
    // Look for a single small subdiagonal element.
    let l = n;
    while (l > 0) {
      s = Math.abs(H[(l - 1) * nn + l - 1]) + Math.abs(H[l * nn + l]);
      if (s === 0) s = norm;
      const sub = Math.abs(H[l * nn + l - 1]);
      if (sub < EPS * s || sub === 0) {
        H[l * nn + l - 1] = 0;
        break;
      }
      l--;
    }

    if (l === n) {
      // one root
      H[n * nn + n] += exshift;
      wr[n] = H[n * nn + n];
      wi[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      // two roots: standardise the 2×2 block (real pair → triangular, complex pair → equal diagonal)
      H[n * nn + n] += exshift;
      H[(n - 1) * nn + n - 1] += exshift;
      standardiseBlock(H, Zt, nn, n - 1, wr, wi);
      n -= 2;
      iter = 0;
    } else {
      // form shift
      x = H[n * nn + n];
      y = 0;
      w = 0;
      if (l < n) {
        y = H[(n - 1) * nn + n - 1];
        w = H[n * nn + n - 1] * H[(n - 1) * nn + n];
      }
      if (iter === 10) {
        // Wilkinson's original ad hoc shift
        exshift += x;
        for (let i = 0; i <= n; i++) H[i * nn + i] -= x;
        s = Math.abs(H[n * nn + n - 1]) + Math.abs(H[(n - 1) * nn + n - 2]);
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30) {
        // MATLAB's ad hoc shift
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = 0; i <= n; i++) H[i * nn + i] -= s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      totalSweeps++;
      if (totalSweeps > maxSweeps) {
        throw new Error(`Schur: QR iteration did not converge after ${maxSweeps} sweeps (n = ${nn})`);
      }

      // Look for two consecutive small subdiagonal elements.
      let m = n - 2;
      while (m >= l) {
        z = H[m * nn + m];
        r = x - z;
        s = y - z;
        p = (r * s - w) / H[(m + 1) * nn + m] + H[m * nn + m + 1];
        q = H[(m + 1) * nn + m + 1] - z - r - s;
        r = H[(m + 2) * nn + m + 1];
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m === l) break;
        if (
          Math.abs(H[m * nn + m - 1]) * (Math.abs(q) + Math.abs(r)) <
          EPS * (Math.abs(p) * (Math.abs(H[(m - 1) * nn + m - 1]) + Math.abs(z) + Math.abs(H[(m + 1) * nn + m + 1])))
        ) {
          break;
        }
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        H[i * nn + i - 2] = 0;
        if (i > m + 2) H[i * nn + i - 3] = 0;
      }

      // Double QR step on rows l..n and columns m..n (applied to all of H for the full Schur form).
      for (let k = m; k <= n - 1; k++) {
        const notlast = k !== n - 1;
        if (k !== m) {
          p = H[k * nn + k - 1];
          q = H[(k + 1) * nn + k - 1];
          r = notlast ? H[(k + 2) * nn + k - 1] : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x === 0) continue;
          p /= x;
          q /= x;
          r /= x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s === 0) continue;
        if (k !== m) {
          H[k * nn + k - 1] = -s * x;
          H[(k + 1) * nn + k - 1] = 0;
          if (notlast) H[(k + 2) * nn + k - 1] = 0;
        } else if (l !== m) {
          H[k * nn + k - 1] = -H[k * nn + k - 1];
        }
        p += s;
        x = p / s;
        y = q / s;
        z = r / s;
        q /= p;
        r /= p;

        const r0 = k * nn;
        const r1 = r0 + nn;
        const iEnd = Math.min(n, k + 3);
        if (notlast) {
          const r2 = r1 + nn;
          // row modification
          for (let j = k; j < nn; j++) {
            const h0 = H[r0 + j];
            const h1 = H[r1 + j];
            const h2 = H[r2 + j];
            const t = h0 + q * h1 + r * h2;
            H[r0 + j] = h0 - t * x;
            H[r1 + j] = h1 - t * y;
            H[r2 + j] = h2 - t * z;
          }
          // column modification
          for (let i = 0; i <= iEnd; i++) {
            const row = i * nn + k;
            const h0 = H[row];
            const h1 = H[row + 1];
            const h2 = H[row + 2];
            const t = x * h0 + y * h1 + z * h2;
            H[row] = h0 - t;
            H[row + 1] = h1 - t * q;
            H[row + 2] = h2 - t * r;
          }
          // accumulate: rows k..k+2 of Zt
          for (let i = 0; i < nn; i++) {
            const v0 = Zt[r0 + i];
            const v1 = Zt[r1 + i];
            const v2 = Zt[r2 + i];
            const t = x * v0 + y * v1 + z * v2;
            Zt[r0 + i] = v0 - t;
            Zt[r1 + i] = v1 - t * q;
            Zt[r2 + i] = v2 - t * r;
          }
        } else {
          for (let j = k; j < nn; j++) {
            const h0 = H[r0 + j];
            const h1 = H[r1 + j];
            const t = h0 + q * h1;
            H[r0 + j] = h0 - t * x;
            H[r1 + j] = h1 - t * y;
          }
          for (let i = 0; i <= iEnd; i++) {
            const row = i * nn + k;
            const h0 = H[row];
            const h1 = H[row + 1];
            const t = x * h0 + y * h1;
            H[row] = h0 - t;
            H[row + 1] = h1 - t * q;
          }
          for (let i = 0; i < nn; i++) {
            const v0 = Zt[r0 + i];
            const v1 = Zt[r1 + i];
            const t = x * v0 + y * v1;
            Zt[r0 + i] = v0 - t;
            Zt[r1 + i] = v1 - t * q;
          }
        }
      }
    }
  }
  // Clean everything below the subdiagonal (bulge remnants are exactly zero in exact arithmetic).
  for (let i = 2; i < nn; i++) {
    const row = i * nn;
    for (let j = 0; j < i - 1; j++) H[row + j] = 0;
  }
  return totalSweeps;
}

/** Eigenvalues (real and imaginary parts) of a general square matrix via its real Schur form. */
export function eigenvalues(A: ArrayLike<number>, n: number, ws: SchurWorkspace = createSchurWorkspace(n)): { re: Float64Array; im: Float64Array } {
  realSchurInto(A, n, ws);
  return { re: Float64Array.from(ws.wr), im: Float64Array.from(ws.wi) };
}

/** Spectral abscissa α(A) = max Re λ(A). */
export function spectralAbscissa(A: ArrayLike<number>, n: number, ws: SchurWorkspace = createSchurWorkspace(n)): number {
  realSchurInto(A, n, ws);
  return maxReal(ws.wr, n);
}

export function maxReal(wr: ArrayLike<number>, n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (wr[i] > m) m = wr[i];
  return m;
}
