/**
 * Modulatory groups (model-spec §7): which gain each neuron shares. Labels are 0-based group
 * indices, one per neuron; G = N with every label once is neuron-specific modulation.
 */
import { kmeans } from '../linalg/kmeans.js';
import { Rng } from './rng.js';

/**
 * Random groups [paper code, train_neuronal_gains.m]:
 *   group_index = repmat(1:G, 1, round(N/G));
 *   if shorter than N: fill the rest with randsample(1:G, rest)   (distinct labels, no replacement)
 *   group_index = randsample(group_index, N)                      (random N of them, random order)
 * When round(N/G)·G > N the final draw keeps a random N of the labels, so a group can then have
 * one copy fewer (or, rarely, none) — exactly as in the paper's code. E and I neurons are mixed.
 */
export function randomGroups(n: number, G: number, rng: Rng): Int32Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`randomGroups: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(G) || G < 1 || G > n) {
    throw new RangeError(`randomGroups: the number of groups must be an integer in [1, ${n}], got ${G}`);
  }
  const copies = Math.round(n / G);
  const pool: number[] = [];
  for (let r = 0; r < copies; r++) for (let g = 0; g < G; g++) pool.push(g);
  if (pool.length < n) {
    // randsample(1:G, k): k distinct labels — the first k of a random permutation.
    const labels = rng.shuffle(Array.from({ length: G }, (_, g) => g));
    for (let i = 0; pool.length < n; i++) pool.push(labels[i]);
  }
  // randsample(pool, n) without replacement = the first n of a random permutation.
  rng.shuffle(pool);
  return Int32Array.from(pool.slice(0, n));
}


/** Neuron-specific modulation: neuron i is its own group i. */
export function neuronSpecificGroups(n: number): Int32Array {
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i;
  return labels;
}

export interface SpecialisedGroupsOptions {
  /** k-means++ restarts (best inertia kept); default 10. */
  restarts?: number;
  maxIterations?: number;
}

/** Gain changes of n neurons across several movements. */
export type GainChanges =
  /** one vector of gain changes (length n) per training movement */
  | readonly Float64Array[]
  /** row-major n × movements matrix: data[i * movements + k] = change of neuron i in movement k */
  | { data: Float64Array; n: number; movements: number };

/**
 * Specialised groups [GainLab definition]: each neuron is described by its gain changes (g − 1)
 * across the training movements and the neurons are clustered by k-means (k-means++ seeding,
 * fixed seed) into G groups. Labels are renumbered by first appearance (neuron 0 is in group 0,
 * ...) so equal partitions give equal labels.
 */
export function specialisedGroups(
  gainChanges: GainChanges,
  G: number,
  seed: number,
  options: SpecialisedGroupsOptions = {},
): Int32Array {
  let data: Float64Array;
  let n: number;
  let movements: number;
  if (Array.isArray(gainChanges)) {
    const patterns = gainChanges as readonly Float64Array[];
    movements = patterns.length;
    if (movements === 0) throw new RangeError('specialisedGroups: needs at least one training movement');
    n = patterns[0].length;
    data = new Float64Array(n * movements);
    patterns.forEach((pattern, k) => {
      if (pattern.length !== n) throw new RangeError(`specialisedGroups: pattern ${k} has ${pattern.length} gains, expected ${n}`);
      for (let i = 0; i < n; i++) data[i * movements + k] = pattern[i];
    });
  } else {
    ({ data, n, movements } = gainChanges as { data: Float64Array; n: number; movements: number });
    if (data.length !== n * movements) {
      throw new RangeError(`specialisedGroups: gain changes hold ${data.length} values, expected ${n} × ${movements}`);
    }
  }
  if (!Number.isInteger(G) || G < 1 || G > n) {
    throw new RangeError(`specialisedGroups: the number of groups must be an integer in [1, ${n}], got ${G}`);
  }
  const { labels } = kmeans(data, n, movements, G, new Rng(seed), {
    restarts: options.restarts ?? 10,
    maxIterations: options.maxIterations,
  });
  const renumber = new Int32Array(G).fill(-1);
  let next = 0;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (renumber[label] < 0) renumber[label] = next++;
    out[i] = renumber[label];
  }
  return out;
}

/** Number of groups a label vector uses (max label + 1). */
export function groupCount(labels: Int32Array): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i];
  return max + 1;
}
