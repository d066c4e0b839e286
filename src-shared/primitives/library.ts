/**
 * Motor primitives (model-spec §9) [GainLab definition of Fig. 4 and Supp. Figs. 3–4].
 *
 * A library holds l gain patterns g_k (learned for l targets) and their outputs m_k. For a novel
 * target m* and the output m(1) of the network with all gains 1:
 *   c = argmin_c ‖m(1) + Σ_k c_k (m_k − m(1)) − m*‖²        (least squares, Householder QR)
 *   fit           m(1) + Σ_k c_k (m_k − m(1)),   fit error    = E(fit, m*)
 *   combined gains g = 1 + Σ_k c_k (g_k − 1),    output error = E(network output with g, m*)
 * The fit is the first-order (in g − 1) prediction of the network output with g: the two agree
 * up to O(‖g − 1‖²), which is why a small fit error predicts a small output error.
 */
import { leastSquares } from '../linalg/qr.js';
import { normalisedError, TrialEvaluator } from '../model/dynamics.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import { Rng } from '../model/rng.js';
import { pearson } from '../analysis/statistics.js';
import { learnGains, type LearnedGains, type LearningRuleOptions, type LearnProgress } from './learn.js';

export interface PrimitiveLibrary {
  /** Number of patterns l. */
  size: number;
  n: number;
  channels: number;
  nSamples: number;
  /** l × n, row k = g_k. */
  gains: Float64Array;
  /** l × channels × nSamples, row k = m_k (channel-major). */
  outputs: Float64Array;
  /** l × channels × nSamples, the targets the patterns were learned for (zeros when unknown). */
  targets: Float64Array;
  /** Error of each pattern on its own target (NaN when unknown). */
  errors: Float64Array;
}

/** Output of the network with the given gains (channel-major). */
export function networkOutput(network: Network, params: DynamicsParams, gains: Float64Array, x0?: Float64Array): Float64Array {
  const dummy = new Float64Array(network.readout.channels * params.nSamples);
  const evaluator = new TrialEvaluator(network, params, dummy, { x0 });
  const out = new Float64Array(dummy.length);
  evaluator.run(gains, out);
  evaluator.dispose();
  return out;
}

/** m(1): the output with all gains 1. */
export function baselineOutput(network: Network, params: DynamicsParams, x0?: Float64Array): Float64Array {
  return networkOutput(network, params, new Float64Array(network.n).fill(1), x0);
}

/** A library from given gain patterns: outputs simulated here (batch of one TrialEvaluator). */
export function libraryFromPatterns(
  network: Network,
  params: DynamicsParams,
  patterns: readonly Float64Array[],
  targets?: readonly Float64Array[],
  errors?: ArrayLike<number>,
): PrimitiveLibrary {
  const n = network.n;
  const channels = network.readout.channels;
  const nSamples = params.nSamples;
  const length = channels * nSamples;
  const size = patterns.length;
  const gains = new Float64Array(size * n);
  const outputs = new Float64Array(size * length);
  const targetValues = new Float64Array(size * length);
  const errorValues = new Float64Array(size).fill(NaN);
  const evaluator = new TrialEvaluator(network, params, targets?.[0] ?? new Float64Array(length));
  const out = new Float64Array(length);
  patterns.forEach((g, k) => {
    if (g.length !== n) throw new RangeError(`pattern ${k} has ${g.length} gains, expected n = ${n}`);
    gains.set(g, k * n);
    if (targets) evaluator.setTarget(targets[k]);
    const e = evaluator.run(g, out);
    outputs.set(out, k * length);
    if (targets) {
      targetValues.set(targets[k], k * length);
      errorValues[k] = errors ? errors[k] : e;
    }
  });
  evaluator.dispose();
  return { size, n, channels, nSamples, gains, outputs, targets: targetValues, errors: errorValues };
}

/** Pattern k's gains (a view). */
export function libraryGains(library: PrimitiveLibrary, k: number): Float64Array {
  return library.gains.subarray(k * library.n, (k + 1) * library.n);
}

/** Pattern k's output (a view). */
export function libraryOutput(library: PrimitiveLibrary, k: number): Float64Array {
  const length = library.channels * library.nSamples;
  return library.outputs.subarray(k * length, (k + 1) * length);
}

/** The sub-library of the given pattern indices (copies). */
export function subLibrary(library: PrimitiveLibrary, indices: readonly number[]): PrimitiveLibrary {
  const { n, channels, nSamples } = library;
  const length = channels * nSamples;
  const size = indices.length;
  const gains = new Float64Array(size * n);
  const outputs = new Float64Array(size * length);
  const targets = new Float64Array(size * length);
  const errors = new Float64Array(size);
  indices.forEach((k, j) => {
    gains.set(library.gains.subarray(k * n, (k + 1) * n), j * n);
    outputs.set(library.outputs.subarray(k * length, (k + 1) * length), j * length);
    targets.set(library.targets.subarray(k * length, (k + 1) * length), j * length);
    errors[j] = library.errors[k];
  });
  return { size, n, channels, nSamples, gains, outputs, targets, errors };
}

export interface LearnLibraryProgress extends LearnProgress {
  pattern: number;
  patterns: number;
}

/**
 * Learn one gain pattern per target (reward rule by default), seeds Rng.derive(options.seed, k).
 * Stops early (returning the patterns finished so far) when shouldStop() turns true.
 */
export function learnLibrary(
  network: Network,
  params: DynamicsParams,
  targets: readonly Float64Array[],
  options: LearningRuleOptions = { rule: 'reward', seed: 1 },
  onProgress?: (progress: LearnLibraryProgress) => void,
  shouldStop?: () => boolean,
): PrimitiveLibrary & { runs: LearnedGains[] } {
  const runs: LearnedGains[] = [];
  for (let k = 0; k < targets.length; k++) {
    if (shouldStop?.()) break;
    const run = learnGains(
      network,
      params,
      [{ target: targets[k] }],
      { ...options, seed: Rng.derive(options.seed, k) },
      undefined,
      onProgress ? (p) => onProgress({ ...p, pattern: k, patterns: targets.length }) : undefined,
      shouldStop,
    );
    runs.push(run);
    if (run.stopped) break;
  }
  const library = libraryFromPatterns(
    network,
    params,
    runs.map((r) => r.gains),
    targets.slice(0, runs.length),
    runs.map((r) => r.bestError),
  );
  return { ...library, runs };
}

export interface PrimitiveFit {
  /** Least-squares coefficients c (length l). */
  coefficients: Float64Array;
  /** m(1) + Σ c_k (m_k − m(1)), channel-major. */
  fit: Float64Array;
  fitError: number;
}

/**
 * c = argmin ‖m(1) + Σ c_k (m_k − m(1)) − m*‖² by Householder QR. A rank-deficient design (e.g.
 * two identical patterns) falls back to a minimally damped problem (Tikhonov rows √δ·I with
 * δ = 1e-10 × the mean squared column norm), which picks the small-norm solution.
 */
export interface FitOptions {
  /**
   * Ridge penalty δ [GainLab option, default 0 = the plain least squares of model-spec §9]:
   * minimise ‖A c − b‖² + δ·s̄·‖c‖², s̄ = mean squared column norm of A (so δ is scale-free).
   * Keeps the coefficients, hence the combined gains' distance from 1, small: the fit is a
   * first-order prediction, accurate only while g − 1 stays small.
   */
  ridge?: number;
}

export function fitNovelTarget(library: PrimitiveLibrary, baseline: Float64Array, target: Float64Array, options: FitOptions = {}): PrimitiveFit {
  const length = library.channels * library.nSamples;
  const l = library.size;
  if (baseline.length !== length) throw new RangeError(`baseline has ${baseline.length} values, expected ${length}`);
  if (target.length !== length) throw new RangeError(`target has ${target.length} values, expected ${length}`);
  if (l < 1) throw new RangeError('fitNovelTarget: the library is empty');
  // Row-major design, rows = samples, columns = patterns.
  const design = new Float64Array(length * l);
  let columnNorms = 0;
  for (let k = 0; k < l; k++) {
    const row = k * length;
    for (let t = 0; t < length; t++) {
      const v = library.outputs[row + t] - baseline[t];
      design[t * l + k] = v;
      columnNorms += v * v;
    }
  }
  const rhs = new Float64Array(length);
  for (let t = 0; t < length; t++) rhs[t] = target[t] - baseline[t];
  let coefficients: Float64Array;
  const ridge = options.ridge ?? 0;
  if (!(ridge >= 0 && Number.isFinite(ridge))) throw new RangeError(`ridge must be a finite number ≥ 0, got ${ridge}`);
  try {
    if (ridge > 0) throw new Error('ridge');
    if (length < l) throw new Error('more patterns than samples');
    coefficients = leastSquares(design, length, l, rhs);
  } catch {
    const damping = Math.sqrt(Math.max(ridge, 1e-10) * Math.max(columnNorms / l, 1e-300));
    const rows = length + l;
    const augmented = new Float64Array(rows * l);
    augmented.set(design);
    for (let k = 0; k < l; k++) augmented[(length + k) * l + k] = damping;
    const augmentedRhs = new Float64Array(rows);
    augmentedRhs.set(rhs);
    coefficients = leastSquares(augmented, rows, l, augmentedRhs);
  }
  const fit = combineOutputs(library, baseline, coefficients);
  return { coefficients, fit, fitError: normalisedError(fit, target, library.channels, library.nSamples) };
}

/** m(1) + Σ c_k (m_k − m(1)). */
export function combineOutputs(library: PrimitiveLibrary, baseline: Float64Array, coefficients: ArrayLike<number>): Float64Array {
  const length = library.channels * library.nSamples;
  const out = Float64Array.from(baseline);
  for (let k = 0; k < library.size; k++) {
    const c = coefficients[k];
    if (c === 0) continue;
    const row = k * length;
    for (let t = 0; t < length; t++) out[t] += c * (library.outputs[row + t] - baseline[t]);
  }
  return out;
}

/** g = 1 + Σ c_k (g_k − 1). */
export function combineGains(library: PrimitiveLibrary, coefficients: ArrayLike<number>): Float64Array {
  const n = library.n;
  const g = new Float64Array(n).fill(1);
  for (let k = 0; k < library.size; k++) {
    const c = coefficients[k];
    if (c === 0) continue;
    const row = k * n;
    for (let i = 0; i < n; i++) g[i] += c * (library.gains[row + i] - 1);
  }
  return g;
}

export interface PrimitiveCombination extends PrimitiveFit {
  gains: Float64Array;
  output: Float64Array;
  outputError: number;
}

/** Fit, combined gains, and the network's output with them (model-spec §9). */
export function evaluateCombination(
  network: Network,
  params: DynamicsParams,
  library: PrimitiveLibrary,
  baseline: Float64Array,
  target: Float64Array,
  evaluator?: TrialEvaluator,
  fitOptions: FitOptions = {},
): PrimitiveCombination {
  const fit = fitNovelTarget(library, baseline, target, fitOptions);
  const gains = combineGains(library, fit.coefficients);
  const own = evaluator ?? new TrialEvaluator(network, params, target);
  if (evaluator) evaluator.setTarget(target);
  const output = new Float64Array(target.length);
  const outputError = own.run(gains, output);
  if (!evaluator) own.dispose();
  return { ...fit, gains, output, outputError };
}

export interface RefineResult {
  /** Learning from the combined gains. */
  refined: LearnedGains;
  /** Learning from g = 1 with the same rule and budget (the comparison curve). */
  scratch: LearnedGains | null;
}

/** Continue learning from the combined gains; optionally also from scratch for comparison. */
export function refineCombination(
  network: Network,
  params: DynamicsParams,
  combinedGains: Float64Array,
  target: Float64Array,
  options: LearningRuleOptions,
  compareWithScratch = true,
  shouldStop?: () => boolean,
): RefineResult {
  const refined = learnGains(network, params, [{ target }], options, combinedGains, undefined, shouldStop);
  const scratch = compareWithScratch ? learnGains(network, params, [{ target }], options, undefined, undefined, shouldStop) : null;
  return { refined, scratch };
}

export interface GainDistribution {
  /** Mean and standard deviation of the learned gains' deviations g − 1 (all patterns, all neurons). */
  mean: number;
  sd: number;
}

/** Normal fit (maximum likelihood: mean and population sd) to the deviations g − 1 of a library. */
export function gainDeviationDistribution(library: PrimitiveLibrary): GainDistribution {
  const values = library.gains;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] - 1;
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - 1 - mean) ** 2;
  return { mean, sd: Math.sqrt(sq / values.length) };
}

/**
 * Control library (Supp. Fig. 3c): l random gain patterns g = 1 + d, d_i ~ N(mean, sd²) from the
 * learned distribution, drawn per group (one value per group, as learned patterns are) when
 * groups are given, else per neuron. Outputs simulated.
 */
export function randomControlLibrary(
  network: Network,
  params: DynamicsParams,
  distribution: GainDistribution,
  size: number,
  seed: number,
  groups?: Int32Array,
): PrimitiveLibrary {
  const rng = new Rng(seed);
  const n = network.n;
  let groupCount = n;
  if (groups) {
    groupCount = 0;
    for (let i = 0; i < n; i++) groupCount = Math.max(groupCount, groups[i] + 1);
  }
  const patterns: Float64Array[] = [];
  const draws = new Float64Array(groupCount);
  for (let k = 0; k < size; k++) {
    for (let g = 0; g < groupCount; g++) draws[g] = rng.normal(distribution.mean, distribution.sd);
    const gains = new Float64Array(n);
    for (let i = 0; i < n; i++) gains[i] = 1 + draws[groups ? groups[i] : i];
    patterns.push(gains);
  }
  return libraryFromPatterns(network, params, patterns);
}

export interface SweepPoint {
  librarySize: number;
  fitErrors: Float64Array;
  outputErrors: Float64Array;
  /** Pearson correlation of fit and output errors, and of their log10 values. */
  correlation: number;
  logCorrelation: number;
}

export interface LibrarySweepOptions {
  /** Library sizes l to test (each ≤ pool size). */
  sizes: readonly number[];
  /** Random libraries (each with one novel target) per size. */
  repeats: number;
  seed: number;
  /** Ridge penalty of the fits (FitOptions; default 0). */
  ridge?: number;
}

/**
 * Supp. Figs. 3–4: for each l, `repeats` times draw a random l-subset of the pool library and a
 * novel target (from novelTargets, cycling), and record the fit and output errors.
 */
export function librarySweep(
  network: Network,
  params: DynamicsParams,
  pool: PrimitiveLibrary,
  baseline: Float64Array,
  novelTargets: readonly Float64Array[],
  options: LibrarySweepOptions,
  onProgress?: (done: number, total: number) => void,
  shouldStop?: () => boolean,
): SweepPoint[] {
  const rng = new Rng(options.seed);
  const evaluator = new TrialEvaluator(network, params, novelTargets[0]);
  const points: SweepPoint[] = [];
  const total = options.sizes.length * options.repeats;
  let done = 0;
  let targetIndex = 0;
  for (const l of options.sizes) {
    if (l > pool.size) throw new RangeError(`library size ${l} exceeds the pool of ${pool.size} patterns`);
    const fitErrors: number[] = [];
    const outputErrors: number[] = [];
    for (let r = 0; r < options.repeats; r++) {
      if (shouldStop?.()) break;
      const indices = rng.shuffle(Array.from({ length: pool.size }, (_, k) => k)).slice(0, l);
      const target = novelTargets[targetIndex++ % novelTargets.length];
      const combination = evaluateCombination(network, params, subLibrary(pool, indices), baseline, target, evaluator, { ridge: options.ridge });
      fitErrors.push(combination.fitError);
      outputErrors.push(combination.outputError);
      onProgress?.(++done, total);
    }
    points.push({
      librarySize: l,
      fitErrors: Float64Array.from(fitErrors),
      outputErrors: Float64Array.from(outputErrors),
      correlation: pearson(fitErrors, outputErrors),
      logCorrelation: pearson(fitErrors.map(Math.log10), outputErrors.map(Math.log10)),
    });
    if (shouldStop?.()) break;
  }
  evaluator.dispose();
  return points;
}

/** Pearson correlation: the shared statistics module's (NaN for fewer than 2 points or zero variance). */
export { pearson };
