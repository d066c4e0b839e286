/**
 * The analyses of a finished training run (model-spec §11; paper Figs. 1–3): each function takes
 * the network, dynamics and the sessions' results and returns plain data (typed arrays) with a
 * `toCsv()` for its data. Nothing here trains; the simulations are single trials (Simulator /
 * TrialEvaluator) except the noisy-x0 sweep.
 *
 * "Before" means all gains 1 (the untrained network), "after" the session's best gains.
 */
import { computeOutput, normalisedError, Simulator, TrialEvaluator } from '../model/dynamics.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import { sampleTimes } from '../model/params.js';
import { Rng } from '../model/rng.js';
import { eigenvalues } from '../linalg/schur.js';
import {
  boxStats,
  columnsToCsv,
  correlationMatrix,
  fitNormal,
  histogram,
  matrixToCsv,
  mean,
  normalPdf,
  pearson,
  sd,
  wilcoxonSignedRank,
  type BoxStats,
  type Histogram,
  type NormalFit,
  type WilcoxonResult,
} from './statistics.js';

/** What the analyses need from one training session (RewardRuleResult and gradient results fit). */
export interface SessionOutcome {
  /** Error per trial/iteration (index 0 = before training). */
  errors: Float64Array;
  bestGains: Float64Array;
  bestError: number;
  /** Channel-major output of the best gains. */
  bestOutput: Float64Array;
}

export interface FinishedRun {
  network: Network;
  params: DynamicsParams;
  /** Channel-major target the sessions learned. */
  target: Float64Array;
  sessions: readonly SessionOutcome[];
}

function ones(n: number): Float64Array {
  return new Float64Array(n).fill(1);
}

function bestSessionIndex(run: FinishedRun): number {
  let best = 0;
  run.sessions.forEach((s, k) => {
    if (s.bestError < run.sessions[best].bestError) best = k;
  });
  return best;
}

// ---------------------------------------------------------------------------------------------
// Best output vs target
// ---------------------------------------------------------------------------------------------

export interface BestOutputAnalysis {
  session: number;
  error: number;
  channels: number;
  times: Float64Array;
  /** channel-major */
  output: Float64Array;
  target: Float64Array;
  /** Output with all gains 1 (before training), channel-major. */
  initialOutput: Float64Array;
  initialError: number;
  toCsv(): string;
}

export function bestOutputVsTarget(run: FinishedRun): BestOutputAnalysis {
  const { network, params, target } = run;
  const session = bestSessionIndex(run);
  const channels = network.readout.channels;
  const evaluator = new TrialEvaluator(network, params, target);
  const initialOutput = new Float64Array(channels * params.nSamples);
  const initialError = evaluator.run(ones(network.n), initialOutput);
  const output = new Float64Array(channels * params.nSamples);
  const error = evaluator.run(run.sessions[session].bestGains, output);
  evaluator.dispose();
  const times = sampleTimes(params);
  return {
    session,
    error,
    channels,
    times,
    output,
    target,
    initialOutput,
    initialError,
    toCsv() {
      const columns: Record<string, ArrayLike<number>> = { time_ms: times };
      for (let c = 0; c < channels; c++) {
        const slice = (a: Float64Array) => a.subarray(c * params.nSamples, (c + 1) * params.nSamples);
        columns[`target_${c}`] = slice(target);
        columns[`output_best_${c}`] = slice(output);
        columns[`output_initial_${c}`] = slice(initialOutput);
      }
      return columnsToCsv(columns);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Error box plot across sessions
// ---------------------------------------------------------------------------------------------

export interface ErrorBoxAnalysis {
  initialErrors: Float64Array;
  finalErrors: Float64Array;
  initial: BoxStats;
  final: BoxStats;
  toCsv(): string;
}

/** Box-plot statistics of the sessions' errors before training and their best errors. */
export function errorBoxPlot(run: FinishedRun): ErrorBoxAnalysis {
  const initialErrors = Float64Array.from(run.sessions, (s) => s.errors[0]);
  const finalErrors = Float64Array.from(run.sessions, (s) => s.bestError);
  return {
    initialErrors,
    finalErrors,
    initial: boxStats(initialErrors),
    final: boxStats(finalErrors),
    toCsv: () => columnsToCsv({ session: Float64Array.from(run.sessions, (_, k) => k), initial_error: initialErrors, final_error: finalErrors }),
  };
}

// ---------------------------------------------------------------------------------------------
// Gain distribution with a fitted normal
// ---------------------------------------------------------------------------------------------

export interface GainDistributionAnalysis {
  /** All sessions' best gains, session after session. */
  gains: Float64Array;
  histogram: Histogram;
  fit: NormalFit;
  /** Fitted normal density at the bin centres and on a fine grid for an overlay. */
  pdfX: Float64Array;
  pdfY: Float64Array;
  toCsv(): string;
}

export function gainDistribution(run: FinishedRun, bins = 30): GainDistributionAnalysis {
  const n = run.network.n;
  const gains = new Float64Array(run.sessions.length * n);
  run.sessions.forEach((s, k) => gains.set(s.bestGains.subarray(0, n), k * n));
  const hist = histogram(gains, bins);
  const fit = fitNormal(gains);
  const points = 200;
  const lo = hist.edges[0];
  const hi = hist.edges[bins];
  const pdfX = Float64Array.from({ length: points }, (_, k) => lo + ((hi - lo) * k) / (points - 1));
  const pdfY = pdfX.map((x) => (fit.sigma > 0 ? normalPdf(x, fit.mu, fit.sigma) : NaN));
  return {
    gains,
    histogram: hist,
    fit,
    pdfX,
    pdfY,
    toCsv: () =>
      columnsToCsv({
        bin_left: hist.edges.subarray(0, bins),
        bin_right: hist.edges.subarray(1),
        count: hist.counts,
        density: hist.density,
        normal_pdf_at_centre: Float64Array.from({ length: bins }, (_, b) => (fit.sigma > 0 ? normalPdf(0.5 * (hist.edges[b] + hist.edges[b + 1]), fit.mu, fit.sigma) : NaN)),
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Firing rates and neuron-neuron correlations before/after
// ---------------------------------------------------------------------------------------------

export interface RatesAnalysis {
  n: number;
  nSamples: number;
  times: Float64Array;
  /** nSamples × n time-major, all gains 1. */
  before: Float64Array;
  /** nSamples × n time-major, the best session's gains. */
  after: Float64Array;
  session: number;
  toCsv(which: 'before' | 'after'): string;
}

/** Firing rates (time × neuron) of one trial with the given gains. */
export function simulateRates(network: Network, params: DynamicsParams, gains: Float64Array, x0?: Float64Array): Float64Array {
  const simulator = new Simulator(network, params);
  const rates = new Float64Array(params.nSamples * network.n);
  simulator.run(gains, undefined, rates, x0);
  simulator.dispose();
  return rates;
}

export function firingRates(run: FinishedRun, session = bestSessionIndex(run)): RatesAnalysis {
  const { network, params } = run;
  const before = simulateRates(network, params, ones(network.n));
  const after = simulateRates(network, params, run.sessions[session].bestGains);
  return {
    n: network.n,
    nSamples: params.nSamples,
    times: sampleTimes(params),
    before,
    after,
    session,
    toCsv: (which) => matrixToCsv(which === 'before' ? before : after, params.nSamples, network.n, 'neuron'),
  };
}

export interface CorrelationMatricesAnalysis {
  n: number;
  /** n × n Pearson correlations between neurons' rates over time, all gains 1. */
  before: Float64Array;
  after: Float64Array;
  /** Mean of the off-diagonal |r| before/after. */
  meanAbsBefore: number;
  meanAbsAfter: number;
  toCsv(which: 'before' | 'after'): string;
}

function meanAbsOffDiagonal(matrix: Float64Array, n: number): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const v = matrix[i * n + j];
      if (Number.isFinite(v)) {
        sum += Math.abs(v);
        count++;
      }
    }
  return count ? sum / count : NaN;
}

export function neuronCorrelations(rates: RatesAnalysis): CorrelationMatricesAnalysis {
  const { n, nSamples } = rates;
  const before = correlationMatrix(rates.before, nSamples, n);
  const after = correlationMatrix(rates.after, nSamples, n);
  return {
    n,
    before,
    after,
    meanAbsBefore: meanAbsOffDiagonal(before, n),
    meanAbsAfter: meanAbsOffDiagonal(after, n),
    toCsv: (which) => matrixToCsv(which === 'before' ? before : after, n, n, 'neuron'),
  };
}

// ---------------------------------------------------------------------------------------------
// Correlations between the sessions' trained gain patterns
// ---------------------------------------------------------------------------------------------

export interface GainPatternCorrelationAnalysis {
  sessions: number;
  /** K × K Pearson correlations between sessions' gain patterns. */
  matrix: Float64Array;
  /** The K(K−1)/2 off-diagonal values (i < j). */
  pairs: Float64Array;
  histogram: Histogram;
  toCsv(): string;
}

export function gainPatternCorrelations(run: FinishedRun, bins = 20): GainPatternCorrelationAnalysis {
  const K = run.sessions.length;
  const n = run.network.n;
  const matrix = new Float64Array(K * K);
  const pairs: number[] = [];
  const pairI: number[] = [];
  const pairJ: number[] = [];
  for (let i = 0; i < K; i++) {
    matrix[i * K + i] = 1;
    for (let j = i + 1; j < K; j++) {
      const r = pearson(run.sessions[i].bestGains.subarray(0, n), run.sessions[j].bestGains.subarray(0, n));
      matrix[i * K + j] = r;
      matrix[j * K + i] = r;
      pairs.push(r);
      pairI.push(i);
      pairJ.push(j);
    }
  }
  const values = Float64Array.from(pairs);
  return {
    sessions: K,
    matrix,
    pairs: values,
    histogram: histogram(values, bins, [-1, 1]),
    toCsv: () => columnsToCsv({ session_a: pairI, session_b: pairJ, pearson_r: values }),
  };
}

// ---------------------------------------------------------------------------------------------
// Eigenvalues of the linearisation
// ---------------------------------------------------------------------------------------------

/**
 * Eigenvalues of the linearisation about x = 0, A = (−I + W·diag(g))/τ (model-spec §11; f'(0) = g
 * for both gain functions), in units of 1/ms.
 */
export function linearisationEigenvalues(W: Float64Array, n: number, gains: ArrayLike<number>, tau: number): { re: Float64Array; im: Float64Array } {
  const A = new Float64Array(n * n);
  const inv = 1 / tau;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) A[i * n + j] = W[i * n + j] * gains[j] * inv;
    A[i * n + i] -= inv;
  }
  return eigenvalues(A, n);
}

export interface EigenvalueAnalysis {
  before: { re: Float64Array; im: Float64Array };
  after: { re: Float64Array; im: Float64Array };
  maxRealBefore: number;
  maxRealAfter: number;
  session: number;
  toCsv(): string;
}

export function eigenvalueAnalysis(run: FinishedRun, session = bestSessionIndex(run)): EigenvalueAnalysis {
  const { network, params } = run;
  const before = linearisationEigenvalues(network.W, network.n, ones(network.n), params.tau);
  const after = linearisationEigenvalues(network.W, network.n, run.sessions[session].bestGains, params.tau);
  return {
    before,
    after,
    maxRealBefore: Math.max(...before.re),
    maxRealAfter: Math.max(...after.re),
    session,
    toCsv: () => columnsToCsv({ re_before: before.re, im_before: before.im, re_after: after.re, im_after: after.im }),
  };
}

// ---------------------------------------------------------------------------------------------
// Output error under noisy x0
// ---------------------------------------------------------------------------------------------

export interface NoiseRobustnessOptions {
  /** SNR values in dB (default 0, 5, …, 40). */
  snrDb?: number[];
  /** Noisy initial conditions per SNR (default 1000). */
  samples?: number;
  seed: number;
  shouldStop?: () => boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface NoiseRobustnessAnalysis {
  snrDb: Float64Array;
  /** Mean and sd (ddof 1) of the error over the samples at each SNR. */
  meanError: Float64Array;
  sdError: Float64Array;
  /** Error with the clean x0. */
  cleanError: number;
  samples: number;
  seed: number;
  stopped: boolean;
  toCsv(): string;
}

/**
 * Error of the output with the given gains when x0 is corrupted by white Gaussian noise:
 * x0 + σ·ξ with σ² = P / 10^(SNR/10), P = mean(x0²) (the signal power per neuron). For every SNR,
 * `samples` independent noise draws from one Rng(seed) (SNRs in the order given).
 */
export function noisyInitialConditionError(
  network: Network,
  params: DynamicsParams,
  target: Float64Array,
  gains: Float64Array,
  options: NoiseRobustnessOptions,
): NoiseRobustnessAnalysis {
  const snrDb = Float64Array.from(options.snrDb ?? [0, 5, 10, 15, 20, 25, 30, 35, 40]);
  const samples = options.samples ?? 1000;
  const n = network.n;
  const rng = new Rng(options.seed);
  const evaluator = new TrialEvaluator(network, params, target);
  const cleanError = evaluator.run(gains);
  let power = 0;
  for (let i = 0; i < n; i++) power += network.x0[i] * network.x0[i];
  power /= n;
  const noisy = new Float64Array(n);
  evaluator.setInitialCondition(noisy);
  const meanError = new Float64Array(snrDb.length).fill(NaN);
  const sdError = new Float64Array(snrDb.length).fill(NaN);
  const errors = new Float64Array(samples);
  let stopped = false;
  for (let s = 0; s < snrDb.length && !stopped; s++) {
    const sigma = Math.sqrt(power / 10 ** (snrDb[s] / 10));
    let done = 0;
    for (; done < samples; done++) {
      if (options.shouldStop?.()) {
        stopped = true;
        break;
      }
      for (let i = 0; i < n; i++) noisy[i] = network.x0[i] + sigma * rng.normal();
      errors[done] = evaluator.run(gains);
    }
    if (done > 0) {
      meanError[s] = mean(errors.subarray(0, done));
      sdError[s] = done > 1 ? sd(errors.subarray(0, done)) : 0;
    }
    options.onProgress?.(s + 1, snrDb.length);
  }
  evaluator.dispose();
  return {
    snrDb,
    meanError,
    sdError,
    cleanError,
    samples,
    seed: options.seed,
    stopped,
    toCsv: () => columnsToCsv({ snr_db: snrDb, mean_error: meanError, sd_error: sdError }),
  };
}

// ---------------------------------------------------------------------------------------------
// Correlation of each neuron's rate with the target
// ---------------------------------------------------------------------------------------------

export interface RateTargetCorrelationAnalysis {
  n: number;
  /** Pearson r of each neuron's rate with the target (channel 0), all gains 1. */
  before: Float64Array;
  /** sessions × n: r with each session's best gains. */
  after: Float64Array;
  /** Per session: mean over neurons of |r| before (the same network, so one value) and after. */
  meanAbsBefore: Float64Array;
  meanAbsAfter: Float64Array;
  /**
   * Paired one-sided Wilcoxon signed-rank test across sessions (H1: mean |r| after > before);
   * see wilcoxonSignedRank for the p reported (exact for ≤ 50 untied pairs).
   */
  wilcoxon: WilcoxonResult;
  toCsv(): string;
}

function meanAbs(values: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++)
    if (Number.isFinite(values[i])) {
      sum += Math.abs(values[i]);
      count++;
    }
  return count ? sum / count : NaN;
}

/** Pearson r between each neuron's rate (time-major nSamples × n) and a signal of nSamples. */
export function rateSignalCorrelations(rates: Float64Array, nSamples: number, n: number, signal: ArrayLike<number>): Float64Array {
  const column = new Float64Array(nSamples);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < nSamples; k++) column[k] = rates[k * n + i];
    out[i] = pearson(column, signal);
  }
  return out;
}

export function rateTargetCorrelation(run: FinishedRun): RateTargetCorrelationAnalysis {
  const { network, params, target } = run;
  const n = network.n;
  const nSamples = params.nSamples;
  const signal = target.subarray(0, nSamples);
  const simulator = new Simulator(network, params);
  const rates = new Float64Array(nSamples * n);
  simulator.run(ones(n), undefined, rates);
  const before = rateSignalCorrelations(rates, nSamples, n, signal);
  const K = run.sessions.length;
  const after = new Float64Array(K * n);
  for (let k = 0; k < K; k++) {
    simulator.run(run.sessions[k].bestGains, undefined, rates);
    after.set(rateSignalCorrelations(rates, nSamples, n, signal), k * n);
  }
  simulator.dispose();
  const meanAbsBefore = new Float64Array(K).fill(meanAbs(before));
  const meanAbsAfter = Float64Array.from({ length: K }, (_, k) => meanAbs(after.subarray(k * n, (k + 1) * n)));
  return {
    n,
    before,
    after,
    meanAbsBefore,
    meanAbsAfter,
    wilcoxon: wilcoxonSignedRank(meanAbsAfter, meanAbsBefore, { alternative: 'greater' }),
    toCsv: () => {
      const columns: Record<string, ArrayLike<number>> = { neuron: Float64Array.from({ length: n }, (_, i) => i), r_before: before };
      for (let k = 0; k < K; k++) columns[`r_after_s${k}`] = after.subarray(k * n, (k + 1) * n);
      return columnsToCsv(columns);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Everything at once
// ---------------------------------------------------------------------------------------------

export interface RunAnalyses {
  bestOutput: BestOutputAnalysis;
  errorBox: ErrorBoxAnalysis;
  gainDistribution: GainDistributionAnalysis;
  rates: RatesAnalysis;
  correlations: CorrelationMatricesAnalysis;
  gainPatterns: GainPatternCorrelationAnalysis;
  eigenvalues: EigenvalueAnalysis;
  noise: NoiseRobustnessAnalysis;
  rateTarget: RateTargetCorrelationAnalysis;
}

export interface RunAnalysesOptions {
  noiseSamples?: number;
  snrDb?: number[];
  seed?: number;
  onProgress?: (message: string) => void;
  shouldStop?: () => boolean;
}

export function analyseRun(run: FinishedRun, options: RunAnalysesOptions = {}): RunAnalyses {
  const progress = options.onProgress ?? (() => {});
  progress('analyses: best output, errors, gains');
  const bestOutput = bestOutputVsTarget(run);
  const errorBox = errorBoxPlot(run);
  const gains = gainDistribution(run);
  progress('analyses: rates and correlations');
  const rates = firingRates(run, bestOutput.session);
  const correlations = neuronCorrelations(rates);
  const gainPatterns = gainPatternCorrelations(run);
  progress('analyses: eigenvalues');
  const eig = eigenvalueAnalysis(run, bestOutput.session);
  progress(`analyses: noisy x0 (${options.noiseSamples ?? 1000} samples per SNR)`);
  const noise = noisyInitialConditionError(run.network, run.params, run.target, run.sessions[bestOutput.session].bestGains, {
    seed: options.seed ?? 1,
    samples: options.noiseSamples,
    snrDb: options.snrDb,
    shouldStop: options.shouldStop,
  });
  progress('analyses: rate-target correlations');
  const rateTarget = rateTargetCorrelation(run);
  return { bestOutput, errorBox, gainDistribution: gains, rates, correlations, gainPatterns, eigenvalues: eig, noise, rateTarget };
}

/** Output of one trial (channel-major) — small helper for callers that only have rates. */
export function outputOf(network: Network, params: DynamicsParams, rates: Float64Array): Float64Array {
  return computeOutput(rates, params.nSamples, network.n, network.nE, network.readout);
}

export { normalisedError };
