/**
 * Householder QR of an m×n matrix (m ≥ n) and linear least squares min ‖A·x − b‖₂
 * (used e.g. for the motor-primitive coefficients, model-spec §9).
 */

export interface QrFactorisation {
  m: number;
  n: number;
  /** R above the diagonal and on it; Householder vectors (v[0] = 1 implicit) below, row-major m×n. */
  qr: Float64Array;
  tau: Float64Array;
}

export function qrFactor(A: ArrayLike<number>, m: number, n: number): QrFactorisation {
  if (!Number.isInteger(m) || !Number.isInteger(n) || n < 1 || m < n) {
    throw new RangeError(`qrFactor: need integer sizes with m ≥ n ≥ 1, got ${m}×${n}`);
  }
  if (A.length < m * n) throw new RangeError(`qrFactor: expected ${m * n} entries, got ${A.length}`);
  const qr = Float64Array.from({ length: m * n }, (_, i) => A[i]);
  const tau = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const alpha = qr[k * n + k];
    let xnormSq = 0;
    for (let i = k + 1; i < m; i++) xnormSq += qr[i * n + k] ** 2;
    if (xnormSq === 0) {
      tau[k] = 0;
      continue;
    }
    const beta = -Math.sign(alpha || 1) * Math.hypot(alpha, Math.sqrt(xnormSq));
    const t = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = k + 1; i < m; i++) qr[i * n + k] *= scale;
    qr[k * n + k] = beta;
    tau[k] = t;
    // apply to the trailing columns: A[k.., k+1..] −= τ·v·(vᵀ·A[k.., k+1..])
    for (let j = k + 1; j < n; j++) w[j] = qr[k * n + j];
    for (let i = k + 1; i < m; i++) {
      const vi = qr[i * n + k];
      for (let j = k + 1; j < n; j++) w[j] += vi * qr[i * n + j];
    }
    for (let j = k + 1; j < n; j++) {
      w[j] *= t;
      qr[k * n + j] -= w[j];
    }
    for (let i = k + 1; i < m; i++) {
      const vi = qr[i * n + k];
      for (let j = k + 1; j < n; j++) qr[i * n + j] -= vi * w[j];
    }
  }
  return { m, n, qr, tau };
}

/** Least-squares solution of A·x ≈ b (A full column rank). Returns x (length n). */
export function qrSolveLeastSquares(f: QrFactorisation, b: ArrayLike<number>): Float64Array {
  const { m, n, qr, tau } = f;
  if (b.length < m) throw new RangeError(`qrSolveLeastSquares: b needs ${m} entries`);
  const y = Float64Array.from({ length: m }, (_, i) => b[i]);
  // y = Qᵀ·b
  for (let k = 0; k < n; k++) {
    if (tau[k] === 0) continue;
    let s = y[k];
    for (let i = k + 1; i < m; i++) s += qr[i * n + k] * y[i];
    s *= tau[k];
    y[k] -= s;
    for (let i = k + 1; i < m; i++) y[i] -= s * qr[i * n + k];
  }
  const x = new Float64Array(n);
  let rmax = 0;
  for (let k = 0; k < n; k++) rmax = Math.max(rmax, Math.abs(qr[k * n + k]));
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let j = i + 1; j < n; j++) s -= qr[i * n + j] * x[j];
    const rii = qr[i * n + i];
    if (Math.abs(rii) <= 1e-14 * rmax * Math.max(m, n)) {
      throw new Error('qrSolveLeastSquares: matrix is rank deficient to working precision');
    }
    x[i] = s / rii;
  }
  return x;
}

export function leastSquares(A: ArrayLike<number>, m: number, n: number, b: ArrayLike<number>): Float64Array {
  return qrSolveLeastSquares(qrFactor(A, m, n), b);
}

/** The explicit thin Q (m×n) and R (n×n) of a factorisation, for tests and diagnostics. */
export function qrExplicit(f: QrFactorisation): { Q: Float64Array; R: Float64Array } {
  const { m, n, qr, tau } = f;
  const R = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) R[i * n + j] = qr[i * n + j];
  const Q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    if (tau[k] === 0) continue;
    for (let j = 0; j < n; j++) {
      let s = Q[k * n + j];
      for (let i = k + 1; i < m; i++) s += qr[i * n + k] * Q[i * n + j];
      s *= tau[k];
      Q[k * n + j] -= s;
      for (let i = k + 1; i < m; i++) Q[i * n + j] -= s * qr[i * n + k];
    }
  }
  return { Q, R };
}
