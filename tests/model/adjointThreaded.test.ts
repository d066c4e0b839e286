/**
 * The gradient pass on several threads (assembly/adjoint.ts "Threads", the 'adjointShared' build,
 * src-shared/model/wasm/adjointKernel.ts with helper threads): forward, backward and ∂E/∂W give the
 * bits of the one-thread kernel whatever the number of threads, with the helpers really computing
 * parts of the passes; the rank-1 passes stay on one thread; a helper that joins late changes
 * nothing; and release() hands the helpers back. A helper that never joins, joins and never steps
 * again, or is not given runs on a worker (tests/helpers/threadScenarios.ts through
 * tests/helpers/workerDeadline.ts): a driver waiting forever for its part fails the test at the
 * deadline instead of hanging the run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RK4Adjoint, type AdjointGradients } from '../../src-shared/model/gradient.js';
import { splitSparse } from '../../src-shared/model/kernels/sparseStructure.js';
import type { Network } from '../../src-shared/model/network.js';
import { DEFAULT_DYNAMICS, stepLength, type DynamicsParams } from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { AdjointWasmKernel, sharedAdjointAvailable, type AdjointKernelSetup } from '../../src-shared/model/wasm/adjointKernel.js';
import { createNodeKernelThreads, type NodeKernelThreads } from '../../src-main/worker/kernelThread.js';
import { randomNetwork } from '../helpers/randomNetwork.js';
import { sameBits } from '../helpers/expectClose.js';
import { hasReference, loadReferenceArray, publishedNetwork } from '../helpers/reference.js';
import type * as threadScenarios from '../helpers/threadScenarios.js';
import { scenarioRunner } from '../helpers/workerDeadline.js';

const hosts: NodeKernelThreads[] = [];
function host(helpers: number): NodeKernelThreads {
  const created = createNodeKernelThreads({ helpers });
  hosts.push(created);
  return created;
}
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
});

/** A scenario of tests/helpers/threadScenarios.ts on a worker, failing at its deadline. */
const threadScenario = scenarioRunner<typeof threadScenarios>(new URL('../helpers/threadScenarios.ts', import.meta.url));

function network200(): { network: Network; target: Float64Array } {
  if (hasReference) {
    return { network: publishedNetwork(), target: loadReferenceArray('novel_target').data };
  }
  const network = randomNetwork(200, 100, 2018, 1, true);
  const target = Float64Array.from({ length: DEFAULT_DYNAMICS.nSamples }, (_, k) => Math.sin(k / 20));
  return { network, target };
}

/** Passes until the helpers have computed parts (they join asynchronously), at most ~20 s. */
function runUntilHelpersJoin(run: () => void, helperParts: () => number): void {
  const deadline = Date.now() + 20_000;
  run();
  while (helperParts() === 0 && Date.now() < deadline) run();
  expect(helperParts(), 'the helper threads never computed a part').toBeGreaterThan(0);
}

function gradients(n: number, weights: boolean): Required<Pick<AdjointGradients, 'gains' | 'x0'>> & AdjointGradients {
  return { gains: new Float64Array(n), x0: new Float64Array(n), ...(weights ? { W: new Float64Array(n * n) } : {}) };
}

/** E, outputs and gradients of one forward + backward. */
function pass(adjoint: RK4Adjoint, x0: Float64Array, gains: Float64Array, weights: boolean) {
  const error = adjoint.forward(x0, gains);
  const output = Float64Array.from(adjoint.output);
  const out = gradients(adjoint.n, weights);
  adjoint.backward(out);
  return { error, output, out };
}

describe.skipIf(!sharedAdjointAvailable())('threaded gradient pass', () => {
  for (const storage of ['sparse', 'dense'] as const) {
    it(`gives the bits of one thread on 2 and 3 threads (${storage} W), the helpers computing parts`, () => {
      const { network, target } = network200();
      const params = DEFAULT_DYNAMICS;
      const weights = storage === 'dense';
      const oneThread = new RK4Adjoint(network, params, target, { threads: null, weightStorage: storage });
      for (const helpers of [1, 2]) {
        const threaded = new RK4Adjoint(network, params, target, { threads: host(helpers), weightStorage: storage });
        threaded.forceThreads('team');
        expect(threaded.threadUse().threaded).toBe(true);
        const rng = new Rng(5 + helpers);
        const ones = network.x0.map(() => 1);
        runUntilHelpersJoin(() => pass(threaded, network.x0, ones, weights), () => threaded.threadUse().helperParts);
        const before = threaded.threadUse().helperParts;
        for (let trial = 0; trial < 3; trial++) {
          const gains = Float64Array.from({ length: network.n }, () => 1 + 0.3 * rng.normal());
          const x0 = network.x0.map((v) => v + rng.normal());
          const expected = pass(oneThread, x0, gains, weights);
          const got = pass(threaded, x0, gains, weights);
          const label = `${helpers} helpers, ${storage}, trial ${trial}`;
          expect(got.error, label).toBe(expected.error);
          expect(sameBits(got.output, expected.output), label).toBe(true);
          expect(sameBits(got.out.gains, expected.out.gains), label).toBe(true);
          expect(sameBits(got.out.x0, expected.out.x0), label).toBe(true);
          if (weights) expect(sameBits(got.out.W!, expected.out.W!), label).toBe(true);
        }
        expect(threaded.threadUse().helperParts, 'helpers computed parts of the compared passes').toBeGreaterThan(before);
        threaded.release();
      }
    }, 120_000);
  }

  it('matches one thread on a small network with odd n and odd nE (padding, a lone last pair), with late helpers', () => {
    // AdjointWasmKernel directly: RK4Adjoint keeps networks below ADJOINT_THREADS_MIN_N on one thread
    const rng = new Rng(9);
    const network = randomNetwork(37, 19, 4, 2, true);
    const params: DynamicsParams = { ...DEFAULT_DYNAMICS, duration: 120, nSamples: 61 };
    const sparse = splitSparse(network.W, network.n, network.nE);
    const transposedW = new Float64Array(network.n * network.n);
    for (let i = 0; i < network.n; i++) for (let j = 0; j < network.n; j++) transposedW[j * network.n + i] = network.W[i * network.n + j];
    const setup = (threads: NodeKernelThreads | null): AdjointKernelSetup => ({
      n: network.n,
      nE: network.nE,
      nSamples: params.nSamples,
      readoutWeights: network.readout.weights,
      channels: network.readout.channels,
      stepSize: stepLength(params),
      tau: params.tau,
      r0: params.r0,
      rmax: params.rmax,
      linear: false,
      weights: { sparse, transposed: splitSparse(transposedW, network.n, network.nE) },
      threads,
    });
    const one = new AdjointWasmKernel(setup(null));
    // the helpers start after the first passes (created now, they join asynchronously)
    const threaded = new AdjointWasmKernel(setup(host(2)));
    threaded.forceThreads('team');
    const run = (kernel: AdjointWasmKernel, gains: Float64Array, residual: Float64Array) => {
      kernel.forward(network.x0, gains);
      const views = kernel.views();
      views.residual.set(residual);
      kernel.backward(false, true);
      const W = new Float64Array(network.n * network.n);
      kernel.weightGradient(W);
      const v = kernel.views();
      return { output: Float64Array.from(v.output), lambda: Float64Array.from(v.lambda), gainGrad: Float64Array.from(v.gainGrad), W };
    };
    const deadline = Date.now() + 20_000;
    for (let trial = 0; trial < 6 || (threaded.helperParts() === 0 && Date.now() < deadline); trial++) {
      const gains = Float64Array.from({ length: network.n }, () => 1 + 0.3 * rng.normal());
      const residual = Float64Array.from({ length: network.readout.channels * params.nSamples }, () => rng.normal());
      const a = run(one, gains, residual);
      const b = run(threaded, gains, residual);
      for (const key of ['output', 'lambda', 'gainGrad', 'W'] as const) expect(sameBits(b[key], a[key]), `${key}, trial ${trial}`).toBe(true);
    }
    expect(threaded.helperParts()).toBeGreaterThan(0);
    threaded.release();
  }, 120_000);

  it('runs rank-1 passes on one thread with the same bits', () => {
    const { network, target } = network200();
    const params = DEFAULT_DYNAMICS;
    const rng = new Rng(3);
    const u = Float64Array.from({ length: network.n }, () => 0.01 * rng.normal());
    const v = Float64Array.from({ length: network.n }, () => 0.01 * rng.normal());
    const one = new RK4Adjoint(network, params, target, { threads: null });
    const threaded = new RK4Adjoint(network, params, target, { threads: host(1) });
    threaded.forceThreads('team');
    const gains = network.x0.map(() => 1);
    for (const adjoint of [one, threaded]) adjoint.forward(network.x0, gains, { u, v });
    expect(threaded.output).toEqual(one.output);
    const grads = [one, threaded].map((adjoint) => {
      const out = { rank1: { uGrad: new Float64Array(network.n), vGrad: new Float64Array(network.n) }, gains: new Float64Array(network.n) };
      adjoint.backward(out);
      return out;
    });
    expect(sameBits(grads[1].rank1.uGrad, grads[0].rank1.uGrad)).toBe(true);
    expect(sameBits(grads[1].gains, grads[0].gains)).toBe(true);
    threaded.release();
  }, 60_000);

  for (const [helper, what] of [
    ['absent', 'never joins'],
    ['late', 'joined but never claims its parts (asleep, descheduled)'],
    ['none', 'is not given (a host with no thread free)'],
  ] as const) {
    it(`computes every part itself when its helper ${what}: the bits of one thread (sparse and dense W, ∂E/∂W)`, async () => {
      for (const storage of ['sparse', 'dense'] as const) {
        const { threaded, expected, got, helperParts } = await threadScenario('adjointPassesWithHelper', { helper, storage, passes: 2 });
        expect(threaded, 'the kernel was given a helper').toBe(true);
        expect(got.length).toBe(2);
        for (const [p, pass] of got.entries()) {
          const label = `helper ${helper}, ${storage}, pass ${p}`;
          expect(pass.error, label).toBe(expected[p].error);
          for (const key of ['output', 'gains', 'x0'] as const) expect(sameBits(pass[key], expected[p][key]), `${label}: ${key}`).toBe(true);
          if (storage === 'dense') expect(sameBits(pass.W!, expected[p].W!), `${label}: W`).toBe(true);
        }
        expect(helperParts).toBe(0);
      }
    });
  }
});
