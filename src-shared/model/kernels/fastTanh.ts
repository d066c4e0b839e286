/**
 * The rate function of the fast kernels in plain TypeScript (no Math.tanh/Math.exp calls, which
 * cost ~17 ns each in V8 and dominated the TypeScript kernel): the same operations in the same
 * order as the WebAssembly kernels (assembly/common.ts tanhHalf and rate2), so that the TypeScript
 * kernel gives the same bits.
 *
 *   u clamped to [−40, 40] (|tanh| = 1 in double beyond ±19), tanh(u/2) = (e^u − 1)/(e^u + 1);
 *   u = k·ln2 + r, |r| ≤ ln2/2 (k rounded to nearest, ties to even);  e^r ≈ N(r)/N(−r), the [6/6]
 *   Padé approximant of exp (truncation error 1.9e-19 relative on |r| ≤ ln2/2). With
 *   N(±r) = E ± O (even/odd parts):
 *     tanh(u/2) = ((2^k − 1)·E + (2^k + 1)·O) / ((2^k + 1)·E + (2^k − 1)·O)
 *   — one division and no cancellation (k = 0 gives O/E, accurate for tiny u; otherwise the
 *   (2^k ∓ 1)·E terms dominate); negative u just gives negative k.
 * Measured error: ≤ 7.5e-16·|tanh(y)| (3.3 ulp) on 4·10^6 points of [−26, 26];
 * tests/model/kernels.test.ts asserts ≤ 1e-15 relative against Math.tanh.
 */

const LN2_HI = 6.93147180369123816490e-1; // high bits of ln2 (fdlibm), k·LN2_HI exact for |k| < 2^11
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
/** 1.5·2^52: adding and subtracting it rounds to an integer (nearest, ties to even), as the kernels do. */
const ROUND_MAGIC = 6755399441055744.0;

/** 2^k at index k + 64, for k = −64..64 (|u| ≤ 40 gives |k| ≤ 58). */
const POW2_TABLE: Float64Array = Float64Array.from({ length: 129 }, (_, i) => 2 ** (i - 64));

/** tanh(u/2) for u in [−40, 40]. */
export function tanhHalf(u: number): number {
  const kf = u * INV_LN2 + ROUND_MAGIC - ROUND_MAGIC;
  const r = u - kf * LN2_HI - kf * LN2_LO;
  const r2 = r * r;
  const r4 = r2 * r2;
  const even = 1 + r2 * (5 / 44) + r4 * (1 / 792 + r2 * (1 / 665280));
  const odd = r * (0.5 + r2 * (1 / 66) + r4 * (1 / 15840));
  const p2 = POW2_TABLE[kf + 64];
  const minus = p2 - 1;
  const plus = p2 + 1;
  return (minus * even + plus * odd) / (plus * even + minus * odd);
}

/** tanh(y), within 1e-15 relative of Math.tanh. */
export function fastTanh(y: number): number {
  const u = 2 * y;
  return tanhHalf(u > 40 ? 40 : u < -40 ? -40 : u);
}

/**
 * The rate f(v; g) = c·tanh(g·v/c), c = cNeg for v < 0 else cPos, computed as the kernels do:
 * u = (g·v)·(2/c) clamped to [−40, 40]. twoOverNeg = 2/cNeg, twoOverPos = 2/cPos.
 */
export function fastRate(v: number, g: number, cNeg: number, cPos: number, twoOverNeg: number, twoOverPos: number): number {
  const negative = v < 0;
  const u = g * v * (negative ? twoOverNeg : twoOverPos);
  return (negative ? cNeg : cPos) * tanhHalf(u > 40 ? 40 : u < -40 ? -40 : u);
}
