/**
 * Stopping one session of a training job (stop flag element 1 + k): that session keeps what it
 * reached, the others run to the end with exactly the numbers they get without the stop.
 */
import { describe, expect, it } from 'vitest';
import { invokeContract, type TrainingResult } from '../../src-shared/ipc/contract.js';
import { contextWith } from '../../src-shared/tasks/context.js';
import { runTrainingTask } from '../../src-shared/tasks/training.js';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';

const network = syntheticNetwork();
const target = syntheticTarget(network);

async function train(sessions: number, stopSessions: number[], targets = [target]): Promise<TrainingResult> {
  const options = invokeContract['jobs:start-training'].request.parse({
    source: { kind: 'inline', network, targets },
    rule: 'reward',
    trials: 80,
    sigma: 0.01,
    groups: { kind: 'neuron' },
    seed: 5,
    sessions,
  });
  if (options.source.kind !== 'inline') throw new Error('inline');
  const { source, ...settings } = options;
  return runTrainingTask({ ...settings, network: source.network, targets: source.targets }, contextWith({ sessionStopRequested: (k) => stopSessions.includes(k) }));
}

describe('stopping one session', () => {
  it('lockstep sessions: the stopped one ends at its first trial, the others are untouched', async () => {
    const all = await train(3, []);
    const stopped = await train(3, [1]);
    expect(stopped.partial).toBe(false);
    expect(stopped.sessions[1].trialsRun).toBe(0);
    expect(stopped.sessions[1].errorCurve.length).toBe(1);
    for (const k of [0, 2]) {
      expect(stopped.sessions[k].trialsRun).toBe(80);
      expect(Array.from(stopped.sessions[k].errorCurve)).toEqual(Array.from(all.sessions[k].errorCurve));
    }
  });

  it('sessions on one joint evaluator (two targets): the stopped one ends at once, the other runs in full', async () => {
    const second = { ...target, id: 'second', values: target.values.map((v) => -v) };
    const all = await train(2, [], [target, second]);
    const stopped = await train(2, [0], [target, second]);
    expect(stopped.sessions[0].trialsRun).toBe(0);
    expect(stopped.sessions[1].trialsRun).toBe(80);
    expect(Array.from(stopped.sessions[1].errorCurve)).toEqual(Array.from(all.sessions[1].errorCurve));
    expect(stopped.partial).toBe(false);
  });
});
