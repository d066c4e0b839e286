/**
 * `gainlab sweep run` / `plan` / `collect` through the single-file bundle, copied into an empty
 * directory (no node_modules anywhere above it): the worker-thread pool gives bit for bit what one
 * thread and the TypeScript sources give; a run killed mid-way resumes without redoing finished
 * tasks; collect writes a table and an archive that match the task files; the plan's numbers
 * follow from its measured per-trial cost.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../../src-shared/formats/npy.js';
import { sha256OfFloat64 } from '../../src-shared/runs/sha256.js';
import { bundled, buildBundle, gainlab, makeNetworkDir, repoRoot, taskFiles, readJson, removeDir, scratchDir, spawnBundled, writeSweep, writeTarget } from './sweepFixtures.js';

let dir: string;
let bundle: string;
let sweepFile: string;

beforeAll(async () => {
  dir = scratchDir('sweep-local');
  bundle = await buildBundle(dir);
  await makeNetworkDir(dir, 40, 3);
  writeTarget(dir, 't7.npy', 7);
  sweepFile = writeSweep(dir, 'grid.sweep.json', {
    schemaVersion: 1,
    name: 'grid',
    base: { source: { networkDir: 'net', target: 't7.npy' }, trials: 150 },
    factors: { seed: [1, 2], groups: [4, 'N'], sigma: [0.001, 0.003] },
  });
});
afterAll(() => removeDir(dir));

function expectSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [key, bytes] of a) expect(bytes.equals(b.get(key)!), key).toBe(true);
}

describe('gainlab sweep run (bundle, worker threads)', () => {
  it('the bundle runs with plain node where there is no node_modules; it and the sources print package.json’s version', async () => {
    expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(bundled(bundle, dir, ['--version']).stdout.trim()).toBe(`gainlab ${version}`);
    // --version read a constant of its own beside the version recipes record (one source now)
    expect((await gainlab(dir, '--version')).stdout.trim()).toBe(`gainlab ${version}`);
  });

  it('the bundle, far from package.json, records GainLab’s version in a run’s recipe and summary (it wrote 0.0.0)', () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const train = bundled(bundle, dir, ['train', '--net', 'net', '--target', 't7.npy', '--trials', '3', '--out', 'train-bundle']);
    expect(train.code, train.stderr).toBe(0);
    expect(train.json.gainlabVersion).toBe(version);
    expect(readJson(path.join(dir, 'train-bundle', 'recipe.json')).gainlabVersion).toBe(version);
    const repeat = bundled(bundle, dir, ['run', 'train-bundle/recipe.json']);
    expect(repeat.code, repeat.stderr).toBe(0);
    expect(repeat.json).toMatchObject({ gainlabVersion: version, recordedWith: version, identical: true });
  });

  it('echarts, kept packed in the bundle until a figure needs it, draws the same SVG as the sources', async () => {
    const fromBundle = bundled(bundle, dir, ['experiment', 'supp1f', '--quick', '--out', 'figures-bundle']);
    expect(fromBundle.code, fromBundle.stderr).toBe(0);
    const fromSource = await gainlab(dir, 'experiment', 'supp1f', '--quick', '--out', 'figures-source');
    expect(fromSource.code, fromSource.stderr).toBe(0);
    const svgs = readdirSync(path.join(dir, 'figures-source')).filter((name) => name.endsWith('.svg'));
    expect(svgs.length).toBeGreaterThan(0);
    for (const name of svgs) expect(readFileSync(path.join(dir, 'figures-bundle', name), 'utf8'), name).toBe(readFileSync(path.join(dir, 'figures-source', name), 'utf8'));
  });

  it('a pool of 2 threads, one thread, and the TypeScript sources give the same bits', async () => {
    const pool = bundled(bundle, dir, ['sweep', 'run', 'grid.sweep.json', '--out', 'pool', '--jobs', '2']);
    expect(pool.code, pool.stderr).toBe(0);
    expect(pool.json).toMatchObject({ tasks: 8, ran: 8, done: 8, failed: 0 });
    expect(pool.stderr).toMatch(/on 2 thread\(s\)/);
    const single = bundled(bundle, dir, ['sweep', 'run', 'grid.sweep.json', '--out', 'single', '--jobs', '1']);
    expect(single.code, single.stderr).toBe(0);
    const source = await gainlab(dir, 'sweep', 'run', sweepFile, '--out', 'source', '--jobs', '1');
    expect(source.code, source.stderr).toBe(0);
    const files = taskFiles(path.join(dir, 'pool'));
    expect(files.size).toBe(8 * 3 + 4); // errors, best gains, best output; groups for the 4 grouped tasks
    expectSameFiles(files, taskFiles(path.join(dir, 'single')));
    expectSameFiles(files, taskFiles(path.join(dir, 'source')));
    // a second run finds everything done and runs nothing
    const again = bundled(bundle, dir, ['sweep', 'run', 'grid.sweep.json', '--out', 'pool', '--jobs', '2']);
    expect(again.json).toMatchObject({ alreadyDone: 8, ran: 0 });
    // --task and --shard select by index
    const shard = bundled(bundle, dir, ['sweep', 'run', 'grid.sweep.json', '--out', 'shard', '--shard', '1/3']);
    expect(shard.json).toMatchObject({ selected: 3, done: 3 });
    const plan = readJson(path.join(dir, 'shard', 'plan.json'));
    expect(readdirSync(path.join(dir, 'shard', 'tasks')).sort()).toEqual([1, 4, 7].map((i) => plan.tasks[i].id).sort());
  });

  it('sweep slurm --together: one array task per group of seeds; the array tasks, run as SLURM runs them, give the bits of the whole run', () => {
    const slurm = bundled(bundle, dir, ['sweep', 'slurm', 'grid.sweep.json', '--out', 'together', '--together']);
    expect(slurm.code, slurm.stderr).toBe(0);
    expect(slurm.json).toMatchObject({ command: 'sweep slurm', tasks: 8, arrayTasks: 2, array: '0-1%2' });
    const plan = readJson(path.join(dir, 'together', 'plan.json')) as { tasks: Array<{ factors: Record<string, string> }>; arrayTasks: number[][] };
    // the tasks of an array task differ only in seed and groups: one array task per σ
    expect(plan.arrayTasks.map((group) => group.length)).toEqual([4, 4]);
    expect([...plan.arrayTasks.flat()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const group of plan.arrayTasks) expect(new Set(group.map((index) => plan.tasks[index].factors.sigma)).size).toBe(1);
    const sbatch = readFileSync(path.join(dir, 'together', 'sweep.sbatch'), 'utf8');
    expect(sbatch).toContain('#SBATCH --array=0-1%2');
    expect(sbatch).toMatch(/ --group "\$TASK"\n/);
    // an array task asks for its group's time: the group's lockstep trials were timed
    const estimate = slurm.json.estimate as { cpuSecondsPerArrayTask: number; totalArrayCpuSeconds: number; totalCpuSeconds: number };
    expect(estimate.cpuSecondsPerArrayTask).toBeGreaterThan(0);
    console.log(`--together: ${estimate.totalArrayCpuSeconds} s of CPU in 2 array tasks against ${estimate.totalCpuSeconds} s in 8 (estimates)`);
    // what array tasks 1 and 0 run (in either order)
    for (const group of [1, 0]) {
      const run = bundled(bundle, dir, ['sweep', 'run', 'grid.sweep.json', '--out', 'together', '--jobs', '1', '--group', String(group)]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.json).toMatchObject({ selected: 4, done: 4, failed: 0 });
    }
    expectSameFiles(taskFiles(path.join(dir, 'together')), taskFiles(path.join(dir, 'single')));
    // a group run again finds its tasks done
    expect(bundled(bundle, dir, ['sweep', 'run', 'grid.sweep.json', '--out', 'together', '--group', '0']).json).toMatchObject({ alreadyDone: 4, ran: 0 });
    const outOfRange = bundled(bundle, dir, ['sweep', 'run', 'grid.sweep.json', '--out', 'together', '--group', '2']);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toMatch(/--group must be in \[0, 1\], got 2/);
    const notTogether = bundled(bundle, dir, ['sweep', 'run', 'grid.sweep.json', '--out', 'single', '--group', '0']);
    expect(notTogether.code).toBe(2);
    expect(notTogether.stderr).toMatch(/--group needs .*plan\.json as gainlab sweep slurm --together writes it/);
    const both = bundled(bundle, dir, ['sweep', 'run', 'grid.sweep.json', '--out', 'together', '--group', '0', '--task', '1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give one of --task, --group and --shard/);
    // once arrays are submitted in one layout, sweep slurm keeps it (SLURM's word on array index i
    // means the task or the group of that layout)
    const submission = { jobId: '42', array: '0-1', offset: 0, submittedAt: '2026-12-03T00:00:00Z', kind: 'submit' };
    writeFileSync(path.join(dir, 'together', 'slurm.json'), JSON.stringify({ format: 'gainlab-sweep-slurm', formatVersion: 1, script: 'sweep.sbatch', submissions: [submission] }));
    const relayout = bundled(bundle, dir, ['sweep', 'slurm', 'grid.sweep.json', '--out', 'together']);
    expect(relayout.code).toBe(2);
    expect(relayout.stderr).toMatch(/has arrays submitted with --together .*keep that layout or use a new --out directory/);
    expect((readJson(path.join(dir, 'together', 'plan.json')) as { arrayTasks: number[][] }).arrayTasks).toEqual(plan.arrayTasks);
  });

  it('a run killed mid-way resumes: finished tasks are kept as they are and not run again', async () => {
    const file = writeSweep(dir, 'resume.sweep.json', {
      schemaVersion: 1,
      name: 'resume',
      base: { source: { networkDir: 'net', target: 't7.npy' }, trials: 1000 },
      // the two seeds of a σ train together: three groups of two tasks
      factors: { seed: [1, 2], sigma: [0.001, 0.002, 0.003] },
    });
    const tasksDir = path.join(dir, 'resume', 'tasks');
    const child = spawnBundled(bundle, dir, ['sweep', 'run', path.basename(file), '--out', 'resume', '--jobs', '1']);
    const finished = () => (existsSync(tasksDir) ? readdirSync(tasksDir).filter((name) => !name.startsWith('.')) : []);
    const deadline = Date.now() + 120_000;
    while (finished().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const done = finished();
    expect(done.length).toBeGreaterThanOrEqual(2);
    expect(done.length).toBeLessThan(6);
    // what a killed run leaves is whole: every task directory has its result
    const before = new Map(done.map((id) => [id, { mtime: statSync(path.join(tasksDir, id, 'result.json')).mtimeMs, text: readFileSync(path.join(tasksDir, id, 'result.json'), 'utf8') }]));
    for (const id of done) expect(readJson(path.join(tasksDir, id, 'result.json')).id).toBe(id);
    const status = await gainlab(dir, 'sweep', 'status', 'resume');
    expect(status.json.counts).toMatchObject({ done: done.length, running: 0, missing: 6 - done.length });

    const rerun = bundled(bundle, dir, ['sweep', 'run', path.basename(file), '--out', 'resume', '--jobs', '2']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.json).toMatchObject({ alreadyDone: done.length, ran: 6 - done.length, done: 6 - done.length });
    for (const [id, was] of before) {
      expect(statSync(path.join(tasksDir, id, 'result.json')).mtimeMs, id).toBe(was.mtime);
      expect(readFileSync(path.join(tasksDir, id, 'result.json'), 'utf8')).toBe(was.text);
    }
    expect(finished()).toHaveLength(6);
    expect(readdirSync(tasksDir).filter((name) => name.startsWith('.'))).toEqual([]);
    expect((await gainlab(dir, 'sweep', 'status', 'resume')).json.counts).toMatchObject({ done: 6 });
  });
});

describe('gainlab sweep collect', () => {
  it('writes a table and an archive that match the task files; partial and damaged tasks are marked', async () => {
    cpSync(path.join(dir, 'pool'), path.join(dir, 'partial'), { recursive: true });
    const collect = bundled(bundle, dir, ['sweep', 'collect', 'pool']);
    expect(collect.code, collect.stderr).toBe(0);
    expect(collect.json).toMatchObject({ tasks: 8, counts: { done: 8 } });
    const csv = readFileSync(path.join(dir, 'pool', 'results.csv'), 'utf8').trim().split('\n');
    const header = csv[0].split(',');
    expect(header.slice(0, 6)).toEqual(['index', 'id', 'state', 'groups', 'sigma', 'seed']);
    expect(csv).toHaveLength(9);
    const plan = readJson(path.join(dir, 'pool', 'plan.json'));
    for (const [k, line] of csv.slice(1).entries()) {
      const cells = Object.fromEntries(line.split(',').map((cell, c) => [header[c], cell]));
      const record = readJson(path.join(dir, 'pool', 'tasks', plan.tasks[k].id, 'result.json'));
      expect(cells).toMatchObject({ index: String(k), id: record.id, state: 'done', seed: record.factors.seed, groups: record.factors.groups });
      expect(Number(cells.bestError)).toBe(record.bestError);
      expect(Number(cells.gainsMean)).toBe(record.gains.mean);
      expect(Number(cells.trialsDone)).toBe(150);
    }
    const zip = unzipSync(new Uint8Array(readFileSync(path.join(dir, 'pool', 'results.gainlab-sweep'))));
    expect(new TextDecoder().decode(zip['results.csv'])).toBe(readFileSync(path.join(dir, 'pool', 'results.csv'), 'utf8'));
    expect(new TextDecoder().decode(zip['sweep.json'])).toBe(readFileSync(sweepFile, 'utf8'));
    const document = JSON.parse(new TextDecoder().decode(zip['results.json']));
    expect(document).toMatchObject({ format: 'gainlab-sweep-results', formatVersion: 1, name: 'grid', factorNames: ['groups', 'sigma', 'seed'] });
    for (const [key, bytes] of taskFiles(path.join(dir, 'pool'))) expect(Buffer.from(zip[`tasks/${key}`]).equals(bytes), key).toBe(true);
    for (const task of document.tasks) {
      for (const entry of task.record.arrays) expect(sha256OfFloat64(parseNpy(zip[`tasks/${task.id}/${entry.file}`]).data)).toBe(entry.sha256);
    }

    // one task never ran, one task's gains were damaged after the fact
    rmSync(path.join(dir, 'partial', 'tasks', plan.tasks[2].id), { recursive: true });
    const gainsFile = path.join(dir, 'partial', 'tasks', plan.tasks[5].id, 'best-gains.npy');
    const damaged = readFileSync(gainsFile);
    damaged[damaged.length - 1] ^= 0x40;
    writeFileSync(gainsFile, damaged);
    const partial = bundled(bundle, dir, ['sweep', 'collect', 'partial']);
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.json.counts).toMatchObject({ done: 6, missing: 1, failed: 1 });
    const rows = readFileSync(path.join(dir, 'partial', 'results.csv'), 'utf8').trim().split('\n');
    expect(rows[3]).toMatch(new RegExp(`^2,${plan.tasks[2].id},missing,random 4,0\\.003,1,,`));
    expect(rows[6]).toMatch(/^5,[0-9a-f]{16},failed,/);
    const partialZip = unzipSync(new Uint8Array(readFileSync(path.join(dir, 'partial', 'results.gainlab-sweep'))));
    expect(Object.keys(partialZip).filter((name) => name.startsWith(`tasks/${plan.tasks[5].id}/`))).toEqual([]);
  });
});

describe('gainlab sweep plan', () => {
  it('estimates follow from the measured per-trial cost: time linear in trials, totals the sum over tasks', () => {
    const file = writeSweep(dir, 'plan.sweep.json', {
      schemaVersion: 1,
      name: 'plan',
      base: { source: { networkDir: 'net', target: 't7.npy' } },
      factors: { trials: [100, 1100], rule: ['reward', 'gradient'], seed: [1, 2] },
    });
    const plan = bundled(bundle, dir, ['sweep', 'plan', path.basename(file), '--out', 'planned', '--jobs', '2']);
    expect(plan.code, plan.stderr).toBe(0);
    // the reward tasks' two seeds train together (two groups of two per trials level); gradient tasks alone
    expect(plan.json).toMatchObject({ command: 'sweep plan', tasks: 8, threadsHere: 2, togetherTasks: 4, machine: { cores: expect.any(Number) } });
    // as many jobs as cores (2 here): no run has a core to spare, so every probe is one trial at a time
    const measured = plan.json.measured as Array<{ probe: string; msPerTrial: number; here: boolean }>;
    expect(measured.map((m) => m.probe.split(':')[0]).sort()).toEqual(['gradient', 'reward']);
    expect(measured.some((m) => m.here)).toBe(false);
    const tasks = readJson(path.join(dir, 'planned', 'plan.json')).tasks as Array<{ factors: Record<string, string>; estimate: { cpuSeconds: number; memoryMB: number } }>;
    const total = tasks.reduce((sum, t) => sum + t.estimate.cpuSeconds, 0);
    expect(plan.json.totalCpuSeconds).toBeCloseTo(total, 0);
    // two jobs: the tasks' time over 2, less the start-up each group of two seeds saves
    expect(plan.json.wallSecondsHere).toBeCloseTo((total - (2 * (plan.json.startupMs as number)) / 1000) / 2, 0);
    for (const rule of ['reward', 'gradient']) {
      const ms = measured.find((m) => m.probe.startsWith(rule))!.msPerTrial;
      expect(ms).toBeGreaterThan(0);
      const of = (trials: string) => tasks.find((t) => t.factors.rule === rule && t.factors.trials === trials && t.factors.seed === '1')!.estimate.cpuSeconds;
      // 1000 more trials cost 1000 × the measured trial
      expect(of('1100') - of('100')).toBeCloseTo(ms, 2);
      // and each task its measured set-up, output and files: start-up + overhead + 102 trials
      // (plan.json's seconds to 1 ms; the overhead's probe is the task's own)
      const probe = measured.find((m) => m.probe.startsWith(rule))!.probe;
      const overhead = (plan.json.taskOverheadMs as Record<string, number>)[probe];
      expect(overhead).toBeGreaterThan(0);
      expect(Math.abs(of('100') * 1000 - ((plan.json.startupMs as number) + overhead + 102 * ms))).toBeLessThanOrEqual(0.6);
    }
    const memory = tasks.map((t) => t.estimate.memoryMB);
    expect(Math.min(...memory)).toBeGreaterThan(plan.json.baselineMB as number);
    const request = plan.json.slurmRequest as { time: string; mem: string };
    const [h, m] = request.time.split(':').map(Number);
    expect((h * 60 + m) * 60).toBeGreaterThanOrEqual(2 * (plan.json.cpuSecondsPerTask as { max: number }).max + 120);
    expect(Number(request.mem.replace('M', ''))).toBeGreaterThanOrEqual(1.5 * Math.max(...memory));

    // one job on two cores: the reward groups are also timed as that run trains them (their next
    // trial on the spare core), and the time here counts them at that cost; the tasks' own CPU
    // time (and so SLURM's request) stays one trial at a time
    // (a plan measures afresh: the numbers below are all this plan's own)
    const one = bundled(bundle, dir, ['sweep', 'plan', path.basename(file), '--jobs', '1', '--out', 'planned-one-job']);
    expect(one.code, one.stderr).toBe(0);
    expect((one.json.machine as { cores: number }).cores).toBe(2);
    expect(one.stderr).toMatch(/as a run here \(concurrent trials on a spare core\)/);
    const oneMeasured = one.json.measured as Array<{ probe: string; msPerTrial: number; sessions: number; here: boolean }>;
    const here = oneMeasured.filter((m) => m.here);
    expect(here).toEqual([expect.objectContaining({ sessions: 2 })]);
    expect(here[0].probe.startsWith('reward')).toBe(true);
    const oneTasks = readJson(path.join(dir, 'planned-one-job', 'plan.json')).tasks as typeof tasks;
    expect(one.json.totalCpuSeconds).toBeCloseTo(
      oneTasks.reduce((sum, t) => sum + t.estimate.cpuSeconds, 0),
      0,
    );
    // two groups of two seeds (100 and 1100 trials) and the four gradient tasks alone
    const startup = (one.json.startupMs as number) / 1000;
    const gradientTasks = oneTasks.filter((t) => t.factors.rule === 'gradient').reduce((sum, t) => sum + t.estimate.cpuSeconds, 0);
    const rewardGroups = 2 * startup + ((102 + 1102) * here[0].msPerTrial) / 1000;
    expect(one.json.wallSecondsHere).toBeCloseTo(rewardGroups + gradientTasks, 0);
  });
});
