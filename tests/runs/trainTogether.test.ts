/**
 * One-session reward runs trained together (training.ts runRewardTogether, what a sweep's seeds
 * do): each run gets exactly the numbers it gets alone through runTrainingTask — on the batched
 * kernel (from a few runs on) and on the one-at-a-time evaluator, with random groups that differ
 * from run to run — and runs that differ in anything but seed and groups are refused.
 */
import { describe, expect, it } from 'vitest';
import { invokeContract } from '../../src-shared/ipc/contract.js';
import { preferBatched } from '../../src-shared/model/batchSimulator.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { contextWith } from '../../src-shared/tasks/context.js';
import { runRewardTogether, runTrainingTask, TOGETHER_MAX_RUNS, type TrainingTaskInput } from '../../src-shared/tasks/training.js';
import { hasReference, loadReferenceArray, publishedNetwork, referenceSkipReason } from '../helpers/reference.js';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';

function inputOf(seed: number, overrides: Record<string, unknown> = {}): TrainingTaskInput {
  const network = syntheticNetwork();
  const target = syntheticTarget(network);
  const options = invokeContract['jobs:start-training'].request.parse({
    source: { kind: 'inline', network, targets: [target] },
    rule: 'reward',
    trials: 120,
    sigma: 0.01,
    groups: { kind: 'random', count: 4 },
    seed,
    sessions: 1,
    ...overrides,
  });
  if (options.source.kind !== 'inline') throw new Error('inline');
  const { source, ...settings } = options;
  return { ...settings, network: source.network, targets: source.targets };
}

function expectSameRun(together: ReturnType<typeof runTrainingTask>, alone: ReturnType<typeof runTrainingTask>) {
  const [a, b] = [together.sessions[0], alone.sessions[0]];
  expect(Array.from(a.errorCurve)).toEqual(Array.from(b.errorCurve));
  expect(Array.from(a.bestGains)).toEqual(Array.from(b.bestGains));
  expect([a.bestError, a.bestTrial, a.trialsRun, a.seed]).toEqual([b.bestError, b.bestTrial, b.trialsRun, b.seed]);
  expect(together.groupLabels).toEqual(alone.groupLabels);
  expect(together.initialError).toBe(alone.initialError);
  expect(together.bestSession).toBe(0);
}

describe('reward runs trained together', () => {
  it.each([2, 5])('%i runs give the numbers each gets alone (random groups differ by seed)', (count) => {
    const seeds = Array.from({ length: count }, (_, k) => 11 + 7 * k);
    const inputs = seeds.map((seed) => inputOf(seed));
    const points: number[] = [];
    const together = runRewardTogether(inputs, contextWith({ point: (session) => void points.push(session) }));
    expect(together).toHaveLength(count);
    // the runs are the context's sessions 0..count−1
    expect(new Set(points)).toEqual(new Set(seeds.map((_, k) => k)));
    const labels = new Set(together.map((r) => r.groupLabels.join(',')));
    expect(labels.size).toBe(count);
    inputs.forEach((input, k) => expectSameRun(together[k], runTrainingTask(input)));
  });

  it('on the published network, ten seeds in one batched pass give each seed’s own run', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const network = publishedNetwork();
    expect(preferBatched(network.n, TOGETHER_MAX_RUNS)).toBe(true);
    const target = loadReferenceArray('novel_target').data;
    const base = inputOf(1);
    const payload = { ...base.network, n: network.n, nE: network.nE, W: network.W, x0: network.x0, readout: network.readout, params: { ...DEFAULT_DYNAMICS } };
    const targets = [{ ...base.targets[0], channels: 1, nSamples: target.length, duration: 500, values: target }];
    const inputs = Array.from({ length: TOGETHER_MAX_RUNS }, (_, k) => ({ ...base, network: payload, targets, groups: { kind: 'neuron' as const }, trials: 30, sigma: 0.001, seed: 100 + k }));
    const together = runRewardTogether(inputs);
    for (const k of [0, 4, 9]) expectSameRun(together[k], runTrainingTask(inputs[k]));
  });

  it('refuses runs that differ in more than seed and groups, several sessions, gradient runs and too many runs', () => {
    const refusal = (inputs: TrainingTaskInput[]) => {
      try {
        runRewardTogether(inputs);
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal([inputOf(1), inputOf(2, { sigma: 0.02 })])).toBe('runs trained together must differ only in their seed and groups');
    expect(refusal([inputOf(1), inputOf(2, { trials: 121 })])).toBe('runs trained together must differ only in their seed and groups');
    const otherTarget = inputOf(2);
    otherTarget.targets = [{ ...otherTarget.targets[0], values: otherTarget.targets[0].values.map((v) => v + 1e-9) }];
    expect(refusal([inputOf(1), otherTarget])).toBe('runs trained together must differ only in their seed and groups');
    expect(refusal([inputOf(1), inputOf(2, { sessions: 2 })])).toBe('only one-session reward runs train together');
    expect(refusal([inputOf(1), { ...inputOf(2), rule: 'gradient' }])).toBe('only one-session reward runs train together');
    expect(refusal(Array.from({ length: TOGETHER_MAX_RUNS + 1 }, (_, k) => inputOf(k + 1)))).toBe(`at most ${TOGETHER_MAX_RUNS} runs train together, got ${TOGETHER_MAX_RUNS + 1}`);
    expect(runRewardTogether([])).toEqual([]);
  });
});
