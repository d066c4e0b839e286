/**
 * The plan's arithmetic on given costs (the cost model written out in plan.ts), and the timing
 * probes: the surrogate network is shaped like an SOC network and the probes really train (a probe
 * that diverged at once would time nothing).
 */
import { describe, expect, it } from 'vitest';
import { trainGradient } from '../../src-shared/model/gradient.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { generateTarget } from '../../src-shared/model/targets.js';
import type { SweepTask, TaskSettings } from '../../src-shared/sweeps/expand.js';
import type { NetworkShape } from '../../src-shared/sweeps/inputs.js';
import {
  costProbeKey,
  estimateGroupSeconds,
  estimateSummary,
  estimateTask,
  groupsSeconds,
  measureSweepCosts,
  measureTrialMs,
  probeSessions,
  slurmRequests,
  SOC_EXPECTED_ITERATIONS,
  surrogateNetwork,
  togetherProbe,
  type CostTable,
} from '../../src-shared/sweeps/plan.js';
import { runGroups } from '../../src-shared/sweeps/runTask.js';

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

  it("tasks training together: every task's set-up, the group's trials in lockstep; the time here sums the groups", () => {
    const task = (index: number, extra: Partial<TaskSettings> = {}): SweepTask => ({ index, id: `t${index}`, settings: settings({ seed: index + 1, ...extra }), factors: {} });
    const soc: Partial<TaskSettings> = { network: { kind: 'soc', n: 100, seed: 1, recipe: 'adaptive', readoutTarget: { kind: 'generated', seed: 1 } } };
    const seeds = Array.from({ length: 10 }, (_, k) => task(k, soc));
    const together = costProbeKey(togetherProbe(seeds[0].settings, shape, 10));
    expect(probeSessions(together)).toBe(10);
    expect(probeSessions(probe('reward'))).toBe(1);
    const withGroup: CostTable = { ...costs, trialMs: new Map([...costs.trialMs, [together, 8]]) };
    const socBuild = SOC_EXPECTED_ITERATIONS * 40;
    const setup = 300 + socBuild;
    // one start-up, ten SOC builds one after another, 1002 lockstep trials of 8 ms for all ten
    expect(estimateGroupSeconds(seeds, () => shape, withGroup)).toBeCloseTo((300 + 10 * socBuild + 1002 * 8) / 1000, 12);
    // without a lockstep probe (a group too small to batch): the ten tasks' trials one after another
    expect(estimateGroupSeconds(seeds, () => shape, costs)).toBeCloseTo((300 + 10 * socBuild + 10 * 1002 * 2) / 1000, 12);
    // a group of one is its task
    expect(estimateGroupSeconds([seeds[0]], () => shape, withGroup)).toBe(estimateTask(seeds[0].settings, shape, withGroup).cpuSeconds);
    // ten seeds and a gradient task: one group of ten and one alone, their times summed, spread over the threads
    const gradient = task(10, { rule: 'gradient', trials: 100 });
    const groups = runGroups([...seeds, gradient], 1);
    expect(groups.map((g) => g.length)).toEqual([10, 1]);
    const here = groupsSeconds(groups, () => shape, withGroup);
    expect(here).toBeCloseTo((300 + 10 * socBuild + 1002 * 8 + 300 + 102 * 5) / 1000, 12);
    const perTask = new Map([...seeds, gradient].map((t) => [t.id, estimateTask(t.settings, shape, withGroup)]));
    const summary = estimateSummary(perTask, withGroup, 2, here);
    // (rounded to 0.1 s)
    expect(summary.wallSecondsHere).toBe(Math.round((10 * here) / 2) / 10);
    // the CPU time per task (what an array task asks SLURM for) is the task alone
    expect(summary.totalCpuSeconds).toBe(Math.round((10 * (10 * (setup + 1002 * 2) + 300 + 102 * 5)) / 1000) / 10);
    expect(summary.measured.find((m) => m.probe === together)).toMatchObject({ msPerTrial: 8, sessions: 10 });
  });

  it('the lockstep probe is timed only for groups the batched kernel runs, with the evaluator the run uses', () => {
    const small: NetworkShape = { ...shape, n: 40, nE: 20 };
    const task = (index: number): SweepTask => ({ index, id: `t${index}`, settings: settings({ seed: index + 1, trials: 10 }), factors: {} });
    const tasks = Array.from({ length: 12 }, (_, k) => task(k));
    // groups of ten and two: ten train through the batch, two one after another (no probe of their own)
    const groups = runGroups(tasks, 1);
    expect(groups.map((g) => g.length)).toEqual([10, 2]);
    let clock = 0;
    const measured = measureSweepCosts(tasks, () => small, { now: () => clock++, budgetMs: 5 }, groups);
    expect([...measured.trialMs.keys()].map(probeSessions).sort((a, b) => a - b)).toEqual([1, 10]);
    // a fake clock advancing 1 ms per reading: sessions that are not batched cost their number × one trial
    clock = 0;
    const one = measureTrialMs({ n: 40, channels: 1, params: DEFAULT_DYNAMICS, rule: 'reward', targets: 1 }, { now: () => clock++, budgetMs: 5 });
    clock = 0;
    expect(measureTrialMs({ n: 40, channels: 1, params: DEFAULT_DYNAMICS, rule: 'reward', targets: 1, sessions: 2 }, { now: () => clock++, budgetMs: 5 })).toBe(2 * one);
    expect(() => measureTrialMs({ n: 40, channels: 1, params: DEFAULT_DYNAMICS, rule: 'gradient', targets: 1, sessions: 3 }, { now: () => clock++ })).toThrow(/reward/);
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
