/**
 * The plan's arithmetic on given costs (the cost model written out in plan.ts), and the timing
 * probes: the surrogate network is shaped like an SOC network and the probes really train (a probe
 * that diverged at once would time nothing).
 */
import { describe, expect, it } from 'vitest';
import { trainGradient } from '../../src-shared/model/gradient.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { generateTarget } from '../../src-shared/model/targets.js';
import type { TaskSettings } from '../../src-shared/sweeps/expand.js';
import type { NetworkShape } from '../../src-shared/sweeps/inputs.js';
import { costProbeKey, estimateTask, measureTrialMs, slurmRequests, SOC_EXPECTED_ITERATIONS, surrogateNetwork, type CostTable } from '../../src-shared/sweeps/plan.js';

const shape: NetworkShape = { n: 100, nE: 50, channels: 1, params: { ...DEFAULT_DYNAMICS }, hash: null, storedConditions: 1 };
const settings = (extra: Partial<TaskSettings>): TaskSettings => ({
  network: { kind: 'dir', dir: 'net' },
  targets: [{ kind: 'file', path: 't.npy' }],
  initialConditions: null,
  rule: 'reward',
  trials: 1000,
  seed: 1,
  sigma: 0.001,
  alpha: 0.3,
  groups: { kind: 'neuron' },
  ...extra,
});
const probe = (rule: 'reward' | 'gradient', targets = 1) => costProbeKey({ n: 100, channels: 1, params: shape.params, rule, targets });
const costs: CostTable = {
  trialMs: new Map([
    [probe('reward'), 2],
    [probe('gradient'), 5],
    [probe('reward', 2), 3],
  ]),
  socIterationMs: new Map([[100, 40]]),
  startupMs: 300,
  baselineMB: 60,
};

describe('sweep plan estimates', () => {
  it('time: start-up, (trials + 2) trials, an SOC build, specialising', () => {
    expect(estimateTask(settings({}), shape, costs).cpuSeconds).toBeCloseTo((300 + 1002 * 2) / 1000, 12);
    expect(estimateTask(settings({ rule: 'gradient', trials: 100 }), shape, costs).cpuSeconds).toBeCloseTo((300 + 102 * 5) / 1000, 12);
    expect(estimateTask(settings({ targets: [{ kind: 'generated', seed: 1 }, { kind: 'generated', seed: 2 }] }), shape, costs).cpuSeconds).toBeCloseTo(
      (300 + 1002 * 3) / 1000,
      12,
    );
    const soc = settings({ network: { kind: 'soc', n: 100, seed: 1, recipe: 'adaptive', readoutTarget: { kind: 'generated', seed: 1 } } });
    expect(estimateTask(soc, shape, costs).cpuSeconds).toBeCloseTo((300 + 1002 * 2 + SOC_EXPECTED_ITERATIONS * 40) / 1000, 12);
    const specialised = settings({ groups: { kind: 'specialised', count: 5, on: [{ kind: 'generated', seed: 1 }, { kind: 'generated', seed: 2 }], iterations: 300 } });
    expect(estimateTask(specialised, shape, costs).cpuSeconds).toBeCloseTo((300 + 1002 * 2 + 300 * 2 * 5) / 1000, 12);
  });

  it('memory: baseline plus the arrays of the model in plan.ts', () => {
    const n = 100;
    const nSamples = 200;
    const MB = 2 ** 20;
    expect(estimateTask(settings({}), shape, costs).memoryMB).toBeCloseTo(60 + (8 * (4 * n * n + 4 * n * nSamples + 1001)) / MB, 9);
    expect(estimateTask(settings({ rule: 'gradient', trials: 100 }), shape, costs).memoryMB).toBeCloseTo(60 + (8 * (4 * n * n + 4 * n * nSamples + 16 * n * nSamples + 101)) / MB, 9);
  });

  it('SLURM requests leave a margin and have floors', () => {
    expect(slurmRequests(600, 1000)).toEqual({ timeMinutes: 22, memoryMB: 1600 });
    expect(slurmRequests(1, 10)).toEqual({ timeMinutes: 5, memoryMB: 256 });
  });

  it('the timing probes train: the surrogate is SOC-shaped and the gradient probe does not diverge', () => {
    const network = surrogateNetwork(40, 1);
    // one shared E weight, E columns ~10 % and I columns ~40 % dense, no self-connections
    const eWeights = new Set<number>();
    let eCount = 0;
    let iCount = 0;
    for (let i = 0; i < 40; i++) {
      expect(network.W[i * 40 + i]).toBe(0);
      for (let j = 0; j < 40; j++) {
        const w = network.W[i * 40 + j];
        if (w === 0) continue;
        if (j < 20) {
          eWeights.add(w);
          eCount++;
        } else {
          expect(w).toBeLessThan(0);
          iCount++;
        }
      }
    }
    expect(eWeights.size).toBe(1);
    expect(eCount / (40 * 20)).toBeGreaterThan(0.04);
    expect(eCount / (40 * 20)).toBeLessThan(0.2);
    expect(iCount / (40 * 20)).toBeGreaterThan(0.3);
    const target = generateTarget(1).values;
    const r = trainGradient({ network, params: DEFAULT_DYNAMICS, target, trainable: 'gains', iterations: 4 });
    expect(r.diverged).toBe(false);
    expect(r.iterations).toBe(4);
    let clock = 0;
    // a fake clock advancing 1 ms per reading: the probe's arithmetic, not this machine's speed
    const ms = measureTrialMs({ n: 40, channels: 1, params: DEFAULT_DYNAMICS, rule: 'reward', targets: 1 }, { now: () => clock++, budgetMs: 5 });
    expect(ms).toBeGreaterThan(0);
    expect(Number.isFinite(ms)).toBe(true);
  });
});
