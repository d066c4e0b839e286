import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import {
  analyseRun,
  errorBoxPlot,
  gainDistribution,
  gainPatternCorrelations,
  gainPositivity,
  linearisationEigenvalues,
  noiseRobustness,
  runAnalysesCsv,
  type FinishedRun,
} from '../../src-shared/analysis/runAnalyses.js';
import { mean, pearson } from '../../src-shared/analysis/statistics.js';
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
  const analyses = analyseRun(run);
  const n = run.network.n;
  const ones = new Float64Array(n).fill(1);
  const referenceRates = (gains: Float64Array, x0 = run.network.x0) => simulateReference(run.network.W, n, x0, gains, params).rates;
  const referenceOutput = (gains: Float64Array, x0 = run.network.x0) => computeOutput(referenceRates(gains, x0), params.nSamples, n, run.network.nE, run.network.readout);
  const column = (rates: Float64Array, i: number) => Float64Array.from({ length: params.nSamples }, (_, k) => rates[k * n + i]);

  it('Supp. 1d by its definition: noisy vs noise-free output of the same gains, every pattern, SD with n − 1, one stream per SNR', () => {
    const snrDb = [3, 12];
    const samples = 7;
    const seed = 41;
    const noise = noiseRobustness(run, { snrDb, samples, seed });
    // Independent path: the reference simulator, the same draws (Rng(Rng.derive(seed, s)), x0 + σξ with σ² = mean(x0²)/10^(SNR/10)).
    const gainSets = [ones, ...run.sessions.map((s) => s.bestGains)];
    const clean = gainSets.map((g) => referenceOutput(g));
    const power = run.network.x0.reduce((a, v) => a + v * v, 0) / n;
    snrDb.forEach((snr, s) => {
      const rng = new Rng(Rng.derive(seed, s));
      const sigma = Math.sqrt(power / 10 ** (snr / 10));
      const before: number[] = [];
      const after: number[][] = run.sessions.map(() => []);
      for (let d = 0; d < samples; d++) {
        const x0 = Float64Array.from(run.network.x0, (v) => v + sigma * rng.normal());
        gainSets.forEach((g, k) => {
          const e = normalisedError(referenceOutput(g, x0), clean[k], 1, params.nSamples);
          if (k === 0) before.push(e);
          else after[k - 1].push(e);
        });
      }
      const pooled = after.flat();
      const sampleSd = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + (x - mean(v)) ** 2, 0) / (v.length - 1));
      expectClose(noise.before.mean[s], mean(before), { rtol: 1e-8 });
      expectClose(noise.before.sd[s], sampleSd(before), { rtol: 1e-7 });
      expectClose(noise.after.mean[s], mean(pooled), { rtol: 1e-8 });
      expectClose(noise.after.sd[s], sampleSd(pooled), { rtol: 1e-7 });
      after.forEach((v, k) => expectClose(noise.perPatternMean[k * snrDb.length + s], mean(v), { rtol: 1e-8 }));
    });
    expect(noise.patterns).toBe(run.sessions.length);
  });

  it('Supp. 1d on a linear network: the mean error matches its analytic expectation σ²·‖M‖²_F / Σ(m − m̄)²', () => {
    // With f = g·x the output is affine in x0: m = b + M x0, so for noise σξ the expected
    // numerator is σ² ‖M‖_F², independent of the draws' details.
    const linear: DynamicsParams = { ...params, gainFunction: 'linear' };
    const net = run.network;
    const gains = run.sessions[0].bestGains;
    const outputOf = (x0: Float64Array) => computeOutput(simulateReference(net.W, n, x0, gains, linear).rates, params.nSamples, n, net.nE, net.readout);
    const offset = outputOf(new Float64Array(n));
    let frobenius = 0;
    for (let j = 0; j < n; j++) {
      const e = new Float64Array(n);
      e[j] = 1;
      const col = outputOf(e);
      for (let k = 0; k < params.nSamples; k++) frobenius += (col[k] - offset[k]) ** 2;
    }
    const clean = outputOf(net.x0);
    const m = mean(clean);
    const denominator = clean.reduce((a, v) => a + (v - m) ** 2, 0);
    const power = net.x0.reduce((a, v) => a + v * v, 0) / n;
    const snr = 10;
    const sigma2 = power / 10 ** (snr / 10);
    const expected = (sigma2 * frobenius) / denominator;
    const samples = 3000;
    const result = noiseRobustness({ ...run, params: linear, sessions: [run.sessions[0]], initialGains: gains }, { snrDb: [snr], samples, seed: 9 });
    // the sample mean of the (χ²-like) errors lies within 5 standard errors of the expectation
    const standardError = result.before.sd[0] / Math.sqrt(samples);
    expect(Math.abs(result.before.mean[0] - expected)).toBeLessThan(5 * standardError);
    expect(standardError).toBeLessThan(0.1 * expected);
  });

  it('Supp. 1e by its definition: mean (signed) Pearson r of every neuron with the target, paired one-sided Wilcoxon', () => {
    const r = analyses.rateTarget;
    const before = Array.from({ length: n }, (_, i) => pearson(column(referenceRates(ones), i), run.target));
    expectClose(r.meanBefore, mean(before), { rtol: 1e-6 });
    run.sessions.forEach((s, k) => {
      const rates = referenceRates(s.bestGains);
      const after = Array.from({ length: n }, (_, i) => pearson(column(rates, i), run.target));
      expectClose(r.meanAfter[k], mean(after), { rtol: 1e-6 });
    });
    // signed, not |r|: the network has neurons anti-correlated with the target
    expect(before.some((v) => v < 0)).toBe(true);
    expect(Math.abs(r.meanBefore - mean(before.map(Math.abs)))).toBeGreaterThan(1e-3);
    // paired against the (common) starting value: T+ counts the sessions whose mean rose
    const rose = Array.from(r.meanAfter).filter((v) => v > r.meanBefore).length;
    if (rose === r.meanAfter.length) expectClose(r.wilcoxon.pValue, 1 / 2 ** rose, { rtol: 1e-12 });
    expect(r.wilcoxon.tPlus + r.wilcoxon.tMinus).toBe((6 * 7) / 2);
    // per-neuron change and the example neuron (largest RMS rate change, best session)
    const best = analyses.bestOutput.session;
    const ratesBest = referenceRates(run.sessions[best].bestGains);
    const ratesOnes = referenceRates(ones);
    const rms = Array.from({ length: n }, (_, i) => Math.sqrt(column(ratesBest, i).reduce((a, v, k) => a + (v - ratesOnes[k * n + i]) ** 2, 0) / params.nSamples));
    expect(r.example.index).toBe(rms.indexOf(Math.max(...rms)));
    for (const i of [0, 7]) expectClose(r.change[i], pearson(column(ratesBest, i), run.target) - before[i], { rtol: 1e-6, atol: 1e-9 });
  });

  it('Supp. 1a–b: spectral abscissa of W·diag(g) for every session; correlation matrices of gains 1 and two trained patterns', () => {
    const e = analyses.eigenvalues;
    expect(e.abscissaAfter.length).toBe(run.sessions.length);
    run.sessions.forEach((s, k) => {
      const A = Float64Array.from(run.network.W, (w, idx) => w * s.bestGains[idx % n]);
      const ev = eigenvalues(A, n);
      expectClose(e.abscissaAfter[k], Math.max(...ev.re), { rtol: 1e-9, atol: 1e-12 });
    });
    expectClose(e.abscissaBefore, Math.max(...eigenvalues(run.network.W, n).re), { rtol: 1e-9, atol: 1e-12 });
    const c = analyses.correlations;
    const order = run.sessions.map((s, k) => [s.bestError, k]).sort((a, b) => a[0] - b[0]).map((x) => x[1]);
    expect(c.patterns.map((p) => p.session)).toEqual(order.slice(0, 2));
    const ref = referenceRates(run.sessions[c.patterns[1].session].bestGains);
    for (let i = 0; i < n; i++) {
      expectClose(c.patterns[1].matrix[i * n + i], 1, { rtol: 1e-12 });
      expectClose(c.patterns[1].matrix[i * n + ((i + 1) % n)], pearson(column(ref, i), column(ref, (i + 1) % n)), { rtol: 1e-6, atol: 1e-9 });
    }
  });

  it('best output and errors agree with the reference simulation', () => {
    const best = analyses.bestOutput;
    const errors = run.sessions.map((s) => s.bestError);
    expect(best.session).toBe(errors.indexOf(Math.min(...errors)));
    expectClose(best.error, Math.min(...errors), { rtol: 1e-9 });
    expectClose(best.initialError, normalisedError(referenceOutput(ones), run.target, 1, params.nSamples), { rtol: 1e-9 });
    const box = errorBoxPlot(run);
    expect(box.final.count).toBe(6);
    expect(box.final.min).toBe(Math.min(...errors));
  });

  it('gain distribution, gain positivity and gain-pattern correlations', () => {
    const g = gainDistribution(run, 10);
    expect(g.gains.length).toBe(6 * n);
    expect(g.histogram.counts.reduce((s, c) => s + c, 0)).toBe(g.gains.length);
    const p = gainPatternCorrelations(run);
    expect(p.pairs.length).toBe(15);
    const twin: FinishedRun = { ...run, sessions: [run.sessions[0], run.sessions[0]] };
    expectClose(gainPatternCorrelations(twin).pairs[0], 1, { rtol: 1e-12 });
    expect(gainPositivity([Float64Array.of(1, -0.2, 0.5), Float64Array.of(-1, 2)])).toEqual({ negativePerSession: [1, 1], totalNegative: 2, minGain: -1 });
  });

  it('the eigenvalue CSV is in 1/s, as plotted, with the unit in its header: its mean real part is the trace anchor', () => {
    const text = runAnalysesCsv(analyses).find((c) => c.name === 'eigenvalues')!.text;
    const [header, ...lines] = text.trim().split('\n');
    expect(header.split(',')).toEqual(['re_before_per_s', 'im_before_per_s', 're_after_per_s', 'im_after_per_s']);
    const column = (k: number) => lines.map((line) => Number(line.split(',')[k]));
    // mean Re λ of (−I + W·diag(g))/τ = trace / n = (−n + Σ W_ii g_i) / (n τ) per ms, × 1000 per s
    const best = run.sessions.reduce((b, s) => (s.bestError < b.bestError ? s : b));
    const meanRe = (gains: ArrayLike<number>) => {
      let trace = -n;
      for (let i = 0; i < n; i++) trace += run.network.W[i * n + i] * gains[i];
      return (1000 * trace) / (n * params.tau);
    };
    expectClose(mean(column(0)), meanRe(ones), { rtol: 1e-9 });
    expectClose(mean(column(2)), meanRe(best.bestGains), { rtol: 1e-9 });
    // imaginary parts come in conjugate pairs
    expectClose(mean(column(1)), 0, { atol: 1e-9 });
  });

  it('every analysis has its CSV', () => {
    const names = runAnalysesCsv({ ...analyses, noise: noiseRobustness(run, { samples: 2, snrDb: [10], seed: 1 }) }).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['best_output', 'noise_robustness', 'rate_target_correlation', 'example_neuron', 'spectral_abscissa_per_session', 'correlations_before']));
  });
});
