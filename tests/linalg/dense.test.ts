import { describe, expect, it } from 'vitest';
import { concatRows, frobeniusNorm, matmulInto, matmulTransAInto, matmulTransBInto, transposeInto } from '../../src-shared/linalg/dense.js';
import { Rng } from '../../src-shared/model/rng.js';
import { expectClose } from '../helpers/expectClose.js';

/** The textbook triple loop: the truth the blocked kernels are checked against. */
function naiveProduct(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += A[i * k + l] * B[l * n + j];
      out[i * n + j] = s;
    }
  }
  return out;
}

describe('dense kernels', () => {
  const rng = new Rng(99);
  const random = (len: number) => Float64Array.from({ length: len }, () => rng.normal());
  const shapes: Array<[number, number, number]> = [[1, 1, 1], [2, 3, 1], [3, 5, 7], [4, 4, 4], [5, 2, 6], [7, 7, 7], [8, 3, 9], [33, 17, 20]];

  it('blocked A·B, A·Bᵀ and Aᵀ·B agree with the triple loop for odd and even shapes', () => {
    for (const [m, k, n] of shapes) {
      const A = random(m * k);
      const B = random(k * n);
      const expected = naiveProduct(A, B, m, k, n);
      expectClose(matmulInto(A, B, m, k, n, new Float64Array(m * n)), expected, { rtol: 1e-13, atol: 1e-13 });
      const Bt = transposeInto(B, k, n, new Float64Array(n * k));
      expectClose(matmulTransBInto(A, Bt, m, k, n, new Float64Array(m * n)), expected, { rtol: 1e-13, atol: 1e-13 });
      const At = transposeInto(A, m, k, new Float64Array(k * m));
      expectClose(matmulTransAInto(At, B, k, m, n, new Float64Array(m * n)), expected, { rtol: 1e-13, atol: 1e-13 });
    }
  });

  it('upperOnly A·Aᵀ is exactly symmetric and equals the full product', () => {
    for (const m of [1, 2, 5, 8, 31]) {
      const k = 6;
      const A = random(m * k);
      const sym = matmulTransBInto(A, A, m, k, m, new Float64Array(m * m), true);
      const full = matmulTransBInto(A, A, m, k, m, new Float64Array(m * m));
      expectClose(sym, full, { rtol: 1e-14, atol: 1e-14 });
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) expect(sym[i * m + j]).toBe(sym[j * m + i]);
    }
    expect(() => matmulTransBInto(random(6), random(6), 2, 3, 2, new Float64Array(4), true)).not.toThrow();
    expect(() => matmulTransBInto(random(6), random(9), 2, 3, 3, new Float64Array(6), true)).toThrow(/square/);
  });

  it('frobeniusNorm survives huge and tiny entries', () => {
    expectClose(frobeniusNorm([3e200, 4e200]), 5e200, { rtol: 1e-15 });
    expectClose(frobeniusNorm([3e-200, 4e-200]), 5e-200, { rtol: 1e-15 });
    expect(frobeniusNorm([0, 0])).toBe(0);
  });
});

describe('concatRows', () => {
  it('lays rows end to end: row k of an l × n matrix starts at k·n; rows of other lengths follow on', () => {
    const rows = [new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6])];
    expect(Array.from(concatRows(rows))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(concatRows([[7], [], [8, 9]]))).toEqual([7, 8, 9]);
    expect(concatRows([]).length).toBe(0);
    // a copy: changing the result leaves the rows alone
    const out = concatRows(rows);
    out[0] = -1;
    expect(rows[0][0]).toBe(1);
  });
});
