/**
 * The renderer's project/network helpers: the SOC form's refusals (and that what it accepts is
 * exactly what the model and the IPC contract accept), .npy network import in the published
 * layout, .npy targets, slow variants linked to their source, and the sample fingerprint.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { hasReference, loadReferenceArray, referenceDir, referenceSkipReason } from '../helpers/reference.js';
import { socRequestSchema } from '../../src-shared/ipc/contract.js';
import { resolveSocOptions } from '../../src-shared/model/soc.js';
import { encodeNpy } from '../../src-shared/formats/npy.js';
import { spectralAbscissa } from '../../src-shared/linalg/schur.js';
import type { TargetMovement } from '../../src-shared/project/schema.js';
import { checkSocForm, DEFAULT_SOC_FORM, type SocFormFields } from '../../src-renderer/lib/socForm.js';
import { networkFromNpy, NetworkImportError, roleOfNpyFile } from '../../src-renderer/lib/networkImport.js';
import { createHandlers, dispatch } from '../../src-main/services/handlers.js';
import { createJobManager } from '../../src-main/services/jobManager.js';
import { createWorkerPool, sourceWorkerOptions } from '../../src-main/services/workerPool.js';
import { testProjects } from '../main/fixtures/testProjects.js';
import { makeSlowTarget, sampleFingerprint, targetFromNpy, targetTree, TargetFileError } from '../../src-renderer/lib/targetFiles.js';

function form(changes: Partial<SocFormFields>): SocFormFields {
  return { ...DEFAULT_SOC_FORM, ...changes };
}

describe('SOC form', () => {
  it('accepts the defaults as exactly the model defaults, and the contract accepts the request', () => {
    const checked = checkSocForm(DEFAULT_SOC_FORM);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const model = resolveSocOptions({ n: 200, seed: 1 });
    expect(checked.request).toMatchObject({ n: 200, p: model.p, R: model.R, gamma: model.gamma, targetAlpha: model.targetAlpha, seed: 1, recipe: 'published' });
    expect(socRequestSchema.safeParse(checked.request).success).toBe(true);
    // and the model resolves it without complaint
    expect(() => resolveSocOptions(checked.request as Parameters<typeof resolveSocOptions>[0])).not.toThrow();
  });

  it.each([
    [{ n: '7' }, 'n', /even/],
    [{ n: '2' }, 'n', /at least 4/],
    [{ n: '200.5' }, 'n', /whole number/],
    [{ n: '' }, 'n', /must be a number/],
    [{ n: 'NaN' }, 'n', /must be a number/],
    [{ n: 'Infinity' }, 'n', /must be a number/],
    [{ n: '4002' }, 'n', /too large/],
    [{ p: '0' }, 'p', /strictly between 0 and 1/],
    [{ p: '1' }, 'p', /strictly between 0 and 1/],
    [{ p: '-0.1' }, 'p', /strictly between 0 and 1/],
    [{ p: 'NaN' }, 'p', /must be a number/],
    [{ n: '4', p: '0.01' }, 'p', /almost no connections/],
    [{ R: '0' }, 'R', /positive/],
    [{ gamma: 'abc' }, 'gamma', /must be a number/],
    [{ targetAlpha: '1' }, 'targetAlpha', /below 1/],
    [{ seed: '-1' }, 'seed', /whole number/],
    [{ seed: '1.5' }, 'seed', /whole number/],
  ] as [Partial<SocFormFields>, string, RegExp][])('refuses %o in field %s', (changes, field, message) => {
    const checked = checkSocForm(form(changes));
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.field).toBe(field);
    expect(checked.problem).toMatch(message);
  });

  it('the contract main checks a request by refuses the N, α and ranges the form refuses, naming the field (it took odd N and α up to 10)', () => {
    const base = { n: 200, seed: 1 };
    const refused = (changes: Record<string, unknown>) => {
      const parsed = socRequestSchema.safeParse({ ...base, ...changes });
      return parsed.success ? null : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    };
    expect(refused({ n: 7 })).toMatch(/^n: must be even/);
    expect(refused({ n: 202 })).toBeNull();
    expect(refused({ targetAlpha: 1 })).toMatch(/^targetAlpha: /);
    expect(refused({ targetAlpha: 0.99 })).toBeNull();
    expect(refused({ targetAlpha: -10.5 })).toMatch(/^targetAlpha: /);
    // each field value the form refuses (but the connection-count check, which depends on N and p together)
    for (const [field, text] of [['n', '7'], ['n', '2'], ['n', '4002'], ['p', '0'], ['p', '1'], ['R', '0'], ['R', '1001'], ['gamma', '0'], ['targetAlpha', '1'], ['targetAlpha', '-11'], ['seed', '-1'], ['seed', '1.5']] as const) {
      expect(checkSocForm(form({ [field]: text })).ok, `${field} = ${text}`).toBe(false);
      expect(refused({ [field]: Number(text) }), `${field} = ${text}`).toMatch(new RegExp(`^${field}: `));
    }
  });

  it('what it refuses for N and p the model refuses too', () => {
    for (const n of [7, 2]) expect(() => resolveSocOptions({ n, seed: 1 })).toThrow(RangeError);
    for (const p of [0, 1, Number.NaN]) expect(() => resolveSocOptions({ n: 200, p, seed: 1 })).toThrow(RangeError);
  });
});

function npy(data: number[] | Float64Array, shape: number[], name: string) {
  return { name, bytes: encodeNpy(Float64Array.from(data), shape) };
}

describe('network from .npy files', () => {
  it('reads the published network bit for bit and its α is the published 0.149995', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const read = (name: string) => ({ name, bytes: new Uint8Array(readFileSync(resolve(referenceDir, name))) });
    const net = networkFromNpy({ W: read('W.npy'), x0: read('x0.npy'), readout: read('readout.npy') }, { name: 'Published' });
    const W = loadReferenceArray('W').data;
    const x0 = loadReferenceArray('x0').data;
    const readout = loadReferenceArray('readout').data;
    expect(net.n).toBe(200);
    expect(Array.from(net.W)).toEqual(Array.from(W));
    expect(Array.from(net.x0!)).toEqual(Array.from(x0));
    expect(net.readout?.channels).toBe(1);
    expect(Array.from(net.readout!.weights)).toEqual(Array.from(readout));
    expectClose(spectralAbscissa(net.W, net.n), 0.149995, { rtol: 0, atol: 5e-6 });
  });

  it('without x0, main imports it with the leading Gramian eigenvector: for the published W the published x0 (up to sign)', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const W = loadReferenceArray('W').data;
    const x0 = loadReferenceArray('x0').data;
    const request = networkFromNpy({ W: npy(W, [200, 200], 'W.npy') }, { name: 'Gramian' });
    expect(request.x0).toBeUndefined();
    // the O(N³) Lyapunov solve runs in main's worker, never on the UI thread
    const jobs = createJobManager({ pool: createWorkerPool({ ...sourceWorkerOptions(resolve(import.meta.dirname, '../..')), maxThreads: 1 }), emit: () => undefined });
    const projects = testProjects();
    try {
      const handlers = createHandlers({ mode: 'web', version: 'test', platform: 'test', workerThreads: 1, jobs, projects });
      const answer = await dispatch(handlers, 'project:update', { importNetwork: request });
      expect(answer.ok).toBe(true);
      const net = projects.project().networks[0];
      expect(net.nInitialConditions).toBe(1);
      let dot = 0;
      let a = 0;
      let b = 0;
      for (let i = 0; i < 200; i++) {
        dot += net.initialConditions[i] * x0[i];
        a += net.initialConditions[i] ** 2;
        b += x0[i] ** 2;
      }
      expectClose(Math.abs(dot) / Math.sqrt(a * b), 1, { rtol: 0, atol: 1e-6 });
      expectClose(Math.sqrt(a), 1.5 * Math.sqrt(200), { rtol: 1e-9 });
    } finally {
      await jobs.dispose();
    }
  }, 60_000);

  it('refuses wrong shapes, odd N and non-finite values with a sentence naming the file', () => {
    const W4 = new Float64Array(16);
    expect(() => networkFromNpy({ W: npy(new Float64Array(12), [3, 4], 'W.npy') }, { name: 'x' })).toThrow(/W\.npy has shape 3×4; W must be a square N×N matrix/);
    expect(() => networkFromNpy({ W: npy(new Float64Array(9), [3, 3], 'W.npy') }, { name: 'x' })).toThrow(/N must be even and at least 4/);
    expect(() => networkFromNpy({ W: npy(W4, [4, 4], 'W.npy'), x0: npy([1, 2, 3], [3], 'x0.npy') }, { name: 'x' })).toThrow(
      /x0\.npy has shape 3; x0 must have N = 4 entries/,
    );
    expect(() =>
      networkFromNpy({ W: npy(W4, [4, 4], 'W.npy'), x0: npy([1, 2, 3, 4], [4], 'x0.npy'), readout: npy([1, 2, 3, 4], [4], 'readout.npy') }, { name: 'x' }),
    ).toThrow(/readout\.npy has shape 4; the readout must have 1 \+ N\/2 = 3 entries/);
    const withNaN = new Float64Array(16);
    withNaN[5] = Number.NaN;
    expect(() => networkFromNpy({ W: npy(withNaN, [4, 4], 'W.npy') }, { name: 'x' })).toThrow(/W\.npy contains NaN at index 5/);
    expect(() => networkFromNpy({ W: { name: 'W.npy', bytes: new Uint8Array([1, 2, 3]) } }, { name: 'x' })).toThrow(NetworkImportError);
  });

  it('accepts a C×(1+N/2) readout and (N,1) x0', () => {
    const net = networkFromNpy(
      { W: npy(new Float64Array(16), [4, 4], 'W.npy'), x0: npy([1, 2, 3, 4], [4, 1], 'x0.npy'), readout: npy([1, 2, 3, 4, 5, 6], [2, 3], 'readout.npy') },
      { name: 'x' },
    );
    expect(net.readout?.channels).toBe(2);
    expect(Array.from(net.x0!)).toEqual([1, 2, 3, 4]);
  });

  it('tells W, x0 and readout files apart by name', () => {
    expect(roleOfNpyFile('W.npy')).toBe('W');
    expect(roleOfNpyFile('soc_W.npy')).toBe('W');
    expect(roleOfNpyFile('x0.npy')).toBe('x0');
    expect(roleOfNpyFile('readout.npy')).toBe('readout');
    expect(roleOfNpyFile('novel_target.npy')).toBeNull();
  });
});

function target(id: string, values: number[], source: TargetMovement['source'] = { kind: 'drawn' }): TargetMovement {
  return { id, name: id, channels: 1, nSamples: values.length, duration: 500, values: Float64Array.from(values), source, createdAt: '2026-01-01T00:00:00.000Z' };
}

describe('targets from .npy, slow variants, fingerprints', () => {
  it('keeps a target on the grid bit for bit and resamples a line to the same line', () => {
    const values = Float64Array.from({ length: 200 }, (_, k) => Math.sin(k / 7) + k * 1e-3);
    const same = targetFromNpy('t.npy', encodeNpy(values, [200]), { duration: 500, nSamples: 200 });
    expect(Array.from(same.values)).toEqual(Array.from(values));
    // a straight line on 50 samples, resampled linearly to 200: still the line, at the grid times
    const line = Float64Array.from({ length: 50 }, (_, k) => 3 - 2 * (k / 49));
    const resampled = targetFromNpy('line.npy', encodeNpy(line, [50]), { duration: 500, nSamples: 200 });
    for (let k = 0; k < 200; k++) expectClose(resampled.values[k], 3 - 2 * (k / 199), { rtol: 0, atol: 1e-12 });
  });

  it('reads K×C time-major as channels and refuses NaN and odd shapes', () => {
    const timeMajor = new Float64Array(200 * 2);
    for (let k = 0; k < 200; k++) {
      timeMajor[2 * k] = k;
      timeMajor[2 * k + 1] = -k;
    }
    const t = targetFromNpy('two.npy', encodeNpy(timeMajor, [200, 2]), { duration: 500, nSamples: 200 });
    expect(t.channels).toBe(2);
    expect(t.values[199]).toBe(199);
    expect(t.values[200 + 199]).toBe(-199);
    expect(() => targetFromNpy('nan.npy', encodeNpy(Float64Array.from([1, Number.NaN, 2]), [3]), { duration: 500, nSamples: 200 })).toThrow(/NaN at index 1/);
    expect(() => targetFromNpy('cube.npy', encodeNpy(new Float64Array(8), [2, 2, 2]), { duration: 500, nSamples: 200 })).toThrow(TargetFileError);
  });

  it('refuses values that overflow when resampled (fuzz: tests/fuzz/targetFiles npy seed 616 case 57)', () => {
    const extremes = encodeNpy(Float64Array.from([1e308, -1e308]), [2]);
    expect(() => targetFromNpy('big.npy', extremes, { duration: 500, nSamples: 200 })).toThrow(
      /^big\.npy: channel 1 cannot be resampled onto the 200-sample movement grid: its values are too extreme \(sample \d+ would be -Infinity\)\.$/,
    );
  });

  it('a slow variant keeps the step, hits every original sample at k·s, scales by 1/s², and links to its source', () => {
    const source = target('src', Array.from({ length: 200 }, (_, k) => Math.cos(k / 11)));
    const slow = makeSlowTarget(source, 2, true, { id: 'slow' });
    expect(slow.nSamples).toBe(399);
    expect(slow.duration).toBeCloseTo(1000, 12);
    expect(slow.source).toEqual({ kind: 'slow', sourceId: 'src', factor: 2, amplitudeScaling: true });
    for (let k = 0; k < 200; k++) expectClose(slow.values[2 * k], source.values[k] / 4, { rtol: 0, atol: 1e-15 });
    expect(() => makeSlowTarget(source, 1.3, false, { id: 'bad' })).toThrow(/does not keep the time step/);
    // a huge s is refused in words (it was 'Invalid typed array length: 199000000001' from the allocation)
    expect(() => makeSlowTarget(source, 1e9, false, { id: 'huge' })).toThrow(TargetFileError);
    expect(() => makeSlowTarget(source, 1e9, false, { id: 'huge' })).toThrow('s = 1000000000 would give 199 000 000 001 samples; a target has at most 100 000 (s ≤ 502 for this one).');
    expect(() => makeSlowTarget(source, 503, false, { id: 'over' })).toThrow(/at most 100 000/);
    expect(makeSlowTarget(source, 502, false, { id: 'largest' }).nSamples).toBe(99_899);
  });

  it('the fingerprint is FNV-1a: the offset basis for no bytes, equal for copies, changed by one bit', () => {
    expect(sampleFingerprint(new Float64Array(0))).toBe('811c9dc5');
    const values = Float64Array.from({ length: 200 }, (_, k) => Math.sin(k));
    expect(sampleFingerprint(Float64Array.from(values))).toBe(sampleFingerprint(values));
    const flipped = Float64Array.from(values);
    const bits = new Uint8Array(flipped.buffer);
    bits[8 * 57] ^= 1; // lowest mantissa bit of sample 57
    expect(flipped[57]).not.toBe(values[57]);
    expect(sampleFingerprint(flipped)).not.toBe(sampleFingerprint(values));
  });

  it('lists slow variants right after their source, orphans and all', () => {
    const a = target('a', [0, 1]);
    const b = target('b', [0, 1]);
    const aSlow = target('a2', [0, 1, 2], { kind: 'slow', sourceId: 'a', factor: 2, amplitudeScaling: false });
    const orphan = target('o', [0, 1, 2], { kind: 'slow', sourceId: 'gone', factor: 2, amplitudeScaling: false });
    const rows = targetTree([aSlow, b, orphan, a]);
    expect(rows.map((r) => [r.target.id, r.depth])).toEqual([
      ['b', 0],
      ['o', 0],
      ['a', 0],
      ['a2', 1],
    ]);
    expect(rows.find((r) => r.target.id === 'a2')?.sourceName).toBe('a');
  });
});
