/**
 * A training run whose starting error cannot be finite is refused before it starts, in one line:
 * readout weights so large that the output (or its distance from the target) overflows, or a
 * target that does not vary. Found by fuzzing `gainlab simulate` (tests/fuzz/cliInputs.test.ts, seed 4711
 * cases 7, 24), which had the same inputs train to "error NaN, best Infinity" with exit 0.
 */
import { describe, expect, it } from 'vitest';
import { runRewardTogether, runTrainingTask, type TrainingTaskInput } from '../../src-shared/tasks/training.js';
import { taskRefusal } from '../helpers/taskRefusal.js';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';

const network = syntheticNetwork();
const target = syntheticTarget(network);

function input(changes: Partial<TrainingTaskInput> = {}): TrainingTaskInput {
  return { network, targets: [target], rule: 'reward', trials: 3, sigma: 0.01, alpha: 0.3, learningRate: 0.01, groups: { kind: 'neuron' }, seed: 1, sessions: 1, ...changes };
}

describe('starting error', () => {
  it('readout weights whose output overflows: refused for both rules and for runs trained together', () => {
    const huge = { ...network, readout: { channels: 1, weights: new Float64Array(network.readout.weights.length).fill(1e308) } };
    for (const rule of ['reward', 'gradient'] as const) {
      expect(taskRefusal(() => runTrainingTask(input({ network: huge, rule })))).toMatch(/^the starting error is (NaN|Infinity): the output of network "Synthetic N=20" \(its W, x0 or readout weights\) is too large/);
    }
    expect(taskRefusal(() => runRewardTogether([input({ network: huge }), input({ network: huge, seed: 2 })]))).toMatch(/^the starting error is/);
  });

  it('a target that does not vary', () => {
    const flat = { ...target, name: 'Flat', values: new Float64Array(target.values.length).fill(0.5) };
    expect(taskRefusal(() => runTrainingTask(input({ targets: [flat] })))).toBe(
      'target "Flat" does not vary: the error is measured relative to its spread about its mean, which must be a positive finite number',
    );
  });

  it('an ordinary run is unchanged', () => {
    expect(Number.isFinite(runTrainingTask(input()).initialError)).toBe(true);
  });
});
