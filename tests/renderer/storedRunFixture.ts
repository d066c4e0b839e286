/**
 * A stored training run of the tiny test project (network net-a, target t1 of tests/renderer/fakes.ts),
 * with one session per best error given: what the workspace and the runs browser show of a project.
 */
import type { TrainingRun } from '../../src-shared/project/schema.js';

export function storedRun(id: string, name: string, bestErrors: number[]): TrainingRun {
  return {
    id,
    name,
    networkId: 'net-a',
    targetIds: ['t1'],
    initialConditionIndices: [0],
    rule: 'reward',
    settings: { trials: 2 },
    seed: 1,
    initialError: 1,
    groupLabels: null,
    sessions: bestErrors.map((bestError, session) => ({
      session,
      seed: session,
      bestError,
      bestTrial: 2,
      trialsRun: 2,
      errorCurve: new Float64Array([1, 0.5, bestError]),
      bestGains: new Float64Array([1.1, 0.9]),
      output: null,
    })),
    status: 'done',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:01:00Z',
    notes: '',
    purpose: 'train',
  };
}
