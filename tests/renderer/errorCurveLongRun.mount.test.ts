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
import { decimatedPoints, LIVE_CURVE_BINS } from '../../src-renderer/plots/curveDecimation.js';
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

/** [trial, error] pairs of a flat curve (trial and error in turn). */
function pairsOf(flat: ArrayLike<number>): [number, number][] {
  return Array.from({ length: flat.length / 2 }, (_, k) => [flat[2 * k], flat[2 * k + 1]]);
}

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
    // the chart's series as the updates leave them: a full set at the first update, then the
    // sessions with new points merged in by id
    const drawn = new Map<string, [number, number][]>();
    let updates = 0;
    for (const [option] of charts.setOption) {
      for (const s of (option as { series?: { id: string; data?: Float64Array }[] }).series ?? []) {
        if (!s.data) continue;
        // flat typed arrays, trial and error in turn: ECharts keeps them without copying
        expect(s.data).toBeInstanceOf(Float64Array);
        expect(s.data.length / 2).toBeLessThanOrEqual(4 * LIVE_CURVE_BINS);
        drawn.set(s.id, pairsOf(s.data));
        updates++;
      }
    }
    expect(updates).toBeGreaterThan(SESSIONS);
    expect(drawn.size).toBe(SESSIONS);
    curves.forEach((values, session) => {
      const data = drawn.get(`session-${session}`)!;
      // exactly the session's decimated curve: its envelope, its lowest error and its ends
      expect(data).toEqual(decimatedPoints(values, LIVE_CURVE_BINS));
      const lowest = Math.min(...values);
      expect(data).toContainEqual([values.indexOf(lowest), lowest]);
      expect(data[data.length - 1]).toEqual([TRIALS, values[TRIALS]]);
    });
    expect(Number(curve.attributes['data-drawn'])).toBe([...drawn.values()].reduce((sum, data) => sum + data.length, 0));
    mounted.unmount();
  });
  it('hands the chart again only the sessions that got new points', async () => {
    const jobs = useJobsStore();
    await jobs.init();
    const mounted = mountComponent(ErrorCurve, { jobId: 'a', logY: false, bestSession: null, trialsPerSession: 2000 });
    const session = (s: number, from: number, count: number) => ({ session: s, fromTrial: from, values: Array.from({ length: count }, (_, k) => 1 / (1 + from + k + s)) });
    transport.emit(EVENTS.jobsProgress, { jobId: 'a', status: 'running', percent: 10, trial: 100, bestError: null, errors: [0, 1, 2].map((s) => session(s, 0, 100)) });
    await wait(400);
    const first = charts.setOption.length;
    expect(first).toBeGreaterThan(0);
    // session 1 has finished; sessions 0 and 2 go on, then only session 2
    transport.emit(EVENTS.jobsProgress, { jobId: 'a', status: 'running', percent: 20, trial: 200, bestError: null, errors: [session(0, 100, 100), session(2, 100, 100)] });
    await wait(400);
    transport.emit(EVENTS.jobsProgress, { jobId: 'a', status: 'running', percent: 30, trial: 300, bestError: null, errors: [session(2, 200, 100)] });
    await wait(400);
    const handed = charts.setOption
      .slice(first)
      .map(([option]) => ((option as { series?: { id: string; data?: unknown }[] }).series ?? []).filter((s) => s.data).map((s) => s.id))
      .filter((ids) => ids.length > 0);
    expect(handed).toEqual([['session-0', 'session-2'], ['session-2']]);
    const curve = findByTestId(mounted.root, 'error-curve')!;
    expect(curve.attributes['data-points']).toBe(600);
    expect(curve.attributes['data-drawn']).toBe(600);
    expect(curve.attributes['data-series']).toBe(3);
    mounted.unmount();
  });
});
