import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/model/rng.js';
import { expectClose } from '../helpers/expectClose.js';

/**
 * Independent reference straight from the published algorithms, in BigInt arithmetic
 * (no Math.imul, no int32 tricks), so a sign/shift slip in rng.ts cannot hide here.
 */
const MASK = (1n << 32n) - 1n;
const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & MASK;

function referenceXoshiro(state: bigint[]) {
  const s = state.slice();
  return () => {
    const result = (rotl((s[1] * 5n) & MASK, 7n) * 9n) & MASK;
    const t = (s[1] << 9n) & MASK;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
    return Number(result);
  };
}

function referenceSplitmix32(counter: bigint) {
  let z = counter & MASK;
  return () => {
    z = (z + 0x9e3779b9n) & MASK;
    let t = z ^ (z >> 16n);
    t = (t * 0x21f0aaadn) & MASK;
    t ^= t >> 15n;
    t = (t * 0x735a2d97n) & MASK;
    t ^= t >> 15n;
    return t;
  };
}

describe('Rng (xoshiro128** seeded by splitmix32)', () => {
  it('matches the published xoshiro128** test vector for state {1,2,3,4}', () => {
    const rng = Rng.fromState({ words: [1, 2, 3, 4], cachedNormal: null });
    const got = Array.from({ length: 10 }, () => rng.nextUint32());
    // Output of the reference C code (prng.di.unimi.it) for s = {1, 2, 3, 4}.
    expect(got).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
  });

  it('matches an independent BigInt implementation of seeding and stepping', () => {
    for (const seed of [0, 1, 42, 123456789, 2 ** 32 - 1]) {
      const mix = referenceSplitmix32(BigInt(seed));
      const ref = referenceXoshiro([mix(), mix(), mix(), mix()]);
      const rng = new Rng(seed);
      for (let k = 0; k < 1000; k++) expect(rng.nextUint32()).toBe(ref());
    }
  });

  it('maps a seed above 2^32 through lo XOR imul(hi, 0x9E3779B9)', () => {
    const seed = 5 * 2 ** 32 + 7;
    const counter = (7n ^ ((5n * 0x9e3779b9n) & MASK)) & MASK;
    const mix = referenceSplitmix32(counter);
    const ref = referenceXoshiro([mix(), mix(), mix(), mix()]);
    const rng = new Rng(seed);
    for (let k = 0; k < 50; k++) expect(rng.nextUint32()).toBe(ref());
    expect(() => new Rng(0.5)).toThrow(/safe integer/);
  });

  it('uniform() uses 53 bits from two outputs and lies in [0, 1)', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    let sum = 0;
    for (let k = 0; k < 20000; k++) {
      const hi = b.nextUint32() >>> 5;
      const lo = b.nextUint32() >>> 6;
      const u = a.uniform();
      expect(u).toBe((hi * 2 ** 26 + lo) / 2 ** 53);
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expectClose(sum / 20000, 0.5, { atol: 0.01 });
  });

  it('normal() has mean 0, variance 1 and caches the Box–Muller pair', () => {
    const rng = new Rng(2024);
    const count = 200000;
    let sum = 0;
    let sumSq = 0;
    let sumFourth = 0;
    for (let k = 0; k < count; k++) {
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
      sumFourth += z ** 4;
    }
    const mean = sum / count;
    const variance = sumSq / count - mean * mean;
    // Standard errors: mean 1/√n ≈ 0.0022, variance √(2/n) ≈ 0.0032, 4th moment √(96/n) ≈ 0.022.
    expectClose(mean, 0, { atol: 0.01 });
    expectClose(variance, 1, { atol: 0.015 });
    expectClose(sumFourth / count, 3, { atol: 0.1 });

    // Pair caching: two normals consume exactly one pair of uniforms (4 raw outputs).
    const p = new Rng(5);
    const q = new Rng(5);
    const u1 = 1 - q.uniform();
    const u2 = q.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    expect(p.normal()).toBe(r * Math.cos(2 * Math.PI * u2));
    expect(p.normal()).toBe(r * Math.sin(2 * Math.PI * u2));
    expect(p.nextUint32()).toBe(q.nextUint32());
    expect(new Rng(5).normal(3, 2)).toBe(3 + 2 * r * Math.cos(2 * Math.PI * u2));
  });

  it('int(n) is uniform and in range; rejects bad n', () => {
    const rng = new Rng(99);
    const counts = new Array(7).fill(0);
    const draws = 70000;
    for (let k = 0; k < draws; k++) {
      const v = rng.int(7);
      expect(Number.isInteger(v) && v >= 0 && v < 7).toBe(true);
      counts[v]++;
    }
    // Chi-square with 6 dof: 99.9 % quantile is 22.5.
    const chi2 = counts.reduce((acc, c) => acc + (c - draws / 7) ** 2 / (draws / 7), 0);
    expect(chi2).toBeLessThan(22.5);
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => rng.int(2.5)).toThrow(RangeError);
  });

  it('shuffle() is a permutation, uniform over the 6 orders of 3 items', () => {
    const rng = new Rng(3);
    const counts = new Map<string, number>();
    const draws = 60000;
    for (let k = 0; k < draws; k++) {
      const key = rng.shuffle([0, 1, 2]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const chi2 = [...counts.values()].reduce((acc, c) => acc + (c - draws / 6) ** 2 / (draws / 6), 0);
    expect(chi2).toBeLessThan(20.5); // 5 dof, 99.9 %
    const typed = rng.shuffle(Float64Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(typed).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('is deterministic, and state()/fromState resume the stream exactly', () => {
    const a = new Rng(11);
    const b = new Rng(11);
    for (let k = 0; k < 100; k++) expect(a.uniform()).toBe(b.uniform());
    a.normal();
    const snapshot = a.state();
    const resumed = Rng.fromState(snapshot);
    for (let k = 0; k < 100; k++) expect(resumed.normal()).toBe(a.normal());
    expect(new Rng(12).uniform()).not.toBe(new Rng(11).uniform());
  });

  it('derive() gives distinct, reproducible, uncorrelated child seeds', () => {
    const seeds = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const s = Rng.derive(42, i);
      expect(s).toBe(Rng.derive(42, i));
      expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
      seeds.add(s);
    }
    expect(seeds.size).toBe(1000);
    expect(Rng.derive(42, 0)).not.toBe(Rng.derive(43, 0));
    // First uniforms of neighbouring child streams are uncorrelated.
    const n = 4000;
    const x = Array.from({ length: n }, (_, i) => new Rng(Rng.derive(1, i)).uniform() - 0.5);
    const y = Array.from({ length: n }, (_, i) => new Rng(Rng.derive(1, i + 1)).uniform() - 0.5);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      sxy += x[i] * y[i];
      sxx += x[i] * x[i];
      syy += y[i] * y[i];
    }
    expect(Math.abs(sxy / Math.sqrt(sxx * syy))).toBeLessThan(0.06); // ~3.8 standard errors
  });
});
