/**
 * Supp. 4a (src-shared/experiments/supp3.ts, figure 'supp4a_outputs_r0_5Hz') against an independent
 * computation at r0 = 5 Hz (model-spec §1–2, §9): the plain float64 simulator
 * (src-shared/model/kernels/reference.ts simulateReference), the readout refitted here by NNLS to
 * the same initial movement, and the readout summed by hand. For every plotted library
 * (summary.supp4aLibraries, gains in pool_gains_r0_5Hz):
 *   fit    = m(1) + Σ c_k (m_k − m(1))          (every m simulated here),
 *   output = m(g) with g = 1 + Σ c_k (g_k − 1).
 * A walkthrough saw the outputs start near 7.5 while the target starts at 0. That is the science,
 * not a bug: at t = 0 the state is x0 whatever the gains, so every output starts at
 * b + Σ β_i f(x0_i; g_i), and with gains 1 that is where the refitted readout's own movement starts —
 * a least-squares fit over the whole movement, which need not pass through the target's 0 there
 * (the title now says so). The fits start there too, as the combination of outputs that all do.
 */
import { describe, expect, it } from 'vitest';
import { runSupp3 } from '../../src-shared/experiments/supp3.js';
import { socNetwork } from '../../src-shared/experiments/support.js';
import type { LinesFigure } from '../../src-shared/experiments/figureSpec.js';
import { simulateReference } from '../../src-shared/model/kernels/reference.js';
import { rate } from '../../src-shared/model/gainFunction.js';
import { fitReadout } from '../../src-shared/model/readoutFit.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { generateTarget } from '../../src-shared/model/targets.js';

describe('Supp. 4a at r0 = 5 Hz, recomputed independently', () => {
  // a given network (the published one or a project's stands here): its W and x0 are kept, the readout refitted at r0 = 5 Hz
  const given = socNetwork(30, 4).network;
  const { n, nE, W, x0 } = given;
  const params = { ...DEFAULT_DYNAMICS, r0: 5 };
  const result = runSupp3({ quick: true, seed: 1, network: given, settings: { pool: 4, iterations: 10, sizes: [1], libraries: 3, novelTargets: 3, lowRateSizes: [2, 4] } });
  const figure = result.figures!.find((f) => f.name === 'supp4a_outputs_r0_5Hz') as LinesFigure;
  const series = (name: string) => Float64Array.from(figure.series.find((s) => s.name === name)!.y as ArrayLike<number>);

  const ratesWith = (gains: Float64Array) => simulateReference(W, n, x0, gains, params).rates;
  const ones = new Float64Array(n).fill(1);
  const initialMovement = generateTarget(1, { duration: params.duration, nSamples: params.nSamples }).values;
  const readout = fitReadout(ratesWith(ones), params.nSamples, n, nE, initialMovement, 1).weights;
  const outputOf = (rates: Float64Array) => Float64Array.from({ length: params.nSamples }, (_, k) => {
    let m = readout[0];
    for (let i = 0; i < nE; i++) m += readout[1 + i] * rates[k * n + i];
    return m;
  });
  const m1 = outputOf(ratesWith(ones));
  const plotted = result.summary.supp4aLibraries as Array<{ l: number; library: number[]; coefficients: number[] }>;
  const pool = result.arrays.find((a) => a.name === 'pool_gains_r0_5Hz')!;
  const patternGains = (k: number) => pool.data.subarray(k * n, (k + 1) * n);
  const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, k) => Math.abs(v - b[k])));

  it('plots libraries of l = 2 and 4 from the r0 = 5 Hz pool', () => {
    expect(plotted.map((p) => p.l)).toEqual([2, 4]);
    expect(pool.shape).toEqual([4, n]);
  });

  it('every fit is m(1) + Σ c_k (m_k − m(1)) and every output the network with g = 1 + Σ c_k (g_k − 1), at r0 = 5 Hz', () => {
    for (const { l, library, coefficients } of plotted) {
      const fit = Float64Array.from(m1);
      const gains = Float64Array.from(ones);
      library.forEach((k, j) => {
        const mk = outputOf(ratesWith(Float64Array.from(patternGains(k))));
        for (let t = 0; t < fit.length; t++) fit[t] += coefficients[j] * (mk[t] - m1[t]);
        for (let i = 0; i < n; i++) gains[i] += coefficients[j] * (patternGains(k)[i] - 1);
      });
      expect(maxDifference(series(`l = ${l} fit`), fit)).toBeLessThan(1e-9);
      const output = series(`l = ${l} output`);
      expect(maxDifference(output, outputOf(ratesWith(gains)))).toBeLessThan(1e-9);
      // t = 0: x = x0 for any gains, so the output starts at b + Σ β_i f(x0_i; g_i)
      let start = readout[0];
      for (let i = 0; i < nE; i++) start += readout[1 + i] * rate(x0[i], gains[i], params);
      expect(output[0]).toBeCloseTo(start, 10);
    }
  });

  it('the outputs start where the readout-fit movement starts (gains 1), away from the target’s 0, and the title says why', () => {
    expect(series('target')[0]).toBe(0);
    let start = readout[0];
    for (let i = 0; i < nE; i++) start += readout[1 + i] * rate(x0[i], 1, params);
    expect(m1[0]).toBeCloseTo(start, 10);
    // measured on this network: the readout's movement starts at 7.09 (offset b = 4.30), the target at 0
    expect(Math.abs(m1[0])).toBeGreaterThan(1);
    for (const { l } of plotted) {
      expect(Math.abs(series(`l = ${l} output`)[0] - m1[0])).toBeLessThan(Math.abs(m1[0]));
      expect(Math.abs(series(`l = ${l} fit`)[0] - m1[0])).toBeLessThan(Math.abs(m1[0]));
    }
    expect(figure.title).toMatch(/start where the gains-1 readout starts/);
    expect(figure.definitions).toContain('readout-nnls');
  });
});
