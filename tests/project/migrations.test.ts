import { createHash } from 'node:crypto';
import { strFromU8, strToU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy } from '../../src-shared/formats/npy.js';
import { Rng } from '../../src-shared/model/rng.js';
import { decodeProject, decodeProjectFile, encodeProject, zipEntries } from '../../src-shared/project/archive.js';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import { migrations } from '../../src-shared/project/migrations.js';
import { createEmptyProject, PROJECT_SCHEMA_VERSION, type Project } from '../../src-shared/project/schema.js';
import { expectSameBits, sampleProject, v1Entries } from './fixtures.js';

/** A format-1 file exactly as documented in migrations.ts. */
function v1File(overrides: (json: Record<string, any>) => void = () => {}): { bytes: Uint8Array; W: Float64Array; x0: Float64Array; readout: Float64Array; reach: Float64Array } {
  const { json, files, W, x0, readout, reach } = v1Entries();
  overrides(json);
  return { bytes: zipEntries({ 'project.json': json, ...files }), W, x0, readout, reach };
}

describe('project.json migrations', () => {
  it('has a step from every older version', () => {
    expect(Object.keys(migrations).map(Number)).toEqual([1, 2, 3]);
    expect(PROJECT_SCHEMA_VERSION).toBe(4);
  });

  it('opens a format-1 file as a version-2 project with the same numbers', () => {
    const { bytes, W, x0, readout, reach } = v1File();
    const decoded = decodeProjectFile(bytes, { fileName: 'old.gainlab' });
    expect(decoded.fromVersion).toBe(1);
    const project = decoded.project;
    expect(project.name).toBe('Old study');
    expect(project.createdAt).toBe('2025-03-04T05:06:07.000Z');
    expect(project.runs).toEqual([]);
    expect(project.primitiveLibraries).toEqual([]);
    expect(project.speedManifolds).toEqual([]);

    const net = project.networks[0];
    expect(net.id).toBe('net-1');
    expect(net.name).toBe('Prototype net');
    expect([net.n, net.nE, net.nInitialConditions]).toEqual([8, 4, 1]);
    expect(net.params).toEqual({ tau: 150, r0: 20, rmax: 100, duration: 400, nSamples: 20, gainFunction: 'tanh' });
    expect(net.seed).toBe(3);
    expect(net.origin).toBe('soc');
    expectSameBits(net.W, W, 'W');
    expectSameBits(net.initialConditions, x0, 'x0 → initialConditions row 0');
    expect(net.readout?.channels).toBe(1);
    expectSameBits(net.readout?.weights, readout, 'readout');

    expect(project.targets.map((t) => [t.id, t.name, t.channels, t.nSamples, t.duration])).toEqual([
      ['target-1', 'reach', 1, 20, 400],
      ['target-2', 'doodle', 1, 20, 400],
    ]);
    expect(project.targets[0].source).toEqual({ kind: 'generated', seed: 21 });
    expect(project.targets[1].source).toEqual({ kind: 'drawn' });
    expectSameBits(project.targets[0].values, reach, 'reach');
  });

  it('saves a migrated project as the current version, which reopens identically', () => {
    const project = decodeProject(v1File().bytes);
    const bytes = encodeProject(project);
    const json = JSON.parse(strFromU8(unzipSync(bytes)['project.json']));
    expect(json.schemaVersion).toBe(PROJECT_SCHEMA_VERSION);
    expect(json.version).toBeUndefined();
    expect(parseNpy(unzipSync(bytes)[json.networks[0].initialConditions.path]).shape).toEqual([1, 8]);
    const again = decodeProjectFile(bytes);
    expect(again.fromVersion).toBe(PROJECT_SCHEMA_VERSION);
    expectSameBits(again.project, project);
  });

  it('reports invalid format-1 files field by field', () => {
    const wrong = v1File((json) => {
      json.networks[0].size = -1;
    });
    expect(() => decodeProject(wrong.bytes)).toThrow(/format version 1\) is not valid: networks\[0\]\.size/);
    const noSeed = v1File((json) => {
      delete json.movements[0].seed;
    });
    let error: unknown;
    try {
      decodeProject(noSeed.bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProjectFileError);
    expect((error as ProjectFileError).code).toBe('invalid-schema');
    expect((error as ProjectFileError).message).toMatch(/movements\[0\]\.seed: a generated movement needs its seed/);
  });

  it('still reports a truncated array in a format-1 file', () => {
    const { bytes } = v1File();
    const entries = unzipSync(bytes);
    entries['arrays/x0.npy'] = entries['arrays/x0.npy'].subarray(0, 90);
    const broken = zipEntries(entries as Record<string, Uint8Array>);
    expect(() => decodeProject(broken)).toThrow(/initial conditions of network "Prototype net": the array file arrays\/x0\.npy is truncated/);
  });
});

/**
 * The sample project written as an older format, exactly as that format's GainLab wrote it:
 * format 3 has no project id, experiment results, notes of runs, libraries and manifolds, nor run
 * purposes; format 2 also lacks the format-3 speed-manifold fields (five fields only).
 */
function olderFile(version: 2 | 3): { bytes: Uint8Array; projectJson: Uint8Array; project: Project } {
  const project = sampleProject();
  const entries = unzipSync(encodeProject(project));
  const json = JSON.parse(strFromU8(entries['project.json']));
  json.schemaVersion = version;
  delete json.id;
  delete json.experimentResults;
  for (const run of json.runs) {
    delete run.notes;
    delete run.purpose;
  }
  for (const library of json.primitiveLibraries) delete library.notes;
  for (const manifold of json.speedManifolds) delete manifold.notes;
  if (version === 2) {
    json.speedManifolds = json.speedManifolds.map((m: Record<string, unknown>) => ({
      id: m.id,
      name: m.name,
      networkId: m.networkId,
      durations: m.durations,
      gains: m.gains,
    }));
  }
  const files: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(entries)) {
    if (!name.startsWith('arrays/') || name.startsWith('arrays/results/')) continue;
    if (version === 2 && name.includes('speed_manifolds/0/initial_conditions')) continue;
    files[name] = data;
  }
  const projectJson = strToU8(JSON.stringify(json, null, 2));
  return { bytes: zipEntries({ 'project.json': projectJson, ...files }), projectJson, project };
}

/** The legacy id computed independently of GainLab's SHA-256 (node:crypto). */
function expectedLegacyId(projectJson: Uint8Array): string {
  return `legacy-${createHash('sha256').update(projectJson).digest('hex').slice(0, 16)}`;
}

describe('format 2 → 3: speed manifolds record how they were learned', () => {
  const v2File = () => olderFile(2);

  it('opens a format-2 manifold with factors = durations / T and the documented defaults', () => {
    const { bytes, project } = v2File();
    const decoded = decodeProjectFile(bytes);
    expect(decoded.fromVersion).toBe(2);
    const manifold = decoded.project.speedManifolds[0];
    const original = project.speedManifolds[0];
    const network = project.networks.find((n) => n.id === original.networkId)!;
    expect(manifold.durations).toEqual(original.durations);
    expect(manifold.factors).toEqual(original.durations.map((d) => d / network.params.duration));
    expectSameBits(manifold.gains, original.gains, 'gains');
    expect(manifold).toMatchObject({
      initialConditions: null,
      amplitudeScaling: false,
      rule: null,
      settings: {},
      seed: null,
      groupLabels: null,
      initialErrors: null,
      errors: null,
      status: 'done',
    });
    // everything else comes through unchanged (runs get the format-4 defaults)
    expectSameBits(decoded.project.networks, project.networks, 'networks');
    expectSameBits(decoded.project.runs, project.runs.map((run) => ({ ...run, notes: '', purpose: 'train' })), 'runs');
  });

  it('a migrated project saves as the current format and reopens identically', () => {
    const migrated = decodeProject(v2File().bytes);
    const bytes = encodeProject(migrated);
    const json = JSON.parse(strFromU8(unzipSync(bytes)['project.json']));
    expect(json.schemaVersion).toBe(PROJECT_SCHEMA_VERSION);
    expect(json.speedManifolds[0].initialConditions).toBeNull();
    expectSameBits(decodeProject(bytes), migrated);
  });

  it('format-3 fields round-trip, and their shapes are checked against the network', () => {
    const project = sampleProject();
    const manifold = project.speedManifolds[0];
    const back = decodeProject(encodeProject(project)).speedManifolds[0];
    expectSameBits(back, manifold, 'speed manifold');
    expect(back.status).toBe('cancelled');
    const entries = unzipSync(encodeProject(project));
    const json = JSON.parse(strFromU8(entries['project.json']));
    expect(parseNpy(entries[json.speedManifolds[0].initialConditions.path]).shape).toEqual(manifold.initialConditions!.shape);
    const n = project.networks.find((net) => net.id === manifold.networkId)!.n;
    const wrongErrors = sampleProject();
    wrongErrors.speedManifolds[0].errors = [1];
    expect(() => encodeProject(wrongErrors)).toThrow(/errors has 1 entries for 2 durations/);
    const wrongX0 = sampleProject();
    wrongX0.speedManifolds[0].initialConditions = { shape: [1, n - 1], data: new Float64Array(n - 1) };
    expect(() => encodeProject(wrongX0)).toThrow(/initial conditions of speed manifold "Speeds" have shape/);
  });
});

describe('format 3 → 4: project id, notes, run purpose, experiment results', () => {
  it('opens a format-3 file with a legacy id from its project.json bytes and the documented defaults', () => {
    const { bytes, projectJson, project } = olderFile(3);
    const decoded = decodeProjectFile(bytes, { fileName: 'v3.gainlab' });
    expect(decoded.fromVersion).toBe(3);
    const migrated = decoded.project;
    expect(migrated.id).toBe(expectedLegacyId(projectJson));
    expect(migrated.id).toMatch(/^legacy-[0-9a-f]{16}$/);
    expect(migrated.experimentResults).toEqual([]);
    expect(migrated.runs.map((run) => [run.notes, run.purpose])).toEqual([['', 'train']]);
    expect(migrated.primitiveLibraries.map((library) => library.notes)).toEqual(['']);
    expect(migrated.speedManifolds.map((manifold) => manifold.notes)).toEqual(['']);
    // everything format 3 held is unchanged, bit for bit
    const { id: _id, experimentResults: _results, ...rest } = project;
    const { id: _mid, experimentResults: _mresults, ...migratedRest } = migrated;
    expectSameBits(migratedRest, {
      ...rest,
      runs: project.runs.map((run) => ({ ...run, notes: '', purpose: 'train' })),
      primitiveLibraries: project.primitiveLibraries.map((library) => ({ ...library, notes: '' })),
      speedManifolds: project.speedManifolds.map((manifold) => ({ ...manifold, notes: '' })),
    });
  });

  it('gives the same file the same id every time, and another file another id', () => {
    const { bytes } = olderFile(3);
    const first = decodeProject(bytes).id;
    expect(decodeProject(bytes).id).toBe(first);
    expect(decodeProject(bytes.slice()).id).toBe(first);
    // one byte more in project.json (a different file) → another id
    const entries = unzipSync(bytes);
    const json = JSON.parse(strFromU8(entries['project.json']));
    json.name = 'Sample study 2';
    const other = zipEntries({ ...(entries as Record<string, Uint8Array>), 'project.json': json });
    expect(decodeProject(other).id).not.toBe(first);
  });

  it('a migrated project saves as format 4, keeps its id, and reopens identically', () => {
    const migrated = decodeProject(olderFile(3).bytes);
    const bytes = encodeProject(migrated);
    const json = JSON.parse(strFromU8(unzipSync(bytes)['project.json']));
    expect(json.schemaVersion).toBe(4);
    expect(json.id).toBe(migrated.id);
    const again = decodeProjectFile(bytes);
    expect(again.fromVersion).toBe(4);
    expectSameBits(again.project, migrated);
  });

  it('a format-1 file goes through the whole chain 1 → 2 → 3 → 4', () => {
    const { bytes } = v1File();
    const projectJson = unzipSync(bytes)['project.json'];
    const decoded = decodeProjectFile(bytes);
    expect(decoded.fromVersion).toBe(1);
    expect(decoded.project.id).toBe(expectedLegacyId(projectJson));
    expect(decoded.project.experimentResults).toEqual([]);
  });

  it('new projects get a random 16-hex-digit id, or the one given', () => {
    const a = createEmptyProject('a');
    const b = createEmptyProject('b');
    expect(a.id).toMatch(/^[0-9a-f]{16}$/);
    expect(b.id).toMatch(/^[0-9a-f]{16}$/);
    expect(a.id).not.toBe(b.id);
    expect(createEmptyProject('c', new Date(0), 'fixed-id').id).toBe('fixed-id');
  });
});
