import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS, type ProjectSummary, type TrainingRequest, type TrainingResult } from '../../src-shared/ipc/contract.js';
import { createEmptyProject, type PrimitiveLibrary, type ProjectNetwork, type TargetMovement } from '../../src-shared/project/schema.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useJobsStore } from '../../src-renderer/stores/jobs.js';
import { defaultLearningSettings, learningRequest, usePrimitivesStore } from '../../src-renderer/stores/primitives.js';
import { useProjectStore } from '../../src-renderer/stores/project.js';
import { coefficientsPlot, fitPlot, refineCsv } from '../../src-renderer/components/primitives/primitivesPlots.js';
import { FakeTransport, flushPromises } from './fakes.js';

const GRID = { duration: 500, nSamples: 3 };

function target(id: string, nSamples = GRID.nSamples): TargetMovement {
  return { id, name: `T ${id}`, channels: 1, nSamples, duration: GRID.duration, values: new Float64Array(nSamples).fill(1), source: { kind: 'generated', seed: 1 }, createdAt: 'x' };
}

function network(): ProjectNetwork {
  return {
    id: 'net',
    name: 'Net',
    n: 2,
    nE: 1,
    W: new Float64Array(4),
    initialConditions: new Float64Array([1, 2]),
    nInitialConditions: 1,
    readout: { channels: 1, weights: new Float64Array(2), fittedTo: null, fitError: null },
    params: { tau: 200, r0: 20, rmax: 100, duration: GRID.duration, nSamples: GRID.nSamples, gainFunction: 'tanh' },
    seed: null,
    soc: null,
    origin: 'soc',
    createdAt: 'x',
  };
}

function summary(libraries: PrimitiveLibrary[] = []): ProjectSummary {
  const project = createEmptyProject('p');
  project.networks = [network()];
  project.targets = [target('a'), target('b'), target('off-grid', 5)];
  project.primitiveLibraries = libraries;
  return { path: null, name: 'p', dirty: true, project };
}

function result(bestError: number): TrainingResult {
  return {
    kind: 'training',
    rule: 'gradient',
    trainable: 'gains',
    initialError: 2,
    sessions: [{ session: 0, seed: 1, bestGains: new Float64Array([1.1, 0.9]), bestError, bestTrial: 3, errorCurve: new Float64Array([2, 1, bestError]), trialsRun: 3 }],
    bestSession: 0,
    groupLabels: [0, 1],
    partial: false,
  };
}

describe('primitives store', () => {
  let transport: FakeTransport;
  beforeEach(async () => {
    setActivePinia(createPinia());
    transport = new FakeTransport();
    installTransport(transport);
    transport.answer(CHANNELS.projectCurrent, () => summary());
    transport.answer(CHANNELS.jobsList, () => []);
    let next = 0;
    transport.answer(CHANNELS.jobsStartTraining, () => ({ jobId: `job-${++next}` }));
    await useProjectStore().init();
    await useJobsStore().init();
  });

  it('lists the targets on the network grid, starts one job per target and creates the library from the finished ones', async () => {
    const primitives = usePrimitivesStore();
    expect(primitives.gridTargets.map((t) => t.id)).toEqual(['a', 'b']);
    const library: PrimitiveLibrary = {
      id: 'lib-1',
      name: 'L',
      networkId: 'net',
      runIds: ['job-1'],
      gains: { shape: [1, 2], data: new Float64Array([1.1, 0.9]) },
      outputs: { shape: [1, 1, 3], data: new Float64Array(3) },
    };
    transport.answer(CHANNELS.primitivesCreateLibrary, () => ({ libraryId: 'lib-1', project: summary([library]) }));

    const building = primitives.buildLibrary('L', ['a', 'b'], { ...defaultLearningSettings(), trials: 5, seed: 7 });
    await flushPromises();
    const started = transport.callsTo(CHANNELS.jobsStartTraining) as TrainingRequest[];
    expect(started).toHaveLength(2);
    // pattern k: its own target, seed + k, the same rule and budget
    expect(started.map((r) => (r.source.kind === 'inline' ? r.source.targets[0].id : null))).toEqual(['a', 'b']);
    expect(started.map((r) => r.seed)).toEqual([7, 8]);
    expect(started.every((r) => r.rule === 'gradient' && r.trials === 5 && r.initialGains === undefined)).toBe(true);
    expect(primitives.build?.phase).toBe('training');
    expect(transport.callsTo(CHANNELS.primitivesCreateLibrary)).toHaveLength(0);

    // one succeeds, one fails: the library is made of the finished one only, once both are over
    transport.emit(EVENTS.jobsFinished, { jobId: 'job-1', status: 'done', result: result(0.1), error: null });
    await flushPromises();
    expect(transport.callsTo(CHANNELS.primitivesCreateLibrary)).toHaveLength(0);
    transport.emit(EVENTS.jobsFinished, { jobId: 'job-2', status: 'failed', result: null, error: { code: 'internal', message: 'x' } });
    expect(await building).toBe(true);
    expect(transport.callsTo(CHANNELS.primitivesCreateLibrary)).toEqual([{ networkId: 'net', name: 'L', jobIds: ['job-1'] }]);
    expect(primitives.build?.phase).toBe('done');
    expect(primitives.build?.message).toMatch(/1 run\(s\) failed/);
    expect(primitives.selectedLibraryId).toBe('lib-1');
    expect(primitives.libraries.map((l) => l.id)).toEqual(['lib-1']);
  });

  it('a cancelled build cancels its jobs and creates no library', async () => {
    const primitives = usePrimitivesStore();
    transport.answer(CHANNELS.jobsCancel, ({ jobId }) => ({ jobId, status: 'running' }));
    const building = primitives.buildLibrary('L', ['a'], defaultLearningSettings());
    await flushPromises();
    await primitives.cancelBuild();
    expect(transport.callsTo(CHANNELS.jobsCancel)).toEqual([{ jobId: 'job-1' }]);
    transport.emit(EVENTS.jobsFinished, { jobId: 'job-1', status: 'cancelled', result: { ...result(0.5), partial: true }, error: null });
    expect(await building).toBe(false);
    expect(primitives.build?.phase).toBe('failed');
    expect(transport.callsTo(CHANNELS.primitivesCreateLibrary)).toHaveLength(0);
  });

  it('refines from the combined gains and from scratch with the same settings', async () => {
    const primitives = usePrimitivesStore();
    primitives.fit = {
      libraryId: 'lib-1',
      networkId: 'net',
      channels: 1,
      nSamples: 3,
      duration: 500,
      coefficients: new Float64Array([0.5]),
      fit: new Float64Array(3),
      fitError: 0.2,
      gains: new Float64Array([1.05, 0.95]),
      output: new Float64Array(3),
      outputError: 0.3,
      baseline: new Float64Array(3),
      baselineError: 1,
      target: new Float64Array(3),
      durationMs: 1,
      targetId: 'b',
      targetName: 'T b',
    };
    expect(await primitives.startRefine({ ...defaultLearningSettings(), rule: 'reward', trials: 50, groups: '1', seed: 3 })).toBe(true);
    const [fromCombination, fromScratch] = transport.callsTo(CHANNELS.jobsStartTraining) as TrainingRequest[];
    expect(Array.from(fromCombination.initialGains!)).toEqual([1.05, 0.95]);
    expect(fromScratch.initialGains).toBeUndefined();
    for (const request of [fromCombination, fromScratch]) {
      expect(request).toMatchObject({ rule: 'reward', trials: 50, seed: 3, groups: { kind: 'random', count: 1 } });
    }
    expect(primitives.refine).toMatchObject({ fromCombinationJobId: 'job-1', fromScratchJobId: 'job-2', startError: 0.3, targetId: 'b' });
  });
});

describe('learningRequest', () => {
  const settings = { ...defaultLearningSettings(), trials: 10, groups: '1' };
  it('keeps groups for the reward rule but trains per neuron when gradient descent starts from given gains', () => {
    const gains = new Float64Array([1.2, 0.8]);
    expect(learningRequest({ ...settings, rule: 'reward' }, network(), target('a'), 'x', gains).request?.groups).toEqual({ kind: 'random', count: 1 });
    expect(learningRequest({ ...settings, rule: 'gradient' }, network(), target('a'), 'x', gains).request?.groups).toEqual({ kind: 'neuron' });
    expect(learningRequest({ ...settings, rule: 'gradient' }, network(), target('a'), 'x').request?.groups).toEqual({ kind: 'random', count: 1 });
  });
  it('names what is wrong instead of building a request', () => {
    expect(learningRequest(settings, network(), target('x', 5), 'x').problem).toMatch(/not on the network's movement grid/);
    expect(learningRequest({ ...settings, trials: 0 }, network(), target('a'), 'x').problem).toMatch(/Iterations must be/);
    expect(learningRequest({ ...settings, groups: '9' }, network(), target('a'), 'x').problem).toMatch(/At most N = 2/);
    expect(learningRequest(settings, { ...network(), readout: null }, target('a'), 'x').problem).toMatch(/no readout/);
  });
});

describe('primitives plots', () => {
  it('coefficient bars and their CSV hold one row per pattern', () => {
    const plot = coefficientsPlot([0.5, -0.25], ['reach', 'grasp']);
    expect(plot.csv.trim().split('\n')).toEqual(['pattern,name,coefficient', '1,reach,0.5', '2,grasp,-0.25']);
  });
  it('the fit and output plots carry their own curve and error', () => {
    const c = {
      duration: 500,
      nSamples: 3,
      channels: 1,
      target: new Float64Array([0, 1, 0]),
      targetName: 'T',
      baseline: new Float64Array([0, 0, 0]),
      fit: new Float64Array([0, 0.9, 0]),
      output: new Float64Array([0, 0.8, 0]),
      fitError: 0.01,
      outputError: 0.04,
    };
    const fit = fitPlot(c, 'fit');
    const output = fitPlot(c, 'output');
    expect(fit.caption).toMatch(/^E = 0\.0100/);
    expect(output.caption).toMatch(/^E = 0\.0400/);
    expect(fit.csv.trim().split('\n')[2]).toBe('250,1,0,0.9');
    expect(output.csv.trim().split('\n')[2]).toBe('250,1,0,0.8');
  });
  it('the refine CSV lines the two curves up by trial', () => {
    expect(refineCsv([[0, 2], [1, 1]], [[0, 2], [1, 1.5], [2, 1.2]]).trim().split('\n')).toEqual([
      'trial,error_from_combination,error_from_scratch',
      '0,2,2',
      '1,1,1.5',
      '2,,1.2',
    ]);
  });
});
