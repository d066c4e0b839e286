/**
 * Sweeps in the app (issue 13 phase 2), through the real services as web mode wires them
 * (handlers → sweep service → job manager on the real model worker → project session on disk):
 * - a sweep built from a stored run (draft.ts) plans, runs here as one 'sweep' job whose worker
 *   writes the very folder `gainlab sweep run --out` writes, and its result lands in the project
 *   as an experiment result of kind 'sweep' with box plots per factor;
 * - the CLI reads the app's folder (status, collect) and the app imports what collect wrote;
 * - a second run skips every finished task; a paused sweep resumes where it stopped;
 * - the cluster export holds the sweep file, project, bundle, sbatch script, plan and README, and
 *   `gainlab sweep run` of the exported sweep file gives bit for bit what the app's job gave;
 * - refusals: no project file, NaN in a request, a task its inputs cannot run, a missing bundle.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runView } from '../../src-shared/project/view.js';
import { baseFromRun, checkDraft, type SweepDraft } from '../../src-shared/sweeps/draft.js';
import type { BoxFigure } from '../../src-shared/experiments/figureSpec.js';
import type { SweepJobResult } from '../../src-shared/tasks/sweep.js';
import type { AppContext } from '../../src-main/services/appServices.js';
import { sourceAppContext } from './fixtures/sourceAppContext.js';
import { dispatch } from '../../src-main/services/handlers.js';
import { handlerCalls } from './appContextHelpers.js';
import { gainlab, taskFiles } from '../sweeps/sweepFixtures.js';
import { importNotice, measuredCostText } from '../../src-renderer/stores/sweeps.js';
import { msText } from '../../src-shared/formats/duration.js';
import { costProbeKey } from '../../src-shared/sweeps/plan.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { jobStepText } from '../../src-renderer/components/jobs/jobProgress.js';

let context: AppContext;
let workDir: string;
let fakeBundle: string;
let projectFile: string;

const { call, refused, freshProject } = handlerCalls(() => context);

/** The sweep the Sweeps view would build from the project's first run, with these factors. */
function sweepFromRun(name: string, factors: SweepDraft['factors'], design: SweepDraft['design'] = 'grid'): Record<string, unknown> {
  const run = runView(context.services.projects.project().runs[0]);
  const { base } = baseFromRun(run);
  const checked = checkDraft({ name, base: { ...base, trials: 40 }, design, factors }, 'ignored.gainlab');
  if ('problem' in checked) throw new Error(checked.problem);
  return checked.json;
}

const jobResult = async (jobId: string) => {
  const detail = await context.jobs.whenFinished(jobId);
  return { detail, result: detail.result as unknown as SweepJobResult };
};

beforeAll(async () => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'gainlab-sweepsvc-'));
  fakeBundle = path.join(workDir, 'fake-gainlab.mjs');
  writeFileSync(fakeBundle, '// the single-file CLI stands here\n');
  // two cores: a sweep run here (one job) has one to spare for its concurrent trials
  context = sourceAppContext({ cliBundleFile: fakeBundle, cores: 2 });
  await freshProject({ name: 'Sweep project' });
  // the stored run the sweep is built from
  const { jobId } = await call('jobs:start-training', { source: { kind: 'project', networkId: 'net', targetIds: ['tgt'] }, rule: 'reward', trials: 20, sigma: 0.002, groups: { kind: 'random', count: 4 }, seed: 5 });
  await context.jobs.whenFinished(jobId);
  for (let k = 0; k < 100 && context.services.projects.project().runs.length === 0; k++) await new Promise((r) => setTimeout(r, 20));
}, 60_000);

afterAll(async () => {
  await context.dispose();
  rmSync(workDir, { recursive: true, force: true });
});

describe('sweeps in the app', () => {
  it('refuses to run or export before the project has a file, but plans', async () => {
    const sweep = sweepFromRun('early', [{ name: 'seed', text: '1, 2' }]);
    const plan = await call('sweeps:plan', { sweep });
    expect(plan).toMatchObject({ name: 'early', tasks: 2, array: '0-1%2', folder: null });
    expect((await refused('sweeps:run', { sweep })).message).toMatch(/Save the project first/);
    expect((await refused('sweeps:export', { sweep })).message).toMatch(/Save the project first/);
    projectFile = path.join(workDir, 'My project.gainlab');
    await call('project:saveAs', { path: projectFile });
  });

  it('plans from the run: tasks, factor levels, CPU time here and as an array, memory per task', async () => {
    const sweep = sweepFromRun('grid', [
      { name: 'seed', text: '1-2' },
      { name: 'sigma', text: '0.001, 0.004' },
    ]);
    // the base is the run's: its network, target, rule, groups and seed
    expect(sweep.base).toMatchObject({ source: { networkId: 'net', targetIds: ['tgt'] }, rule: 'reward', groups: 4, sigma: 0.002, seed: 5 });
    const plan = await call('sweeps:plan', { sweep });
    expect(plan.tasks).toBe(4);
    expect(plan.factors).toEqual({ sigma: 2, seed: 2 });
    expect(plan.array).toBe('0-3%4');
    // the two seeds of each σ train together: every task is in a group of two
    expect(plan.togetherTasks).toBe(4);
    const e = plan.estimate;
    // one trial at a time (a task on its own CPU: per task, and what an array task asks for), and
    // the two seeds of a group as the run here trains them, with the spare core
    const alone = e.measured.filter((m) => !m.here);
    const here = e.measured.filter((m) => m.here);
    expect(alone).toHaveLength(1);
    expect(here).toEqual([expect.objectContaining({ sessions: 2 })]);
    expect(alone[0].msPerTrial).toBeGreaterThan(0);
    expect(here[0].msPerTrial).toBeGreaterThan(0);
    // as the plan panel words them
    expect(measuredCostText(alone[0])).toBe(`${msText(alone[0].msPerTrial)} per trial`);
    expect(measuredCostText(here[0])).toBe(`${msText(here[0].msPerTrial)} per trial of 2 seeds together in a run here, with its next trial on the spare core`);
    const gradient = costProbeKey({ n: 20, channels: 1, params: DEFAULT_DYNAMICS, rule: 'gradient', targets: 1 });
    expect(measuredCostText({ probe: gradient, msPerTrial: 0.5, sessions: 1, here: false })).toBe('0.5 ms per Adam iteration');
    // each task: its own measured cost besides trials (set-up, output, record, files), then 40 trials (+2)
    const overheadMs = e.taskOverheadMs[alone[0].probe];
    expect(overheadMs).toBeGreaterThan(0);
    expect(e.cpuSecondsPerTask.max).toBeCloseTo((overheadMs + 42 * alone[0].msPerTrial) / 1000, 2);
    // here: two groups of two seeds, each task's overhead and 42 lockstep trials per group at the
    // cost of such a run, and once the job's own cost (its checks and folder work; no job has run
    // yet, so nothing measured on main)
    expect(e.jobOverheadMs).toBeGreaterThan(0);
    expect(e.wallSecondsHere * 1000).toBeCloseTo(4 * overheadMs + 2 * 42 * here[0].msPerTrial + e.jobOverheadMs, -1);
    // the memory model (plan.ts estimateTask) over the CLI's baseline: W and its copies, states and rates, the curve
    expect(e.memoryMBPerTask.max).toBeCloseTo(76 + (8 * (4 * 20 * 20 + 4 * 20 * 60 + 41)) / 2 ** 20, 1);
    console.log(`plan: ${alone[0].msPerTrial} ms per trial, ${here[0].msPerTrial} ms per lockstep trial of two here (N = 20, 60 samples)`);
    expect(e.slurmRequest.time).toMatch(/^\d\d:\d\d:00$/);
    // the folder next to the project does not exist yet
    expect(plan.folder).toBeNull();
  });

  it('runs here as one job writing the CLI layout; the project keeps the result; the CLI reads the folder', { timeout: 120_000 }, async () => {
    const sweep = sweepFromRun('grid', [
      { name: 'seed', text: '1-2' },
      { name: 'sigma', text: '0.001, 0.004' },
    ]);
    const started = Date.now();
    const { jobId, dir } = await call('sweeps:run', { sweep });
    expect(dir).toBe(path.join(workDir, 'My_project.sweeps', 'grid'));
    const { detail, result } = await jobResult(jobId);
    const measuredMs = Date.now() - started;
    expect(detail.kind).toBe('sweep');
    expect(detail.status).toBe('done');
    expect(result).toMatchObject({ kind: 'sweep', name: 'grid', tasks: 4, alreadyDone: 0, done: 4, failed: 0, partial: false, paused: false });
    expect(result.rows.map((row) => row.state)).toEqual(['done', 'done', 'done', 'done']);
    // one point per task: its best error, at its index
    expect(detail.errorsBySession[0]).toEqual(result.rows.map((row) => row.values!.bestError));
    expect(detail.percent).toBe(100);
    // what the job cost on main besides its worker's run (start, hand-off, result back): the next
    // plan charges it to the job once, beside the worker's checks and folder work
    const mainSideMs = detail.finishedAt! - detail.createdAt - result.elapsedMs;
    const replanned = (await call('sweeps:plan', { sweep })).estimate;
    expect(replanned.jobOverheadMs).toBeGreaterThanOrEqual(mainSideMs - 0.1);
    console.log(`sweep of 4 tasks (N = 20, 40 trials) run here: ${measuredMs} ms from request to finished job; time here planned ${Math.round(replanned.wallSecondsHere * 1000)} ms (the job’s own ${replanned.jobOverheadMs} ms, ${mainSideMs} ms of it on main)`);

    // the folder: the sweep file beside it, plan.json, one directory per task
    const sweepFile = path.join(workDir, 'My_project.sweeps', 'grid.sweep.json');
    expect(JSON.parse(readFileSync(sweepFile, 'utf8')).base.source.project).toBe('../My project.gainlab');
    expect(readFileSync(path.join(dir, 'sweep.json'), 'utf8')).toBe(readFileSync(sweepFile, 'utf8'));
    const plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8'));
    expect(plan.tasks.map((t: { id: string }) => t.id).sort()).toEqual(readdirSync(path.join(dir, 'tasks')).sort());
    expect(taskFiles(dir).size).toBe(4 * 4); // errors, best gains, best output, groups

    // the project keeps it as an experiment result of kind 'sweep', with a box plot per factor
    await new Promise((r) => setTimeout(r, 50));
    const stored = context.services.projects.project().experimentResults.find((r) => r.id === jobId)!;
    expect(stored).toMatchObject({ kind: 'sweep', definition: 'grid', networkId: 'net', networkName: 'Synthetic N = 20', status: 'done' });
    const boxes = stored.figures.filter((f) => (f as BoxFigure).kind === 'box') as BoxFigure[];
    expect(boxes.map((b) => b.name)).toEqual(['final-error-by-sigma', 'final-error-by-seed']);
    const bySigma = boxes[0];
    expect(bySigma.categories).toEqual(['0.001', '0.004']);
    // each box's median is the median of its tasks' final errors (two per level)
    const finals = (level: string) => result.rows.filter((row) => row.factors.sigma === level).map((row) => row.values!.finalError!);
    for (const [k, level] of bySigma.categories.entries()) {
      const values = finals(level);
      expect(bySigma.boxes[k].median).toBeCloseTo((values[0] + values[1]) / 2, 12);
    }
    expect(stored.texts[0].text.split('\n')[0]).toBe('index,id,state,sigma,seed,n,groupCount,bestError,initialError,finalError,bestTrial,trialsDone,gainsMean,gainsSd,gainsMin,gainsMax,elapsedMs,setupMs,host');

    // the CLI reads the app's folder
    const status = await gainlab(workDir, 'sweep', 'status', dir);
    expect(status.code, status.stderr).toBe(0);
    expect(status.json.counts).toMatchObject({ done: 4, missing: 0, failed: 0, stale: 0 });
    const collectStarted = Date.now();
    const collect = await gainlab(workDir, 'sweep', 'collect', dir);
    expect(collect.code, collect.stderr).toBe(0);
    const archive = path.join(dir, 'results.gainlab-sweep');
    // …and the app opens what collect wrote: the same results as its own run, so the job's record
    // is the answer (the content key covers the summary and every task's row) and nothing is added
    const sweepRecords = () => context.services.projects.project().experimentResults.filter((r) => r.kind === 'sweep');
    expect(sweepRecords().map((r) => r.id)).toEqual([jobId]);
    const imported = await call('sweeps:import', { path: archive });
    console.log(`collect + import of 4 tasks: ${Date.now() - collectStarted} ms`);
    expect(imported).toMatchObject({ name: 'grid', tasks: 4, done: 4, stored: 'existing', resultId: jobId, resultName: 'Sweep “grid” (4 tasks)' });
    expect(importNotice(imported).text).toBe('Sweep “grid” (4 of 4 task(s) done) is in the project already as “Sweep “grid” (4 tasks)”: opened it.');
    expect(sweepRecords()).toHaveLength(1);
    // the user names and annotates the record; the folder's Results (the same rows again) and the
    // archive imported twice find it and leave it exactly as the user left it — also when the
    // record has no content key in its settings (stored before there was one: it is computed)
    expect(typeof stored.settings.contentKey).toBe('string');
    const { contentKey: _key, ...settingsWithoutKey } = stored.settings;
    const annotated = { ...stored, name: 'σ × seed, first look', notes: 'checked by hand', settings: settingsWithoutKey };
    await context.services.projects.update({ upsertExperimentResults: [annotated] }, 'Rename the sweep result');
    for (const again of [{ path: dir }, { path: archive }, { path: archive }]) {
      const answer = await call('sweeps:import', again);
      expect(answer).toMatchObject({ stored: 'existing', resultId: jobId, resultName: 'σ × seed, first look', earlierResults: 0 });
    }
    expect(sweepRecords()).toEqual([annotated]);
    // an upload of the archive's bytes is the same results too
    const uploaded = await call('sweeps:import', { fileName: 'results.gainlab-sweep', bytes: new Uint8Array(readFileSync(archive)) });
    expect(uploaded).toMatchObject({ stored: 'existing', resultId: jobId });
    expect(sweepRecords()).toHaveLength(1);
    // the list shows the folder as complete
    const list = await call('sweeps:list', {});
    expect(list.sweeps.find((s) => s.name === 'grid')).toMatchObject({ tasks: 4, done: 4, failed: 0, jobId: null });

    // a second run skips every finished task (their files are left as they were); having run
    // none, it stores nothing: the project keeps the one record of these results
    const before = statSync(path.join(dir, 'tasks', plan.tasks[0].id, 'result.json')).mtimeMs;
    const again = await jobResult((await call('sweeps:run', { sweep })).jobId);
    expect(again.result).toMatchObject({ alreadyDone: 4, done: 0, partial: false });
    expect(statSync(path.join(dir, 'tasks', plan.tasks[0].id, 'result.json')).mtimeMs).toBe(before);
    await new Promise((r) => setTimeout(r, 50));
    expect(sweepRecords()).toEqual([annotated]);
  });

  it('labels its job and counts its progress with the tasks that run (duplicates merged)', { timeout: 60_000 }, async () => {
    // a grid of rule × σ: σ means nothing to the gradient rule, so its two σ are one task (3, not 4)
    const grid = sweepFromRun('rules', [{ name: 'rule', text: 'reward, gradient' }, { name: 'sigma', text: '0.001, 0.004' }]);
    // run without a plan first (the count comes from a plan on a worker then)
    const started = await call('sweeps:run', { sweep: grid });
    // the jobs panel has the count from the start (before the worker reports): "0 of 3 tasks"
    const listed = context.jobs.list().find((job) => job.jobId === started.jobId)!;
    expect(listed).toMatchObject({ label: 'Sweep “rules” (3 tasks)', totalTrials: 3 });
    expect(jobStepText(listed)).toMatch(/^[0-3] of 3 tasks$/);
    const { detail, result } = await jobResult(started.jobId);
    expect(result.rows).toHaveLength(3);
    expect(jobStepText(detail)).toBe('3 of 3 tasks');
    expect((await call('sweeps:plan', { sweep: grid })).duplicatesMerged).toBe(1);

    // a list whose first and third entries are the same task, run after its plan (as the view does)
    const list = sweepFromRun('dups', [{ name: 'seed', text: '3, 4, 3' }, { name: 'sigma', text: '0.001, 0.002, 0.001' }], 'list');
    const plan = await call('sweeps:plan', { sweep: list });
    expect(plan).toMatchObject({ tasks: 2, duplicatesMerged: 1 });
    const { jobId } = await call('sweeps:run', { sweep: list });
    const dups = await jobResult(jobId);
    expect(dups.detail.label).toBe('Sweep “dups” (2 tasks)');
    expect(jobStepText(dups.detail)).toBe('2 of 2 tasks');
  });

  it('pauses after the running task and resumes where it stopped', { timeout: 120_000 }, async () => {
    // three σ levels of two seeds: the two seeds of a σ train together (tasks of the same σ)
    const sweep = sweepFromRun('pausing', [
      { name: 'seed', text: '1-2' },
      { name: 'sigma', text: '0.001, 0.002, 0.003' },
    ]);
    (sweep.base as { trials: number }).trials = 3000;
    const { jobId, dir } = await call('sweeps:run', { sweep });
    // a second Run of the same sweep while it runs is refused
    expect((await refused('sweeps:run', { sweep })).code).toBe('forbidden');
    for (let k = 0; k < 2000 && (context.jobs.get(jobId).errorsBySession[0]?.length ?? 0) < 1; k++) await new Promise((r) => setTimeout(r, 5));
    await call('jobs:cancel', { jobId, session: 0 });
    const paused = await jobResult(jobId);
    expect(paused.detail.status).toBe('cancelled');
    expect(paused.result.paused).toBe(true);
    const doneBefore = paused.result.rows.filter((row) => row.state === 'done').length;
    expect(doneBefore).toBeGreaterThanOrEqual(1);
    expect(doneBefore).toBeLessThan(6);
    expect(readdirSync(path.join(dir, 'tasks')).filter((n) => !n.startsWith('.'))).toHaveLength(doneBefore);
    // a paused sweep is not stored; its folder is
    expect(context.services.projects.project().experimentResults.some((r) => r.id === jobId)).toBe(false);
    const ofThisSweep = () => context.services.projects.project().experimentResults.filter((r) => r.kind === 'sweep' && r.definition === 'pausing');
    expect(ofThisSweep()).toHaveLength(0);

    // the folder's Results stores what it holds now, once
    const first = await call('sweeps:import', { path: dir });
    expect(first).toMatchObject({ stored: 'added', earlierResults: 0, tasks: 6, done: doneBefore, resultName: `Sweep “pausing” (${doneBefore} of 6 done)` });
    expect(await call('sweeps:import', { path: dir })).toMatchObject({ stored: 'existing', resultId: first.resultId });
    expect(ofThisSweep().map((r) => r.id)).toEqual([first.resultId]);
    const firstRecord = ofThisSweep()[0];

    // one more task finished since (here by the CLI, as on a cluster): a new state of the folder,
    // added as a record of its own named with its count; the earlier one is kept as it was
    expect(doneBefore).toBeLessThanOrEqual(4);
    const next = paused.result.rows.find((row) => row.state !== 'done')!;
    const sweepFile = path.join(workDir, 'My_project.sweeps', 'pausing.sweep.json');
    const one = await gainlab(workDir, 'sweep', 'run', sweepFile, '--out', dir, '--task', String(next.index));
    expect(one.code, one.stderr).toBe(0);
    const second = await call('sweeps:import', { path: dir });
    expect(second).toMatchObject({ stored: 'added', earlierResults: 1, done: doneBefore + 1, resultName: `Sweep “pausing” (${doneBefore + 1} of 6 done)` });
    expect(importNotice(second).text).toBe(`Sweep “pausing”: ${doneBefore + 1} of 6 task(s) done, stored in the project as “Sweep “pausing” (${doneBefore + 1} of 6 done)” beside 1 earlier result(s) of this sweep, kept as they were.`);
    expect(second.resultId).not.toBe(first.resultId);
    expect(ofThisSweep().find((r) => r.id === first.resultId)).toEqual(firstRecord);

    const resumed = await jobResult((await call('sweeps:run', { sweep })).jobId);
    expect(resumed.result).toMatchObject({ alreadyDone: doneBefore + 1, done: 5 - doneBefore, partial: false });
    // what the paused job finished is what the resumed one reports for those tasks
    for (const row of paused.result.rows.filter((r) => r.state === 'done')) expect(resumed.result.rows[row.index].values).toEqual(row.values);
    // the finished sweep is the resumed job's record; Results of the folder now finds it
    await new Promise((r) => setTimeout(r, 50));
    expect(ofThisSweep().map((r) => r.id)).toEqual([first.resultId, second.resultId, resumed.detail.jobId]);
    expect(await call('sweeps:import', { path: dir })).toMatchObject({ stored: 'existing', resultId: resumed.detail.jobId, done: 6 });
    expect(ofThisSweep()).toHaveLength(3);
  });

  it('exports a zip for a cluster; gainlab sweep run of its sweep file gives what the app gave, bit for bit', { timeout: 120_000 }, async () => {
    const sweep = sweepFromRun('grid', [
      { name: 'seed', text: '1-2' },
      { name: 'sigma', text: '0.001, 0.004' },
    ]);
    const exported = await call('sweeps:export', { sweep });
    console.log(`cluster export (fake 35-byte bundle): ${exported.bytes.length} bytes`);
    expect(exported.fileName).toBe('grid-cluster.zip');
    const files = unzipSync(exported.bytes);
    expect(Object.keys(files).sort()).toEqual(
      [
        'grid/README.txt',
        'grid/gainlab.mjs',
        'grid/My project.gainlab',
        'grid/My_project.sweeps/grid.sweep.json',
        'grid/My_project.sweeps/grid/sweep.json',
        'grid/My_project.sweeps/grid/plan.json',
        'grid/My_project.sweeps/grid/sweep.sbatch',
        'grid/My_project.sweeps/grid/logs/README.txt',
      ].sort(),
    );
    expect(strFromU8(files['grid/gainlab.mjs'])).toBe(readFileSync(fakeBundle, 'utf8'));
    // the sweep file is the text the app runs (so the task ids agree)
    expect(strFromU8(files['grid/My_project.sweeps/grid.sweep.json'])).toBe(readFileSync(path.join(workDir, 'My_project.sweeps', 'grid.sweep.json'), 'utf8'));
    const script = strFromU8(files['grid/My_project.sweeps/grid/sweep.sbatch']);
    expect(script).toContain('#SBATCH --array=0-3%4');
    expect(script).toContain('#SBATCH --output=My_project.sweeps/grid/logs/%A_%a.out');
    expect(script).toMatch(/exec node gainlab\.mjs sweep run My_project\.sweeps\/grid\.sweep\.json --out My_project\.sweeps\/grid --jobs 1 --task "\$TASK"/);
    const readme = strFromU8(files['grid/README.txt']);
    expect(readme).toContain('node gainlab.mjs sweep slurm My_project.sweeps/grid.sweep.json --out My_project.sweeps/grid --submit');
    expect(readme).toContain('node gainlab.mjs sweep collect My_project.sweeps/grid');

    // unpacked elsewhere, the CLI runs the exported sweep file: the same task ids and bits
    const cluster = path.join(workDir, 'cluster');
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(cluster, name)), { recursive: true });
      writeFileSync(path.join(cluster, name), bytes);
    }
    const top = path.join(cluster, 'grid');
    const run = await gainlab(top, 'sweep', 'run', 'My_project.sweeps/grid.sweep.json', '--out', 'My_project.sweeps/grid', '--jobs', '1');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ tasks: 4, done: 4, failed: 0 });
    const appFiles = taskFiles(path.join(workDir, 'My_project.sweeps', 'grid'));
    const cliFiles = taskFiles(path.join(top, 'My_project.sweeps', 'grid'));
    expect([...cliFiles.keys()].sort()).toEqual([...appFiles.keys()].sort());
    for (const [key, bytes] of appFiles) expect(bytes.equals(cliFiles.get(key)!), key).toBe(true);

    expect(readme).toContain('Add --together to the first command');

    // exported with the seeds together: one array task per σ (its two seeds trained together),
    // the array tasks as SLURM runs them give the app's bits
    const grouped = unzipSync((await call('sweeps:export', { sweep, together: true })).bytes);
    const groupedScript = strFromU8(grouped['grid/My_project.sweeps/grid/sweep.sbatch']);
    expect(groupedScript).toContain('#SBATCH --array=0-1%2');
    expect(groupedScript).toMatch(/ --jobs 1 --group "\$TASK"\n/);
    const groupedPlan = JSON.parse(strFromU8(grouped['grid/My_project.sweeps/grid/plan.json'])) as { tasks: Array<{ factors: Record<string, string> }>; arrayTasks: number[][] };
    expect(groupedPlan.arrayTasks.map((group) => group.length)).toEqual([2, 2]);
    for (const group of groupedPlan.arrayTasks) expect(new Set(group.map((index) => groupedPlan.tasks[index].factors.sigma)).size).toBe(1);
    expect(strFromU8(grouped['grid/README.txt'])).toContain('--out My_project.sweeps/grid --together --submit');
    const clusterTogether = path.join(workDir, 'cluster-together');
    for (const [name, bytes] of Object.entries(grouped)) {
      mkdirSync(path.dirname(path.join(clusterTogether, name)), { recursive: true });
      writeFileSync(path.join(clusterTogether, name), bytes);
    }
    const topTogether = path.join(clusterTogether, 'grid');
    for (const group of ['1', '0']) {
      const arrayTask = await gainlab(topTogether, 'sweep', 'run', 'My_project.sweeps/grid.sweep.json', '--out', 'My_project.sweeps/grid', '--jobs', '1', '--group', group);
      expect(arrayTask.code, arrayTask.stderr).toBe(0);
      expect(arrayTask.json).toMatchObject({ selected: 2, done: 2 });
    }
    const togetherFiles = taskFiles(path.join(topTogether, 'My_project.sweeps', 'grid'));
    expect([...togetherFiles.keys()].sort()).toEqual([...appFiles.keys()].sort());
    for (const [key, bytes] of appFiles) expect(bytes.equals(togetherFiles.get(key)!), key).toBe(true);
  });

  it('refuses NaN, tasks their inputs cannot run, unknown sources and a missing bundle, each in one line', async () => {
    const sweep = sweepFromRun('bad', [{ name: 'seed', text: '1' }]);
    const nan = await refused('sweeps:plan', { sweep: { ...sweep, base: { ...(sweep.base as object), sigma: Number.NaN } } });
    expect(nan.code).toBe('invalid-payload');
    expect(nan.message).toMatch(/base\.sigma/);
    const tooMany = await refused('sweeps:plan', { sweep: { ...sweep, factors: { groups: [4, 40] } } });
    // the second task, numbered from 1 as the app numbers everything (its index in files is 1)
    expect(tooMany.message).toMatch(/task 2 \(groups random 40\): 40 groups for a network of 20 neurons/);
    const folderSource = await refused('sweeps:plan', { sweep: { ...sweep, base: { ...(sweep.base as object), source: { networkDir: 'net', target: 't.npy' } } } });
    expect(folderSource.message).toMatch(/network of the open project/);
    const unknownTarget = await refused('sweeps:plan', { sweep: { ...sweep, factors: { targets: ['nope'] } } });
    expect(unknownTarget.message).toMatch(/no target with id "nope"/);
    expect(unknownTarget.message.split('\n')).toHaveLength(1);

    const noBundle = sourceAppContext({ cliBundleFile: path.join(workDir, 'missing.mjs') });
    try {
      const envelope = await dispatch(noBundle.handlers, 'project:open', { path: projectFile });
      expect(envelope.ok).toBe(true);
      const missing = await dispatch(noBundle.handlers, 'sweeps:export', { sweep });
      expect(missing.ok).toBe(false);
      expect((missing as { error: { message: string } }).error.message).toMatch(/single-file CLI is missing .*missing\.mjs.*npm run bundle-cli/);
    } finally {
      await noBundle.dispose();
    }
    expect(existsSync(path.join(workDir, 'My_project.sweeps', 'bad'))).toBe(false);
  });
});
