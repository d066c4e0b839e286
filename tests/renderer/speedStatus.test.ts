/**
 * Issue 14: the speed view's status line, its per-speed list and the job card state the same
 * quantity — the joint error Σₘ Eₘ, per speed and at the slowest speed — from one definition
 * (src-shared/speed/errorSummary.ts). Before, the status showed the lowest error any progress
 * message carried (1.71, the second speed's) while the list ended with 2.9 and the card said 2.93.
 */
import { describe, expect, it } from 'vitest';
import { buildExperimentNetwork } from '../../src-shared/experiments/support.js';
import { factorLabel, slowestSpeedError, speedErrors } from '../../src-shared/speed/errorSummary.js';
import { runSpeedTask } from '../../src-shared/tasks/speed.js';
import { formatError } from '../../src-renderer/plots/options.js';
import { headlineErrorOf } from '../../src-renderer/stores/jobs.js';
import { speedOutputsPlot } from '../../src-renderer/components/speed/speedPlots.js';
import { speedOutputs, type SpeedModel } from '../../src-renderer/workers/speedCompute.js';

const prepared = buildExperimentNetwork({ n: 40, seed: 3, conditions: 2 });
const { network, params } = prepared;
const result = runSpeedTask({
  network: { id: 'net', name: 'net', n: network.n, nE: network.nE, W: network.W, x0: network.x0, readout: network.readout, params },
  availableInitialConditions: prepared.initialConditions,
  m: 2,
  speeds: 3,
  maxFactor: 2,
  amplitude: 'fixed',
  rule: 'gradient',
  trials: 6,
  sigma: 0.001,
  learningRate: 0.02,
  groups: { kind: 'random', count: 4 },
  seed: 5,
});

describe('speed status, per-speed list and job card', () => {
  it('report the joint error at the slowest speed with the same number', () => {
    const slowest = slowestSpeedError(result)!;
    expect(slowest.factor).toBe(result.factors[result.factors.length - 1]);
    expect(slowest.error).toBe(result.errors[result.errors.length - 1]);
    // a lower error of another speed must not become the job's number
    expect(Math.min(...result.errors)).toBeLessThan(slowest.error);
    // the job card (main sets the same in jobManager; the renderer store on jobs:finished)
    expect(headlineErrorOf(result)).toBe(slowest.error);

    // the list under the outputs, recomputed in the renderer from the learned gains
    const model: SpeedModel = { n: network.n, nE: network.nE, W: network.W, readout: network.readout, params, x0s: result.initialConditions, m: result.m, factors: result.factors, gains: result.gains, amplitudeScaling: false, groupLabels: result.groupLabels };
    const outputs = speedOutputs(model);
    const caption = speedOutputsPlot({ outputs, factors: result.factors, condition: 0, channels: 1, showTargets: true }).caption;
    expect(caption).toMatch(/^Joint error Σₘ Eₘ per speed: /);
    expect(caption).toContain(`${factorLabel(slowest.factor)} ${formatError(slowest.error)}.`);
    // the fast speed learns g = 1 against its own output: round-off, shown as 0
    expect(speedErrors({ factors: result.factors, errors: outputs.errors })[0].error).toBe(0);
    expect(caption).toContain(`1T ${formatError(0)},`);
  });
});
