/**
 * A speed manifold's percent and time left follow the work (src-shared/speed/speed.ts
 * speedWorkPercent, reported by src-shared/tasks/speed.ts runSpeedTask). A speed's trials each
 * simulate s·T, so a 5× speed costs five times a 1× one, and the g = 1 fast pattern costs nothing;
 * counted in trials, the published network's 7 speeds to 5× read 29 % after 8 s of a 104 s job.
 */
import { describe, expect, it } from 'vitest';
import { buildExperimentNetwork } from '../../src-shared/experiments/support.js';
import { speedFactors, speedWorkPercent } from '../../src-shared/speed/speed.js';
import { quietContext } from '../../src-shared/tasks/context.js';
import { runSpeedTask } from '../../src-shared/tasks/speed.js';

describe('speed manifold progress', () => {
  it('weighs each speed by its duration factor; the g = 1 fast pattern is no work', () => {
    const factors = [1, 2, 3, 5];
    // after the fast pattern: nothing done; after s = 2: 2 of 2 + 3 + 5 = 10 units
    expect(speedWorkPercent(factors, 100, 0, 100)).toBe(0);
    expect(speedWorkPercent(factors, 100, 1, 100)).toBeCloseTo(20, 12);
    // half of s = 3: 2 + 1.5 of 10
    expect(speedWorkPercent(factors, 100, 2, 50)).toBeCloseTo(35, 12);
    expect(speedWorkPercent(factors, 100, 3, 100)).toBeCloseTo(100, 12);
    // a fast pattern that is learned (fastIsBaseline false) counts as 1 of 11
    expect(speedWorkPercent(factors, 100, 0, 100, false)).toBeCloseTo(100 / 11, 12);
  });

  it('the task reports it as it learns: at the end of each speed, the factors so far over all', () => {
    const prepared = buildExperimentNetwork({ n: 20, seed: 3, conditions: 1 });
    const { network, params } = prepared;
    const trials = 4;
    const reports: { done: number; percent: number }[] = [];
    let done = 0;
    runSpeedTask(
      {
        network: { id: 'net', name: 'net', n: network.n, nE: network.nE, W: network.W, x0: network.x0, readout: network.readout, params },
        availableInitialConditions: prepared.initialConditions,
        m: 1,
        speeds: 3,
        maxFactor: 3,
        amplitude: 'fixed',
        rule: 'gradient',
        trials,
        sigma: 0.001,
        learningRate: 0.02,
        groups: { kind: 'random', count: 4 },
        seed: 5,
      },
      { ...quietContext, progress: (d) => (done = d), percent: (percent) => reports.push({ done, percent }) },
    );
    const factors = speedFactors(3, 3, params.nSamples);
    const learned = factors.slice(1);
    const all = learned.reduce((a, b) => a + b, 0);
    // the last report of each learned speed: its share of the simulated time, not k of 3 speeds
    for (let k = 1; k < factors.length; k++) {
      const end = reports.filter((r) => r.done === (k + 1) * trials).at(-1)!;
      expect(end, `a report at the end of speed ${k + 1}`).toBeDefined();
      const expected = (100 * learned.slice(0, k).reduce((a, b) => a + b, 0)) / all;
      expect(end.percent).toBeCloseTo(expected, 9);
    }
    expect(reports.at(-1)!.percent).toBeCloseTo(100, 9);
    expect(reports[0].percent).toBeLessThan(100 * (1 / 3));
  });
});
