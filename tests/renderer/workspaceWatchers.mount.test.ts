/**
 * The workspace (src-renderer/views/WorkspaceView.vue) while main pushes project summaries that
 * change nothing it shows (an autosave, a rename): the stored run's error curve is not fetched and
 * drawn again (it was emptied and redrawn: src-renderer/components/ErrorCurve.vue), the output plot
 * (src-renderer/components/OutputPlot.vue) is not drawn again for an unchanged target, nor the stored
 * run's trained gains, and the output
 * with g = 1 is asked of main once, also when a summary arrives while it is being computed. The
 * watch getters returned new arrays, which Vue takes as changed on every summary.
 * Mounted with tests/renderer/mountComponent.ts; the side views and panels are stubs, ECharts a
 * stub that counts setOption calls.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, watch } from 'vue';
import { CHANNELS, EVENTS, okEnvelope, type SimulateResponse } from '../../src-shared/ipc/contract.js';
import { createEmptyProject, type Project } from '../../src-shared/project/schema.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useJobsStore } from '../../src-renderer/stores/jobs.js';
import { useProjectStore } from '../../src-renderer/stores/project.js';
import WorkspaceView from '../../src-renderer/views/WorkspaceView.vue';
import { FakeTransport, jobSummary, rewardJobDetail, summaryOf, tinyNetwork, tinyTarget } from './fakes.js';
import { mountComponent, type FakeNode } from './mountComponent.js';
import { storedRun } from './storedRunFixture.js';

/** Every setOption the charts received, and every option given to them as a prop (each is drawn whole). */
const charts = vi.hoisted(() => ({ setOption: [] as unknown[][], given: [] as unknown[] }));
vi.mock('vue-echarts', () => ({
  default: defineComponent({
    props: { option: { type: Object, default: null } },
    setup(props, { expose }) {
      expose({ setOption: (...args: unknown[]) => charts.setOption.push(args), getId: () => 'chart' });
      watch(
        () => props.option,
        (option) => charts.given.push(option),
      );
      return () => h('div');
    },
  }),
}));
// the views and panels beside the plots: not under test here
const stub = vi.hoisted(() => () => ({ default: { name: 'Stub', render: () => null } }));
vi.mock('../../src-renderer/components/TargetEditorPanel.vue', stub);
vi.mock('../../src-renderer/components/TrainPanel.vue', stub);
vi.mock('../../src-renderer/components/SocPanel.vue', stub);
vi.mock('../../src-renderer/components/analysis/AnalysesView.vue', stub);
vi.mock('../../src-renderer/components/primitives/PrimitivesView.vue', stub);
vi.mock('../../src-renderer/components/speed/SpeedView.vue', stub);
vi.mock('../../src-renderer/components/experiments/ExperimentsView.vue', stub);
vi.mock('../../src-renderer/components/sweeps/SweepsView.vue', stub);
vi.mock('../../src-renderer/components/training/LiveTraining.vue', stub);
vi.mock('../../src-renderer/components/runs/RunsBrowser.vue', stub);
vi.mock('../../src-renderer/components/RateHeatmap.vue', stub); // draws on a canvas

/** The elements under `root` for which `test` holds. */
function findAll(root: FakeNode, test: (node: FakeNode) => boolean): FakeNode[] {
  return [...(test(root) ? [root] : []), ...root.children.flatMap((child) => findAll(child, test))];
}

const textOf = (node: FakeNode): string => (node.tag === '#text' ? node.text : node.children.map(textOf).join(''));

/** Longer than the error curve's throttle (200 ms). */
const wait = (ms = 300) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function output(error: number): SimulateResponse {
  return { channels: 1, nSamples: 3, output: new Float64Array(3), rates: new Float64Array(6), error, durationMs: 1 };
}

let transport: FakeTransport;
let project: Project;
let revision = 1;
/**
 * Main pushes the project again with nothing the workspace shows changed (an autosave, a rename).
 * A copy, as the socket or Electron's IPC delivers it: every network, target and run a new object.
 */
function pushSummary(name: string): void {
  project = { ...project, name };
  transport.emit(EVENTS.projectChanged, structuredClone(summaryOf(project, { revision: ++revision })));
}
/** The simulate:run requests for the output with g = 1 (no gains). */
const baselineRequests = () => transport.callsTo(CHANNELS.simulateRun).filter((r) => !(r as { gains?: unknown }).gains);

beforeEach(async () => {
  setActivePinia(createPinia());
  transport = new FakeTransport();
  installTransport(transport);
  charts.setOption.length = 0;
  project = createEmptyProject('Study', new Date(0), 'p1');
  project.networks = [tinyNetwork('net-a')];
  project.targets = [tinyTarget('t1', 'Target 1')];
  project.runs = [storedRun('run-1', 'Run 1', [0.3, 0.2])];
  transport.answer(CHANNELS.projectCurrent, () => structuredClone(summaryOf(project, { revision })));
  transport.answer(CHANNELS.projectRun, () => storedRun('run-1', 'Run 1', [0.3, 0.2]));
  transport.answer(CHANNELS.jobsList, () => []);
  // main takes a moment to simulate, as over the socket
  transport.handle(CHANNELS.simulateRun, (request) => new Promise((resolve) => setTimeout(() => resolve(okEnvelope(output(request.gains ? 0.2 : 0.9))), 40)));
  await useProjectStore().init();
});

describe('workspace: project summaries that change nothing shown', () => {
  it('the stored run’s error curve and the output plot are drawn once, not fetched and drawn again with each summary', async () => {
    const mounted = mountComponent(WorkspaceView, {});
    await wait();
    expect(transport.callsTo(CHANNELS.projectRun)).toHaveLength(1);
    const drawn = charts.setOption.filter(([option]) => Array.isArray((option as { series?: unknown }).series));
    expect(drawn.length).toBeGreaterThan(0);
    const before = { setOption: charts.setOption.length, given: charts.given.length };

    for (const name of ['Study (autosaved)', 'Study renamed', 'Study renamed again']) {
      pushSummary(name);
      await wait();
    }
    expect({ errorCurveUpdates: charts.setOption.length - before.setOption, optionsGiven: charts.given.length - before.given }).toEqual({ errorCurveUpdates: 0, optionsGiven: 0 });

    // the target's samples changed (replaced under the same id): the output plot draws it
    project = { ...project, targets: [{ ...project.targets[0], values: new Float64Array([0, 1, 0]) }] };
    transport.emit(EVENTS.projectChanged, structuredClone(summaryOf(project, { revision: ++revision })));
    await wait();
    expect(charts.given.length - before.given).toBeGreaterThan(0);
    mounted.unmount();
  });

  it('the stored run’s trained gains are drawn once, not again with each summary', async () => {
    const mounted = mountComponent(WorkspaceView, {});
    await wait();
    const gainsButton = findAll(mounted.root, (node) => node.tag === 'button' && node.attributes['aria-checked'] !== undefined && node.children.some((child) => child.text.trim() === 'gains'))[0];
    (gainsButton.attributes.onClick as () => void)();
    await wait();
    const gainsCard = findAll(mounted.root, (node) => node.attributes['data-testid'] === 'stored-gains');
    expect(gainsCard).toHaveLength(1);
    const before = charts.given.length;

    for (const name of ['Study (autosaved)', 'Study renamed']) {
      pushSummary(name);
      await wait();
    }
    expect(charts.given.length - before).toBe(0);
    mounted.unmount();
  });

  it('E with g = 1 is asked of main once, also when a summary arrives while it is computed', async () => {
    const mounted = mountComponent(WorkspaceView, {});
    await wait(5);
    expect(baselineRequests()).toHaveLength(1);
    pushSummary('Study (autosaved)'); // before main answered
    await wait();
    pushSummary('Study renamed');
    await wait();
    expect(baselineRequests()).toHaveLength(1);
    mounted.unmount();
  });

  it('E with g = 1 is asked again when the target is replaced under the same id (new samples)', async () => {
    const mounted = mountComponent(WorkspaceView, {});
    await wait();
    expect(baselineRequests()).toHaveLength(1);
    // the target edited and stored over itself (project store upsertTarget: same id, new values)
    const edited = { ...project.targets[0], values: Float64Array.from(project.targets[0].values, (v) => v + 1) };
    project = { ...project, targets: [edited] };
    transport.emit(EVENTS.projectChanged, structuredClone(summaryOf(project, { revision: ++revision })));
    await wait();
    expect(baselineRequests()).toHaveLength(2);
    // and the workspace shows the error against the new samples, not the old target's
    pushSummary('Study (autosaved)');
    await wait();
    expect(baselineRequests()).toHaveLength(2);
    mounted.unmount();
  });
});

describe('workspace: a running job’s progress events', () => {
  it('update the error curve card’s point count without rendering the workspace again', async () => {
    const running = jobSummary('run', { label: 'Reward rule', percent: 0, trial: 0, totalTrials: 1000, bestError: null, projectId: 'p1' });
    transport.answer(CHANNELS.jobsList, () => [running]);
    transport.answer(CHANNELS.jobsGet, () => rewardJobDetail(running, { trials: 1000, sessions: 2, networkId: 'net-a', targetId: 't1' }));
    await useJobsStore().init(); // selects the running job
    const mounted = mountComponent(WorkspaceView, {});
    await wait();
    const pointCount = () => findAll(mounted.root, (node) => node.attributes['data-testid'] === 'point-count')[0];
    expect(textOf(pointCount())).toBe('0 points');
    const before = mounted.renders.get('WorkspaceView') ?? 0;

    // ~10 events a second, 5 new points per session each
    for (let k = 0; k < 20; k++) {
      const errors = [0, 1].map((session) => ({ session, fromTrial: 5 * k, values: [3, 2.9, 2.8, 2.7, 2.6] }));
      transport.emit(EVENTS.jobsProgress, { jobId: 'run', status: 'running', percent: k / 2, trial: 10 * (k + 1), bestError: 2.6, errors });
      await wait(5);
    }
    expect(textOf(pointCount())).toBe('200 points');
    expect((mounted.renders.get('WorkspaceView') ?? 0) - before).toBe(0);
    mounted.unmount();
  });
});
