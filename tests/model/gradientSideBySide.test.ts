/**
 * Gradient training over several initial conditions with the conditions side by side
 * (src-shared/model/gradient.ts GradientProblem, assembly/adjoint.ts "Offered passes"): condition
 * m + 1's forward and backward as whole passes on its kernel's helper thread while condition m's
 * run here give the one-thread errors and gradients bit for bit, and Adam the same run — on the
 * published N = 200 network and on a small network (below the row split's size, where the kernels
 * keep their helpers for offered passes only). With the offered passes' helper absent, late or
 * not given, on a worker (tests/helpers/threadScenarios.ts through tests/helpers/workerDeadline.ts):
 * a caller waiting forever for an offered pass fails the test at the deadline instead of hanging.
 */
import { describe, expect, it } from 'vitest';
import { GradientProblem, trainGradient } from '../../src-shared/model/gradient.js';
import type { Network } from '../../src-shared/model/network.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { createCoreBudget } from '../../src-shared/model/kernels/threads.js';
import { Rng } from '../../src-shared/model/rng.js';
import { sharedDynamicsAvailable } from '../../src-shared/model/wasm/loader.js';
import { kernelHosts } from '../helpers/kernelHosts.js';
import { sameBits } from '../helpers/expectClose.js';
import { randomNetwork } from '../helpers/randomNetwork.js';
import { hasReference, loadReferenceArray, publishedNetwork } from '../helpers/reference.js';
import type * as threadScenarios from '../helpers/threadScenarios.js';
import { scenarioRunner } from '../helpers/workerDeadline.js';

const host = kernelHosts();

/** A scenario of tests/helpers/threadScenarios.ts on a worker, failing at its deadline. */
const threadScenario = scenarioRunner<typeof threadScenarios>(new URL('../helpers/threadScenarios.ts', import.meta.url));

const wave = (phase: number) => Float64Array.from({ length: DEFAULT_DYNAMICS.nSamples }, (_, k) => 10 * Math.sin((2 * Math.PI * k) / DEFAULT_DYNAMICS.nSamples + phase));

/** m conditions: x0 with every (c + 1)-th sign flipped, each with its own target. */
function conditionsOf(network: Network, m: number): Array<{ x0: Float64Array; target: Float64Array }> {
  return Array.from({ length: m }, (_, c) => ({
    x0: network.x0.map((v, i) => (c > 0 && i % (c + 1) === 0 ? -v : v)),
    target: c === 0 && hasReference && network.n === 200 ? loadReferenceArray('novel_target').data : wave(c),
  }));
}

const networks: Array<[string, () => Network]> = [
  [hasReference ? 'published N = 200' : 'random N = 200', () => (hasReference ? publishedNetwork() : randomNetwork(200, 100, 2018, 1, true))],
  ['random N = 40 (below the row split)', () => randomNetwork(40, 20, 7, 1, true)],
];

describe.skipIf(!sharedDynamicsAvailable())('gradient conditions side by side', () => {
  for (const [name, make] of networks) {
    it(`${name}: errors and gradients of 2 and 3 conditions are the one-thread bits, with passes on the other core`, () => {
      const network = make();
      for (const m of [2, 3]) {
        const conditions = conditionsOf(network, m);
        const groups = Int32Array.from({ length: network.n }, (_, i) => i % 10);
        const alone = new GradientProblem({ network, params: DEFAULT_DYNAMICS, conditions, trainable: 'gains', groups, threads: null });
        const side = new GradientProblem({ network, params: DEFAULT_DYNAMICS, conditions, trainable: 'gains', groups, threads: host(), sideBySide: 'always' });
        const rng = new Rng(m);
        const deadline = Date.now() + 20_000;
        let calls = 0;
        // the first offers wait for the helpers to start (then this thread runs those passes); on a
        // busy machine a pass may be taken back at collect: go on until several ran on the other core
        while (calls < 6 || (side.sideBySidePasses < 4 && Date.now() < deadline)) {
          const theta = Float64Array.from({ length: 10 }, () => 0.8 + 0.4 * rng.uniform());
          const expected = new Float64Array(10);
          const actual = new Float64Array(10);
          const error = alone.valueAndGradient(theta, expected);
          expect(side.valueAndGradient(theta, actual)).toBe(error);
          expect(sameBits(actual, expected)).toBe(true);
          expect(sameBits(side.outputs(), alone.outputs())).toBe(true);
          calls++;
        }
        expect(side.sideBySidePasses).toBeGreaterThanOrEqual(4);
        side.release();
      }
    });
  }

  it('with the app’s core budget (one core held by the run itself) the offered passes still get the other core, and give it back', () => {
    const { budget } = createCoreBudget(2);
    budget.take(1); // this run's own thread, as a job holds it
    const network = networks[0][1]();
    const side = new GradientProblem({ network, params: DEFAULT_DYNAMICS, conditions: conditionsOf(network, 2), trainable: 'gains', threads: host(budget), sideBySide: 'always' });
    const theta = side.initialParameters.slice();
    const gradient = new Float64Array(side.size);
    const deadline = Date.now() + 20_000;
    while (side.sideBySidePasses < 4 && Date.now() < deadline) side.valueAndGradient(theta, gradient);
    expect(side.sideBySidePasses).toBeGreaterThanOrEqual(4);
    expect(budget.free()).toBe(1);
    side.release();
  });

  it('Adam over two conditions is the one-thread run, bit for bit', () => {
    const network = networks[0][1]();
    const conditions = conditionsOf(network, 2);
    const options = { network, params: DEFAULT_DYNAMICS, conditions, trainable: 'gains' as const, iterations: 12, lr: 0.02 };
    const alone = trainGradient({ ...options, threads: null });
    const side = trainGradient({ ...options, threads: host(), sideBySide: 'always' });
    expect(sameBits(side.errors, alone.errors)).toBe(true);
    expect(sameBits(side.bestParameters, alone.bestParameters)).toBe(true);
    expect(side.bestIteration).toBe(alone.bestIteration);
  });

  it('with the helpers absent, late (joined, never claiming a pass) or not given: the one-thread values and gradients, no pass on another core', async () => {
    for (const helper of ['absent', 'late', 'none'] as const) {
      const { expected, got, sideBySidePasses } = await threadScenario('sideBySideWithHelper', { helper, calls: 3 });
      expect(got.length).toBe(3);
      for (const [call, { error, gradient, outputs }] of got.entries()) {
        const label = `helper ${helper}, call ${call}`;
        expect(error, label).toBe(expected[call].error);
        expect(sameBits(gradient, expected[call].gradient), `${label}: gradient`).toBe(true);
        expect(sameBits(outputs, expected[call].outputs), `${label}: outputs`).toBe(true);
      }
      expect(sideBySidePasses, `helper ${helper}`).toBe(0);
    }
  });
});
