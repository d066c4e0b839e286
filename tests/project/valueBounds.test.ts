/**
 * The value bound of a project's model inputs (src-shared/project/limits.ts modelValueMagnitude,
 * checked by src-shared/project/validate.ts): W, initial conditions, readout weights, targets and
 * gains beyond ±1e12 are refused when the file is opened — by the app (the projects service), by
 * the CLI's decoder (gainlab inspect, sweeps over a project) and through the migrations of older
 * formats alike — with one line naming the field, the value and where it is; the encoder, the
 * open project's edits and the IPC contract's network import refuse them too. Values at the bound's edge load; so do the shipped example
 * project and the authors' published network (read from ../shared at test time).
 * Before the bound, W = ±1e308 opened and was refused only when simulated or trained.
 * The dynamics parameters are bounded too (src-shared/model/params.ts DYNAMICS_BOUNDS), and rmax
 * must exceed r0 for the saturating gain function: τ = 1e-300 ms or rmax = r0 opened before and
 * made every simulation NaN.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, strToU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../../src-shared/formats/npy.js';
import { DEFAULT_DYNAMICS, DYNAMICS_BOUNDS } from '../../src-shared/model/params.js';
import { decodeProjectFile, encodeProject, zipEntries } from '../../src-shared/project/archive.js';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import { PROJECT_LIMITS } from '../../src-shared/project/limits.js';
import { createEmptyProject, PROJECT_JSON_NAME, type Project } from '../../src-shared/project/schema.js';
import { invokeContract } from '../../src-shared/ipc/contract.js';
import { createHandlers, dispatch } from '../../src-main/services/handlers.js';
import type { JobManager } from '../../src-main/services/jobManager.js';
import { loadExampleProject, ProjectService } from '../../src-main/services/projects.js';
import { messageProblem } from '../fuzz/fuzz.js';
import { hasReference, loadReferenceArray, referenceSkipReason } from '../helpers/reference.js';
import { testProjects } from '../main/fixtures/testProjects.js';
import { sampleProject, v1Entries } from './fixtures.js';

const configDir = mkdtempSync(path.join(tmpdir(), 'gainlab-value-bounds-'));
afterAll(() => rmSync(configDir, { recursive: true, force: true }));
const service = new ProjectService({ configDir, appVersion: '0.0.0-test' });

const BOUND = PROJECT_LIMITS.modelValueMagnitude;

/** The sample project's file with one value of one array replaced (written by hand: the encoder would refuse it). */
function withValue(arrayOf: (json: any) => { path: string; shape: number[] }, index: number, value: number): Uint8Array {
  const entries = unzipSync(encodeProject(sampleProject()));
  const json = JSON.parse(strFromU8(entries[PROJECT_JSON_NAME]));
  const ref = arrayOf(json);
  const data = readNpyData(entries[ref.path], ref.shape);
  data[index] = value;
  return zipEntries({ ...entries, [ref.path]: encodeNpy(data, ref.shape) });
}

function readNpyData(bytes: Uint8Array, shape: number[]): Float64Array {
  const count = shape.reduce((a, b) => a * b, 1);
  // a float64 .npy written by encodeNpy: the data are the last 8·count bytes
  return new Float64Array(bytes.slice(bytes.length - 8 * count).buffer);
}

/** The refusal of every path that opens project files: the app's service, and the decoder the CLI uses. */
async function refusedEverywhere(bytes: Uint8Array): Promise<string> {
  const fromApp = await service.openBytes(bytes, 'bounds.gainlab').then(
    () => null,
    (error: unknown) => error,
  );
  expect(fromApp).toBeInstanceOf(ProjectFileError);
  const app = fromApp as ProjectFileError;
  expect(() => decodeProjectFile(bytes, { fileName: 'bounds.gainlab' })).toThrow(app.message);
  expect(messageProblem(app.message)).toBeNull();
  return app.message;
}

const W = (json: any) => json.networks[0].W;

describe('the value bound of model inputs, at open', () => {
  it('a project with W = 1e308 is refused at open with the field named (app and CLI decoder)', async () => {
    expect(await refusedEverywhere(withValue(W, 5, 1e308))).toBe(
      `"bounds.gainlab": W of network "Small SOC" holds 1e+308 at index 5; GainLab accepts values from -1e+12 to 1e+12 there (the published network's are below 25)`,
    );
    expect(await refusedEverywhere(withValue(W, 7, -1e308))).toMatch(/W of network "Small SOC" holds -1e\+308 at index 7; /);
  });

  it('values at the edge of the bound load; the next float64 beyond it is refused', async () => {
    for (const edge of [BOUND, -BOUND]) {
      const opened = await service.openBytes(withValue(W, 5, edge), 'edge.gainlab');
      expect(opened.project.networks[0].W[5]).toBe(edge);
    }
    const beyond = BOUND * (1 + Number.EPSILON);
    expect(beyond).toBeGreaterThan(BOUND);
    expect(await refusedEverywhere(withValue(W, 5, beyond))).toMatch(/W of network "Small SOC" holds 1\.0000000000000002e\+12 at index 5/);
  });

  it('x0, readout, targets and gains are bounded the same way, each named', async () => {
    const cases: [(json: any) => { path: string; shape: number[] }, RegExp][] = [
      [(json) => json.networks[0].initialConditions, /initial conditions of network "Small SOC" holds 1e\+15 at index 3; /],
      [(json) => json.networks[0].readout.weights, /readout of network "Small SOC" holds 1e\+15 at index 3; /],
      [(json) => json.targets[0].values, /target "Reach" holds 1e\+15 at index 3; /],
      [(json) => json.runs[0].sessions[0].bestGains, /best gains of training run ".*", session 1 holds 1e\+15 at index 3; /],
      [(json) => json.primitiveLibraries[0].gains, /gains of primitive library ".*" holds 1e\+15 at index 3; /],
      [(json) => json.speedManifolds[0].gains, /gains of speed manifold ".*" holds 1e\+15 at index 3; /],
    ];
    for (const [arrayOf, expected] of cases) expect(await refusedEverywhere(withValue(arrayOf, 3, 1e15))).toMatch(expected);
  });

  it('what GainLab computes (outputs, error curves) only has to be finite', async () => {
    const opened = await service.openBytes(withValue((json) => json.runs[0].sessions[0].errorCurve, 0, 1e300), 'curve.gainlab');
    expect(opened.project.runs[0].sessions[0].errorCurve[0]).toBe(1e300);
  });

  it('an older format (1) with W = 1e308 is refused the same way after its migration', async () => {
    const v1 = v1Entries();
    const bytes = (W: Float64Array) => zipEntries({ ...v1.files, 'arrays/W.npy': encodeNpy(W, [8, 8]), [PROJECT_JSON_NAME]: JSON.stringify(v1.json) });
    const big = Float64Array.from(v1.W);
    big[9] = 1e308;
    expect(await refusedEverywhere(bytes(big))).toMatch(/^"bounds\.gainlab": W of network "Prototype net" holds 1e\+308 at index 9; /);
    const edge = Float64Array.from(v1.W);
    edge[9] = -BOUND;
    expect((await service.openBytes(bytes(edge), 'v1.gainlab')).project.networks[0].W[9]).toBe(-BOUND);
  });

  it('GainLab never writes such a file, and the open project refuses such an edit', async () => {
    const project = sampleProject();
    project.networks[0].W[5] = 1e308;
    expect(() => encodeProject(project)).toThrow(/W of network "Small SOC" holds 1e\+308 at index 5; /);
    const projects = testProjects({ configDir });
    await projects.newProject();
    const network = { ...sampleProject().networks[0], readout: null };
    network.W[2] = -1e20;
    await expect(projects.update({ upsertNetworks: [network] }, 'Add network')).rejects.toThrow(/W of network "Small SOC" holds -1e\+20 at index 2; /);
    await projects.dispose();
  });
});

/** The sample project's file with its first network's dynamics parameters patched in project.json. */
function withParams(patch: Record<string, unknown>): Uint8Array {
  const entries = unzipSync(encodeProject(sampleProject()));
  const json = JSON.parse(strFromU8(entries[PROJECT_JSON_NAME]));
  Object.assign(json.networks[0].params, patch);
  return zipEntries({ ...entries, [PROJECT_JSON_NAME]: strToU8(JSON.stringify(json)) });
}

describe('the dynamics parameters, at open (model/params.ts DYNAMICS_BOUNDS)', () => {
  it('rmax at or below r0 is refused with the field named (the rates would be NaN, or negative above baseline)', async () => {
    for (const rmax of [20, 5]) {
      expect(await refusedEverywhere(withParams({ r0: 20, rmax }))).toMatch(/networks\[0\]\.params\.rmax: must be above r0 \(the rate above baseline saturates at rmax − r0\)/);
    }
    // a linear gain function has no saturation: r0 and rmax are unused there
    const linear = await service.openBytes(withParams({ r0: 20, rmax: 20, gainFunction: 'linear' }), 'linear.gainlab');
    expect(linear.project.networks[0].params.gainFunction).toBe('linear');
  });

  it('τ, the rates and T outside their bounds are refused, each named; the bounds themselves load', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ tau: 1e-300 }, /networks\[0\]\.params\.tau: /],
      [{ tau: 1e9 }, /networks\[0\]\.params\.tau: /],
      [{ r0: 1e-9 }, /networks\[0\]\.params\.r0: /],
      [{ rmax: 1e9 }, /networks\[0\]\.params\.rmax: /],
      [{ duration: 1e-6 }, /networks\[0\]\.params\.duration: /],
      [{ duration: 1e12 }, /networks\[0\]\.params\.duration: /],
    ];
    for (const [patch, expected] of cases) expect(await refusedEverywhere(withParams(patch))).toMatch(expected);
    const { tau, rate, duration } = DYNAMICS_BOUNDS;
    for (const patch of [{ tau: tau.min }, { tau: tau.max }, { r0: rate.min }, { rmax: rate.max }, { duration: duration.min }, { duration: duration.max }]) {
      const opened = await service.openBytes(withParams(patch), 'edge.gainlab');
      expect(opened.project.networks[0].params).toMatchObject(patch);
    }
  });
});

describe('the same bound where the app imports a network (the IPC contract)', () => {
  it('project:update importNetwork with W = 1e308 is refused before any work, naming the field', async () => {
    const network = sampleProject().networks[0];
    const request = (W: Float64Array) => ({ importNetwork: { name: 'Imported', n: network.n, W, x0: network.initialConditions.slice(0, network.n) } });
    const W = Float64Array.from(network.W);
    W[5] = 1e308;
    const envelope = await dispatch(createHandlers({ mode: 'web', version: '0', platform: 'test', workerThreads: 1, jobs: {} as JobManager, projects: testProjects({ configDir }) }), 'project:update', request(W));
    expect(envelope).toEqual({
      ok: false,
      error: { code: 'invalid-payload', message: "Invalid request for project:update: importNetwork.W: holds 1e+308 at index 5; GainLab accepts values from -1e+12 to 1e+12 there (the published network's are below 25)" },
    });
    W[5] = -BOUND;
    expect(invokeContract['project:update'].request.safeParse(request(W)).success).toBe(true);
  });
});

describe('real projects stay within the bound', () => {
  it('the shipped example project loads', async () => {
    const { project } = await loadExampleProject(new ProjectService({ configDir }));
    expect(project.networks.length).toBeGreaterThan(0);
  });

  it('the authors’ published network, stored as a project, saves and opens', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const project: Project = createEmptyProject('Published', new Date(0), 'published-network');
    const x0 = loadReferenceArray('x0').data;
    project.networks.push({
      id: 'published',
      name: 'Stroud et al. 2018',
      n: 200,
      nE: 100,
      W: loadReferenceArray('W').data,
      initialConditions: x0,
      nInitialConditions: 1,
      readout: { channels: 1, weights: loadReferenceArray('readout').data, fittedTo: null, fitError: null },
      params: { ...DEFAULT_DYNAMICS },
      seed: null,
      soc: null,
      origin: 'published',
      createdAt: '2018-01-01T00:00:00.000Z',
    });
    for (const name of ['initial_target', 'novel_target']) {
      const values = loadReferenceArray(name).data;
      project.targets.push({ id: name, name, channels: 1, nSamples: values.length, duration: DEFAULT_DYNAMICS.duration, values, source: { kind: 'published' }, createdAt: '2018-01-01T00:00:00.000Z' });
    }
    const opened = decodeProjectFile(encodeProject(project)).project;
    expect(opened.networks[0].W).toEqual(project.networks[0].W);
  });
});
