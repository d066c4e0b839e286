/**
 * Issue 5: a run recipe carries what the run trained — the best gains always, and the trained x0,
 * W or rank-1 u and v of gradient runs on those — and `gainlab run` reproduces them bit for bit
 * (job through the real worker pool vs the CLI in-process); a recorded array the repeat does not
 * reproduce makes the run exit 1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { invokeContract, type TrainingResult } from '../../src-shared/ipc/contract.js';
import { encodeNpy, parseNpy } from '../../src-shared/formats/npy.js';
import { buildRunRecipe, parseRunRecipe, RecipeError, recordedTrainedArrays, trainedArrays } from '../../src-shared/runs/recipe.js';
import { sha256OfFloat64 } from '../../src-shared/runs/sha256.js';
import type { JobManager } from '../../src-main/services/jobManager.js';
import { inlineJobManager } from '../main/fixtures/inlineJobManager.js';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';

const network = syntheticNetwork();
const target = syntheticTarget(network);
const n = network.n;

function request(overrides: Record<string, unknown> = {}) {
  return invokeContract['jobs:start-training'].request.parse({
    source: { kind: 'inline', network, targets: [target] },
    rule: 'gradient',
    trainable: 'x0',
    trials: 10,
    sigma: 0.01,
    alpha: 0.3,
    learningRate: 0.05,
    groups: { kind: 'neuron' },
    seed: 3,
    sessions: 1,
    label: 'Gradient x0 · recipe test',
    ...overrides,
  });
}

function bytesOf(array: Float64Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

function fakeResult(trainable: 'gains' | 'x0' | 'W' | 'rank1', parameters: Float64Array | undefined): TrainingResult {
  return {
    kind: 'training',
    rule: 'gradient',
    trainable,
    initialError: 1,
    sessions: [
      {
        session: 0,
        seed: 1,
        bestGains: Float64Array.from({ length: 3 }, (_, i) => 1 + i / 10),
        bestError: 0.5,
        bestTrial: 2,
        errorCurve: new Float64Array([1, 0.7, 0.5]),
        trialsRun: 2,
        ...(parameters ? { bestParameters: parameters } : {}),
      },
    ],
    bestSession: 0,
    groupLabels: [0, 1, 2],
    partial: false,
  };
}

describe('trained arrays of a session', () => {
  it('gains always; x0 (n), W (n, n) row-major, rank-1 u then v (n each) for gradient runs on those', () => {
    expect(trainedArrays(fakeResult('gains', undefined), 0, 3).map((a) => [a.name, a.shape])).toEqual([['gains', [3]]]);
    const x0 = new Float64Array([0.1, 0.2, 0.3]);
    expect(trainedArrays(fakeResult('x0', x0), 0, 3).map((a) => [a.name, Array.from(a.data), a.shape])).toEqual([
      ['gains', [1, 1.1, 1.2], [3]],
      ['x0', [0.1, 0.2, 0.3], [3]],
    ]);
    const W = Float64Array.from({ length: 9 }, (_, i) => i);
    const w = trainedArrays(fakeResult('W', W), 0, 3)[1];
    expect([w.name, w.shape, Array.from(w.data)]).toEqual(['W', [3, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8]]);
    const uv = new Float64Array([1, 2, 3, -1, -2, -3]);
    const [, u, v] = trainedArrays(fakeResult('rank1', uv), 0, 3);
    expect([u.name, Array.from(u.data), v.name, Array.from(v.data)]).toEqual(['u', [1, 2, 3], 'v', [-1, -2, -3]]);
    expect(() => trainedArrays(fakeResult('W', x0), 0, 3)).toThrow(RecipeError);
  });

  it('a recipe lists them with their SHA-256 and writes them beside it', () => {
    const result = fakeResult('rank1', new Float64Array([1, 2, 3, -1, -2, -3]));
    const small = { ...network, n: 3, nE: 2, W: new Float64Array(9), x0: new Float64Array(3), readout: { channels: 1, weights: new Float64Array(3) } };
    const options = invokeContract['jobs:start-training'].request.parse({
      source: { kind: 'inline', network: small, targets: [{ ...target }] },
      rule: 'gradient',
      trainable: 'rank1',
      trials: 2,
      groups: { kind: 'neuron' },
      seed: 1,
    });
    const { recipe, arrays } = buildRunRecipe({ request: options, result, gainlabVersion: '0.1.0', stem: 'r' });
    const trained = parseRunRecipe(JSON.stringify(recipe)).results!.sessions[0].trained!;
    expect(trained.map((t) => t.file)).toEqual(['r-best-gains-session-1.npy', 'r-best-u-session-1.npy', 'r-best-v-session-1.npy']);
    expect(Array.from(arrays['r-best-v-session-1.npy'].data)).toEqual([-1, -2, -3]);
    expect(trained[2].sha256).toBe(sha256OfFloat64(new Float64Array([-1, -2, -3])));
    // read back and checked against the hashes; a changed value is refused
    const load = (name: string) => ({ data: Float64Array.from(arrays[name].data), shape: arrays[name].shape });
    expect(Array.from(recordedTrainedArrays(recipe, load)[0][1].data)).toEqual([1, 2, 3]);
    const tampered = (name: string) => {
      const array = load(name);
      if (name.includes('-u-')) array.data[0] += 1e-9;
      return array;
    };
    expect(() => recordedTrainedArrays(recipe, tampered)).toThrow(/not the data the run used/);
  });
});

describe('gainlab run reproduces the trained x0 of a gradient run', () => {
  let manager: JobManager;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gainlab-run-trained-'));
    manager = inlineJobManager();
  });
  afterAll(async () => {
    await manager.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const gainlab = (argv: string[]) => runCli(dir, argv);

  it('exported as a zip, round-tripped, repeated: identical x0 and gains; a wrong recorded x0 exits 1', async () => {
    const options = request();
    const { jobId } = await manager.startTraining(options);
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('done');
    const result = detail.result as TrainingResult;
    expect(result.trainable).toBe('x0');
    const trainedX0 = result.sessions[0].bestParameters!;
    expect(trainedX0.length).toBe(n);
    // training moved x0 and lowered the error, so "identical" below is not the untouched start
    expect(result.sessions[0].bestError).toBeLessThan(result.initialError);
    expect(bytesOf(trainedX0).equals(bytesOf(network.x0))).toBe(false);

    // the exported zip, as RunActions' runArchive packs it: recipe JSON + every array as .npy
    const bundle = buildRunRecipe({ request: options, result, gainlabVersion: '0.1.0', stem: 'x0run' });
    const entries: Record<string, Uint8Array> = { 'x0run.json': strToU8(JSON.stringify(bundle.recipe, null, 2)) };
    for (const [name, array] of Object.entries(bundle.arrays)) entries[name] = encodeNpy(array.data, array.shape);
    const zipFile = path.join(dir, 'x0run.gainlab-run.zip');
    writeFileSync(zipFile, zipSync(entries));

    // round trip: the zip's recipe names the trained x0, and its .npy holds it bit for bit
    const unzipped = unzipSync(new Uint8Array(readFileSync(zipFile)));
    const recipe = parseRunRecipe(new TextDecoder().decode(unzipped['x0run.json']));
    const recorded = recordedTrainedArrays(recipe, (name) => {
      const parsed = parseNpy(unzipped[name]);
      return { data: parsed.data, shape: parsed.shape };
    })[0];
    expect(recorded.map((a) => a.name)).toEqual(['gains', 'x0']);
    expect(bytesOf(recorded[1].data).equals(bytesOf(trainedX0))).toBe(true);
    expect(bytesOf(recorded[0].data).equals(bytesOf(result.sessions[0].bestGains))).toBe(true);

    const outDir = path.join(dir, 'repeat');
    const out = await gainlab(['run', zipFile, '--out', outDir]);
    expect(out.stderr).not.toMatch(/differs/);
    expect(out.code).toBe(0);
    const summary = JSON.parse(out.stdout);
    expect(summary.identical).toBe(true);
    expect(summary.trainedFiles).toEqual(['best-x0.npy']);
    const written = JSON.parse(readFileSync(path.join(outDir, 'summary.json'), 'utf8'));
    expect(written.comparison.sessions[0].trained).toEqual([
      { name: 'gains', identical: true },
      { name: 'x0', identical: true },
    ]);
    const repeatedX0 = parseNpy(new Uint8Array(readFileSync(path.join(outDir, 'best-x0.npy'))));
    expect(repeatedX0.shape).toEqual([1, n]);
    expect(bytesOf(repeatedX0.data).equals(bytesOf(trainedX0))).toBe(true);

    // a recipe whose recorded x0 is not what this run trains (same curve): the repeat is refused
    const other = Float64Array.from(trainedX0, (x) => x + 1e-12);
    const wrong = structuredClone(bundle.recipe);
    wrong.results!.sessions[0].trained![1].sha256 = sha256OfFloat64(other);
    const wrongEntries: Record<string, Uint8Array> = { ...entries, 'x0run.json': strToU8(JSON.stringify(wrong)) };
    wrongEntries[wrong.results!.sessions[0].trained![1].file] = encodeNpy(other, [n]);
    const wrongZip = path.join(dir, 'wrong.zip');
    writeFileSync(wrongZip, zipSync(wrongEntries));
    const bad = await gainlab(['run', wrongZip, '--out', path.join(dir, 'wrong-repeat')]);
    expect(bad.code).toBe(1);
    const badSummary = JSON.parse(readFileSync(path.join(dir, 'wrong-repeat', 'summary.json'), 'utf8'));
    expect(badSummary.identical).toBe(false);
    expect(badSummary.comparison.sessions[0].trained).toEqual([
      { name: 'gains', identical: true },
      { name: 'x0', identical: false },
    ]);
  });
});
