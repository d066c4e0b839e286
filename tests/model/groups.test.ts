import { describe, expect, it } from 'vitest';
import { groupCount, neuronSpecificGroups, randomGroups, specialisedGroups } from '../../src-shared/model/groups.js';
import { Rng } from '../../src-shared/model/rng.js';

function counts(labels: Int32Array, G: number): number[] {
  const c = new Array<number>(G).fill(0);
  for (const l of labels) c[l]++;
  return c;
}

describe('randomGroups (paper code: repmat, fill remainder, randsample)', () => {
  it('gives every group N/G neurons when G divides N', () => {
    for (const G of [1, 2, 10, 20, 40, 100]) {
      const labels = randomGroups(200, G, new Rng(G));
      expect(labels.length).toBe(200);
      expect(counts(labels, G)).toEqual(new Array(G).fill(200 / G));
    }
  });

  it('fills the remainder with distinct random labels when round(N/G)·G < N', () => {
    // N = 200, G = 30: round(6.67) = 7 → 210 labels, a random 200 kept: counts 7 or fewer, sum 200.
    // N = 200, G = 60: round(3.33) = 3 → 180 labels + 20 distinct extra: counts 3 or 4, twenty 4s.
    const g60 = counts(randomGroups(200, 60, new Rng(1)), 60);
    expect(g60.reduce((a, b) => a + b, 0)).toBe(200);
    expect(g60.filter((c) => c === 4).length).toBe(20);
    expect(g60.filter((c) => c === 3).length).toBe(40);
    const g30 = counts(randomGroups(200, 30, new Rng(2)), 30);
    expect(g30.reduce((a, b) => a + b, 0)).toBe(200);
    expect(Math.max(...g30)).toBeLessThanOrEqual(7);
    expect(g30.reduce((a, c) => a + (7 - c), 0)).toBe(10); // exactly 10 of the 210 labels dropped
  });

  it('G = N gives a permutation (neuron-specific gains), not the identity', () => {
    const labels = randomGroups(200, 200, new Rng(3));
    expect([...labels].sort((a, b) => a - b)).toEqual(Array.from(neuronSpecificGroups(200)));
    let fixed = 0;
    for (let i = 0; i < 200; i++) if (labels[i] === i) fixed++;
    expect(fixed).toBeLessThan(10); // a random permutation has ~1 fixed point
  });

  it('is deterministic for a seed, differs between seeds, and mixes E and I neurons', () => {
    const a = randomGroups(200, 20, new Rng(42));
    const b = randomGroups(200, 20, new Rng(42));
    const c = randomGroups(200, 20, new Rng(43));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    // Of 20 groups of 10, some group must contain both E (i < 100) and I neurons.
    let mixed = 0;
    for (let g = 0; g < 20; g++) {
      let e = 0;
      let inh = 0;
      for (let i = 0; i < 200; i++) if (a[i] === g) (i < 100 ? e++ : inh++);
      if (e > 0 && inh > 0) mixed++;
    }
    expect(mixed).toBeGreaterThan(10);
  });

  it('rejects bad group counts', () => {
    expect(() => randomGroups(10, 0, new Rng(1))).toThrow(RangeError);
    expect(() => randomGroups(10, 11, new Rng(1))).toThrow(RangeError);
    expect(() => randomGroups(10, 2.5, new Rng(1))).toThrow(RangeError);
  });
});

describe('specialisedGroups (k-means on gain changes)', () => {
  it('groups neurons that changed their gains alike', () => {
    // 3 hidden neuron types with distinct gain-change profiles over 4 movements, plus small noise.
    const rng = new Rng(8);
    const profiles = [
      [0.2, -0.1, 0.0, 0.3],
      [-0.3, 0.2, 0.1, -0.1],
      [0.0, 0.0, -0.4, 0.1],
    ];
    const n = 60;
    const type = Array.from({ length: n }, () => rng.int(3));
    const patterns = profiles[0].map((_, k) => {
      const p = new Float64Array(n);
      for (let i = 0; i < n; i++) p[i] = profiles[type[i]][k] + 0.01 * rng.normal();
      return p;
    });
    const labels = specialisedGroups(patterns, 3, 5);
    expect(groupCount(labels)).toBe(3);
    expect(labels[0]).toBe(0); // renumbered by first appearance
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) expect(labels[i] === labels[j]).toBe(type[i] === type[j]);
    }
    // The matrix form gives the same partition.
    const data = new Float64Array(n * 4);
    for (let i = 0; i < n; i++) for (let k = 0; k < 4; k++) data[i * 4 + k] = patterns[k][i];
    expect(Array.from(specialisedGroups({ data, n, movements: 4 }, 3, 5))).toEqual(Array.from(labels));
  });

  it('is deterministic for a seed', () => {
    const rng = new Rng(2);
    const patterns = [0, 1, 2].map(() => new Float64Array(100).map(() => rng.normal()));
    const a = specialisedGroups(patterns, 10, 77);
    const b = specialisedGroups(patterns, 10, 77);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(groupCount(a)).toBe(10);
  });
});
