/**
 * Issue 5: gradient runs on the gains send gain snapshots like the reward rule (~40 over a run,
 * the first and the last iteration included), so "a few neurons' gains over training" and
 * "outputs at chosen iterations" work for them too. Each snapshot is the iterate whose error the
 * curve records: simulated independently (TrialEvaluator, the reward rule's forward pass) it gives
 * that iteration's error. Runs on x0 / W / rank1 keep their gains fixed and send none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeContract, type TrainingResult } from '../../src-shared/ipc/contract.js';
import { TrialEvaluator } from '../../src-shared/model/dynamics.js';
import type { JobManager } from '../../src-main/services/jobManager.js';
import { inlineJobManager } from './fixtures/inlineJobManager.js';
import { expectClose } from '../helpers/expectClose.js';
import { syntheticNetwork, syntheticTarget } from './fixtures/syntheticModel.js';

const network = syntheticNetwork();
const target = syntheticTarget(network);

function gradientRequest(overrides: Record<string, unknown> = {}) {
  return invokeContract['jobs:start-training'].request.parse({
    source: { kind: 'inline', network, targets: [target] },
    rule: 'gradient',
    trials: 80,
    learningRate: 0.02,
    groups: { kind: 'random', count: 5 },
    seed: 4,
    label: 'Gradient · snapshots test',
    ...overrides,
  });
}

describe('gradient runs send gain snapshots', () => {
  let manager: JobManager;
  beforeAll(() => {
    manager = inlineJobManager();
  });
  afterAll(async () => {
    await manager.dispose();
  });

  it('~40 snapshots of the gains per run; each one is the iterate whose error the curve holds', async () => {
    const { jobId } = await manager.startTraining(gradientRequest());
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('done');
    const result = detail.result as TrainingResult;
    const session = result.sessions[0];
    const snapshots = detail.gainSnapshots ?? [];
    // every 2nd of 80 iterations, and iteration 0
    expect(snapshots.map((s) => s.trial)).toEqual(Array.from({ length: 41 }, (_, k) => 2 * k));
    expect(snapshots.every((s) => s.session === 0 && s.gains.length === network.n)).toBe(true);
    // iteration 0: the start, g = 1
    expect(Array.from(snapshots[0].gains)).toEqual(new Array(network.n).fill(1));
    // 5 random groups: the neuron gains of a snapshot are its group gains expanded
    const labels = result.groupLabels;
    for (const snapshot of snapshots) {
      for (let i = 0; i < network.n; i++) {
        const first = labels.indexOf(labels[i]);
        expect(snapshot.gains[i]).toBe(snapshot.gains[first]);
      }
    }
    // the gains move over training
    expect(snapshots[40].gains).not.toEqual(snapshots[0].gains);
    // independent check: simulating a snapshot's gains gives the error recorded at that iteration
    const evaluator = new TrialEvaluator({ n: network.n, nE: network.nE, W: network.W, x0: network.x0, readout: network.readout }, network.params, target.values);
    try {
      for (const snapshot of [snapshots[0], snapshots[7], snapshots[20], snapshots[40]]) {
        expectClose(evaluator.error(snapshot.gains), session.errorCurve[snapshot.trial], { rtol: 1e-8 });
      }
    } finally {
      evaluator.dispose();
    }
    // the snapshot at the best iteration holds the best gains exactly
    const atBest = snapshots.find((s) => s.trial === session.bestTrial);
    if (atBest) expect(Array.from(atBest.gains)).toEqual(Array.from(session.bestGains));
  });

  it('x0 training keeps the gains fixed and sends no snapshots', async () => {
    const { jobId } = await manager.startTraining(gradientRequest({ trainable: 'x0', groups: { kind: 'neuron' }, trials: 6 }));
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('done');
    expect(detail.gainSnapshots ?? []).toEqual([]);
  });
});
