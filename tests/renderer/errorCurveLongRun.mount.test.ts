/**
 * The live error curve (src-renderer/components/ErrorCurve.vue) of a long run: ten sessions of
 * 100 000 trials streamed as jobs:progress events into the jobs store
 * (src-renderer/stores/jobs.ts). Every update handed ECharts all points again (a million by the
 * end), which held the page's thread for 1–5 s at a time; the chart now gets each session's
 * decimated points (src-renderer/plots/curveDecimation.ts: at most 4 per bin), with each session's
 * lowest error among them, while the card still counts every point received. Mounted with
 * tests/renderer/mountComponent.ts; ECharts is a stub that records setOption.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { CHANNELS, EVENTS } from '../../src-shared/ipc/contract.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useJobsStore } from '../../src-renderer/stores/jobs.js';
import ErrorCurve from '../../src-renderer/components/ErrorCurve.vue';
import { LIVE_CURVE_BINS } from '../../src-renderer/plots/curveDecimation.js';
import { Rng } from '../../src-shared/model/rng.js';
import { FakeTransport, jobSummary } from './fakes.js';
import { findByTestId, mountComponent } from './mountComponent.js';

const charts = vi.hoisted(() => ({ setOption: [] as unknown[][] }));
vi.mock('vue-echarts', () => ({
  default: defineComponent({
    props: { option: { type: Object, default: null } },
    setup(_props, { expose }) {
      expose({ setOption: (...args: unknown[]) => charts.setOption.push(args), getId: () => 'chart' });
      return () => h('div');
    },
  }),
}));

const SESSIONS = 10;
const TRIALS = 100_000;
const CHUNK = 5_000;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let transport: FakeTransport;
beforeEach(() => {
  setActivePinia(createPinia());
  transport = new FakeTransport();
  installTransport(transport);
  transport.answer(CHANNELS.jobsList, () => [jobSummary('a', { percent: 0, trial: 0, totalTrials: TRIALS, bestError: null })]);
  charts.setOption.length = 0;
});

describe('the live error curve of a long run', () => {
  it('hands the chart a bounded number of points per session, each session’s lowest error among them, and counts every point', async () => {
    const jobs = useJobsStore();
    await jobs.init();
    const mounted = mountComponent(ErrorCurve, { jobId: 'a', logY: true, bestSession: null, trialsPerSession: TRIALS });
    const rng = new Rng(5);
    const curves = Array.from({ length: SESSIONS }, () => Array.from({ length: TRIALS + 1 }, (_, k) => 4 * Math.exp(-k / 20_000) * (1 + 0.3 * rng.uniform()) + 0.002));
    for (let from = 0; from <= TRIALS; from += CHUNK) {
      const errors = curves.map((curve, session) => ({ session, fromTrial: from, values: curve.slice(from, Math.min(TRIALS + 1, from + CHUNK)) }));
      transport.emit(EVENTS.jobsProgress, { jobId: 'a', status: 'running', percent: (100 * from) / TRIALS, trial: from, bestError: null, errors });
      // the curve redraws at most every 0.2–1 s: let some updates happen along the way
      if (from % (4 * CHUNK) === 0) await wait(250);
    }
    await wait(1200);

    const curve = findByTestId(mounted.root, 'error-curve')!;
    expect(curve.attributes['data-points']).toBe(SESSIONS * (TRIALS + 1));
    expect(jobs.pointCount('a')).toBe(SESSIONS * (TRIALS + 1));
    const updates = charts.setOption.map(([option]) => (option as { series?: { data?: [number, number][] }[] }).series).filter((series) => series?.every((s) => s.data));
    expect(updates.length).toBeGreaterThan(1);
    for (const series of updates) for (const s of series!) expect(s.data!.length).toBeLessThanOrEqual(4 * LIVE_CURVE_BINS);
    const last = updates[updates.length - 1]!;
    expect(last).toHaveLength(SESSIONS);
    last.forEach((s, session) => {
      const lowest = Math.min(...curves[session]);
      expect(s.data).toContainEqual([curves[session].indexOf(lowest), lowest]);
      expect(s.data![s.data!.length - 1]).toEqual([TRIALS, curves[session][TRIALS]]);
    });
    expect(Number(curve.attributes['data-drawn'])).toBe(last.reduce((sum, s) => sum + s.data!.length, 0));
    mounted.unmount();
  });
});
