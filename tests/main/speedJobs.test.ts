import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type ProjectSummary, type SpeedResult } from '../../src-shared/ipc/contract.js';
import { createJobManager, type JobManager } from '../../src-main/services/jobManager.js';
import { createWorkerPool, sourceWorkerOptions } from '../../src-main/services/workerPool.js';
import { createHandlers, dispatch, type HandlerTable } from '../../src-main/services/handlers.js';
import { createResultRouter } from '../../src-main/services/jobResults.js';
import { testProjects } from './fixtures/testProjects.js';
import type { ProjectsApi } from '../../src-main/services/projectsApi.js';
import { prepareNetwork } from '../../src-shared/experiments/support.js';
import { JointTrialEvaluator } from '../../src-shared/speed/jointEvaluator.js';
import { baselineTargets, outputsFor, rows, slowConditions, speedFactors } from '../../src-shared/speed/speed.js';
import { slowParams } from '../../src-shared/model/params.js';
import { decodeProject, encodeProject } from '../../src-shared/project/archive.js';
import { createEmptyProject, type ProjectNetwork } from '../../src-shared/project/schema.js';
import { expectClose } from '../helpers/expectClose.js';

// Speed-manifold jobs (model-spec §10) through the handlers, the job manager and the real worker.
const repoRoot = path.resolve(import.meta.dirname, '../..');
const prepared = prepareNetwork({ n: 40, seed: 3, conditions: 2 });
const { network, params } = prepared;
const n = network.n;

let manager: JobManager;
let projects: ProjectsApi;
let handlers: HandlerTable;

async function call<T>(channel: string, payload: unknown): Promise<T> {
  const envelope = (await dispatch(handlers, channel, payload)) as { ok: boolean; value?: T; error?: { message: string } };
  if (!envelope.ok) throw new Error(envelope.error?.message);
  return envelope.value as T;
}

beforeAll(async () => {
  // finished jobs are delivered to their project by main's result router, as the app wires it
  let router: ReturnType<typeof createResultRouter> | null = null;
  manager = createJobManager({
    pool: createWorkerPool({ ...sourceWorkerOptions(repoRoot), maxThreads: 1 }),
    emit: (channel, payload) => {
      if (channel === 'jobs:finished') void router?.onFinished((payload as { jobId: string }).jobId);
    },
  });
  projects = testProjects({ loadExample: () => createEmptyProject('example') });
  router = createResultRouter({ jobs: manager, projects });
  handlers = createHandlers({ mode: 'web', version: 'test', platform: 'test', workerThreads: 1, jobs: manager, projects });
  const projectNetwork: ProjectNetwork = {
    id: 'net',
    name: 'SOC 40',
    n,
    nE: network.nE,
    W: network.W,
    initialConditions: prepared.initialConditions,
    nInitialConditions: 2,
    readout: { channels: 1, weights: network.readout.weights, fittedTo: null, fitError: null },
    params,
    seed: 3,
    soc: null,
    origin: 'soc',
    createdAt: new Date(0).toISOString(),
  };
  await projects.update({ upsertNetworks: [projectNetwork] }, 'Add network');
});

afterAll(() => manager.dispose());

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Σ_m E_m of gains against the slow variants (factor s) of the g = 1 outputs, computed here. */
function jointError(x0Matrix: Float64Array, m: number, factor: number, gains: Float64Array, amplitudeScaling = false): number {
  const x0s = rows(x0Matrix, m, n);
  const conditions = slowConditions(params, 1, x0s, baselineTargets(network, params, x0s), factor, amplitudeScaling);
  const evaluator = new JointTrialEvaluator(network, slowParams(params, factor), conditions);
  try {
    return evaluator.error(gains);
  } finally {
    evaluator.dispose();
  }
}

describe('speed manifold jobs', () => {
  it('learns one pattern per speed; the slow pattern reproduces the slow targets better than g = 1; stored in the project', async () => {
    const { jobId } = await call<{ jobId: string }>(CHANNELS.jobsStartSpeed, {
      networkId: 'net',
      initialConditions: 2,
      speeds: 3,
      maxFactor: 2,
      amplitude: 'scaled',
      rule: 'gradient',
      trials: 25,
      learningRate: 0.03,
      groups: { kind: 'random', count: 10 },
      seed: 5,
    });
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('done');
    const result = detail.result as SpeedResult;
    expect(result.kind).toBe('speed');
    expect(result.factors).toEqual(speedFactors(3, 2, params.nSamples));
    expect(result.durations).toEqual(result.factors.map((f) => f * params.duration));
    expect(result.completed).toEqual([true, true, true]);
    expect(result.partial).toBe(false);
    // the job's error is the slowest speed's (the fast pattern g = 1 reproduces its own targets)
    expect(detail.bestError).toBe(result.errors[2]);
    expect(result.errors[0]).toBeLessThan(1e-20);
    // the network's own two initial conditions were used
    expect(Array.from(result.initialConditions)).toEqual(Array.from(prepared.initialConditions));
    // fast pattern: g = 1 (the fast targets are the g = 1 outputs)
    expect(Array.from(result.gains.subarray(0, n))).toEqual(new Array(n).fill(1));
    // groups: gains constant within each of the 10 groups
    const slow = result.gains.subarray(2 * n, 3 * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (result.groupLabels[i] === result.groupLabels[j]) expect(slow[i]).toBe(slow[j]);
    // independent check of the slowest pattern against targets built here
    const s = result.factors[2];
    const ones = new Float64Array(n).fill(1);
    const learnedError = jointError(result.initialConditions, 2, s, Float64Array.from(slow), true);
    const baselineError = jointError(result.initialConditions, 2, s, ones, true);
    expectClose(learnedError, result.errors[2], { rtol: 1e-8 });
    expectClose(baselineError, result.initialErrors[2], { rtol: 1e-8 });
    expect(learnedError).toBeLessThan(0.8 * baselineError);
    // its outputs are those of the slow pattern over s·T
    const x0s = rows(result.initialConditions, 2, n);
    expectClose(result.outputs[2], outputsFor(network, slowParams(params, s), x0s, Float64Array.from(slow)), { rtol: 1e-9, atol: 1e-9 });
    expect(result.targets[2].length).toBe(2 * slowParams(params, s).nSamples);

    // stored in the project by main when the job finished, and through a .gainlab round trip
    await waitFor(() => projects.project().speedManifolds.some((m) => m.id === jobId));
    const record = projects.project().speedManifolds.find((m) => m.id === jobId)!;
    expect(record).toMatchObject({ networkId: 'net', factors: result.factors, amplitudeScaling: true, rule: 'gradient', seed: 5, status: 'done' });
    expect(record.settings).toMatchObject({ speeds: 3, trials: 25, amplitude: 'scaled' });
    const back = decodeProject(encodeProject(projects.project())).speedManifolds[0];
    expect(Array.from(back.gains.data)).toEqual(Array.from(result.gains));
    expect(back.initialConditions!.shape).toEqual([2, n]);
    expect(Array.from(back.initialConditions!.data)).toEqual(Array.from(result.initialConditions));
    expect(back.errors).toEqual(result.errors);
    expect(back.groupLabels).toEqual(result.groupLabels);
    const removed = await call<ProjectSummary>(CHANNELS.projectRemoveItems, { items: [{ collection: 'speedManifolds', id: jobId }] });
    expect(removed.project.speedManifolds).toEqual([]);
  });

  it('more initial conditions than the network has come from its Gramian; cancel keeps the speeds learned', async () => {
    const trials = 3000;
    const { jobId } = await call<{ jobId: string }>(CHANNELS.jobsStartSpeed, {
      networkId: 'net',
      initialConditions: 3,
      speeds: 4,
      maxFactor: 2,
      rule: 'reward',
      trials,
      seed: 8,
    });
    // wait until the third speed is being learned (the first is g = 1: its trials count as done at once)
    const started = Date.now();
    while (manager.get(jobId).trial < 2 * trials + 100) {
      if (Date.now() - started > 60_000) throw new Error('the job did not reach the third speed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    manager.cancel(jobId);
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('cancelled');
    const result = detail.result as SpeedResult;
    expect(result.partial).toBe(true);
    expect(result.factors).toEqual(speedFactors(4, 2, params.nSamples).slice(0, 3));
    expect(result.completed).toEqual([true, true, false]);
    expect(result.gains.length).toBe(3 * n);
    expect(result.m).toBe(3);
    // the first two rows are the network's, the third a further Gramian eigenvector
    const firstTwo = Array.from(result.initialConditions.subarray(0, 2 * n));
    expectClose(firstTwo.map(Math.abs), Array.from(prepared.initialConditions).map(Math.abs), { rtol: 1e-6, atol: 1e-9 });
    // the completed second speed's pattern gives the error reported for it
    const second = Float64Array.from(result.gains.subarray(n, 2 * n));
    expectClose(jointError(result.initialConditions, 3, result.factors[1], second), result.errors[1], { rtol: 1e-8 });
    expect(result.errors[1]).toBeLessThan(result.initialErrors[1]);
    // a cancelled manifold is stored too, with what it reached
    await waitFor(() => projects.project().speedManifolds.some((m) => m.id === jobId));
    const record = projects.project().speedManifolds.find((m) => m.id === jobId)!;
    expect(record.status).toBe('cancelled');
    expect(record.durations.length).toBe(3);
  });
});
