import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import {
  bestOutputVsTarget,
  errorBoxPlot,
  firingRates,
  gainDistribution,
  gainPatternCorrelations,
  linearisationEigenvalues,
  neuronCorrelations,
  noisyInitialConditionError,
  rateTargetCorrelation,
  type FinishedRun,
} from '../../src-shared/analysis/runAnalyses.js';
import { pearson } from '../../src-shared/analysis/statistics.js';
import { computeOutput, normalisedError, simulateReference } from '../../src-shared/model/dynamics.js';
import type { Network } from '../../src-shared/model/network.js';
import { DEFAULT_DYNAMICS, type DynamicsParams } from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { eigenvalues } from '../../src-shared/linalg/schur.js';
import { luFactor } from '../../src-shared/linalg/lu.js';

/** A small random stable network (n = 12, 6 E) with a positive readout: analyses need no SOC. */
function smallNetwork(seed: number): Network {
  const rng = new Rng(seed);
  const n = 12;
  const nE = 6;
  const W = Float64Array.from({ length: n * n }, () => (0.6 * rng.normal()) / Math.sqrt(n));
  const x0 = Float64Array.from({ length: n }, () => 3 * rng.normal());
  const weights = Float64Array.from({ length: 1 + nE }, (_, k) => (k === 0 ? 0.5 : rng.uniform()));
  return { n, nE, W, x0, readout: { channels: 1, weights } };
}

const params: DynamicsParams = { ...DEFAULT_DYNAMICS, nSamples: 101 };

function smallRun(): FinishedRun {
  const network = smallNetwork(4);
  const rng = new Rng(8);
  const target = Float64Array.from({ length: params.nSamples }, (_, k) => 5 * Math.sin((2 * Math.PI * k) / params.nSamples));
  const sessions = Array.from({ length: 6 }, () => {
    const bestGains = Float64Array.from({ length: network.n }, () => 1 + 0.2 * rng.normal());
    const { rates } = simulateReference(network.W, network.n, network.x0, bestGains, params);
    const bestOutput = computeOutput(rates, params.nSamples, network.n, network.nE, network.readout);
    const bestError = normalisedError(bestOutput, target, 1, params.nSamples);
    return { errors: Float64Array.of(2, bestError), bestGains, bestError, bestOutput };
  });
  return { network, params, target, sessions };
}

describe('linearisation eigenvalues', () => {
  it('with g = 1 equal eig(W − I)/τ', () => {
    const network = smallNetwork(1);
    const n = network.n;
    const tau = 200;
    const shifted = Float64Array.from(network.W);
    for (let i = 0; i < n; i++) shifted[i * n + i] -= 1;
    const expected = eigenvalues(shifted, n);
    const got = linearisationEigenvalues(network.W, n, new Float64Array(n).fill(1), tau);
    const key = (re: ArrayLike<number>, im: ArrayLike<number>) =>
      Array.from(re, (r, k) => [r, im[k]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const e = key(expected.re, expected.im).map(([r, i]) => [r / tau, i / tau]);
    const g = key(got.re, got.im);
    expectClose(g.flat(), e.flat(), { rtol: 1e-9, atol: 1e-14 });
  });

  it('trace and determinant match (−I + W diag(g))/τ for arbitrary gains', () => {
    const network = smallNetwork(2);
    const n = network.n;
    const tau = 150;
    const rng = new Rng(3);
    const gains = Float64Array.from({ length: n }, () => 0.5 + rng.uniform());
    const { re, im } = linearisationEigenvalues(network.W, n, gains, tau);
    // independent truth: trace and determinant of A built directly
    const A = new Float64Array(n * n);
    let trace = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) A[i * n + j] = (network.W[i * n + j] * gains[j] - (i === j ? 1 : 0)) / tau;
      trace += A[i * n + i];
    }
    const lu = luFactor(A, n);
    let det = lu.sign;
    for (let i = 0; i < n; i++) det *= lu.lu[i * n + i];
    let sumRe = 0;
    let prodRe = 1;
    let prodIm = 0;
    for (let k = 0; k < n; k++) {
      sumRe += re[k];
      const r = prodRe * re[k] - prodIm * im[k];
      prodIm = prodRe * im[k] + prodIm * re[k];
      prodRe = r;
    }
    expectClose(sumRe, trace, { rtol: 1e-10 });
    expectClose(prodRe, det, { rtol: 1e-7 });
    expect(Math.abs(prodIm)).toBeLessThan(1e-7 * Math.abs(det));
  });

  it('a 2 × 2 case by hand', () => {
    // W = [[0, 2], [−2, 0]], g = (1, 0.5): W diag(g) = [[0, 1], [−2, 0]] → λ = ±i√2; A = (−I + ·)/τ
    const { re, im } = linearisationEigenvalues(Float64Array.of(0, 2, -2, 0), 2, [1, 0.5], 10);
    expectClose(Array.from(re), [-0.1, -0.1], { rtol: 1e-12 });
    expectClose(Array.from(im).map(Math.abs), [Math.SQRT2 / 10, Math.SQRT2 / 10], { rtol: 1e-12 });
  });
});

describe('analyses of a finished run', () => {
  const run = smallRun();

  it('noisy x0 at very high SNR gives the clean error; low SNR makes it worse', () => {
    const gains = run.sessions[0].bestGains;
    const result = noisyInitialConditionError(run.network, run.params, run.target, gains, { snrDb: [200, 0], samples: 20, seed: 5 });
    expectClose(result.cleanError, run.sessions[0].bestError, { rtol: 1e-9 });
    expectClose(result.meanError[0], result.cleanError, { rtol: 1e-8 });
    expect(result.sdError[0]).toBeLessThan(1e-8 * result.cleanError);
    expect(result.meanError[1]).toBeGreaterThan(result.cleanError);
    expect(result.sdError[1]).toBeGreaterThan(0);
    expect(result.toCsv().split('\n')[0]).toBe('snr_db,mean_error,sd_error');
  });

  it('neuron correlation matrices are symmetric with unit diagonal and match pairwise Pearson of reference rates', () => {
    const rates = firingRates(run);
    const corr = neuronCorrelations(rates);
    const n = run.network.n;
    const { rates: ref } = simulateReference(run.network.W, n, run.network.x0, run.sessions[rates.session].bestGains, params);
    const column = (i: number) => Float64Array.from({ length: params.nSamples }, (_, k) => ref[k * n + i]);
    for (let i = 0; i < n; i++) {
      expectClose(corr.after[i * n + i], 1, { rtol: 1e-12 });
      for (let j = 0; j < n; j++) {
        expect(corr.after[i * n + j]).toBe(corr.after[j * n + i]);
        expect(corr.before[i * n + j]).toBe(corr.before[j * n + i]);
      }
      expectClose(corr.after[i * n + ((i + 1) % n)], pearson(column(i), column((i + 1) % n)), { rtol: 1e-6, atol: 1e-9 });
    }
  });

  it('best output and errors agree with the reference simulation', () => {
    const best = bestOutputVsTarget(run);
    const errors = run.sessions.map((s) => s.bestError);
    expect(best.session).toBe(errors.indexOf(Math.min(...errors)));
    expectClose(best.error, Math.min(...errors), { rtol: 1e-9 });
    const { rates } = simulateReference(run.network.W, run.network.n, run.network.x0, new Float64Array(run.network.n).fill(1), params);
    const initial = computeOutput(rates, params.nSamples, run.network.n, run.network.nE, run.network.readout);
    expectClose(best.initialError, normalisedError(initial, run.target, 1, params.nSamples), { rtol: 1e-9 });
    const box = errorBoxPlot(run);
    expect(box.final.count).toBe(6);
    expect(box.final.min).toBe(Math.min(...errors));
  });

  it('rate-target correlations match Pearson of reference rates; Wilcoxon over sessions is paired', () => {
    const a = rateTargetCorrelation(run);
    const n = run.network.n;
    const { rates } = simulateReference(run.network.W, n, run.network.x0, run.sessions[2].bestGains, params);
    for (const i of [0, 5, 11]) {
      const column = Float64Array.from({ length: params.nSamples }, (_, k) => rates[k * n + i]);
      expectClose(a.after[2 * n + i], pearson(column, run.target), { rtol: 1e-6, atol: 1e-9 });
    }
    expect(a.wilcoxon.n).toBe(6);
    const positives = Array.from(a.meanAbsAfter).filter((v, k) => v > a.meanAbsBefore[k]).length;
    // all after > before ⇒ T+ = 21 and exact p = 1/64; all below ⇒ T+ = 0
    if (positives === 6) expectClose(a.wilcoxon.pValue, 1 / 64, { rtol: 1e-12 });
    if (positives === 0) expect(a.wilcoxon.tPlus).toBe(0);
    expect(a.wilcoxon.tPlus + a.wilcoxon.tMinus).toBe(21);
  });

  it('gain distribution and gain-pattern correlations', () => {
    const g = gainDistribution(run, 10);
    expect(g.gains.length).toBe(6 * run.network.n);
    expect(g.histogram.counts.reduce((s, c) => s + c, 0)).toBe(g.gains.length);
    const p = gainPatternCorrelations(run);
    expect(p.pairs.length).toBe(15);
    const twin: FinishedRun = { ...run, sessions: [run.sessions[0], run.sessions[0]] };
    expectClose(gainPatternCorrelations(twin).pairs[0], 1, { rtol: 1e-12 });
  });
});
