/**
 * Motor primitives (model-spec §9) [GainLab definition of Fig. 4 and Supp. Figs. 3–4].
 *
 * A library holds l gain patterns g_k (learned for l targets) and their outputs m_k. For a novel
 * target m* and the output m(1) of the network with all gains 1:
 *   c = argmin_c ‖m(1) + Σ_k c_k (m_k − m(1)) − m*‖² + δ·s̄·‖c‖²
 *   fit           m(1) + Σ_k c_k (m_k − m(1)),   fit error    = E(fit, m*)
 *   combined gains g = 1 + Σ_k c_k (g_k − 1),    output error = E(network output with g, m*)
 *
 * Why the output error can be far from the fit error: expanding the output to second order,
 * m(g) − fit = Σ_k c_k O(‖g_k − 1‖²) − O(‖g − 1‖²): the remainder does NOT vanish with g − 1 —
 * each pattern's own second-order term enters multiplied by its coefficient. Learned patterns
 * are far from 1 (|g − 1| up to ~0.5), so with the large coefficients of plain least squares
 * (|c| ≫ 1, cancelling each other) the remainders add up: on a 200-neuron network the median fit
 * error is 0.0115 but the output error 2.07. The default combination ('bounded-coefficients',
 * GainLab definition 'primitives-combination') therefore bounds the coefficients, Σ_k |c_k| ≤ 2,
 * by the smallest ridge δ that meets the bound: the accumulated remainder Σ_k c_k r_k is then at
 * most twice the largest single pattern's (measured on the published network with 20 reward-rule
 * patterns, l = 3…20: median output / median fit error 1.04–1.9, Pearson r 0.96–0.995, where
 * plain least squares gives ratios up to 10⁷ and r ≈ 0).
 */
import { leastSquares } from '../linalg/qr.js';
import { symmetricEigen } from '../linalg/symmetricEigen.js';
import { normalisedError, TrialEvaluator } from '../model/dynamics.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import { Rng } from '../model/rng.js';
import { runRewardRuleSessions } from '../model/rewardRule.js';
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

/** Reward-rule patterns learned together in lockstep batches of this many targets. */
export const LIBRARY_BATCH = 10;

/**
 * Learn one gain pattern per target (reward rule by default), seeds Rng.derive(options.seed, k).
 * The reward rule learns up to LIBRARY_BATCH patterns in lockstep (one batched pass over W per
 * trial, runRewardRuleSessions with one target per session); each pattern is what learnGains
 * alone would give with the same seed (up to the batch kernel's rounding). Stops early
 * (returning the patterns finished so far) when shouldStop() turns true.
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
  if (options.rule === 'reward') {
    for (let k0 = 0; k0 < targets.length; k0 += LIBRARY_BATCH) {
      if (shouldStop?.()) break;
      const chunk = targets.slice(k0, k0 + LIBRARY_BATCH);
      const seeds = chunk.map((_, j) => Rng.derive(options.seed, k0 + j));
      const trials = options.trials ?? 5000;
      const result = runRewardRuleSessions(
        network,
        params,
        chunk,
        { sessions: chunk.length, sessionSeeds: seeds, seed: options.seed, trials, sigma: options.sigma, alpha: options.alpha, groups: options.groups, progressEvery: 100 },
        onProgress ? (p) => onProgress({ step: p.trial, steps: p.trials, bestError: p.bestError, pattern: k0, patterns: targets.length }) : undefined,
        shouldStop,
      );
      result.sessions.forEach((session, j) =>
        runs.push({ gains: session.bestGains, errors: session.errors, bestError: session.bestError, output: session.bestOutput, rule: 'reward', seed: seeds[j], stopped: session.stopped }),
      );
      if (result.stopped) break;
    }
  } else {
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

/** How coefficients are chosen (GainLab definition 'primitives-combination'). */
export type CombinationRule = 'bounded-coefficients' | 'least-squares';

export const COMBINATION_RULES: readonly CombinationRule[] = ['bounded-coefficients', 'least-squares'];

/** The default combination rule of every primitives experiment and the app. */
export const DEFAULT_COMBINATION_RULE: CombinationRule = 'bounded-coefficients';

/** Bound on Σ_k |c_k| of the 'bounded-coefficients' rule. */
export const COEFFICIENT_BOUND = 2;

export interface FitOptions {
  /**
   * 'bounded-coefficients' (default): least squares when Σ|c_k| ≤ COEFFICIENT_BOUND, else the
   * smallest ridge δ whose coefficients meet the bound. 'least-squares': plain least squares.
   */
  rule?: CombinationRule;
  /**
   * A fixed ridge penalty δ instead of the rule: minimise ‖A c − b‖² + δ·s̄·‖c‖², s̄ = mean
   * squared column norm of A (so δ is scale-free).
   */
  ridge?: number;
}

export interface PrimitiveFit {
  /** Coefficients c (length l). */
  coefficients: Float64Array;
  /** m(1) + Σ c_k (m_k − m(1)), channel-major. */
  fit: Float64Array;
  fitError: number;
  /** Ridge δ used (0 = plain least squares). */
  ridge: number;
  /** Σ_k |c_k|. */
  coefficientSum: number;
  /** ‖Σ c_k (g_k − 1)‖: how far the combined gains are from 1. */
  gainDeviation: number;
}

/**
 * A library prepared for fitting many targets (one per call of fit): the design A (columns
 * m_k − m(1)) and the eigen-decomposition AᵀA = V Λ Vᵀ, so that for any δ > 0 the ridge
 * coefficients c(δ) = V (Λ + δ s̄)⁻¹ Vᵀ Aᵀ b cost O(l²): the bisection on δ costs far less than
 * the one simulation of the combined gains.
 */
export class LibraryCombiner {
  readonly library: PrimitiveLibrary;
  readonly baseline: Float64Array;
  readonly length: number;
  readonly size: number;
  /** Mean squared column norm s̄ of A (scales δ). */
  readonly columnScale: number;
  private readonly design: Float64Array;
  private readonly eigenvalues: Float64Array;
  private readonly eigenvectors: Float64Array;
  /** n × l, column k = g_k − 1. */
  private readonly deviations: Float64Array;

  constructor(library: PrimitiveLibrary, baseline: Float64Array) {
    const length = library.channels * library.nSamples;
    const l = library.size;
    if (baseline.length !== length) throw new RangeError(`baseline has ${baseline.length} values, expected ${length}`);
    if (l < 1) throw new RangeError('the library is empty');
    this.library = library;
    this.baseline = baseline;
    this.length = length;
    this.size = l;
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
    this.design = design;
    this.columnScale = Math.max(columnNorms / l, 1e-300);
    const gram = new Float64Array(l * l);
    for (let t = 0; t < length; t++) {
      const r = t * l;
      for (let i = 0; i < l; i++) {
        const a = design[r + i];
        if (a === 0) continue;
        for (let j = i; j < l; j++) gram[i * l + j] += a * design[r + j];
      }
    }
    for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) gram[i * l + j] = gram[j * l + i];
    const eig = symmetricEigen(gram, l);
    this.eigenvalues = eig.values;
    this.eigenvectors = eig.vectors;
    const n = library.n;
    const deviations = new Float64Array(n * l);
    for (let k = 0; k < l; k++) for (let i = 0; i < n; i++) deviations[i * l + k] = library.gains[k * n + i] - 1;
    this.deviations = deviations;
  }

  /** ‖Σ c_k (g_k − 1)‖ of given coefficients. */
  deviationNorm(coefficients: ArrayLike<number>): number {
    const { size: l, library } = this;
    let ss = 0;
    for (let i = 0; i < library.n; i++) {
      let d = 0;
      for (let k = 0; k < l; k++) d += this.deviations[i * l + k] * coefficients[k];
      ss += d * d;
    }
    return Math.sqrt(ss);
  }

  fit(target: Float64Array, options: FitOptions = {}): PrimitiveFit {
    const { length, size: l } = this;
    if (target.length !== length) throw new RangeError(`target has ${target.length} values, expected ${length}`);
    const rhs = new Float64Array(length);
    for (let t = 0; t < length; t++) rhs[t] = target[t] - this.baseline[t];
    let coefficients: Float64Array;
    let ridge: number;
    if (options.ridge !== undefined) {
      if (!(options.ridge >= 0 && Number.isFinite(options.ridge))) throw new RangeError(`ridge must be a finite number ≥ 0, got ${options.ridge}`);
      ridge = options.ridge;
      coefficients = ridge > 0 ? this.ridgeCoefficients(this.projectedRhs(rhs), ridge) : this.leastSquares(rhs);
    } else {
      const rule = options.rule ?? DEFAULT_COMBINATION_RULE;
      coefficients = this.leastSquares(rhs);
      ridge = 0;
      if (rule === 'bounded-coefficients' && absoluteSum(coefficients) > COEFFICIENT_BOUND) {
        const z = this.projectedRhs(rhs);
        // Σ|c(δ)| falls towards 0 as δ grows: bisection on log10 δ for the smallest δ meeting
        // the bound (to a factor 1.01 in δ).
        let lo = -14;
        let hi = 0;
        while (absoluteSum(this.ridgeCoefficients(z, 10 ** hi)) > COEFFICIENT_BOUND && hi < 12) hi += 2;
        for (let it = 0; it < 60 && hi - lo > 0.004; it++) {
          const mid = 0.5 * (lo + hi);
          if (absoluteSum(this.ridgeCoefficients(z, 10 ** mid)) > COEFFICIENT_BOUND) lo = mid;
          else hi = mid;
        }
        ridge = 10 ** hi;
        coefficients = this.ridgeCoefficients(z, ridge);
      }
    }
    void l;
    const fit = combineOutputs(this.library, this.baseline, coefficients);
    return {
      coefficients,
      fit,
      fitError: normalisedError(fit, target, this.library.channels, this.library.nSamples),
      ridge,
      coefficientSum: absoluteSum(coefficients),
      gainDeviation: this.deviationNorm(coefficients),
    };
  }

  /** Plain least squares by Householder QR; a rank-deficient design falls back to a minimal damping (δ = 1e-10). */
  private leastSquares(rhs: Float64Array): Float64Array {
    const { length, size: l } = this;
    try {
      if (length < l) throw new Error('more patterns than samples');
      const c = leastSquares(this.design, length, l, rhs);
      if (!c.every(Number.isFinite)) throw new Error('rank deficient');
      return c;
    } catch {
      return this.ridgeCoefficients(this.projectedRhs(rhs), 1e-10);
    }
  }

  /** z = Vᵀ Aᵀ b. */
  private projectedRhs(rhs: Float64Array): Float64Array {
    const { length, size: l } = this;
    const atb = new Float64Array(l);
    for (let t = 0; t < length; t++) {
      const b = rhs[t];
      if (b === 0) continue;
      for (let k = 0; k < l; k++) atb[k] += this.design[t * l + k] * b;
    }
    const z = new Float64Array(l);
    const V = this.eigenvectors;
    for (let q = 0; q < l; q++) {
      let sum = 0;
      for (let k = 0; k < l; k++) sum += V[k * l + q] * atb[k];
      z[q] = sum;
    }
    return z;
  }

  /** y_q = z_q / (λ_q + δ s̄), in the eigenbasis. */
  private shrunk(z: Float64Array, ridge: number): Float64Array {
    const lambda = ridge * this.columnScale;
    return Float64Array.from(z, (zq, q) => zq / (Math.max(this.eigenvalues[q], 0) + lambda));
  }

  private ridgeCoefficients(z: Float64Array, ridge: number): Float64Array {
    const y = this.shrunk(z, ridge);
    const l = this.size;
    const V = this.eigenvectors;
    const c = new Float64Array(l);
    for (let k = 0; k < l; k++) {
      let sum = 0;
      for (let q = 0; q < l; q++) sum += V[k * l + q] * y[q];
      c[k] = sum;
    }
    return c;
  }
}

function absoluteSum(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.abs(values[i]);
  return sum;
}

/** Coefficients, fit and fit error of one target (see LibraryCombiner; build one combiner to fit many targets). */
export function fitNovelTarget(library: PrimitiveLibrary, baseline: Float64Array, target: Float64Array, options: FitOptions = {}): PrimitiveFit {
  return new LibraryCombiner(library, baseline).fit(target, options);
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
  library: PrimitiveLibrary | LibraryCombiner,
  baseline: Float64Array,
  target: Float64Array,
  evaluator?: TrialEvaluator,
  fitOptions: FitOptions = {},
): PrimitiveCombination {
  const combiner = library instanceof LibraryCombiner ? library : new LibraryCombiner(library, baseline);
  const fit = combiner.fit(target, fitOptions);
  library = combiner.library;
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

/** Pearson correlation: the shared statistics module's (NaN for fewer than 2 points or zero variance). */
export { pearson };
