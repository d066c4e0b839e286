import { describe, expect, it } from 'vitest';
import { computeOutput, normalisedError, simulateReference } from '../../src-shared/model/dynamics.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { fitReadout } from '../../src-shared/model/readoutFit.js';
import { Rng } from '../../src-shared/model/rng.js';
import { expectClose } from '../helpers/expectClose.js';
import { hasReference, loadReferenceArray, referenceSkipReason } from '../helpers/reference.js';

describe('fitReadout (NNLS on [1, f(x_E)])', () => {
  it('recovers a non-negative readout (with zeros) from noiseless multi-channel data', () => {
    const rng = new Rng(21);
    const nSamples = 120;
    const n = 30;
    const nE = 15;
    const channels = 2;
    const rates = new Float64Array(nSamples * n).map(() => 10 * rng.normal());
    const truth = new Float64Array(channels * (1 + nE));
    for (let i = 0; i < truth.length; i++) truth[i] = rng.uniform() < 0.4 ? 0 : rng.uniform();
    const readout = { channels, weights: truth };
    const target = computeOutput(rates, nSamples, n, nE, readout);
    const fitted = fitReadout(rates, nSamples, n, nE, target, channels);
    expect(fitted.channels).toBe(channels);
    expectClose(fitted.weights, truth, { atol: 1e-10 });
    for (const r of fitted.residualNorms) expect(r).toBeLessThan(1e-9);
  });

  it('keeps every weight ≥ 0 when the best unconstrained fit would need negative ones', () => {
    const rng = new Rng(2);
    const nSamples = 80;
    const n = 10;
    const nE = 5;
    const rates = new Float64Array(nSamples * n).map(() => rng.normal());
    // target = −3·rate_0 + 2·rate_1 − 1: only the +2 part is reachable with non-negative weights
    const target = new Float64Array(nSamples);
    for (let k = 0; k < nSamples; k++) target[k] = -3 * rates[k * n] + 2 * rates[k * n + 1] - 1;
    const { weights } = fitReadout(rates, nSamples, n, nE, target, 1);
    for (const w of weights) expect(w).toBeGreaterThanOrEqual(0);
    expect(weights[2]).toBeGreaterThan(1); // β for neuron 1
    expect(weights[0]).toBe(0); // a negative offset is not allowed
  });

  it('on the published network fits initial_target at least as well as the published readout', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const W = loadReferenceArray('W').data;
    const x0 = loadReferenceArray('x0').data;
    const published = { channels: 1, weights: loadReferenceArray('readout').data };
    const target = loadReferenceArray('initial_target').data;
    const n = 200;
    const nE = 100;
    const p = DEFAULT_DYNAMICS;
    const { rates } = simulateReference(W, n, x0, new Float64Array(n).fill(1), p);
    const publishedError = normalisedError(computeOutput(rates, p.nSamples, n, nE, published), target, 1, p.nSamples);
    expectClose(publishedError, 0.010462, { rtol: 1e-4 }); // the published fact (README)
    const fitted = fitReadout(rates, p.nSamples, n, nE, target, 1);
    for (const w of fitted.weights) expect(w).toBeGreaterThanOrEqual(0);
    const fittedError = normalisedError(computeOutput(rates, p.nSamples, n, nE, fitted), target, 1, p.nSamples);
    // NNLS is optimal over non-negative weights and the published readout is one of them
    expect(fittedError).toBeLessThanOrEqual(publishedError * (1 + 1e-9));
    // and the NNLS solution is sparse, like the published one
    const nonZero = Array.from(fitted.weights).filter((w) => w > 0).length;
    expect(nonZero).toBeLessThan(101);
  });

  it('rejects mismatched shapes', () => {
    expect(() => fitReadout(new Float64Array(10), 5, 2, 1, new Float64Array(4), 1)).toThrow(RangeError);
    expect(() => fitReadout(new Float64Array(10), 5, 2, 3, new Float64Array(5), 1)).toThrow(RangeError);
  });
});
