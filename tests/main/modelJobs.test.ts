import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeContract } from '../../src-shared/ipc/contract.js';
import { computeOutput, normalisedError, simulateReference } from '../../src-shared/model/dynamics.js';
import { spectralAbscissa } from '../../src-shared/linalg/schur.js';
import type { JobManager } from '../../src-main/services/jobManager.js';
import { inlineJobManager } from './fixtures/inlineJobManager.js';
import { syntheticNetwork, syntheticTarget } from './fixtures/syntheticModel.js';
import { expectClose } from '../helpers/expectClose.js';
import { createHandlers, dispatch } from '../../src-main/services/handlers.js';
import { testProjects } from './fixtures/testProjects.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { TrialEvaluator } from '../../src-shared/model/dynamics.js';
import { runRewardRule } from '../../src-shared/model/rewardRule.js';
import { Rng } from '../../src-shared/model/rng.js';
import type { ProjectSummary } from '../../src-shared/ipc/contract.js';

// Gradient training and SOC builds through the real worker (TypeScript source via tsx).
const network = syntheticNetwork();
const target = syntheticTarget(network);
let manager: JobManager;
const progressPercents = new Map<string, number[]>();

beforeAll(() => {
  manager = inlineJobManager((channel, payload) => {
    if (channel === 'jobs:progress') {
      const p = payload as { jobId: string; percent: number };
      progressPercents.set(p.jobId, [...(progressPercents.get(p.jobId) ?? []), p.percent]);
    }
  });
});

afterAll(() => manager.dispose());

function errorOf(gains: Float64Array): number {
  const { rates } = simulateReference(network.W, network.n, network.x0, gains, network.params);
  const output = computeOutput(rates, network.params.nSamples, network.n, network.nE, network.readout);
  return normalisedError(output, target.values, 1, network.params.nSamples);
}

describe('model jobs', () => {
  it('gradient training (Adam on gains) lowers the error; its best gains reproduce the reported error', async () => {
    const options = invokeContract['jobs:start-training'].request.parse({
      source: { kind: 'inline', network, targets: [target] },
      rule: 'gradient',
      trials: 60,
      learningRate: 0.02,
      groups: { kind: 'neuron' },
      seed: 1,
      sessions: 3, // ignored: gradient training is deterministic, one session
    });
    const { jobId } = await manager.startTraining(options);
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('done');
    expect(detail.totalTrials).toBe(60);
    const result = detail.result!;
    if (result.kind !== 'training') throw new Error('expected training');
    expect(result.rule).toBe('gradient');
    expect(result.sessions).toHaveLength(1);
    expect(result.initialError).toBeCloseTo(errorOf(new Float64Array(network.n).fill(1)), 8);
    const session = result.sessions[0];
    expect(session.errorCurve.length).toBe(61);
    expect(session.bestError).toBeLessThan(0.2 * result.initialError);
    expect(errorOf(session.bestGains)).toBeCloseTo(session.bestError, 8);
  });

  it('several reward-rule sessions run in lockstep give the same curves as separate runs with the derived seeds', async () => {
    const trials = 300;
    const options = invokeContract['jobs:start-training'].request.parse({
      source: { kind: 'inline', network, targets: [target] },
      rule: 'reward',
      trials,
      sigma: 0.01,
      groups: { kind: 'neuron' },
      seed: 21,
      sessions: 3,
    });
    const detail = await manager.whenFinished((await manager.startTraining(options)).jobId);
    expect(detail.status).toBe('done');
    expect(detail.trial).toBe(3 * trials);
    const result = detail.result!;
    if (result.kind !== 'training') throw new Error('expected training');
    expect(result.sessions).toHaveLength(3);
    const evaluator = new TrialEvaluator(network, network.params, target.values);
    for (let k = 0; k < 3; k++) {
      const separate = runRewardRule(evaluator, { trials, sigma: 0.01, alpha: 0.3, seed: Rng.derive(21, k) });
      const session = result.sessions[k];
      expect(session.seed).toBe(Rng.derive(21, k));
      expectClose(session.errorCurve, separate.errors, { rtol: 1e-9, atol: 1e-12 });
      expectClose(session.bestGains, separate.bestGains, { rtol: 1e-9 });
      expect(detail.errorsBySession[k]).toEqual(Array.from(session.errorCurve));
    }
    expect(result.sessions[result.bestSession].bestError).toBe(Math.min(...result.sessions.map((s) => s.bestError)));
  });

  it('gradient training with random groups shares one gain per group', async () => {
    const options = invokeContract['jobs:start-training'].request.parse({
      source: { kind: 'inline', network, targets: [target] },
      rule: 'gradient',
      trials: 20,
      groups: { kind: 'random', count: 4 },
      seed: 3,
    });
    const detail = await manager.whenFinished((await manager.startTraining(options)).jobId);
    const result = detail.result!;
    if (result.kind !== 'training') throw new Error('expected training');
    const labels = result.groupLabels;
    expect(new Set(labels).size).toBe(4);
    const gains = result.sessions[0].bestGains;
    const gainOfGroup = new Map<number, number>();
    labels.forEach((label, i) => {
      if (!gainOfGroup.has(label)) gainOfGroup.set(label, gains[i]);
      expect(gains[i]).toBe(gainOfGroup.get(label));
    });
    expect(result.sessions[0].bestError).toBeLessThan(result.initialError);
  });

  it('builds an SOC network: stable (α ≤ 0.15 by an independent eigenvalue solve), Dale\'s law, zero diagonal', async () => {
    const request = invokeContract['jobs:start-soc'].request.parse({ n: 20, seed: 5, recipe: 'published' });
    const { jobId } = await manager.startSoc(request);
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('done');
    expect(detail.percent).toBe(100);
    const result = detail.result!;
    if (result.kind !== 'soc') throw new Error('expected soc');
    const { W, n, nE } = result;
    expect(W.length).toBe(n * n);
    expect(spectralAbscissa(W, n)).toBeLessThanOrEqual(0.15 + 1e-9);
    for (let i = 0; i < n; i++) {
      expect(W[i * n + i]).toBe(0);
      for (let j = 0; j < n; j++) {
        if (j < nE) expect(W[i * n + j]).toBeGreaterThanOrEqual(0);
        else expect(W[i * n + j]).toBeLessThanOrEqual(0);
      }
    }
    expect(result.converged).toBe(true);
    expect(result.finalAlpha).toBe(result.alphaHistory[result.iterations]);
    expect(result.alphaHistory.length).toBe(result.iterations + 1);
    expect(result.alphaHistory[result.iterations]).toBeCloseTo(spectralAbscissa(W, n), 9);
    // the live curve is α per iteration and percent rises monotonically
    expect(detail.errorsBySession[0]).toEqual(Array.from(result.alphaHistory));
    const percents = progressPercents.get(jobId) ?? [];
    for (let k = 1; k < percents.length; k++) expect(percents[k]).toBeGreaterThanOrEqual(percents[k - 1] - 1e-9);
  });

  it('adds a built SOC network to the project with Gramian initial conditions and an NNLS readout', async () => {
    const { jobId } = await manager.startSoc(invokeContract['jobs:start-soc'].request.parse({ n: 20, seed: 5 }));
    await manager.whenFinished(jobId);
    const projects = testProjects();
    const handlers = createHandlers({ mode: 'web', version: 'test', platform: 'test', workerThreads: 1, jobs: manager, projects });
    // a reach-like target on the default grid: one smooth bump
    const nSamples = DEFAULT_DYNAMICS.nSamples;
    const values = new Float64Array(nSamples);
    for (let k = 0; k < nSamples; k++) values[k] = 10 * Math.exp(-(((k - 90) / 25) ** 2));
    const targetMovement = {
      id: 'reach', name: 'Reach', channels: 1, nSamples, duration: DEFAULT_DYNAMICS.duration, values,
      source: { kind: 'drawn' as const }, createdAt: new Date(0).toISOString(),
    };
    expect((await dispatch(handlers, 'project:update', { upsertTargets: [targetMovement] })).ok).toBe(true);
    const answer = await dispatch(handlers, 'project:update', {
      addNetworkFromJob: { jobId, initialConditions: 2, fitReadoutToTargetId: 'reach' },
    });
    expect(answer.ok).toBe(true);
    // the full network (the summary leaves W out)
    const added = projects.project().networks[0];
    expect((answer as { value: ProjectSummary }).value.project.networks[0].W).toEqual({ shape: [added.n, added.n], length: added.n * added.n, key: expect.any(String) });
    expect(added.nInitialConditions).toBe(2);
    expect(added.soc?.iterations).toBeGreaterThan(0);
    const n = added.n;
    for (let row = 0; row < 2; row++) {
      const x = added.initialConditions.subarray(row * n, (row + 1) * n);
      expect(Math.hypot(...x)).toBeCloseTo(1.5 * Math.sqrt(n), 9); // model-spec §3 scaling
    }
    const readout = added.readout!;
    expect(Array.from(readout.weights).every((w) => w >= 0)).toBe(true);
    // independent check of the reported fit error: reference simulation with the fitted readout
    const { rates } = simulateReference(added.W, n, added.initialConditions.subarray(0, n), new Float64Array(n).fill(1), added.params);
    const output = computeOutput(rates, nSamples, n, added.nE, readout);
    expect(readout.fitError!).toBeCloseTo(normalisedError(output, values, 1, nSamples), 8);
    expect(readout.fitError!).toBeLessThan(1);
    // a training job on the new network resolves from the project
    expect((await dispatch(handlers, 'simulate:run', { network: { networkId: added.id, initialConditionIndex: 1 }, target: { targetId: 'reach' } })).ok).toBe(true);
  });

  it('a cancelled SOC build keeps its partial network', async () => {
    const { jobId } = await manager.startSoc(invokeContract['jobs:start-soc'].request.parse({ n: 200, seed: 1 }));
    while (manager.get(jobId).trial < 3) await new Promise((r) => setTimeout(r, 20));
    const cancelledAt = Date.now();
    manager.cancel(jobId);
    const detail = await manager.whenFinished(jobId);
    expect(detail.finishedAt! - cancelledAt).toBeLessThan(1000); // one N = 200 iteration is ~100 ms
    expect(detail.status).toBe('cancelled');
    const result = detail.result!;
    if (result.kind !== 'soc') throw new Error('expected soc');
    expect(result.partial).toBe(true);
    expect(result.W.length).toBe(200 * 200);
    expect(result.iterations).toBeGreaterThanOrEqual(3);
  });
});
