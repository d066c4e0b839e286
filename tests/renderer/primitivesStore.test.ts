import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS, type ProjectSummary, type TrainingRequest, type TrainingResult } from '../../src-shared/ipc/contract.js';
import { createEmptyProject, type PrimitiveLibrary, type ProjectNetwork, type TargetMovement, type TrainingRun } from '../../src-shared/project/schema.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useJobsStore } from '../../src-renderer/stores/jobs.js';
import { defaultLearningSettings, learningRequest, libraryGrouping, nextGeneratedSeed, usePrimitivesStore, type LearningSettings } from '../../src-renderer/stores/primitives.js';
import { useProjectStore } from '../../src-renderer/stores/project.js';
import { coefficientsPlot, fitPlot, refineAxisName, refineCsv } from '../../src-renderer/components/primitives/primitivesPlots.js';
import { libraryView, networkView, runView } from '../../src-shared/project/view.js';
import { FakeTransport, flushPromises, summaryOf } from './fakes.js';

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

function summary(libraries: PrimitiveLibrary[] = [], runs: TrainingRun[] = []): ProjectSummary {
  const project = createEmptyProject('p', new Date(0), 'project-p');
  project.networks = [network()];
  project.targets = [target('a'), target('b'), target('off-grid', 5)];
  project.primitiveLibraries = libraries;
  project.runs = runs;
  return summaryOf(project, { dirty: true });
}

const view = networkView(network(), 'net@1');

function runRecord(id: string, groupLabels: number[] | null): TrainingRun {
  return { id, name: id, networkId: 'net', targetIds: ['a'], initialConditionIndices: [0], rule: 'gradient', settings: {}, seed: 1, initialError: 1, groupLabels, sessions: [], status: 'done', startedAt: null, finishedAt: null, notes: '', purpose: 'train' };
}

function library(runIds: string[]): PrimitiveLibrary {
  return { id: 'lib-1', name: 'L', networkId: 'net', runIds, gains: { shape: [runIds.length, 2], data: new Float64Array(2 * runIds.length).fill(1) }, outputs: { shape: [runIds.length, 1, 3], data: new Float64Array(3 * runIds.length) } } as PrimitiveLibrary;
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

  it('lists the targets on the network grid, starts one job per target and lets main create the library when they are done', async () => {
    const primitives = usePrimitivesStore();
    expect(primitives.gridTargets.map((t) => t.id)).toEqual(['a', 'b']);
    const library: PrimitiveLibrary = {
      id: 'lib-1',
      name: 'L',
      networkId: 'net',
      runIds: ['job-1'],
      gains: { shape: [1, 2], data: new Float64Array([1.1, 0.9]) },
      outputs: { shape: [1, 1, 3], data: new Float64Array(3) },
      notes: '',
    };
    // main starts the runs itself and registers the library in the same request
    transport.answer(CHANNELS.primitivesCreateLibrary, () => ({ libraryId: 'lib-1', project: summary(), pending: true, startedJobIds: ['job-1', 'job-2'] }));

    const building = primitives.buildLibrary('L', ['a', 'b'], { ...defaultLearningSettings(), trials: 5, seed: 7, groups: '1' });
    await flushPromises();
    expect(transport.callsTo(CHANNELS.jobsStartTraining)).toHaveLength(0);
    const calls = transport.callsTo(CHANNELS.primitivesCreateLibrary) as { networkId: string; name: string; trainings: TrainingRequest[] }[];
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ networkId: 'net', name: 'L' });
    const started = calls[0].trainings;
    expect(started).toHaveLength(2);
    // pattern k: its own target, seed + k, the same rule and budget
    // named by id in the project (main resolves them), each run marked as a library pattern
    expect(started.map((r) => (r.source.kind === 'project' ? r.source.targetIds[0] : null))).toEqual(['a', 'b']);
    expect(started.every((r) => r.source.kind === 'project' && r.source.networkId === 'net' && r.purpose === 'library')).toBe(true);
    expect(started.map((r) => r.seed)).toEqual([7, 8]);
    // one grouping for all patterns (the groups' seed is the build's, not the pattern's)
    expect(started.map((r) => r.groups)).toEqual([{ kind: 'random', count: 1, seed: 7 }, { kind: 'random', count: 1, seed: 7 }]);
    expect(started.every((r) => r.rule === 'gradient' && r.trials === 5 && r.initialGains === undefined)).toBe(true);
    // main answers pending with the jobs it started; the store follows them and waits for the library
    expect(primitives.build).toMatchObject({ phase: 'training', libraryId: 'lib-1', jobIds: ['job-1', 'job-2'] });
    expect(useJobsStore().jobs.map((j) => j.jobId).sort()).toEqual(['job-1', 'job-2']);
    transport.emit(EVENTS.jobsFinished, { jobId: 'job-1', status: 'done', result: result(0.1), error: null });
    await flushPromises();
    expect(primitives.build?.phase).toBe('training');
    transport.emit(EVENTS.jobsFinished, { jobId: 'job-2', status: 'done', result: result(0.2), error: null });
    await flushPromises();
    expect(primitives.build?.phase).toBe('creating');
    // main created it: project:changed brings it
    transport.emit(EVENTS.projectChanged, summary([library]));
    expect(await building).toBe(true);
    expect(transport.callsTo(CHANNELS.primitivesCreateLibrary)).toHaveLength(1);
    expect(primitives.build?.phase).toBe('done');
    expect(primitives.selectedLibraryId).toBe('lib-1');
    expect(primitives.libraries.map((l) => l.id)).toEqual(['lib-1']);
  });

  it('a cancelled build cancels its jobs and creates no library', async () => {
    const primitives = usePrimitivesStore();
    transport.answer(CHANNELS.primitivesCreateLibrary, () => ({ libraryId: 'lib-9', project: summary(), pending: true, startedJobIds: ['job-1'] }));
    transport.answer(CHANNELS.jobsCancel, ({ jobId }) => ({ jobId, status: 'running' }));
    const building = primitives.buildLibrary('L', ['a'], defaultLearningSettings());
    await flushPromises();
    await primitives.cancelBuild();
    expect(transport.callsTo(CHANNELS.jobsCancel)).toEqual([{ jobId: 'job-1' }]);
    transport.emit(EVENTS.jobsFinished, { jobId: 'job-1', status: 'cancelled', result: { ...result(0.5), partial: true }, error: null });
    expect(await building).toBe(false);
    expect(primitives.build).toMatchObject({ phase: 'failed', message: expect.stringMatching(/Cancelled: no library/) });
  });

  it('a failed run: no library, and the build says which run failed', async () => {
    const primitives = usePrimitivesStore();
    transport.answer(CHANNELS.primitivesCreateLibrary, () => ({ libraryId: 'lib-9', project: summary(), pending: true, startedJobIds: ['job-1', 'job-2'] }));
    const building = primitives.buildLibrary('L', ['a', 'b'], defaultLearningSettings());
    await flushPromises();
    transport.emit(EVENTS.jobsFinished, { jobId: 'job-1', status: 'done', result: result(0.1), error: null });
    transport.emit(EVENTS.jobsFinished, { jobId: 'job-2', status: 'failed', result: null, error: { code: 'internal', message: 'out of memory' } });
    expect(await building).toBe(false);
    expect(primitives.build).toMatchObject({ phase: 'failed', message: expect.stringMatching(/failed \(out of memory\); no library was created/) });
    expect(primitives.libraries).toHaveLength(0);
  });

  it('a build, a fit and a refinement are shown in their own project only: another project opened (or this one reopened) shows none, and a build still running says nothing there', async () => {
    // (the builder showed '“L”: added to the project.' in the next project, and after a reopen each
    // pattern read 'queued' with no error: its job had ended with main)
    const primitives = usePrimitivesStore();
    const otherProject = () => summaryOf({ ...createEmptyProject('q', new Date(0), 'project-q'), networks: [network()], targets: [target('a')] }, { dirty: false });
    transport.answer(CHANNELS.primitivesCreateLibrary, () => ({ libraryId: 'lib-1', project: summary(), pending: true, startedJobIds: ['job-1'] }));
    const finished = primitives.buildLibrary('L', ['a'], defaultLearningSettings());
    await flushPromises();
    transport.emit(EVENTS.jobsFinished, { jobId: 'job-1', status: 'done', result: result(0.1), error: null });
    transport.emit(EVENTS.projectChanged, summary([library(['job-1'])]));
    expect(await finished).toBe(true);
    expect(primitives.build?.phase).toBe('done');
    // a fit and its refinement in p: reopened, the refine curves waited for points from jobs main no
    // longer had, with a 'Not found: There is no job …' toast for each
    primitives.fit = { libraryId: 'lib-1', networkId: 'net', channels: 1, nSamples: 3, duration: 500, coefficients: new Float64Array([1]), ridge: 0, coefficientSum: 1, fit: new Float64Array(3), fitError: 0.2, gains: new Float64Array([1.1, 0.9]), output: new Float64Array(3), outputError: 0.3, baseline: new Float64Array(3), baselineError: 1, target: new Float64Array(3), durationMs: 1, targetId: 'b', targetName: 'T b' };
    primitives.refine = { libraryId: 'lib-1', targetId: 'b', fromCombinationJobId: 'job-7', fromScratchJobId: 'job-8', startError: 0.3, rule: 'gradient' };
    transport.emit(EVENTS.projectChanged, otherProject());
    await flushPromises();
    expect({ build: primitives.build, fit: primitives.fit, refine: primitives.refine }).toEqual({ build: null, fit: null, refine: null });

    // started in p, p replaced by q before its run ends: q shows no build, nor p's failure or success
    transport.emit(EVENTS.projectChanged, summary());
    transport.answer(CHANNELS.primitivesCreateLibrary, () => ({ libraryId: 'lib-2', project: summary(), pending: true, startedJobIds: ['job-2'] }));
    const running = primitives.buildLibrary('M', ['a'], defaultLearningSettings());
    await flushPromises();
    expect(primitives.build).toMatchObject({ phase: 'training', libraryId: 'lib-2' });
    transport.emit(EVENTS.projectChanged, otherProject());
    await flushPromises();
    transport.emit(EVENTS.jobsFinished, { jobId: 'job-2', status: 'cancelled', result: { ...result(0.5), partial: true }, error: null });
    expect(await running).toBe(false);
    expect(primitives.build).toBeNull();
  });

  it('refines from the combined gains and from scratch with the same settings and the library’s groups', async () => {
    useProjectStore().summary = summary([library(['r1', 'r2'])], [runRecord('r1', [0, 0]), runRecord('r2', [0, 0])]);
    const primitives = usePrimitivesStore();
    primitives.fit = {
      libraryId: 'lib-1',
      networkId: 'net',
      channels: 1,
      nSamples: 3,
      duration: 500,
      coefficients: new Float64Array([0.5]),
      ridge: 0,
      coefficientSum: 0.5,
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
    primitives.fit = { ...primitives.fit, gains: new Float64Array([1.05, 1.05]) };
    expect(primitives.refineNote).toMatch(/library’s 1 groups/);
    for (const rule of ['reward', 'gradient'] as const) {
      expect(await primitives.startRefine({ ...defaultLearningSettings(), rule, trials: 50, groups: 'N', seed: 3 })).toBe(true);
      const [fromCombination, fromScratch] = (transport.callsTo(CHANNELS.jobsStartTraining) as TrainingRequest[]).slice(-2);
      expect(Array.from(fromCombination.initialGains!)).toEqual([1.05, 1.05]);
      expect(fromScratch.initialGains).toBeUndefined();
      for (const request of [fromCombination, fromScratch]) {
        // the groups the library's patterns were learned with, not the form's 'N'
        expect(request).toMatchObject({ rule, trials: 50, seed: 3, groups: { kind: 'explicit', labels: [0, 0] } });
      }
    }
    expect(primitives.refine).toMatchObject({ fromCombinationJobId: 'job-3', fromScratchJobId: 'job-4', startError: 0.3, targetId: 'b' });
    // runs with different groupings: one gain per neuron, said so
    useProjectStore().summary = summary([library(['r1', 'r2'])], [runRecord('r1', [0, 0]), runRecord('r2', null)]);
    expect(primitives.refineNote).toMatch(/different groupings; refinement trains one gain per neuron/);
    await primitives.startRefine({ ...defaultLearningSettings(), rule: 'gradient', trials: 50, seed: 3 });
    expect((transport.callsTo(CHANNELS.jobsStartTraining) as TrainingRequest[]).slice(-2).map((r) => r.groups)).toEqual([{ kind: 'neuron' }, { kind: 'neuron' }]);
  });

  it('a refinement keeps the rule it ran with: its curves count Adam iterations even after the form switches to the reward rule', async () => {
    // (src-renderer/components/primitives/PrimitivesView.vue named the x axis and the CSV column from
    // the form, so a finished gradient refinement read 'trial' once the form showed Reward-based)
    useProjectStore().summary = summary([library(['r1'])], [runRecord('r1', null)]);
    const primitives = usePrimitivesStore();
    primitives.fit = { libraryId: 'lib-1', networkId: 'net', channels: 1, nSamples: 3, duration: 500, coefficients: new Float64Array([1]), ridge: 0, coefficientSum: 1, fit: new Float64Array(3), fitError: 0.2, gains: new Float64Array([1.1, 0.9]), output: new Float64Array(3), outputError: 0.3, baseline: new Float64Array(3), baselineError: 1, target: new Float64Array(3), durationMs: 1, targetId: 'b', targetName: 'T b' };
    const form: LearningSettings = { ...defaultLearningSettings(), rule: 'gradient', trials: 40 };
    expect(await primitives.startRefine({ ...form })).toBe(true);
    form.rule = 'reward';
    expect(primitives.refine?.rule).toBe('gradient');
    expect(refineAxisName(primitives.refine!.rule)).toBe('iteration');
    expect(refineCsv([[0, 2]], [[0, 3]], refineAxisName(primitives.refine!.rule)).split('\n')[0]).toBe('iteration,error_from_combination,error_from_scratch');
    expect(refineAxisName('reward')).toBe('trial');
  });
});

describe('nextGeneratedSeed', () => {
  it('offers the seed past the project’s generated targets, so "Add generated" never repeats one of them', () => {
    expect(nextGeneratedSeed([])).toBe(1);
    // the example project: three targets generated from seeds 1–3, and a drawn one
    const example = [1, 2, 3].map((seed) => ({ source: { kind: 'generated' as const, seed } }));
    expect(nextGeneratedSeed([...example, { source: { kind: 'drawn' as const } }])).toBe(4);
    expect(nextGeneratedSeed([{ source: { kind: 'generated', seed: 11 } }, { source: { kind: 'generated', seed: 2 } }])).toBe(12);
  });
});

describe('libraryGrouping', () => {
  it('takes the runs’ shared group labels and falls back to one gain per neuron with a note', () => {
    const lib = libraryView(library(['r1', 'r2']));
    const run = (id: string, labels: number[] | null) => runView(runRecord(id, labels));
    // G = N labels are one gain per neuron
    expect(libraryGrouping(lib, [run('r1', [1, 0]), run('r2', [1, 0])], 2).groups).toEqual({ kind: 'neuron' });
    expect(libraryGrouping(lib, [run('r1', [0, 0]), run('r2', [0, 0])], 2).groups).toEqual({ kind: 'explicit', labels: [0, 0] });
    expect(libraryGrouping(lib, [run('r1', [0, 0]), run('r2', [0, 1])], 2)).toMatchObject({ groups: { kind: 'neuron' }, note: expect.stringMatching(/different groupings/) });
    expect(libraryGrouping(lib, [run('r1', null), run('r2', null)], 2).groups).toEqual({ kind: 'neuron' });
    expect(libraryGrouping(lib, [run('r1', [0, 0])], 2)).toMatchObject({ groups: { kind: 'neuron' }, note: expect.stringMatching(/no longer in the project/) });
    expect(libraryGrouping(undefined, [], 2).groups).toEqual({ kind: 'neuron' });
  });
});

describe('learningRequest', () => {
  const settings = { ...defaultLearningSettings(), trials: 10, groups: '1' };
  it('keeps groups for the reward rule but trains per neuron when gradient descent starts from given gains', () => {
    const gains = new Float64Array([1.2, 0.8]);
    expect(learningRequest({ ...settings, rule: 'reward' }, view, target('a'), 'x', gains).request?.groups).toEqual({ kind: 'random', count: 1 });
    expect(learningRequest({ ...settings, rule: 'gradient' }, view, target('a'), 'x', gains).request?.groups).toEqual({ kind: 'neuron' });
    expect(learningRequest({ ...settings, rule: 'gradient' }, view, target('a'), 'x').request?.groups).toEqual({ kind: 'random', count: 1 });
  });
  it('names what is wrong instead of building a request', () => {
    expect(learningRequest(settings, view, target('x', 5), 'x').problem).toMatch(/not on the network's movement grid/);
    expect(learningRequest({ ...settings, trials: 0 }, view, target('a'), 'x').problem).toMatch(/Iterations must be/);
    expect(learningRequest({ ...settings, groups: '9' }, view, target('a'), 'x').problem).toMatch(/At most N = 2/);
    expect(learningRequest(settings, { ...view, readout: null }, target('a'), 'x').problem).toMatch(/no readout/);
  });
});

describe('primitives plots', () => {
  it('coefficient bars and their CSV hold one row per pattern', () => {
    const plot = coefficientsPlot([0.5, -0.25], ['reach', 'grasp']);
    expect(plot.csv.trim().split('\n')).toEqual(['pattern,name,coefficient', '1,reach,0.5', '2,grasp,-0.25']);
  });
  // the coefficient bars' names: tests/renderer/primitivesPlots.test.ts
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
