/**
 * The Experiments view asks main for a finished experiment job's details once, not again with
 * every answer (src-renderer/components/experiments/ExperimentsView.vue, its watcher of the
 * selected experiment's job; src-renderer/stores/experiments.ts ensureResult). Its getter returned a
 * new array, so each jobs:get answer, which replaces the job's entry in the jobs list, ran it
 * again: a failed job (it never has a result) was asked for without end while it was selected.
 * Mounted with tests/renderer/mountComponent.ts; ECharts is replaced by a stub.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { CHANNELS, okEnvelope, type JobDetail, type JobSummary } from '../../src-shared/ipc/contract.js';
import { createEmptyProject } from '../../src-shared/project/schema.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useExperimentsStore } from '../../src-renderer/stores/experiments.js';
import { useJobsStore } from '../../src-renderer/stores/jobs.js';
import { useProjectStore } from '../../src-renderer/stores/project.js';
import ExperimentsView from '../../src-renderer/components/experiments/ExperimentsView.vue';
import { FakeTransport, summaryOf, tinyNetwork } from './fakes.js';
import { mountComponent } from './mountComponent.js';

vi.mock('vue-echarts', () => ({
  default: defineComponent({ props: { option: { type: Object, default: null } }, setup: () => () => h('div') }),
}));

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function failedExperimentJob(): JobSummary {
  return {
    jobId: 'exp-failed',
    kind: 'experiment',
    label: 'Fig. 1 (quick)',
    status: 'failed',
    percent: 100,
    trial: 0,
    totalTrials: 10,
    bestError: null,
    createdAt: 1,
    startedAt: 1,
    finishedAt: 2,
    error: { code: 'internal', message: 'the worker stopped' },
    projectId: 'p1',
    projectName: 'Study',
    queuePosition: null,
    etaMs: null,
  };
}

let transport: FakeTransport;
beforeEach(() => {
  setActivePinia(createPinia());
  transport = new FakeTransport();
  installTransport(transport);
});

describe('Experiments view: the selected experiment’s finished job', () => {
  it('a failed job is asked for once or twice (adopted, then its result looked for), not on every answer', async () => {
    const project = createEmptyProject('Study', new Date(0), 'p1');
    project.networks = [tinyNetwork('net-a')];
    transport.answer(CHANNELS.projectCurrent, () => summaryOf(project));
    const listed = [failedExperimentJob()];
    transport.answer(CHANNELS.jobsList, () => listed);
    // answered a moment later, as over the socket (an answer in the same task would starve the timers)
    transport.handle(CHANNELS.jobsGet, () => {
      const detail = { ...listed[0], request: { experiment: 'fig1', quick: true, seed: 1 }, errorsBySession: [], result: null } as unknown as JobDetail;
      return new Promise((resolve) => setTimeout(() => resolve(okEnvelope(detail)), 1));
    });
    await useProjectStore().init();
    await useJobsStore().init();
    const experiments = useExperimentsStore();
    experiments.selected = 'fig1';
    const mounted = mountComponent(ExperimentsView, {});
    await wait(300);
    expect(experiments.latestJob.fig1).toBe('exp-failed');
    const asked = transport.callsTo(CHANNELS.jobsGet).length;
    // without the fix: ~50 in these 300 ms, and still growing
    expect(asked).toBeLessThanOrEqual(2);
    await wait(200);
    expect(transport.callsTo(CHANNELS.jobsGet).length).toBe(asked);
    mounted.unmount();
  });
});
