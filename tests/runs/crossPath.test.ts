/**
 * One science runtime (issue 11): the same settings and seed give bit-identical best gains and
 * error curves through every path a researcher can take:
 *   (a) `gainlab train` in-process (src-cli),
 *   (b) the job manager with the real worker pool (what the app's Train button starts),
 *   (c) `gainlab run` of the recipe `gainlab train` wrote into its --out folder,
 *   (d) the experiments' training door (src-shared/experiments/training.ts) where one applies.
 * Equality is of the bytes, never to a tolerance. The speed manifold has no CLI command: its job
 * is compared with the task run in-process, and the library build is a set of training runs
 * (covered by the training cases) assembled by main.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeContract, speedRequestSchema, type NetworkPayload, type SpeedResult, type TrainingResult } from '../../src-shared/ipc/contract.js';
import { gradientRun, rewardSessions } from '../../src-shared/experiments/training.js';
import { encodeNpy, parseNpy } from '../../src-shared/formats/npy.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { runSpeedTask } from '../../src-shared/tasks/speed.js';
import type { JobManager } from '../../src-main/services/jobManager.js';
import { inlineJobManager } from '../main/fixtures/inlineJobManager.js';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';
import { gainlab } from '../sweeps/sweepFixtures.js';

// the CLI reads networks with the default dynamics (200 samples): the same network for every path
const network: NetworkPayload = { ...syntheticNetwork(20, 7), id: 'cli-network', name: 'net', params: DEFAULT_DYNAMICS };
const target = { ...syntheticTarget(network), id: 'cli-target', name: 'target.npy' };
const n = network.n;

function bytesOf(a: ArrayLike<number>): Buffer {
  const f = a instanceof Float64Array ? a : Float64Array.from(a);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength);
}

/** Bit-for-bit equality with a readable failure (the first differing index). */
function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  if (!bytesOf(actual).equals(bytesOf(expected))) {
    const i = Array.from(actual).findIndex((v, k) => !Object.is(v, expected[k]));
    throw new Error(`${what}: first difference at ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

let dir: string;
let manager: JobManager;
let runCount = 0;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gainlab-crosspath-'));
  writeFileSync(path.join(dir, 'W.npy'), encodeNpy(network.W, [n, n]));
  writeFileSync(path.join(dir, 'x0.npy'), encodeNpy(network.x0, [n]));
  writeFileSync(path.join(dir, 'readout.npy'), encodeNpy(network.readout.weights, [network.readout.weights.length]));
  writeFileSync(path.join(dir, 'target.npy'), encodeNpy(target.values, [target.values.length]));
  manager = inlineJobManager();
});

afterAll(async () => {
  await manager.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const npy = (file: string) => parseNpy(new Uint8Array(readFileSync(file))).data;

interface Case {
  name: string;
  cli: string[];
  request: Record<string, unknown>;
}

/** (a) gainlab train: its best session's curve and best gains, and its folder (for its recipe). */
async function viaCli(c: Case) {
  const out = path.join(dir, `run-${++runCount}`);
  const r = await gainlab(dir, 'train', '--net', '.', '--target', 'target.npy', '--out', out, ...c.cli);
  expect(r.stderr.split('\n').filter((l) => /error:|refused|must/.test(l))).toEqual([]);
  expect(r.code).toBe(0);
  return { out, summary: JSON.parse(r.stdout), errors: npy(path.join(out, 'errors.npy')), bestGains: npy(path.join(out, 'best-gains.npy')) };
}

/** (b) the job the app starts, through the real worker pool. */
async function viaJob(c: Case): Promise<TrainingResult> {
  const options = invokeContract['jobs:start-training'].request.parse({
    source: { kind: 'inline', network, targets: [target] },
    label: c.name,
    ...c.request,
  });
  const { jobId } = await manager.startTraining(options);
  const detail = await manager.whenFinished(jobId);
  expect(detail.status, detail.error?.message ?? '').toBe('done');
  return detail.result as TrainingResult;
}

/** (c) gainlab run of the recipe gainlab train wrote. */
async function viaRecipe(out: string, sessions: number) {
  const again = path.join(out, 'repeat');
  const r = await gainlab(dir, 'run', path.join(out, 'recipe.json'), '--out', again);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).identical).toBe(true);
  return Array.from({ length: sessions }, (_, k) => npy(path.join(again, `errors-session-${k + 1}.npy`)));
}

async function allPaths(c: Case, sessions = 1) {
  const cli = await viaCli(c);
  const job = await viaJob(c);
  const best = job.sessions[job.bestSession];
  expectSameBits(cli.errors, best.errorCurve, `${c.name}: CLI vs job, error curve`);
  expectSameBits(cli.bestGains, best.bestGains, `${c.name}: CLI vs job, best gains`);
  expect(cli.summary.bestError).toBe(best.bestError);
  const repeated = await viaRecipe(cli.out, sessions);
  repeated.forEach((curve, k) => expectSameBits(curve, job.sessions[k].errorCurve, `${c.name}: recipe vs job, session ${k + 1}`));
  // the run trained: equality of two paths that do nothing would prove nothing
  expect(best.bestError).toBeLessThan(job.initialError);
  return { cli, job };
}

const reward = { rule: 'reward', sigma: 0.01, alpha: 0.3, trials: 120 } as const;
const rewardCli = ['--rule', 'reward', '--sigma', '0.01', '--alpha', '0.3', '--trials', '120'];

describe('reward rule: gainlab train = job = gainlab run = experiment', () => {
  it('one gain per neuron, two lockstep sessions', async () => {
    const { job } = await allPaths({ name: 'reward neuron', cli: [...rewardCli, '--seed', '5', '--sessions', '2'], request: { ...reward, seed: 5, sessions: 2, groups: { kind: 'neuron' } } }, 2);
    // (d) the experiments' door: the same sessions from the same seed
    const experiment = rewardSessions({ network: { ...network }, params: network.params, target: target.values, sessions: 2, seed: 5, trials: 120, sigma: 0.01, alpha: 0.3, groups: { kind: 'neuron-specific' } });
    experiment.sessions.forEach((s, k) => {
      expectSameBits(s.errors, job.sessions[k].errorCurve, `experiment vs job, session ${k + 1}`);
      expectSameBits(s.bestGains, job.sessions[k].bestGains, `experiment vs job, best gains ${k + 1}`);
    });
    expect(experiment.bestSession).toBe(job.bestSession);
    expect(job.sessions[0].errorCurve[60]).not.toBe(job.sessions[1].errorCurve[60]);
  });

  it('random modulatory groups (the same labels from the same seed in the CLI and the app)', async () => {
    const { cli, job } = await allPaths({ name: 'reward random groups', cli: [...rewardCli, '--seed', '9', '--groups', '5', '--sessions', '2'], request: { ...reward, seed: 9, sessions: 2, groups: { kind: 'random', count: 5 } } }, 2);
    expectSameBits(npy(path.join(cli.out, 'groups.npy')), job.groupLabels, 'group labels');
    expect(new Set(job.groupLabels).size).toBe(5);
  });

  it('specialised groups given as labels (what main resolves the app\'s specialised groups to)', async () => {
    // two halves by sign of the first readout-like pattern: any fixed labelling the app could send
    const labels = Array.from({ length: n }, (_, i) => (i * 7) % 4);
    writeFileSync(path.join(dir, 'labels.npy'), encodeNpy(Float64Array.from(labels), [n]));
    const { job } = await allPaths({ name: 'reward specialised', cli: [...rewardCli, '--seed', '3', '--group-labels', 'labels.npy'], request: { ...reward, seed: 3, sessions: 1, groups: { kind: 'explicit', labels } } });
    expect(job.groupLabels).toEqual(labels);
    const experiment = rewardSessions({ network: { ...network }, params: network.params, target: target.values, sessions: 1, seed: 3, trials: 120, sigma: 0.01, alpha: 0.3, groups: { kind: 'fixed', labels: Int32Array.from(labels) } });
    expectSameBits(experiment.sessions[0].errors, job.sessions[0].errorCurve, 'experiment vs job, specialised');
    expectSameBits(experiment.sessions[0].bestGains, job.sessions[0].bestGains, 'experiment vs job, specialised gains');
  });

  it('starting gains given', async () => {
    const start = Float64Array.from({ length: n }, (_, i) => 1 + 0.05 * Math.cos(i));
    writeFileSync(path.join(dir, 'start.npy'), encodeNpy(start, [n]));
    await allPaths({ name: 'reward from gains', cli: [...rewardCli, '--seed', '4', '--gains', 'start.npy'], request: { ...reward, seed: 4, sessions: 1, groups: { kind: 'neuron' }, initialGains: start } });
  });
});

describe('gradient rule: gainlab train = job = gainlab run = experiment', () => {
  const gradient = { rule: 'gradient', trials: 15, learningRate: 0.02, sessions: 1 } as const;
  const gradientCli = ['--rule', 'gradient', '--trials', '15', '--lr', '0.02'];

  it('gains, one per neuron', async () => {
    const { job } = await allPaths({ name: 'gradient gains', cli: [...gradientCli, '--seed', '2'], request: { ...gradient, seed: 2, groups: { kind: 'neuron' } } });
    const experiment = gradientRun({ network: { ...network }, params: network.params, target: target.values, trainable: 'gains', iterations: 15, lr: 0.02, seed: 2 });
    expectSameBits(experiment.errors, job.sessions[0].errorCurve, 'experiment vs job, gradient');
    expectSameBits(experiment.gains, job.sessions[0].bestGains, 'experiment vs job, gradient gains');
  });

  it('grouped gains', async () => {
    const { job } = await allPaths({ name: 'gradient groups', cli: [...gradientCli, '--seed', '6', '--groups', '4'], request: { ...gradient, seed: 6, groups: { kind: 'random', count: 4 } } });
    // grouped: neurons of one group share their gain
    const labels = job.groupLabels;
    const gains = job.sessions[0].bestGains;
    for (let i = 0; i < n; i++) expect(gains[i]).toBe(gains[labels.indexOf(labels[i])]);
  });

  for (const trainable of ['x0', 'W', 'rank1'] as const) {
    it(`${trainable} trained`, async () => {
      const { cli, job } = await allPaths({ name: `gradient ${trainable}`, cli: [...gradientCli, '--seed', '8', '--trainable', trainable], request: { ...gradient, seed: 8, groups: { kind: 'neuron' }, trainable } });
      expect(cli.summary.trainable).toBe(trainable);
      expect(job.trainable).toBe(trainable);
      expect(job.sessions[0].bestParameters?.length).toBeGreaterThan(0);
    });
  }
});

describe('speed manifold: job = task in-process', () => {
  it('two speeds, reward rule, one initial condition: the same error curves and gains', async () => {
    const options = speedRequestSchema.parse({
      networkId: network.id,
      label: 'speed cross-path',
      rule: 'reward',
      speeds: 2,
      maxFactor: 2,
      initialConditions: 1,
      trials: 60,
      sigma: 0.01,
      learningRate: 0.01,
      seed: 12,
      groups: { kind: 'neuron' },
      amplitude: 'fixed',
    });
    const { jobId } = await manager.startSpeed(options, { network, initialConditions: network.x0 });
    const detail = await manager.whenFinished(jobId);
    expect(detail.status, detail.error?.message ?? '').toBe('done');
    const job = detail.result as SpeedResult;
    const local = runSpeedTask({ ...options, network, availableInitialConditions: network.x0, m: 1 });
    expect(job.factors).toEqual([1, 2]);
    expectSameBits(job.gains, local.gains, 'speed: gain patterns');
    expectSameBits(job.errors, local.errors, 'speed: errors per speed');
    job.outputs.forEach((o, k) => expectSameBits(o, local.outputs[k], `speed ${k}: outputs`));
    // the slow speed really learned something
    expect(job.errors[1]).toBeLessThan(job.initialErrors[1]);
  });
});
