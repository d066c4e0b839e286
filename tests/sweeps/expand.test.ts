/**
 * Grid and list expansion, and task ids: derived from each task's own settings only (SHA-256 of
 * canonical JSON, checked here against node:crypto), so adding factors later keeps the ids of
 * tasks whose settings did not change.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expandSweep, normalisePath, taskId, type SweepTask } from '../../src-shared/sweeps/expand.js';
import { canonicalJson, parseSweepFile, SweepError } from '../../src-shared/sweeps/schema.js';
import { togetherGroups, togetherKey } from '../../src-shared/sweeps/runTask.js';

const base = { source: { networkDir: 'net', target: 't.npy' }, trials: 100, sigma: 0.001 };
const expand = (extra: Record<string, unknown>, baseOverride: Record<string, unknown> = {}) =>
  expandSweep(parseSweepFile(JSON.stringify({ schemaVersion: 1, name: 'x', base: { ...base, ...baseOverride }, ...extra })));
const ids = (tasks: SweepTask[]) => tasks.map((t) => t.id);

describe('sweep expansion', () => {
  it('a grid is the product of the factors, the last factor (seed) varying fastest', () => {
    const { tasks, factorNames, duplicatesMerged } = expand({ factors: { seed: [1, 2], groups: [5, 'N'], sigma: [0.001, 0.002] } });
    expect(factorNames).toEqual(['groups', 'sigma', 'seed']);
    expect(duplicatesMerged).toBe(0);
    expect(tasks.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(tasks.map((t) => `${t.factors.groups}|${t.factors.sigma}|${t.factors.seed}`)).toEqual([
      'random 5|0.001|1',
      'random 5|0.001|2',
      'random 5|0.002|1',
      'random 5|0.002|2',
      'N|0.001|1',
      'N|0.001|2',
      'N|0.002|1',
      'N|0.002|2',
    ]);
    expect(tasks[0].settings).toEqual({
      network: { kind: 'dir', dir: 'net' },
      targets: [{ kind: 'file', path: 't.npy' }],
      initialConditions: null,
      rule: 'reward',
      trials: 100,
      seed: 1,
      sigma: 0.001,
      alpha: 0.3,
      groups: { kind: 'random', count: 5 },
    });
    expect(new Set(ids(tasks)).size).toBe(8);
  });

  it('a list gives exactly its tasks, unset factors from the base', () => {
    const { tasks, factorNames } = expand({ design: 'list', tasks: [{ seed: 4 }, { groups: { kind: 'specialised', count: 3 }, rule: 'gradient' }] });
    expect(factorNames).toEqual(['rule', 'groups', 'seed']);
    expect(tasks[0].settings).toMatchObject({ seed: 4, rule: 'reward', groups: { kind: 'neuron' } });
    expect(tasks[0].factors).toEqual({ rule: 'reward', groups: 'N', seed: '4' });
    expect(tasks[1].factors).toEqual({ rule: 'gradient', groups: 'specialised 3', seed: '1' });
    expect(tasks[1].settings).toMatchObject({
      seed: 1,
      rule: 'gradient',
      learningRate: 0.01,
      groups: { kind: 'specialised', count: 3, on: [{ kind: 'file', path: 't.npy' }], iterations: 300 },
    });
    // σ and α belong to the reward rule only
    expect(tasks[1].settings.sigma).toBeUndefined();
  });

  it('the id is the first 16 hex digits of SHA-256 of the canonical settings', () => {
    const { tasks } = expand({ factors: { seed: [1, 2] } });
    for (const task of tasks) {
      const expected = createHash('sha256').update(canonicalJson(task.settings), 'utf8').digest('hex').slice(0, 16);
      expect(task.id).toBe(expected);
      expect(taskId(task.settings)).toBe(expected);
    }
  });

  it('ids of settings with non-ASCII paths hash their UTF-8 bytes (as node:crypto does)', () => {
    const { tasks } = expand({}, { source: { networkDir: 'réseau/😀', target: 'ü\u00a0t.npy' } });
    expect(tasks[0].id).toBe(createHash('sha256').update(canonicalJson(tasks[0].settings), 'utf8').digest('hex').slice(0, 16));
  });

  it('adding a factor or a value keeps the ids of tasks whose settings did not change', () => {
    const before = expand({ factors: { seed: [1, 2], groups: [5, 10] } });
    // σ = 0.001 is the base value: those tasks are the same tasks
    const withSigma = expand({ factors: { seed: [1, 2], groups: [5, 10], sigma: [0.001, 0.004] } });
    const withSeed = expand({ factors: { seed: [1, 2, 3], groups: [5, 10] } });
    const kept = (after: SweepTask[]) => ids(before.tasks).filter((id) => ids(after).includes(id));
    expect(kept(withSigma.tasks)).toEqual(ids(before.tasks));
    expect(kept(withSeed.tasks)).toEqual(ids(before.tasks));
    expect(withSigma.tasks).toHaveLength(8);
    expect(withSeed.tasks).toHaveLength(6);
    // the same settings written as a list have the same ids; name and description do not enter
    const list = expandSweep(
      parseSweepFile(JSON.stringify({ schemaVersion: 1, name: 'other', description: 'd', base, design: 'list', tasks: [{ seed: 2, groups: 10 }] })),
    );
    expect(ids(before.tasks)).toContain(list.tasks[0].id);
    // a setting that changes does change the id
    expect(ids(expand({ factors: { seed: [1, 2], groups: [5, 10] } }, { trials: 101 }).tasks).filter((id) => ids(before.tasks).includes(id))).toEqual([]);
    // the same path written differently is the same input
    expect(ids(expand({ factors: { seed: [1, 2], groups: [5, 10] } }, { source: { networkDir: './net/', target: 'sub/../t.npy' } }).tasks)).toEqual(ids(before.tasks));
  });

  it('grid points with the same settings are merged (a learning rate does not vary reward tasks)', () => {
    const { tasks, duplicatesMerged } = expand({ factors: { rule: ['reward', 'gradient'], learningRate: [0.01, 0.02] } });
    expect(tasks.map((t) => `${t.settings.rule}:${t.settings.learningRate ?? '-'}`)).toEqual(['reward:-', 'gradient:0.01', 'gradient:0.02']);
    expect(duplicatesMerged).toBe(1);
    expect(tasks.map((t) => t.index)).toEqual([0, 1, 2]);
  });

  it('initial conditions m take the first m targets; fewer targets than m is refused naming the grid point', () => {
    const { tasks } = expand(
      { factors: { initialConditions: [1, 2, 3] } },
      { source: { networkDir: 'net', targets: ['a.npy', 'b.npy', { generated: 9 }] } },
    );
    expect(tasks.map((t) => t.settings.targets.length)).toEqual([1, 2, 3]);
    expect(tasks[2].settings.targets[2]).toEqual({ kind: 'generated', seed: 9 });
    expect(() => expand({ factors: { initialConditions: [1, 2] } })).toThrow(SweepError);
    expect(() => expand({ factors: { initialConditions: [1, 2] } })).toThrow(/^sweep grid point 2 \(initialConditions 2\): 2 initial conditions need 2 targets/);
    // and says what to do: train the task on that many targets together
    expect(() => expand({ factors: { initialConditions: [1, 2] } })).toThrow(/the task has 1: train it on 2 targets together \(a targets factor of A\+B\+… in the app, \[\["A", "B", …\]\] in a sweep file, or a base run on 2 targets\)$/);
  });

  it('SOC factors build networks; project sources name targets by id', () => {
    const soc = expand({ factors: { soc: [{ n: 40, seed: 1 }, { n: 60, seed: 2, readoutTarget: 'r.npy' }] } });
    expect(soc.tasks[0].settings.network).toEqual({ kind: 'soc', n: 40, seed: 1, recipe: 'adaptive', readoutTarget: { kind: 'generated', seed: 1 } });
    expect(soc.tasks[1].settings.network).toMatchObject({ n: 60, readoutTarget: { kind: 'file', path: 'r.npy' } });
    expect(soc.tasks[1].factors.soc).toBe('N=60 seed 2, readout r.npy');
    const project = expand({ factors: { targets: ['m2', ['m1', 'm3']] } }, { source: { project: 'p.gainlab', networkId: 'net1', targetIds: ['m1'] } });
    expect(project.tasks[1].settings.targets).toEqual([
      { kind: 'project', project: 'p.gainlab', id: 'm1' },
      { kind: 'project', project: 'p.gainlab', id: 'm3' },
    ]);
    expect(project.tasks[1].factors.targets).toBe('m1+m3');
  });

  it('normalises paths', () => {
    expect(normalisePath('a/./b//c/../d')).toBe('a/b/d');
    expect(normalisePath('./x')).toBe('x');
    expect(normalisePath('../x/../y')).toBe('../y');
    expect(normalisePath('/abs/../x')).toBe('/x');
    expect(normalisePath('.')).toBe('.');
  });

  it('groups the tasks that train together: reward tasks differing only in seed and groups, at most ten or the size asked', () => {
    const { tasks } = expand({ factors: { seed: [1, 2, 3], groups: [5, 'N'], sigma: [0.001, 0.002] } });
    const bySigma = togetherGroups(tasks);
    // σ is the one factor that keeps tasks apart: two groups of six (seeds × groups)
    expect(bySigma.map((g) => g.length)).toEqual([6, 6]);
    for (const group of bySigma) expect(new Set(group.map((t) => t.settings.sigma)).size).toBe(1);
    expect(bySigma.flat().map((t) => t.id).sort()).toEqual(ids(tasks).sort());
    expect(togetherGroups(tasks, 4).map((g) => g.length)).toEqual([4, 4, 2, 2]);
    const many = expand({ factors: { seed: Array.from({ length: 23 }, (_, k) => k + 1) } }).tasks;
    expect(togetherGroups(many).map((g) => g.length)).toEqual([10, 10, 3]);
    // gradient tasks train alone
    const gradient = expand({ factors: { seed: [1, 2, 3] } }, { rule: 'gradient' }).tasks;
    expect(togetherGroups(gradient).map((g) => g.length)).toEqual([1, 1, 1]);
    expect(togetherKey(gradient[0].settings)).toBeNull();
  });
});

