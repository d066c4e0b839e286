import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { prepareNetwork } from '../../src-shared/experiments/support.js';
import { learnGains } from '../../src-shared/primitives/learn.js';
import { JointTrialEvaluator } from '../../src-shared/speed/jointEvaluator.js';
import {
  baselineTargets,
  interpolateGains,
  learnSpeedPattern,
  outputsFor,
  rows,
  slowConditions,
  speedFactors,
  SpeedSlider,
  stretchAlongInterpolation,
} from '../../src-shared/speed/speed.js';
import { histogram, linearisationEigenvalues, noisyInitialCondition } from '../../src-shared/speed/analysis.js';
import { TrialEvaluator } from '../../src-shared/model/dynamics.js';
import { randomGroups } from '../../src-shared/model/groups.js';
import { slowParams } from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { decodeProject } from '../../src-shared/project/archive.js';
import { networkForModel } from '../../src-shared/project/modelViews.js';

const prepared = prepareNetwork({ n: 40, seed: 3, conditions: 2 });
const { network, params } = prepared;
const n = network.n;
const x0s = rows(prepared.initialConditions, 2, n);
const ones = new Float64Array(n).fill(1);

function isIncreasing(values: number[]): boolean {
  for (let k = 1; k < values.length; k++) if (!(values[k] > values[k - 1])) return false;
  return true;
}

describe('joint learning over initial conditions (model-spec §10)', () => {
  const fast = baselineTargets(network, params, x0s);
  const conditions = slowConditions(params, 1, x0s, fast, 2);
  const slow = slowParams(params, 2);

  it('the joint error is the sum of the separate errors, outputs condition after condition', () => {
    const gains = Float64Array.from({ length: n }, (_, i) => 1 + 0.03 * Math.sin(i));
    const joint = new JointTrialEvaluator(network, slow, conditions);
    const total = joint.run(gains);
    let sum = 0;
    conditions.forEach((c, m) => {
      const single = new TrialEvaluator(network, slow, c.target, { x0: c.x0, kernel: 'reference' });
      const out = new Float64Array(slow.nSamples);
      sum += single.run(gains, out);
      expectClose(joint.conditionOutput(m), out, { rtol: 1e-11, atol: 1e-11 });
    });
    expectClose(total, sum, { rtol: 1e-11 });
    expect(joint.channels).toBe(2);
  });

  it('the slow targets are the fast outputs played twice as slowly', () => {
    // Every 2nd sample of the slow target is a fast sample.
    for (let k = 0; k < params.nSamples; k++) expect(conditions[1].target[2 * k]).toBe(fast[1][k]);
    expect(conditions[0].target.length).toBe(slow.nSamples);
  });

  it('both rules lower the joint error; the reported error is the joint error of the returned gains', () => {
    for (const rule of ['reward', 'gradient'] as const) {
      const learned = learnGains(network, slow, conditions, { rule, seed: 4, trials: 150, iterations: 15, lr: 0.02 });
      expect(learned.bestError).toBeLessThan(learned.errors[0]);
      const joint = new JointTrialEvaluator(network, slow, conditions);
      expectClose(joint.error(learned.gains), learned.bestError, { rtol: 1e-9 });
      expect(learned.output.length).toBe(2 * slow.nSamples);
    }
  });
});

describe('speed factors, interpolation and the slider', () => {
  it('7 evenly spaced factors from 1 to 5 with whole steps', () => {
    const factors = speedFactors(7, 5, 200);
    expect(factors.length).toBe(7);
    expect(factors[0]).toBe(1);
    expect(factors[6]).toBe(5);
    for (let k = 0; k < 7; k++) {
      expectClose(factors[k] * 199, Math.round(factors[k] * 199), { atol: 1e-9 });
      expectClose(factors[k], 1 + (4 * k) / 6, { atol: 0.5 / 199 + 1e-12 });
      expect(() => slowParams({ ...params, nSamples: 200 }, factors[k])).not.toThrow();
    }
  });

  it('interpolated patterns: ends exact, linear in between', () => {
    const a = Float64Array.from([1, 2, 3]);
    const b = Float64Array.from([3, 2, 0]);
    expect(Array.from(interpolateGains(a, b, 0))).toEqual([1, 2, 3]);
    expect(Array.from(interpolateGains(a, b, 1))).toEqual([3, 2, 0]);
    expectClose(interpolateGains(a, b, 0.25), [1.5, 2, 2.25], { rtol: 1e-15 });
  });

  it('the slider: λ = 0 shows the fast outputs, updateExact(1) the slow pattern, the preview stays close', () => {
    const slowGains = Float64Array.from({ length: n }, (_, i) => 1 - 0.04 * Math.cos(i));
    const slider = new SpeedSlider(network, params, x0s, ones, slowGains, 3, { previewStride: 2 });
    const exact0 = slider.updateExact(0);
    const fast = baselineTargets(network, params, x0s);
    for (let m = 0; m < 2; m++) {
      expectClose(exact0.outputs[m].subarray(0, params.nSamples), fast[m], { rtol: 1e-10, atol: 1e-10 });
      expectClose(exact0.stretch![m].factor, 1, { atol: 1e-3 });
    }
    const exact1 = slider.updateExact(1);
    const direct = outputsFor(network, slowParams(params, 3), x0s, slowGains);
    expectClose(exact1.outputs[1], direct.subarray(exact1.nSamples), { rtol: 1e-10, atol: 1e-10 });
    const snapshot = exact1.outputs.map((o) => Float64Array.from(o));
    const preview = slider.update(1, false);
    expect(preview.nSamples).toBe(Math.floor((exact1.nSamples - 1) / 2) + 1);
    let scale = 0;
    for (const o of snapshot) for (const v of o) scale = Math.max(scale, Math.abs(v));
    for (let m = 0; m < 2; m++) {
      for (let k = 0; k < preview.nSamples; k++) expect(Math.abs(preview.outputs[m][k] - snapshot[m][2 * k])).toBeLessThan(2e-3 * scale);
    }
  });
});

describe('interpolated speed patterns give monotonic durations', () => {
  it('on a small network with a slow pattern learned in the test', () => {
    const fast = baselineTargets(network, params, x0s.slice(0, 1));
    const learned = learnSpeedPattern(network, params, x0s.slice(0, 1), fast, 2, { rule: 'gradient', seed: 1, iterations: 200, lr: 0.03 });
    expect(learned.bestError).toBeLessThan(0.05 * learned.initialError);
    const lambdas = [0, 0.25, 0.5, 0.75, 1];
    const { meanFactors } = stretchAlongInterpolation(network, params, x0s.slice(0, 1), ones, learned.gains, 2, lambdas);
    expect(isIncreasing(meanFactors)).toBe(true);
    expectClose(meanFactors[0], 1, { atol: 1e-3 });
    expectClose(meanFactors[4], 2, { atol: 0.05 });
  });

  const examplePath = new URL('../../resources/example/example.gainlab', import.meta.url);
  it('on the example project\'s network (40 random groups, slow factor 2)', ({ skip }) => {
    skip(!existsSync(examplePath), 'resources/example/example.gainlab is missing');
    const project = decodeProject(new Uint8Array(readFileSync(examplePath)));
    const stored = project.networks[0];
    const net = networkForModel(stored, 0);
    const starts = rows(stored.initialConditions, 1, net.n);
    const fast = baselineTargets(net, stored.params, starts);
    const groups = randomGroups(net.n, 40, new Rng(1));
    const learned = learnSpeedPattern(net, stored.params, starts, fast, 2, { rule: 'gradient', seed: 1, iterations: 60, lr: 0.05, groups });
    expect(learned.bestError).toBeLessThan(0.2 * learned.initialError);
    const lambdas = [0, 0.25, 0.5, 0.75, 1];
    const { meanFactors } = stretchAlongInterpolation(net, stored.params, starts, new Float64Array(net.n).fill(1), learned.gains, 2, lambdas);
    expect(isIncreasing(meanFactors)).toBe(true);
    expectClose(meanFactors[0], 1, { atol: 1e-3 });
    expect(meanFactors[4]).toBeGreaterThan(1.8);
  }, 60_000);
});

describe('analyses', () => {
  it('eigenvalues of (−I + W diag(g))/τ: trace and a 2×2 case', () => {
    const W = Float64Array.from([0, 2, -1, 0]);
    const g = Float64Array.from([0.5, 2]);
    // L = ([0, 4; −0.5, 0] − I)/τ: eigenvalues (−1 ± i·√2)/τ.
    const { re, im } = linearisationEigenvalues(W, 2, g, 200);
    expectClose(Array.from(re).sort(), [-1 / 200, -1 / 200], { rtol: 1e-12 });
    expectClose(Array.from(im).sort((a, b) => a - b), [-Math.SQRT2 / 200, Math.SQRT2 / 200], { rtol: 1e-12 });
    const gains = Float64Array.from({ length: n }, (_, i) => 1 + 0.1 * Math.sin(i));
    const big = linearisationEigenvalues(network.W, n, gains, params.tau);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += (network.W[i * n + i] * gains[i] - 1) / params.tau;
    expectClose(big.re.reduce((s, v) => s + v, 0), trace, { rtol: 1e-9, atol: 1e-12 });
    expectClose(big.im.reduce((s, v) => s + v, 0), 0, { atol: 1e-12 });
  });

  it('histogram counts every value once', () => {
    const values = [0, 0.1, 0.5, 0.99, 1, 2, -1];
    const h = histogram(values, 4, [0, 1]);
    expect(Array.from(h.counts)).toEqual([2, 0, 1, 2]);
    expectClose(h.edges, [0, 0.25, 0.5, 0.75, 1], { rtol: 1e-15 });
    expect(histogram(values, 3).counts.reduce((a, b) => a + b, 0)).toBe(values.length);
  });

  it('noisy x0 has the requested SNR', () => {
    const x0 = Float64Array.from({ length: 20000 }, (_, i) => Math.sin(i / 7) * 3);
    const noisy = noisyInitialCondition(x0, 4, new Rng(2));
    let signal = 0;
    let noise = 0;
    for (let i = 0; i < x0.length; i++) {
      signal += x0[i] ** 2;
      noise += (noisy[i] - x0[i]) ** 2;
    }
    expectClose(10 * Math.log10(signal / noise), 4, { atol: 0.05 });
  });
});

describe('interpolation along a speed manifold', () => {
  it('passes through every pattern and is linear between neighbours', async () => {
    const { interpolateManifold } = await import('../../src-shared/speed/speed.js');
    const gains = Float64Array.from([1, 1, 2, 0, 4, 4]); // three patterns of n = 2
    expect(Array.from(interpolateManifold(gains, 3, 2, 0))).toEqual([1, 1]);
    expect(Array.from(interpolateManifold(gains, 3, 2, 0.5))).toEqual([2, 0]);
    expect(Array.from(interpolateManifold(gains, 3, 2, 1))).toEqual([4, 4]);
    expectClose(interpolateManifold(gains, 3, 2, 0.25), [1.5, 0.5], { rtol: 1e-15 });
    expectClose(interpolateManifold(gains, 3, 2, 0.75), [3, 2], { rtol: 1e-15 });
    // Two patterns: the same as interpolateGains.
    expectClose(interpolateManifold(gains, 2, 2, 0.3), interpolateGains(gains.subarray(0, 2), gains.subarray(2, 4), 0.3), { rtol: 1e-15 });
  });

  it('the slider follows the manifold when given one', () => {
    const a = Float64Array.from({ length: n }, () => 1);
    const b = Float64Array.from({ length: n }, (_, i) => 1 - 0.03 * Math.cos(i));
    const c = Float64Array.from({ length: n }, (_, i) => 1 + 0.03 * Math.sin(i));
    const manifold = new Float64Array(3 * n);
    manifold.set(a, 0);
    manifold.set(b, n);
    manifold.set(c, 2 * n);
    const slider = new SpeedSlider(network, params, x0s, a, c, 2, { manifold: { gains: manifold, count: 3 } });
    slider.updateExact(0.5, false);
    expect(Array.from(slider.gains)).toEqual(Array.from(b));
  });
});
