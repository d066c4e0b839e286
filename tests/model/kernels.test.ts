import { afterAll, describe, expect, it } from 'vitest';
import { simulateReference, TrialEvaluator, computeOutput, normalisedError } from '../../src-shared/model/dynamics.js';
import { rate } from '../../src-shared/model/gainFunction.js';
import { createKernel, KERNEL_NAMES, resolveKernelName, THREADS_MIN_N, type KernelName } from '../../src-shared/model/kernels/index.js';
import { fastTanh } from '../../src-shared/model/kernels/fastTanh.js';
import { splitSparse } from '../../src-shared/model/kernels/sparseStructure.js';
import { denseColumns, denseColumnsPay, rowPairs } from '../../src-shared/model/kernels/layout.js';
import type { Network } from '../../src-shared/model/network.js';
import { DEFAULT_DYNAMICS, type DynamicsParams } from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { decodeBase64, dynamicsWasmAvailable, instantiateDynamicsWasm, relaxedSimd, sharedDynamicsAvailable, type Arithmetic } from '../../src-shared/model/wasm/loader.js';
import { dynamicsSharedWasmBase64 } from '../../src-shared/model/wasm/dynamicsSharedWasm.js';
import { dynamicsWasmBase64 } from '../../src-shared/model/wasm/dynamicsWasm.js';
import { dynamicsFmaWasmBase64 } from '../../src-shared/model/wasm/dynamicsFmaWasm.js';
import { dynamicsSharedFmaWasmBase64 } from '../../src-shared/model/wasm/dynamicsSharedFmaWasm.js';
import { createNodeKernelThreads } from '../../src-main/worker/kernelThread.js';
import { hasReference, loadReferenceArray, publishedNetwork, referenceSkipReason } from '../helpers/reference.js';
import { randomNetwork } from '../helpers/randomNetwork.js';
import { recompileGenerated } from '../helpers/wasmBuild.js';

const FAST_KERNELS = KERNEL_NAMES.filter((k) => k !== 'reference' && k !== 'auto') as KernelName[];

/** One helper thread for 'wasm-threads' (the threaded kernel is also tested on its own in kernelsThreaded.test.ts). */
const threads = createNodeKernelThreads({ helpers: 1 });
afterAll(() => threads.close());

function available(kernel: KernelName): boolean {
  if (kernel === 'wasm-threads') return sharedDynamicsAvailable();
  return !kernel.startsWith('wasm') || dynamicsWasmAvailable();
}

/**
 * The fast kernels by arithmetic (src-shared/model/wasm/loader.ts): within one, every kernel gives
 * the same bits; the TypeScript kernel (csr) multiplies and adds separately. The fused group is
 * there wherever relaxed SIMD compiles (the test setup turns it on, as the app does).
 */
function kernelGroups(): { arithmetic: Arithmetic; kernels: KernelName[] }[] {
  const groups: { arithmetic: Arithmetic; kernels: KernelName[] }[] = [{ arithmetic: 'separate', kernels: FAST_KERNELS.filter(available) }];
  if (relaxedSimd().supported) groups.push({ arithmetic: 'fused', kernels: FAST_KERNELS.filter((k) => k.startsWith('wasm') && available(k)) });
  return groups;
}


/** max |a − b| / max |b| */
function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

describe('fast tanh', () => {
  it('fastTanh is within 1e-15 relative of Math.tanh on a dense grid', () => {
    let worst = 0;
    for (let k = -400000; k <= 400000; k++) {
      const y = k * 6.1e-5 * (1 + 1e-3 * Math.sin(k)); // |y| ≤ 24.5, irregular spacing
      const exact = Math.tanh(y);
      if (exact === 0) {
        expect(fastTanh(y)).toBe(0);
        continue;
      }
      worst = Math.max(worst, Math.abs(fastTanh(y) - exact) / Math.abs(exact));
    }
    for (const y of [1e-300, -1e-20, 1e-8, 0.34657, 0.3466, 19, 20, 21, 40, 700, -1e10]) {
      worst = Math.max(worst, Math.abs(fastTanh(y) - Math.tanh(y)) / Math.abs(Math.tanh(y)));
    }
    expect(worst).toBeLessThan(1e-15);
  });

  it.for(['separate', 'fused'] as const)('the wasm f64x2 rate pass (%s arithmetic) is within 2e-15 relative of rate() (both branches, linear too)', (arithmetic, { skip }) => {
    skip(!dynamicsWasmAvailable(), 'WebAssembly SIMD unavailable');
    // the test setup turns relaxed SIMD on, as the app's Node processes do: the fused build must compile
    if (arithmetic === 'fused') expect(relaxedSimd().supported).toBe(true);
    const wasm = instantiateDynamicsWasm(arithmetic);
    const count = 20000;
    const v = wasm.allocate(8 * count);
    const g = wasm.allocate(8 * count);
    const out = wasm.allocate(8 * count);
    const buffer = wasm.memory.buffer;
    const vs = new Float64Array(buffer, v, count);
    const gs = new Float64Array(buffer, g, count);
    const rng = new Rng(8);
    for (let i = 0; i < count; i++) {
      vs[i] = (i % 2 ? 1 : -1) * 10 ** rng.uniform() ** 2 * (rng.uniform() * 300);
      gs[i] = rng.uniform() * 3;
    }
    vs[0] = 0;
    vs[1] = -0;
    for (const gainFunction of ['tanh', 'linear'] as const) {
      const params = { ...DEFAULT_DYNAMICS, gainFunction };
      wasm.rateVec(v, g, out, count, 20, 80, gainFunction === 'linear' ? 1 : 0);
      const got = new Float64Array(buffer, out, count);
      let worst = 0;
      for (let i = 0; i < count; i++) {
        const exact = rate(vs[i], gs[i], params);
        if (exact === 0) expect(got[i] === 0).toBe(true); // ±0 both fine
        else worst = Math.max(worst, Math.abs(got[i] - exact) / Math.abs(exact));
      }
      expect(worst).toBeLessThan(2e-15);
    }
  });
});

describe('generated wasm modules', () => {
  it('are up to date with assembly/dynamics.ts (rerun `node scripts/build-wasm.mjs` if this fails)', async () => {
    for (const [file, base64] of [
      ['src-shared/model/wasm/dynamicsWasm.ts', dynamicsWasmBase64],
      ['src-shared/model/wasm/dynamicsSharedWasm.ts', dynamicsSharedWasmBase64],
      ['src-shared/model/wasm/dynamicsFmaWasm.ts', dynamicsFmaWasmBase64],
      ['src-shared/model/wasm/dynamicsSharedFmaWasm.ts', dynamicsSharedFmaWasmBase64],
    ] as const) {
      const { bytes, error, source } = await recompileGenerated(file);
      expect(source).toBe('assembly/dynamics.ts');
      expect(error, file).toBeNull();
      expect(Buffer.from(bytes!).equals(Buffer.from(decodeBase64(base64))), file).toBe(true);
    }
  });
});

describe('base64 and sparse structure', () => {
  it('decodeBase64 inverts Buffer base64 and yields a valid wasm header', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37 + 11) & 255);
    for (const length of [0, 1, 2, 3, 998, 1000]) {
      const slice = bytes.subarray(0, length);
      expect(decodeBase64(Buffer.from(slice).toString('base64'))).toEqual(slice);
    }
    expect(Array.from(decodeBase64(dynamicsWasmBase64).subarray(0, 4))).toEqual([0, 0x61, 0x73, 0x6d]);
  });

  it('splitSparse reproduces W·r and uses the shared E weight only when all E weights are equal', () => {
    for (const uniformE of [true, false]) {
      const net = randomNetwork(9, 4, 5, 1, uniformE);
      const s = splitSparse(net.W, 9, 4);
      expect(s.sharedWeight).toBe(uniformE ? 0.9 : 0);
      const r = Float64Array.from({ length: 9 }, (_, i) => Math.cos(i));
      for (let i = 0; i < 9; i++) {
        let sparse = 0;
        for (let p = s.eRowStart[i]; p < s.eRowStart[i + 1]; p++) sparse += s.sharedWeight * r[s.eCols[p]];
        for (let q = s.rowStart[i]; q < s.rowStart[i + 1]; q++) sparse += s.values[q] * r[s.cols[q]];
        let dense = 0;
        for (let j = 0; j < 9; j++) dense += net.W[i * 9 + j] * r[j];
        expect(Math.abs(sparse - dense)).toBeLessThan(1e-14);
      }
    }
  });
});

describe('dense I columns (row-pair kernels)', () => {
  it('hold every CSR weight at its pair, lane and column, zeros elsewhere; chosen where W is dense enough', () => {
    for (const [n, nE, uniformE] of [[9, 4, true], [9, 4, false], [12, 6, true]] as const) {
      const net = randomNetwork(n, nE, 8, 1, uniformE);
      const sparse = splitSparse(net.W, n, nE);
      const nPad = (n + 1) & ~1;
      const slotOf = (j: number) => (j * 5 + 3) % n; // any renumbering: offsets follow it
      const pairs = rowPairs(sparse, nPad, slotOf);
      const dense = denseColumns(sparse, pairs, slotOf);
      // the columns with CSR entries: the I columns when E weights are shared, else every used one
      const expectedColumns = [...new Set(sparse.cols)].sort((a, b) => a - b);
      expect(Array.from(dense.columns)).toEqual(expectedColumns);
      expect(Array.from(dense.offsets)).toEqual(expectedColumns.map((j) => 8 * slotOf(j)));
      for (let p = 0; p < pairs.pairCount; p++) {
        for (let lane = 0; lane < 2; lane++) {
          const row = pairs.rows[2 * p + lane];
          dense.columns.forEach((j, c) => {
            const w = dense.weights[2 * (c * pairs.pairCount + p) + lane];
            const shared = uniformE && j < nE;
            expect(w, `pair ${p} lane ${lane} column ${j}`).toBe(row < n && !shared ? net.W[row * n + j] : 0);
          });
        }
      }
    }
    // 70 % dense (randomNetwork): the columns pay; 3 % dense: the lists stay
    const denseNet = randomNetwork(40, 20, 3, 1, true);
    const s1 = splitSparse(denseNet.W, 40, 20);
    expect(denseColumnsPay(s1, rowPairs(s1, 40))).toBe(true);
    const thin: Network = { ...denseNet, W: denseNet.W.map((w, k) => (k % 37 === 0 ? w : 0)) };
    const s2 = splitSparse(thin.W, 40, 20);
    expect(denseColumnsPay(s2, rowPairs(s2, 40))).toBe(false);
  });

  it('give the bits of the row-pair lists: published network, odd n, non-uniform E, fewer pairs than a block, one and two threads', ({ skip }) => {
    skip(!dynamicsWasmAvailable(), 'WebAssembly SIMD unavailable');
    const networks: [string, Network][] = [
      ['random n=200 (uniform E)', randomNetwork(200, 100, 2018, 1, true)],
      ['random n=33 (non-uniform E)', randomNetwork(33, 20, 3, 2, false)],
      ['random n=7 (4 pairs)', randomNetwork(7, 3, 1, 1, false)],
    ];
    if (hasReference) networks.unshift(['published', publishedNetwork()]);
    const arithmetics: Arithmetic[] = relaxedSimd().supported ? ['separate', 'fused'] : ['separate'];
    for (const [name, network] of networks) {
      const n = network.n;
      const params: DynamicsParams = { ...DEFAULT_DYNAMICS, nSamples: 80 };
      const gains = Float64Array.from({ length: n }, (_, i) => 0.7 + 0.03 * (i % 17));
      for (const arithmetic of arithmetics) {
        const kernels: [string, KernelName][] = [['one thread', 'wasm-pairs']];
        if (sharedDynamicsAvailable()) kernels.push(['two threads', 'wasm-threads']);
        for (const [threadsLabel, kernelName] of kernels) {
          const label = `${name}, ${arithmetic}, ${threadsLabel}`;
          const lists = createKernel(kernelName, network, params, { threads, arithmetic, iColumns: 'lists' });
          const dense = createKernel(kernelName, network, params, { threads, arithmetic, iColumns: 'dense' });
          expect((dense as unknown as { denseColumns: boolean }).denseColumns, label).toBe(true);
          expect((lists as unknown as { denseColumns: boolean }).denseColumns, label).toBe(false);
          if (dense.schedule) dense.schedule.force = 'team';
          const expectedStates = new Float64Array(params.nSamples * n);
          const expectedRates = lists.run(gains, network.x0, new Float64Array(expectedStates.length), expectedStates);
          // with two threads, parts of every size cut the dense blocks anywhere
          for (const share of dense.setMainThreadShare ? [0.5, 0.13, 0.71, 1] : [1]) {
            dense.setMainThreadShare?.(share);
            const states = new Float64Array(expectedStates.length);
            const rates = dense.run(gains, network.x0, new Float64Array(states.length), states);
            expect(Buffer.from(states.buffer).equals(Buffer.from(expectedStates.buffer)), `${label}, share ${share}`).toBe(true);
            expect(Buffer.from(rates.buffer).equals(Buffer.from(expectedRates.buffer)), `${label}, share ${share}`).toBe(true);
          }
          // the model's numbers: within 1e-12 of the exact reference
          const ref = simulateReference(network.W, n, network.x0, gains, params);
          expect(relativeDifference(expectedStates, ref.states), label).toBeLessThan(1e-12);
          lists.dispose?.();
          dense.dispose?.();
        }
      }
    }
  });
});

describe('fast kernels agree with the exact reference', () => {
  it("'auto' resolves to the threaded kernel with helpers and enough neurons, else to the one-thread kernel", () => {
    const oneThread = dynamicsWasmAvailable() ? 'wasm-pairs' : 'csr';
    expect(resolveKernelName('auto', undefined, { threads: null })).toBe(oneThread);
    expect(new TrialEvaluator(randomNetwork(20, 10, 4), { ...DEFAULT_DYNAMICS, nSamples: 10 }, new Float64Array(20), { threads: null }).kernelName).toBe(oneThread);
    expect(resolveKernelName('csr')).toBe('csr');
    const big = randomNetwork(THREADS_MIN_N, 60, 4);
    const small = randomNetwork(THREADS_MIN_N - 1, 60, 4);
    const threaded = sharedDynamicsAvailable() ? 'wasm-threads' : oneThread;
    expect(resolveKernelName('auto', big, { threads })).toBe(threaded);
    expect(resolveKernelName('auto', small, { threads })).toBe(oneThread);
    // no helpers to give: one thread
    expect(resolveKernelName('auto', big, { threads: { helpers: 0, attach: () => {} } })).toBe(oneThread);
    expect(() => createKernel('wasm-threads', big, DEFAULT_DYNAMICS, { threads: null })).toThrow(/needs helper threads/);
  });

  it('published network, random gains: states ≤ 1e-12 relative, error ≤ 1e-12 relative', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const network = publishedNetwork();
    const target = loadReferenceArray('novel_target').data;
    const rng = new Rng(31);
    for (const spread of [0, 0.3]) {
      const gains = Float64Array.from({ length: 200 }, () => 1 + spread * rng.normal());
      const ref = simulateReference(network.W, 200, network.x0, gains, DEFAULT_DYNAMICS);
      const refError = normalisedError(computeOutput(ref.rates, 200, 200, 100, network.readout), target, 1, 200);
      const firstOf: Partial<Record<Arithmetic, Float64Array>> = {};
      for (const { arithmetic, kernels } of kernelGroups()) {
        let first: { kernel: string; states: Float64Array; error: number } | null = null;
        for (const kernel of kernels) {
          const label = `${kernel} (${arithmetic})`;
          const evaluator = new TrialEvaluator(network, DEFAULT_DYNAMICS, target, { kernel, threads, arithmetic });
          const states = new Float64Array(40000);
          const rates = new Float64Array(40000);
          const error = evaluator.run(gains, undefined, rates, states);
          expect(relativeDifference(states, ref.states), label).toBeLessThan(1e-12);
          expect(relativeDifference(rates, ref.rates), label).toBeLessThan(1e-12);
          expect(Math.abs(error - refError) / refError, label).toBeLessThan(1e-12);
          // Repeated runs are deterministic and independent of the previous trial.
          expect(evaluator.error(gains)).toBe(error);
          // Every fast kernel of one arithmetic sums in the same order (kernels/layout.ts): the same bits.
          if (first) {
            expect(Buffer.from(states.buffer).equals(Buffer.from(first.states.buffer)), `${label} vs ${first.kernel}`).toBe(true);
            expect(error, `${label} vs ${first.kernel}`).toBe(first.error);
          } else first = { kernel: label, states, error };
          evaluator.dispose();
        }
        // …and not the reference's order: the comparison above is not vacuous.
        expect(relativeDifference(first!.states, ref.states)).toBeGreaterThan(0);
        firstOf[arithmetic] = first!.states;
      }
      // where the CPU fuses, the fused kernels really round once: not the separate bits
      if (firstOf.fused && relaxedSimd().fusedHere) expect(relativeDifference(firstOf.fused, firstOf.separate!)).toBeGreaterThan(0);
    }
  });

  it('small odd-size networks, non-uniform E weights, both gain functions, several channels', () => {
    for (const [n, nE, seed, uniformE] of [
      [7, 3, 1, false],
      [12, 6, 2, true],
      [33, 20, 3, false],
      [1, 1, 4, false], // a single neuron (no inputs at all)
      [9, 0, 5, false], // no E neurons: nothing read out but the offset
      [8, 8, 6, true], // no I neurons
    ] as const) {
      const network = randomNetwork(n, nE, seed, 2, uniformE);
      for (const gainFunction of ['tanh', 'linear'] as const) {
        const params: DynamicsParams = { ...DEFAULT_DYNAMICS, nSamples: 60, gainFunction, tau: gainFunction === 'linear' ? 400 : 200 };
        const gains = Float64Array.from({ length: n }, (_, i) => 0.6 + 0.05 * i);
        const ref = simulateReference(network.W, n, network.x0, gains, params);
        for (const { arithmetic, kernels } of kernelGroups()) {
          let firstStates: Float64Array | null = null;
          for (const kernel of kernels) {
            const label = `${kernel} (${arithmetic}) n=${n} ${gainFunction}`;
            const k = createKernel(kernel, network, params, { threads, arithmetic });
            const states = new Float64Array(60 * n);
            const rates = k.run(gains, network.x0, null, states);
            expect(relativeDifference(states, ref.states), label).toBeLessThan(1e-12);
            expect(relativeDifference(rates, ref.rates), label).toBeLessThan(1e-12);
            if (firstStates) expect(Array.from(states), label).toEqual(Array.from(firstStates));
            else firstStates = states;
            k.dispose?.();
          }
        }
      }
    }
  });
});
