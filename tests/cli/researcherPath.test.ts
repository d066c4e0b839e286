/**
 * What a researcher meets walking through `gainlab` (src-cli/gainlab.ts): the files train and run
 * write are the ones their --help lists, with those shapes (src-cli/commands/train.ts,
 * src-cli/commands/run.ts, src-cli/cliSupport.ts usageText), the two paths agree on the same
 * session; and mistakes get one line and exit code 2 before any work is done: an --out that is a
 * file for `experiment` (src-cli/commands/experiment.ts), a .npy given to `run` as its recipe,
 * `inspect` with a wrong option (src-cli/commands/inspect.ts), files of the wrong shape named in
 * NumPy's words (src-cli/commands/simulate.ts loadGains, src-cli/cliSupport.ts loadNetworkDir), a
 * sweep run into another sweep's directory (src-cli/commands/sweep.ts), an option given to a
 * command that has none (src-cli/cliSupport.ts optionsLine), a setting of the other learning rule
 * (src-cli/commands/train.ts), a seed out of range for `reproduce` (src-cli/commands/reproduce.ts).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { encodeNpy, parseNpy } from '../../src-shared/formats/npy.js';
import { hasReference, referenceDir, referenceSkipReason } from '../helpers/reference.js';
import { makeNetworkDir, writeSweep, writeTarget } from '../sweeps/sweepFixtures.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'gainlab-walk-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const gainlab = (...argv: string[]) => runCli(scratch, argv);
const readNpy = (file: string) => parseNpy(new Uint8Array(readFileSync(path.join(scratch, file))));
const ref = (name: string) => path.join(referenceDir, name);

/** The refusal is one line on stderr, exit code 2, nothing on stdout. */
function expectOneLineRefusal(result: { code: number; stdout: string; stderr: string }, message: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n'), result.stderr).toHaveLength(1);
  expect(result.stderr.trimEnd()).toMatch(message);
}

describe('train and run write what their --help lists', () => {
  it('train: best session alone, (n,) and (trials + 1,); run: every session, (sessions, n) and errors-session-K; the same numbers', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const trainHelp = (await gainlab('train', '--help')).stdout;
    expect(trainHelp).toMatch(/^writes to --out DIR/m);
    expect(trainHelp).toMatch(/^ {2}best-gains\.npy +\(n,\)/m);
    expect(trainHelp).toMatch(/^ {2}errors\.npy +\(trials \+ 1,\) error E per trial: \[0\] with the starting gains/m);
    const runHelp = (await gainlab('run', '--help')).stdout;
    expect(runHelp).toMatch(/^ {2}best-gains\.npy +\(sessions, n\) row k: session k \+ 1's best gains/m);
    expect(runHelp).toMatch(/^ {2}errors-session-K\.npy +\(trials \+ 1,\)/m);
    expect(runHelp).toMatch(/default: NAME-repeat beside the recipe NAME\.json/);

    const trials = 12;
    const trained = await gainlab('train', '--net', referenceDir, '--target', ref('novel_target.npy'), '--trials', String(trials), '--sessions', '2', '--seed', '3', '--out', 'tr');
    expect(trained.code, trained.stderr).toBe(0);
    const bestSession = trained.json.bestSession as number;
    const gains = readNpy('tr/best-gains.npy');
    const errors = readNpy('tr/errors.npy');
    expect(gains.shape).toEqual([200]);
    expect(errors.shape).toEqual([trials + 1]);
    // [0] is the starting gains' error (the published 4.1768), bestTrial indexes the curve
    expect(errors.data[0]).toBeCloseTo(4.1768, 4);
    expect(errors.data[trained.json.bestTrial as number]).toBe(trained.json.bestError);

    const repeated = await gainlab('run', 'tr/recipe.json');
    expect(repeated.code, repeated.stderr).toBe(0);
    expect(repeated.json.identical).toBe(true);
    expect(repeated.json.out).toBe(path.join(scratch, 'tr', 'recipe-repeat'));
    const stacked = readNpy('tr/recipe-repeat/best-gains.npy');
    expect(stacked.shape).toEqual([2, 200]);
    expect(repeated.json.bestSession).toBe(bestSession);
    // row bestSession of run's best-gains.npy is train's best-gains.npy, bit for bit
    expect(Array.from(stacked.data.subarray(bestSession * 200, (bestSession + 1) * 200))).toEqual(Array.from(gains.data));
    // errors-session-K (K from 1) of the best session is train's errors.npy
    expect(Array.from(readNpy(`tr/recipe-repeat/errors-session-${bestSession + 1}.npy`).data)).toEqual(Array.from(errors.data));
  });

  it('soc --help lists W.npy, x0.npy and soc-log.json with their shapes', async () => {
    const help = (await gainlab('soc', '--help')).stdout;
    expect(help).toMatch(/^ {2}W\.npy +\(n, n\) row i = inputs to neuron i/m);
    expect(help).toMatch(/^ {2}x0\.npy +\(n,\)/m);
  });
});

describe('mistakes get one line and exit code 2', () => {
  it('experiment --out onto an existing file is refused before the experiment runs (it ran the whole experiment first)', async () => {
    writeFileSync(path.join(scratch, 'taken.txt'), 'a file, not a folder');
    const result = await gainlab('experiment', 'fig1', '--quick', '--out', 'taken.txt');
    expectOneLineRefusal(result, /^cannot create output directory .*taken\.txt \(.*taken\.txt is not a folder\)$/m);
    // no progress line: nothing was computed (the quick fig1 takes seconds)
    expect(result.stderr).not.toMatch(/fig1: /);
  });

  it('run given an .npy (or any binary file) as its recipe says what it is, without quoting its bytes', async () => {
    writeFileSync(path.join(scratch, 'rates.npy'), encodeNpy(new Float64Array(6), [2, 3]));
    let result = await gainlab('run', 'rates.npy');
    expectOneLineRefusal(result, /^gainlab run: .*rates\.npy is a NumPy \.npy file, not a run recipe; give the recipe\.json that gainlab train writes into its --out folder/);
    expect(result.stderr).not.toMatch(/JSON|\uFFFD|\x93/);
    writeFileSync(path.join(scratch, 'picture.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    result = await gainlab('run', 'picture.png');
    expectOneLineRefusal(result, /^gainlab run: .*picture\.png is a binary file, not a run recipe/);
    // a JSON text that is no recipe keeps the recipe check's own words
    writeFileSync(path.join(scratch, 'other.json'), '{"a": 1}');
    expectOneLineRefusal(await gainlab('run', 'other.json'), /not a GainLab run recipe/);
  });

  it('inspect: a wrong option or a missing file name is one line with the usage; --help says what it prints', async () => {
    expectOneLineRefusal(await gainlab('inspect', '--jsn', 'p.gainlab'), /^gainlab inspect: unknown option --jsn; usage: gainlab inspect FILE\.gainlab \[--json\]$/);
    expectOneLineRefusal(await gainlab('inspect'), /^gainlab inspect: give the project file; usage: gainlab inspect FILE\.gainlab \[--json\]$/);
    expectOneLineRefusal(await gainlab('inspect', 'a.gainlab', 'b.gainlab'), /^gainlab inspect: one file at a time; usage: /);
    const help = await gainlab('inspect', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: gainlab inspect FILE\.gainlab \[--json\]\n/);
    expect(help.stdout).toMatch(/^ {2}--json +the same as one JSON object on stdout$/m);
  });

  it('files of the wrong shape are named with the shape NumPy prints: (100,), not (100)', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    writeFileSync(path.join(scratch, 'half-gains.npy'), encodeNpy(new Float64Array(100).fill(1), [100]));
    expectOneLineRefusal(await gainlab('simulate', '--net', referenceDir, '--gains', 'half-gains.npy'), /^gains: .*half-gains\.npy must hold n = 200 values, got shape \(100,\)$/);
    const net = path.join(scratch, 'short-x0');
    mkdirSync(net);
    copyFileSync(ref('W.npy'), path.join(net, 'W.npy'));
    copyFileSync(ref('readout.npy'), path.join(net, 'readout.npy'));
    writeFileSync(path.join(net, 'x0.npy'), encodeNpy(new Float64Array(199), [199]));
    expectOneLineRefusal(await gainlab('simulate', '--net', 'short-x0'), /^network x0: .*x0\.npy must hold n = 200 values, got shape \(199,\)$/);
  });

  it('sweep run into the directory of another sweep is refused (it replaced that sweep\'s plan: its finished tasks vanished from status and collect)', async () => {
    const dir = path.join(scratch, 'sweeps');
    await makeNetworkDir(dir);
    writeTarget(dir, 'novel.npy', 2);
    const base = { source: { networkDir: 'net', target: 'novel.npy' }, rule: 'reward', trials: 20 };
    writeSweep(dir, 'first.sweep.json', { schemaVersion: 1, name: 'first', base, factors: { seed: [1, 2] } });
    writeSweep(dir, 'second.sweep.json', { schemaVersion: 1, name: 'second', base, factors: { sigma: [0.001, 0.002] } });
    const inDir = (...argv: string[]) => runCli(dir, argv);
    expect((await inDir('sweep', 'run', 'first.sweep.json', '--out', 'out', '--jobs', '1')).json.done).toBe(2);
    // slurm in-process needs a --bundle to exist (refused before it is copied or run)
    writeFileSync(path.join(dir, 'placeholder.mjs'), '');
    for (const [sub, ...extra] of [['run'], ['plan'], ['slurm', '--bundle', 'placeholder.mjs']]) {
      expectOneLineRefusal(await inDir('sweep', sub, 'second.sweep.json', '--out', 'out', ...extra), new RegExp(`^gainlab sweep ${sub}: .*out holds the sweep "first" \\(its plan\\.json\\), not "second"; give this sweep its own --out directory$`));
    }
    const status = await inDir('sweep', 'status', 'out');
    expect(status.json.sweep).toBe('first');
    expect(status.json.counts).toMatchObject({ done: 2 });
    // the same sweep with a factor level added keeps its directory and its finished tasks
    writeSweep(dir, 'first.sweep.json', { schemaVersion: 1, name: 'first', base, factors: { seed: [1, 2, 3] } });
    const grown = await inDir('sweep', 'run', 'first.sweep.json', '--out', 'out', '--jobs', '1');
    expect(grown.code, grown.stderr).toBe(0);
    expect(grown.json).toMatchObject({ tasks: 3, alreadyDone: 2, ran: 1 });
  });

  it('an option given to a command that takes none says so, not "valid options:  (…)"', async () => {
    expectOneLineRefusal(await gainlab('sweep', 'status', 'somewhere', '--json'), /^gainlab sweep status: unknown option --json; it takes no options \(see gainlab sweep status --help\)$/);
    expect((await gainlab('sweep', 'status', '--help')).stdout.split('\n')[0]).toBe('usage: gainlab sweep status DIR');
  });

  it('train refuses a setting of the other rule instead of ignoring it (--lr with the reward rule changed nothing)', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const base = ['train', '--net', referenceDir, '--target', ref('novel_target.npy'), '--trials', '3', '--out', 'rule-out'];
    expectOneLineRefusal(await gainlab(...base, '--lr', '0.1'), /^gainlab train: --lr applies to --rule gradient only; valid options: /);
    expectOneLineRefusal(await gainlab(...base, '--rule', 'gradient', '--sigma=0.002', '--alpha', '0.5'), /^gainlab train: --sigma and --alpha apply to --rule reward only; valid options: /);
    // each rule's own settings, and the other rule's left at their defaults, run
    expect((await gainlab(...base, '--sigma', '0.002')).code).toBe(0);
    expect((await gainlab(...base, '--rule', 'gradient', '--lr', '0.02')).code).toBe(0);
  });

  it('reproduce refuses a seed outside the range train, soc and experiment take, before running any part', async () => {
    const result = await gainlab('reproduce', '--quick', '--seed', '-1', '--out', 'repro-out');
    expectOneLineRefusal(result, /^gainlab reproduce: --seed must be a whole number from 0 to 4 294 967 295, got -1; valid options: /);
    expect((await gainlab('reproduce', '--help')).stdout).toMatch(/--seed S +master seed \(a whole number from 0 to 4 294 967 295\) \(default 1\)/);
  });
});
