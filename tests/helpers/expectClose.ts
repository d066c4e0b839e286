import { expect } from 'vitest';

/**
 * The one closeness assertion of the test suite. Passes when
 * |actual − expected| ≤ atol + rtol·|expected| elementwise; on failure it names the worst index.
 */
export function expectClose(
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  { rtol = 1e-9, atol = 0 }: { rtol?: number; atol?: number } = {},
): void {
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : expected;
  expect(a.length, 'length').toBe(e.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < e.length; i++) {
    const diff = Math.abs(a[i] - e[i]);
    const tol = atol + rtol * Math.abs(e[i]);
    const excess = Number.isNaN(diff) ? Infinity : diff - tol;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `not close at index ${worst}: actual ${a[worst]}, expected ${e[worst]} (rtol ${rtol}, atol ${atol})`,
    );
  }
}

/** Bit-identical arrays (the same bytes: the fast kernels' contract with each other). */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
