/**
 * Supp. Fig. 8 on the published network with GainLab's slow-task defaults (GainLab definition
 * 'slow-task-reward-settings': σ and trials of the reward rule, SLOW_TASK_REWARD): the 5× slower
 * variant of the network's own movement from the published x0, neuron-specific gains, amplitude
 * fixed and scaled by 1/s², one session each (both in one lockstep batch). The starting errors are
 * the paper's (≈ 1.22 and ≈ 128); the final errors are pinned from this deterministic run (the
 * rule's random draws come from fixed seeds) and set beside the paper's 0.02 and 0.9.
 */
import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { hasReference, loadReferenceArray, referenceSkipReason } from '../helpers/reference.js';
import { DEFAULT_DYNAMICS, slowParams } from '../../src-shared/model/params.js';
import { rewardSessions } from '../../src-shared/experiments/training.js';
import { JointSessionsEvaluator } from '../../src-shared/speed/jointEvaluator.js';
import { SLOW_TASK_REWARD, slowConditions, slowMovement } from '../../src-shared/speed/slowTask.js';
import { outputsFor } from '../../src-shared/speed/speed.js';
import { normalisedError } from '../../src-shared/model/dynamics.js';

describe('Supp. Fig. 8 with the slow-task defaults on the published network', () => {
  it('fixed: ≈1.19 → pinned; scaled: ≈131 → pinned', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const network = { n: 200, nE: 100, W: loadReferenceArray('W').data, x0: loadReferenceArray('x0').data, readout: { channels: 1, weights: loadReferenceArray('readout').data } };
    const params = { ...DEFAULT_DYNAMICS };
    const slow = slowParams(params, 5);
    const x0s = [network.x0];
    const movement = slowMovement(network, params, x0s, 0, 0);
    const fixed = slowConditions(movement, params, x0s, 5, false);
    const scaled = slowConditions(movement, params, x0s, 5, true);
    // starting errors (gains 1): the paper's ≈ 1.22 and ≈ 128
    const start = outputsFor(network, slow, x0s, new Float64Array(200).fill(1));
    expectClose(normalisedError(start, fixed[0].target, 1, slow.nSamples), 1.1868, { rtol: 1e-4 });
    expectClose(normalisedError(start, scaled[0].target, 1, slow.nSamples), 131.35, { rtol: 1e-4 });
    const evaluator = new JointSessionsEvaluator(network, slow, [fixed, scaled]);
    const result = rewardSessions({
      network,
      params: slow,
      target: fixed[0].target,
      sessions: 2,
      seed: 8,
      trials: SLOW_TASK_REWARD.trials,
      sigma: SLOW_TASK_REWARD.sigma,
      alpha: 0.3,
      groups: { kind: 'neuron-specific' },
      evaluator,
    });
    const [fixedRun, scaledRun] = result.sessions;
    expect(fixedRun.errors[0]).toBeCloseTo(1.1868, 3);
    // pinned final errors (measured with σ = 0.003, 5000 trials)
    expectClose(fixedRun.bestError, PINNED.fixed, { rtol: 1e-6 });
    expectClose(scaledRun.bestError, PINNED.scaled, { rtol: 1e-6 });
    // what they mean against the paper (Supp. 8: 98.4 % and 99.3 % reductions)
    expect(1 - fixedRun.bestError / fixedRun.errors[0]).toBeGreaterThan(PINNED.fixedReduction);
    expect(1 - scaledRun.bestError / scaledRun.errors[0]).toBeGreaterThan(PINNED.scaledReduction);
  }, 900_000);
});

// Measured with σ = 0.003, 5000 trials, seed 8 (sessions Rng.derive(8, 0) and (8, 1)): the
// scaled task reaches the paper's reduction (98.0 % vs 99.3 %), the fixed one does not (73.8 %
// vs 98.4 %; the paper's 0.02 needs more trials than the 5000 of the default).
const PINNED = { fixed: 0.31087913290448804, scaled: 2.565767206833345, fixedReduction: 0.73, scaledReduction: 0.98 };
