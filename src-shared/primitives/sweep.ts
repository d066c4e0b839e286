/**
 * Library sweeps of Fig. 4 and Supp. Figs. 3–4 (model-spec §9): for each library size l, random
 * l-element libraries drawn from a pool of learned gain patterns, each fitted to every novel
 * target (LibraryCombiner, GainLab definition 'primitives-combination'), the combined gains
 * simulated in batches (BatchTrialEvaluator, one target per slot). The result keeps the whole
 * libraries × targets matrices of fit and output errors, from which the legends' statistics
 * follow:
 *   per library  the 50th-smallest error over the targets          (Supp. 3g, 4b)
 *   per target   the 50th-smallest error over the libraries        (Supp. 3h)
 *   Pearson r of fit and output errors (raw, not log) over the libraries / over the targets
 *                                                                   (Supp. 3i–j, 4c–d)
 * ("50th-smallest of 100" generalises to the k-th smallest with k = ⌈count / 2⌉.)
 * Library j of size l draws its patterns from Rng(Rng.derive(seed, l·100003 + j)), so a size's
 * libraries do not depend on which other sizes are swept.
 */
import { median, pearson } from '../analysis/statistics.js';
import { BatchTrialEvaluator } from '../model/batchSimulator.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import { Rng } from '../model/rng.js';
import { combineGains, LibraryCombiner, subLibrary, type FitOptions, type PrimitiveLibrary } from './library.js';

export interface SweepSize {
  librarySize: number;
  libraries: number;
  targets: number;
  /** Pattern indices of every library (libraries × l). */
  members: number[][];
  /** libraries × targets, row-major. */
  fitErrors: Float64Array;
  outputErrors: Float64Array;
  /** Supp. 3g: per library, the k-th smallest error over the targets. */
  perLibraryFit: Float64Array;
  perLibraryOutput: Float64Array;
  /** Supp. 3h: per target, the k-th smallest error over the libraries. */
  perTargetFit: Float64Array;
  perTargetOutput: Float64Array;
  /** Supp. 3i / 3j: Pearson r (raw errors) of the per-library and the per-target values. */
  correlationOverLibraries: number;
  correlationOverTargets: number;
  /** Medians of the per-library values (Fig. 4d, Supp. 3d). */
  medianFit: number;
  medianOutput: number;
}

export interface SweepOptions {
  sizes: readonly number[];
  libraries: number;
  seed: number;
  fit?: FitOptions;
  /** Slots per batched simulation (default 10). */
  batch?: number;
}

/** The k-th smallest (1-based) of the finite values. */
export function kthSmallest(values: ArrayLike<number>, k: number): number {
  const sorted = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length, Math.max(1, k)) - 1];
}

/** The legends' "50th-smallest of 100": k = ⌈count / 2⌉. */
export function middleRank(count: number): number {
  return Math.max(1, Math.ceil(count / 2));
}

/**
 * The middle rank as a figure title says it: "50th-smallest of 100" (the paper's), "3rd-smallest
 * of 6" (a quick run: the title says what was computed, not the paper's 50th).
 */
export function middleRankText(count: number): string {
  const k = middleRank(count);
  const teen = k % 100 >= 11 && k % 100 <= 13;
  const suffix = teen ? 'th' : k % 10 === 1 ? 'st' : k % 10 === 2 ? 'nd' : k % 10 === 3 ? 'rd' : 'th';
  return `${k}${suffix}-smallest of ${count}`;
}

export function libraryMembers(poolSize: number, l: number, j: number, seed: number): number[] {
  const rng = new Rng(Rng.derive(seed >>> 0, l * 100003 + j));
  return rng.shuffle(Array.from({ length: poolSize }, (_, k) => k)).slice(0, l).sort((a, b) => a - b);
}

/** One library size: every library fitted to every target, outputs simulated in batches. */
export function sweepSize(
  network: Network,
  params: DynamicsParams,
  pool: PrimitiveLibrary,
  baseline: Float64Array,
  targets: readonly Float64Array[],
  l: number,
  options: Omit<SweepOptions, 'sizes'>,
  shouldStop?: () => boolean,
): SweepSize | null {
  if (l > pool.size) throw new RangeError(`library size ${l} exceeds the pool of ${pool.size} patterns`);
  const L = options.libraries;
  const T = targets.length;
  const B = Math.max(1, Math.min(options.batch ?? 10, T));
  const evaluator = new BatchTrialEvaluator(network, params, targets.slice(0, B).concat(Array.from({ length: Math.max(0, B - T) }, () => targets[0])), B);
  const fitErrors = new Float64Array(L * T);
  const outputErrors = new Float64Array(L * T);
  const members: number[][] = [];
  const errors = new Float64Array(B);
  const gains: Float64Array[] = Array.from({ length: B }, () => new Float64Array(network.n).fill(1));
  for (let j = 0; j < L; j++) {
    if (shouldStop?.()) return null;
    const indices = libraryMembers(pool.size, l, j, options.seed);
    members.push(indices);
    const library = subLibrary(pool, indices);
    const combiner = new LibraryCombiner(library, baseline);
    for (let t0 = 0; t0 < T; t0 += B) {
      const count = Math.min(B, T - t0);
      for (let s = 0; s < count; s++) {
        const fit = combiner.fit(targets[t0 + s], options.fit);
        fitErrors[j * T + t0 + s] = fit.fitError;
        gains[s] = combineGains(library, fit.coefficients);
        evaluator.setTarget(s, targets[t0 + s]);
      }
      evaluator.errors(gains, errors);
      for (let s = 0; s < count; s++) outputErrors[j * T + t0 + s] = errors[s];
    }
  }
  const kT = middleRank(T);
  const kL = middleRank(L);
  const perLibraryFit = Float64Array.from({ length: L }, (_, j) => kthSmallest(fitErrors.subarray(j * T, (j + 1) * T), kT));
  const perLibraryOutput = Float64Array.from({ length: L }, (_, j) => kthSmallest(outputErrors.subarray(j * T, (j + 1) * T), kT));
  const column = (m: Float64Array, t: number) => Float64Array.from({ length: L }, (_, j) => m[j * T + t]);
  const perTargetFit = Float64Array.from({ length: T }, (_, t) => kthSmallest(column(fitErrors, t), kL));
  const perTargetOutput = Float64Array.from({ length: T }, (_, t) => kthSmallest(column(outputErrors, t), kL));
  return {
    librarySize: l,
    libraries: L,
    targets: T,
    members,
    fitErrors,
    outputErrors,
    perLibraryFit,
    perLibraryOutput,
    perTargetFit,
    perTargetOutput,
    correlationOverLibraries: pearson(perLibraryFit, perLibraryOutput),
    correlationOverTargets: pearson(perTargetFit, perTargetOutput),
    medianFit: median(perLibraryFit),
    medianOutput: median(perLibraryOutput),
  };
}
