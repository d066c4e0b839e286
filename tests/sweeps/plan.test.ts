/**
 * The plan's arithmetic on given costs (the cost model written out in src-shared/sweeps/plan.ts),
 * and the timing probes: the surrogate network is shaped like an SOC network and the probes really
 * train (a probe that diverged at once would time nothing); the task-overhead probe runs a task's
 * whole life into the folder it is given (src-shared/tasks/sweep.ts planSweepTask's scratch) and
 * its time, on an injected clock, less its trials is what every task is charged; a run here (one
 * job) is charged its own cost once (jobOverheadMs: the sweep checked, plan.json written, the folder
 * looked through — the job's own code in src-shared/tasks/sweep.ts, timed into the scratch folder).
 */
import { describe, expect, it } from 'vitest';
import { trainGradient } from '../../src-shared/model/gradient.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { generateTarget } from '../../src-shared/model/targets.js';
import type { SweepTask, TaskSettings } from '../../src-shared/sweeps/expand.js';
import type { NetworkShape } from '../../src-shared/sweeps/inputs.js';
import {
  addJobOverhead,
  costProbeKey,
  estimateGroupSeconds,
  estimateSummary,
  estimateTask,
  groupsSeconds,
  hereProbe,
  measureSweepCosts,
  measureTaskOverheadMs,
  measureTrialMs,
  OVERHEAD_PROBE_TRIALS,
  probeSessions,
  slurmRequests,
  SOC_EXPECTED_ITERATIONS,
  surrogateNetwork,
  togetherProbe,
  type CostTable,
} from '../../src-shared/sweeps/plan.js';
import { runGroups } from '../../src-shared/sweeps/runTask.js';
import type { TaskArrays, TaskRecord } from '../../src-shared/sweeps/record.js';
import { memoryFolder, planSweepTask } from '../../src-shared/tasks/sweep.js';
import { syntheticSweepProject } from './sweepFixtures.js';

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

  it("every task is charged its measured overhead (set-up, output, files): the time here is the sum of the parts", () => {
    const task = (index: number, extra: Partial<TaskSettings> = {}): SweepTask => ({ index, id: `t${index}`, settings: settings({ seed: index + 1, ...extra }), factors: {} });
    const overhead = 7;
    const withOverhead: CostTable = { ...costs, taskOverheadMs: new Map([[probe('reward'), overhead], [probe('gradient'), 11]]) };
    // a task alone: start-up + overhead + (trials + 2) trials
    expect(estimateTask(settings({}), shape, withOverhead).cpuSeconds).toBeCloseTo((300 + overhead + 1002 * 2) / 1000, 12);
    expect(estimateTask(settings({ rule: 'gradient', trials: 100 }), shape, withOverhead).cpuSeconds).toBeCloseTo((300 + 11 + 102 * 5) / 1000, 12);
    // four seeds trained together: one start-up, four tasks' overheads, the lockstep trials
    const seeds = [0, 1, 2, 3].map((k) => task(k));
    const together = costProbeKey(togetherProbe(seeds[0].settings, shape, 4));
    const table: CostTable = { ...withOverhead, trialMs: new Map([...costs.trialMs, [together, 5]]) };
    expect(estimateGroupSeconds(seeds, () => shape, table)).toBeCloseTo((300 + 4 * overhead + 1002 * 5) / 1000, 12);
    // the time here on one thread: the parts summed over the groups (two σ: two groups of two seeds)
    const sweep = [0, 1, 2, 3].map((k) => task(k, { seed: (k % 2) + 1, sigma: k < 2 ? 0.001 : 0.004 }));
    const groups = runGroups(sweep, 1);
    expect(groups.map((g) => g.length)).toEqual([2, 2]);
    const pair = costProbeKey(togetherProbe(sweep[0].settings, shape, 2));
    const pairs: CostTable = { ...withOverhead, trialMs: new Map([...costs.trialMs, [pair, 3.5]]) };
    expect(groupsSeconds(groups, () => shape, pairs)).toBeCloseTo((2 * 300 + 4 * overhead + 2 * 1002 * 3.5) / 1000, 12);
  });

  it("the overhead probe runs a task's life into the folder and subtracts its trials (an injected clock)", () => {
    const small: NetworkShape = { ...shape, n: 20, nE: 10 };
    const task: SweepTask = { index: 0, id: '0123456789abcdef', settings: settings({ trials: 5000, groups: { kind: 'specialised', count: 3, on: [{ kind: 'generated', seed: 1 }], iterations: 500 } }), factors: {} };
    // the clock moves 9 ms on each file write and not otherwise: each task's life takes 9 ms, but
    // the first (cold: its code not yet compiled on the thread) 29 ms
    let clock = 0;
    const writes: Array<{ record: TaskRecord; arrays: TaskArrays }> = [];
    const events: string[] = [];
    const folder = {
      ...memoryFolder(),
      markRunning: (id: string) => void events.push(`running ${id}`),
      clearRunning: (id: string) => void events.push(`cleared ${id}`),
      writeResult: (_task: SweepTask, record: TaskRecord, arrays: TaskArrays) => {
        clock += writes.length === 0 ? 29 : 9;
        writes.push({ record, arrays });
        events.push(`written ${record.id}`);
      },
    };
    const trialMs = 0.25;
    let coldExtra = NaN;
    const ms = measureTaskOverheadMs(task, small, trialMs, folder, { now: () => clock, budgetMs: 100, coldExtra: (extra) => (coldExtra = extra) });
    expect(ms).toBeCloseTo(9 - (OVERHEAD_PROBE_TRIALS + 2) * trialMs, 12);
    // what a job's first task pays once more than a warm one (planSweepTask adds it to the job's cost)
    expect(coldExtra).toBe(20);
    // every timed life wrote a whole task (its arrays of the task's shape, its record), marked and
    // cleared as a run marks it; the trials were the probe's few, not the task's 5000, and the
    // specialised groups were drawn, not learned by Adam (charged apart)
    expect(writes.length).toBeGreaterThanOrEqual(2 + 3);
    for (const { record, arrays } of writes) {
      expect(record.trialsDone).toBe(OVERHEAD_PROBE_TRIALS);
      expect(arrays['best-gains.npy'].shape).toEqual([20]);
      expect(arrays['errors.npy'].shape).toEqual([OVERHEAD_PROBE_TRIALS + 1]);
      expect(record.groupCount).toBe(3);
    }
    expect(events.slice(0, 3)).toEqual([`running ${writes[0].record.id}`, `written ${writes[0].record.id}`, `cleared ${writes[0].record.id}`]);
    // a probe whose trials take longer than its run says nothing is left: 0, not negative
    expect(measureTaskOverheadMs(task, small, 100, folder, { now: () => clock, budgetMs: 20 })).toBe(0);
  });

  it("a plan in the app charges each task its overhead, timed into the host's scratch folder", () => {
    const project = syntheticSweepProject();
    const sweepText = JSON.stringify({ schemaVersion: 1, name: 'p', base: { source: { project: 'p.gainlab', networkId: 'net', targetIds: ['tgt'] }, trials: 100 }, factors: { sigma: [0.001, 0.004] } });
    let written = 0;
    const scratch = { ...memoryFolder(), writeResult: () => void written++ };
    const plan = planSweepTask({ sweepText, sweepFile: 'p.sweep.json', project, threadsHere: 1, startupMs: 0, baselineMB: 76, includePlan: false }, scratch);
    // both σ tasks share one shape: one overhead probe, its lives written to the scratch folder
    expect(written).toBeGreaterThanOrEqual(5);
    // the time here (two tasks alone, one after another) is more than their trials alone by the
    // per-task remainder the CPU time per task carries (each task: overhead + 102 trials)
    const trial = plan.estimate.measured[0].msPerTrial;
    expect(plan.estimate.measured).toHaveLength(1);
    const perTask = plan.estimate.cpuSecondsPerTask.median * 1000;
    expect(perTask).toBeGreaterThan(102 * trial);
    // (each rounded: the CPU time per task to 1 ms, the time here to 3 significant digits)
    const here = plan.estimate.wallSecondsHere * 1000;
    expect(Math.abs(here - 2 * perTask)).toBeLessThanOrEqual(1 + 0.005 * here);
  });

  it('a run here is charged its own cost once: in the time here, not in the CPU time per task nor in what SLURM is asked for', () => {
    const tasks = [0, 1, 2, 3].map((k): SweepTask => ({ index: k, id: `t${k}`, settings: settings({ sigma: 0.001 * (k + 1) }), factors: {} }));
    const perTask = new Map(tasks.map((t) => [t.id, estimateTask(t.settings, shape, costs)]));
    const here = groupsSeconds(runGroups(tasks, 1), () => shape, costs);
    const without = estimateSummary(perTask, costs, 1, here);
    const withJob = estimateSummary(perTask, { ...costs, jobOverheadMs: 180 }, 1, here);
    expect(without.jobOverheadMs).toBe(0);
    expect(withJob.jobOverheadMs).toBe(180);
    // 4 × (300 + 1002 × 2) ms = 9.216 s, and 0.18 s once for the job
    expect(without.wallSecondsHere).toBe(9.2);
    expect(withJob.wallSecondsHere).toBe(9.4);
    expect(withJob.totalCpuSeconds).toBe(without.totalCpuSeconds);
    expect(withJob.cpuSecondsPerTask).toEqual(without.cpuSecondsPerTask);
    expect(withJob.slurmRequest).toEqual(without.slurmRequest);
    // over two threads the tasks share them; the job's own cost is still paid once
    expect(estimateSummary(perTask, { ...costs, jobOverheadMs: 180 }, 2, here).wallSecondsHere).toBe(Math.round(10 * (9.216 / 2 + 0.18)) / 10);
    // what the host adds (the app: the hand-off measured on main) is added to both
    const tiny = estimateSummary(new Map([['t', { cpuSeconds: 0.04, memoryMB: 80 }]]), { ...costs, jobOverheadMs: 6 }, 1, 0.04);
    expect(tiny).toMatchObject({ wallSecondsHere: 0.046, jobOverheadMs: 6 });
    expect(addJobOverhead(tiny, 4.5)).toMatchObject({ wallSecondsHere: 0.0505, jobOverheadMs: 10.5, totalCpuSeconds: tiny.totalCpuSeconds });
  });

  it("a plan for a run here times the job's own folder work into the scratch folder and charges it once", () => {
    const project = syntheticSweepProject();
    const sweepText = JSON.stringify({ schemaVersion: 1, name: 'p', base: { source: { project: 'p.gainlab', networkId: 'net', targetIds: ['tgt'] }, trials: 40 }, factors: { sigma: [0.001, 0.002, 0.003, 0.004] } });
    const input = { sweepText, sweepFile: 'p.sweep.json', project, threadsHere: 1, startupMs: 0, baselineMB: 76, includePlan: false };
    const looked: string[] = [];
    const folder = memoryFolder();
    const scratch = { ...folder, readResult: (id: string) => (looked.push(id), folder.readResult(id)) };
    const plan = planSweepTask({ ...input, jobOverhead: true }, scratch);
    // what the job does before its first task, into the scratch folder: plan.json of the four tasks
    // (as the job writes it) and each task's finished result looked for
    expect(folder.readPlan()?.tasks.map((t) => t.index)).toEqual([0, 1, 2, 3]);
    expect(looked.slice(0, 4)).toEqual(folder.readPlan()?.tasks.map((t) => t.id));
    const e = plan.estimate;
    expect(e.jobOverheadMs).toBeGreaterThan(0);
    // the time here: the four tasks one after another (each its overhead + 42 trials) and the job once
    const perTask = e.cpuSecondsPerTask.median * 1000;
    const here = e.wallSecondsHere * 1000;
    expect(Math.abs(here - (4 * perTask + e.jobOverheadMs))).toBeLessThanOrEqual(2 + 0.005 * here);
    // the CLI's plan (a process per run, its start-up charged per task) has no job of the app's
    expect(planSweepTask(input, memoryFolder()).estimate.jobOverheadMs).toBe(0);
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

  it('a run here with a core to spare: one- and two-seed reward groups are timed as the rule runs them, for the time here only', () => {
    const task = (index: number, extra: Partial<TaskSettings> = {}): SweepTask => ({ index, id: `t${index}`, settings: settings({ seed: index + 1, ...extra }), factors: {} });
    const alone = task(0);
    const pair = [task(1), task(2)];
    const gradient = task(3, { rule: 'gradient', trials: 100 });
    const twoTargets = task(4, { targets: [{ kind: 'generated', seed: 1 }, { kind: 'generated', seed: 2 }] });
    const ten = Array.from({ length: 10 }, (_, k) => task(10 + k));
    // only reward groups the rule runs on one evaluator (not batched) have a here probe
    expect(hereProbe([alone], () => shape)).toMatchObject({ rule: 'reward', targets: 1, sessions: 1, here: true });
    expect(hereProbe(pair, () => shape)).toMatchObject({ sessions: 2, here: true });
    expect(hereProbe([gradient], () => shape)).toBeNull();
    expect(hereProbe([twoTargets], () => shape)).toBeNull();
    expect(hereProbe(ten, () => shape)).toBeNull();
    const hereOne = costProbeKey(hereProbe([alone], () => shape)!);
    const herePair = costProbeKey(hereProbe(pair, () => shape)!);
    expect(new Set([hereOne, herePair, probe('reward'), costProbeKey(togetherProbe(alone.settings, shape, 2))]).size).toBe(4);
    const withHere: CostTable = { ...costs, trialMs: new Map([...costs.trialMs, [hereOne, 1.5], [herePair, 2.5]]) };
    // here: the here probe's cost per (lockstep) trial; otherwise one trial at a time
    expect(estimateGroupSeconds([alone], () => shape, withHere, true)).toBeCloseTo((300 + 1002 * 1.5) / 1000, 12);
    expect(estimateGroupSeconds([alone], () => shape, withHere)).toBe(estimateTask(alone.settings, shape, withHere).cpuSeconds);
    expect(estimateGroupSeconds(pair, () => shape, withHere, true)).toBeCloseTo((300 + 1002 * 2.5) / 1000, 12);
    expect(estimateGroupSeconds(pair, () => shape, withHere)).toBeCloseTo((300 + 2 * 1002 * 2) / 1000, 12);
    // without a here probe measured, the time here is the one-at-a-time estimate
    expect(estimateGroupSeconds(pair, () => shape, costs, true)).toBe(estimateGroupSeconds(pair, () => shape, costs));
    const groups = [[alone], pair, [gradient]];
    const hereSeconds = groupsSeconds(groups, () => shape, withHere);
    expect(hereSeconds).toBeCloseTo((300 + 1002 * 1.5 + 300 + 1002 * 2.5 + 300 + 102 * 5) / 1000, 12);
    const perTask = new Map([alone, ...pair, gradient].map((t) => [t.id, estimateTask(t.settings, shape, withHere)]));
    const summary = estimateSummary(perTask, withHere, 1, hereSeconds);
    // per task (and SLURM's request) one trial at a time: an array task has no core to spare
    expect(summary.totalCpuSeconds).toBe(Math.round((10 * (3 * (300 + 1002 * 2) + 300 + 102 * 5)) / 1000) / 10);
    expect(summary.wallSecondsHere).toBe(Math.round(10 * hereSeconds) / 10);
    expect(summary.measured.filter((m) => m.here).map((m) => [m.msPerTrial, m.sessions])).toEqual([
      [1.5, 1],
      [2.5, 2],
    ]);

    // measured: only for the groups of the run here, and only where the rule runs them unbatched
    const small: NetworkShape = { ...shape, n: 40, nE: 20 };
    const tasks = [alone, ...pair, gradient].map((t) => ({ ...t, settings: { ...t.settings, trials: 10 } }));
    let clock = 0;
    const options = { now: () => clock++, budgetMs: 5 };
    const runHere = runGroups(tasks, 1);
    expect(runHere.map((g) => g.length)).toEqual([3, 1]);
    const lines: string[] = [];
    const noSpare = measureSweepCosts(tasks, () => small, options, runHere);
    expect([...noSpare.trialMs.keys()].some((key) => key.endsWith(':here'))).toBe(false);
    const spare = measureSweepCosts(tasks, () => small, { ...options, onProbe: (line) => lines.push(line) }, runHere, [[tasks[0]], tasks.slice(1, 3), [tasks[3]]]);
    const hereKeys = [...spare.trialMs.keys()].filter((key) => key.endsWith(':here'));
    expect(hereKeys.map(probeSessions)).toEqual([1, 2]);
    for (const key of hereKeys) expect(spare.trialMs.get(key)).toBeGreaterThan(0);
    expect(lines.filter((line) => line.includes('as a run here'))).toHaveLength(2);
    // a fake clock advancing 1 ms per reading: a 20-trial warm-up (21 evaluations in 1 ms), then
    // budget ÷ that per-trial time trials (5 × 21 = 105), the run timed whole (106 evaluations in 1 ms)
    clock = 0;
    const ms = measureTrialMs({ n: 40, channels: 1, params: DEFAULT_DYNAMICS, rule: 'reward', targets: 1, here: true }, options);
    expect(ms).toBeCloseTo(1 / 106, 12);
    expect(() => measureTrialMs({ n: 40, channels: 1, params: DEFAULT_DYNAMICS, rule: 'gradient', targets: 1, here: true }, options)).toThrow(/reward/);
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
