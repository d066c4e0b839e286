/**
 * The project owns its runs and results (issue 9), through the real services as web mode wires
 * them (handlers → job manager on the real worker → project session with files in a temp dir):
 * - every kind of job started in a project ends up in that project, whether or not anything
 *   looked at it, and survives save → reopen unchanged (the invariant: a project in memory is
 *   always saveable);
 * - a job whose project was closed delivers to that project, not to the open one;
 * - NaN/Inf in a request are refused at the boundary with the field named;
 * - deletions ask for their dependents and undo exactly.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestOf } from '../../src-shared/ipc/contract.js';
import type { ExperimentResultRecord, PrimitiveLibrary, SpeedManifold, TrainingRun } from '../../src-shared/project/schema.js';
import type { AppContext } from '../../src-main/services/appServices.js';
import { sourceAppContext } from './fixtures/sourceAppContext.js';
import { tempDir } from '../helpers/tempDirs.js';
import { handlerCalls, syntheticProjectPieces } from './appContextHelpers.js';
import { runView } from '../../src-shared/project/view.js';
import { baseFromRun, checkDraft } from '../../src-shared/sweeps/draft.js';

let context: AppContext;
let configDir: string;
let workDir: string;

const { call, refused, freshProject: freshProjectWith } = handlerCalls(() => context);
/** A fresh project with the synthetic network (two initial conditions) and target. */
const freshProject = () => freshProjectWith({ initialConditions: 2 });

const source = { kind: 'project' as const, networkId: 'net', targetIds: ['tgt'] };

beforeAll(() => {
  configDir = tempDir('own-config');
  workDir = tempDir('own-work');
  context = sourceAppContext({ configDir });
});

afterAll(() => context.dispose());

describe('every job kind started in a project is kept by it, through save and reopen', () => {
  it('reward, grouped, specialised, gradient (gains, x0), refine, speed, library, experiment and sweep results', { timeout: 240_000 }, async () => {
    await freshProject();
    const started: string[] = [];
    const start = async (request: RequestOf<'jobs:start-training'>) => {
      const { jobId } = await call('jobs:start-training', request);
      started.push(jobId);
      return jobId;
    };
    // nothing below ever "shows" a job: no jobs:get, no selection — main stores the results itself
    const reward = await start({ source, rule: 'reward', trials: 30, sessions: 3, groups: { kind: 'neuron' }, seed: 11 });
    await context.jobs.whenFinished(reward);
    const grouped = await start({ source, rule: 'reward', trials: 20, groups: { kind: 'random', count: 4 }, seed: 12 });
    const specialised = await start({ source, rule: 'reward', trials: 20, groups: { kind: 'specialised', count: 3, runIds: [reward] }, seed: 13 });
    const gradient = await start({ source, rule: 'gradient', trials: 8, groups: { kind: 'neuron' }, seed: 14 });
    const gradientX0 = await start({ source, rule: 'gradient', trials: 6, groups: { kind: 'neuron' }, trainable: 'x0', seed: 15 });
    const refine = await start({ source, rule: 'gradient', trials: 5, groups: { kind: 'neuron' }, seed: 16, purpose: 'refine', initialGains: new Float64Array(20).fill(1.05) });
    const speed = await call('jobs:start-speed', { networkId: 'net', initialConditions: 1, speeds: 2, maxFactor: 1.5, rule: 'gradient', trials: 4, groups: { kind: 'neuron' }, seed: 17 });
    const library = await call('primitives:create-library', {
      networkId: 'net',
      name: 'Two patterns',
      trainings: [
        { source, rule: 'gradient', trials: 4, groups: { kind: 'neuron' }, seed: 18 },
        { source, rule: 'gradient', trials: 4, groups: { kind: 'neuron' }, seed: 19 },
      ],
    });
    const experiment = await call('jobs:start-experiment', { experiment: 'supp1f', quick: true, seed: 3, overrides: { iterations: 2, targets: 1 } });
    const soc = await call('jobs:start-soc', { n: 10, seed: 2, recipe: 'adaptive' });
    const all = [...started, speed.jobId, ...(library.startedJobIds ?? []), experiment.jobId, soc.jobId];
    for (const jobId of all) await context.jobs.whenFinished(jobId);
    // the library is created in main once its runs finished
    for (let k = 0; k < 100 && !context.services.projects.project().primitiveLibraries.some((l) => l.id === library.libraryId); k++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const before = context.services.projects.project();
    for (const jobId of [...started, ...(library.startedJobIds ?? [])]) {
      expect(before.runs.map((r) => r.id), `run ${jobId} is in the project`).toContain(jobId);
    }
    const runOf = (id: string) => before.runs.find((r) => r.id === id)!;
    expect(runOf(reward).sessions).toHaveLength(3);
    expect(runOf(grouped).groupLabels).toHaveLength(20);
    expect(new Set(runOf(specialised).groupLabels).size).toBe(3);
    expect(runOf(specialised).settings.groups).toEqual({ kind: 'specialised', count: 3, runIds: [reward] });
    expect(runOf(gradientX0).sessions[0].bestParameters).toHaveLength(20);
    expect(runOf(refine).purpose).toBe('refine');
    expect(Array.from(runOf(refine).initialGains!)).toEqual(new Array(20).fill(1.05));
    expect(runOf(library.startedJobIds![0]).purpose).toBe('library');
    expect(before.speedManifolds.map((m) => m.id)).toEqual([speed.jobId]);
    expect(before.primitiveLibraries.map((l) => l.id)).toEqual([library.libraryId]);
    expect(before.experimentResults.map((r) => r.id)).toEqual([experiment.jobId]);
    expect(before.experimentResults[0].figures.length).toBeGreaterThan(0);
    // a SOC build is not a run: its W becomes a network only when the user adds it
    expect(before.networks.map((n) => n.id)).toEqual(['net']);

    // save → reopen: every item is there and equal, arrays bit for bit
    const file = path.join(workDir, 'owned.gainlab');
    await call('project:saveAs', { path: file });
    const entries = unzipSync(new Uint8Array(await import('node:fs/promises').then((fs) => fs.readFile(file))));
    const json = JSON.parse(new TextDecoder().decode(entries['project.json'])) as { runs: unknown[]; experimentResults: unknown[] };
    expect(json.runs).toHaveLength(started.length + (library.startedJobIds?.length ?? 0));
    expect(json.experimentResults).toHaveLength(1);
    await call('project:new', {});
    await call('project:open', { path: file });
    const after = context.services.projects.project();
    const strip = (p: typeof before) => ({ ...p, modifiedAt: '' });
    // the never-named project took the file's name with its first Save As
    expect(strip(after)).toEqual(strip({ ...before, name: 'owned', modifiedAt: '' }));
    // and the full items the renderer fetches by id
    const run = await call('project:run', { runId: reward });
    expect(Array.from((run as TrainingRun).sessions[2].errorCurve)).toEqual(Array.from(runOf(reward).sessions[2].errorCurve));
    expect(((await call('project:library', { libraryId: library.libraryId })) as PrimitiveLibrary).gains.shape).toEqual([2, 20]);
    expect(((await call('project:result', { resultId: experiment.jobId })) as ExperimentResultRecord).definition).toBe('supp1f');
    expect((after.speedManifolds[0] as SpeedManifold).gains.data).toEqual(before.speedManifolds[0].gains.data);

    // the sweep job kind needs a project with a file (its folder lies beside it): now it has one
    const { base } = baseFromRun(runView(runOf(grouped)));
    const draft = checkDraft({ name: 'owned', base: { ...base, trials: 10 }, design: 'grid', factors: [{ name: 'seed', text: '1-2' }] }, file);
    if ('problem' in draft) throw new Error(draft.problem);
    const sweep = await call('sweeps:run', { sweep: draft.json });
    await context.jobs.whenFinished(sweep.jobId);
    const withSweep = context.services.projects.project();
    const sweepResult = withSweep.experimentResults.find((r) => r.id !== experiment.jobId);
    expect(sweepResult?.kind).toBe('sweep');
    expect(sweepResult?.definition).toBe('owned');
    await call('project:save', {});
    await call('project:new', {});
    await call('project:open', { path: file });
    expect(strip(context.services.projects.project())).toEqual(strip({ ...withSweep, modifiedAt: '' }));
  });
});

describe('results go to the project their job belongs to', () => {
  it('a job of a closed project is kept for it, not added to the open one, and offered when it reopens', { timeout: 60_000 }, async () => {
    await freshProject();
    const fileA = path.join(workDir, 'a.gainlab');
    await call('project:saveAs', { path: fileA });
    const projectA = context.services.projects.project().id;
    const { jobId } = await call('jobs:start-training', { source, rule: 'reward', trials: 400, groups: { kind: 'neuron' }, seed: 21 });
    // close A while the job runs: open another project with a network of the same id
    const b = await freshProject();
    expect(b.project.id).not.toBe(projectA);
    await context.jobs.whenFinished(jobId);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(context.services.projects.project().runs).toHaveLength(0);
    expect(context.services.projects.current().pending).toBeNull();
    // B saves fine (nothing leaked into it)
    await call('project:saveAs', { path: path.join(workDir, 'b.gainlab') });

    const reopened = await call('project:open', { path: fileA });
    expect(reopened.pending).toEqual({ count: 1, labels: [expect.stringContaining('seed 21')] });
    expect(reopened.project.runs).toHaveLength(0);
    const added = await call('project:pending', { action: 'add' });
    expect(added.project.runs.map((r) => r.id)).toEqual([jobId]);
    expect(added.pending).toBeNull();
    expect(added.dirty).toBe(true);
    await call('project:save', {});
  });
});

describe('a sweep of a closed project', () => {
  it('its folder imported on reopening, then its waiting result added: the sweep is stored once', { timeout: 120_000 }, async () => {
    await freshProject();
    const fileA = path.join(workDir, 'sweep-closed.gainlab');
    const { jobId: runId } = await call('jobs:start-training', { source, rule: 'reward', trials: 20, groups: { kind: 'random', count: 4 }, seed: 31 });
    await context.jobs.whenFinished(runId);
    await call('project:saveAs', { path: fileA });
    const run = context.services.projects.project().runs.find((r) => r.id === runId)!;
    const { base } = baseFromRun(runView(run));
    const draft = checkDraft({ name: 'closed', base: { ...base, trials: 1500 }, design: 'grid', factors: [{ name: 'seed', text: '1-2' }] }, fileA);
    if ('problem' in draft) throw new Error(draft.problem);
    const sweep = await call('sweeps:run', { sweep: draft.json });
    // close the project while the sweep runs: its result waits for it
    await freshProject();
    await context.jobs.whenFinished(sweep.jobId);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(context.services.projects.project().experimentResults).toHaveLength(0);

    const reopened = await call('project:open', { path: fileA });
    expect(reopened.pending?.count).toBe(1);
    const imported = await call('sweeps:import', { path: sweep.dir });
    expect(imported).toMatchObject({ stored: 'added', tasks: 2, done: 2 });
    const sweeps = () => context.services.projects.project().experimentResults.filter((r) => r.kind === 'sweep');
    expect(sweeps().map((r) => r.id)).toEqual([imported.resultId]);
    // the waiting result is the same sweep (the same content key): not stored a second time
    const added = await call('project:pending', { action: 'add' });
    expect(added.pending).toBeNull();
    expect(sweeps().map((r) => r.id)).toEqual([imported.resultId]);
  });
});

describe('finite by contract', () => {
  it('NaN starting gains are refused before any job starts, with the field named', async () => {
    await freshProject();
    const before = context.jobs.list().length;
    const gains = new Float64Array(20).fill(1);
    gains[3] = NaN;
    const error = await refused('jobs:start-training', { source, rule: 'reward', trials: 5, groups: { kind: 'neuron' }, seed: 1, initialGains: gains });
    expect(error.code).toBe('invalid-payload');
    expect(error.message).toMatch(/initialGains: entry 3 is NaN/);
    expect(context.jobs.list().length).toBe(before);
  });

  it('an Infinity in W sent through a project update is refused and the project stays saveable', async () => {
    await freshProject();
    const { network } = syntheticProjectPieces(2);
    const W = Float64Array.from(network.W);
    W[7] = Infinity;
    const error = await refused('project:update', { upsertNetworks: [{ ...network, id: 'bad', W }] });
    expect(error.message).toMatch(/upsertNetworks\.0\.W: entry 7 is Infinity/);
    expect(context.services.projects.project().networks.map((n) => n.id)).toEqual(['net']);
    await call('project:saveAs', { path: path.join(workDir, 'finite.gainlab') });
  });
});

describe('deleting asks for dependents and undoes exactly', () => {
  it('a target with runs: refused without withDependents, removed with them, and undo brings both back in place', { timeout: 60_000 }, async () => {
    await freshProject();
    const { jobId } = await call('jobs:start-training', { source, rule: 'reward', trials: 10, groups: { kind: 'neuron' }, seed: 31 });
    await context.jobs.whenFinished(jobId);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = context.services.projects.project();
    const info = await call('project:dependents', { items: [{ collection: 'targets', id: 'tgt' }] });
    expect(info.dependents).toEqual([{ collection: 'runs', id: jobId, name: expect.any(String) }]);
    const error = await refused('project:remove-items', { items: [{ collection: 'targets', id: 'tgt' }] });
    expect(error.message).toMatch(/would also delete 1 run/);
    const removed = await call('project:remove-items', { items: [{ collection: 'targets', id: 'tgt' }], withDependents: true });
    expect(removed.project.targets).toHaveLength(0);
    expect(removed.project.runs).toHaveLength(0);
    expect(removed.undo).toBe('Delete target “Synthetic target”');
    const undone = await call('project:undo', {});
    expect(undone.redo).toBe('Delete target “Synthetic target”');
    const restored = context.services.projects.project();
    expect(restored.targets).toEqual(before.targets);
    expect(restored.runs).toEqual(before.runs);
    const redone = await call('project:redo', {});
    expect(redone.project.runs).toHaveLength(0);
    await call('project:undo', {});
    await call('project:saveAs', { path: path.join(workDir, 'undo.gainlab') });
  });

  it('items a running job uses cannot be deleted', { timeout: 60_000 }, async () => {
    await freshProject();
    const { jobId } = await call('jobs:start-training', { source, rule: 'reward', trials: 100_000, groups: { kind: 'neuron' }, seed: 41 });
    const error = await refused('project:remove-items', { items: [{ collection: 'networks', id: 'net' }], withDependents: true });
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/still uses it/);
    context.jobs.cancel(jobId);
    await context.jobs.whenFinished(jobId);
  });
});

describe('recovery copies stay until a save or Discard', () => {
  it('opening other projects keeps the copy; saving the project removes it', async () => {
    await freshProject();
    const file = path.join(workDir, 'recover.gainlab');
    await call('project:saveAs', { path: file });
    await call('project:update', { name: 'Edited' });
    const session = context.services.projects as unknown as { flushRecovery(): Promise<void> };
    await session.flushRecovery();
    const copies = () => (existsSync(path.join(configDir, 'recovery')) ? readdirSync(path.join(configDir, 'recovery')).filter((f) => f.endsWith('.gainlab')) : []);
    expect(copies()).toHaveLength(1);
    expect(context.services.projects.current().autosave.state).toBe('saved');
    await call('project:new', {});
    await call('example:load', {});
    expect(copies()).toHaveLength(1);
    await call('project:open', { path: file });
    await call('project:update', { name: 'Edited again' });
    await call('project:save', {});
    expect(copies()).toHaveLength(0);
  });
});
