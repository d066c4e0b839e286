/**
 * The Experiments view's "Quick (~…)" time is for the network the run will use
 * (src-renderer/components/experiments/ExperimentsView.vue, from
 * src-shared/experiments/catalog.ts quickRunSeconds): a project network keeps its size in quick
 * mode, and fig1 on the published network (N = 200) took 17–20 s where the button said ~3 s.
 * Checked: the button's text for the own network and for a project network of N = 200. (The
 * estimates' own numbers were measured by running each quick experiment; speed is measured in
 * benchmarks, not in timed tests, so no run is timed here.)
 * Mounted with tests/renderer/mountComponent.ts; ECharts is replaced by a stub.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { CHANNELS } from '../../src-shared/ipc/contract.js';
import { createEmptyProject } from '../../src-shared/project/schema.js';
import { quickRunSeconds } from '../../src-shared/experiments/catalog.js';
import { durationText } from '../../src-shared/formats/duration.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useExperimentsStore } from '../../src-renderer/stores/experiments.js';
import { useJobsStore } from '../../src-renderer/stores/jobs.js';
import { useProjectStore } from '../../src-renderer/stores/project.js';
import ExperimentsView from '../../src-renderer/components/experiments/ExperimentsView.vue';
import { FakeTransport, summaryOf, tinyNetwork } from './fakes.js';
import { findByTestId, mountComponent, type FakeNode } from './mountComponent.js';

vi.mock('vue-echarts', () => ({
  default: defineComponent({ props: { option: { type: Object, default: null } }, setup: () => () => h('div') }),
}));

const textOf = (node: FakeNode): string => node.text + node.children.map(textOf).join('');

/** A project network the definitions take (one readout channel, 200 samples over 500 ms) of `n` neurons. */
function projectNetwork(id: string, n: number) {
  const network = tinyNetwork(id);
  return { ...network, n, nE: n / 2, W: new Float64Array(n * n), initialConditions: new Float64Array(n), readout: { ...network.readout!, weights: new Float64Array(n) }, params: { ...network.params, nSamples: 200 } };
}

let transport: FakeTransport;
beforeEach(() => {
  setActivePinia(createPinia());
  transport = new FakeTransport();
  installTransport(transport);
});

describe('the quick run’s time is for the network it runs on', () => {
  it('the Quick button says the time for the chosen network: fig1 own vs a project network of N = 200', async () => {
    const project = createEmptyProject('Study', new Date(0), 'p1');
    project.networks = [projectNetwork('published', 200)];
    transport.answer(CHANNELS.projectCurrent, () => summaryOf(project));
    transport.answer(CHANNELS.jobsList, () => []);
    await useProjectStore().init();
    await useJobsStore().init();
    const experiments = useExperimentsStore();
    experiments.selected = 'fig1';
    const mounted = mountComponent(ExperimentsView, {});
    try {
      await nextTick();
      const button = () => textOf(findByTestId(mounted.root, 'experiment-quick')!).trim();
      expect(button()).toBe(`Quick (~${durationText(quickRunSeconds('fig1') * 1000)})`);
      experiments.settings.fig1.networkId = 'published';
      await nextTick();
      // measured 17 s on the published network (2 cores, loaded); the button said ~3 s
      expect(quickRunSeconds('fig1', 200)).toBeGreaterThanOrEqual(10);
      expect(button()).toBe(`Quick (~${durationText(quickRunSeconds('fig1', 200) * 1000)})`);
    } finally {
      mounted.unmount();
    }
  });
});
