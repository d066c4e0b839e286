import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { computeOutput, normalisedError, simulateReference } from '../../src-shared/model/dynamics.js';
import { createSchurWorkspace, maxReal, realSchurInto } from '../../src-shared/linalg/schur.js';
import { encodeNpy, parseNpy } from '../../src-shared/formats/npy.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { resampleTarget } from '../../src-shared/model/targets.js';
import { expectClose } from '../helpers/expectClose.js';
import { hasReference, referenceDir, referenceSkipReason } from '../helpers/reference.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'gainlab-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const run = (argv: string[], shouldStop?: () => boolean) => runCli(scratch, argv, shouldStop);
const gainlab = (...argv: string[]) => run(argv);

const readNpy = (file: string) => parseNpy(new Uint8Array(readFileSync(file)));
const ref = (name: string) => path.join(referenceDir, name);
/** The number printed after "error " on a result line. */
const printedError = (text: string) => Number(/error (\S+?)[;,\s]/.exec(text)?.[1]);

describe('gainlab: help and argument errors', () => {
  it('prints general and per-command help', async () => {
    const help = await gainlab('--help');
    expect(help.code).toBe(0);
    for (const name of ['soc', 'fit-readout', 'simulate', 'train', 'inspect']) expect(help.stdout).toContain(name);
    const trainHelp = await gainlab('train', '--help');
    expect(trainHelp.code).toBe(0);
    expect(trainHelp.stdout).toMatch(/usage: gainlab train .*--net DIR/);
    expect(trainHelp.stdout).toContain('--rule reward|gradient');
    expect((await gainlab('help', 'soc')).stdout).toContain('usage: gainlab soc');
    expect((await gainlab('inspect', '--help')).code).toBe(0); // registered, module present
    // the experiment's name is part of the synopsis (it read 'usage: gainlab experiment --out DIR …')
    expect((await gainlab('experiment', '--help')).stdout).toMatch(/^usage: gainlab experiment NAME --out DIR/);
    // what simulate writes, and in which orientation
    expect((await gainlab('simulate', '--help')).stdout).toMatch(/rates\.npy \(samples × n, time-major/);
  });

  it('gainlab sweep --help lists each subcommand with the options its own --help gives (they drifted apart)', async () => {
    const overview = (await gainlab('sweep', '--help')).stdout.split('\n');
    for (const sub of ['plan', 'run', 'slurm', 'status', 'resubmit', 'collect']) {
      const own = (await gainlab('sweep', sub, '--help')).stdout.split('\n')[0].replace(/^usage: /, '').trimEnd();
      expect(overview.map((line) => line.trim()), sub).toContain(own);
    }
  });

  it('bad arguments exit with 2 and one line naming the problem and the valid options', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /usage: gainlab <command>/],
      [['frobnicate'], /unknown command 'frobnicate'.*simulate/],
      [['simulate'], /--net is required; valid options: --net DIR, --gains FILE.npy, --target FILE.npy, --resample, --out DIR/],
      [['simulate', '--net', 'x', '--speed', '3'], /unknown option --speed; valid options:/],
      [['train', '--net', 'x', '--target', 't', '--out', 'o', '--trials', 'many'], /--trials must be a number, got 'many'/],
      [['train', '--net', 'x', '--target', 't', '--out', 'o', '--trials', '2.5'], /--trials must be an integer/],
      [['train', '--net', 'x', '--target', 't', '--out', 'o', '--rule', 'hebb'], /--rule must be one of reward, gradient/],
      [['soc', '--n', '7', '--out', 'o'], /--n must be an even integer/],
      // n = 100 000 used to end in a RangeError stack trace (exit 1), a negative seed was accepted (the network of seed + 2^32)
      [['soc', '--n', '100000', '--out', 'o'], /gainlab soc: --n must be an even integer from 4 to 2000, got 100000/],
      [['soc', '--seed', '-5', '--out', 'o'], /gainlab soc: --seed must be a whole number from 0 to 4 294 967 295, got -5; valid options: /],
      [['simulate', '--net'], /--net needs a value/],
      [['simulate', 'stray'], /unexpected argument 'stray'/],
      // the name after the options used to read "unknown experiment '--out'"
      [['experiment', '--out', 'o', 'fig1', '--quick'], /gainlab experiment: give the experiment's name first \(gainlab experiment NAME --out DIR …; NAME one of fig1, /],
    ];
    for (const [argv, message] of cases) {
      const result = await gainlab(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toMatch(message);
      if (argv.length > 0) expect(result.stderr.trimEnd().split('\n').length, argv.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
    }
  });

  it('train refuses settings outside the app ranges (settingsRanges.ts) in one line naming the option and the range', async () => {
    const base = ['train', '--net', 'x', '--target', 't', '--out', 'o'];
    const cases: Array<[string[], RegExp]> = [
      // σ = 1e300 used to "succeed" (every gain drowned in noise); the app's form and main refuse it the same way
      [['--sigma', '1e300'], /gainlab train: --sigma must be more than 0 and at most 1, got 1e\+300\; valid options: /],
      [['--sigma', '0'], /--sigma must be more than 0 and at most 1, got 0\; valid options: /],
      [['--alpha', '1'], /--alpha must be at least 0 and below 1, got 1\; valid options: /],
      [['--lr', '50'], /--lr must be more than 0 and at most 10, got 50\; valid options: /],
      [['--trials', '0'], /--trials must be a whole number from 1 to 1 000 000, got 0\; valid options: /],
      [['--sessions', '1000'], /--sessions must be a whole number from 1 to 100, got 1000\; valid options: /],
    ];
    for (const [extra, message] of cases) {
      const result = await gainlab(...base, ...extra);
      expect(result.code, extra.join(' ')).toBe(2);
      // the message's own full stop is dropped before the options ("got 1e+300.; valid options" before)
      expect(result.stderr, extra.join(' ')).not.toMatch(/[.;:,]; valid options/);
      expect(result.stderr, extra.join(' ')).toMatch(message);
      expect(result.stderr.trimEnd().split('\n').length, extra.join(' ')).toBe(1);
    }
  });

  it('missing and corrupt input files exit with 2 and a one-line message', async () => {
    const bad = path.join(scratch, 'bad-net');
    mkdirSync(bad, { recursive: true });
    writeFileSync(path.join(bad, 'W.npy'), 'this is not an npy file');
    writeFileSync(path.join(bad, 'x0.npy'), encodeNpy(new Float64Array(4), [4]));
    let r = await gainlab('simulate', '--net', 'bad-net');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/network W: .*W\.npy is not a valid \.npy file/);
    expect(r.stderr.trimEnd().split('\n').length).toBe(1);

    // a truncated file (header promises 2×2 doubles, data cut short)
    const truncated = encodeNpy(new Float64Array(4), [2, 2]).slice(0, -5);
    writeFileSync(path.join(bad, 'W.npy'), truncated);
    r = await gainlab('simulate', '--net', 'bad-net');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a valid \.npy file/);

    writeFileSync(path.join(bad, 'W.npy'), encodeNpy(new Float64Array(6), [2, 3]));
    r = await gainlab('simulate', '--net', 'bad-net');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/must be square/);

    r = await gainlab('simulate', '--net', 'no-such-dir');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/W\.npy not found/);
  });

  it('a target that does not vary, or whose spread overflows, is refused in one line (fuzz: tests/fuzz/cliInputs simulate seed 4711 cases 83, 111)', async () => {
    const dir = path.join(scratch, 'overflow-net');
    mkdirSync(dir, { recursive: true });
    const n = 4;
    const W = Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 0 : 0.1));
    writeFileSync(path.join(dir, 'W.npy'), encodeNpy(W, [n, n]));
    writeFileSync(path.join(dir, 'x0.npy'), encodeNpy(new Float64Array([1, -1, 2, 0.5]), [n]));
    writeFileSync(path.join(dir, 'readout.npy'), encodeNpy(new Float64Array([0, 1, 1]), [3]));
    const line = (r: { stderr: string }) => r.stderr.trimEnd().split('\n');
    // 5e-324 squares to 0: no spread, so every error would be Infinity or NaN
    writeFileSync(path.join(dir, 'flat.npy'), encodeNpy(new Float64Array(200).map((_, k) => (k % 2 ? 5e-324 : -5e-324)), [200]));
    let r = await gainlab('simulate', '--net', 'overflow-net', '--target', 'overflow-net/flat.npy');
    expect(r.code, r.stderr).toBe(2);
    expect(line(r)).toEqual([expect.stringMatching(/^target: .*flat\.npy does not vary \(every channel is flat\)/)]);
    // values whose squares overflow are beyond the model-value bound (1e12) a project file has
    writeFileSync(path.join(dir, 'huge.npy'), encodeNpy(new Float64Array(200).map((_, k) => (k % 2 ? 1e308 : -1e308)), [200]));
    r = await gainlab('simulate', '--net', 'overflow-net', '--target', 'overflow-net/huge.npy');
    expect(r.code, r.stderr).toBe(2);
    expect(line(r)).toEqual([expect.stringMatching(/^target: .*huge\.npy holds -1e\+308 at index 0; GainLab accepts values from -1e\+12 to 1e\+12 there/)]);
  });

  it('simulate refuses weights beyond the model-value bound, in one line; weights at the bound simulate (fuzz: tests/fuzz/cliInputs simulate seed 4711 cases 7, 24)', async () => {
    const dir = path.join(scratch, 'overflow-net');
    const line = (r: { stderr: string }) => r.stderr.trimEnd().split('\n');
    let r;
    // readout weights at the largest double: the output itself overflows
    writeFileSync(path.join(dir, 'readout.npy'), encodeNpy(new Float64Array([1.7976931348623157e308, 1.7976931348623157e308, 1.7976931348623157e308]), [3]));
    writeFileSync(path.join(dir, 'target.npy'), encodeNpy(new Float64Array(200).map((_, k) => Math.sin(k / 20)), [200]));
    // such weights are refused as they are read, at the bound a project file's network has (1e12);
    // the simulation's own overflow check (simulationProblem) is tested in tests/tasks/simulationTask.test.ts
    r = await gainlab('simulate', '--net', 'overflow-net', '--target', 'overflow-net/target.npy');
    expect(r.code, r.stderr).toBe(2);
    expect(line(r)).toEqual([expect.stringMatching(/^network readout: .*readout\.npy holds 1\.7976931348623157e\+308 at index 0; GainLab accepts values from -1e\+12 to 1e\+12 there/)]);
    // 1e154: the output would be finite, its squared distance from the target not
    writeFileSync(path.join(dir, 'readout.npy'), encodeNpy(new Float64Array([1e154, 0, 0]), [3]));
    r = await gainlab('simulate', '--net', 'overflow-net', '--target', 'overflow-net/target.npy');
    expect(r.code, r.stderr).toBe(2);
    expect(line(r)).toEqual([expect.stringMatching(/^network readout: .*readout\.npy holds 1e\+154 at index 0/)]);
    // W at the bound: accepted (rates are capped at rmax, so the output stays finite)
    writeFileSync(path.join(dir, 'readout.npy'), encodeNpy(new Float64Array([0, 1e12, 1e12]), [3]));
    writeFileSync(path.join(dir, 'W.npy'), encodeNpy(new Float64Array(16).fill(1e12), [4, 4]));
    r = await gainlab('simulate', '--net', 'overflow-net', '--target', 'overflow-net/target.npy');
    expect(r.code, r.stderr).toBe(0);
  });

  it('train refuses what the request check refuses in one line (exit 2), never a ZodError stack trace', async () => {
    // 65 readout channels (the app takes at most 64), on a tiny valid network
    const wide = path.join(scratch, 'wide-net');
    mkdirSync(wide, { recursive: true });
    writeFileSync(path.join(wide, 'W.npy'), encodeNpy(new Float64Array(16), [4, 4]));
    writeFileSync(path.join(wide, 'x0.npy'), encodeNpy(new Float64Array([1, 1, 1, 1]), [4]));
    writeFileSync(path.join(wide, 'readout.npy'), encodeNpy(new Float64Array(65 * 3), [65, 3]));
    writeFileSync(path.join(wide, 'target.npy'), encodeNpy(new Float64Array(65 * 200).map((_, k) => k % 7), [65, 200]));
    let r = await gainlab('train', '--net', 'wide-net', '--target', 'wide-net/target.npy', '--trials', '1', '--out', 'wide-out');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^gainlab train: source\.network\.readout\.channels: .*64/);
    expect(r.stderr.trimEnd().split('\n').length).toBe(1);
    // n = 2002 neurons: more than the app trains
    const big = path.join(scratch, 'big-net');
    mkdirSync(big, { recursive: true });
    writeFileSync(path.join(big, 'W.npy'), encodeNpy(new Float64Array(2002 * 2002), [2002, 2002]));
    writeFileSync(path.join(big, 'x0.npy'), encodeNpy(new Float64Array(2002).fill(1), [2002]));
    writeFileSync(path.join(big, 'readout.npy'), encodeNpy(new Float64Array(1002), [1002]));
    writeFileSync(path.join(big, 'target.npy'), encodeNpy(new Float64Array(200).map((_, k) => k), [200]));
    r = await gainlab('train', '--net', 'big-net', '--target', 'big-net/target.npy', '--trials', '1', '--out', 'big-out');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^gainlab train: .*big-net holds a network of n = 2002 neurons; GainLab trains networks of at most 2000/);
    expect(r.stderr.trimEnd().split('\n').length).toBe(1);
  });

  it('train takes a target whose file name is long (the label is display text, capped)', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const name = `${'novel-target-'.repeat(15)}.npy`; // 199 characters: the label used to exceed the request's 200
    writeFileSync(path.join(scratch, name), readFileSync(ref('novel_target.npy')));
    const r = await gainlab('train', '--net', referenceDir, '--target', name, '--trials', '2', '--out', 'long-name');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ trialsDone: 2 });
  });

  it('rejects a target or gains file of the wrong shape', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    writeFileSync(path.join(scratch, 'short.npy'), encodeNpy(new Float64Array(150), [150]));
    let r = await gainlab('simulate', '--net', referenceDir, '--target', 'short.npy');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/target: .*short\.npy must have shape \(200,\)/);
    r = await gainlab('simulate', '--net', referenceDir, '--gains', 'short.npy');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gains: .*must hold n = 200 values/);
  });

  it('fit-readout refuses a target of another length in one line saying how to resample it; --resample fits it on the network grid', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    // the novel target at 150 samples over the same 500 ms (what another tool may have written)
    const novel = readNpy(ref('novel_target.npy')).data;
    const grid = { duration: DEFAULT_DYNAMICS.duration, nSamples: 200 };
    writeFileSync(path.join(scratch, 'novel150.npy'), encodeNpy(resampleTarget(novel, 1, grid, { ...grid, nSamples: 150 }), [150]));
    const refused = await gainlab('fit-readout', '--net', referenceDir, '--target', 'novel150.npy', '--out', 'never.npy');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^target: .*novel150\.npy must have shape \(200,\) or \(channels, 200\) \(the network's time grid: 200 samples over 500 ms\), got \(150,\); add --resample to resample its 150 samples linearly onto that grid\n$/,
    );
    expect(existsSync(path.join(scratch, 'never.npy'))).toBe(false);
    // the option named there: the target resampled onto the grid as the app's .npy import does
    // (src-shared/model/targets.ts resampleTarget), the same readout as from that 200-sample file
    const resampled = await gainlab('fit-readout', '--net', referenceDir, '--target', 'novel150.npy', '--resample', '--out', 'readout-150.npy');
    expect(resampled.code, resampled.stderr).toBe(0);
    expect(resampled.stdout).toMatch(/^readout fitted to novel150\.npy \(resampled from 150 to 200 samples\): error \S+/);
    writeFileSync(path.join(scratch, 'novel150-on-grid.npy'), encodeNpy(resampleTarget(readNpy(path.join(scratch, 'novel150.npy')).data, 1, { ...grid, nSamples: 150 }, grid), [200]));
    const direct = await gainlab('fit-readout', '--net', referenceDir, '--target', 'novel150-on-grid.npy', '--out', 'readout-on-grid.npy');
    expect(direct.code, direct.stderr).toBe(0);
    expect(printedError(resampled.stdout)).toBe(printedError(direct.stdout));
    expect(readNpy(path.join(scratch, 'readout-150.npy')).data).toEqual(readNpy(path.join(scratch, 'readout-on-grid.npy')).data);
    // and it is listed in the command's help
    expect((await gainlab('fit-readout', '--help')).stdout).toMatch(/--resample +resample a target of another length/);
  });

  it('simulate and train refuse a target of another length the same way, and with --resample run on it as on the target resampled beforehand', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const novel = readNpy(ref('novel_target.npy')).data;
    const grid = { duration: DEFAULT_DYNAMICS.duration, nSamples: 200 };
    const short = resampleTarget(novel, 1, grid, { ...grid, nSamples: 120 });
    writeFileSync(path.join(scratch, 'novel120.npy'), encodeNpy(short, [120]));
    writeFileSync(path.join(scratch, 'novel120-on-grid.npy'), encodeNpy(resampleTarget(short, 1, { ...grid, nSamples: 120 }, grid), [200]));
    const hint = /\(the network's time grid: 200 samples over 500 ms\), got \(120,\); add --resample to resample its 120 samples linearly onto that grid\n$/;
    for (const command of ['simulate', 'train']) {
      const refused = await gainlab(command, '--net', referenceDir, '--target', 'novel120.npy', '--out', `never-${command}`);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^target: .*novel120\.npy must have shape \(200,\) or \(1, 200\) to match the readout /);
      expect(refused.stderr).toMatch(hint);
      expect(existsSync(path.join(scratch, `never-${command}`))).toBe(false);
      expect((await gainlab(command, '--help')).stdout).toMatch(/--resample +resample a target of another length/);
    }
    const simulated = await gainlab('simulate', '--net', referenceDir, '--target', 'novel120.npy', '--resample');
    expect(simulated.code, simulated.stderr).toBe(0);
    expect(simulated.stdout).toMatch(/error \S+ \(target resampled from 120 to 200 samples\)/);
    const simulatedOnGrid = await gainlab('simulate', '--net', referenceDir, '--target', 'novel120-on-grid.npy');
    expect(printedError(simulated.stdout)).toBe(printedError(simulatedOnGrid.stdout));
    const trained = await gainlab('train', '--net', referenceDir, '--target', 'novel120.npy', '--resample', '--trials', '30', '--out', 'train120');
    expect(trained.code, trained.stderr).toBe(0);
    const trainedOnGrid = await gainlab('train', '--net', referenceDir, '--target', 'novel120-on-grid.npy', '--trials', '30', '--out', 'train120-on-grid');
    expect(trainedOnGrid.code, trainedOnGrid.stderr).toBe(0);
    const summary = JSON.parse(trained.stdout);
    const summaryOnGrid = JSON.parse(trainedOnGrid.stdout);
    expect(summary.targetResampledFrom).toBe(120);
    expect(summaryOnGrid.targetResampledFrom).toBeNull();
    expect(summary.bestError).toBe(summaryOnGrid.bestError);
    expect(readNpy(path.join(scratch, 'train120', 'best-gains.npy')).data).toEqual(readNpy(path.join(scratch, 'train120-on-grid', 'best-gains.npy')).data);
  });

  it('experiment and reproduce refuse a published target of another length in one line, without naming a --resample they do not have', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    // the published folder with its novel target at 150 samples over the same 500 ms
    const netDir = path.join(scratch, 'published150');
    mkdirSync(netDir, { recursive: true });
    for (const name of ['W.npy', 'x0.npy', 'readout.npy', 'initial_target.npy']) writeFileSync(path.join(netDir, name), readFileSync(ref(name)));
    const grid = { duration: DEFAULT_DYNAMICS.duration, nSamples: 200 };
    writeFileSync(path.join(netDir, 'novel_target.npy'), encodeNpy(resampleTarget(readNpy(ref('novel_target.npy')).data, 1, grid, { ...grid, nSamples: 150 }), [150]));
    const runs: Array<[string, string[]]> = [
      ['experiment', ['experiment', 'fig1', '--quick', '--net', 'published150', '--out', 'never-experiment']],
      ['reproduce', ['reproduce', '--quick', '--net', 'published150', '--out', 'never-reproduce']],
    ];
    for (const [command, argv] of runs) {
      const refused = await gainlab(...argv);
      expect(refused.code, command).toBe(2);
      // the loader simulate, train and fit-readout use, worded for a command without --resample
      expect(refused.stderr).toMatch(
        new RegExp(
          `^target: .*published150/novel_target\\.npy must have shape \\(200,\\) or \\(1, 200\\) to match the readout \\(the network's time grid: 200 samples over 500 ms\\), got \\(150,\\); gainlab ${command} takes targets on that grid only: resample its 150 samples onto it beforehand \\(numpy\\.interp does so linearly\\)\n$`,
        ),
      );
      expect(refused.stderr).not.toContain('--resample');
      expect((await gainlab(command, '--help')).stdout).not.toContain('--resample');
      expect(existsSync(path.join(scratch, `never-${command}`)), command).toBe(false);
    }
  });
});

describe('gainlab on the published network', () => {
  it('simulate reproduces the published error 4.1768 and m(0), and writes rates and output', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const r = await gainlab('simulate', '--net', referenceDir, '--target', ref('novel_target.npy'), '--out', 'sim');
    expect(r.code, r.stderr).toBe(0);
    expectClose(printedError(r.stdout), 4.1768, { rtol: 1e-4 });
    const rates = readNpy(path.join(scratch, 'sim', 'rates.npy'));
    const output = readNpy(path.join(scratch, 'sim', 'output.npy'));
    expect(rates.shape).toEqual([200, 200]);
    expect(output.shape).toEqual([200]);
    expectClose(output.data[0], -1.40897, { rtol: 1e-5 });
    // the written output is the readout of the written rates
    const readout = { channels: 1, weights: readNpy(ref('readout.npy')).data };
    expectClose(computeOutput(rates.data, 200, 200, 100, readout), output.data, { rtol: 1e-12, atol: 1e-12 });
  });

  it('train (reward) writes best gains, errors and one JSON summary; the gains reproduce the best error', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const r = await gainlab('train', '--net', referenceDir, '--target', ref('novel_target.npy'), '--trials', '200', '--seed', '4', '--out', 'train-reward');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(1);
    const summary = JSON.parse(lines[0]);
    expect(summary).toMatchObject({ rule: 'reward', trialsDone: 200, seed: 4, stopped: false, groups: 200 });
    // the version and the seed the rule noise was drawn from (the recipe's), also for one session
    expect(summary.gainlabVersion).toMatch(/^\d+\.\d+\.\d+$/);
    const recipe = JSON.parse(readFileSync(path.join(scratch, 'train-reward', 'recipe.json'), 'utf8'));
    expect(summary.sessionSeeds).toEqual([recipe.results.sessions[0].seed]);
    expect(r.stderr).toMatch(/train reward: 200\/200/); // plain progress lines off a TTY
    const dir = path.join(scratch, 'train-reward');
    const errors = readNpy(path.join(dir, 'errors.npy'));
    expect(errors.shape).toEqual([201]);
    expectClose(errors.data[0], 4.1768, { rtol: 1e-4 });
    expect(summary.bestError).toBe(Math.min(...errors.data));
    expect(summary.bestError).toBeLessThan(summary.initialError);
    expect(JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'))).toEqual(summary);
    // round trip: simulate with the written gains gives the reported best error
    const check = await gainlab('simulate', '--net', referenceDir, '--gains', path.join(dir, 'best-gains.npy'), '--target', ref('novel_target.npy'));
    expectClose(printedError(check.stdout), summary.bestError, { rtol: 1e-5 });
  });

  it('train with several lockstep sessions keeps the best; a stop request writes the partial run', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const both = await gainlab('train', '--net', referenceDir, '--target', ref('novel_target.npy'), '--trials', '60', '--sessions', '2', '--out', 'train-sessions');
    expect(both.code, both.stderr).toBe(0);
    const summary = JSON.parse(both.stdout);
    expect(summary.sessionSeeds.length).toBe(2);
    expect(summary.bestError).toBe(Math.min(...summary.sessionBestErrors));
    expect(summary.bestSession).toBe(summary.sessionBestErrors.indexOf(summary.bestError));

    let polls = 0;
    const partial = await run(['train', '--net', referenceDir, '--target', ref('novel_target.npy'), '--trials', '500', '--out', 'train-stopped'], () => ++polls > 25);
    expect(partial.code, partial.stderr).toBe(0);
    const stopped = JSON.parse(partial.stdout);
    expect(stopped).toMatchObject({ stopped: true, trialsDone: 25, trialsRequested: 500 });
    expect(readNpy(path.join(scratch, 'train-stopped', 'errors.npy')).shape).toEqual([26]);
  });

  it('train (gradient, 20 groups) improves and writes the group labels', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const r = await gainlab('train', '--net', referenceDir, '--target', ref('novel_target.npy'), '--rule', 'gradient', '--trials', '10', '--groups', '20', '--out', 'train-grad');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ rule: 'gradient', groups: 20, trialsDone: 10 });
    expect(summary.bestError).toBeLessThan(0.9 * summary.initialError);
    const labels = readNpy(path.join(scratch, 'train-grad', 'groups.npy')).data;
    const gains = readNpy(path.join(scratch, 'train-grad', 'best-gains.npy')).data;
    const counts = new Array(20).fill(0);
    for (const l of labels) counts[l]++;
    expect(counts).toEqual(new Array(20).fill(10));
    for (let i = 0; i < 200; i++) for (let j = 0; j < 200; j++) if (labels[i] === labels[j]) expect(gains[i]).toBe(gains[j]);
  });

  it('train (gradient on x0 / rank1) writes the trained arrays, and best-output.npy is the trained network’s output', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const target = readNpy(ref('novel_target.npy')).data;
    // best-output.npy used to be simulated from the untrained network (error 4.18 whatever the run reached)
    for (const [trainable, names] of [['x0', ['x0']], ['rank1', ['u', 'v']]] as const) {
      const out = `train-grad-${trainable}`;
      const r = await gainlab('train', '--net', referenceDir, '--target', ref('novel_target.npy'), '--rule', 'gradient', '--trainable', trainable, '--trials', '8', '--out', out);
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.bestError).toBeLessThan(0.9 * summary.initialError);
      const output = readNpy(path.join(scratch, out, 'best-output.npy'));
      expect(output.shape).toEqual([200]);
      expectClose(normalisedError(output.data, target, 1, 200), summary.bestError, { rtol: 1e-9 });
      for (const name of names) {
        expect(summary.files).toContain(`best-${name}.npy`);
        const trained = readNpy(path.join(scratch, out, `best-${name}.npy`));
        expect(trained.shape).toEqual([200]);
        // the same array the recipe recorded
        expect(trained.data).toEqual(readNpy(path.join(scratch, out, `recipe-best-${name}-session-1.npy`)).data);
      }
    }
  });
});

describe('gainlab on a small SOC network', () => {
  it('soc N = 20 writes a stable network; fit-readout and simulate agree on the fit error', async ({ skip }) => {
    const soc = await gainlab('soc', '--n', '20', '--seed', '1', '--out', 'soc20');
    expect(soc.code, soc.stderr).toBe(0);
    const dir = path.join(scratch, 'soc20');
    const W = readNpy(path.join(dir, 'W.npy'));
    const x0 = readNpy(path.join(dir, 'x0.npy'));
    const log = JSON.parse(readFileSync(path.join(dir, 'soc-log.json'), 'utf8'));
    expect(W.shape).toEqual([20, 20]);
    expect(x0.shape).toEqual([20]);
    expect(log).toMatchObject({ n: 20, nE: 10, seed: 1, recipe: 'published', converged: true });
    expect(log.alphaHistory.length).toBe(log.iterations + 1);
    // independent spectrum: α(W) ≤ 0.15 as logged
    const ws = realSchurInto(W.data, 20, createSchurWorkspace(20));
    const alpha = maxReal(ws.wr, 20);
    expect(alpha).toBeLessThanOrEqual(0.15);
    expectClose(alpha, log.finalAlpha, { rtol: 1e-8 });
    // Dale's law, zero diagonal, ‖x0‖ = 1.5·√N
    for (let i = 0; i < 20; i++) {
      expect(W.data[i * 20 + i]).toBe(0);
      for (let j = 0; j < 20; j++) expect(Math.sign(W.data[i * 20 + j]) * (j < 10 ? 1 : -1)).toBeGreaterThanOrEqual(0);
    }
    expectClose(Math.hypot(...x0.data), 1.5 * Math.sqrt(20), { rtol: 1e-10 });

    skip(!hasReference, referenceSkipReason);
    const fit = await gainlab('fit-readout', '--net', 'soc20', '--target', ref('initial_target.npy'));
    expect(fit.code, fit.stderr).toBe(0);
    const readout = readNpy(path.join(dir, 'readout.npy'));
    expect(readout.shape).toEqual([11]);
    for (const w of readout.data) expect(w).toBeGreaterThanOrEqual(0);
    const sim = await gainlab('simulate', '--net', 'soc20', '--target', ref('initial_target.npy'));
    expect(sim.code, sim.stderr).toBe(0);
    expectClose(printedError(sim.stdout), printedError(fit.stdout), { rtol: 1e-5 });
    // and that error is what the exact reference path gives with the written readout
    const { rates } = simulateReference(W.data, 20, x0.data, new Float64Array(20).fill(1), DEFAULT_DYNAMICS);
    const output = computeOutput(rates, 200, 20, 10, { channels: 1, weights: readout.data });
    expectClose(printedError(fit.stdout), normalisedError(output, readNpy(ref('initial_target.npy')).data, 1, 200), { rtol: 1e-5 });
    expect(existsSync(path.join(dir, 'readout.npy'))).toBe(true);

    // a second fit replaces the readout there and says so (it said 'wrote', e.g. over the published one);
    // --out writes elsewhere and leaves the network's readout as it is
    const again = await gainlab('fit-readout', '--net', 'soc20', '--target', ref('novel_target.npy'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/replaced .*soc20\/readout\.npy/);
    const kept = readFileSync(path.join(dir, 'readout.npy'));
    const aside = await gainlab('fit-readout', '--net', 'soc20', '--target', ref('initial_target.npy'), '--out', 'soc20-readout-initial.npy');
    expect(aside.code, aside.stderr).toBe(0);
    expect(aside.stdout).toMatch(/wrote .*soc20-readout-initial\.npy/);
    expect(readFileSync(path.join(dir, 'readout.npy')).equals(kept)).toBe(true);
    expect(readNpy(path.join(scratch, 'soc20-readout-initial.npy')).data).toEqual(readout.data);
    // an output path that is a folder: one line, exit 2 (it was an EISDIR stack trace)
    const folder = await gainlab('fit-readout', '--net', 'soc20', '--target', ref('initial_target.npy'), '--out', 'soc20');
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/^cannot write .*soc20 \(it is a directory\)\n$/);
  });
});
