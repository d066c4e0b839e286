import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventChannel, EventPayloadOf, TrainingOptions } from '../../src-shared/ipc/contract.js';
import { invokeContract } from '../../src-shared/ipc/contract.js';
import { createJobManager, type JobManager } from '../../src-main/services/jobManager.js';
import { createWorkerPool, sourceWorkerOptions } from '../../src-main/services/workerPool.js';
import { computeOutput, normalisedError, simulateReference } from '../../src-shared/model/dynamics.js';
import { expectClose } from '../helpers/expectClose.js';
import { syntheticNetwork, syntheticTarget } from './fixtures/syntheticModel.js';
import { inlineResolveSource } from './fixtures/inlineJobManager.js';

// Job tests run the real piscina pool on the TypeScript worker through tsx (no build needed); the
// crash tests use a fixture worker that wraps the real one (fixtures/crashingWorker.ts).
const repoRoot = path.resolve(import.meta.dirname, '../..');
const network = syntheticNetwork();
const target = syntheticTarget(network);

type Event = { channel: EventChannel; payload: unknown; at: number };

function trainingOptions(overrides: Partial<TrainingOptions> = {}): TrainingOptions {
  return invokeContract['jobs:start-training'].request.parse({
    source: { kind: 'inline', network, targets: [target] },
    rule: 'reward',
    trials: 200,
    sigma: 0.01,
    groups: { kind: 'neuron' },
    seed: 11,
    ...overrides,
  });
}

let manager: JobManager;
const events: Event[] = [];

function eventsOf<E extends EventChannel>(channel: E, jobId: string): EventPayloadOf<E>[] {
  return events
    .filter((e) => e.channel === channel && (e.payload as { jobId: string }).jobId === jobId)
    .map((e) => e.payload as EventPayloadOf<E>);
}

beforeAll(() => {
  const pool = createWorkerPool({
    ...sourceWorkerOptions(repoRoot),
    filename: path.join(repoRoot, 'tests/main/fixtures/crashingWorker.ts'),
    maxThreads: 2,
  });
  manager = createJobManager({
    pool,
    emit: (channel, payload) => events.push({ channel, payload, at: Date.now() }),
    resolveSource: inlineResolveSource,
  });
});

afterAll(async () => {
  await manager.dispose();
});

describe('job manager with the real worker pool', () => {
  it('runs the reward rule, streams every error point in throttled progress events, and lowers the error', async () => {
    const { jobId } = await manager.startTraining(trainingOptions({ trials: 1500 }));
    expect(manager.list().some((j) => j.jobId === jobId)).toBe(true);
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('done');
    const result = detail.result!;
    expect(result.kind).toBe('training');
    if (result.kind !== 'training') return;

    // independent truth: the initial error is E of the network with all gains 1
    const { rates } = simulateReference(network.W, network.n, network.x0, new Float64Array(network.n).fill(1), network.params);
    const output = computeOutput(rates, network.params.nSamples, network.n, network.nE, network.readout);
    const expectedInitial = normalisedError(output, target.values, 1, network.params.nSamples);
    expect(result.initialError).toBeCloseTo(expectedInitial, 12);
    const session = result.sessions[0];
    expect(session.errorCurve.length).toBe(1501);
    expect(session.bestError).toBeLessThan(0.5 * result.initialError);
    // the best gains really give the best error
    const best = simulateReference(network.W, network.n, network.x0, session.bestGains, network.params);
    const bestOutput = computeOutput(best.rates, network.params.nSamples, network.n, network.nE, network.readout);
    expect(normalisedError(bestOutput, target.values, 1, network.params.nSamples)).toBeCloseTo(session.bestError, 10);

    // progress: the points of all events, concatenated, are exactly the final curve
    const progress = eventsOf('jobs:progress', jobId);
    expect(progress.length).toBeGreaterThan(1);
    const streamed: number[] = [];
    for (const event of progress) {
      for (const run of event.errors) {
        expect(run.session).toBe(0);
        expect(run.fromTrial).toBe(streamed.length);
        streamed.push(...run.values);
      }
    }
    expect(streamed).toEqual(Array.from(session.errorCurve));
    const finished = eventsOf('jobs:finished', jobId);
    expect(finished).toHaveLength(1);
    expect(finished[0].status).toBe('done');
  });

  it('cancels within 200 ms and keeps the partial result', async () => {
    const { jobId } = await manager.startTraining(trainingOptions({ trials: 1_000_000 }));
    // wait until it is really running and has produced points
    while (manager.get(jobId).trial < 50) await new Promise((r) => setTimeout(r, 10));
    const cancelledAt = Date.now();
    manager.cancel(jobId);
    const detail = await manager.whenFinished(jobId);
    const finishedEvent = events.find((e) => e.channel === 'jobs:finished' && (e.payload as { jobId: string }).jobId === jobId)!;
    expect(finishedEvent.at - cancelledAt).toBeLessThan(200);
    expect(detail.status).toBe('cancelled');
    const result = detail.result!;
    if (result.kind !== 'training') throw new Error('expected a training result');
    expect(result.partial).toBe(true);
    const session = result.sessions[0];
    expect(session.trialsRun).toBeGreaterThanOrEqual(50);
    expect(session.trialsRun).toBeLessThan(1_000_000);
    expect(session.errorCurve.length).toBe(session.trialsRun + 1);
    expect(session.bestError).toBe(Math.min(...session.errorCurve));
    expect(detail.errorsBySession[0]).toEqual(Array.from(session.errorCurve));
  });

  for (const mode of ['throw', 'exit', 'uncaught'] as const) {
    it(`a worker that ${mode === 'throw' ? 'throws' : mode === 'exit' ? 'calls process.exit' : 'has an uncaught exception'} fails only its job; the next job succeeds`, async () => {
      const { jobId } = await manager.startTraining(trainingOptions({ label: `crash:${mode}` }));
      const detail = await manager.whenFinished(jobId);
      expect(detail.status).toBe('failed');
      expect(detail.error?.code).toBe('worker-crashed');
      expect(detail.error?.message).toMatch(/worker stopped unexpectedly/);
      const finished = eventsOf('jobs:finished', jobId);
      expect(finished).toHaveLength(1);
      expect(finished[0].error?.code).toBe('worker-crashed');

      const next = await manager.startTraining(trainingOptions({ trials: 50 }));
      const nextDetail = await manager.whenFinished(next.jobId);
      expect(nextDetail.status).toBe('done');
    });
  }

  it('a job that exhausts its thread heap limit fails with a clear message; the pool and the next job go on', { timeout: 60_000 }, async () => {
    // a pool whose threads may hold 96 MB of heap (the app's limit is a share of the machine's memory)
    const small = createJobManager({
      pool: createWorkerPool({ ...sourceWorkerOptions(repoRoot), filename: path.join(repoRoot, 'tests/main/fixtures/crashingWorker.ts'), maxThreads: 1, maxHeapMb: 96 }),
      emit: () => undefined,
      resolveSource: inlineResolveSource,
    });
    try {
      const { jobId } = await small.startTraining(trainingOptions({ label: 'crash:oom' }));
      const detail = await small.whenFinished(jobId);
      expect(detail.status).toBe('failed');
      expect(detail.error?.message).toMatch(/ran out of the memory one job may use/);
      const next = await small.whenFinished((await small.startTraining(trainingOptions({ trials: 20 }))).jobId);
      expect(next.status).toBe('done');
    } finally {
      await small.dispose();
    }
  });

  it('throttles progress to ~10 events per second, each carrying the points since the previous one', async () => {
    const { jobId } = await manager.startTraining(trainingOptions({ trials: 1_000_000 }));
    await new Promise((r) => setTimeout(r, 900));
    manager.cancel(jobId);
    const detail = await manager.whenFinished(jobId);
    const mine = events.filter((e) => e.channel === 'jobs:progress' && (e.payload as { jobId: string }).jobId === jobId);
    // the first event ('started') and the last (flushed right before jobs:finished) are exempt
    const times = mine.map((e) => e.at);
    expect(times.length).toBeGreaterThanOrEqual(4);
    expect(times.length).toBeLessThanOrEqual(14);
    for (let k = 2; k < times.length - 1; k++) expect(times[k] - times[k - 1]).toBeGreaterThanOrEqual(95);
    const streamed = mine.flatMap((e) => (e.payload as EventPayloadOf<'jobs:progress'>).errors.flatMap((run) => run.values));
    expect(streamed).toEqual(detail.errorsBySession[0]);
  });

  it('runs two jobs at once (overlapping running intervals)', async () => {
    const a = await manager.startTraining(trainingOptions({ trials: 1_000_000, seed: 1 }));
    const b = await manager.startTraining(trainingOptions({ trials: 1_000_000, seed: 2 }));
    // both running at the same moment, both making progress
    const deadline = Date.now() + 20_000;
    while (!(manager.get(a.jobId).trial > 20 && manager.get(b.jobId).trial > 20)) {
      if (Date.now() > deadline) throw new Error('the two jobs never ran together');
      await new Promise((r) => setTimeout(r, 10));
    }
    const bothRunningAt = Date.now();
    expect(manager.get(a.jobId).status).toBe('running');
    expect(manager.get(b.jobId).status).toBe('running');
    manager.cancel(a.jobId);
    manager.cancel(b.jobId);
    const [da, db] = await Promise.all([manager.whenFinished(a.jobId), manager.whenFinished(b.jobId)]);
    expect(da.startedAt! <= bothRunningAt && db.startedAt! <= bothRunningAt).toBe(true);
    expect(da.finishedAt! >= bothRunningAt && db.finishedAt! >= bothRunningAt).toBe(true);
    expect(da.status).toBe('cancelled');
    expect(db.status).toBe('cancelled');
    // different seeds, different exploration
    if (da.result?.kind === 'training' && db.result?.kind === 'training') {
      expect(da.result.sessions[0].errorCurve[10]).not.toBe(db.result.sessions[0].errorCurve[10]);
    }
  });

  it('reports unknown jobs as not-found and refuses to remove a running job', async () => {
    expect(() => manager.get('nope')).toThrow(/no job/);
    const { jobId } = await manager.startTraining(trainingOptions({ trials: 1_000_000 }));
    expect(() => manager.remove(jobId)).toThrow(/Cancel the job/);
    manager.cancel(jobId);
    await manager.whenFinished(jobId);
    expect(manager.remove(jobId)).toEqual({ jobId });
    expect(manager.list().some((j) => j.jobId === jobId)).toBe(false);
  });

  it('simulates on the pool and returns output, rates and error equal to the reference path', async () => {
    const gains = new Float64Array(network.n).fill(1.1);
    const response = await manager.simulate({ network, gains, target, includeRates: true });
    const { rates } = simulateReference(network.W, network.n, network.x0, gains, network.params);
    const output = computeOutput(rates, network.params.nSamples, network.n, network.nE, network.readout);
    // the worker uses the fast default kernel; it agrees with the reference path to rounding
    expectClose(response.output, output, { rtol: 1e-10, atol: 1e-12 });
    expect(response.rates!.length).toBe(rates.length);
    expect(response.error).toBeCloseTo(normalisedError(output, target.values, 1, network.params.nSamples), 12);
  });

  it('runs a slow-variant target (same step, s·T) for the target duration, and refuses another step', async () => {
    const s = 2;
    const nSlow = (network.params.nSamples - 1) * s + 1;
    const slowParams = { ...network.params, duration: network.params.duration * s, nSamples: nSlow };
    const slowTarget = { ...target, id: 'slow', name: 'slow', nSamples: nSlow, duration: slowParams.duration, values: new Float64Array(nSlow).fill(0.5) };
    slowTarget.values.set(target.values);
    const ones = new Float64Array(network.n).fill(1);
    const response = await manager.simulate({ network, gains: ones, target: slowTarget, includeRates: false });
    const { rates } = simulateReference(network.W, network.n, network.x0, ones, slowParams);
    const output = computeOutput(rates, nSlow, network.n, network.nE, network.readout);
    expect(response.nSamples).toBe(nSlow);
    expectClose(response.output, output, { rtol: 1e-10, atol: 1e-12 });
    expect(response.error).toBeCloseTo(normalisedError(output, slowTarget.values, 1, nSlow), 12);
    // and training against it starts from that same error
    const { jobId } = await manager.startTraining(trainingOptions({ trials: 20, sessions: 1, source: { kind: 'inline', network, targets: [slowTarget] } }));
    const done = await manager.whenFinished(jobId);
    expect(done.status).toBe('done');
    if (done.result?.kind === 'training') expect(done.result.initialError).toBeCloseTo(response.error!, 9);
    // a target on another step length is refused with a message, not a crash
    const otherStep = { ...slowTarget, duration: slowParams.duration * 1.5 };
    await expect(manager.simulate({ network, gains: ones, target: otherStep, includeRates: false })).rejects.toThrow(/step/);
  });
});

describe('job list bounds', () => {
  it('forgets the oldest finished jobs beyond maxFinishedJobs, keeping the newest', async () => {
    let clock = 1000;
    let counter = 0;
    const bounded = createJobManager({
      // a pool that finishes every task at once with an empty training result
      pool: {
        run: async () => ({ kind: 'training', rule: 'reward', initialError: 1, sessions: [], bestSession: 0, groupLabels: [], partial: false }),
        destroy: async () => undefined,
      },
      emit: () => undefined,
      resolveSource: inlineResolveSource,
      now: () => ++clock,
      newJobId: () => `job-${++counter}`,
      maxFinishedJobs: 3,
    });
    for (let k = 0; k < 5; k++) await bounded.whenFinished((await bounded.startTraining(trainingOptions({ trials: 5 }))).jobId);
    expect(bounded.list().map((j) => j.jobId)).toEqual(['job-3', 'job-4', 'job-5']);
    await bounded.dispose();
  });
});
