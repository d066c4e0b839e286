/**
 * The analyses of a finished training run (model-spec §11, Figs. 1–3): computed off the main
 * thread in analysisWorker.ts, in two stages — `analyseRun` (simulations of the best gains,
 * correlations, eigenvalues, statistics; about a second at N = 200) and `noisyX0Curve` (output error
 * under noisy x0 against SNR: draws × SNRs × 2 simulations).
 */
import type { NetworkPayload } from '../../../src-shared/ipc/contract.js';
import { computeOutput, normalisedError, Simulator } from '../../../src-shared/model/dynamics.js';
import type { Network } from '../../../src-shared/model/network.js';
import { Rng } from '../../../src-shared/model/rng.js';
import { linearisationEigenvalues, noisyInitialCondition } from '../../../src-shared/speed/analysis.js';
import { rateSignalCorrelations } from '../../../src-shared/analysis/runAnalyses.js';
import { correlationMatrix } from '../../../src-shared/analysis/statistics.js';
import { boxStats, fitNormal, mean, pearson, wilcoxonSignedRankGreater, type BoxStats, type WilcoxonResult } from './stats.js';

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
  bestSession: number;
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
  /** Best error of every session, and their box statistics. */
  finalErrors: number[];
  errorBox: BoxStats;
  initialError: number;
  /** sessions × n trained gains (all sessions), their normal fit. */
  gains: Float64Array;
  gainFit: { mean: number; sd: number };
  /** Time-major nSamples × n rates with the starting gains and the best session's gains. */
  ratesBefore: Float64Array;
  ratesAfter: Float64Array;
  /** n × n Pearson correlations between neurons' rates over time. */
  correlationBefore: Float64Array;
  correlationAfter: Float64Array;
  /** Pearson correlation of every pair of sessions' gain patterns. */
  sessionGainCorrelations: number[];
  eigenvaluesBefore: { re: Float64Array; im: Float64Array };
  eigenvaluesAfter: { re: Float64Array; im: Float64Array };
  /** Per neuron: correlation of its rate with the target (channel 0), before and after (best session). */
  rateTargetBefore: Float64Array;
  rateTargetAfter: Float64Array;
  /** Per session: mean |corr(rate_i, target)| over neurons, before and after; paired one-sided Wilcoxon. */
  meanAbsRateTargetBefore: number[];
  meanAbsRateTargetAfter: number[];
  wilcoxon: WilcoxonResult;
}

function modelNetwork(payload: NetworkPayload): Network {
  return { n: payload.n, nE: payload.nE, W: payload.W, x0: payload.x0, readout: payload.readout };
}

function rateTargetCorrelations(rates: Float64Array, n: number, nSamples: number, target: Float64Array): Float64Array {
  // channel 0 of the target
  return rateSignalCorrelations(rates, nSamples, n, target.subarray(0, nSamples));
}

function meanAbs(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += Math.abs(v);
  return s / values.length;
}

export function analyseRun(input: RunAnalysisInput, onStage?: (stage: string) => void): RunAnalysis {
  const { network, target } = input;
  const { n, nE } = network;
  const params = network.params;
  const nSamples = params.nSamples;
  const channels = network.readout.channels;
  const before = input.initialGains ?? new Float64Array(n).fill(1);
  const best = input.sessions[input.bestSession];
  const simulator = new Simulator(modelNetwork(network), params);
  try {
    onStage?.('simulating');
    const ratesBefore = new Float64Array(simulator.run(before).rates);
    const outputBefore = computeOutput(ratesBefore, nSamples, n, nE, network.readout);
    const ratesAfter = new Float64Array(simulator.run(best.bestGains).rates);
    const outputAfter = computeOutput(ratesAfter, nSamples, n, nE, network.readout);
    const rateTargetBefore = rateTargetCorrelations(ratesBefore, n, nSamples, target);
    const rateTargetAfter = rateTargetCorrelations(ratesAfter, n, nSamples, target);
    const beforeMean = meanAbs(rateTargetBefore);
    const meanAbsRateTargetBefore: number[] = [];
    const meanAbsRateTargetAfter: number[] = [];
    for (const session of input.sessions) {
      const rates = session === best ? ratesAfter : simulator.run(session.bestGains).rates;
      meanAbsRateTargetBefore.push(beforeMean);
      meanAbsRateTargetAfter.push(meanAbs(rateTargetCorrelations(rates, n, nSamples, target)));
    }
    onStage?.('correlations');
    const correlationBefore = correlationMatrix(ratesBefore, nSamples, n);
    const correlationAfter = correlationMatrix(ratesAfter, nSamples, n);
    const S = input.sessions.length;
    const gains = new Float64Array(S * n);
    input.sessions.forEach((session, s) => gains.set(session.bestGains.subarray(0, n), s * n));
    const sessionGainCorrelations: number[] = [];
    for (let a = 0; a < S; a++) for (let b = a + 1; b < S; b++) sessionGainCorrelations.push(pearson(gains.subarray(a * n, (a + 1) * n), gains.subarray(b * n, (b + 1) * n)));
    onStage?.('eigenvalues');
    const eigenvaluesBefore = linearisationEigenvalues(network.W, n, before, params.tau);
    const eigenvaluesAfter = linearisationEigenvalues(network.W, n, best.bestGains, params.tau);
    const finalErrors = input.sessions.map((s) => s.bestError);
    return {
      n,
      nE,
      channels,
      nSamples,
      duration: params.duration,
      target,
      outputBefore,
      outputAfter,
      errorBefore: normalisedError(outputBefore, target, channels, nSamples),
      errorAfter: normalisedError(outputAfter, target, channels, nSamples),
      finalErrors,
      errorBox: boxStats(finalErrors),
      initialError: input.initialError,
      gains,
      gainFit: fitNormal(gains),
      ratesBefore,
      ratesAfter,
      correlationBefore,
      correlationAfter,
      sessionGainCorrelations,
      eigenvaluesBefore,
      eigenvaluesAfter,
      rateTargetBefore,
      rateTargetAfter,
      meanAbsRateTargetBefore,
      meanAbsRateTargetAfter,
      wilcoxon: wilcoxonSignedRankGreater(meanAbsRateTargetAfter, meanAbsRateTargetBefore),
    };
  } finally {
    simulator.dispose();
  }
}

export interface NoisyX0Input {
  network: NetworkPayload;
  target: Float64Array;
  initialGains?: Float64Array;
  bestGains: Float64Array;
  snrDb: number[];
  draws: number;
  seed: number;
}

export interface NoisyX0Curve {
  snrDb: number[];
  draws: number;
  seed: number;
  before: { mean: number; sd: number }[];
  after: { mean: number; sd: number }[];
}

/**
 * Output error with x0 + white noise at each SNR (dB re x0's power, model-spec §3), mean ± sd over
 * `draws` noisy initial conditions, for the starting and the trained gains. The same noisy x0s are
 * used for both (one Rng stream per SNR, derived from the seed).
 */
export function noisyX0Curve(input: NoisyX0Input, onProgress?: (fraction: number) => void): NoisyX0Curve {
  const { network, target } = input;
  const { n, nE } = network;
  const params = network.params;
  const channels = network.readout.channels;
  const before = input.initialGains ?? new Float64Array(n).fill(1);
  const simulator = new Simulator(modelNetwork(network), params);
  const result: NoisyX0Curve = { snrDb: input.snrDb, draws: input.draws, seed: input.seed, before: [], after: [] };
  try {
    input.snrDb.forEach((snr, index) => {
      const rng = new Rng(Rng.derive(input.seed, index));
      const errorsBefore = new Float64Array(input.draws);
      const errorsAfter = new Float64Array(input.draws);
      for (let d = 0; d < input.draws; d++) {
        const x0 = noisyInitialCondition(network.x0, snr, rng);
        const rb = simulator.run(before, undefined, undefined, x0).rates;
        errorsBefore[d] = normalisedError(computeOutput(rb, params.nSamples, n, nE, network.readout), target, channels, params.nSamples);
        const ra = simulator.run(input.bestGains, undefined, undefined, x0).rates;
        errorsAfter[d] = normalisedError(computeOutput(ra, params.nSamples, n, nE, network.readout), target, channels, params.nSamples);
      }
      result.before.push(fitNormal(errorsBefore));
      result.after.push(fitNormal(errorsAfter));
      onProgress?.((index + 1) / input.snrDb.length);
    });
  } finally {
    simulator.dispose();
  }
  return result;
}

export { mean };
