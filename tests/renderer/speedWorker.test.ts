import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { buildExperimentNetwork } from '../../src-shared/experiments/support.js';
import { JointTrialEvaluator } from '../../src-shared/speed/jointEvaluator.js';
import { baselineTargets, outputsFor, rows, slowConditions, speedFactors } from '../../src-shared/speed/speed.js';
import { linearisationEigenvalues } from '../../src-shared/speed/analysis.js';
import { slowParams } from '../../src-shared/model/params.js';
import { LatestOnly } from '../../src-renderer/workers/latestOnly.js';
import { gainsPerGroup, SliderSession, speedAnalysis, speedOutputs, stretchCurve, type SpeedModel } from '../../src-renderer/workers/speedCompute.js';
import { defaultSpeedForm, modelFrom, speedRequestFor } from '../../src-renderer/components/speed/speedModel.js';
import { speedRequestSchema } from '../../src-shared/ipc/contract.js';

const prepared = buildExperimentNetwork({ n: 40, seed: 3, conditions: 2 });
const { network, params } = prepared;
const n = network.n;
const factors = speedFactors(3, 2, params.nSamples);
const labels = Array.from({ length: n }, (_, i) => i % 4);
// three patterns: g = 1, and two group-wise perturbations
const gains = new Float64Array(3 * n);
for (let i = 0; i < n; i++) {
  gains[i] = 1;
  gains[n + i] = 1 + 0.02 * (labels[i] - 1.5);
  gains[2 * n + i] = 1 + 0.05 * (labels[i] - 1.5);
}
const model: SpeedModel = {
  n,
  nE: network.nE,
  W: network.W,
  readout: network.readout,
  params,
  x0s: prepared.initialConditions,
  m: 2,
  factors,
  gains,
  amplitudeScaling: false,
  groupLabels: labels,
};
const x0s = rows(prepared.initialConditions, 2, n);

describe('LatestOnly: slider frames while the worker is busy', () => {
  it('sends at once when idle, keeps only the newest while busy, and goes idle after the last answer', () => {
    const sent: number[] = [];
    const latest = new LatestOnly<number>((v) => sent.push(v));
    latest.request(0.1);
    latest.request(0.2);
    latest.request(0.3);
    latest.request(0.4);
    expect(sent).toEqual([0.1]);
    expect(latest.dropped).toBe(2);
    latest.settled();
    expect(sent).toEqual([0.1, 0.4]);
    expect(latest.busy).toBe(true);
    latest.settled();
    expect(latest.busy).toBe(false);
    latest.request(0.5);
    expect(sent).toEqual([0.1, 0.4, 0.5]);
    latest.reset();
    latest.request(0.6);
    expect(sent.at(-1)).toBe(0.6);
  });
});

describe('speed view computations (workers/speedCompute.ts)', () => {
  it('outputs and errors per speed agree with a joint evaluation against slow variants built here', () => {
    const result = speedOutputs(model);
    const fast = baselineTargets(network, params, x0s);
    factors.forEach((factor, k) => {
      const slow = slowParams(params, factor);
      expect(result.nSamples[k]).toBe(slow.nSamples);
      const pattern = gains.slice(k * n, (k + 1) * n);
      expectClose(result.outputs[k], outputsFor(network, slow, x0s, pattern), { rtol: 1e-12, atol: 1e-12 });
      const evaluator = new JointTrialEvaluator(network, slow, slowConditions(params, 1, x0s, fast, factor));
      expectClose(result.errors[k], evaluator.error(pattern), { rtol: 1e-9 });
      evaluator.dispose();
    });
    // the fast pattern g = 1 reproduces the fast targets (its own outputs) exactly
    expect(result.errors[0]).toBeLessThan(1e-20);
    // the slow target of condition 1 at 2T takes every 2nd sample from the fast output
    expect(factors[2]).toBe(2);
    const slowTarget = result.targets[2].subarray(0, result.nSamples[2]);
    for (let k = 0; k < params.nSamples; k += 17) expect(slowTarget[2 * k]).toBe(fast[0][k]);
  });

  it('gains per group are the group means of each pattern', () => {
    const { groups, values } = gainsPerGroup(model);
    expect(groups).toBe(4);
    for (let g = 0; g < 4; g++) {
      for (let k = 0; k < 3; k++) {
        let sum = 0;
        let count = 0;
        for (let i = 0; i < n; i++) if (labels[i] === g) {
          sum += gains[k * n + i];
          count++;
        }
        expectClose(values[g * 3 + k], sum / count, { rtol: 1e-14 });
      }
    }
  });

  it('the slider: exact frames are the interpolated pattern run over the slow window; λ = 0 has stretch 1', () => {
    const session = new SliderSession(model, { alongManifold: false }, () => 0);
    const window = slowParams(params, factors[2]);
    for (const lambda of [0, 0.5, 1]) {
      const frame = session.frame(lambda, true);
      expect(frame.nSamples).toBe(window.nSamples);
      const g = gains.slice(0, n).map((fast, i) => (1 - lambda) * fast + lambda * gains[2 * n + i]);
      expectClose(frame.outputs, outputsFor(network, window, x0s, g), { rtol: 1e-10, atol: 1e-10 });
      expect(frame.factors).toHaveLength(2);
      if (lambda === 0) expectClose(frame.meanFactor, 1, { atol: 1e-3 });
    }
    // the preview (3 steps per RK4 step) stays close to the exact run
    const preview = session.frame(1);
    const exact = session.frame(1, true);
    const length = exact.nSamples;
    let worst = 0;
    let scale = 0;
    for (let m = 0; m < 2; m++) {
      for (let k = 0; k < preview.nSamples; k++) {
        const e = exact.outputs[m * length + 3 * k];
        worst = Math.max(worst, Math.abs(preview.outputs[m * preview.nSamples + k] - e));
        scale = Math.max(scale, Math.abs(e));
      }
    }
    expect(worst / scale).toBeLessThan(1e-2);
  });

  it('along the manifold, λ = 0.5 is the middle pattern exactly', () => {
    const session = new SliderSession(model, { alongManifold: true }, () => 0);
    const frame = session.frame(0.5, true);
    expectClose(frame.outputs, outputsFor(network, slowParams(params, factors[2]), x0s, gains.slice(n, 2 * n)), { rtol: 1e-10, atol: 1e-10 });
    const curve = stretchCurve(model, true, 3);
    expect(curve.lambdas).toEqual([0, 0.5, 1]);
    expectClose(curve.meanFactors[0], 1, { atol: 1e-3 });
  });

  it('analysis: eigenvalues with the fast and slow patterns, histograms of all N, noisy outputs near the clean one at high SNR', () => {
    const a = speedAnalysis(model, { bins: 12, snrDb: 60, draws: 3, seed: 2 });
    const before = linearisationEigenvalues(network.W, n, gains.slice(0, n), params.tau);
    expectClose(a.before.re, before.re, { rtol: 1e-12, atol: 1e-15 });
    const sum = (v: Float64Array) => v.reduce((s, x) => s + x, 0);
    expect(sum(a.histograms.re.before)).toBe(n);
    expect(sum(a.histograms.im.after)).toBe(n);
    const clean = a.noisy.slow.clean;
    let worst = 0;
    let scale = 0;
    for (let d = 0; d < 3; d++) for (let k = 0; k < a.noisy.slow.nSamples; k++) {
      worst = Math.max(worst, Math.abs(a.noisy.slow.outputs[d * a.noisy.slow.nSamples + k] - clean[k]));
      scale = Math.max(scale, Math.abs(clean[k]));
    }
    expect(worst / scale).toBeLessThan(0.05);
    expect(worst).toBeGreaterThan(0);
  });
});

describe('speed store helpers', () => {
  it('the default form is a valid request (G ≥ N means neuron-specific gains)', () => {
    const request = speedRequestFor(defaultSpeedForm(), 'net', 400);
    const parsed = speedRequestSchema.parse(request);
    expect(parsed).toMatchObject({ initialConditions: 2, speeds: 7, maxFactor: 5, amplitude: 'fixed', rule: 'gradient', groups: { kind: 'random', count: 40 } });
    expect(speedRequestSchema.parse(speedRequestFor(defaultSpeedForm(), 'net', 40)).groups).toEqual({ kind: 'neuron' });
  });

  it('a format-2 project manifold (no initial conditions recorded) uses the network row 0 and durations / T', () => {
    const projectNetwork = {
      id: 'net', name: 'net', n, nE: network.nE, W: network.W, initialConditions: prepared.initialConditions, nInitialConditions: 2,
      readout: { channels: 1, weights: network.readout.weights, fittedTo: null, fitError: null }, params, seed: 3, soc: null, origin: 'soc', createdAt: '',
    };
    const built = modelFrom(projectNetwork, { kind: 'project', record: { id: 's', name: 's', networkId: 'net', durations: [500, 1000], gains: { shape: [2, n], data: gains.slice(0, 2 * n) } } });
    expect(built.m).toBe(1);
    expect(Array.from(built.x0s)).toEqual(Array.from(x0s[0]));
    expect(built.factors).toEqual([1, 2]);
    expect(built.amplitudeScaling).toBe(false);
    // a format-3 record brings its own initial conditions, factors, amplitude mode and groups
    const full = modelFrom(projectNetwork, {
      kind: 'project',
      record: {
        id: 's', name: 's', networkId: 'net', durations: [500, 751], gains: { shape: [2, n], data: gains.slice(0, 2 * n) },
        factors: [1, 1.502], initialConditions: { shape: [2, n], data: prepared.initialConditions }, amplitudeScaling: true, groupLabels: labels,
      },
    });
    expect([full.m, full.factors, full.amplitudeScaling, full.groupLabels]).toEqual([2, [1, 1.502], true, labels]);
    expect(Array.from(full.x0s)).toEqual(Array.from(prepared.initialConditions));
  });
});
