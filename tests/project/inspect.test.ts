import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src-cli/commands/inspect.js';
import { decodeProject, encodeProject, projectToEntries, zipEntries } from '../../src-shared/project/archive.js';
import { sampleProject } from './fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gainlab-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function inspect(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, cwd: dir });
  return { code, out, err };
}

describe('gainlab inspect', () => {
  it('lists networks, targets, runs and array shapes', async () => {
    writeFileSync(path.join(dir, 'sample.gainlab'), encodeProject(sampleProject(), { appVersion: '0.1.0' }));
    const { code, out, err } = await inspect(['sample.gainlab']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('sample.gainlab: GainLab project');
    expect(out).toContain('written by GainLab 0.1.0');
    expect(out).toContain('net-a  "Small SOC"  N = 12 (nE = 6), α = 0.14990');
    expect(out).toContain('W (12, 12), initial conditions (2, 12)');
    expect(out).toContain('readout (2, 7), fitted to reach (E = 0.0123)');
    expect(out).toContain('Targets (4)');
    expect(out).toContain('reach-slow  "Reach ×2 slower"  2 channels × 99 samples, 1000 ms, slow variant ×2 of "Reach", amplitude × 1/s²');
    expect(out).toContain('emg  "Imported EMG"  1 channel × 3 samples, 300 ms, imported from emg.csv');
    expect(out).toContain('id: 0123456789abcdef');
    expect(out).toContain('Training runs (1)');
    // id, name, rule, purpose, network, target, best error (min over sessions 0.5 and 1.5), trials (10 + 10), status
    expect(out).toContain('run-1  "Reward rule, 10 trials"  reward rule, train, on net-a → reach, best E 0.500 (from 1.75), 2 sessions × 10 trials, seed 5, done');
    expect(out).toContain('    notes: First try; σ from the paper. Second line.');
    // sessions numbered from 1, as the app shows them (src-shared/formats/sessionNumbers.ts)
    expect(out).toContain('session 1: seed');
    expect(out).toContain('session 2: seed');
    expect(out).not.toContain('session 0');
    expect(out).toContain('output (2, 50)');
    expect(out).toContain('Primitive libraries (1)');
    expect(out).toContain('gains (1, 12), outputs (1, 2, 50)');
    expect(out).toContain('durations 500, 1000 ms, gains (2, 12)');
    expect(out).toContain('Experiment results (1)');
    expect(out).toContain('result-1  "Fig. 1 (quick)"  experiment fig1 (quick), cancelled, on net-a, 1 figure, 2 arrays, 1 table, 1 text, seed 11, 1.2 s');
    expect(out).toContain('    array "error curves" (3, 4)');
    expect(out).not.toContain('read by migration');
    expect(out).not.toContain('ignored zip entries');
  });

  it('counts a gradient run in iterations, as the app does, and a reward run in trials', async () => {
    const project = sampleProject();
    const reward = project.runs[0];
    project.runs.push({ ...reward, id: 'run-2', name: 'Adam', rule: 'gradient', notes: '', sessions: [{ ...reward.sessions[0], bestTrial: 300, trialsRun: 300 }] });
    writeFileSync(path.join(dir, 'gradient.gainlab'), encodeProject(project, { appVersion: '0.1.0' }));
    const { code, out } = await inspect(['gradient.gainlab']);
    expect(code).toBe(0);
    expect(out).toContain('run-2  "Adam"  gradient rule, train, on net-a → reach, best E 0.500 (from 1.75), 1 session × 300 iterations, seed 5, done');
    expect(out).toMatch(/session 1: seed \d+, best E = 0\.500 at iteration 300\/300;/);
    expect(out).toContain('2 sessions × 10 trials');
    // sessions of different lengths (a run stopped in its second session): the total, said as one
    const stopped = sampleProject();
    stopped.runs[0].sessions[1] = { ...stopped.runs[0].sessions[1], trialsRun: 5 };
    writeFileSync(path.join(dir, 'stopped.gainlab'), encodeProject(stopped, { appVersion: '0.1.0' }));
    expect((await inspect(['stopped.gainlab'])).out).toContain('2 sessions, 15 trials in all, seed 5');
    expect(out).toMatch(/session 1: seed \d+, best E = 0\.500 at trial 7\/10;/);
  });

  it('names zip entries project.json does not reference (never read)', async () => {
    const { json, files } = projectToEntries(sampleProject());
    writeFileSync(path.join(dir, 'extra.gainlab'), zipEntries({ 'project.json': json, ...Object.fromEntries(files), 'notes/readme.txt': 'hello' }));
    const { code, out } = await inspect(['extra.gainlab']);
    expect(code).toBe(0);
    expect(out).toContain('ignored zip entries (not referenced by project.json, never read): notes/readme.txt');
    expect(JSON.parse((await inspect(['extra.gainlab', '--json'])).out).ignoredEntries).toEqual(['notes/readme.txt']);
  });

  it('opens a format-3 file through the migration and says so', async () => {
    const { json, files } = projectToEntries(sampleProject());
    const v3 = JSON.parse(JSON.stringify(json));
    v3.schemaVersion = 3;
    delete v3.id;
    delete v3.experimentResults;
    for (const run of v3.runs) {
      delete run.notes;
      delete run.purpose;
    }
    for (const item of [...v3.primitiveLibraries, ...v3.speedManifolds]) delete item.notes;
    const arrays = Object.fromEntries([...files].filter(([name]) => !name.startsWith('arrays/results/')));
    writeFileSync(path.join(dir, 'v3.gainlab'), zipEntries({ 'project.json': v3, ...arrays }));
    const { code, out, err } = await inspect(['v3.gainlab']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^v3\.gainlab: GainLab project, .* \(file format 3, read by migration\)/);
    expect(out).toMatch(/\nid: legacy-[0-9a-f]{16}\n/);
    expect(out).toContain('run-1  "Reward rule, 10 trials"  reward rule, train, on net-a → reach, best E 0.500 (from 1.75), 2 sessions × 10 trials, seed 5, done');
    expect(out).toContain('Experiment results (0)');
    const summary = JSON.parse((await inspect(['v3.gainlab', '--json'])).out);
    expect(summary.fromVersion).toBe(3);
    expect(summary.runs[0]).toMatchObject({ purpose: 'train', trials: 20, status: 'done' });
    expect(summary.experimentResults).toEqual([]);
  });

  it('prints a JSON summary with --json', async () => {
    writeFileSync(path.join(dir, 'sample.gainlab'), encodeProject(sampleProject()));
    const { code, out } = await inspect(['sample.gainlab', '--json']);
    expect(code).toBe(0);
    const summary = JSON.parse(out);
    expect(summary.networks[0]).toMatchObject({ id: 'net-a', n: 12, nE: 6, alpha: 0.1499, shapes: { W: [12, 12], initialConditions: [2, 12], readout: [2, 7] } });
    expect(summary.targets).toHaveLength(4);
    expect(summary.runs[0]).toMatchObject({ id: 'run-1', rule: 'reward', purpose: 'train', bestError: 0.5, trials: 20, status: 'done' });
    expect(summary.experimentResults).toEqual([
      {
        id: 'result-1',
        name: 'Fig. 1 (quick)',
        kind: 'experiment',
        definition: 'fig1',
        quick: true,
        status: 'cancelled',
        networkId: 'net-a',
        figures: 1,
        arrays: [{ name: 'error curves', shape: [3, 4] }, { name: 'empty', shape: [0] }],
        tables: 1,
        texts: 1,
      },
    ]);
  });

  it('a bad file prints the message the app shows and exits with 2', async () => {
    const { json, files } = projectToEntries(sampleProject());
    const entries = Object.fromEntries(files);
    delete entries['arrays/targets/0/values.npy'];
    const broken = zipEntries({ 'project.json': json, ...entries });
    writeFileSync(path.join(dir, 'broken.gainlab'), broken);
    let appMessage = '';
    try {
      decodeProject(broken, { fileName: 'broken.gainlab' });
    } catch (error) {
      appMessage = (error as Error).message;
    }
    expect(appMessage).toMatch(/missing from the archive/);
    const { code, out, err } = await inspect(['broken.gainlab']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(`${appMessage}\n`);

    const missing = await inspect(['nothing-here.gainlab']);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('"nothing-here.gainlab": could not open the file: the file does not exist.\n');
  });

  it('usage errors exit with 2', async () => {
    expect((await inspect([])).code).toBe(2);
    expect((await inspect(['a.gainlab', 'b.gainlab'])).err).toMatch(/one file at a time/);
    expect((await inspect(['--frobnicate', 'a.gainlab'])).err).toMatch(/unknown option --frobnicate/);
    const help = await inspect(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: gainlab inspect/);
  });
});

describe('gainlab inspect through the gainlab command', () => {
  it('is dispatched by main() and gives exit code 2 on a bad file', async () => {
    const { main } = await import('../../src-cli/gainlab.js');
    writeFileSync(path.join(dir, 'ok.gainlab'), encodeProject(sampleProject()));
    writeFileSync(path.join(dir, 'bad.gainlab'), 'plain text');
    let out = '';
    let err = '';
    const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, cwd: dir };
    expect(await main(['inspect', 'ok.gainlab'], io)).toBe(0);
    expect(out).toContain('N = 12 (nE = 6)');
    expect(await main(['inspect', 'bad.gainlab'], io)).toBe(2);
    expect(err).toMatch(/^"bad\.gainlab": this is not a GainLab project file: the file is not a zip archive/);
  });
});
