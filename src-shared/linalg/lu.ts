/** LU factorisation with partial pivoting, P·A = L·U, for solves and determinants. */

export interface LuFactorisation {
  n: number;
  /** L (unit lower, below the diagonal) and U (on and above) packed row-major. */
  lu: Float64Array;
  /** Row i of P·A is row pivots[i] of A. */
  pivots: Int32Array;
  /** +1 or −1: the sign of the permutation. */
  sign: number;
  /** True when a zero pivot was met (A singular to working precision). */
  singular: boolean;
}

export function luFactor(A: ArrayLike<number>, n: number): LuFactorisation {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`luFactor: n must be a positive integer, got ${n}`);
  if (A.length < n * n) throw new RangeError(`luFactor: expected ${n * n} entries, got ${A.length}`);
  const lu = Float64Array.from({ length: n * n }, (_, i) => A[i]);
  const pivots = new Int32Array(n);
  for (let i = 0; i < n; i++) pivots[i] = i;
  let sign = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const a = Math.abs(lu[i * n + k]);
      if (a > best) {
        best = a;
        p = i;
      }
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j];
        lu[k * n + j] = lu[p * n + j];
        lu[p * n + j] = t;
      }
      const t = pivots[k];
      pivots[k] = pivots[p];
      pivots[p] = t;
      sign = -sign;
    }
    const piv = lu[k * n + k];
    if (piv === 0) {
      singular = true;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k] /= piv);
      if (f === 0) continue;
      const ri = i * n;
      const rk = k * n;
      for (let j = k + 1; j < n; j++) lu[ri + j] -= f * lu[rk + j];
    }
  }
  return { n, lu, pivots, sign, singular };
}

/** Solve A·x = b for one right-hand side (writes into out, which may alias nothing). */
export function luSolveInto(f: LuFactorisation, b: ArrayLike<number>, out: Float64Array): Float64Array {
  const { n, lu, pivots } = f;
  if (f.singular) throw new Error('luSolve: matrix is singular');
  for (let i = 0; i < n; i++) out[i] = b[pivots[i]];
  for (let i = 0; i < n; i++) {
    let s = out[i];
    const ri = i * n;
    for (let j = 0; j < i; j++) s -= lu[ri + j] * out[j];
    out[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = out[i];
    const ri = i * n;
    for (let j = i + 1; j < n; j++) s -= lu[ri + j] * out[j];
    out[i] = s / lu[ri + i];
  }
  return out;
}

export function luSolve(A: ArrayLike<number>, n: number, b: ArrayLike<number>): Float64Array {
  return luSolveInto(luFactor(A, n), b, new Float64Array(n));
}

export function determinant(A: ArrayLike<number>, n: number): number {
  const f = luFactor(A, n);
  let det = f.sign;
  for (let i = 0; i < n; i++) det *= f.lu[i * n + i];
  return det;
}
