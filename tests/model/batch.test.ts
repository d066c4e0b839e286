import { describe, expect, it } from 'vitest';
import { BATCH_MIN_SESSIONS, BatchSimulator, BatchTrialEvaluator, preferBatched } from '../../src-shared/model/batchSimulator.js';
import { computeOutput, normalisedError, simulateReference, TrialEvaluator } from '../../src-shared/model/dynamics.js';
import type { Network } from '../../src-shared/model/network.js';
import { DEFAULT_DYNAMICS, type DynamicsParams } from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { dynamicsWasmAvailable, relaxedSimd, type Arithmetic } from '../../src-shared/model/wasm/loader.js';
import { hasReference, loadReferenceArray, publishedNetwork, referenceSkipReason } from '../helpers/reference.js';

function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

const KERNELS = ['wasm-batch', 'csr-loop'] as const;

/** A random network with a shared E weight (SOC-like) when the published data are absent. */
function smallNetwork(n: number, nE: number, seed: number): Network {
  const rng = new Rng(seed);
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && rng.uniform() < 0.3) W[i * n + j] = j < nE ? 1.1 : -rng.uniform();
  return { n, nE, W, x0: Float64Array.from({ length: n }, () => rng.normal(0, 6)), readout: { channels: 1, weights: Float64Array.from({ length: 1 + nE }, () => 0.1 * rng.uniform()) } };
}

const evaluator0 = (network: Network) =>
  new BatchTrialEvaluator(network, DEFAULT_DYNAMICS, new Float64Array(200), 1, { kernel: 'wasm-batch-f32' });

describe('BatchSimulator: K sessions stepped together = K separate reference runs', () => {
  it('published network, K = 10 (and K = 1, 3, 7: odd and partial SIMD blocks)', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const network = publishedNetwork();
    const target = loadReferenceArray('novel_target').data;
    const rng = new Rng(77);
    const maxK = 10;
    const gains = Array.from({ length: maxK }, () => Float64Array.from({ length: 200 }, () => 1 + 0.2 * rng.normal()));
    const x0s = gains.map((_, s) => (s % 3 === 2 ? network.x0.map((v) => v + rng.normal()) : network.x0));
    const references = gains.map((g, s) => simulateReference(network.W, 200, x0s[s], g, DEFAULT_DYNAMICS));
    const refOutputs = references.map((ref) => computeOutput(ref.rates, 200, 200, 100, network.readout));
    const refErrors = refOutputs.map((out) => normalisedError(out, target, 1, 200));
    for (const kernel of KERNELS) {
      if (kernel === 'wasm-batch' && !dynamicsWasmAvailable()) continue;
      for (const K of [10, 1, 3, 7]) {
        const sim = new BatchSimulator(network, DEFAULT_DYNAMICS, K, { kernel, keepRates: true, keepStates: true });
        expect(sim.kernelName).toBe(kernel);
        sim.run(gains.slice(0, K), x0s.slice(0, K));
        for (let s = 0; s < K; s++) {
          expect(relativeDifference(sim.states(s), references[s].states), `${kernel} K=${K} s=${s}`).toBeLessThan(1e-12);
          expect(relativeDifference(sim.rates(s), references[s].rates), `${kernel} K=${K} s=${s}`).toBeLessThan(1e-12);
          expect(relativeDifference(sim.output(s), refOutputs[s]), `${kernel} K=${K} s=${s}`).toBeLessThan(1e-12);
        }
      }
      const evaluator = new BatchTrialEvaluator(network, DEFAULT_DYNAMICS, target, maxK, { kernel });
      const errors = evaluator.errors(gains, undefined, x0s);
      for (let s = 0; s < maxK; s++) expect(Math.abs(errors[s] - refErrors[s]) / refErrors[s]).toBeLessThan(1e-12);
      expect(evaluator.trials).toBe(maxK);
      // Sessions are independent: changing one session's gains leaves the others bit-identical.
      const changed = gains.map((g) => g.slice());
      changed[4][17] += 0.5;
      const again = evaluator.errors(changed, undefined, x0s);
      for (let s = 0; s < maxK; s++) {
        if (s === 4) expect(again[s]).not.toBe(errors[s]);
        else expect(again[s]).toBe(errors[s]);
      }
    }
  });

  it("approximate 'wasm-batch-f32': outputs and errors within the documented tolerance of the float64 reference", ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    skip(!dynamicsWasmAvailable(), 'WebAssembly SIMD unavailable');
    const network: Network = {
      n: 200,
      nE: 100,
      W: loadReferenceArray('W').data,
      x0: loadReferenceArray('x0').data,
      readout: { channels: 1, weights: loadReferenceArray('readout').data },
    };
    const rng = new Rng(5);
    const K = 6;
    const gains = Array.from({ length: K }, (_, s) => Float64Array.from({ length: 200 }, () => 1 + 0.06 * s * rng.normal()));
    for (const name of ['initial_target', 'novel_target']) {
      const target = loadReferenceArray(name).data;
      const evaluator = new BatchTrialEvaluator(network, DEFAULT_DYNAMICS, target, K, { kernel: 'wasm-batch-f32' });
      const errors = evaluator.errors(gains);
      for (let s = 0; s < K; s++) {
        const ref = simulateReference(network.W, 200, network.x0, gains[s], DEFAULT_DYNAMICS);
        const out = computeOutput(ref.rates, 200, 200, 100, network.readout);
        const refError = normalisedError(out, target, 1, 200);
        // Documented tolerance: outputs within 1e-5 of max |output|, E within 1e-5·E + 1e-7
        // (measured worst 1.3e-6 and 4e-6·E; float32 resolution is 6e-8, and a small E amplifies
        // output errors relative to itself).
        expect(relativeDifference(evaluator.output(s), out)).toBeLessThan(1e-5);
        expect(Math.abs(errors[s] - refError)).toBeLessThan(1e-5 * refError + 1e-7);
        expect(relativeDifference(evaluator.output(s), out)).toBeGreaterThan(1e-9); // really float32
      }
    }
    expect(() => evaluator0(network).simulator.rates(0)).toThrow(/outputs only/);
  });

  it('small network: odd n, non-uniform E weights, two channels, per-session targets, linear gain', () => {
    const n = 13;
    const nE = 6;
    const rng = new Rng(9);
    const W = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && rng.uniform() < 0.5) W[i * n + j] = j < nE ? rng.uniform() : -rng.uniform();
    const network: Network = {
      n,
      nE,
      W,
      x0: Float64Array.from({ length: n }, () => rng.normal(0, 6)),
      readout: { channels: 2, weights: Float64Array.from({ length: 2 * (1 + nE) }, () => rng.uniform()) },
    };
    for (const gainFunction of ['tanh', 'linear'] as const) {
      const params: DynamicsParams = { ...DEFAULT_DYNAMICS, nSamples: 50, gainFunction, tau: 300 };
      const K = 5;
      const gains = Array.from({ length: K }, () => Float64Array.from({ length: n }, () => 0.5 + rng.uniform()));
      const targets = Array.from({ length: K }, () => Float64Array.from({ length: 100 }, () => rng.normal()));
      for (const kernel of KERNELS) {
        if (kernel === 'wasm-batch' && !dynamicsWasmAvailable()) continue;
        const evaluator = new BatchTrialEvaluator(network, params, targets, K, { kernel });
        const errors = evaluator.errors(gains);
        for (let s = 0; s < K; s++) {
          const ref = simulateReference(W, n, network.x0, gains[s], params);
          const out = computeOutput(ref.rates, 50, n, nE, network.readout);
          expect(relativeDifference(evaluator.output(s), out), `${kernel} ${gainFunction}`).toBeLessThan(1e-12);
          const refError = normalisedError(out, targets[s], 2, 50);
          expect(Math.abs(errors[s] - refError) / refError).toBeLessThan(1e-12);
        }
      }
    }
  });

  it('a batched session gives the bits of the same session alone (any single-session fast kernel): batching never changes a result', () => {
    const network: Network = hasReference
      ? {
          n: 200,
          nE: 100,
          W: loadReferenceArray('W').data,
          x0: loadReferenceArray('x0').data,
          readout: { channels: 1, weights: loadReferenceArray('readout').data },
        }
      : smallNetwork(40, 20, 12);
    const n = network.n;
    const target = Float64Array.from({ length: network.readout.channels * 200 }, (_, k) => Math.sin(k / 9));
    const rng = new Rng(21);
    for (const K of [10, 3]) {
      const gains = Array.from({ length: K }, () => Float64Array.from({ length: n }, () => 1 + 0.3 * rng.normal()));
      // within one arithmetic (src-shared/model/wasm/loader.ts); the TypeScript kernels multiply and add separately
      const groups: { arithmetic: Arithmetic; singles: ('csr' | 'wasm-pairs')[]; batches: (typeof KERNELS)[number][] }[] = [
        { arithmetic: 'separate', singles: dynamicsWasmAvailable() ? ['csr', 'wasm-pairs'] : ['csr'], batches: dynamicsWasmAvailable() ? [...KERNELS] : ['csr-loop'] },
      ];
      if (relaxedSimd().supported) groups.push({ arithmetic: 'fused', singles: ['wasm-pairs'], batches: ['wasm-batch'] });
      for (const { arithmetic, singles, batches } of groups) {
        const alone = singles.map((kernel) => {
          const evaluator = new TrialEvaluator(network, DEFAULT_DYNAMICS, target, { kernel, threads: null, arithmetic });
          return gains.map((g) => ({ error: evaluator.error(g), output: evaluator.output.slice() }));
        });
        for (const kernel of batches) {
          const batch = new BatchTrialEvaluator(network, DEFAULT_DYNAMICS, target, K, { kernel, threads: null, arithmetic });
          const errors = batch.errors(gains);
          for (const [which, results] of alone.entries()) {
            for (let s = 0; s < K; s++) {
              expect(errors[s], `${kernel} K=${K} s=${s} vs ${singles[which]} (${arithmetic})`).toBe(results[s].error);
              expect(Array.from(batch.output(s))).toEqual(Array.from(results[s].output));
            }
          }
        }
      }
    }
  });

  it('W also as row pairs (up to six sessions) gives the bits of the row lists alone: states, rates and outputs', ({ skip }) => {
    skip(!dynamicsWasmAvailable(), 'WebAssembly SIMD unavailable');
    const networks: [string, Network][] = [
      ['n=41 odd, non-uniform E', { ...smallNetwork(41, 20, 5), W: smallNetwork(41, 20, 5).W.map((w, k) => (w > 0 ? w + 0.001 * (k % 7) : w)) }],
      ['n=40 shared E', smallNetwork(40, 20, 6)],
    ];
    if (hasReference) networks.push(['published', publishedNetwork()]);
    const arithmetics: Arithmetic[] = relaxedSimd().supported ? ['separate', 'fused'] : ['separate'];
    const params: DynamicsParams = { ...DEFAULT_DYNAMICS, nSamples: 60 };
    for (const [name, network] of networks) {
      for (const arithmetic of arithmetics) {
        for (const K of [1, 2, 3, 4, 5, 6, 7]) {
          const gains = Array.from({ length: K }, (_, s) => Float64Array.from({ length: network.n }, (_, i) => 0.8 + 0.05 * ((i + 3 * s) % 9)));
          const make = (rowPairs: boolean) => new BatchSimulator(network, params, K, { kernel: 'wasm-batch', threads: null, arithmetic, keepRates: true, keepStates: true, rowPairs });
          const pairs = make(true);
          const lists = make(false);
          pairs.run(gains);
          lists.run(gains);
          const size = params.nSamples * network.n;
          const [a, b] = [new Float64Array(size), new Float64Array(size)];
          for (let s = 0; s < K; s++) {
            const label = `${name}, ${arithmetic}, K=${K}, session ${s}`;
            pairs.states(s, a);
            lists.states(s, b);
            expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `${label}: states`).toBe(true);
            pairs.rates(s, a);
            lists.rates(s, b);
            expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `${label}: rates`).toBe(true);
            expect(Array.from(pairs.output(s)), `${label}: output`).toEqual(Array.from(lists.output(s)));
          }
          pairs.dispose();
          lists.dispose();
        }
      }
    }
  });

  it('preferBatched: from BATCH_MIN_SESSIONS sessions on (with WebAssembly), whatever the machine', () => {
    expect(preferBatched(200, 1)).toBe(false);
    expect(preferBatched(200, BATCH_MIN_SESSIONS - 1)).toBe(false);
    expect(preferBatched(200, BATCH_MIN_SESSIONS)).toBe(dynamicsWasmAvailable());
    expect(preferBatched(400, 10)).toBe(dynamicsWasmAvailable());
    expect(preferBatched(200, 2.5)).toBe(false);
    expect(preferBatched(0, 10)).toBe(false);
  });

  it('rejects mismatched inputs with clear messages', () => {
    const network: Network = { n: 2, nE: 1, W: new Float64Array(4), x0: new Float64Array(2), readout: { channels: 1, weights: new Float64Array(2) } };
    const params = { ...DEFAULT_DYNAMICS, nSamples: 5 };
    const sim = new BatchSimulator(network, params, 3);
    expect(() => sim.run([new Float64Array(2)])).toThrow(/expected gains for 3 sessions/);
    expect(() => sim.output(3)).toThrow(/session 3 out of range/);
    expect(() => new BatchSimulator(network, params, 0)).toThrow(/sessions must be a positive integer/);
    expect(() => new BatchTrialEvaluator(network, params, new Float64Array(4), 2)).toThrow(/target has 4 values/);
  });
});
