/**
 * Run recipes: SHA-256 against the FIPS 180-4 vectors and node:crypto, recipe round trips and
 * tamper detection, and the promise of `gainlab run`: a run repeated from its exported recipe gives
 * the job's error curves bit for bit (job through the real worker pool vs the CLI in-process).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { deflatedZeros, forgeZip, honestEntry } from '../project/zipForge.js';
import { invokeContract, type TrainingResult } from '../../src-shared/ipc/contract.js';
import { encodeNpy, parseNpy } from '../../src-shared/formats/npy.js';
import { Rng } from '../../src-shared/model/rng.js';
import { buildRunRecipe, parseRunRecipe, RecipeError, trainingRequestFromRecipe, type RecipeBundle } from '../../src-shared/runs/recipe.js';
import { openRunFiles, runArchive } from '../../src-shared/runs/recipeArchive.js';
import { Sha256, sha256Hex, sha256OfFloat64 } from '../../src-shared/runs/sha256.js';
import type { JobManager } from '../../src-main/services/jobManager.js';
import { inlineJobManager } from '../main/fixtures/inlineJobManager.js';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';
import { TrialEvaluator } from '../../src-shared/model/dynamics.js';
import { randomGroups } from '../../src-shared/model/groups.js';
import { runRewardRule } from '../../src-shared/model/rewardRule.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('sha256', () => {
  it('matches the FIPS 180-4 example digests', () => {
    expect(sha256Hex(text(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(text('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    const million = new Uint8Array(1_000_000).fill(0x61);
    expect(sha256Hex(million)).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('agrees with node:crypto on every length around the block and padding boundaries, in any chunking', () => {
    const rng = new Rng(3);
    for (let length = 0; length <= 200; length++) {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = rng.int(256);
      const expected = createHash('sha256').update(bytes).digest('hex');
      expect(sha256Hex(bytes)).toBe(expected);
      // split into three arbitrary chunks
      const a = rng.int(length + 1);
      const b = a + rng.int(length - a + 1);
      const chunked = new Sha256().update(bytes.subarray(0, a)).update(bytes.subarray(a, b)).update(bytes.subarray(b)).hex();
      expect(chunked).toBe(expected);
    }
  });

  it('hashes float64 arrays as their little-endian bytes, one after another', () => {
    const rng = new Rng(5);
    const a = Float64Array.from({ length: 1500 }, () => rng.normal());
    const b = Float64Array.from({ length: 7 }, () => rng.normal());
    const bytes = new Uint8Array(8 * (a.length + b.length));
    const view = new DataView(bytes.buffer);
    [...a, ...b].forEach((x, i) => view.setFloat64(8 * i, x, true));
    expect(sha256OfFloat64(a, b)).toBe(createHash('sha256').update(bytes).digest('hex'));
    // one flipped bit changes the hash
    const c = new Float64Array(a);
    c[100] = c[100] * (1 + Number.EPSILON);
    expect(sha256OfFloat64(c, b)).not.toBe(sha256OfFloat64(a, b));
  });
});

const network = syntheticNetwork();
const target = syntheticTarget(network);

function request(overrides: Record<string, unknown> = {}) {
  return invokeContract['jobs:start-training'].request.parse({
    source: { kind: 'inline', network, targets: [target] },
    rule: 'reward',
    trials: 150,
    sigma: 0.01,
    alpha: 0.3,
    groups: { kind: 'random', count: 5 },
    seed: 11,
    sessions: 2,
    label: 'Reward rule · recipe test',
    ...overrides,
  });
}

function syntheticEvaluator(): TrialEvaluator {
  return new TrialEvaluator({ n: network.n, nE: network.nE, W: network.W, x0: network.x0, readout: network.readout }, network.params, target.values);
}

function loaderOf(bundle: RecipeBundle) {
  // through real .npy bytes, as the files beside the recipe would be read
  return (name: string) => {
    const array = bundle.arrays[name];
    if (!array) throw new Error(`missing ${name}`);
    const parsed = parseNpy(encodeNpy(array.data, array.shape));
    return { data: parsed.data, shape: parsed.shape };
  };
}

describe('run recipe', () => {
  it('round-trips through JSON and .npy into the same training request', () => {
    const options = request({ initialGains: Float64Array.from({ length: network.n }, (_, i) => 1 + 0.01 * i) });
    const bundle = buildRunRecipe({ request: options, result: null, gainlabVersion: '9.9.9', createdAt: '2026-01-01T00:00:00.000Z' });
    const recipe = parseRunRecipe(JSON.stringify(bundle.recipe));
    expect(recipe.gainlabVersion).toBe('9.9.9');
    expect(recipe.network.sha256).toBe(sha256OfFloat64(network.W, network.x0, network.readout.weights));
    expect(recipe.targets[0].sha256).toBe(sha256OfFloat64(target.values));
    const again = invokeContract['jobs:start-training'].request.parse(trainingRequestFromRecipe(recipe, loaderOf(bundle)));
    if (again.source.kind !== 'inline' || options.source.kind !== 'inline') throw new Error('inline expected');
    expect(Array.from(again.source.network.W)).toEqual(Array.from(network.W));
    expect(Array.from(again.source.network.readout.weights)).toEqual(Array.from(network.readout.weights));
    expect(Array.from(again.source.targets[0].values)).toEqual(Array.from(target.values));
    expect(Array.from(again.initialGains!)).toEqual(Array.from(options.initialGains!));
    const { source: _a, ...settingsAgain } = again;
    const { source: _b, ...settings } = options;
    expect(settingsAgain).toEqual(settings);
  });

  it('Open run: a malformed .npy is a RecipeError naming it (it was an NpyError), and a .zip declaring 800 MB is refused without inflating it (fuzz: tests/fuzz/runFiles seed 2718 case 6)', () => {
    const archive = runArchive(request({ sessions: 1 }), null, '1.0.0', '2026-01-01T00:00:00.000Z');
    const entries = Object.entries(unzipSync(archive.bytes)).map(([name, bytes]) => ({ name, bytes }));
    const W = entries.find((file) => file.name.endsWith('-W.npy'))!;
    const broken = Uint8Array.from(W.bytes);
    broken[20] = 0xff;
    const refusal = (files: { name: string; bytes: Uint8Array }[]) => {
      try {
        openRunFiles(files);
      } catch (error) {
        expect(error).toBeInstanceOf(RecipeError);
        return (error as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal(entries.map((file) => (file === W ? { name: W.name, bytes: broken } : file)))).toMatch(/^reward-rule-recipe-test-W\.npy is not a valid \.npy file \(npy: malformed header/);
    const recipe = entries.find((file) => file.name.endsWith('.json'))!;
    const bomb = forgeZip([honestEntry(recipe.name, recipe.bytes), { name: W.name, data: deflatedZeros(800_000_000), declaredSize: 800_000_000, crc: 0 }]);
    const started = performance.now();
    expect(refusal([{ name: 'bomb.zip', bytes: bomb }])).toBe(
      'bomb.zip is not a readable zip (reward-rule-recipe-test-W.npy: the zip declares 762.9 MiB uncompressed, more than the 64 MiB the largest array of a recipe needs)',
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses data that is not what the run used, and documents that are not recipes', () => {
    const bundle = buildRunRecipe({ request: request(), result: null, gainlabVersion: '1.0.0' });
    const recipe = parseRunRecipe(JSON.stringify(bundle.recipe));
    const load = loaderOf(bundle);
    const tampered = (name: string) => {
      const array = load(name);
      if (name === recipe.targets[0].file) array.data[10] += 1e-12;
      return array;
    };
    expect(() => trainingRequestFromRecipe(recipe, tampered)).toThrow(RecipeError);
    expect(() => trainingRequestFromRecipe(recipe, tampered)).toThrow(/not the data the run used/);
    expect(() => parseRunRecipe('{"format":"something-else"}')).toThrow(/not a GainLab run recipe/);
    expect(() => parseRunRecipe({ ...bundle.recipe, network: { ...bundle.recipe.network, files: { ...bundle.recipe.network.files, W: '../W.npy' } } })).toThrow(RecipeError);
  });
});

describe('gainlab run repeats a job bit for bit', () => {
  let manager: JobManager;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gainlab-run-'));
    manager = inlineJobManager();
  });
  afterAll(async () => {
    await manager.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function jobResult(options: ReturnType<typeof request>): Promise<TrainingResult> {
    const { jobId } = await manager.startTraining(options);
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('done');
    return detail.result as TrainingResult;
  }

  function writeBundle(bundle: RecipeBundle, name: string): string {
    const file = path.join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(bundle.recipe, null, 2));
    for (const [fileName, array] of Object.entries(bundle.arrays)) writeFileSync(path.join(dir, fileName), encodeNpy(array.data, array.shape));
    return file;
  }

  const gainlab = (argv: string[]) => runCli(dir, argv);

  function curveOf(file: string): Float64Array {
    return parseNpy(new Uint8Array(readFileSync(file))).data;
  }

  it('reward rule, two lockstep sessions with random groups: same error arrays exactly', async () => {
    const options = request();
    const result = await jobResult(options);
    const bundle = buildRunRecipe({ request: options, result, gainlabVersion: '0.1.0', stem: 'reward' });
    const file = writeBundle(bundle, 'reward-run');
    const out = await gainlab(['run', file, '--out', path.join(dir, 'reward-repeat')]);
    expect(out.stderr).not.toMatch(/differs/);
    expect(out.code).toBe(0);
    const summary = JSON.parse(out.stdout);
    expect(summary.identical).toBe(true);
    for (let k = 0; k < 2; k++) {
      const repeated = curveOf(path.join(dir, 'reward-repeat', `errors-session-${k + 1}.npy`));
      const original = result.sessions[k].errorCurve;
      expect(repeated.length).toBe(original.length);
      // bit for bit: compare the bytes, not the values to a tolerance
      expect(Buffer.from(repeated.buffer, repeated.byteOffset, repeated.byteLength).equals(Buffer.from(original.buffer, original.byteOffset, original.byteLength))).toBe(true);
    }
    // the sessions really differ (derived seeds), so equality above is not trivial
    expect(result.sessions[0].errorCurve[50]).not.toBe(result.sessions[1].errorCurve[50]);
  });

  it('run given a folder says which file to give (it said EISDIR), exit 2', async () => {
    const folder = path.join(dir, 'a-train-out');
    mkdirSync(folder, { recursive: true });
    const bare = await gainlab(['run', folder]);
    expect(bare.code).toBe(2);
    expect(bare.stderr.trim()).toBe(`gainlab run: ${folder} is a folder; give a recipe file (recipe.json, or a .zip exported by the app)`);
    writeFileSync(path.join(folder, 'recipe.json'), '{}');
    const withRecipe = await gainlab(['run', folder]);
    expect(withRecipe.code).toBe(2);
    expect(withRecipe.stderr.trim()).toBe(`gainlab run: ${folder} is a folder; give a recipe file, e.g. ${path.join(folder, 'recipe.json')}`);
  });

  it('a recipe .zip is read with bounds: an entry declaring 3 GB, or inflating past what it declares, is refused in one line without inflating it', async () => {
    const bundle = buildRunRecipe({ request: request({ sessions: 1, trials: 5 }), result: null, gainlabVersion: '1.0.0' });
    const recipe = strToU8(JSON.stringify(bundle.recipe));
    const huge = 3_000_000_000;
    // 2.9 MB of deflate data that would inflate to 3 GB (it used to be inflated whole: 20 s and 1.5 GB for half that)
    writeFileSync(path.join(dir, 'bomb.zip'), forgeZip([honestEntry('recipe.json', recipe), { name: bundle.recipe.network.files.W, data: deflatedZeros(huge), declaredSize: huge, crc: 0 }]));
    const started = performance.now();
    const bomb = await gainlab(['run', 'bomb.zip']);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(bomb.code, bomb.stderr).toBe(2);
    expect(bomb.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/bomb\.zip is not a readable zip \(.*-W\.npy: the zip declares 2\.79 GiB uncompressed, more than the 64 MiB the largest array of a recipe needs\)$/)]);
    // a directory that lies: 1 kB declared, 100 MB inside
    writeFileSync(path.join(dir, 'liar.zip'), forgeZip([honestEntry('recipe.json', recipe), { name: bundle.recipe.network.files.W, data: deflatedZeros(100_000_000), declaredSize: 1000, crc: 0 }]));
    const liar = await gainlab(['run', 'liar.zip']);
    expect(liar.code, liar.stderr).toBe(2);
    expect(liar.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/liar\.zip is not a readable zip \(the zip is damaged: the entry .*-W\.npy inflates to more than the 1000 bytes its directory declares\)$/)]);
  });

  it('a one-session job is runRewardRule exactly, and records the gains ~40 times over the run', async () => {
    const options = request({ sessions: 1, trials: 120 });
    const { jobId } = await manager.startTraining(options);
    const detail = await manager.whenFinished(jobId);
    const result = detail.result as TrainingResult;
    const evaluator = syntheticEvaluator();
    const labels = randomGroups(network.n, 5, new Rng(11));
    const direct = runRewardRule(evaluator, { trials: 120, sigma: 0.01, alpha: 0.3, groups: labels, seed: Rng.derive(11, 0) });
    evaluator.dispose();
    expect(Array.from(result.sessions[0].errorCurve)).toEqual(Array.from(direct.errors));
    expect(Array.from(result.sessions[0].bestGains)).toEqual(Array.from(direct.bestGains));
    const trials = (detail.gainSnapshots ?? []).map((s) => s.trial);
    expect(trials[0]).toBe(0);
    expect(trials[trials.length - 1]).toBe(120);
    expect(trials.length).toBe(41); // every 3rd trial of 120, and trial 0
    // the snapshot at the best trial holds the best gains
    const atBest = detail.gainSnapshots!.find((s) => s.trial === result.sessions[0].bestTrial);
    if (atBest) expect(Array.from(atBest.gains)).toEqual(Array.from(result.sessions[0].bestGains));
  });

  it('gradient rule on a rank-1 perturbation of W, from the exported zip: same errors, and a tampered recipe exits 1', async () => {
    const options = request({ rule: 'gradient', trainable: 'rank1', trials: 12, learningRate: 0.02, groups: { kind: 'neuron' }, sessions: 1 });
    const result = await jobResult(options);
    expect(result.trainable).toBe('rank1');
    expect(result.sessions[0].bestParameters?.length).toBe(2 * network.n);
    expect(result.sessions[0].bestError).toBeLessThan(result.initialError);
    const bundle = buildRunRecipe({ request: options, result, gainlabVersion: '0.1.0', stem: 'rank1' });
    const entries: Record<string, Uint8Array> = { 'rank1-run.json': strToU8(JSON.stringify(bundle.recipe)) };
    for (const [name, array] of Object.entries(bundle.arrays)) entries[name] = encodeNpy(array.data, array.shape);
    const zipFile = path.join(dir, 'rank1-run.zip');
    writeFileSync(zipFile, zipSync(entries));
    const out = await gainlab(['run', 'rank1-run.zip']);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).identical).toBe(true);
    const repeated = curveOf(path.join(dir, 'rank1-run-repeat', 'errors-session-1.npy'));
    expect(Array.from(repeated)).toEqual(Array.from(result.sessions[0].errorCurve));

    // recorded results that the repeat cannot reproduce (a different learning rate in the recipe)
    const changed = { ...bundle.recipe, training: { ...bundle.recipe.training, learningRate: 0.03 } };
    const file = writeBundle({ recipe: changed, arrays: bundle.arrays }, 'rank1-changed');
    const bad = await gainlab(['run', file]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).identical).toBe(false);
  });
});
