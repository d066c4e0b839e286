/**
 * The speed view's store (src-renderer/stores/speed.ts) when the open project changes: nothing of
 * the previous project's manifold stays shown (model, slider frame, the slider's kernel line), the
 * new project's own manifold is the one shown by default, and another project's finished job is
 * listed but never shown unasked. Selecting another manifold shows no kernel line until its own
 * slider session has replied (it showed the previous manifold's for about a second). The speed
 * Web Workers are replaced by a fake answering each request (src-renderer/workers/speedClient.ts).
 */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, EVENTS, type JobDetail, type JobSummary } from '../../src-shared/ipc/contract.js';
import { createEmptyProject, type Project, type SpeedManifold } from '../../src-shared/project/schema.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useJobsStore } from '../../src-renderer/stores/jobs.js';
import { useProjectStore } from '../../src-renderer/stores/project.js';
import { useSpeedStore } from '../../src-renderer/stores/speed.js';
import { FakeTransport, flushPromises, summaryOf, tinyNetwork } from './fakes.js';

type Message = { id: number; kind: string; lambda?: number };

/** Stands in for the speed Web Worker: answers every request, or holds the kinds in `held` until released. */
class FakeSpeedWorker {
  static held = new Set<string>();
  static waiting: (() => void)[] = [];
  static helpers = 3;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  postMessage(message: Message): void {
    const reply = () => this.onmessage?.({ data: { id: message.id, kind: 'done', result: FakeSpeedWorker.answer(message) } });
    if (FakeSpeedWorker.held.has(message.kind)) FakeSpeedWorker.waiting.push(reply);
    else void Promise.resolve().then(reply);
  }
  terminate(): void {}
  static answer(message: Message): unknown {
    if (message.kind === 'init') return { wasm: true, helpers: FakeSpeedWorker.helpers, reason: null, ms: 4, previewKernel: 'wasm-batch-f32', sessionHelpers: FakeSpeedWorker.helpers };
    if (message.kind === 'frame') return { lambda: message.lambda, step: 250, nSamples: 3, outputs: new Float64Array(3), factors: [1], explained: [1], meanFactor: 1, ms: 1, helperChunks: 0 };
    if (message.kind === 'stretch') return { lambdas: [0, 1], meanFactors: [1, 2], factors: [[1, 2]] };
    return { outputs: [] };
  }
  static release(): void {
    FakeSpeedWorker.held.clear();
    for (const reply of FakeSpeedWorker.waiting.splice(0)) reply();
  }
}

function manifold(id: string, networkId: string): SpeedManifold {
  return { id, name: `manifold ${id}`, networkId, durations: [500, 1000], factors: [1, 2], gains: { shape: [2, 2], data: new Float64Array([1, 1, 0.8, 1.2]) } };
}

function projectWith(id: string, networkId: string, manifoldIds: string[]): Project {
  return { ...createEmptyProject(`project ${id}`, new Date(0), id), networks: [tinyNetwork(networkId)], speedManifolds: manifoldIds.map((m) => manifold(m, networkId)) };
}

/** A finished speed job of project `projectId`, not stored in the project the test opens. */
function speedJob(jobId: string, projectId: string): JobSummary {
  return {
    jobId,
    kind: 'speed',
    label: `Speed manifold ${jobId}`,
    status: 'done',
    percent: 100,
    trial: 2,
    totalTrials: 2,
    bestError: 0.5,
    createdAt: 1,
    startedAt: 1,
    finishedAt: 2,
    error: null,
    projectId,
    projectName: `project ${projectId}`,
    queuePosition: null,
    etaMs: null,
  };
}

describe('speed store: the open project changes', () => {
  let transport: FakeTransport;
  let listed: JobSummary[];

  beforeEach(async () => {
    vi.stubGlobal('Worker', FakeSpeedWorker);
    FakeSpeedWorker.held.clear();
    FakeSpeedWorker.waiting = [];
    FakeSpeedWorker.helpers = 3;
    setActivePinia(createPinia());
    transport = new FakeTransport();
    installTransport(transport);
    listed = [];
    const networks = new Map([tinyNetwork('net-a'), tinyNetwork('net-b')].map((n) => [n.id, n]));
    transport.answer(CHANNELS.projectCurrent, () => summaryOf(projectWith('project-a', 'net-a', ['ma1', 'ma2'])));
    transport.answer(CHANNELS.projectNetwork, ({ networkId }) => networks.get(networkId)!);
    transport.answer(CHANNELS.jobsList, () => listed);
    transport.answer(CHANNELS.jobsGet, ({ jobId }) => {
      const summary = listed.find((j) => j.jobId === jobId)!;
      const result = { kind: 'speed', networkId: 'net-a', factors: [1, 2], rule: 'gradient' };
      return { ...summary, request: { kind: 'speed' }, errorsBySession: [], result } as unknown as JobDetail;
    });
    await useProjectStore().init();
    await useJobsStore().init();
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('another project opened: the previous manifold, its slider frame and kernel line are gone at once; the new project’s own manifold is the default', async () => {
    const speed = useSpeedStore();
    expect(speed.defaultKey).toBe('project:ma1');
    await speed.select('project:ma1');
    await flushPromises();
    expect(speed.model?.n).toBe(2);
    expect(speed.frame?.lambda).toBe(0);
    expect(speed.kernels?.helpers).toBe(3);
    expect(speed.wasm).toBe(true);

    transport.emit(EVENTS.projectChanged, { ...summaryOf(projectWith('project-b', 'net-b', ['mb1'])), revision: 2 });
    // synchronously: the view's watchers already see nothing of project a
    expect(speed.selectedKey).toBeNull();
    expect(speed.model).toBeNull();
    expect(speed.frame).toBeNull();
    expect(speed.kernels).toBeNull();
    expect(speed.wasm).toBeNull();
    expect(speed.sliderInitMs).toBeNull();
    expect(speed.defaultKey).toBe('project:mb1');
  });

  it('this project closed and opened again: it starts afresh (nothing kept from before it closed)', async () => {
    const speed = useSpeedStore();
    await speed.select('project:ma2');
    speed.setLambda(0.7);
    await flushPromises();
    expect(speed.kernels).not.toBeNull();
    const project = useProjectStore();
    await project.close();
    expect(project.entered).toBe(false);
    expect(speed.selectedKey).toBeNull();
    expect(speed.model).toBeNull();
    expect(speed.kernels).toBeNull();
    // no project open: nothing to show by default
    expect(speed.defaultKey).toBeNull();
    transport.answer(CHANNELS.projectOpen, () => ({ ...summaryOf(projectWith('project-a', 'net-a', ['ma1', 'ma2'])), revision: 3 }));
    expect(await project.open('/x/a.gainlab')).toBe(true);
    expect(speed.defaultKey).toBe('project:ma1');
    expect(speed.lambda).toBe(0);
  });

  it('another project’s finished job is listed but never shown unasked', async () => {
    listed = [speedJob('job-a', 'project-a')];
    await useJobsStore().reloadList();
    const speed = useSpeedStore();
    await flushPromises();
    transport.emit(EVENTS.projectChanged, { ...summaryOf(projectWith('project-b', 'net-b', [])), revision: 2 });
    await flushPromises();
    expect(speed.manifolds.map((m) => [m.key, m.ownProject])).toEqual([['job:job-a', false]]);
    expect(speed.defaultKey).toBeNull();
    // in its own project it is the default (until main stores it there)
    transport.emit(EVENTS.projectChanged, { ...summaryOf(projectWith('project-a', 'net-a', [])), revision: 3 });
    expect(speed.defaultKey).toBe('job:job-a');
  });

  it('another manifold selected: no kernel line until its own slider session has replied', async () => {
    const speed = useSpeedStore();
    await speed.select('project:ma1');
    await flushPromises();
    expect(speed.kernels?.helpers).toBe(3);

    FakeSpeedWorker.held.add('init');
    FakeSpeedWorker.helpers = 1;
    const selecting = speed.select('project:ma2');
    await flushPromises();
    // the model is shown (the slider card with it) while its slider session is being prepared
    expect(speed.model).not.toBeNull();
    expect(speed.sliderReady).toBe(false);
    expect(speed.kernels).toBeNull();
    expect(speed.wasm).toBeNull();
    FakeSpeedWorker.release();
    await selecting;
    await flushPromises();
    expect(speed.kernels?.helpers).toBe(1);
    expect(speed.sliderReady).toBe(true);
  });
});
