/**
 * The sweep on a real SLURM: a one-node cluster on loopback (scripts/local-slurm.sh, started here
 * when it is not running; skipped with the script's reason where it cannot run, e.g. without
 * root). The cluster runs the single-file bundle that `gainlab sweep slurm` copies next to its
 * script, exactly as a compute node would.
 *
 *  - 2 seeds × 2 group counts × 2 σ on an N = 40 SOC network, submitted with --submit --wait:
 *    every result bit for bit what `gainlab sweep run` gives here;
 *  - a task cancelled with scancel mid-way is failed in `status`; `resubmit` submits it alone
 *    and leaves the finished ones untouched.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundled, buildBundle, makeNetworkDir, taskFiles, readJson, removeDir, repoRoot, scratchDir, writeSweep, writeTarget } from './sweepFixtures.js';

const script = path.join(repoRoot, 'scripts', 'local-slurm.sh');
let skipReason = '';
let startedHere = false;
let env: NodeJS.ProcessEnv = process.env;
let dir = '';
let bundle = '';

function localSlurm(command: string) {
  return spawnSync('bash', [script, command], { encoding: 'utf8', timeout: 600_000 });
}

beforeAll(async () => {
  const running = localSlurm('status').status === 0;
  const started = Date.now();
  const start = localSlurm('start');
  if (start.status === 77) {
    skipReason = `local SLURM cannot run here: ${/SKIP: (.*)/.exec(start.stdout)?.[1] ?? 'skipped'}`;
    return;
  }
  if (start.status !== 0) throw new Error(`scripts/local-slurm.sh start failed: ${start.stderr.trim()}`);
  startedHere = !running;
  const conf = /export SLURM_CONF=(\S+)/.exec(start.stdout)?.[1];
  if (!conf) throw new Error(`scripts/local-slurm.sh start printed no SLURM_CONF: ${start.stdout}`);
  env = { ...process.env, SLURM_CONF: conf };
  console.log(`local SLURM ${running ? 'was running' : `installed/started in ${((Date.now() - started) / 1000).toFixed(1)} s`}`);
  dir = scratchDir('sweep-slurm');
  bundle = await buildBundle(dir);
  await makeNetworkDir(dir, 40, 3);
  writeTarget(dir, 't7.npy', 7);
});

afterAll(() => {
  if (dir) removeDir(dir);
  if (startedHere) localSlurm('stop');
});

/** A record without what depends on where and when it ran. */
function science(record: Record<string, unknown>) {
  const { host, startedAt, finishedAt, elapsedMs, setupMs, maxRssMB, cores, index, ...rest } = record;
  void [host, startedAt, finishedAt, elapsedMs, setupMs, maxRssMB, cores, index];
  return rest;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sweeps on a local SLURM cluster', () => {
  it('slurm --submit --wait: 8 array tasks, collected, bit for bit the local run', ({ skip }) => {
    skip(skipReason !== '', skipReason);
    const file = writeSweep(dir, 'groups.sweep.json', {
      schemaVersion: 1,
      name: 'groups',
      base: { source: { networkDir: 'net', target: 't7.npy' }, trials: 300 },
      factors: { seed: [1, 2], groups: [5, 10], sigma: [0.001, 0.002] },
    });
    const started = Date.now();
    const submitted = bundled(bundle, dir, ['sweep', 'slurm', path.basename(file), '--out', 'cluster', '--submit', '--wait', '--max-parallel', '2', '--poll-seconds', '1'], env);
    const wallMs = Date.now() - started;
    expect(submitted.code, submitted.stderr).toBe(0);
    console.log(`SLURM sweep of 8 tasks: submit to all done in ${(wallMs / 1000).toFixed(1)} s`);
    expect(submitted.json).toMatchObject({ command: 'sweep slurm', tasks: 8, array: '0-7%2', requests: { cpusPerTask: 1 } });
    expect(submitted.json.status).toMatchObject({ counts: { done: 8, failed: 0, missing: 0 } });
    const sbatch = readFileSync(path.join(dir, 'cluster', 'sweep.sbatch'), 'utf8');
    expect(sbatch).toContain('#SBATCH --array=0-7%2');
    expect(sbatch).toContain(`exec node ${path.join(dir, 'cluster', 'gainlab.mjs')} sweep run ${file} --out ${path.join(dir, 'cluster')} --jobs 1 --task "$TASK"`);
    expect(readdirSync(path.join(dir, 'cluster', 'logs'))).toHaveLength(8);
    const slurm = readJson(path.join(dir, 'cluster', 'slurm.json'));
    expect(slurm.submissions).toHaveLength(1);

    const local = bundled(bundle, dir, ['sweep', 'run', path.basename(file), '--out', 'local', '--jobs', '2']);
    expect(local.code, local.stderr).toBe(0);
    const onCluster = taskFiles(path.join(dir, 'cluster'));
    const here = taskFiles(path.join(dir, 'local'));
    expect(onCluster.size).toBe(32);
    expect([...onCluster.keys()].sort()).toEqual([...here.keys()].sort());
    for (const [key, bytes] of onCluster) expect(bytes.equals(here.get(key)!), key).toBe(true);
    for (const id of readdirSync(path.join(dir, 'local', 'tasks'))) {
      const record = readJson(path.join(dir, 'cluster', 'tasks', id, 'result.json'));
      expect(science(record)).toEqual(science(readJson(path.join(dir, 'local', 'tasks', id, 'result.json'))));
      // the array task asked for one CPU: no helper threads on the node's other cores (this
      // cluster has no task affinity, so Node itself sees them all)
      expect(record.cores, id).toBe(1);
    }
    expect(readFileSync(path.join(dir, 'cluster', 'logs', readdirSync(path.join(dir, 'cluster', 'logs'))[0]), 'utf8')).toMatch(/, 1 core\(s\) per run\n/);

    const collected = bundled(bundle, dir, ['sweep', 'collect', 'cluster'], env);
    expect(collected.code, collected.stderr).toBe(0);
    expect(collected.json).toMatchObject({ counts: { done: 8 } });
    expect(existsSync(path.join(dir, 'cluster', 'results.gainlab-sweep'))).toBe(true);
    bundled(bundle, dir, ['sweep', 'collect', 'local']);
    const table = (out: string) =>
      readFileSync(path.join(dir, out, 'results.csv'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(',').slice(0, 16).join(','));
    // factors and results agree; only run times and hosts may differ
    expect(table('cluster')).toEqual(table('local'));
  });

  it('slurm --together: one array task per group of seeds, trained together; status and resubmit follow the groups', ({ skip }) => {
    skip(skipReason !== '', skipReason);
    const file = writeSweep(dir, 'together.sweep.json', {
      schemaVersion: 1,
      name: 'together',
      base: { source: { networkDir: 'net', target: 't7.npy' }, trials: 300 },
      factors: { seed: [1, 2, 3], sigma: [0.001, 0.002] },
    });
    // two CPUs per array task: a group trains on up to two cores (as many as this machine has)
    const submitted = bundled(bundle, dir, ['sweep', 'slurm', path.basename(file), '--out', 'together', '--together', '--cpus-per-task', '2', '--submit', '--wait', '--poll-seconds', '1'], env);
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(submitted.json).toMatchObject({ tasks: 6, arrayTasks: 2, array: '0-1%2', requests: { cpusPerTask: 2 }, status: { counts: { done: 6, failed: 0, missing: 0 } } });
    for (const id of readdirSync(path.join(dir, 'together', 'tasks'))) expect(readJson(path.join(dir, 'together', 'tasks', id, 'result.json')).cores, id).toBe(Math.min(2, os.availableParallelism()));
    expect(readFileSync(path.join(dir, 'together', 'sweep.sbatch'), 'utf8')).toMatch(/ --group "\$TASK"\n/);
    expect(readdirSync(path.join(dir, 'together', 'logs'))).toHaveLength(2);
    const plan = readJson(path.join(dir, 'together', 'plan.json')) as { tasks: Array<{ id: string; factors: Record<string, string> }>; arrayTasks: number[][] };
    for (const group of plan.arrayTasks) expect(new Set(group.map((index) => plan.tasks[index].factors.sigma)).size).toBe(1);

    // bit for bit the tasks run here one by one on a pool
    const local = bundled(bundle, dir, ['sweep', 'run', path.basename(file), '--out', 'together-local', '--jobs', '2']);
    expect(local.code, local.stderr).toBe(0);
    const onCluster = taskFiles(path.join(dir, 'together'));
    const here = taskFiles(path.join(dir, 'together-local'));
    expect(onCluster.size).toBe(18);
    for (const [key, bytes] of here) expect(onCluster.get(key)?.equals(bytes), key).toBe(true);

    // a task whose result went missing (its array task COMPLETED without it: failed in status, by
    // its group's SLURM state): resubmit runs that group's array task again, which trains the task
    // alone and leaves its finished neighbours as they are
    const lost = plan.arrayTasks[1][1];
    const lostDir = path.join(dir, 'together', 'tasks', plan.tasks[lost].id);
    const lostFiles = taskFiles(path.join(dir, 'together'));
    rmSync(lostDir, { recursive: true });
    const status = bundled(bundle, dir, ['sweep', 'status', 'together'], env);
    expect(status.json).toMatchObject({ counts: { done: 5, failed: 1 }, indices: { failed: String(lost) } });
    expect((status.json.failed as Array<{ reason: string }>)[0].reason).toMatch(/COMPLETED .*without a result/);
    const neighbours = plan.arrayTasks[1].filter((index) => index !== lost).map((index) => path.join(dir, 'together', 'tasks', plan.tasks[index].id, 'result.json'));
    const before = neighbours.map((f) => statSync(f).mtimeMs);
    const resubmitted = bundled(bundle, dir, ['sweep', 'resubmit', 'together', '--wait', '--poll-seconds', '1'], env);
    expect(resubmitted.code, resubmitted.stderr).toBe(0);
    expect(resubmitted.json).toMatchObject({ resubmitted: 1, indices: String(lost), submitted: [{ array: '1' }], status: { counts: { done: 6 } } });
    expect(neighbours.map((f) => statSync(f).mtimeMs)).toEqual(before);
    for (const [key, bytes] of lostFiles) expect(readFileSync(path.join(dir, 'together', 'tasks', key)).equals(bytes), key).toBe(true);
  });

  it('a task cancelled mid-way is failed in status; resubmit runs it alone', async ({ skip }) => {
    skip(skipReason !== '', skipReason);
    const file = writeSweep(dir, 'cancel.sweep.json', {
      schemaVersion: 1,
      name: 'cancel',
      base: { source: { networkDir: 'net', target: 't7.npy' }, trials: 5000 },
      factors: { seed: [1, 2, 3, 4] },
    });
    const submitted = bundled(bundle, dir, ['sweep', 'slurm', path.basename(file), '--out', 'cancel', '--submit', '--max-parallel', '2'], env);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = (submitted.json.submitted as Array<{ jobId: string }>)[0].jobId;
    // wait until task 1 is training (its log shows trial progress), then cancel it
    const log = path.join(dir, 'cancel', 'logs', `${jobId}_1.out`);
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline && !(existsSync(log) && /task 1: \d+\/5000/.test(readFileSync(log, 'utf8')))) await sleep(100);
    expect(existsSync(path.join(dir, 'cancel', 'tasks', readJson(path.join(dir, 'cancel', 'plan.json')).tasks[1].id))).toBe(false);
    const scancel = spawnSync('scancel', [`${jobId}_1`], { env, encoding: 'utf8' });
    expect(scancel.status, scancel.stderr).toBe(0);

    let status = bundled(bundle, dir, ['sweep', 'status', 'cancel'], env);
    while (Date.now() < deadline) {
      const counts = status.json.counts as Record<string, number>;
      if (counts.pending + counts.running === 0) break;
      await sleep(1000);
      status = bundled(bundle, dir, ['sweep', 'status', 'cancel'], env);
    }
    expect(status.json).toMatchObject({ counts: { done: 3, failed: 1, pending: 0, running: 0 }, indices: { done: '0,2-3', failed: '1' } });
    expect((status.json.failed as Array<{ index: number; reason: string }>)[0]).toMatchObject({ index: 1, reason: expect.stringMatching(/CANCELLED/) });

    const plan = readJson(path.join(dir, 'cancel', 'plan.json'));
    const resultFile = (index: number) => path.join(dir, 'cancel', 'tasks', plan.tasks[index].id, 'result.json');
    const before = [0, 2, 3].map((i) => statSync(resultFile(i)).mtimeMs);
    const resubmitted = bundled(bundle, dir, ['sweep', 'resubmit', 'cancel', '--wait', '--poll-seconds', '1'], env);
    expect(resubmitted.code, resubmitted.stderr).toBe(0);
    expect(resubmitted.json).toMatchObject({ resubmitted: 1, indices: '1', status: { counts: { done: 4 } } });
    expect([0, 2, 3].map((i) => statSync(resultFile(i)).mtimeMs)).toEqual(before);
    const slurm = readJson(path.join(dir, 'cancel', 'slurm.json'));
    expect(slurm.submissions.map((s: { array: string; kind: string }) => `${s.kind}:${s.array}`)).toEqual(['submit:0-3', 'resubmit:1']);
    // the resubmitted task is the task: the same bits as running it here
    const here = bundled(bundle, dir, ['sweep', 'run', path.basename(file), '--out', 'cancel-local', '--task', '1']);
    expect(here.code, here.stderr).toBe(0);
    const id = plan.tasks[1].id;
    for (const f of ['errors.npy', 'best-gains.npy', 'best-output.npy']) {
      expect(readFileSync(path.join(dir, 'cancel', 'tasks', id, f)).equals(readFileSync(path.join(dir, 'cancel-local', 'tasks', id, f))), f).toBe(true);
    }
    expect((bundled(bundle, dir, ['sweep', 'resubmit', 'cancel'], env).json as { resubmitted: number }).resubmitted).toBe(0);
  });
});
