/**
 * Seeded pseudo-random numbers for every stochastic routine of GainLab.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c),
 * a 128-bit-state generator with 32-bit outputs, period 2^128 − 1.
 *   result = rotl(s1 · 5, 7) · 9
 *   t = s1 << 9;  s2 ^= s0;  s3 ^= s1;  s1 ^= s2;  s0 ^= s3;  s2 ^= t;  s3 = rotl(s3, 11)
 * (all arithmetic on unsigned 32-bit words).
 *
 * Seeding (how a seed maps to the stream): the seed must be a safe integer (negative allowed).
 * Its low 32 bits `lo = seed mod 2^32` and high part `hi = floor(seed / 2^32) mod 2^32` give the
 * counter start `z = lo XOR imul(hi, 0x9E3779B9)` (so seeds in [0, 2^32) simply start at z = seed).
 * The four state words are four consecutive outputs of splitmix32 from that counter:
 *   z += 0x9E3779B9;  t = z ^ (z >>> 16);  t = imul(t, 0x21F0AAAD);  t ^= t >>> 15;
 *   t = imul(t, 0x735A2D97);  t ^= t >>> 15;  output t
 * (the 32-bit splitmix with Wellons' "lowbias32"-style finaliser). splitmix32 never yields four
 * zero words in a row, so the all-zero xoshiro state cannot occur.
 *
 * Derived streams: `Rng.derive(seed, index)` hashes (seed, index) through splitmix32 into a new
 * 32-bit seed, so session k of a batch can use `new Rng(Rng.derive(seed, k))` and be reproducible
 * on its own.
 *
 * uniform() uses two 32-bit outputs for 53 random bits: (a >>> 5) · 2^26 + (b >>> 6), / 2^53,
 * the same construction as the Mersenne Twister's genrand_res53.
 */

const GOLDEN_GAMMA = 0x9e3779b9;
const TWO_POW_32 = 4294967296;

/** One splitmix32 output for counter value `z` (already advanced). Returns an unsigned 32-bit int. */
function splitmixFinalise(z: number): number {
  let t = z ^ (z >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  t ^= t >>> 15;
  return t >>> 0;
}

function seedCounter(seed: number): number {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`Rng seed must be a safe integer, got ${seed}`);
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  return (lo ^ Math.imul(hi, GOLDEN_GAMMA)) >>> 0;
}

/** Serializable generator state (to checkpoint long runs and resume them bit for bit). */
export interface RngState {
  words: [number, number, number, number];
  /** The second normal of the last Box–Muller pair, or null when none is cached. */
  cachedNormal: number | null;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private cachedNormal: number | null = null;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed;
    let z = seedCounter(seed);
    z = (z + GOLDEN_GAMMA) | 0;
    this.s0 = splitmixFinalise(z);
    z = (z + GOLDEN_GAMMA) | 0;
    this.s1 = splitmixFinalise(z);
    z = (z + GOLDEN_GAMMA) | 0;
    this.s2 = splitmixFinalise(z);
    z = (z + GOLDEN_GAMMA) | 0;
    this.s3 = splitmixFinalise(z);
  }

  /** A new, well-mixed 32-bit seed for child stream `index` of `seed` (independent of `new Rng(seed)`'s draws). */
  static derive(seed: number, index: number): number {
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new RangeError(`Rng.derive index must be a non-negative safe integer, got ${index}`);
    }
    let z = seedCounter(seed);
    // Two rounds so that nearby (seed, index) pairs land far apart.
    z = splitmixFinalise((z + GOLDEN_GAMMA) | 0);
    z = splitmixFinalise((z ^ (index >>> 0) ^ Math.imul(Math.floor(index / TWO_POW_32) >>> 0, 0x85ebca6b)) + 0x6a09e667);
    return splitmixFinalise((z + GOLDEN_GAMMA) | 0);
  }

  /** Restore a generator from `state()`. */
  static fromState(state: RngState, seed = NaN): Rng {
    const rng = new Rng(0);
    (rng as { seed: number }).seed = seed;
    rng.setState(state);
    return rng;
  }

  /** Next raw unsigned 32-bit output of xoshiro128**. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Normal deviate (Box–Muller; the second value of each pair is cached and returned next). */
  normal(mean = 0, sd = 1): number {
    if (this.cachedNormal !== null) {
      const z = this.cachedNormal;
      this.cachedNormal = null;
      return mean + sd * z;
    }
    const u1 = 1 - this.uniform(); // (0, 1], so log is finite
    const u2 = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.cachedNormal = radius * Math.sin(angle);
    return mean + sd * radius * Math.cos(angle);
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling), for 1 ≤ n ≤ 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`Rng.int needs an integer n in [1, 2^32], got ${n}`);
    }
    // Largest multiple of n not above 2^32: accept draws below it so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** In-place Fisher–Yates shuffle (uniform over permutations); returns the same array. */
  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** Snapshot of the full generator state. */
  state(): RngState {
    return { words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], cachedNormal: this.cachedNormal };
  }

  setState(state: RngState): void {
    const [a, b, c, d] = state.words;
    if ((a | b | c | d) === 0) throw new RangeError('Rng state must not be all zero');
    this.s0 = a | 0;
    this.s1 = b | 0;
    this.s2 = c | 0;
    this.s3 = d | 0;
    this.cachedNormal = state.cachedNormal;
  }
}
