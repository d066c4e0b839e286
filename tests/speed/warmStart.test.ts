/**
 * A speed manifold learns each speed from the pattern of the speed before (warm start):
 * src-shared/speed/speed.ts learnSpeedManifold. From g = 1 the slow end of the published network's
 * manifold did not converge in the default 150 iterations (errors 0.80 at 4.33T and 0.55 at 5T).
 * - mechanism, against an independent evaluation, for both rules: the first error of each speed's
 *   curve is the joint error of the previous speed's pattern simulated at this speed (not the g = 1
 *   error);
 * - effect, on the published network (tests/helpers/reference.ts), 5 speeds to 5×, m = 2,
 *   40 groups, gradient, 50 iterations: the 5T error warm-started is well below the one from g = 1.
 */
import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { buildExperimentNetwork } from '../../src-shared/experiments/support.js';
import { normalisedError } from '../../src-shared/model/dynamics.js';
import { slowParams, DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { baselineTargets, learnSpeedManifold, outputsFor, rows, slowConditions, speedFactors } from '../../src-shared/speed/speed.js';
import { speedInitialConditions } from '../../src-shared/tasks/speed.js';
import { groupLabelsOf } from '../../src-shared/tasks/training.js';
import { publishedNetwork } from '../helpers/reference.js';

function jointError(network: ReturnType<typeof publishedNetwork>, params: typeof DEFAULT_DYNAMICS, x0s: Float64Array[], fast: Float64Array[], factor: number, gains: Float64Array): number {
  const slow = slowParams(params, factor);
  const conditions = slowConditions(params, 1, x0s, fast, factor);
  const out = outputsFor(network, slow, x0s, gains);
  const length = slow.nSamples;
  return conditions.reduce((sum, c, m) => sum + normalisedError(out.subarray(m * length, (m + 1) * length), c.target, 1, slow.nSamples), 0);
}

describe('speed manifold warm start', () => {
  it.each([
    ['gradient', { rule: 'gradient', iterations: 12, lr: 0.05, seed: 2 }],
    ['reward', { rule: 'reward', trials: 60, sigma: 0.01, seed: 2 }],
  ] as const)('each speed starts from the pattern learned at the speed before (%s rule)', (_, options) => {
    const prepared = buildExperimentNetwork({ n: 40, seed: 3, conditions: 2 });
    const { network, params } = prepared;
    const x0s = rows(prepared.initialConditions, 2, network.n);
    const fast = baselineTargets(network, params, x0s);
    const factors = speedFactors(4, 2.5, params.nSamples);
    const manifold = learnSpeedManifold(network, params, x0s, fast, factors, options);
    for (let k = 2; k < factors.length; k++) {
      const previous = manifold.gains.subarray((k - 1) * network.n, k * network.n);
      const startError = jointError(network, params, x0s, fast, factors[k], previous);
      expectClose(manifold.patterns[k].errors[0], startError, { rtol: 1e-9 });
      // and not the error with g = 1 (what it started from before)
      expect(Math.abs(manifold.patterns[k].errors[0] - manifold.initialErrors[k])).toBeGreaterThan(0.05);
    }
  });

  it('on the published network the slow end converges warm-started and does not from g = 1', { timeout: 120_000 }, () => {
    const net = publishedNetwork();
    const params = { ...DEFAULT_DYNAMICS };
    const x0s = rows(speedInitialConditions(net, net.x0, 2), 2, net.n);
    const network = { ...net, x0: x0s[0] };
    const fast = baselineTargets(network, params, x0s);
    const factors = speedFactors(5, 5, params.nSamples);
    const options = { rule: 'gradient' as const, iterations: 50, lr: 0.02, seed: 1, groups: groupLabelsOf({ kind: 'random', count: 40 }, net.n, 1) };
    const warm = learnSpeedManifold(network, params, x0s, fast, factors, options);
    // from g = 1 a speed's pattern does not depend on the others: learn the 5T one alone
    const cold = learnSpeedManifold(network, params, x0s, fast, [5], { ...options, warmStart: false, fastIsBaseline: false });
    const [warm5, cold5] = [warm.errors.at(-1)!, cold.errors[0]];
    // the reported errors are the joint errors of the returned patterns
    expectClose(warm5, jointError(network, params, x0s, fast, 5, warm.gains.subarray(4 * net.n)), { rtol: 1e-9 });
    expect(warm5, `5T error warm ${warm5}, from g = 1 ${cold5}`).toBeLessThan(cold5 / 3);
  });
});
