import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeContract } from '../../src-shared/ipc/contract.js';
import { computeOutput, normalisedError, simulateReference } from '../../src-shared/model/dynamics.js';
import { spectralAbscissa } from '../../src-shared/linalg/schur.js';
import { createJobManager, type JobManager } from '../../src-main/services/jobManager.js';
import { createWorkerPool, sourceWorkerOptions } from '../../src-main/services/workerPool.js';
import { syntheticNetwork, syntheticTarget } from './fixtures/syntheticModel.js';

// Gradient training and SOC builds through the real worker (TypeScript source via tsx).
const repoRoot = path.resolve(import.meta.dirname, '../..');
const network = syntheticNetwork();
const target = syntheticTarget(network);
let manager: JobManager;
const progressPercents = new Map<string, number[]>();

beforeAll(() => {
  manager = createJobManager({
    pool: createWorkerPool({ ...sourceWorkerOptions(repoRoot), maxThreads: 1 }),
    emit: (channel, payload) => {
      if (channel === 'jobs:progress') {
        const p = payload as { jobId: string; percent: number };
        progressPercents.set(p.jobId, [...(progressPercents.get(p.jobId) ?? []), p.percent]);
      }
    },
    resolveSource: (source) => {
      if (source.kind !== 'inline') throw new Error('inline only');
      return { network: source.network, targets: source.targets };
    },
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
    expect(result.alphaHistory.length).toBe(result.iterations + 1);
    expect(result.alphaHistory[result.iterations]).toBeCloseTo(spectralAbscissa(W, n), 9);
    // the live curve is α per iteration and percent rises monotonically
    expect(detail.errorsBySession[0]).toEqual(Array.from(result.alphaHistory));
    const percents = progressPercents.get(jobId) ?? [];
    for (let k = 1; k < percents.length; k++) expect(percents[k]).toBeGreaterThanOrEqual(percents[k - 1] - 1e-9);
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
