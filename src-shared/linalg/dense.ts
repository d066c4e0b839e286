/**
 * Small dense helpers on flat row-major Float64Array matrices (`A[i * cols + j]`).
 * Every routine writes into a caller-provided output so hot loops allocate nothing.
 */

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
 * out = A·B with A m×k, B k×n (out m×n). i-k-j order: the inner loop runs along contiguous rows of
 * B and out, which is the cache-friendly order for row-major storage. out must not alias A or B.
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
  for (let i = 0; i < m; i++) {
    const outRow = i * n;
    const aRow = i * k;
    for (let l = 0; l < k; l++) {
      const a = A[aRow + l];
      if (a === 0) continue;
      const bRow = l * n;
      for (let j = 0; j < n; j++) out[outRow + j] += a * B[bRow + j];
    }
  }
  return out;
}

/** out = A·Bᵀ with A m×k, B n×k (out m×n): dot products of contiguous rows. */
export function matmulTransBInto(
  A: Float64Array,
  B: Float64Array,
  m: number,
  k: number,
  n: number,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < m; i++) {
    const aRow = i * k;
    for (let j = 0; j < n; j++) {
      const bRow = j * k;
      let s0 = 0;
      let s1 = 0;
      let l = 0;
      for (; l + 1 < k; l += 2) {
        s0 += A[aRow + l] * B[bRow + l];
        s1 += A[aRow + l + 1] * B[bRow + l + 1];
      }
      if (l < k) s0 += A[aRow + l] * B[bRow + l];
      out[i * n + j] = s0 + s1;
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
