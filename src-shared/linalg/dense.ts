/**
 * Small dense helpers on flat row-major Float64Array matrices (`A[i * cols + j]`).
 * Every routine writes into a caller-provided output so hot loops allocate nothing.
 */
import { checkInterrupt } from './interrupt.js';

/** out = n×n identity. */
export function identityInto(out: Float64Array, n: number): Float64Array {
  out.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

export function identity(n: number): Float64Array {
  return identityInto(new Float64Array(n * n), n);
}

/** out = Aᵀ for an rows×cols matrix A (out is cols×rows). out must not alias A. */
export function transposeInto(A: Float64Array, rows: number, cols: number, out: Float64Array): Float64Array {
  for (let i = 0; i < rows; i++) {
    const rowOffset = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = A[rowOffset + j];
  }
  return out;
}

/**
 * out = A·B with A m×k, B k×n (out m×n). i-k-j order (the inner loop runs along contiguous rows of
 * B and out), two rows of out and two rows of B per pass so every loaded value feeds two
 * multiply-adds (~2.5× faster than the plain loop in V8). out must not alias A or B.
 */
export function matmulInto(
  A: Float64Array,
  B: Float64Array,
  m: number,
  k: number,
  n: number,
  out: Float64Array,
): Float64Array {
  out.fill(0, 0, m * n);
  let i = 0;
  for (; i + 1 < m; i += 2) {
    checkInterrupt();
    const o0 = i * n;
    const o1 = o0 + n;
    const a0 = i * k;
    const a1 = a0 + k;
    let l = 0;
    for (; l + 1 < k; l += 2) {
      const x00 = A[a0 + l];
      const x01 = A[a0 + l + 1];
      const x10 = A[a1 + l];
      const x11 = A[a1 + l + 1];
      if (x00 === 0 && x01 === 0 && x10 === 0 && x11 === 0) continue;
      const b0 = l * n;
      const b1 = b0 + n;
      for (let j = 0; j < n; j++) {
        const y0 = B[b0 + j];
        const y1 = B[b1 + j];
        out[o0 + j] += x00 * y0 + x01 * y1;
        out[o1 + j] += x10 * y0 + x11 * y1;
      }
    }
    for (; l < k; l++) {
      const x0 = A[a0 + l];
      const x1 = A[a1 + l];
      const b0 = l * n;
      for (let j = 0; j < n; j++) {
        const y = B[b0 + j];
        out[o0 + j] += x0 * y;
        out[o1 + j] += x1 * y;
      }
    }
  }
  for (; i < m; i++) {
    const o0 = i * n;
    const a0 = i * k;
    for (let l = 0; l < k; l++) {
      const x = A[a0 + l];
      if (x === 0) continue;
      const b0 = l * n;
      for (let j = 0; j < n; j++) out[o0 + j] += x * B[b0 + j];
    }
  }
  return out;
}

/**
 * out = A·Bᵀ with A m×k, B n×k (out m×n): dot products of contiguous rows, 2×2 output blocks per
 * pass (four independent accumulators, each load used twice; ~3× the plain loop in V8).
 * With `upperOnly` (requires m = n) only j ≥ i is computed and mirrored, so the result is exactly
 * symmetric — for products known to be symmetric such as Z·Y·Zᵀ.
 */
export function matmulTransBInto(
  A: Float64Array,
  B: Float64Array,
  m: number,
  k: number,
  n: number,
  out: Float64Array,
  upperOnly = false,
): Float64Array {
  if (upperOnly && m !== n) throw new RangeError('matmulTransBInto: upperOnly needs a square result');
  let i = 0;
  for (; i + 1 < m; i += 2) {
    checkInterrupt();
    const a0 = i * k;
    const a1 = a0 + k;
    let j = upperOnly ? i : 0;
    for (; j + 1 < n; j += 2) {
      const b0 = j * k;
      const b1 = b0 + k;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let l = 0; l < k; l++) {
        const x0 = A[a0 + l];
        const x1 = A[a1 + l];
        const y0 = B[b0 + l];
        const y1 = B[b1 + l];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      out[i * n + j] = s00;
      out[i * n + j + 1] = s01;
      out[(i + 1) * n + j + 1] = s11;
      if (upperOnly) {
        if (j === i) {
          out[(i + 1) * n + j] = s01; // the diagonal block: mirror (i, i+1), drop the duplicate s10
        } else {
          out[(i + 1) * n + j] = s10;
          out[j * n + i] = s00;
          out[(j + 1) * n + i] = s01;
          out[j * n + i + 1] = s10;
          out[(j + 1) * n + i + 1] = s11;
        }
      } else {
        out[(i + 1) * n + j] = s10;
      }
    }
    for (; j < n; j++) {
      const b0 = j * k;
      let s0 = 0;
      let s1 = 0;
      for (let l = 0; l < k; l++) {
        const y = B[b0 + l];
        s0 += A[a0 + l] * y;
        s1 += A[a1 + l] * y;
      }
      out[i * n + j] = s0;
      out[(i + 1) * n + j] = s1;
      if (upperOnly) {
        out[j * n + i] = s0;
        out[j * n + i + 1] = s1;
      }
    }
  }
  for (; i < m; i++) {
    const a0 = i * k;
    for (let j = upperOnly ? i : 0; j < n; j++) {
      const b0 = j * k;
      let s0 = 0;
      let s1 = 0;
      let l = 0;
      for (; l + 1 < k; l += 2) {
        s0 += A[a0 + l] * B[b0 + l];
        s1 += A[a0 + l + 1] * B[b0 + l + 1];
      }
      if (l < k) s0 += A[a0 + l] * B[b0 + l];
      out[i * n + j] = s0 + s1;
      if (upperOnly) out[j * n + i] = s0 + s1;
    }
  }
  return out;
}

/** out = Aᵀ·B with A k×m, B k×n (out m×n). */
export function matmulTransAInto(
  A: Float64Array,
  B: Float64Array,
  k: number,
  m: number,
  n: number,
  out: Float64Array,
): Float64Array {
  out.fill(0, 0, m * n);
  for (let l = 0; l < k; l++) {
    const aRow = l * m;
    const bRow = l * n;
    for (let i = 0; i < m; i++) {
      const a = A[aRow + i];
      if (a === 0) continue;
      const outRow = i * n;
      for (let j = 0; j < n; j++) out[outRow + j] += a * B[bRow + j];
    }
  }
  return out;
}

export function matmul(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  return matmulInto(A, B, m, k, n, new Float64Array(m * n));
}

/** y = A·x for an m×n matrix. */
export function matvecInto(A: Float64Array, x: ArrayLike<number>, m: number, n: number, y: Float64Array): Float64Array {
  for (let i = 0; i < m; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += A[row + j] * x[j];
    y[i] = s;
  }
  return y;
}

/** Frobenius norm of the first `length` entries. */
export function frobeniusNorm(A: ArrayLike<number>, length = A.length): number {
  // Scaled sum of squares so huge or tiny entries do not overflow/underflow.
  let scale = 0;
  let ssq = 1;
  for (let i = 0; i < length; i++) {
    const v = A[i];
    if (v !== 0) {
      const a = Math.abs(v);
      if (scale < a) {
        ssq = 1 + ssq * (scale / a) * (scale / a);
        scale = a;
      } else {
        ssq += (a / scale) * (a / scale);
      }
    }
  }
  return scale * Math.sqrt(ssq);
}

/** Largest absolute entry. */
export function maxAbs(A: ArrayLike<number>, length = A.length): number {
  let m = 0;
  for (let i = 0; i < length; i++) {
    const a = Math.abs(A[i]);
    if (a > m || Number.isNaN(a)) m = a;
  }
  return m;
}

/** In place A ← (A + Aᵀ)/2 for a square matrix. */
export function symmetrizeInPlace(A: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (A[i * n + j] + A[j * n + i]);
      A[i * n + j] = v;
      A[j * n + i] = v;
    }
  }
  return A;
}

export function assertSquare(A: ArrayLike<number>, n: number, name = 'matrix'): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name}: size n must be a positive integer, got ${n}`);
  if (A.length < n * n) throw new RangeError(`${name}: expected at least ${n * n} entries (n = ${n}), got ${A.length}`);
}

/** Rows (of any lengths) laid end to end in one new array, e.g. an l × n matrix from l rows. */
export function concatRows(rows: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(rows.reduce((sum, row) => sum + row.length, 0));
  let offset = 0;
  for (const row of rows) {
    out.set(row, offset);
    offset += row.length;
  }
  return out;
}
