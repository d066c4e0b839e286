/**
 * The WebAssembly gradient kernel (assembly/adjoint.ts via src-shared/model/wasm/adjointKernel.ts)
 * against the TypeScript reference path of RK4Adjoint and against central finite differences, the
 * row-pair layout against a dense product, the automatic choice and its fallback, and the embedded
 * module against its source.
 */
import { describe, expect, it, vi } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { directionalDifference, dot } from '../helpers/finiteDifference.js';
import { hasReference, loadReferenceArray, publishedNetwork, referenceSkipReason } from '../helpers/reference.js';
import { recompileGenerated } from '../helpers/wasmBuild.js';
import {
  GradientProblem,
  RK4Adjoint,
  trainGradient,
  type AdjointGradients,
  type AdjointKernelName,
  type GradientTrainable,
} from '../../src-shared/model/gradient.js';
import { computeOutput, simulateReference } from '../../src-shared/model/dynamics.js';
import { randomGroups } from '../../src-shared/model/groups.js';
import { splitSparse } from '../../src-shared/model/kernels/sparseStructure.js';
import type { Network } from '../../src-shared/model/network.js';
import { DEFAULT_DYNAMICS, type DynamicsParams } from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { adjointWasmAvailable } from '../../src-shared/model/wasm/adjointKernel.js';
import { rowPairs } from '../../src-shared/model/kernels/layout.js';
import { adjointSharedWasmBase64 } from '../../src-shared/model/wasm/adjointSharedWasm.js';
import { adjointWasmBase64 } from '../../src-shared/model/wasm/adjointWasm.js';
import { decodeBase64 } from '../../src-shared/model/wasm/loader.js';

const wasmMissing = !adjointWasmAvailable();
const wasmSkipReason = 'WebAssembly SIMD unavailable';

function publishedProblem(): { network: Network; params: DynamicsParams; target: Float64Array } {
  return { network: publishedNetwork(), params: { ...DEFAULT_DYNAMICS }, target: loadReferenceArray('novel_target').data };
}

/**
 * A small sparse network. `uniformE`: every E weight has one value (the SOC structure, so the
 * kernel's shared-weight index sums are used); otherwise E weights vary and everything is CSR.
 * Odd n and odd nE exercise the padding of the f64x2 passes and of the row pairs.
 */
function smallNetwork(
  seed: number,
  { n = 23, nE = 11, channels = 2, uniformE = true, density = 0.4 } = {},
): { network: Network; params: DynamicsParams; target: Float64Array } {
  const rng = new Rng(seed);
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j || rng.uniform() > density) continue;
      const magnitude = (2 / Math.sqrt(n)) * (uniformE && j < nE ? 1 : Math.abs(rng.normal()));
      W[i * n + j] = j < nE ? magnitude : -1.5 * magnitude;
    }
  }
  const x0 = Float64Array.from({ length: n }, () => 15 * rng.normal());
  const weights = new Float64Array(channels * (1 + nE));
  for (let c = 0; c < channels; c++) {
    weights[c * (1 + nE)] = rng.normal();
    for (let i = 0; i < nE; i++) weights[c * (1 + nE) + 1 + i] = 0.1 * rng.uniform();
  }
  const params: DynamicsParams = { ...DEFAULT_DYNAMICS, duration: 100, nSamples: 41 };
  const target = new Float64Array(channels * params.nSamples);
  for (let c = 0; c < channels; c++) {
    for (let k = 0; k < params.nSamples; k++) target[c * params.nSamples + k] = 3 * Math.sin(2 * Math.PI * (k / 40 + 0.3 * c)) + 0.05 * k;
  }
  return { network: { n, nE, W, x0, readout: { channels, weights } }, params, target };
}

/** max |a − b| / max |b| */
function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  expect(scale).toBeGreaterThan(0);
  return diff / scale;
}

/** E and ∂E/∂θ of one pass with the given kernel (θ moved off its start so rank-1 has u ≠ 0). */
function pass(
  base: { network: Network; params: DynamicsParams; target: Float64Array },
  trainable: GradientTrainable,
  adjointKernel: AdjointKernelName,
  extra: Record<string, unknown> = {},
): { error: number; gradient: Float64Array; output: Float64Array; problem: GradientProblem; theta: Float64Array } {
  const problem = new GradientProblem({ ...base, trainable, adjointKernel, seed: 3, ...extra });
  const theta = Float64Array.from(problem.initialParameters);
  const move = new Rng(17);
  const scale = trainable === 'x0' ? 1 : trainable === 'W' ? 1e-3 : 0.05;
  for (let i = 0; i < theta.length; i++) theta[i] += scale * move.normal();
  const gradient = new Float64Array(problem.size);
  const error = problem.valueAndGradient(theta, gradient);
  return { error, gradient, output: problem.outputs(), problem, theta };
}

describe('row-pair layout', () => {
  it('reproduces M·x for W and Wᵀ (odd n, shared and non-shared E weights)', () => {
    for (const uniformE of [true, false]) {
      const { network } = smallNetwork(5, { uniformE });
      const { n, nE, W } = network;
      const nPad = (n + 1) & ~1;
      const x = Float64Array.from({ length: nPad + 2 }, (_, j) => (j < n ? Math.sin(3 * j + 1) : 0));
      const split = splitSparse(W, n, nE);
      expect(split.sharedWeight !== 0).toBe(uniformE);
      const pairs = rowPairs(split, nPad);
      // Evaluate the layout the way the kernel does: lanes a and b of each entry, offsets in bytes.
      const y = new Float64Array(nPad);
      for (let p = 0; p < pairs.pairCount; p++) {
        for (let lane = 0; lane < 2; lane++) {
          const shift = 16 * lane;
          let e = 0;
          for (let q = pairs.eStart[p]; q < pairs.eStart[p + 1]; q++) e += x[((pairs.eOffsets[q] >>> shift) & 0xffff) / 8];
          let s = pairs.sharedWeight * e;
          for (let q = pairs.iStart[p]; q < pairs.iStart[p + 1]; q++) {
            s += pairs.iWeights[2 * q + lane] * x[((pairs.iOffsets[q] >>> shift) & 0xffff) / 8];
          }
          y[pairs.rows[2 * p + lane]] = s;
        }
      }
      const expected = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expected[i] += W[i * n + j] * x[j];
      expectClose(y.subarray(0, n), expected, { rtol: 1e-13, atol: 1e-13 });
      expect(y[n] ?? 0).toBe(0); // the lone last row pairs with the padding slot
      // every row appears exactly once (plus the padding row n for odd n)
      expect([...pairs.rows].sort((a, b) => a - b)).toEqual(Array.from({ length: nPad }, (_, i) => i));
    }
  });
});

describe('WebAssembly adjoint against the TypeScript path', () => {
  const cases: Array<{ name: string; options: Parameters<typeof smallNetwork>[1]; params?: Partial<DynamicsParams> }> = [
    { name: 'odd n and nE, shared E weight, two channels', options: {} },
    { name: 'varying E weights (no shared weight)', options: { uniformE: false } },
    { name: 'even n, one channel', options: { n: 20, nE: 10, channels: 1 } },
    { name: 'linear gain function', options: {}, params: { gainFunction: 'linear' } },
    { name: 'nE = n (all excitatory)', options: { n: 9, nE: 9, channels: 1 } },
    { name: 'n = 1', options: { n: 1, nE: 1, channels: 1, density: 1 } },
  ];
  for (const { name, options, params } of cases) {
    it(`${name}: E, output and gradients of every trainable agree to 1e-10`, ({ skip }) => {
      skip(wasmMissing, wasmSkipReason);
      const base = smallNetwork(31, options);
      if (params) base.params = { ...base.params, ...params };
      for (const trainable of ['gains', 'x0', 'rank1', 'W'] as const) {
        const reference = pass(base, trainable, 'typescript');
        const fast = pass(base, trainable, 'wasm');
        expect(reference.problem.adjoint.kernel).toBe('typescript');
        expect(fast.problem.adjoint.kernel).toBe('wasm');
        expectClose(fast.error, reference.error, { rtol: 1e-12 });
        expect(relativeDifference(fast.output, reference.output), `${trainable} output`).toBeLessThan(1e-12);
        expect(relativeDifference(fast.gradient, reference.gradient), `${trainable} gradient`).toBeLessThan(1e-10);
      }
    });
  }

  it('tape views equal the TypeScript tape; states match simulateReference', ({ skip }) => {
    skip(wasmMissing, wasmSkipReason);
    const { network, params, target } = smallNetwork(8);
    const gains = Float64Array.from({ length: network.n }, (_, i) => 0.8 + 0.02 * i);
    const [reference, fast] = (['typescript', 'wasm'] as const).map((kernel) => {
      const adjoint = new RK4Adjoint(network, params, target, { kernel });
      adjoint.forward(network.x0, gains);
      return adjoint;
    });
    expect(relativeDifference(fast.states, reference.states)).toBeLessThan(1e-13);
    expect(relativeDifference(fast.stageStates, reference.stageStates)).toBeLessThan(1e-13);
    expect(relativeDifference(fast.stageRates, reference.stageRates)).toBeLessThan(1e-13);
    const simulated = simulateReference(network.W, network.n, network.x0, gains, params);
    expect(relativeDifference(fast.states, simulated.states)).toBeLessThan(1e-13);
    const output = computeOutput(simulated.rates, params.nSamples, network.n, network.nE, network.readout);
    expect(relativeDifference(fast.output, output)).toBeLessThan(1e-13);
  });

  it('joint conditions and grouped gains agree with the TypeScript path', ({ skip }) => {
    skip(wasmMissing, wasmSkipReason);
    const base = smallNetwork(44);
    const second = Float64Array.from(base.network.x0, (v, i) => -0.5 * v + Math.cos(i));
    const conditions = [{ target: base.target }, { x0: second, target: base.target.map((v) => 0.5 * v) }];
    const groups = randomGroups(base.network.n, 4, new Rng(2));
    const gradients = (['typescript', 'wasm'] as const).map((adjointKernel) => {
      const problem = new GradientProblem({ network: base.network, params: base.params, conditions, groups, trainable: 'gains', adjointKernel });
      const theta = Float64Array.from([0.9, 1.2, 1.05, 0.8]);
      const gradient = new Float64Array(4);
      const error = problem.valueAndGradient(theta, gradient);
      return { error, gradient };
    });
    expectClose(gradients[1].error, gradients[0].error, { rtol: 1e-12 });
    expect(relativeDifference(gradients[1].gradient, gradients[0].gradient)).toBeLessThan(1e-10);
  });

  it('backward requests: several fields at once, repeated passes, weight changes', ({ skip }) => {
    skip(wasmMissing, wasmSkipReason);
    const { network, params, target } = smallNetwork(12);
    const n = network.n;
    const rng = new Rng(9);
    const u = Float64Array.from({ length: n }, () => 0.05 * rng.normal());
    const v = Float64Array.from({ length: n }, () => 0.05 * rng.normal());
    const gains = Float64Array.from({ length: n }, () => 0.7 + 0.6 * rng.uniform());
    const fields = (): Required<AdjointGradients> => ({
      gains: new Float64Array(n),
      x0: new Float64Array(n),
      W: new Float64Array(n * n),
      rank1: { uGrad: new Float64Array(n), vGrad: new Float64Array(n) },
    });
    const reference = new RK4Adjoint(network, params, target, { kernel: 'typescript' });
    const fast = new RK4Adjoint(network, params, target, { kernel: 'wasm' });
    const otherW = network.W.map((w, k) => (k % 7 === 0 ? 0 : 1.1 * w));
    const filledW = network.W.map((w, k) => w + 0.01 * Math.sin(k));
    // sparse → sparse (new row pairs), → dense (new dense kernel), → dense (W overwritten in place)
    for (const [W, storage] of [[network.W, 'sparse'], [otherW, 'sparse'], [otherW, 'dense'], [filledW, 'dense']] as const) {
      reference.setWeights(W, storage);
      fast.setWeights(W, storage);
      expect(fast.sparse).toBe(storage === 'sparse');
      const want = fields();
      const got = fields();
      reference.forward(network.x0, gains, { u, v });
      reference.backward(want);
      // a pass without the rank-1 term in between must not leave anything behind
      fast.forward(network.x0, gains);
      fast.backward({ gains: new Float64Array(n) });
      fast.forward(network.x0, gains, { u, v });
      fast.backward(got);
      fast.backward(got); // backward twice on one forward gives the same result
      for (const key of ['gains', 'x0', 'W'] as const) expect(relativeDifference(got[key], want[key]), key).toBeLessThan(1e-10);
      expect(relativeDifference(got.rank1.uGrad, want.rank1.uGrad)).toBeLessThan(1e-10);
      expect(relativeDifference(got.rank1.vGrad, want.rank1.vGrad)).toBeLessThan(1e-10);
    }
  });
});

describe('automatic choice and fallback', () => {
  it("'auto' takes the WebAssembly path for every storage and trainable; 'typescript' forces the reference", ({ skip }) => {
    skip(wasmMissing, wasmSkipReason);
    const sparse = smallNetwork(3, { density: 0.3 });
    const dense = smallNetwork(3, { density: 0.95 });
    const sparseAdjoint = new RK4Adjoint(sparse.network, sparse.params, sparse.target);
    expect([sparseAdjoint.kernel, sparseAdjoint.sparse]).toEqual(['wasm', true]);
    const denseAdjoint = new RK4Adjoint(dense.network, dense.params, dense.target);
    expect([denseAdjoint.kernel, denseAdjoint.sparse]).toEqual(['wasm', false]);
    expect(new RK4Adjoint(sparse.network, sparse.params, sparse.target, { kernel: 'typescript' }).kernel).toBe('typescript');
    for (const trainable of ['gains', 'x0', 'rank1', 'W'] as const) {
      const problem = new GradientProblem({ ...sparse, trainable });
      problem.value(problem.initialParameters);
      expect(problem.adjoint.kernel, trainable).toBe('wasm');
      expect(problem.adjoint.sparse, trainable).toBe(trainable !== 'W');
    }
    expect(() => new RK4Adjoint(sparse.network, sparse.params, sparse.target, { kernel: 'fast' as AdjointKernelName })).toThrow(RangeError);
  });

  it('without WebAssembly, trainGradient runs on the TypeScript path with the same result', async () => {
    const base = smallNetwork(21, { density: 0.3 });
    const expected = trainGradient({ ...base, trainable: 'gains', iterations: 5, adjointKernel: 'typescript' });
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    try {
      const isolated = await import('../../src-shared/model/gradient.js');
      const adjoint = new isolated.RK4Adjoint(base.network, base.params, base.target);
      expect(adjoint.kernel).toBe('typescript');
      const result = isolated.trainGradient({ ...base, trainable: 'gains', iterations: 5 });
      expect(Array.from(result.errors)).toEqual(Array.from(expected.errors));
      expect(() => new isolated.RK4Adjoint(base.network, base.params, base.target, { kernel: 'wasm' })).toThrow(/unavailable/);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});

describe('WebAssembly adjoint on the published network', () => {
  it('gains, x0 and rank-1 gradients agree with the TypeScript path to 1e-10', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    skip(wasmMissing, wasmSkipReason);
    const published = publishedProblem();
    for (const trainable of ['gains', 'x0', 'rank1'] as const) {
      const reference = pass(published, trainable, 'typescript');
      const fast = pass(published, trainable, 'auto');
      expect(fast.problem.adjoint.kernel).toBe('wasm');
      expectClose(fast.error, reference.error, { rtol: 1e-12 });
      expect(relativeDifference(fast.gradient, reference.gradient), trainable).toBeLessThan(1e-10);
    }
  });

  it('the whole-W gradient through the WebAssembly tape agrees with the TypeScript path', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    skip(wasmMissing, wasmSkipReason);
    const { network, params, target } = publishedProblem();
    const gains = Float64Array.from({ length: 200 }, (_, i) => 1 + 0.05 * Math.cos(i));
    const [reference, fast] = (['typescript', 'wasm'] as const).map((kernel) => {
      const adjoint = new RK4Adjoint(network, params, target, { kernel });
      adjoint.forward(network.x0, gains);
      const W = new Float64Array(200 * 200);
      adjoint.backward({ W });
      return W;
    });
    expect(relativeDifference(fast, reference)).toBeLessThan(1e-10);
  });

  it('rank-1 gradient (the full vector, as a directional derivative) matches central FD', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    skip(wasmMissing, wasmSkipReason);
    const { problem, theta, gradient } = pass(publishedProblem(), 'rank1', 'auto');
    expect(problem.adjoint.kernel).toBe('wasm');
    const rng = new Rng(77);
    const direction = Float64Array.from({ length: theta.length }, () => rng.normal());
    expectClose(dot(gradient, direction), directionalDifference(problem, theta, direction, 1e-6), { rtol: 1e-5 });
  });
});

describe('generated adjoint wasm modules', () => {
  it.each([
    ['src-shared/model/wasm/adjointWasm.ts', adjointWasmBase64],
    ['src-shared/model/wasm/adjointSharedWasm.ts', adjointSharedWasmBase64],
  ])('%s is up to date with assembly/adjoint.ts (rerun `node scripts/build-wasm.mjs` if this fails)', async (file, base64) => {
    const { bytes, error, source } = await recompileGenerated(file);
    expect(source).toBe('assembly/adjoint.ts');
    expect(error).toBeNull();
    expect(Buffer.from(bytes!).equals(Buffer.from(decodeBase64(base64)))).toBe(true);
  });
});
