/**
 * Refining a primitive combination with grouped gradient training: the job's starting gains must
 * be used (earlier the grouped path silently restarted from g = 1). The combination of patterns
 * learned with the same groups is constant within each group, so it enters as its group means;
 * gains that vary inside a group are refused with a clear message.
 * Independent truth: the job's initial error equals a fresh simulation of the starting gains.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeContract, type TrainingResult } from '../../src-shared/ipc/contract.js';
import { TrialEvaluator } from '../../src-shared/model/dynamics.js';
import { randomGroups } from '../../src-shared/model/groups.js';
import { Rng } from '../../src-shared/model/rng.js';
import type { JobManager } from '../../src-main/services/jobManager.js';
import { inlineJobManager } from './fixtures/inlineJobManager.js';
import { expectClose } from '../helpers/expectClose.js';
import { syntheticNetwork, syntheticTarget } from './fixtures/syntheticModel.js';

const network = syntheticNetwork();
const target = syntheticTarget(network);

function request(initialGains: Float64Array, seed: number) {
  return invokeContract['jobs:start-training'].request.parse({
    source: { kind: 'inline', network, targets: [target] },
    rule: 'gradient',
    trials: 5,
    learningRate: 0.02,
    groups: { kind: 'random', count: 4, seed },
    seed,
    initialGains,
  });
}

describe('grouped gradient training starts from the given gains', () => {
  let manager: JobManager;
  beforeAll(() => {
    manager = inlineJobManager();
  });
  afterAll(async () => {
    await manager.dispose();
  });

  it('group-constant starting gains: the first error is that of the starting gains, not of g = 1', async () => {
    const seed = 7;
    const labels = randomGroups(network.n, 4, new Rng(seed));
    const groupGain = [1.3, 0.8, 1.1, 0.95];
    const start = Float64Array.from(labels, (label) => groupGain[label]);
    const { jobId } = await manager.startTraining(request(start, seed));
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('done');
    const result = detail.result as TrainingResult;
    const evaluator = new TrialEvaluator(
      { n: network.n, nE: network.nE, W: network.W, x0: network.x0, readout: network.readout },
      network.params,
      target.values,
    );
    const startError = evaluator.error(start);
    const onesError = evaluator.error(new Float64Array(network.n).fill(1));
    expect(Math.abs(startError - onesError)).toBeGreaterThan(1e-3 * onesError);
    expectClose(result.initialError, startError, { rtol: 1e-9 });
  });

  it('gains that vary inside a group are refused with invalid-payload', async () => {
    const start = new Float64Array(network.n).fill(1);
    start[0] = 1.5;
    const { jobId } = await manager.startTraining(request(start, 3));
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('failed');
    expect(detail.error?.message ?? '').toMatch(/differ within modulatory group/);
  });
});
