import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { directionalDifference, dot } from '../helpers/finiteDifference.js';
import { hasReference, loadReferenceArray, referenceSkipReason } from '../helpers/reference.js';
import { Adam } from '../../src-shared/model/adam.js';
import {
  GradientProblem,
  RK4Adjoint,
  addRankOne,
  trainGradient,
  type GradientProblemOptions,
  type GradientTrainable,
} from '../../src-shared/model/gradient.js';
import { computeOutput, normalisedError, simulateReference } from '../../src-shared/model/dynamics.js';
import { randomGroups } from '../../src-shared/model/groups.js';
import type { Network } from '../../src-shared/model/network.js';
import { DEFAULT_DYNAMICS, type DynamicsParams } from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { adjointWasmAvailable } from '../../src-shared/model/wasm/adjointKernel.js';

/**
 * A small random network (N = 24, 12 E) over a shorter movement (100 ms, h = 2.5 ms), with states
 * of tens of Hz so both branches of f and its saturation are exercised, and a two-channel readout
 * (the error sums numerator and denominator over channels).
 */
function smallNetwork(seed: number, { sparsity = 0 } = {}): { network: Network; params: DynamicsParams; target: Float64Array } {
  const rng = new Rng(seed);
  const n = 24;
  const nE = 12;
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j || rng.uniform() < sparsity) continue;
      const magnitude = (1.5 / Math.sqrt(n)) * Math.abs(rng.normal());
      W[i * n + j] = j < nE ? magnitude : -2 * magnitude;
    }
  }
  const x0 = new Float64Array(n);
  for (let i = 0; i < n; i++) x0[i] = 15 * rng.normal();
  const channels = 2;
  const weights = new Float64Array(channels * (1 + nE));
  for (let c = 0; c < channels; c++) {
    weights[c * (1 + nE)] = rng.normal();
    for (let i = 0; i < nE; i++) weights[c * (1 + nE) + 1 + i] = 0.1 * rng.uniform();
  }
  const params: DynamicsParams = { ...DEFAULT_DYNAMICS, duration: 100, nSamples: 41 };
  const target = new Float64Array(channels * params.nSamples);
  for (let c = 0; c < channels; c++) {
    for (let k = 0; k < params.nSamples; k++) {
      const t = k / (params.nSamples - 1);
      target[c * params.nSamples + k] = 3 * Math.sin(2 * Math.PI * (t + 0.3 * c)) + 2 * t;
    }
  }
  return { network: { n, nE, W, x0, readout: { channels, weights } }, params, target };
}

function publishedNetwork(): { network: Network; params: DynamicsParams; target: Float64Array } {
  const W = loadReferenceArray('W').data;
  const x0 = loadReferenceArray('x0').data;
  const readout = loadReferenceArray('readout').data;
  const target = loadReferenceArray('novel_target').data;
  return { network: { n: 200, nE: 100, W, x0, readout: { channels: 1, weights: readout } }, params: { ...DEFAULT_DYNAMICS }, target };
}

/** Central differences (E(θ + δe_i) − E(θ − δe_i)) / 2δ at the given entries. */
function centralDifferences(problem: GradientProblem, theta: Float64Array, entries: number[], step: number): Float64Array {
  const probe = Float64Array.from(theta);
  const result = new Float64Array(entries.length);
  entries.forEach((entry, index) => {
    probe[entry] = theta[entry] + step;
    const plus = problem.value(probe);
    probe[entry] = theta[entry] - step;
    const minus = problem.value(probe);
    probe[entry] = theta[entry];
    result[index] = (plus - minus) / (2 * step);
  });
  return result;
}

function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/**
 * The gradient check: entrywise |adjoint − FD| ≤ 1e-5·|FD| (plus a floor of 1e-7·max|FD| for
 * entries that are nearly zero, where relative error is meaningless), and the relative error of the
 * whole checked vector ‖adjoint − FD‖/‖FD‖ ≤ 1e-5.
 */
function expectGradientMatches(adjoint: Float64Array, entries: number[], differences: Float64Array): void {
  const picked = Float64Array.from(entries, (entry) => adjoint[entry]);
  let largest = 0;
  for (const value of differences) largest = Math.max(largest, Math.abs(value));
  expect(largest).toBeGreaterThan(0);
  expectClose(picked, differences, { rtol: 1e-5, atol: 1e-7 * largest });
  const difference = picked.map((value, i) => value - differences[i]);
  expect(norm(difference) / norm(differences)).toBeLessThan(1e-5);
}

function allEntries(size: number): number[] {
  return Array.from({ length: size }, (_, i) => i);
}

function randomEntries(size: number, count: number, rng: Rng): number[] {
  const all = allEntries(size);
  rng.shuffle(all);
  return all.slice(0, count).sort((a, b) => a - b);
}

function randomVector(size: number, rng: Rng, scale = 1): Float64Array {
  const v = new Float64Array(size);
  for (let i = 0; i < size; i++) v[i] = scale * rng.normal();
  return v;
}

describe('RK4Adjoint forward', () => {
  for (const storage of ['dense', 'sparse'] as const) {
    it(`agrees with simulateReference, computeOutput and normalisedError (small network, ${storage} W)`, () => {
      const { network, params, target } = smallNetwork(11, { sparsity: 0.6 });
      const rng = new Rng(5);
      const gains = Float64Array.from({ length: network.n }, () => 0.5 + rng.uniform());
      const adjoint = new RK4Adjoint(network, params, target);
      adjoint.setWeights(network.W, storage);
      expect(adjoint.sparse).toBe(storage === 'sparse');
      const error = adjoint.forward(network.x0, gains);
      const reference = simulateReference(network.W, network.n, network.x0, gains, params);
      let scale = 0;
      for (const value of reference.states) scale = Math.max(scale, Math.abs(value));
      expectClose(adjoint.states, reference.states, { rtol: 1e-12, atol: 1e-12 * scale });
      const output = computeOutput(reference.rates, params.nSamples, network.n, network.nE, network.readout);
      expectClose(adjoint.output, output, { rtol: 1e-12, atol: 1e-12 });
      expectClose(error, normalisedError(output, target, network.readout.channels, params.nSamples), { rtol: 1e-12 });
    });
  }

  it('with a rank-1 term equals the dense forward of W + u vᵀ', () => {
    const { network, params, target } = smallNetwork(12, { sparsity: 0.5 });
    const rng = new Rng(6);
    const u = randomVector(network.n, rng, 0.1);
    const v = randomVector(network.n, rng, 0.1);
    const gains = new Float64Array(network.n).fill(1);
    const effective = new Float64Array(network.n * network.n);
    addRankOne(network.W, u, v, network.n, effective);
    const adjoint = new RK4Adjoint(network, params, target);
    adjoint.setWeights(network.W, 'sparse');
    adjoint.forward(network.x0, gains, { u, v });
    const reference = simulateReference(effective, network.n, network.x0, gains, params);
    expectClose(adjoint.states, reference.states, { rtol: 1e-11, atol: 1e-11 });
  });

  it('agrees with simulateReference on the published network and gives E(g = 1) = 4.1768 vs novel_target', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const { network, params, target } = publishedNetwork();
    const gains = new Float64Array(network.n).fill(1);
    const adjoint = new RK4Adjoint(network, params, target);
    expect(adjoint.sparse).toBe(true); // 'auto' picks sparse storage for the 25 %-dense SOC matrix
    const error = adjoint.forward(network.x0, gains);
    const reference = simulateReference(network.W, network.n, network.x0, gains, params);
    expectClose(adjoint.states, reference.states, { rtol: 1e-12, atol: 1e-12 });
    // Published facts (reference/stroud2018/README.md): m(0) = −1.40897, E = 4.1768.
    expectClose(adjoint.output[0], -1.40897, { rtol: 1e-5 });
    expectClose(error, 4.1768, { rtol: 1e-4 });
  });
});

describe('adjoint gradients match central finite differences (small network)', () => {
  const base = smallNetwork(21, { sparsity: 0.3 });
  const rng = new Rng(99);
  const nonTrivialGains = Float64Array.from({ length: base.network.n }, () => 0.7 + 0.6 * rng.uniform());

  const cases: Array<{ name: string; options: Partial<GradientProblemOptions>; trainable: GradientTrainable; step: number }> = [
    { name: 'gains per neuron', trainable: 'gains', options: { gains: nonTrivialGains }, step: 1e-5 },
    { name: 'gains per neuron (linear gain function)', trainable: 'gains', options: {}, step: 1e-5 },
    { name: 'x0', trainable: 'x0', options: { gains: nonTrivialGains }, step: 1e-4 },
    { name: 'whole W', trainable: 'W', options: { gains: nonTrivialGains }, step: 1e-6 },
    { name: 'rank-1 u and v', trainable: 'rank1', options: { gains: nonTrivialGains }, step: 1e-6 },
  ];
  // Both passes (the TypeScript reference and the WebAssembly kernel, forced here: this W is
  // 70 % dense, where 'auto' keeps TypeScript) against finite differences.
  const kernelCases = cases.flatMap((testCase) => (['typescript', 'wasm'] as const).map((adjointKernel) => ({ ...testCase, adjointKernel })));
  for (const { name, options, trainable, step, adjointKernel } of kernelCases) {
    it(`${name} (${adjointKernel})`, ({ skip }) => {
      skip(adjointKernel === 'wasm' && !adjointWasmAvailable(), 'WebAssembly SIMD unavailable');
      const params = name.includes('linear') ? { ...base.params, gainFunction: 'linear' as const } : base.params;
      const problem = new GradientProblem({ ...base, params, trainable, adjointKernel, ...options });
      expect(problem.adjoint.kernel).toBe(adjointKernel);
      // Move off the starting point (e.g. u = 0 for rank1, where ∂E/∂v vanishes identically).
      const theta = Float64Array.from(problem.initialParameters);
      const move = new Rng(7);
      for (let i = 0; i < theta.length; i++) theta[i] += 0.05 * move.normal();
      const gradient = new Float64Array(problem.size);
      problem.valueAndGradient(theta, gradient);
      const entries = allEntries(problem.size);
      expectGradientMatches(gradient, entries, centralDifferences(problem, theta, entries, step));
    });
  }

  it('grouped gains: the group gradient is the sum over members and matches FD', () => {
    const groups = randomGroups(base.network.n, 5, new Rng(3));
    const problem = new GradientProblem({ ...base, trainable: 'gains', groups, gains: Float64Array.from([0.8, 1.1, 1.3, 0.9, 1.0]) });
    expect(problem.size).toBe(5);
    const theta = Float64Array.from(problem.initialParameters);
    const gradient = new Float64Array(5);
    problem.valueAndGradient(theta, gradient);
    const entries = allEntries(5);
    expectGradientMatches(gradient, entries, centralDifferences(problem, theta, entries, 1e-5));
  });

  it('rank1 starts at u = 0 (untrained error), v random from the seed, and ∂E/∂u ≠ 0 there', () => {
    const problem = new GradientProblem({ ...base, trainable: 'rank1', seed: 42 });
    const n = base.network.n;
    const theta = problem.initialParameters;
    expect(Array.from(theta.subarray(0, n)).every((value) => value === 0)).toBe(true);
    expect(norm(theta.subarray(n))).toBeGreaterThan(0.3);
    const again = new GradientProblem({ ...base, trainable: 'rank1', seed: 42 });
    expectClose(again.initialParameters, theta, { rtol: 0 });
    const plain = new GradientProblem({ ...base, trainable: 'gains' });
    const gradient = new Float64Array(2 * n);
    expectClose(problem.valueAndGradient(theta, gradient), plain.value(plain.initialParameters), { rtol: 1e-14 });
    expect(norm(gradient.subarray(0, n))).toBeGreaterThan(0);
    expect(norm(gradient.subarray(n))).toBe(0);
  });

  it('dense and sparse storage give the same gradients', () => {
    const sparseBase = smallNetwork(31, { sparsity: 0.7 });
    const gradients = (['dense', 'sparse'] as const).map((weightStorage) => {
      const problem = new GradientProblem({ ...sparseBase, trainable: 'gains', weightStorage, gains: nonTrivialGains });
      const gradient = new Float64Array(problem.size);
      problem.valueAndGradient(problem.initialParameters, gradient);
      return gradient;
    });
    expectClose(gradients[1], gradients[0], { rtol: 1e-10, atol: 1e-14 });
  });
});

describe('several conditions learned jointly (model-spec §10)', () => {
  it('E and ∂E/∂g are the sums over conditions, and match central FD', () => {
    const base = smallNetwork(71, { sparsity: 0.3 });
    const rng = new Rng(4);
    const secondX0 = randomVector(base.network.n, rng, 15);
    const secondTarget = base.target.map((value, k) => -0.5 * value + 0.01 * k);
    const conditions = [{ target: base.target }, { x0: secondX0, target: secondTarget }];
    const gains = Float64Array.from({ length: base.network.n }, () => 0.8 + 0.4 * rng.uniform());
    const joint = new GradientProblem({ network: base.network, params: base.params, conditions, trainable: 'gains', gains });
    const gradient = new Float64Array(joint.size);
    const error = joint.valueAndGradient(joint.initialParameters, gradient);

    let errorSum = 0;
    const gradientSum = new Float64Array(joint.size);
    for (const condition of conditions) {
      const single = new GradientProblem({ network: base.network, params: base.params, ...condition, trainable: 'gains', gains });
      const part = new Float64Array(single.size);
      errorSum += single.valueAndGradient(single.initialParameters, part);
      for (let i = 0; i < part.length; i++) gradientSum[i] += part[i];
    }
    expectClose(error, errorSum, { rtol: 1e-14 });
    expectClose(gradient, gradientSum, { rtol: 1e-12, atol: 1e-15 });
    const entries = allEntries(joint.size);
    expectGradientMatches(gradient, entries, centralDifferences(joint, joint.initialParameters, entries, 1e-5));
    expect(joint.outputs().length).toBe(2 * base.network.readout.channels * base.params.nSamples);
  });
});

describe('adjoint gradients on the published network', () => {
  it('gains: random entries and the full vector (directional derivative) match central FD', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const published = publishedNetwork();
    const rng = new Rng(2024);
    const gains = Float64Array.from({ length: 200 }, () => 1 + 0.05 * rng.normal());
    const problem = new GradientProblem({ ...published, trainable: 'gains', gains });
    expect(problem.adjoint.kernel).toBe(adjointWasmAvailable() ? 'wasm' : 'typescript'); // 'auto' on the sparse SOC W
    const theta = Float64Array.from(problem.initialParameters);
    const gradient = new Float64Array(problem.size);
    problem.valueAndGradient(theta, gradient);
    const entries = randomEntries(200, 12, rng);
    expectGradientMatches(gradient, entries, centralDifferences(problem, theta, entries, 1e-5));
    const direction = randomVector(200, rng);
    const along = directionalDifference(problem, theta, direction, 1e-6);
    expectClose(dot(gradient, direction), along, { rtol: 1e-5 });
  });

  it('x0: the full vector (directional derivative) matches central FD', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const published = publishedNetwork();
    const problem = new GradientProblem({ ...published, trainable: 'x0' });
    expect(problem.adjoint.kernel).toBe(adjointWasmAvailable() ? 'wasm' : 'typescript'); // 'auto' on the sparse SOC W
    const theta = Float64Array.from(problem.initialParameters);
    const gradient = new Float64Array(problem.size);
    problem.valueAndGradient(theta, gradient);
    const direction = randomVector(200, new Rng(8));
    const along = directionalDifference(problem, theta, direction, 1e-4);
    expectClose(dot(gradient, direction), along, { rtol: 1e-5 });
  });
});

describe('Adam', () => {
  it('reproduces a hand-computed two-step example', () => {
    // θ = (1, −2), lr 0.1, β1 0.9, β2 0.999, ε 1e-8; gradients g1 = (0.5, −1), g2 = (0.1, 2).
    // Step 1: m = 0.1·g1, v = 0.001·g1², m̂ = g1, v̂ = g1² → θ −= 0.1·g1/(|g1| + ε).
    // Step 2: m = 0.9·0.1·g1 + 0.1·g2 = (0.055, 0.11); v = 0.999·0.001·g1² + 0.001·g2² = (0.00025975, 0.004999);
    //         m̂ = m/(1 − 0.81) = m/0.19; v̂ = v/(1 − 0.998001) = v/0.001999.
    const adam = new Adam(2, { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    const theta = Float64Array.from([1, -2]);
    adam.step(theta, Float64Array.from([0.5, -1]));
    expectClose(theta, [1 - (0.1 * 0.5) / (0.5 + 1e-8), -2 + (0.1 * 1) / (1 + 1e-8)], { rtol: 1e-15 });
    const afterOne = Float64Array.from(theta);
    adam.step(theta, Float64Array.from([0.1, 2]));
    const mHat = [0.055 / 0.19, 0.11 / 0.19];
    const vHat = [0.00025975 / 0.001999, 0.004999 / 0.001999];
    expectClose(
      theta,
      [afterOne[0] - (0.1 * mHat[0]) / (Math.sqrt(vHat[0]) + 1e-8), afterOne[1] - (0.1 * mHat[1]) / (Math.sqrt(vHat[1]) + 1e-8)],
      { rtol: 1e-13 },
    );
    // numbers worked out by hand: θ ≈ (0.900000002 − 0.080305, −1.900000001 − 0.036610)
    expectClose(theta, [0.819695, -1.936610], { rtol: 2e-6 });
    expect(adam.stepCount).toBe(2);
  });

  it('uses the spec defaults lr 1e-2, β 0.9/0.999, ε 1e-8 (explicit undefined means default)', () => {
    const adam = new Adam(1, { lr: undefined });
    expect([adam.lr, adam.beta1, adam.beta2, adam.epsilon]).toEqual([1e-2, 0.9, 0.999, 1e-8]);
  });
});

describe('trainGradient', () => {
  it('Adam on neuron-specific gains reproduces the spec error curve on the published network', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const published = publishedNetwork();
    const progress: number[] = [];
    const result = trainGradient({ ...published, trainable: 'gains', iterations: 50, recordAt: [0, 50] }, (p) => progress.push(p.iteration));
    expect(result.iterations).toBe(50);
    expect(result.stopped).toBe(false);
    expect(result.errors.length).toBe(51);
    expectClose(result.errors[0], 4.1768, { rtol: 1e-4 });
    // The spec counts iterations like the paper (iteration 1 = the start, g = 1), so "after 10
    // iterations" is errors[9] and "after 50" errors[49]: spec ≈ 0.43 and 0.024.
    expectClose(result.errors[9], 0.43, { rtol: 0.05 });
    expectClose(result.errors[49], 0.024, { rtol: 0.1 });
    expect(result.errors[50]).toBeLessThan(0.05);
    let lowest = Infinity;
    for (const e of result.errors) lowest = Math.min(lowest, e);
    expect(result.bestError).toBe(lowest);
    expect(result.errors[result.bestIteration]).toBe(lowest);
    // The best gains reproduce their error and output in an independent simulation.
    const reference = simulateReference(published.network.W, 200, published.network.x0, result.gains, published.params);
    const output = computeOutput(reference.rates, 200, 200, 100, published.network.readout);
    expectClose(result.bestOutput, output, { rtol: 1e-10, atol: 1e-10 });
    expectClose(normalisedError(output, published.target, 1, 200), result.bestError, { rtol: 1e-10 });
    expect(result.outputsAt.map((r) => r.iteration)).toEqual([0, 50]);
    expect(progress[progress.length - 1]).toBe(50);
  });

  it('every trainable lowers the error on the small network, and shouldStop returns a partial result', () => {
    const base = smallNetwork(41, { sparsity: 0.3 });
    for (const trainable of ['gains', 'x0', 'W', 'rank1'] as const) {
      // x0 entries are ~15 Hz, so Adam's per-entry step needs a larger lr there to move in 30 steps.
      const result = trainGradient({ ...base, trainable, iterations: 30, seed: 5, lr: trainable === 'x0' ? 0.5 : 1e-2 });
      expect(result.bestError, trainable).toBeLessThan(0.9 * result.errors[0]);
      expect(result.seed).toBe(5);
      if (trainable === 'rank1') {
        expect(result.u!.length).toBe(base.network.n);
        expect(norm(result.initialU!)).toBe(0);
      }
      if (trainable === 'W') expect(result.W!.length).toBe(base.network.n ** 2);
      if (trainable === 'x0') expect(result.x0!.length).toBe(base.network.n);
    }
    let calls = 0;
    const stopped = trainGradient({ ...base, trainable: 'gains', iterations: 100 }, undefined, () => ++calls > 7);
    expect(stopped.stopped).toBe(true);
    expect(stopped.iterations).toBe(7);
    expect(stopped.errors.length).toBe(8);
  });

  it('stops with diverged: true (best = a finite iterate) when E becomes non-finite', () => {
    const base = smallNetwork(61);
    // Linear gain function and an absurd lr: gains ~1e3 make the linear dynamics overflow.
    const params = { ...base.params, gainFunction: 'linear' as const };
    // unconstrained (gainFloor: null): the floor would keep the gains from running away below 0
    const result = trainGradient({ ...base, params, trainable: 'gains', iterations: 20, lr: 1e3, gainFloor: null });
    expect(result.diverged).toBe(true);
    expect(result.iterations).toBeLessThan(20);
    expect(Number.isFinite(result.errors[result.iterations])).toBe(false);
    expect(Number.isFinite(result.bestError)).toBe(true);
    expect(result.gains.every((g) => Number.isFinite(g))).toBe(true);
  });

  it('gain floor (GainLab definition gain-positivity): Adam is projected onto g ≥ floor; without it the gains cross it', () => {
    const base = smallNetwork(61);
    const free = trainGradient({ ...base, trainable: 'gains', iterations: 40, lr: 0.05, gainFloor: null });
    const floor = Math.min(...Array.from(free.gains).sort((a, b) => a - b).slice(0, 3).map((g) => g + 1e-3)); // below the floor for a few neurons
    expect(free.gains.some((g) => g < floor)).toBe(true);
    expect(free.gainFloor).toBeNull();
    const bounded = trainGradient({ ...base, trainable: 'gains', iterations: 40, lr: 0.05, gainFloor: floor });
    expect(bounded.gains.every((g) => g >= floor)).toBe(true);
    expect(bounded.gainFloor).toBe(floor);
    expect(bounded.gainsAtFloor).toBe(bounded.gains.filter((g) => g === floor).length);
    // the default floor is 0, and it is reported
    expect(trainGradient({ ...base, trainable: 'gains', iterations: 2 }).gainFloor).toBe(0);
    // only the gains are bounded: x0 training has no floor
    expect(trainGradient({ ...base, trainable: 'x0', iterations: 2 }).gainFloor).toBeNull();
  });

  it('grouped gains: result.gains expands the group gains', () => {
    const base = smallNetwork(51);
    const groups = randomGroups(base.network.n, 4, new Rng(1));
    const result = trainGradient({ ...base, trainable: 'gains', groups, iterations: 10 });
    expect(result.groupGains!.length).toBe(4);
    for (let i = 0; i < base.network.n; i++) expect(result.gains[i]).toBe(result.groupGains![groups[i]]);
  });
});
