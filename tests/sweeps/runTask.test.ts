/**
 * What a sweep task trains, checked against independent paths: `gainlab train` with the same
 * settings (bit for bit), `gainlab soc --recipe adaptive` + `gainlab fit-readout` for SOC tasks,
 * the reference simulator for the joint error of several initial conditions; groups hold one gain
 * per group; a changed input makes a finished task stale and only it runs again; bad input is
 * refused with one line naming the task.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeOutput, normalisedError, simulateReference } from '../../src-shared/model/dynamics.js';
import { initialConditions } from '../../src-shared/model/gramian.js';
import { encodeNpy } from '../../src-shared/formats/npy.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { decodeProjectFile, encodeProject } from '../../src-shared/project/archive.js';
import { networkContentHash } from '../../src-shared/runs/recipe.js';
import { expectClose } from '../helpers/expectClose.js';
import { gainlab, makeNetworkDir, readJson, readNpyFile, removeDir, repoRoot, scratchDir, writeSweep, writeTarget } from './sweepFixtures.js';

let dir: string;
beforeAll(async () => {
  dir = scratchDir('sweep-task');
  await makeNetworkDir(dir, 40, 3);
  writeTarget(dir, 't7.npy', 7);
  writeTarget(dir, 't8.npy', 8);
});
afterAll(() => removeDir(dir));

const bytes = (file: string) => readFileSync(file);
const taskDirOf = (out: string, record: { id: string }) => path.join(dir, out, 'tasks', record.id);

/** Run a list sweep in-process; its records by list position. */
async function runList(name: string, baseOverride: Record<string, unknown>, tasks: Array<Record<string, unknown>>) {
  const file = writeSweep(dir, `${name}.sweep.json`, {
    schemaVersion: 1,
    name,
    base: { source: { networkDir: 'net', target: 't7.npy' }, trials: 120, ...baseOverride },
    design: 'list',
    tasks,
  });
  const result = await gainlab(dir, 'sweep', 'run', file, '--out', name, '--jobs', '1');
  expect(result.code, result.stderr).toBe(0);
  const plan = readJson(path.join(dir, name, 'plan.json'));
  return plan.tasks.map((task: { id: string }) => readJson(path.join(dir, name, 'tasks', task.id, 'result.json')));
}

describe('sweep task training', () => {
  it('gives bit for bit what gainlab train gives for the same settings (reward with groups, gradient)', async () => {
    const records = await runList('vs-train', {}, [
      { seed: 2, groups: 5, sigma: 0.002 },
      { rule: 'gradient', trials: 15, learningRate: 0.02 },
      { rule: 'gradient', trials: 15, groups: 4, seed: 5 },
    ]);
    const trains = [
      ['--trials', '120', '--groups', '5', '--seed', '2', '--sigma', '0.002'],
      ['--rule', 'gradient', '--trials', '15', '--lr', '0.02'],
      ['--rule', 'gradient', '--trials', '15', '--groups', '4', '--seed', '5'],
    ];
    for (const [k, args] of trains.entries()) {
      const out = `train-${k}`;
      const train = await gainlab(dir, 'train', '--net', 'net', '--target', 't7.npy', '--out', out, ...args);
      expect(train.code, train.stderr).toBe(0);
      const taskDir = taskDirOf('vs-train', records[k]);
      const files = ['errors.npy', 'best-gains.npy', 'best-output.npy', ...(k === 1 ? [] : ['groups.npy'])];
      for (const f of files) expect(bytes(path.join(taskDir, f)).equals(bytes(path.join(dir, out, f))), `${out}/${f}`).toBe(true);
      const summary = readJson(path.join(dir, out, 'summary.json'));
      expect(records[k].bestError).toBe(summary.bestError);
      expect(records[k].bestTrial).toBe(summary.bestTrial);
      expect(records[k].trialsDone).toBe(summary.trialsDone);
    }
  });

  it('an SOC task builds what gainlab soc --recipe adaptive + fit-readout build, and trains as on that folder', async () => {
    const records = await runList('soc', {}, [
      { soc: { n: 40, seed: 3, readoutTarget: 'readout-target.npy' }, seed: 4, groups: 8 },
      { seed: 4, groups: 8 },
    ]);
    const net = (name: string) => readNpyFile(path.join(dir, 'net', name)).data;
    const folderHash = networkContentHash({ W: net('W.npy'), x0: net('x0.npy'), readout: { channels: 1, weights: net('readout.npy') } });
    expect(records[0].networkHash).toBe(folderHash);
    expect(records[1].networkHash).toBe(folderHash);
    expect(records[0].build.iterations).toBeGreaterThan(0);
    for (const f of ['errors.npy', 'best-gains.npy']) expect(bytes(path.join(taskDirOf('soc', records[0]), f)).equals(bytes(path.join(taskDirOf('soc', records[1]), f)))).toBe(true);
    // different settings (the built network) but the same training: the ids differ
    expect(records[0].id).not.toBe(records[1].id);
  });

  it('random and specialised groups: G groups, one gain per group', async () => {
    const records = await runList('groups', {}, [{ groups: 6 }, { groups: { kind: 'specialised', count: 4 } }]);
    for (const [k, G] of [[0, 6], [1, 4]]) {
      const taskDir = taskDirOf('groups', records[k]);
      const labels = readNpyFile(path.join(taskDir, 'groups.npy')).data;
      const gains = readNpyFile(path.join(taskDir, 'best-gains.npy')).data;
      expect(new Set(labels).size).toBe(G);
      expect(records[k].groupCount).toBe(G);
      const gainOf = new Map<number, number>();
      labels.forEach((label, i) => {
        if (!gainOf.has(label)) gainOf.set(label, gains[i]);
        expect(gains[i]).toBe(gainOf.get(label));
      });
      // and learning happened
      expect(records[k].bestError).toBeLessThan(records[k].initialError);
    }
  });

  it('several initial conditions: the starting error is the sum over (x0_k, target_k) by the reference simulator', async () => {
    const records = await runList('conditions', { source: { networkDir: 'net', targets: ['t7.npy', 't8.npy'] } }, [{ initialConditions: 2, trials: 30 }]);
    const W = readNpyFile(path.join(dir, 'net', 'W.npy')).data;
    const x0 = readNpyFile(path.join(dir, 'net', 'x0.npy')).data;
    const readout = { channels: 1, weights: readNpyFile(path.join(dir, 'net', 'readout.npy')).data };
    const n = 40;
    const conditions = [x0, initialConditions(W, n, 2, 20).slice(n, 2 * n)];
    const targets = ['t7.npy', 't8.npy'].map((f) => readNpyFile(path.join(dir, f)).data);
    const ones = new Float64Array(n).fill(1);
    let expected = 0;
    conditions.forEach((x, k) => {
      const { rates } = simulateReference(W, n, x, ones, DEFAULT_DYNAMICS);
      expected += normalisedError(computeOutput(rates, 200, n, 20, readout), targets[k], 1, 200);
    });
    expectClose(records[0].initialError, expected, { rtol: 1e-10 });
    expect(readNpyFile(path.join(taskDirOf('conditions', records[0]), 'best-output.npy')).shape).toEqual([2, 1, 200]);
  });

  it('a project source trains what the same arrays in a network folder train; stored initial conditions are used', async () => {
    const projectFile = path.join(repoRoot, 'resources', 'example', 'example.gainlab');
    const project = decodeProjectFile(new Uint8Array(readFileSync(projectFile))).project;
    const network = project.networks.find((candidate) => candidate.readout !== null && candidate.nInitialConditions >= 2)!;
    const targets = project.targets.filter((t) => t.channels === network.readout!.channels && t.nSamples === network.params.nSamples).slice(0, 2);
    expect(targets).toHaveLength(2);
    // the same network and targets as files
    const n = network.n;
    mkdirSync(path.join(dir, 'from-project'), { recursive: true });
    writeFileSync(path.join(dir, 'from-project', 'W.npy'), encodeNpy(network.W, [n, n]));
    writeFileSync(path.join(dir, 'from-project', 'x0.npy'), encodeNpy(network.initialConditions.slice(0, n), [n]));
    writeFileSync(path.join(dir, 'from-project', 'readout.npy'), encodeNpy(network.readout!.weights, [1 + network.nE]));
    targets.forEach((t, k) => writeFileSync(path.join(dir, `project-target-${k}.npy`), encodeNpy(t.values, [t.nSamples])));
    const fromProject = await runList('project', { trials: 25, source: { project: projectFile, networkId: network.id, targetIds: [targets[1].id] } }, [
      { seed: 1, groups: 10 },
      { seed: 2, groups: 10 },
    ]);
    const fromFolder = await runList('project-folder', { trials: 25, source: { networkDir: 'from-project', target: 'project-target-1.npy' } }, [
      { seed: 1, groups: 10 },
      { seed: 2, groups: 10 },
    ]);
    for (const k of [0, 1]) {
      expect(fromProject[k].networkHash).toBe(fromFolder[k].networkHash);
      for (const f of ['errors.npy', 'best-gains.npy', 'best-output.npy', 'groups.npy']) {
        expect(bytes(path.join(taskDirOf('project', fromProject[k]), f)).equals(bytes(path.join(taskDirOf('project-folder', fromFolder[k]), f))), f).toBe(true);
      }
    }
    // two initial conditions: the project's stored row 1 (made unlike the Gramian's here), not a recomputed one
    for (let i = n; i < 2 * n; i++) network.initialConditions[i] *= 0.8;
    const edited = path.join(dir, 'edited.gainlab');
    writeFileSync(edited, encodeProject(project));
    const [joint] = await runList('project-joint', { trials: 5, source: { project: 'edited.gainlab', networkId: network.id, targetIds: targets.map((t) => t.id) } }, [{ initialConditions: 2 }]);
    const ones = new Float64Array(n).fill(1);
    const readout = { channels: 1, weights: network.readout!.weights };
    let expected = 0;
    for (const k of [0, 1]) {
      const { rates } = simulateReference(network.W, n, network.initialConditions.slice(k * n, (k + 1) * n), ones, network.params);
      expected += normalisedError(computeOutput(rates, network.params.nSamples, n, network.nE, readout), targets[k].values, 1, network.params.nSamples);
    }
    expectClose(joint.initialError, expected, { rtol: 1e-10 });
  });

  it('a changed input makes its tasks stale; the next run redoes those and nothing else', async () => {
    writeTarget(dir, 'tA.npy', 11);
    writeTarget(dir, 'tB.npy', 12);
    const file = writeSweep(dir, 'stale.sweep.json', {
      schemaVersion: 1,
      name: 'stale',
      base: { source: { networkDir: 'net', target: 'tA.npy' }, trials: 40 },
      factors: { targets: ['tA.npy', 'tB.npy'], seed: [1, 2] },
    });
    expect((await gainlab(dir, 'sweep', 'run', file, '--out', 'stale', '--jobs', '1')).code).toBe(0);
    const plan = readJson(path.join(dir, 'stale', 'plan.json'));
    const resultFile = (id: string) => path.join(dir, 'stale', 'tasks', id, 'result.json');
    const before = plan.tasks.map((t: { id: string }) => statSync(resultFile(t.id)).mtimeMs);
    // tB.npy now holds another movement
    const other = readNpyFile(path.join(dir, 't8.npy')).data;
    writeFileSync(path.join(dir, 'tB.npy'), encodeNpy(other, [200]));
    const status = await gainlab(dir, 'sweep', 'status', 'stale');
    expect(status.json.counts).toMatchObject({ done: 2, stale: 2 });
    expect(status.json.indices).toEqual({ done: '0-1', stale: '2-3' });
    const rerun = await gainlab(dir, 'sweep', 'run', file, '--out', 'stale', '--jobs', '1');
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.json).toMatchObject({ alreadyDone: 2, ran: 2, done: 2 });
    const after = plan.tasks.map((t: { id: string }) => statSync(resultFile(t.id)).mtimeMs);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(before[1]);
    expect(after[2]).toBeGreaterThan(before[2]);
    expect(after[3]).toBeGreaterThan(before[3]);
    expect((await gainlab(dir, 'sweep', 'status', 'stale')).json.counts).toMatchObject({ done: 4, stale: 0 });
  });

  it('refuses tasks its inputs cannot serve with one line naming the task (exit 2)', async () => {
    writeFileSync(path.join(dir, 'short.npy'), encodeNpy(new Float64Array(50), [50]));
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ factors: { groups: [5, 50] } }, /task 1 \(groups random 50\): 50 groups for a network of 40 neurons/],
      [{ factors: { targets: ['t7.npy', 'absent.npy'] } }, /task 1 \(targets absent\.npy\): target: .*absent\.npy not found/],
      [{ factors: { targets: ['short.npy'] } }, /task 0 \(targets short\.npy\): target short\.npy has 50 samples; the network's movement grid has 200/],
      [{ factors: { rule: ['gradient'] }, base: { source: { networkDir: 'net', targets: ['t7.npy', 't8.npy'] } } }, /the gradient rule trains one target; this task has 2/],
      [{ factors: { seed: [1] }, base: { source: { networkDir: 'nonet', target: 't7.npy' } } }, /network W: .*nonet\/W\.npy not found/],
    ];
    for (const [k, [extra, pattern]] of cases.entries()) {
      const file = writeSweep(dir, `bad-${k}.sweep.json`, {
        schemaVersion: 1,
        name: 'bad',
        base: { source: { networkDir: 'net', target: 't7.npy' }, trials: 10, ...(extra.base as object) },
        factors: extra.factors,
      });
      const result = await gainlab(dir, 'sweep', 'run', file, '--out', `bad-${k}`);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(pattern);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
    const usage: Array<[string[], RegExp]> = [
      [['sweep'], /usage: gainlab sweep plan\|run/],
      [['sweep', 'frob'], /unknown subcommand 'frob'/],
      [['sweep', 'run', 'x.sweep.json'], /--out is required/],
      [['sweep', 'run', 'missing.sweep.json', '--out', 'o'], /sweep file .*missing\.sweep\.json not found/],
      [['sweep', 'run', 'bad-0.sweep.json', '--out', 'o', '--shard', '3/2'], /--shard must be I\/N with 0 ≤ I < N/],
      [['sweep', 'run', 'bad-0.sweep.json', '--out', 'o', '--task', '1', '--shard', '0/2'], /give one of --task, --group and --shard/],
      [['sweep', 'slurm', 'bad-0.sweep.json', '--out', 'o', '--time', '1h'], /--time must be a SLURM time/],
      [['sweep', 'slurm', 'bad-0.sweep.json', '--out', 'o', '--wait'], /--wait needs --submit/],
      [['sweep', 'status', 'nowhere'], /is not a sweep directory \(no plan\.json/],
    ];
    for (const [argv, pattern] of usage) {
      const result = await gainlab(dir, ...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toMatch(pattern);
      // (the bare `gainlab sweep` prints its usage)
      if (argv.length > 1) expect(result.stderr.trimEnd().split('\n'), argv.join(' ')).toHaveLength(1);
    }
  });
});
