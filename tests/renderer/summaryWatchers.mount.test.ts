/**
 * Watchers that must not run again when main pushes an unrelated project summary or job event.
 * A watch getter returning a new array (or an object rebuilt from the summary) is 'changed' for
 * Vue every time it runs, so its callback ran on every autosave, rename or progress event.
 * Tested here, each against the behaviour a researcher sees:
 * - src-renderer/components/ErrorCurve.vue: a stored run's curves are not handed to ECharts again;
 * - src-renderer/views/WorkspaceView.vue: the stored run is not refetched (the curve emptied for a
 *   moment) and the output with g = 1 is not asked for twice;
 * - src-renderer/components/SocPanel.vue: the name typed for a built network stays, and its
 *   eigenvalues are not computed again, when the jobs list is read again;
 * - src-renderer/components/training/LiveTraining.vue: a job's outputs and gains over training are
 *   not drawn again (its network and target come as new objects with each summary);
 * - src-renderer/stores/speed.ts: a failed speed job's details are not fetched on every job event.
 * Components are mounted with tests/renderer/mountComponent.ts; ECharts is replaced by a stub that
 * counts setOption calls.
 */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, watch } from 'vue';
import { CHANNELS, EVENTS, okEnvelope, type JobDetail, type JobSummary } from '../../src-shared/ipc/contract.js';
import { createEmptyProject } from '../../src-shared/project/schema.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useJobsStore } from '../../src-renderer/stores/jobs.js';
import { useProjectStore } from '../../src-renderer/stores/project.js';
import { useSpeedStore } from '../../src-renderer/stores/speed.js';
import ErrorCurve from '../../src-renderer/components/ErrorCurve.vue';
import SocPanel from '../../src-renderer/components/SocPanel.vue';
import LiveTraining from '../../src-renderer/components/training/LiveTraining.vue';
import { FakeTransport, summaryOf, tinyNetwork, tinyTarget } from './fakes.js';
import { findById, mountComponent, typeInto } from './mountComponent.js';

/** Every setOption the charts received, and every option given to them as a prop (each is drawn whole). */
const setOptionCalls = vi.hoisted(() => [] as unknown[][]);
const optionsGiven = vi.hoisted(() => [] as unknown[]);
vi.mock('vue-echarts', () => ({
  default: defineComponent({
    props: { option: { type: Object, default: null } },
    setup(props, { expose }) {
      expose({ setOption: (...args: unknown[]) => setOptionCalls.push(args), getId: () => 'chart-1' });
      watch(
        () => props.option,
        (option) => optionsGiven.push(option),
        { immediate: true },
      );
      return () => h('div');
    },
  }),
}));

/** W's eigenvalues are computed in a worker: counted here (each N = 2 network has two). */
const eigenvalueRuns = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src-renderer/workers/linalgClient.js', () => ({
  eigenvaluesOff: async (_W: Float64Array, n: number) => {
    eigenvalueRuns.count++;
    return { re: new Float64Array(n), im: new Float64Array(n) };
  },
  spectralAbscissaOff: async () => 0,
}));

/** Longer than ErrorCurve's throttle (200 ms) for a few points. */
const wait = (ms = 260) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let transport: FakeTransport;
beforeEach(() => {
  setActivePinia(createPinia());
  transport = new FakeTransport();
  installTransport(transport);
  setOptionCalls.length = 0;
  optionsGiven.length = 0;
  eigenvalueRuns.count = 0;
});

describe('ErrorCurve: a stored run', () => {
  it('its curves are drawn once; the same run passed again (a new object with each project summary) draws nothing', async () => {
    const curves = [[0.5, 0.4, 0.3], [0.6, 0.45, 0.35]];
    const mounted = mountComponent(ErrorCurve, { jobId: null, logY: true, bestSession: 0, trialsPerSession: 2, storedRun: { id: 'run-1', curves } });
    await wait();
    const drawn = setOptionCalls.filter(([option]) => (option as { series?: unknown[] }).series);
    expect(drawn).toHaveLength(1);
    // each session's points as [trial, error] pairs or one flat Float64Array of them (ErrorCurve.vue)
    const pointsOf = (data: unknown[] | Float64Array) => (data instanceof Float64Array ? data.length / 2 : data.length);
    expect((drawn[0][0] as { series: { data: unknown[] | Float64Array }[] }).series.map((s) => pointsOf(s.data))).toEqual([3, 3]);

    const before = setOptionCalls.length;
    // what WorkspaceView passes after an autosave or a rename: the same run and curves, a new object
    for (let k = 0; k < 3; k++) {
      mounted.props.storedRun = { id: 'run-1', curves };
      await wait();
    }
    expect(setOptionCalls.length - before).toBe(0);

    // a real change is still drawn: another best session re-colours the series
    mounted.props.bestSession = 1;
    await wait();
    expect(setOptionCalls.length - before).toBe(1);
    mounted.unmount();
  });
});

/** A job as jobs:list reports it. */
function jobSummary(jobId: string, kind: JobSummary['kind'], status: JobSummary['status']): JobSummary {
  return {
    jobId,
    kind,
    label: `${kind} ${jobId}`,
    status,
    percent: status === 'queued' ? 0 : 100,
    trial: 0,
    totalTrials: 10,
    bestError: null,
    // the training job is the newest: the one the jobs store selects (and fetches) on start
    createdAt: kind === 'training' ? 2 : 1,
    startedAt: 1,
    finishedAt: status === 'failed' ? 2 : null,
    error: status === 'failed' ? { code: 'internal', message: 'the worker stopped' } : null,
    projectId: 'p1',
    projectName: 'Study',
    queuePosition: null,
    etaMs: null,
  };
}

describe('SocPanel: a finished build', () => {
  it('the name typed for the new network stays, and W’s eigenvalues are not computed again, when the jobs list is read again', async () => {
    const project = createEmptyProject('Study', new Date(0), 'p1');
    project.networks = [tinyNetwork('net-a')];
    transport.answer(CHANNELS.projectCurrent, () => summaryOf(project));
    const listed = [jobSummary('soc-1', 'soc', 'done')];
    transport.answer(CHANNELS.jobsList, () => structuredClone(listed));
    const result = { kind: 'soc', W: new Float64Array([-1, 0.5, 0.5, -1]), n: 2, nE: 1, alphaHistory: new Float64Array([0.3, 0.1]), iterations: 2, seed: 7, recipe: 'paper', converged: true, finalAlpha: 0.1, partial: false } as const;
    transport.answer(CHANNELS.jobsGet, () => ({ ...structuredClone(listed[0]), request: { n: 2, seed: 7, targetAlpha: 0.15 }, errorsBySession: [[0.3, 0.1]], result }) as unknown as JobDetail);
    await useProjectStore().init();
    const mounted = mountComponent(SocPanel, {});
    await useJobsStore().init(); // selects the newest job, the build, and fetches its result
    await wait(20);
    const name = findById(mounted.root, 'soc-name');
    // once, although the job's summary was replaced when its details arrived
    expect({ name: name?.value, eigenvalueRuns: eigenvalueRuns.count }).toEqual({ name: 'SOC network N = 2 (seed 7)', eigenvalueRuns: 1 });

    typeInto(name!, 'SOC for Fig. 2');
    // a job this window does not know yet (started by the CLI, another window): the list is read again
    transport.emit(EVENTS.jobsProgress, { jobId: 'elsewhere', status: 'running', percent: 1, trial: 1, errors: [], bestError: null });
    await wait(400);
    expect(transport.callsTo(CHANNELS.jobsList).length).toBeGreaterThan(1);
    expect({ name: findById(mounted.root, 'soc-name')?.value, eigenvalueRuns: eigenvalueRuns.count }).toEqual({ name: 'SOC for Fig. 2', eigenvalueRuns: 1 });
    mounted.unmount();
  });
});

describe('LiveTraining: a running job’s outputs and gains over training', () => {
  it('are drawn again for new snapshots, not for a project summary that changes nothing they show', async () => {
    let project = createEmptyProject('Study', new Date(0), 'p1');
    project.networks = [tinyNetwork('net-a')];
    project.targets = [tinyTarget('t1', 'Target 1')];
    let revision = 1;
    transport.answer(CHANNELS.projectCurrent, () => structuredClone(summaryOf(project, { revision })));
    const job = { ...jobSummary('train-1', 'training', 'running'), finishedAt: null, error: null };
    transport.answer(CHANNELS.jobsList, () => [job]);
    const snapshot = (trial: number, g: number) => ({ session: 0, trial, gains: new Float64Array([g, 2 - g]) });
    transport.answer(CHANNELS.jobsGet, () => ({
      ...job,
      request: { source: { kind: 'project', networkId: 'net-a', targetIds: ['t1'], initialConditionIndices: [0] }, rule: 'reward', sessions: 1 },
      errorsBySession: [[1, 0.5]],
      gainSnapshots: [snapshot(0, 1), snapshot(10, 1.1)],
      result: null,
    }) as unknown as JobDetail);
    transport.answer(CHANNELS.simulateRun, () => ({ channels: 1, nSamples: 3, output: new Float64Array([0, 1, 0]), rates: null, error: 0.5, durationMs: 1 }));
    await useProjectStore().init();
    await useJobsStore().init();
    const outputs = mountComponent(LiveTraining, { jobId: 'train-1', show: 'outputs' });
    const gains = mountComponent(LiveTraining, { jobId: 'train-1', show: 'gains' });
    await wait(20);
    expect(transport.callsTo(CHANNELS.simulateRun)).toHaveLength(2); // one output per snapshot
    const drawn = optionsGiven.length;

    for (const name of ['Study (autosaved)', 'Study renamed']) {
      project = { ...project, name };
      transport.emit(EVENTS.projectChanged, structuredClone(summaryOf(project, { revision: ++revision })));
      await wait(20);
    }
    expect({ simulated: transport.callsTo(CHANNELS.simulateRun).length, drawnAgain: optionsGiven.length - drawn }).toEqual({ simulated: 2, drawnAgain: 0 });

    // a new snapshot is drawn on both
    transport.emit(EVENTS.jobsProgress, { jobId: 'train-1', status: 'running', percent: 50, trial: 20, errors: [], bestError: null, gainSnapshots: [snapshot(20, 1.2)] });
    await wait(20);
    expect(transport.callsTo(CHANNELS.simulateRun)).toHaveLength(3);
    expect(optionsGiven.length - drawn).toBeGreaterThan(0);
    outputs.unmount();
    gains.unmount();
  });
});

describe('speed store: results of finished speed jobs, fetched on demand', () => {
  it('a failed speed job (it has no result) is asked for once, not again with every other job’s event', async () => {
    const project = createEmptyProject('Study', new Date(0), 'p1');
    project.networks = [tinyNetwork('net-a')];
    transport.answer(CHANNELS.projectCurrent, () => summaryOf(project));
    const listed = [jobSummary('speed-failed', 'speed', 'failed'), jobSummary('train-1', 'training', 'queued')];
    transport.answer(CHANNELS.jobsList, () => listed);
    // answered a moment later, as over the socket (an answer in the same task would starve the timers)
    transport.handle(CHANNELS.jobsGet, ({ jobId }) => {
      const summary = listed.find((j) => j.jobId === jobId)!;
      const detail = { ...summary, request: { kind: 'speed' }, errorsBySession: [], result: null } as unknown as JobDetail;
      return new Promise((resolve) => setTimeout(() => resolve(okEnvelope(detail)), 1));
    });
    await useProjectStore().init();
    await useJobsStore().init();
    useSpeedStore();
    await wait(50);
    const asked = () => transport.callsTo(CHANNELS.jobsGet).filter((r) => (r as { jobId: string }).jobId === 'speed-failed').length;
    expect(asked()).toBe(1);

    // the training job starts (the list is read again), runs and finishes
    listed[1] = { ...listed[1], status: 'running' };
    transport.emit(EVENTS.jobsProgress, { jobId: 'train-1', status: 'running', percent: 10, trial: 1, errors: [], bestError: null });
    await wait(400);
    transport.emit(EVENTS.jobsFinished, { jobId: 'train-1', status: 'failed', result: null, error: { code: 'internal', message: 'stopped' } });
    await wait(50);
    // each answer replaced the job's summary in the list, which asked again: an endless jobs:get loop
    expect(asked()).toBe(1);
  });
});
