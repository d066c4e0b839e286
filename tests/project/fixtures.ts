import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { encodeNpy } from '../../src-shared/formats/npy.js';
import { expect } from 'vitest';
import { Rng } from '../../src-shared/model/rng.js';
import { generateTarget, slowVariant } from '../../src-shared/model/targets.js';
import { createEmptyProject,  type ExperimentResultRecord, type Project } from '../../src-shared/project/schema.js';

function randomArray(rng: Rng, length: number, scale = 1): Float64Array {
  return Float64Array.from({ length }, () => scale * rng.normal());
}

/** A small project that uses every part of the format (n = 12, two channels, a slow variant, a run, placeholders filled). */
export function sampleProject(options: { withPlaceholders?: boolean } = {}): Project {
  const rng = new Rng(1234);
  const n = 12;
  const nE = 6;
  const project = createEmptyProject('Sample study', new Date(Date.UTC(2026, 10, 27, 12, 0, 0)), '0123456789abcdef');
  project.notes = 'Notes with unicode: τ = 200 ms, α ≤ 0.15';
  const W = randomArray(rng, n * n, 0.5);
  for (let i = 0; i < n; i++) W[i * n + i] = 0;
  W[3] = -0; // signed zero must survive
  W[4] = 5e-324; // subnormal too
  project.networks.push({
    id: 'net-a',
    name: 'Small SOC',
    n,
    nE,
    W,
    initialConditions: randomArray(rng, 2 * n, 3),
    nInitialConditions: 2,
    readout: { channels: 2, weights: randomArray(rng, 2 * (1 + nE)), fittedTo: 'reach', fitError: 0.0123 },
    params: { ...DEFAULT_DYNAMICS, tau: 150 },
    seed: 99,
    soc: { recipe: 'fast', seed: 99, iterations: 7, finalAlpha: 0.1499, alphaHistory: Float64Array.from([9.8, 4.1, 1.2, 0.6, 0.3, 0.2, 0.1499]), buildMs: 12.5 },
    origin: 'soc',
    createdAt: '2026-11-27T12:00:00.000Z',
  });
  const grid = { duration: 500, nSamples: 50 };
  const reach = generateTarget(17, grid, 2);
  project.targets.push({
    id: 'reach',
    name: 'Reach',
    channels: 2,
    nSamples: grid.nSamples,
    duration: grid.duration,
    values: reach.values,
    source: { kind: 'generated', seed: 17 },
    createdAt: '2026-11-27T12:00:01.000Z',
  });
  const slow = slowVariant(reach.values, 2, grid, 2, { amplitudeScaling: true });
  project.targets.push({
    id: 'reach-slow',
    name: 'Reach ×2 slower',
    channels: 2,
    nSamples: slow.nSamples,
    duration: slow.duration,
    values: slow.values,
    source: { kind: 'slow', sourceId: 'reach', factor: 2, amplitudeScaling: true },
    createdAt: '2026-11-27T12:00:02.000Z',
  });
  project.targets.push({
    id: 'drawn-1',
    name: 'Drawn',
    channels: 1,
    nSamples: 5,
    duration: 500,
    values: Float64Array.from([0, 1.5, -2.25, 1e-300, 0]),
    source: { kind: 'drawn' },
    createdAt: '2026-11-27T12:00:03.000Z',
  });
  project.targets.push({
    id: 'emg',
    name: 'Imported EMG',
    channels: 1,
    nSamples: 3,
    duration: 300,
    values: Float64Array.from([0, 2, 0]),
    source: { kind: 'imported', fileName: 'emg.csv' },
    createdAt: '2026-11-27T12:00:04.000Z',
  });
  project.runs.push({
    id: 'run-1',
    name: 'Reward rule, 10 trials',
    networkId: 'net-a',
    targetIds: ['reach'],
    initialConditionIndices: [1],
    rule: 'reward',
    settings: { trials: 10, sigma: 0.001, alpha: 0.3, groups: { kind: 'random', count: 3 } },
    seed: 5,
    initialError: 1.75,
    groupLabels: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2],
    sessions: [0, 1].map((k) => ({
      session: k,
      seed: Rng.derive(5, k),
      bestError: 0.5 + k,
      bestTrial: 7,
      trialsRun: 10,
      errorCurve: randomArray(rng, 11),
      bestGains: randomArray(rng, n),
      output: { shape: [2, grid.nSamples], data: randomArray(rng, 2 * grid.nSamples) },
    })),
    status: 'done',
    startedAt: '2026-11-27T12:01:00.000Z',
    finishedAt: '2026-11-27T12:02:00.000Z',
    notes: 'First try; σ from the paper.\nSecond line.',
    purpose: 'train',
  });
  if (options.withPlaceholders ?? true) {
    project.primitiveLibraries.push({
      id: 'lib-1',
      name: 'Library',
      networkId: 'net-a',
      runIds: ['run-1'],
      gains: { shape: [1, n], data: randomArray(rng, n) },
      outputs: { shape: [1, 2, grid.nSamples], data: randomArray(rng, 2 * grid.nSamples) },
      notes: 'one primitive',
    });
    project.speedManifolds.push({
      id: 'speed-1',
      name: 'Speeds',
      networkId: 'net-a',
      durations: [500, 1000],
      gains: { shape: [2, n], data: randomArray(rng, 2 * n) },
      // format 3: how the manifold was learned
      factors: [1, 2],
      initialConditions: { shape: [2, n], data: randomArray(rng, 2 * n) },
      amplitudeScaling: true,
      rule: 'gradient',
      settings: { trials: 20, groups: { kind: 'random', count: 4 } },
      seed: 9,
      groupLabels: Array.from({ length: n }, (_, i) => i % 4),
      initialErrors: [0, 1.25],
      errors: [0, 0.5],
      status: 'cancelled',
      notes: '',
    });
    project.experimentResults.push(sampleExperimentResult(rng, 'net-a'));
  }
  return project;
}

/**
 * An experiment result using every part of the record: a partial summary and table holding NaN
 * and ±Infinity (stored as strings), a figure with a NaN point, an array and a text.
 */
export function sampleExperimentResult(rng: Rng, networkId: string | null): ExperimentResultRecord {
  return {
    id: 'result-1',
    name: 'Fig. 1 (quick)',
    kind: 'experiment',
    definition: 'fig1',
    quick: true,
    seed: 11,
    networkId,
    networkName: 'Small SOC',
    settings: { definition: 'fig1', quick: true, seed: 11, sessions: 3 },
    summary: { meanError: 0.25, medianError: Number.NaN, worst: Number.POSITIVE_INFINITY, best: Number.NEGATIVE_INFINITY, label: 'partial', counts: [1, 2, Number.NaN] },
    tables: [
      { name: 'errors', columns: ['session', 'error', 'note'], rows: [[0, 0.5, 'ok'], [1, Number.NaN, 'not reached'], [2, Number.POSITIVE_INFINITY, 'diverged']] },
    ],
    arrays: [
      { name: 'error curves', shape: [3, 4], data: randomArray(rng, 12) },
      { name: 'empty', shape: [0], data: new Float64Array(0) },
    ],
    figures: [
      { kind: 'lines', name: 'fig1b', title: 'Error', xLabel: 'trial', yLabel: 'E', series: [{ name: 'mean', x: [0, 1, 2], y: [1, 0.5, Number.NaN] }] },
    ],
    texts: [{ name: 'errors.csv', mediaType: 'text/csv', text: 'session,error\n0,0.5\n1,NaN\n' }],
    status: 'cancelled',
    elapsedMs: 1234.5,
    startedAt: '2026-11-27T12:03:00.000Z',
    finishedAt: '2026-11-27T12:03:01.234Z',
    notes: 'stopped after 3 sessions',
  };
}

/** Deep equality where every Float64Array must match bit for bit (−0, subnormals, NaN payloads). */
export function expectSameBits(actual: unknown, expected: unknown, where = 'project'): void {
  if (expected instanceof Float64Array) {
    expect(actual, `${where} is a Float64Array`).toBeInstanceOf(Float64Array);
    const a = actual as Float64Array;
    expect(a.length, `${where}.length`).toBe(expected.length);
    const ab = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const eb = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
    for (let i = 0; i < eb.length; i++) {
      if (ab[i] !== eb[i]) expect.fail(`${where}: value ${Math.floor(i / 8)} differs (${a[Math.floor(i / 8)]} vs ${expected[Math.floor(i / 8)]})`);
    }
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${where} is an array`).toBe(true);
    expect((actual as unknown[]).length, `${where}.length`).toBe(expected.length);
    expected.forEach((item, i) => expectSameBits((actual as unknown[])[i], item, `${where}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(actual !== null && typeof actual === 'object', `${where} is an object`).toBe(true);
    const keys = Object.keys(expected).sort();
    expect(Object.keys(actual as object).sort(), `${where} keys`).toEqual(keys);
    for (const key of keys) expectSameBits((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${where}.${key}`);
    return;
  }
  expect(Object.is(actual, expected), `${where}: ${String(actual)} vs ${String(expected)}`).toBe(true);
}

/** A format-1 project (GainLab 0.0.x prototypes, migrations.ts): its project.json and array files, and the arrays. */
export function v1Entries(): { json: Record<string, any>; files: Record<string, Uint8Array>; W: Float64Array; x0: Float64Array; readout: Float64Array; reach: Float64Array } {
  const rng = new Rng(77);
  const n = 8;
  const W = Float64Array.from({ length: n * n }, () => rng.normal());
  const x0 = Float64Array.from({ length: n }, () => rng.normal());
  const readout = Float64Array.from({ length: 1 + n / 2 }, () => rng.uniform());
  const reach = Float64Array.from({ length: 20 }, (_, k) => Math.sin(k / 3));
  const drawn = Float64Array.from({ length: 20 }, (_, k) => k);
  const json: Record<string, any> = {
    format: 'gainlab-project',
    version: 1,
    title: 'Old study',
    created: '2025-03-04T05:06:07.000Z',
    networks: [
      {
        label: 'Prototype net',
        size: n,
        excitatory: n / 2,
        weights: { path: 'arrays/W.npy', shape: [n, n] },
        x0: { path: 'arrays/x0.npy', shape: [n] },
        readout: { path: 'arrays/readout.npy', shape: [1 + n / 2] },
        tau: 150,
        T: 400,
        samples: 20,
        seed: 3,
      },
    ],
    movements: [
      { label: 'reach', data: { path: 'arrays/reach.npy', shape: [20] }, T: 400, origin: 'generated', seed: 21 },
      { label: 'doodle', data: { path: 'arrays/drawn.npy', shape: [20] }, T: 400, origin: 'drawn' },
    ],
  };
  const files = {
    'arrays/W.npy': encodeNpy(W, [n, n]),
    'arrays/x0.npy': encodeNpy(x0, [n]),
    'arrays/readout.npy': encodeNpy(readout, [1 + n / 2]),
    'arrays/reach.npy': encodeNpy(reach, [20]),
    'arrays/drawn.npy': encodeNpy(drawn, [20]),
  };
  return { json, files, W, x0, readout, reach };
}
