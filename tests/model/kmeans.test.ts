import { describe, expect, it } from 'vitest';
import { kmeans, kmeansPlusPlusSeeds } from '../../src-shared/linalg/kmeans.js';
import { Rng } from '../../src-shared/model/rng.js';
import { expectClose } from '../helpers/expectClose.js';

/** Gaussian blobs (sd 1) around well separated centres; returns data and true labels. */
function blobs(seed: number, centres: number[][], perCluster: number) {
  const rng = new Rng(seed);
  const dim = centres[0].length;
  const nPoints = centres.length * perCluster;
  const data = new Float64Array(nPoints * dim);
  const truth = new Int32Array(nPoints);
  const order = rng.shuffle(Array.from({ length: nPoints }, (_, i) => i));
  for (let p = 0; p < nPoints; p++) {
    const c = order[p] % centres.length;
    truth[p] = c;
    for (let d = 0; d < dim; d++) data[p * dim + d] = centres[c][d] + rng.normal();
  }
  return { data, truth, nPoints, dim };
}

const CENTRES = [
  [0, 0, 0],
  [40, 0, 0],
  [0, 40, 0],
  [0, 0, 40],
  [40, 40, 40],
];

describe('kmeans (k-means++ seeding + Lloyd)', () => {
  it('recovers well separated clusters exactly (up to relabelling) and puts centres at the means', () => {
    const { data, truth, nPoints, dim } = blobs(3, CENTRES, 30);
    const result = kmeans(data, nPoints, dim, CENTRES.length, 7);
    // Same partition: each found cluster maps to exactly one true cluster, and vice versa.
    const mapping = new Map<number, number>();
    for (let p = 0; p < nPoints; p++) {
      const found = result.labels[p];
      if (!mapping.has(found)) mapping.set(found, truth[p]);
      expect(mapping.get(found)).toBe(truth[p]);
    }
    expect(new Set(mapping.values()).size).toBe(CENTRES.length);
    // Centres are the means of their members; inertia is the sum of squared distances to them.
    let inertia = 0;
    for (let c = 0; c < CENTRES.length; c++) {
      const mean = new Float64Array(dim);
      let count = 0;
      for (let p = 0; p < nPoints; p++) {
        if (result.labels[p] !== c) continue;
        count++;
        for (let d = 0; d < dim; d++) mean[d] += data[p * dim + d];
      }
      for (let d = 0; d < dim; d++) mean[d] /= count;
      expectClose(result.centroids.subarray(c * dim, c * dim + dim), mean, { rtol: 1e-12, atol: 1e-12 });
      for (let p = 0; p < nPoints; p++) {
        if (result.labels[p] !== c) continue;
        for (let d = 0; d < dim; d++) inertia += (data[p * dim + d] - mean[d]) ** 2;
      }
    }
    expectClose(result.inertia, inertia, { rtol: 1e-12 });
  });

  it('k-means++ seeds land in distinct far-apart clusters', () => {
    // Separation 1000 vs spread 1: a second seed in an already chosen cluster has probability
    // ~ 6/1e6 per draw under D² weighting, but 1/5 under uniform sampling.
    const far = CENTRES.map((c) => c.map((v) => 25 * v));
    const { data, truth, nPoints, dim } = blobs(4, far, 20);
    for (let seed = 0; seed < 20; seed++) {
      const centres = kmeansPlusPlusSeeds(data, nPoints, dim, CENTRES.length, new Rng(seed));
      const clusters = new Set<number>();
      for (let c = 0; c < CENTRES.length; c++) {
        // Each seed is a data point; find which one.
        let found = -1;
        for (let p = 0; p < nPoints && found < 0; p++) {
          let same = true;
          for (let d = 0; d < dim; d++) if (data[p * dim + d] !== centres[c * dim + d]) same = false;
          if (same) found = p;
        }
        expect(found).toBeGreaterThanOrEqual(0);
        clusters.add(truth[found]);
      }
      expect(clusters.size, `seed ${seed}: ${Array.from(centres).map(Math.round)}`).toBe(CENTRES.length);
    }
  });

  it('is deterministic for a seed and every point sits at its nearest centre', () => {
    const { data, nPoints, dim } = blobs(9, [[0, 0], [3, 0], [0, 3], [3, 3]], 25);
    const a = kmeans(data, nPoints, dim, 4, 123);
    const b = kmeans(data, nPoints, dim, 4, 123);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    expect(a.seed).toBe(123);
    for (let p = 0; p < nPoints; p++) {
      const own = a.labels[p];
      const dist = (c: number) => {
        let s = 0;
        for (let d = 0; d < dim; d++) s += (data[p * dim + d] - a.centroids[c * dim + d]) ** 2;
        return s;
      };
      for (let c = 0; c < 4; c++) expect(dist(own)).toBeLessThanOrEqual(dist(c) + 1e-12);
    }
  });

  it('with k = number of distinct points gives zero inertia; k = 1 gives the global mean', () => {
    const data = new Float64Array([0, 1, 5, 9, 12, 20]);
    const all = kmeans(data, 6, 1, 6, 1);
    expect(all.inertia).toBe(0);
    expect(new Set(all.labels).size).toBe(6);
    const one = kmeans(data, 6, 1, 1, 1);
    expectClose(one.centroids[0], 47 / 6, { rtol: 1e-14 });
  });

  it('rejects a bad k', () => {
    expect(() => kmeans(new Float64Array(4), 4, 1, 0, 1)).toThrow(RangeError);
    expect(() => kmeans(new Float64Array(4), 4, 1, 5, 1)).toThrow(RangeError);
  });
});
