import { strFromU8, strToU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy } from '../../src-shared/formats/npy.js';
import {
  crc32,
  decodeProject,
  decodeProjectFile,
  encodeProject,
  projectToEntries,
  readProjectVersion,
  zipEntries,
} from '../../src-shared/project/archive.js';
import { ProjectFileError, type ProjectFileErrorCode } from '../../src-shared/project/errors.js';
import { PROJECT_SCHEMA_VERSION } from '../../src-shared/project/schema.js';
import { expectSameBits, sampleProject } from './fixtures.js';

/** project.json (as an object) and the array files of the sample project. */
function sampleEntries(): { json: Record<string, any>; files: Record<string, Uint8Array> } {
  const { json, files } = projectToEntries(sampleProject(), { appVersion: '0.1.0' });
  return { json: JSON.parse(JSON.stringify(json)), files: Object.fromEntries(files) };
}

function build(json: unknown, files: Record<string, Uint8Array>): Uint8Array {
  return zipEntries({ 'project.json': json as object, ...files });
}

function decodeError(bytes: Uint8Array, fileName = 'broken.gainlab'): ProjectFileError {
  try {
    decodeProject(bytes, { fileName });
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectFileError);
    return error as ProjectFileError;
  }
  throw new Error('expected the file to be refused');
}

function expectRefused(bytes: Uint8Array, code: ProjectFileErrorCode, message: RegExp | string): ProjectFileError {
  const error = decodeError(bytes);
  expect(error.code).toBe(code);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
  // Every message names the file.
  expect(error.message.startsWith('"broken.gainlab": ')).toBe(true);
  return error;
}

describe('project archive round trip', () => {
  it('save then open gives identical arrays (bit for bit) and settings', () => {
    const project = sampleProject();
    const bytes = encodeProject(project, { appVersion: '0.1.0' });
    const decoded = decodeProjectFile(bytes);
    expect(decoded.fromVersion).toBe(PROJECT_SCHEMA_VERSION);
    expect(decoded.writtenBy).toBe('GainLab 0.1.0');
    expectSameBits(decoded.project, project);
    // A second round trip gives the same bytes: the archive is deterministic.
    expect(crc32(encodeProject(decoded.project, { appVersion: '0.1.0' }))).toBe(crc32(bytes));
  });

  it('round-trips an empty project and empty placeholders', () => {
    const project = sampleProject({ withPlaceholders: false });
    expect(project.primitiveLibraries).toEqual([]);
    expectSameBits(decodeProject(encodeProject(project)), project);
  });

  it('stores each array as a float64 little-endian .npy with the shape in project.json', () => {
    const bytes = encodeProject(sampleProject());
    const entries = unzipSync(bytes);
    const json = JSON.parse(strFromU8(entries['project.json']));
    expect(json.kind).toBe('gainlab-project');
    expect(json.schemaVersion).toBe(PROJECT_SCHEMA_VERSION);
    const wRef = json.networks[0].W;
    expect(wRef).toEqual({ path: 'arrays/networks/0/W.npy', shape: [12, 12] });
    const npy = entries[wRef.path];
    const header = strFromU8(npy.subarray(10, 80), true);
    expect(header).toContain("'descr': '<f8'");
    expect(header).toContain("'shape': (12, 12)");
    expect(json.networks[0].initialConditions.shape).toEqual([2, 12]);
    expect(json.networks[0].readout.weights.shape).toEqual([2, 7]);
    expect(json.targets[0].values.shape).toEqual([2, 50]);
    expect(json.runs[0].sessions[1].output.shape).toEqual([2, 50]);
  });

  it('stores experiment results: arrays as .npy, NaN and ±Infinity of a partial result as strings in project.json', () => {
    const project = sampleProject();
    const result = project.experimentResults[0];
    const entries = unzipSync(encodeProject(project));
    const json = JSON.parse(strFromU8(entries['project.json']));
    const stored = json.experimentResults[0];
    expect(stored.summary).toEqual({ meanError: 0.25, medianError: 'NaN', worst: 'Infinity', best: '-Infinity', label: 'partial', counts: [1, 2, 'NaN'] });
    expect(stored.tables[0].rows).toEqual([[0, 0.5, 'ok'], [1, 'NaN', 'not reached'], [2, 'Infinity', 'diverged']]);
    expect(stored.figures[0].series[0].y).toEqual([1, 0.5, 'NaN']);
    expect(stored.arrays).toEqual([
      { name: 'error curves', path: 'arrays/results/0/0.npy', shape: [3, 4] },
      { name: 'empty', path: 'arrays/results/0/1.npy', shape: [0] },
    ]);
    expectSameBits(parseNpy(entries['arrays/results/0/0.npy']).data, result.arrays[0].data, 'result array');
    // and they come back as numbers
    const back = decodeProject(encodeProject(project)).experimentResults[0];
    expect(back.summary.medianError).toBeNaN();
    expect(back.summary.worst).toBe(Infinity);
    expect(back.tables[0].rows[2][1]).toBe(Infinity);
    expectSameBits(back, result, 'experiment result');
  });

  it('refuses results it could not read back: NaN in settings, non-JSON figures, duplicate ids, unknown networks', () => {
    const nanSettings = sampleProject();
    nanSettings.experimentResults[0].settings = { sigma: Number.NaN };
    expect(() => encodeProject(nanSettings)).toThrow(/experiment result "Fig\. 1 \(quick\)": settings\.sigma: NaN is not a finite number/);
    const typed = sampleProject();
    typed.experimentResults[0].figures = [{ y: new Float64Array(2) }];
    expect(() => encodeProject(typed)).toThrow(/figures\[0\]\.y: a Float64Array is not a JSON value/);
    const twice = sampleProject();
    twice.experimentResults.push({ ...twice.experimentResults[0] });
    expect(() => encodeProject(twice)).toThrow(/two experiment results have the same id "result-1"/);
    const elsewhere = sampleProject();
    elsewhere.experimentResults[0].networkId = 'gone';
    expect(() => encodeProject(elsewhere)).toThrow(/ran on network "gone", which is not in the project/);
    const ragged = sampleProject();
    ragged.experimentResults[0].tables[0].rows.push([1]);
    expect(() => encodeProject(ragged)).toThrow(/row 3 of table "errors" \(tables\[0\]\) has 1 cells for 3 columns/);
    const nanArray = sampleProject();
    nanArray.experimentResults[0].arrays[0].data[2] = Number.NaN;
    expect(() => encodeProject(nanArray)).toThrow(/array "error curves" of experiment result .* contains NaN at index 2/);
    // a result of its own network (networkId null) is fine
    const own = sampleProject();
    own.experimentResults[0].networkId = null;
    expectSameBits(decodeProject(encodeProject(own)), own);
  });

  it('refuses to write a project it could not read back', () => {
    const project = sampleProject();
    project.networks[0].W[7] = Number.NaN;
    expect(() => encodeProject(project)).toThrow(/W of network "Small SOC" contains NaN at index 7/);
    const wrongSize = sampleProject();
    wrongSize.targets[0].values = new Float64Array(3);
    expect(() => encodeProject(wrongSize)).toThrow(ProjectFileError);
  });
});

describe('bad project files', () => {
  it('not a zip', () => {
    expectRefused(
      strToU8('W,x0\n1,2\n'),
      'not-zip',
      '"broken.gainlab": this is not a GainLab project file: the file is not a zip archive (a .gainlab file is a zip archive holding project.json and .npy arrays)',
    );
    expectRefused(new Uint8Array(0), 'not-zip', /the file is empty/);
  });

  it('a damaged zip: cut short, or a flipped byte', () => {
    const bytes = encodeProject(sampleProject());
    expectRefused(bytes.subarray(0, Math.floor(bytes.length / 2)), 'corrupt-zip', /damaged: the zip archive is incomplete/);
    // Flip a byte inside the W entry's data (stored after its local header).
    const flipped = bytes.slice();
    const at = flipped.length / 3;
    flipped[Math.floor(at)] ^= 0x55;
    expectRefused(flipped, 'corrupt-zip', /damaged/);
  });

  it('a foreign zip: no project.json, or project.json of another kind', () => {
    expectRefused(zipEntries({ 'readme.txt': 'hello' }), 'not-gainlab', '"broken.gainlab": this zip archive is not a GainLab project: it has no project.json');
    expectRefused(
      zipEntries({ 'project.json': { kind: 'vscode-workspace', folders: [] } }),
      'not-gainlab',
      /not a GainLab project: its project.json does not say kind "gainlab-project" \(its kind is "vscode-workspace"\)/,
    );
    expectRefused(zipEntries({ 'project.json': '[1, 2]' }), 'not-gainlab', /not a JSON object/);
  });

  it('invalid JSON', () => {
    expectRefused(zipEntries({ 'project.json': '{"kind": "gainlab-project", ' }), 'invalid-json', /project\.json is not valid JSON/);
  });

  it('a schema error names the field', () => {
    const { json, files } = sampleEntries();
    json.networks[0].n = 'twelve';
    expectRefused(build(json, files), 'invalid-schema', /project\.json is not valid: networks\[0\]\.n: .*expected number/);
    const second = sampleEntries();
    delete second.json.targets[1].source.factor;
    expectRefused(build(second.json, second.files), 'invalid-schema', /targets\[1\]\.source\.factor/);
  });

  it('several schema errors: one short line, the rest counted (fuzz: tests/fuzz/projectFiles, seed 20261205 case 161)', () => {
    const { json, files } = sampleEntries();
    json.networks[0].createdAt = 2;
    delete json.networks[0].readout.weights.path;
    json.targets[3].source.kind = { name: 'GainLab', version: '0.0.0-fuzz' };
    const error = expectRefused(build(json, files), 'invalid-schema', /project\.json is not valid: networks\[0\]\.readout\.weights\.path: .*and \d more problems?$/);
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).not.toMatch(/\n/);
  });

  it('a missing array', () => {
    const { json, files } = sampleEntries();
    delete files['arrays/networks/0/W.npy'];
    expectRefused(
      build(json, files),
      'missing-array',
      '"broken.gainlab": W of network "Small SOC": the array file arrays/networks/0/W.npy is missing from the archive',
    );
  });

  it('a truncated array', () => {
    const { json, files } = sampleEntries();
    const path = json.targets[0].values.path;
    files[path] = files[path].subarray(0, files[path].length - 100);
    expectRefused(build(json, files), 'truncated-array', /target "Reach": the array file arrays\/targets\/0\/values\.npy is truncated \(truncated data/);
    files[path] = strToU8('garbage');
    expectRefused(build(json, files), 'bad-array', /target "Reach": the array file .* is not a readable \.npy array/);
  });

  it('a wrong shape: the .npy vs project.json, and project.json vs the fields', () => {
    const { json, files } = sampleEntries();
    const W = new Float64Array(12 * 11);
    files['arrays/networks/0/W.npy'] = encodeNpy(W, [12, 11]);
    expectRefused(
      build(json, files),
      'shape-mismatch',
      '"broken.gainlab": W of network "Small SOC": the array file arrays/networks/0/W.npy has shape (12, 11) but project.json says (12, 12)',
    );
    const second = sampleEntries();
    second.json.networks[0].nInitialConditions = 3;
    expectRefused(
      build(second.json, second.files),
      'shape-mismatch',
      /initial conditions of network "Small SOC": project\.json gives shape \(2, 12\) but nInitialConditions = 3 and n = 12 needs \(3, 12\)/,
    );
    const third = sampleEntries();
    third.json.runs[0].sessions[0].bestGains.shape = [13];
    third.files[third.json.runs[0].sessions[0].bestGains.path] = encodeNpy(new Float64Array(13), [13]);
    expectRefused(build(third.json, third.files), 'shape-mismatch', /best gains of training run .* needs \(12,\)/);
  });

  it('NaN or infinite values', () => {
    const { json, files } = sampleEntries();
    const W = new Float64Array(144);
    W[5] = Number.NaN;
    files['arrays/networks/0/W.npy'] = encodeNpy(W, [12, 12]);
    expectRefused(
      build(json, files),
      'non-finite',
      '"broken.gainlab": W of network "Small SOC" (arrays/networks/0/W.npy) contains NaN at index 5; every stored number must be finite',
    );
    const second = sampleEntries();
    const values = new Float64Array(3);
    values[2] = -Infinity;
    second.files[second.json.targets[3].values.path] = encodeNpy(values, [1, 3]);
    expectRefused(build(second.json, second.files), 'non-finite', /target "Imported EMG" .* contains -Infinity at index 2/);
  });

  it('a newer schemaVersion asks to update GainLab', () => {
    const { json, files } = sampleEntries();
    json.schemaVersion = PROJECT_SCHEMA_VERSION + 1;
    json.writtenBy.version = '9.0.0';
    json.someFutureField = { anything: true };
    const bytes = build(json, files);
    const error = expectRefused(bytes, 'newer-version', new RegExp(`saved by a newer GainLab \\(GainLab 9\\.0\\.0, file format ${PROJECT_SCHEMA_VERSION + 1}; this GainLab reads format ${PROJECT_SCHEMA_VERSION} and older\\)\\. Update GainLab to open it\\.`));
    expect(error.category).toBe('bad-file');
    expect(readProjectVersion(bytes).version).toBe(PROJECT_SCHEMA_VERSION + 1);
  });

  it('references to items that do not exist', () => {
    const { json, files } = sampleEntries();
    json.runs[0].networkId = 'nope';
    expectRefused(build(json, files), 'bad-reference', /training run "Reward rule, 10 trials" uses network "nope", which is not in the project/);
    const second = sampleEntries();
    second.json.targets[1].source.sourceId = 'gone';
    expectRefused(build(second.json, second.files), 'bad-reference', /slow variant of target "gone"/);
    const third = sampleEntries();
    third.json.targets[2].id = 'reach';
    expectRefused(build(third.json, third.files), 'bad-reference', /two targets have the same id "reach"/);
  });
});
