/**
 * The analyses of a finished training run (model-spec §11; paper Figs. 1–3, Supp. Fig. 1a–e): the
 * one pipeline behind `gainlab experiment fig1`, the reproduction report and the app's Analyses
 * view (its Web Worker calls analyseRun and noiseRobustness from here). Each function returns
 * plain data (typed arrays and numbers, no functions), so a result crosses a worker boundary as
 * is; runAnalysesCsv writes the CSV texts.
 *
 * Conventions, defined once here:
 * - "before" means the run's starting gains (all 1 unless the run started elsewhere), "after" a
 *   session's best gains; the best session is the one with the lowest best error.
 * - SD is the sample standard deviation (n − 1; statistics.ts `sd`). The normal fit to the gains
 *   is the maximum-likelihood fit (σ with n), a fitted parameter rather than a spread.
 * - Random streams: the noisy initial conditions of SNR index s come from
 *   Rng(Rng.derive(noiseSeed, s)) with noiseSeed = analysisNoiseSeed(the run's training seed), so
 *   the same run gives the same numbers wherever it is analysed.
 */
import { computeOutput, normalisedError, Simulator } from '../model/dynamics.js';
import { BatchSimulator } from '../model/batchSimulator.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import { sampleTimes } from '../model/params.js';
import { Rng } from '../model/rng.js';
import { eigenvalues } from '../linalg/schur.js';
import { sessionNumber, sessionNumbers } from '../formats/sessionNumbers.js';
import { perSecond } from '../plots/format.js';
import {
  boxStats,
  columnsToCsv,
  correlationMatrix,
  fitNormal,
  histogram,
  neuronMatrixCsv,
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
  errors: ArrayLike<number>;
  bestGains: Float64Array;
  bestError: number;
}

export interface FinishedRun {
  network: Network;
  params: DynamicsParams;
  /** Channel-major target the sessions learned. */
  target: Float64Array;
  sessions: readonly SessionOutcome[];
  /** Gains the sessions started from ("before"); default all 1. */
  initialGains?: Float64Array;
}

/** SNR grid of the noise-robustness analysis (dB), the app's and the experiments' default. */
export const DEFAULT_SNR_DB: readonly number[] = [0, 5, 10, 15, 20, 25, 30, 35, 40];

/** Stream index of the noisy initial conditions, derived from a run's training seed. */
const NOISE_STREAM = 0x6e6f6973; // 'nois'

/** Seed of the noise-robustness samples of a run trained with `runSeed`. */
export function analysisNoiseSeed(runSeed: number): number {
  return Rng.derive(runSeed >>> 0, NOISE_STREAM);
}

function startingGains(run: FinishedRun): Float64Array {
  return run.initialGains ?? new Float64Array(run.network.n).fill(1);
}

/** Session indices ordered by best error, lowest first (ties by index). */
export function sessionsByError(run: FinishedRun): number[] {
  return run.sessions.map((_, k) => k).sort((a, b) => run.sessions[a].bestError - run.sessions[b].bestError || a - b);
}

export function bestSessionIndex(run: FinishedRun): number {
  return sessionsByError(run)[0] ?? 0;
}

/** One trial: time-major rates (nSamples × n) and the channel-major output. */
function simulate(simulator: Simulator, network: Network, params: DynamicsParams, gains: Float64Array): { rates: Float64Array; output: Float64Array } {
  const rates = new Float64Array(simulator.run(gains).rates);
  return { rates, output: computeOutput(rates, params.nSamples, network.n, network.nE, network.readout) };
}

// ---------------------------------------------------------------------------------------------
// Best output vs target
// ---------------------------------------------------------------------------------------------

export interface BestOutputAnalysis {
  session: number;
  error: number;
  channels: number;
  nSamples: number;
  times: Float64Array;
  /** channel-major */
  output: Float64Array;
  target: Float64Array;
  /** Output with the starting gains, channel-major, and its error. */
  initialOutput: Float64Array;
  initialError: number;
}

// ---------------------------------------------------------------------------------------------
// Error box plot across sessions
// ---------------------------------------------------------------------------------------------

export interface ErrorBoxAnalysis {
  initialErrors: Float64Array;
  finalErrors: Float64Array;
  initial: BoxStats;
  final: BoxStats;
}

/** Box-plot statistics of the sessions' errors before training and their best errors. */
export function errorBoxPlot(run: FinishedRun): ErrorBoxAnalysis {
  const initialErrors = Float64Array.from(run.sessions, (s) => s.errors[0]);
  const finalErrors = Float64Array.from(run.sessions, (s) => s.bestError);
  return { initialErrors, finalErrors, initial: boxStats(initialErrors), final: boxStats(finalErrors) };
}

// ---------------------------------------------------------------------------------------------
// Gain distribution with a fitted normal (Fig. 1e) and gain positivity
// ---------------------------------------------------------------------------------------------

export interface GainDistributionAnalysis {
  /** All sessions' best gains, session after session. */
  gains: Float64Array;
  histogram: Histogram;
  fit: NormalFit;
  /** Fitted normal density on a fine grid over the histogram's range (an overlay). */
  pdfX: Float64Array;
  pdfY: Float64Array;
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
  return { gains, histogram: hist, fit, pdfX, pdfY };
}

export interface GainPositivityAnalysis {
  /** Negative gains in each session's best pattern (GainLab definition 'gain-positivity'). */
  negativePerSession: number[];
  totalNegative: number;
  minGain: number;
}

export function gainPositivity(gainSets: readonly ArrayLike<number>[]): GainPositivityAnalysis {
  let minGain = Infinity;
  const negativePerSession = gainSets.map((g) => {
    let count = 0;
    for (let i = 0; i < g.length; i++) {
      if (g[i] < 0) count++;
      if (g[i] < minGain) minGain = g[i];
    }
    return count;
  });
  return { negativePerSession, totalNegative: negativePerSession.reduce((a, b) => a + b, 0), minGain };
}

// ---------------------------------------------------------------------------------------------
// Firing rates and neuron-neuron correlations (Fig. 2, Supp. Fig. 1b)
// ---------------------------------------------------------------------------------------------

export interface RatesAnalysis {
  n: number;
  nSamples: number;
  times: Float64Array;
  /** nSamples × n time-major, starting gains. */
  before: Float64Array;
  /** nSamples × n time-major, the best session's gains. */
  after: Float64Array;
  session: number;
}

/** Firing rates (time × neuron) of one trial with the given gains. */
export function simulateRates(network: Network, params: DynamicsParams, gains: Float64Array, x0?: Float64Array): Float64Array {
  const simulator = new Simulator(network, params);
  const rates = new Float64Array(params.nSamples * network.n);
  simulator.run(gains, undefined, rates, x0);
  simulator.dispose();
  return rates;
}

export interface CorrelationPattern {
  session: number;
  /** n × n Pearson correlations between neurons' rates over time. */
  matrix: Float64Array;
  /** Mean off-diagonal |r|. */
  meanAbs: number;
}

export interface CorrelationMatricesAnalysis {
  n: number;
  /** Starting gains. */
  before: Float64Array;
  meanAbsBefore: number;
  /** Supp. Fig. 1b: two trained patterns (the best and the second-best session; one when there is one session). */
  patterns: CorrelationPattern[];
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

// ---------------------------------------------------------------------------------------------
// Correlations between the sessions' trained gain patterns (Supp. Fig. 1c)
// ---------------------------------------------------------------------------------------------

export interface GainPatternCorrelationAnalysis {
  sessions: number;
  /** K × K Pearson correlations between sessions' gain patterns. */
  matrix: Float64Array;
  /** The K(K−1)/2 off-diagonal values (i < j), with their session pairs. */
  pairs: Float64Array;
  pairA: number[];
  pairB: number[];
  histogram: Histogram;
}

export function gainPatternCorrelations(run: FinishedRun, bins = 20): GainPatternCorrelationAnalysis {
  const K = run.sessions.length;
  const n = run.network.n;
  const matrix = new Float64Array(K * K);
  const pairs: number[] = [];
  const pairA: number[] = [];
  const pairB: number[] = [];
  for (let i = 0; i < K; i++) {
    matrix[i * K + i] = 1;
    for (let j = i + 1; j < K; j++) {
      const r = pearson(run.sessions[i].bestGains.subarray(0, n), run.sessions[j].bestGains.subarray(0, n));
      matrix[i * K + j] = r;
      matrix[j * K + i] = r;
      pairs.push(r);
      pairA.push(i);
      pairB.push(j);
    }
  }
  const values = Float64Array.from(pairs);
  return { sessions: K, matrix, pairs: values, pairA, pairB, histogram: histogram(values, bins, [-1, 1]) };
}

// ---------------------------------------------------------------------------------------------
// Eigenvalues (Fig. 3, Supp. Fig. 1a)
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

/** Largest real part of the spectrum of W·diag(g) (Supp. Fig. 1a): τ·max Re λ(linearisation) + 1. */
export function spectralAbscissaOfGainedWeights(W: Float64Array, n: number, gains: ArrayLike<number>): number {
  const e = linearisationEigenvalues(W, n, gains, 1);
  let max = -Infinity;
  for (const v of e.re) if (v > max) max = v;
  return max + 1;
}

export interface EigenvalueAnalysis {
  /** Spectra of the linearisation (1/ms) with the starting gains and the best session's gains. */
  before: { re: Float64Array; im: Float64Array };
  after: { re: Float64Array; im: Float64Array };
  maxRealBefore: number;
  maxRealAfter: number;
  session: number;
  /** Supp. Fig. 1a: max Re λ(W·diag(g)) with the starting gains, and per session after training. */
  abscissaBefore: number;
  abscissaAfter: Float64Array;
}

// ---------------------------------------------------------------------------------------------
// Noise robustness (Supp. Fig. 1d)
// ---------------------------------------------------------------------------------------------

/**
 * x0 + white Gaussian noise at `snrDb` relative to x0's power (model-spec §3): noise variance
 * mean(x0²) / 10^(snrDb/10). Writes into `out` when given.
 */
export function noisyInitialCondition(x0: Float64Array, snrDb: number, rng: Rng, out = new Float64Array(x0.length)): Float64Array {
  let power = 0;
  for (let i = 0; i < x0.length; i++) power += x0[i] * x0[i];
  power /= x0.length;
  const sigma = Math.sqrt(power / 10 ** (snrDb / 10));
  for (let i = 0; i < x0.length; i++) out[i] = x0[i] + sigma * rng.normal();
  return out;
}

export interface NoiseRobustnessOptions {
  /** SNR values in dB (default DEFAULT_SNR_DB). */
  snrDb?: readonly number[];
  /** Noisy initial conditions per SNR (the paper: 1000). */
  samples: number;
  /** Seed of the noise (analysisNoiseSeed(run seed) for a training run). */
  seed: number;
  shouldStop?: () => boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface MeanSd {
  mean: Float64Array;
  sd: Float64Array;
}

export interface NoiseRobustnessAnalysis {
  snrDb: Float64Array;
  samples: number;
  seed: number;
  /** Trained patterns included (every session's best gains). */
  patterns: number;
  /**
   * Per SNR: the error E(noisy output, noise-free output) with the starting gains (paper: gains 1,
   * blue) and pooled over all trained patterns and samples (red); mean and SD (n − 1).
   */
  before: MeanSd;
  after: MeanSd;
  /** patterns × SNRs: mean error of each trained pattern. */
  perPatternMean: Float64Array;
  /** SNRs done completely (fewer when stopped). */
  completed: number;
  stopped: boolean;
}

/**
 * Supp. Fig. 1d [GainLab definition 'noise-robustness']: for every SNR, `samples` noisy initial
 * conditions (stream Rng(Rng.derive(seed, s)) for SNR index s) drive the network with the
 * starting gains and with every session's best gains (one batched pass per sample); each noisy
 * output is compared with the noise-free output of the same gains by the paper's error E.
 */
export function noiseRobustness(run: FinishedRun, options: NoiseRobustnessOptions): NoiseRobustnessAnalysis {
  const { network, params } = run;
  const snrDb = Float64Array.from(options.snrDb ?? DEFAULT_SNR_DB);
  const samples = options.samples;
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`noise robustness: samples must be a positive integer, got ${samples}`);
  const gainSets = [startingGains(run), ...run.sessions.map((s) => s.bestGains)];
  const slots = gainSets.length;
  const K = slots - 1;
  const channels = network.readout.channels;
  const length = channels * params.nSamples;
  const batch = new BatchSimulator(network, params, slots);
  // Noise-free outputs of every gain set.
  batch.run(gainSets);
  const clean = gainSets.map((_, s) => batch.output(s, new Float64Array(length)));
  const noisy = new Float64Array(network.n);
  const x0s = gainSets.map(() => noisy);
  const output = new Float64Array(length);
  const S = snrDb.length;
  const before: MeanSd = { mean: new Float64Array(S).fill(NaN), sd: new Float64Array(S).fill(NaN) };
  const after: MeanSd = { mean: new Float64Array(S).fill(NaN), sd: new Float64Array(S).fill(NaN) };
  const perPatternMean = new Float64Array(K * S).fill(NaN);
  const beforeErrors = new Float64Array(samples);
  const afterErrors = new Float64Array(samples * K);
  let completed = 0;
  let stopped = false;
  for (let s = 0; s < S && !stopped; s++) {
    const rng = new Rng(Rng.derive(options.seed >>> 0, s));
    for (let d = 0; d < samples; d++) {
      if (options.shouldStop?.()) {
        stopped = true;
        break;
      }
      noisyInitialCondition(network.x0, snrDb[s], rng, noisy);
      batch.run(gainSets, x0s);
      beforeErrors[d] = normalisedError(batch.output(0, output), clean[0], channels, params.nSamples);
      for (let k = 0; k < K; k++) afterErrors[k * samples + d] = normalisedError(batch.output(k + 1, output), clean[k + 1], channels, params.nSamples);
    }
    if (stopped) break;
    before.mean[s] = mean(beforeErrors);
    before.sd[s] = samples > 1 ? sd(beforeErrors) : 0;
    if (K > 0) {
      after.mean[s] = mean(afterErrors);
      after.sd[s] = afterErrors.length > 1 ? sd(afterErrors) : 0;
      for (let k = 0; k < K; k++) perPatternMean[k * S + s] = mean(afterErrors.subarray(k * samples, (k + 1) * samples));
    }
    completed = s + 1;
    options.onProgress?.(s + 1, S);
  }
  return { snrDb, samples, seed: options.seed, patterns: K, before, after, perPatternMean, completed, stopped };
}

// ---------------------------------------------------------------------------------------------
// Correlation of each neuron's rate with the target (Supp. Fig. 1e)
// ---------------------------------------------------------------------------------------------

export interface ExampleNeuron {
  /** GainLab definition 'example-neuron': the largest RMS change of its rate, best session. */
  index: number;
  rmsChange: number;
  rBefore: number;
  rAfter: number;
  rateBefore: Float64Array;
  rateAfter: Float64Array;
}

export interface RateTargetCorrelationAnalysis {
  n: number;
  /** Pearson r of each neuron's rate with the target (channel 0), starting gains. */
  before: Float64Array;
  /** sessions × n: r with each session's best gains. */
  after: Float64Array;
  /** Mean over neurons of r (signed), starting gains and per session after. */
  meanBefore: number;
  meanAfter: Float64Array;
  /**
   * Paired one-sided Wilcoxon signed-rank test across sessions (H1: mean r after > before);
   * see wilcoxonSignedRank for the p reported (exact for ≤ 50 untied pairs).
   */
  wilcoxon: WilcoxonResult;
  /** Best session: per-neuron change r_after − r_before, and the example neuron. */
  session: number;
  change: Float64Array;
  example: ExampleNeuron;
}

/** Mean of the finite values (a neuron with a constant rate has no correlation). */
function finiteMean(values: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++)
    if (Number.isFinite(values[i])) {
      sum += values[i];
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

function neuronTrace(rates: Float64Array, nSamples: number, n: number, i: number): Float64Array {
  return Float64Array.from({ length: nSamples }, (_, k) => rates[k * n + i]);
}

// ---------------------------------------------------------------------------------------------
// Everything at once
// ---------------------------------------------------------------------------------------------

export interface RunAnalyses {
  bestOutput: BestOutputAnalysis;
  errorBox: ErrorBoxAnalysis;
  gainDistribution: GainDistributionAnalysis;
  gainPositivity: GainPositivityAnalysis;
  rates: RatesAnalysis;
  correlations: CorrelationMatricesAnalysis;
  gainPatterns: GainPatternCorrelationAnalysis;
  eigenvalues: EigenvalueAnalysis;
  rateTarget: RateTargetCorrelationAnalysis;
  /** Present when analyseRun was asked for it (options.noise). */
  noise: NoiseRobustnessAnalysis | null;
}

export interface RunAnalysesOptions {
  /** Noise robustness (Supp. Fig. 1d) as part of the run's analyses; omitted: not computed. */
  noise?: NoiseRobustnessOptions;
  onProgress?: (message: string) => void;
  shouldStop?: () => boolean;
}

/**
 * Every analysis of a finished run. Simulations: the starting gains and every session's best
 * gains once each (rates kept for the rate-based analyses), plus the noise-robustness samples
 * when asked for.
 */
export function analyseRun(run: FinishedRun, options: RunAnalysesOptions = {}): RunAnalyses {
  const progress = options.onProgress ?? (() => {});
  const { network, params, target } = run;
  const { n, nE } = network;
  const nSamples = params.nSamples;
  const channels = network.readout.channels;
  const K = run.sessions.length;
  if (K < 1) throw new RangeError('analyses need at least one session');
  const order = sessionsByError(run);
  const best = order[0];
  const startGains = startingGains(run);

  progress('analyses: simulating the starting and the trained gains');
  const simulator = new Simulator(network, params);
  const start = simulate(simulator, network, params, startGains);
  const trained = run.sessions.map((s) => simulate(simulator, network, params, s.bestGains));
  simulator.dispose();

  const times = sampleTimes(params);
  const bestOutput: BestOutputAnalysis = {
    session: best,
    error: normalisedError(trained[best].output, target, channels, nSamples),
    channels,
    nSamples,
    times,
    output: trained[best].output,
    target,
    initialOutput: start.output,
    initialError: normalisedError(start.output, target, channels, nSamples),
  };
  const rates: RatesAnalysis = { n, nSamples, times, before: start.rates, after: trained[best].rates, session: best };

  progress('analyses: correlations');
  const correlationBefore = correlationMatrix(start.rates, nSamples, n);
  const correlations: CorrelationMatricesAnalysis = {
    n,
    before: correlationBefore,
    meanAbsBefore: meanAbsOffDiagonal(correlationBefore, n),
    patterns: order.slice(0, 2).map((session) => {
      const matrix = correlationMatrix(trained[session].rates, nSamples, n);
      return { session, matrix, meanAbs: meanAbsOffDiagonal(matrix, n) };
    }),
  };

  const signal = target.subarray(0, nSamples);
  const rBefore = rateSignalCorrelations(start.rates, nSamples, n, signal);
  const rAfter = new Float64Array(K * n);
  for (let k = 0; k < K; k++) rAfter.set(rateSignalCorrelations(trained[k].rates, nSamples, n, signal), k * n);
  const meanBefore = finiteMean(rBefore);
  const meanAfter = Float64Array.from({ length: K }, (_, k) => finiteMean(rAfter.subarray(k * n, (k + 1) * n)));
  const change = Float64Array.from({ length: n }, (_, i) => rAfter[best * n + i] - rBefore[i]);
  let example = 0;
  let exampleRms = -Infinity;
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let k = 0; k < nSamples; k++) ss += (trained[best].rates[k * n + i] - start.rates[k * n + i]) ** 2;
    const rms = Math.sqrt(ss / nSamples);
    if (rms > exampleRms) {
      exampleRms = rms;
      example = i;
    }
  }
  const rateTarget: RateTargetCorrelationAnalysis = {
    n,
    before: rBefore,
    after: rAfter,
    meanBefore,
    meanAfter,
    wilcoxon: wilcoxonSignedRank(meanAfter, new Float64Array(K).fill(meanBefore), { alternative: 'greater' }),
    session: best,
    change,
    example: {
      index: example,
      rmsChange: exampleRms,
      rBefore: rBefore[example],
      rAfter: rAfter[best * n + example],
      rateBefore: neuronTrace(start.rates, nSamples, n, example),
      rateAfter: neuronTrace(trained[best].rates, nSamples, n, example),
    },
  };

  progress('analyses: eigenvalues');
  const before = linearisationEigenvalues(network.W, n, startGains, params.tau);
  const after = linearisationEigenvalues(network.W, n, run.sessions[best].bestGains, params.tau);
  const maxOf = (v: Float64Array) => v.reduce((m, x) => (x > m ? x : m), -Infinity);
  const eigen: EigenvalueAnalysis = {
    before,
    after,
    maxRealBefore: maxOf(before.re),
    maxRealAfter: maxOf(after.re),
    session: best,
    abscissaBefore: params.tau * maxOf(before.re) + 1,
    abscissaAfter: Float64Array.from(run.sessions, (s, k) => (k === best ? params.tau * maxOf(after.re) + 1 : spectralAbscissaOfGainedWeights(network.W, n, s.bestGains))),
  };

  let noise: NoiseRobustnessAnalysis | null = null;
  if (options.noise) {
    progress(`analyses: noisy x0 (${options.noise.samples} samples per SNR, ${K + 1} gain patterns)`);
    noise = noiseRobustness(run, { ...options.noise, shouldStop: options.noise.shouldStop ?? options.shouldStop });
  }
  void nE;
  return {
    bestOutput,
    errorBox: errorBoxPlot(run),
    gainDistribution: gainDistribution(run),
    gainPositivity: gainPositivity(run.sessions.map((s) => s.bestGains)),
    rates,
    correlations,
    gainPatterns: gainPatternCorrelations(run),
    eigenvalues: eigen,
    rateTarget,
    noise,
  };
}

// ---------------------------------------------------------------------------------------------
// CSV texts of the analyses (the data behind every figure)
// ---------------------------------------------------------------------------------------------

export function noiseRobustnessCsv(noise: NoiseRobustnessAnalysis): string {
  const columns: Record<string, ArrayLike<number>> = {
    snr_db: noise.snrDb,
    mean_error_gains_start: noise.before.mean,
    sd_error_gains_start: noise.before.sd,
    mean_error_trained: noise.after.mean,
    sd_error_trained: noise.after.sd,
  };
  const S = noise.snrDb.length;
  for (let k = 0; k < noise.patterns; k++) columns[`mean_error_pattern_${k}`] = noise.perPatternMean.subarray(k * S, (k + 1) * S);
  return columnsToCsv(columns);
}

/** Every analysis's data as CSV (name without extension → text). */
export function runAnalysesCsv(a: RunAnalyses): Array<{ name: string; text: string }> {
  const ns = a.bestOutput.nSamples;
  const out: Array<{ name: string; text: string }> = [];
  const outputColumns: Record<string, ArrayLike<number>> = { time_ms: a.bestOutput.times };
  for (let c = 0; c < a.bestOutput.channels; c++) {
    const slice = (x: Float64Array) => x.subarray(c * ns, (c + 1) * ns);
    outputColumns[`target_${c}`] = slice(a.bestOutput.target);
    outputColumns[`output_best_${c}`] = slice(a.bestOutput.output);
    outputColumns[`output_initial_${c}`] = slice(a.bestOutput.initialOutput);
  }
  out.push({ name: 'best_output', text: columnsToCsv(outputColumns) });
  out.push({
    name: 'error_box',
    text: columnsToCsv({ session: sessionNumbers(a.errorBox.finalErrors.length), initial_error: a.errorBox.initialErrors, final_error: a.errorBox.finalErrors }),
  });
  const g = a.gainDistribution;
  const bins = g.histogram.counts.length;
  out.push({
    name: 'gain_distribution',
    text: columnsToCsv({
      bin_left: g.histogram.edges.subarray(0, bins),
      bin_right: g.histogram.edges.subarray(1),
      count: g.histogram.counts,
      density: g.histogram.density,
      normal_pdf_at_centre: Float64Array.from({ length: bins }, (_, b) => (g.fit.sigma > 0 ? normalPdf(0.5 * (g.histogram.edges[b] + g.histogram.edges[b + 1]), g.fit.mu, g.fit.sigma) : NaN)),
    }),
  });
  out.push({ name: 'gain_pattern_correlations', text: columnsToCsv({ session_a: a.gainPatterns.pairA.map(sessionNumber), session_b: a.gainPatterns.pairB.map(sessionNumber), pearson_r: a.gainPatterns.pairs }) });
  const e = a.eigenvalues;
  // in 1/s, as every eigenvalue plot draws them (fig1's panel, the analyses view); the columns say so
  out.push({
    name: 'eigenvalues',
    text: columnsToCsv({ re_before_per_s: perSecond(e.before.re), im_before_per_s: perSecond(e.before.im), re_after_per_s: perSecond(e.after.re), im_after_per_s: perSecond(e.after.im) }),
  });
  out.push({
    name: 'spectral_abscissa_per_session',
    text: columnsToCsv({ session: sessionNumbers(e.abscissaAfter.length), max_re_W_diag_g_start: new Float64Array(e.abscissaAfter.length).fill(e.abscissaBefore), max_re_W_diag_g_trained: e.abscissaAfter }),
  });
  const r = a.rateTarget;
  const rColumns: Record<string, ArrayLike<number>> = { neuron: Float64Array.from({ length: r.n }, (_, i) => i + 1), r_before: r.before }; // neurons numbered from 1, as the app shows them
  const K = r.meanAfter.length;
  for (let k = 0; k < K; k++) rColumns[`r_after_s${sessionNumber(k)}`] = r.after.subarray(k * r.n, (k + 1) * r.n);
  rColumns.change_best_session = r.change;
  out.push({ name: 'rate_target_correlation', text: columnsToCsv(rColumns) });
  out.push({ name: 'rate_target_mean_per_session', text: columnsToCsv({ session: sessionNumbers(K), mean_r_before: new Float64Array(K).fill(r.meanBefore), mean_r_after: r.meanAfter }) });
  out.push({ name: 'example_neuron', text: columnsToCsv({ time_ms: a.rates.times, rate_before: r.example.rateBefore, rate_after: r.example.rateAfter }) });
  out.push({ name: 'correlations_before', text: neuronMatrixCsv(a.correlations.before, a.correlations.n) });
  a.correlations.patterns.forEach((p, k) => out.push({ name: `correlations_pattern_${k + 1}_session_${sessionNumber(p.session)}`, text: neuronMatrixCsv(p.matrix, a.correlations.n) }));
  if (a.noise) out.push({ name: 'noise_robustness', text: noiseRobustnessCsv(a.noise) });
  return out;
}

/** Output of one trial (channel-major) — small helper for callers that only have rates. */
export function outputOf(network: Network, params: DynamicsParams, rates: Float64Array): Float64Array {
  return computeOutput(rates, params.nSamples, network.n, network.nE, network.readout);
}

export { normalisedError };
