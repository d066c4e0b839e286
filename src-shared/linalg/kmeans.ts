/**
 * k-means clustering with k-means++ seeding (Arthur & Vassilvitskii, SODA 2007) and Lloyd
 * iterations. Used by specialised modulatory groups (model-spec §7).
 *
 * Seeding: the first centre is a uniformly random point; each further centre is a point drawn
 * with probability proportional to D(x)², its squared distance to the nearest centre chosen so
 * far. Lloyd: assign every point to its nearest centre (ties → lowest index), move each centre to
 * the mean of its points; a centre that loses all its points is re-seeded at the point farthest
 * from its current centre (deterministic), so exactly k non-empty clusters come out whenever there
 * are at least k distinct points. Stops when no assignment changes or after maxIterations.
 *
 * Every random draw comes from the given Rng, so a seed fixes the result.
 * Data are row-major nPoints × dim: data[p * dim + d].
 */
import { Rng } from '../model/rng.js';

export interface KMeansOptions {
  /** Lloyd iterations at most; default 300. */
  maxIterations?: number;
  /** Independent k-means++ restarts; the lowest inertia wins. Default 1. */
  restarts?: number;
}

export interface KMeansResult {
  /** Cluster index 0..k−1 of every point. */
  labels: Int32Array;
  /** Row-major k × dim centres. */
  centroids: Float64Array;
  /** Sum of squared distances of points to their centres. */
  inertia: number;
  /** Lloyd iterations used by the winning restart. */
  iterations: number;
  /** Seed of the Rng when given as a number; the Rng's own seed otherwise. */
  seed: number;
}

function squaredDistance(data: Float64Array, p: number, centres: Float64Array, c: number, dim: number): number {
  let s = 0;
  const a = p * dim;
  const b = c * dim;
  for (let d = 0; d < dim; d++) {
    const diff = data[a + d] - centres[b + d];
    s += diff * diff;
  }
  return s;
}

/** k-means++ seeding: writes k centres into `centres`. */
export function kmeansPlusPlusSeeds(
  data: Float64Array,
  nPoints: number,
  dim: number,
  k: number,
  rng: Rng,
  centres: Float64Array = new Float64Array(k * dim),
): Float64Array {
  const nearest = new Float64Array(nPoints).fill(Infinity);
  let chosen = rng.int(nPoints);
  for (let c = 0; c < k; c++) {
    centres.set(data.subarray(chosen * dim, chosen * dim + dim), c * dim);
    if (c === k - 1) break;
    let total = 0;
    for (let p = 0; p < nPoints; p++) {
      const d = squaredDistance(data, p, centres, c, dim);
      if (d < nearest[p]) nearest[p] = d;
      total += nearest[p];
    }
    if (total <= 0) {
      // Every point coincides with a centre already: any choice is as good; take a uniform one.
      chosen = rng.int(nPoints);
      continue;
    }
    let threshold = rng.uniform() * total;
    chosen = -1;
    for (let p = 0; p < nPoints; p++) {
      threshold -= nearest[p];
      if (threshold < 0 && nearest[p] > 0) {
        chosen = p;
        break;
      }
    }
    if (chosen < 0) {
      // Rounding left the threshold at the very end: take the last point with positive weight.
      for (let p = nPoints - 1; p >= 0; p--) {
        if (nearest[p] > 0) {
          chosen = p;
          break;
        }
      }
    }
  }
  return centres;
}

function lloyd(
  data: Float64Array,
  nPoints: number,
  dim: number,
  k: number,
  centres: Float64Array,
  labels: Int32Array,
  maxIterations: number,
): { inertia: number; iterations: number } {
  const counts = new Int32Array(k);
  const distances = new Float64Array(nPoints);
  labels.fill(-1);
  let iterations = 0;
  for (;;) {
    let changed = false;
    for (let p = 0; p < nPoints; p++) {
      let best = 0;
      let bestDistance = Infinity;
      for (let c = 0; c < k; c++) {
        const d = squaredDistance(data, p, centres, c, dim);
        if (d < bestDistance) {
          bestDistance = d;
          best = c;
        }
      }
      distances[p] = bestDistance;
      if (labels[p] !== best) {
        labels[p] = best;
        changed = true;
      }
    }
    if (!changed || iterations >= maxIterations) break;
    iterations++;
    centres.fill(0);
    counts.fill(0);
    for (let p = 0; p < nPoints; p++) {
      const c = labels[p];
      counts[c]++;
      const a = p * dim;
      const b = c * dim;
      for (let d = 0; d < dim; d++) centres[b + d] += data[a + d];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // Empty cluster: move its centre to the point currently worst served.
        let far = 0;
        for (let p = 1; p < nPoints; p++) if (distances[p] > distances[far]) far = p;
        centres.set(data.subarray(far * dim, far * dim + dim), c * dim);
        distances[far] = 0;
        continue;
      }
      const inv = 1 / counts[c];
      for (let d = 0; d < dim; d++) centres[c * dim + d] *= inv;
    }
  }
  let inertia = 0;
  for (let p = 0; p < nPoints; p++) inertia += distances[p];
  return { inertia, iterations };
}

export function kmeans(
  data: Float64Array,
  nPoints: number,
  dim: number,
  k: number,
  seedOrRng: number | Rng,
  options: KMeansOptions = {},
): KMeansResult {
  if (!Number.isInteger(k) || k < 1 || k > nPoints) {
    throw new RangeError(`kmeans: k must be an integer in [1, ${nPoints}], got ${k}`);
  }
  if (!Number.isInteger(dim) || dim < 1 || data.length < nPoints * dim) {
    throw new RangeError(`kmeans: data has ${data.length} values, needs ${nPoints} × ${dim}`);
  }
  const rng = typeof seedOrRng === 'number' ? new Rng(seedOrRng) : seedOrRng;
  const maxIterations = options.maxIterations ?? 300;
  const restarts = Math.max(1, options.restarts ?? 1);
  let best: KMeansResult | null = null;
  for (let r = 0; r < restarts; r++) {
    const centres = kmeansPlusPlusSeeds(data, nPoints, dim, k, rng);
    const labels = new Int32Array(nPoints);
    const { inertia, iterations } = lloyd(data, nPoints, dim, k, centres, labels, maxIterations);
    if (best === null || inertia < best.inertia) {
      best = { labels, centroids: centres, inertia, iterations, seed: rng.seed };
    }
  }
  return best!;
}
