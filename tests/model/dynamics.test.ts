import { describe, expect, it } from 'vitest';
import {
  computeOutput,
  normalisedError,
  simulateReference,
  Simulator,
  TrialEvaluator,
} from '../../src-shared/model/dynamics.js';
import { rate, rateDerivative, rateGainDerivative, ratesInto } from '../../src-shared/model/gainFunction.js';
import type { Network } from '../../src-shared/model/network.js';
import { validateNetwork } from '../../src-shared/model/network.js';
import {
  DEFAULT_DYNAMICS,
  sampleTimes,
  slowParams,
  targetFit,
  stepLength,
  validateDynamicsParams,
  type DynamicsParams,
} from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { expectClose } from '../helpers/expectClose.js';
import { hasReference, loadReferenceArray, referenceSkipReason } from '../helpers/reference.js';

function publishedNetwork(): { network: Network; initialTarget: Float64Array; novelTarget: Float64Array } {
  return {
    network: {
      n: 200,
      nE: 100,
      W: loadReferenceArray('W').data,
      x0: loadReferenceArray('x0').data,
      readout: { channels: 1, weights: loadReferenceArray('readout').data },
    },
    initialTarget: loadReferenceArray('initial_target').data,
    novelTarget: loadReferenceArray('novel_target').data,
  };
}

const ones = (n: number) => new Float64Array(n).fill(1);

describe('params', () => {
  it('defaults follow model-spec §1', () => {
    expect(DEFAULT_DYNAMICS).toEqual({ tau: 200, r0: 20, rmax: 100, duration: 500, nSamples: 200, gainFunction: 'tanh' });
    expect(validateDynamicsParams(DEFAULT_DYNAMICS)).toBeNull();
    const t = sampleTimes(DEFAULT_DYNAMICS);
    expect(t[0]).toBe(0);
    expectClose(t[199], 500, { rtol: 1e-15 });
    expectClose(t[1], 500 / 199, { rtol: 1e-15 });
  });

  it('slowParams keeps the step and gives (n−1)s+1 samples', () => {
    for (const s of [1, 2, 5, 7]) {
      const slow = slowParams(DEFAULT_DYNAMICS, s);
      expect(slow.nSamples).toBe(199 * s + 1);
      expect(stepLength(slow)).toBe(stepLength(DEFAULT_DYNAMICS));
      expectClose(slow.duration, 500 * s, { rtol: 1e-14 });
    }
    expect(slowParams({ ...DEFAULT_DYNAMICS, nSamples: 11 }, 2.5).nSamples).toBe(26);
    expect(() => slowParams(DEFAULT_DYNAMICS, 2.5)).toThrow(/whole number of steps/);
    expect(() => slowParams(DEFAULT_DYNAMICS, -1)).toThrow(/positive/);
  });

  it('targetFit: the network grid as is, a slow variant for its own duration, other steps and channel counts refused', () => {
    const own = targetFit(DEFAULT_DYNAMICS, 2, { channels: 2, nSamples: 200, duration: 500 });
    expect(own).toEqual({ fits: true, params: DEFAULT_DYNAMICS });
    expect(own.fits && own.params).toBe(DEFAULT_DYNAMICS);
    for (const s of [2, 5, 7]) {
      const slow = slowParams(DEFAULT_DYNAMICS, s);
      const fit = targetFit(DEFAULT_DYNAMICS, 2, { channels: 2, nSamples: slow.nSamples, duration: slow.duration });
      expect(fit).toEqual({ fits: true, params: slow });
    }
    expect(targetFit(DEFAULT_DYNAMICS, 2, { channels: 1, nSamples: 200, duration: 500 })).toEqual({ fits: false, reason: 'channels' });
    // the same duration on another grid, and the same samples over another duration: another step
    expect(targetFit(DEFAULT_DYNAMICS, 2, { channels: 2, nSamples: 100, duration: 500 })).toEqual({ fits: false, reason: 'step' });
    expect(targetFit(DEFAULT_DYNAMICS, 2, { channels: 2, nSamples: 200, duration: 600 })).toEqual({ fits: false, reason: 'step' });
    expect(targetFit(DEFAULT_DYNAMICS, 2, { channels: 2, nSamples: 1, duration: 500 })).toEqual({ fits: false, reason: 'step' });
    expect(targetFit(DEFAULT_DYNAMICS, 2, { channels: 2, nSamples: 399, duration: NaN })).toEqual({ fits: false, reason: 'step' });
  });

  it('validateDynamicsParams names the bad field', () => {
    const bad: Array<[Partial<DynamicsParams>, RegExp]> = [
      [{ tau: NaN }, /^tau must be a number/],
      [{ tau: -1 }, /^tau must be positive/],
      [{ r0: Infinity }, /^r0 must be positive and finite/],
      [{ rmax: 10 }, /rmax \(10\) must exceed r0 \(20\)/],
      [{ duration: 0 }, /^duration/],
      [{ nSamples: 1 }, /nSamples must be an integer ≥ 2/],
      [{ nSamples: 20.5 }, /nSamples/],
      [{ gainFunction: 'relu' as never }, /gainFunction must be 'tanh' or 'linear'/],
    ];
    for (const [change, message] of bad) {
      expect(validateDynamicsParams({ ...DEFAULT_DYNAMICS, ...change })).toMatch(message);
    }
  });
});

describe('gain function (model-spec §1)', () => {
  const p = DEFAULT_DYNAMICS;
  it('has the two tanh branches, slope g at 0, saturation at −r0 and rmax − r0', () => {
    expectClose(rate(-10, 1.3, p), 20 * Math.tanh((1.3 * -10) / 20), { rtol: 1e-15 });
    expectClose(rate(10, 1.3, p), 80 * Math.tanh((1.3 * 10) / 80), { rtol: 1e-15 });
    expectClose(rate(-1e4, 1, p), -20, { rtol: 1e-12 });
    expectClose(rate(1e4, 1, p), 80, { rtol: 1e-12 });
    expect(rate(0, 2, p)).toBe(0);
    expectClose(rate(1e-9, 2, p) / 1e-9, 2, { rtol: 1e-9 });
    expectClose(rate(-1e-9, 2, p) / -1e-9, 2, { rtol: 1e-9 });
    expect(rate(3, 0.5, { ...p, gainFunction: 'linear' })).toBe(1.5);
  });

  it('derivatives match central finite differences on both branches and for linear', () => {
    for (const params of [p, { ...p, gainFunction: 'linear' as const }]) {
      for (const x of [-55, -7.3, -0.4, 0.6, 12, 140]) {
        for (const g of [0.3, 1, 1.7]) {
          const eps = 1e-5;
          const dfdx = (rate(x + eps, g, params) - rate(x - eps, g, params)) / (2 * eps);
          const dfdg = (rate(x, g + eps, params) - rate(x, g - eps, params)) / (2 * eps);
          expectClose(rateDerivative(x, g, params), dfdx, { rtol: 1e-7, atol: 1e-10 });
          expectClose(rateGainDerivative(x, g, params), dfdg, { rtol: 1e-7, atol: 1e-10 });
        }
      }
    }
  });

  it('ratesInto equals rate() elementwise with offsets', () => {
    const x = Float64Array.of(9, -3, 0, 50, -70);
    const g = Float64Array.of(1, 2, 3);
    const out = new Float64Array(6);
    ratesInto(x, g, 3, p, out, 2, 3);
    expect(Array.from(out)).toEqual([0, 0, 0, rate(0, 1, p), rate(50, 2, p), rate(-70, 3, p)]);
  });
});

describe('network validation', () => {
  it('accepts a consistent network and names problems', () => {
    const good: Network = { n: 2, nE: 1, W: new Float64Array(4), x0: new Float64Array(2), readout: { channels: 1, weights: new Float64Array(2) } };
    expect(validateNetwork(good)).toBeNull();
    expect(validateNetwork({ ...good, W: new Float64Array(3) })).toMatch(/W has 3 values, expected n² = 4/);
    expect(validateNetwork({ ...good, nE: 3 })).toMatch(/nE/);
    expect(validateNetwork({ ...good, x0: Float64Array.of(0, NaN) })).toMatch(/x0\[1\] is not finite/);
    expect(validateNetwork({ ...good, readout: { channels: 2, weights: new Float64Array(2) } })).toMatch(/expected channels × \(1 \+ nE\) = 4/);
  });
});

describe('published network (Stroud et al. 2018) with all gains 1', () => {
  it('reproduces the published errors and m(0)', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const { network, initialTarget, novelTarget } = publishedNetwork();
    const initial = new TrialEvaluator(network, DEFAULT_DYNAMICS, initialTarget, { kernel: 'reference' });
    const output = new Float64Array(200);
    expectClose(initial.run(ones(200), output), 0.010462, { rtol: 1e-4 });
    expectClose(output[0], -1.40897, { rtol: 1e-5 });
    const novel = new TrialEvaluator(network, DEFAULT_DYNAMICS, novelTarget, { kernel: 'reference' });
    expectClose(novel.error(ones(200)), 4.1768, { rtol: 1e-4 });
    expect(novel.trials).toBe(1);
  });

  it('RK4 with one step per interval agrees with 16 substeps to ~3e-5 in x', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const { network } = publishedNetwork();
    const coarse = simulateReference(network.W, 200, network.x0, ones(200), DEFAULT_DYNAMICS);
    const substeps = 16; // RK4 error falls as h⁴: 16 substeps leave < 1e-9 of the coarse error
    const fineParams = { ...DEFAULT_DYNAMICS, nSamples: 199 * substeps + 1 };
    const fine = simulateReference(network.W, 200, network.x0, ones(200), fineParams);
    let maxDiff = 0;
    let maxAbs = 0;
    for (let k = 0; k < 200; k++) {
      for (let i = 0; i < 200; i++) {
        const a = coarse.states[k * 200 + i];
        maxDiff = Math.max(maxDiff, Math.abs(a - fine.states[k * substeps * 200 + i]));
        maxAbs = Math.max(maxAbs, Math.abs(a));
      }
    }
    expect(maxDiff).toBeLessThan(4e-5);
    expect(maxDiff).toBeGreaterThan(1e-7); // a real discretisation error, not the same computation twice
    expect(maxAbs).toBeGreaterThan(10);
    // The rates are f of the states.
    for (let i = 0; i < 200; i++) expect(coarse.rates[150 * 200 + i]).toBe(rate(coarse.states[150 * 200 + i], 1, DEFAULT_DYNAMICS));
  });

  it('slow variant: (n−1)s+1 samples whose first n equal the normal run', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const { network } = publishedNetwork();
    const gains = Float64Array.from({ length: 200 }, (_, i) => 1 + 0.1 * Math.sin(i));
    const normal = new Simulator(network, DEFAULT_DYNAMICS).run(gains);
    const normalStates = normal.states.slice();
    const slow = new Simulator(network, slowParams(DEFAULT_DYNAMICS, 5)).run(gains);
    expect(slow.states.length).toBe((199 * 5 + 1) * 200);
    expect(slow.states.subarray(0, 200 * 200)).toEqual(normalStates);
  });
});

/** Small dense helpers for the analytic linear case (independent of the model code). */
function matMul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}
function matVec(a: number[][], v: number[]): number[] {
  return a.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
}
/** expm by scaling and squaring of a 30-term Taylor series. */
function expm(a: number[][]): number[][] {
  const n = a.length;
  const squarings = 10;
  const scaled = a.map((row) => row.map((v) => v / 2 ** squarings));
  let term: number[][] = scaled.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
  let sum = term.map((row) => row.slice());
  for (let k = 1; k <= 30; k++) {
    term = matMul(term, scaled).map((row) => row.map((v) => v / k));
    sum = sum.map((row, i) => row.map((v, j) => v + term[i][j]));
  }
  for (let s = 0; s < squarings; s++) sum = matMul(sum, sum);
  return sum.slice(0, n);
}

describe('linear gain function: analytic solution', () => {
  it('matches x(t) = expm((W·G − I) t/τ) x0 and the exact RK4 polynomial', () => {
    const n = 6;
    const rng = new Rng(17);
    const W = Float64Array.from({ length: n * n }, () => rng.normal(0, 0.5));
    const gains = Float64Array.from({ length: n }, () => 0.5 + rng.uniform());
    const x0 = Float64Array.from({ length: n }, () => rng.normal(0, 3));
    const params: DynamicsParams = { ...DEFAULT_DYNAMICS, gainFunction: 'linear' };
    const { states } = simulateReference(W, n, x0, gains, params);

    const tau = params.tau;
    const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (W[i * n + j] * gains[j] - (i === j ? 1 : 0)) / tau));
    // Exact solution at t = T (and the midpoint).
    for (const k of [99, 199]) {
      const t = (k * 500) / 199;
      const exact = matVec(expm(A.map((row) => row.map((v) => v * t))), Array.from(x0));
      expectClose(states.subarray(k * n, (k + 1) * n), exact, { rtol: 1e-8, atol: 1e-8 * Math.max(...exact.map(Math.abs)) });
    }
    // For linear systems one RK4 step is exactly x ← P(hA) x with P(z) = 1 + z + z²/2 + z³/6 + z⁴/24.
    const h = 500 / 199;
    const hA = A.map((row) => row.map((v) => v * h));
    const hA2 = matMul(hA, hA);
    const hA3 = matMul(hA2, hA);
    const hA4 = matMul(hA3, hA);
    const P = hA.map((row, i) => row.map((v, j) => (i === j ? 1 : 0) + v + hA2[i][j] / 2 + hA3[i][j] / 6 + hA4[i][j] / 24));
    let x = Array.from(x0);
    for (let k = 1; k < 200; k++) {
      x = matVec(P, x);
      expectClose(states.subarray(k * n, (k + 1) * n), x, { rtol: 1e-12, atol: 1e-12 * Math.max(...x.map(Math.abs)) });
    }
  });
});

describe('readout and error (model-spec §2)', () => {
  it('computeOutput reads only E neurons plus the offset, per channel', () => {
    const n = 4;
    const nE = 2;
    const nSamples = 3;
    const rates = Float64Array.from({ length: nSamples * n }, (_, i) => i + 1);
    const weights = Float64Array.of(0.5, 1, 2, /* channel 2 */ -1, 0, 3);
    const out = computeOutput(rates, nSamples, n, nE, { channels: 2, weights });
    // sample k has rates [4k+1, 4k+2, 4k+3, 4k+4]; I neurons (4k+3, 4k+4) must not matter.
    const expected = [0, 1, 2].map((k) => 0.5 + (4 * k + 1) + 2 * (4 * k + 2)).concat([0, 1, 2].map((k) => -1 + 3 * (4 * k + 2)));
    expect(Array.from(out)).toEqual(expected);
  });

  it('normalisedError sums numerator and denominator over channels, centring each channel', () => {
    const target = Float64Array.of(1, 2, 3, /* ch2 */ 10, 10, 16);
    const output = Float64Array.of(1, 2, 4, /* ch2 */ 11, 10, 16);
    // numerator 1 + 1; denominator (1 + 0 + 1) + (4 + 4 + 16)
    expect(normalisedError(output, target, 2, 3)).toBe(2 / 26);
    expect(normalisedError(target, target, 2, 3)).toBe(0);
  });

  it('TrialEvaluator.run copies output, rates and states out and matches the pieces', () => {
    const n = 5;
    const rng = new Rng(4);
    const network: Network = {
      n,
      nE: 3,
      W: Float64Array.from({ length: n * n }, () => rng.normal(0, 1)),
      x0: Float64Array.from({ length: n }, () => rng.normal(0, 5)),
      readout: { channels: 2, weights: Float64Array.from({ length: 8 }, () => rng.uniform()) },
    };
    const params = { ...DEFAULT_DYNAMICS, nSamples: 40 };
    const target = Float64Array.from({ length: 80 }, () => rng.normal());
    const gains = Float64Array.from({ length: n }, () => 0.5 + rng.uniform());
    const evaluator = new TrialEvaluator(network, params, target);
    const output = new Float64Array(80);
    const rates = new Float64Array(200);
    const states = new Float64Array(200);
    const error = evaluator.run(gains, output, rates, states);
    const ref = simulateReference(network.W, n, network.x0, gains, params);
    expectClose(states, ref.states, { rtol: 1e-12, atol: 1e-12 });
    expectClose(rates, ref.rates, { rtol: 1e-12, atol: 1e-12 });
    const refOut = computeOutput(ref.rates, 40, n, 3, network.readout);
    expectClose(output, refOut, { rtol: 1e-12, atol: 1e-12 });
    expectClose(error, normalisedError(refOut, target, 2, 40), { rtol: 1e-12 });
    expect(evaluator.error(gains)).toBe(error);
    expect(() => new TrialEvaluator(network, params, new Float64Array(40))).toThrow(/target has 40 values/);
    expect(() => new TrialEvaluator(network, { ...params, tau: NaN }, target)).toThrow(/tau/);
    // A different initial condition changes the trajectory.
    const shifted = new TrialEvaluator(network, params, target, { x0: network.x0.map((v) => v + 1) });
    expect(shifted.error(gains)).not.toBe(error);
  });
});
