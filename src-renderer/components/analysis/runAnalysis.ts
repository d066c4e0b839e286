/**
 * The Analyses view's side of the one analysis pipeline (src-shared/analysis/runAnalyses.ts): a
 * training job's payload becomes a FinishedRun, the shared analyseRun / noiseRobustness compute
 * everything (in analysisWorker.ts, off the UI thread), and the result is laid out for the plots
 * (plots/analysisOptions.ts). No number is computed here: `gainlab experiment fig1` and the
 * reproduction report call the same functions, so the same run gives the same numbers.
 */
import type { NetworkPayload } from '../../../src-shared/ipc/contract.js';
import type { Network } from '../../../src-shared/model/network.js';
import {
  analyseRun as analyseFinishedRun,
  analysisNoiseSeed,
  DEFAULT_SNR_DB,
  noiseRobustness,
  type FinishedRun,
  type GainPositivityAnalysis,
  type NoiseRobustnessAnalysis,
  type RunAnalyses,
} from '../../../src-shared/analysis/runAnalyses.js';
import { boxStats, type BoxStats } from './stats.js';
import type { WilcoxonResult } from '../../../src-shared/analysis/statistics.js';

export { analysisNoiseSeed, DEFAULT_SNR_DB };

export interface AnalysisSession {
  bestGains: Float64Array;
  bestError: number;
}

export interface RunAnalysisInput {
  network: NetworkPayload;
  /** channel-major channels × nSamples */
  target: Float64Array;
  /** Gains the run started from (default all 1): "before". */
  initialGains?: Float64Array;
  initialError: number;
  sessions: AnalysisSession[];
}

export interface RunAnalysis {
  n: number;
  nE: number;
  channels: number;
  nSamples: number;
  duration: number;
  target: Float64Array;
  outputBefore: Float64Array;
  outputAfter: Float64Array;
  errorBefore: number;
  errorAfter: number;
  bestSession: number;
  /** Best error of every session, and their box statistics. */
  finalErrors: number[];
  errorBox: BoxStats;
  initialError: number;
  /** sessions × n trained gains (all sessions), their (maximum-likelihood) normal fit. */
  gains: Float64Array;
  gainFit: { mean: number; sd: number };
  gainPositivity: GainPositivityAnalysis;
  /** Time-major nSamples × n rates with the starting gains and the best session's gains. */
  ratesBefore: Float64Array;
  ratesAfter: Float64Array;
  /** n × n Pearson correlations between neurons' rates: starting gains and two trained patterns (Supp. Fig. 1b). */
  correlationBefore: Float64Array;
  correlationPatterns: Array<{ session: number; matrix: Float64Array }>;
  /** Pearson correlation of every pair of sessions' gain patterns. */
  sessionGainCorrelations: number[];
  eigenvaluesBefore: { re: Float64Array; im: Float64Array };
  eigenvaluesAfter: { re: Float64Array; im: Float64Array };
  /** Supp. Fig. 1a: max Re λ(W·diag(g)), starting gains and every session's trained gains. */
  abscissaBefore: number;
  abscissaAfter: number[];
  /** Per neuron: correlation of its rate with the target (channel 0), before and after (best session), and the change. */
  rateTargetBefore: Float64Array;
  rateTargetAfter: Float64Array;
  rateTargetChange: Float64Array;
  /** Per session: mean Pearson r(rate_i, target) over neurons, before and after; paired one-sided Wilcoxon. */
  meanRateTargetBefore: number;
  meanRateTargetAfter: number[];
  wilcoxon: WilcoxonResult;
  /** The neuron whose rate changes most (GainLab definition 'example-neuron'). */
  exampleNeuron: { index: number; rBefore: number; rAfter: number; rateBefore: Float64Array; rateAfter: Float64Array };
}

/** Noise robustness in the plots' layout: per SNR mean ± SD (n − 1) for the starting and the trained gains. */
export interface NoisyX0Curve {
  snrDb: number[];
  draws: number;
  seed: number;
  patterns: number;
  before: { mean: number; sd: number }[];
  after: { mean: number; sd: number }[];
}

function modelNetwork(payload: NetworkPayload): Network {
  return { n: payload.n, nE: payload.nE, W: payload.W, x0: payload.x0, readout: payload.readout };
}

/** The FinishedRun of a training job's inputs (errors[0] of every session: the run's initial error). */
export function finishedRun(input: Pick<RunAnalysisInput, 'network' | 'target' | 'initialGains' | 'initialError' | 'sessions'>): FinishedRun {
  return {
    network: modelNetwork(input.network),
    params: input.network.params,
    target: input.target,
    initialGains: input.initialGains,
    sessions: input.sessions.map((s) => ({ errors: [input.initialError], bestGains: s.bestGains, bestError: s.bestError })),
  };
}

/** The shared analyses laid out for the plots. */
export function analysisView(a: RunAnalyses, input: RunAnalysisInput): RunAnalysis {
  const { network } = input;
  const finalErrors = input.sessions.map((s) => s.bestError);
  const r = a.rateTarget;
  const best = a.bestOutput.session;
  return {
    n: network.n,
    nE: network.nE,
    channels: a.bestOutput.channels,
    nSamples: a.bestOutput.nSamples,
    duration: network.params.duration,
    target: input.target,
    outputBefore: a.bestOutput.initialOutput,
    outputAfter: a.bestOutput.output,
    errorBefore: a.bestOutput.initialError,
    errorAfter: a.bestOutput.error,
    bestSession: best,
    finalErrors,
    errorBox: boxStats(finalErrors),
    initialError: input.initialError,
    gains: a.gainDistribution.gains,
    gainFit: { mean: a.gainDistribution.fit.mu, sd: a.gainDistribution.fit.sigma },
    gainPositivity: a.gainPositivity,
    ratesBefore: a.rates.before,
    ratesAfter: a.rates.after,
    correlationBefore: a.correlations.before,
    correlationPatterns: a.correlations.patterns.map((p) => ({ session: p.session, matrix: p.matrix })),
    sessionGainCorrelations: Array.from(a.gainPatterns.pairs),
    eigenvaluesBefore: a.eigenvalues.before,
    eigenvaluesAfter: a.eigenvalues.after,
    abscissaBefore: a.eigenvalues.abscissaBefore,
    abscissaAfter: Array.from(a.eigenvalues.abscissaAfter),
    rateTargetBefore: r.before,
    rateTargetAfter: r.after.slice(best * r.n, (best + 1) * r.n),
    rateTargetChange: r.change,
    meanRateTargetBefore: r.meanBefore,
    meanRateTargetAfter: Array.from(r.meanAfter),
    wilcoxon: r.wilcoxon,
    exampleNeuron: { index: r.example.index, rBefore: r.example.rBefore, rAfter: r.example.rAfter, rateBefore: r.example.rateBefore, rateAfter: r.example.rateAfter },
  };
}

export function analyseRun(input: RunAnalysisInput, onStage?: (stage: string) => void): RunAnalysis {
  return analysisView(analyseFinishedRun(finishedRun(input), { onProgress: onStage }), input);
}

export interface NoisyX0Input extends Pick<RunAnalysisInput, 'network' | 'target' | 'initialGains' | 'initialError' | 'sessions'> {
  snrDb?: number[];
  draws: number;
  /** The run's training seed; the noise seed is analysisNoiseSeed(runSeed), as in `gainlab experiment fig1`. */
  runSeed: number;
}

export function noisyCurveView(noise: NoiseRobustnessAnalysis): NoisyX0Curve {
  const pairs = (m: { mean: Float64Array; sd: Float64Array }) => Array.from(m.mean, (mean, s) => ({ mean, sd: m.sd[s] }));
  return { snrDb: Array.from(noise.snrDb), draws: noise.samples, seed: noise.seed, patterns: noise.patterns, before: pairs(noise.before), after: pairs(noise.after) };
}

/** Supp. Fig. 1d: the noisy output against the noise-free one, starting gains vs every session's trained gains. */
export function noisyX0Curve(input: NoisyX0Input, onProgress?: (fraction: number) => void): NoisyX0Curve {
  const noise = noiseRobustness(finishedRun(input), {
    snrDb: input.snrDb ?? DEFAULT_SNR_DB,
    samples: input.draws,
    seed: analysisNoiseSeed(input.runSeed),
    onProgress: (done, total) => onProgress?.(done / total),
  });
  return noisyCurveView(noise);
}
