import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS, type JobDetail, type TrainingResult } from '../../src-shared/ipc/contract.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { countPoints, useJobsStore, writeErrorPoints } from '../../src-renderer/stores/jobs.js';
import { useNotificationsStore } from '../../src-renderer/stores/notifications.js';
import { FakeTransport, flushPromises, jobSummary as summary } from './fakes.js';

function result(curves: number[][], partial = false): TrainingResult {
  const sessions = curves.map((curve, session) => {
    let best = 0;
    for (let i = 1; i < curve.length; i++) if (curve[i] < curve[best]) best = i;
    return {
      session,
      seed: session,
      bestGains: new Float64Array([1, 1]),
      bestError: curve[best],
      bestTrial: best,
      errorCurve: Float64Array.from(curve),
      trialsRun: curve.length - 1,
    };
  });
  let bestSession = 0;
  sessions.forEach((s, k) => {
    if (s.bestError < sessions[bestSession].bestError) bestSession = k;
  });
  return { kind: 'training', rule: 'reward', initialError: curves[0][0], sessions, bestSession, groupLabels: [], partial };
}

describe('error point bookkeeping', () => {
  it('writes runs by index, so a replayed or overlapping run leaves the same curve', () => {
    const curves: number[][] = [];
    // the tally counts points new to the curves as they are written (the workspace's "N points")
    const tally = { defined: 0 };
    expect(writeErrorPoints(curves, { session: 0, fromTrial: 0, values: [4, 3.5] }, tally)).toBe(true);
    expect(writeErrorPoints(curves, { session: 0, fromTrial: 2, values: [3.2, 3.1] }, tally)).toBe(true);
    expect(writeErrorPoints(curves, { session: 0, fromTrial: 1, values: [3.5, 3.2] }, tally)).toBe(true); // replay
    expect(curves[0]).toEqual([4, 3.5, 3.2, 3.1]);
    // a run that starts past the end leaves a gap, and says so
    expect(writeErrorPoints(curves, { session: 1, fromTrial: 3, values: [2] }, tally)).toBe(false);
    expect(curves).toHaveLength(2);
    expect(countPoints(curves)).toBe(5);
    expect(tally.defined).toBe(5);
    // the gap filled later (a backfill) counts; the same points again do not
    writeErrorPoints(curves, { session: 1, fromTrial: 0, values: [4, 3, 2.5, 2] }, tally);
    expect([countPoints(curves), tally.defined]).toEqual([8, 8]);
  });
});

describe('jobs store', () => {
  let transport: FakeTransport;

  beforeEach(() => {
    setActivePinia(createPinia());
    transport = new FakeTransport();
    installTransport(transport);
  });

  it('loads the list once, selects the newest job and backfills its curve', async () => {
    transport.answer(CHANNELS.jobsList, () => [summary('old', { createdAt: 1 }), summary('new', { createdAt: 2 })]);
    transport.answer(CHANNELS.jobsGet, ({ jobId }) => ({
      ...summary(jobId),
      request: { rule: 'reward', trials: 100, groups: { kind: 'neuron' }, seed: 1, sessions: 1, sigma: 0.001, alpha: 0.3, learningRate: 0.01, source: { kind: 'project', networkId: 'n', targetIds: ['t'] } },
      errorsBySession: [[4, 3.9, 3.7]],
      result: null,
    }) as JobDetail);
    const jobs = useJobsStore();
    await jobs.init();
    await jobs.init(); // a second init does nothing
    expect(transport.callsTo(CHANNELS.jobsList)).toHaveLength(1);
    expect(jobs.sortedJobs.map((j) => j.jobId)).toEqual(['new', 'old']);
    expect(jobs.selectedJobId).toBe('new');
    expect(jobs.curves('new')).toEqual([[4, 3.9, 3.7]]);
  });

  it('another project opened: the previous project’s selected job does not carry over', async () => {
    transport.answer(CHANNELS.jobsList, () => [
      summary('mine-old', { projectId: 'p2', createdAt: 1 }),
      summary('mine-new', { projectId: 'p2', createdAt: 2 }),
      summary('theirs', { projectId: 'p1', createdAt: 3 }),
    ]);
    transport.handle(CHANNELS.jobsGet, () => ({ ok: false, error: { code: 'not-found', message: 'gone' } }));
    const jobs = useJobsStore();
    await jobs.init();
    expect(jobs.selectedJobId).toBe('theirs');
    // a new, empty project: nothing of p1's stays on screen
    await jobs.followProject('p3');
    expect(jobs.selectedJobId).toBeNull();
    await jobs.select('theirs');
    // p2 opened: its newest job is shown
    await jobs.followProject('p2');
    expect(jobs.selectedJobId).toBe('mine-new');
    // a job of the open project stays selected
    await jobs.select('mine-old');
    await jobs.followProject('p2');
    expect(jobs.selectedJobId).toBe('mine-old');
  });

  it('follows progress events: status, percent, and appended points', async () => {
    transport.answer(CHANNELS.jobsList, () => [summary('a', { trial: 0, percent: 0 })]);
    transport.handle(CHANNELS.jobsGet, () => ({ ok: false, error: { code: 'not-found', message: 'gone' } }));
    const jobs = useJobsStore();
    await jobs.init();
    const versionBefore = jobs.curveVersion.a ?? 0;
    transport.emit(EVENTS.jobsProgress, {
      jobId: 'a',
      status: 'running',
      percent: 5,
      trial: 5,
      bestError: 3.1,
      errors: [{ session: 0, fromTrial: 0, values: [4, 3.8, 3.6, 3.3, 3.2, 3.1] }],
    });
    transport.emit(EVENTS.jobsProgress, {
      jobId: 'a',
      status: 'running',
      percent: 8,
      trial: 8,
      bestError: 2.9,
      errors: [{ session: 0, fromTrial: 6, values: [3.0, 2.95, 2.9] }],
    });
    const job = jobs.jobs.find((j) => j.jobId === 'a')!;
    expect([job.status, job.percent, job.trial, job.bestError]).toEqual(['running', 8, 8, 2.9]);
    expect(jobs.pointCount('a')).toBe(9);
    expect(jobs.curveVersion.a).toBe(versionBefore + 2);
  });

  it('fetches the whole curve when events were missed for the job on screen', async () => {
    transport.answer(CHANNELS.jobsList, () => [summary('a')]);
    let gets = 0;
    transport.answer(CHANNELS.jobsGet, ({ jobId }) => {
      gets++;
      return {
        ...summary(jobId),
        request: { n: 10, seed: 1, recipe: 'fast' },
        errorsBySession: [[5, 4, 3, 2, 1.5]],
        result: null,
      } as unknown as JobDetail;
    });
    const jobs = useJobsStore();
    await jobs.init();
    const getsAfterInit = gets;
    transport.emit(EVENTS.jobsProgress, { jobId: 'a', status: 'running', percent: 60, trial: 6, bestError: 1.2, errors: [{ session: 0, fromTrial: 5, values: [1.2] }] });
    await flushPromises();
    // 'a' had 5 points; a run from trial 5 is contiguous: no refetch
    expect(gets).toBe(getsAfterInit);
    transport.emit(EVENTS.jobsProgress, { jobId: 'a', status: 'running', percent: 90, trial: 9, bestError: 1, errors: [{ session: 0, fromTrial: 8, values: [1] }] });
    await flushPromises();
    expect(gets).toBe(getsAfterInit + 1);
  });

  it('on jobs:finished keeps the result, its full curves and best error; a late progress event cannot revive the job', async () => {
    transport.answer(CHANNELS.jobsList, () => [summary('a')]);
    transport.handle(CHANNELS.jobsGet, () => ({ ok: false, error: { code: 'not-found', message: 'x' } }));
    const jobs = useJobsStore();
    await jobs.init();
    useNotificationsStore().notices.splice(0);
    const partial = result([[4, 3, 2.5], [4, 3.5, 2.2, 2.4]], true);
    transport.emit(EVENTS.jobsFinished, { jobId: 'a', status: 'cancelled', result: partial, error: null });
    transport.emit(EVENTS.jobsProgress, { jobId: 'a', status: 'running', percent: 50, trial: 50, bestError: null, errors: [] });
    const job = jobs.jobs.find((j) => j.jobId === 'a')!;
    expect(job.status).toBe('cancelled');
    expect(job.bestError).toBe(2.2);
    expect(jobs.trainingResult('a')?.partial).toBe(true);
    expect(jobs.curves('a')).toEqual([[4, 3, 2.5], [4, 3.5, 2.2, 2.4]]);
    const notices = useNotificationsStore().notices;
    expect(notices.map((n) => n.kind)).toEqual(['info']);
    expect(notices[0].text).toMatch(/cancelled; its best result so far is kept/);
  });

  it('shows a failed job as an error toast worded by messageForError', async () => {
    transport.answer(CHANNELS.jobsList, () => [summary('a', { label: 'Reward rule · G = N' })]);
    transport.handle(CHANNELS.jobsGet, () => ({ ok: false, error: { code: 'not-found', message: 'x' } }));
    const jobs = useJobsStore();
    await jobs.init();
    useNotificationsStore().notices.splice(0); // (the fake jobs:get above answers not-found)
    transport.emit(EVENTS.jobsFinished, { jobId: 'a', status: 'failed', result: null, error: { code: 'worker-crashed', message: 'out of memory' } });
    const errors = useNotificationsStore().notices.filter((n) => n.kind === 'error');
    expect(errors.map((n) => n.text)).toEqual([
      '“Reward rule · G = N” failed. The computation stopped unexpectedly: out of memory',
    ]);
  });

  it('re-reads the list after a reconnect, keeping a finished state an old answer does not know yet', async () => {
    let listed = [summary('a'), summary('b')];
    transport.answer(CHANNELS.jobsList, () => listed);
    transport.handle(CHANNELS.jobsGet, () => ({ ok: false, error: { code: 'not-found', message: 'x' } }));
    const jobs = useJobsStore();
    await jobs.init();
    transport.emit(EVENTS.jobsFinished, { jobId: 'a', status: 'done', result: result([[3, 1]]), error: null });
    listed = [summary('a'), summary('b', { status: 'done', percent: 100 }), summary('c', { createdAt: 5000 })];
    transport.setState('reconnecting');
    transport.setState('open', true);
    await flushPromises();
    expect(transport.callsTo(CHANNELS.jobsList)).toHaveLength(2);
    const byId = Object.fromEntries(jobs.jobs.map((j) => [j.jobId, j.status]));
    expect(byId).toEqual({ a: 'done', b: 'done', c: 'running' });
  });

  it('startTraining selects the new job; an error envelope becomes a toast and no job', async () => {
    transport.answer(CHANNELS.jobsList, () => []);
    transport.answer(CHANNELS.jobsStartTraining, () => ({ jobId: 'fresh' }));
    transport.handle(CHANNELS.jobsGet, () => ({ ok: false, error: { code: 'not-found', message: 'x' } }));
    const jobs = useJobsStore();
    await jobs.init();
    const request = {
      source: { kind: 'project' as const, networkId: 'n', targetIds: ['t'] },
      rule: 'reward' as const,
      trials: 50,
      groups: { kind: 'neuron' as const },
      seed: 3,
      sessions: 2,
      label: 'mine',
    };
    expect(await jobs.startTraining(request)).toBe('fresh');
    expect(jobs.selectedJob?.label).toBe('mine');
    expect(jobs.selectedJob?.totalTrials).toBe(100);

    transport.handle(CHANNELS.jobsStartTraining, () => ({ ok: false, error: { code: 'invalid-payload', message: 'trials: too big' } }));
    expect(await jobs.startTraining(request)).toBeNull();
    expect(useNotificationsStore().notices.at(-1)?.text).toBe('The request was not valid: trials: too big');
  });
});
