/**
 * Fig. 4 and Supp. Figs. 3–4 learn a pool of gain patterns first (src-shared/experiments/primitivesShared.ts
 * learnedPool): at the paper's set-up 100 reward-rule patterns of 5000 trials, most of a run of
 * about 40 minutes, which said only 'pool: learning a pool of 100 patterns' while the bar stood
 * still. The pool now reports which patterns it is learning (and, for the reward rule, the trial at
 * every tenth), and the progress estimate (src-shared/experiments/catalog.ts
 * experimentProgressEstimator) moves within the pool's step from those messages, leaving every
 * other step where it was.
 */
import { describe, expect, it } from 'vitest';
import { experimentProgressEstimator } from '../../src-shared/experiments/catalog.js';
import { runFig4 } from '../../src-shared/experiments/fig4.js';
import { poolFractionOf } from '../../src-shared/experiments/primitivesShared.js';
import type { ExperimentOptions } from '../../src-shared/ipc/experimentContract.js';

const SIZES = [1, 2];
const tiny = { librarySizes: SIZES, libraries: 1, targets: 1 } as const;

/** fig4 quick on its own small network with a pool of 3 patterns; the progress messages it sent. */
function messagesOf(pool: { rule: 'reward' | 'gradient'; trials?: number; iterations?: number }): string[] {
  const messages: string[] = [];
  runFig4({
    quick: true,
    seed: 1,
    settings: { pool: 3, rule: pool.rule, trials: pool.trials, iterations: pool.iterations, sizes: SIZES, libraries: tiny.libraries, novelTargets: tiny.targets },
    onProgress: (message) => messages.push(message),
  });
  return messages;
}

describe('the pool of Fig. 4 reports its progress', () => {
  it('Adam: each pattern as it starts, between the pool’s first message and the sweeps', () => {
    const messages = messagesOf({ rule: 'gradient', iterations: 3 });
    const start = messages.findIndex((m) => m.startsWith('pool: learning a pool of 3 patterns'));
    expect(start).toBeGreaterThanOrEqual(0);
    expect(messages.slice(start + 1, start + 4)).toEqual(['pool: pattern 1 of 3', 'pool: pattern 2 of 3', 'pool: pattern 3 of 3']);
    expect(messages[start + 4]).toMatch(/l = 1/);
  });

  it('reward rule: the patterns learned in lockstep and their trial, at most every tenth of the trials', () => {
    const messages = messagesOf({ rule: 'reward', trials: 300 });
    const pool = messages.filter((m) => poolFractionOf(m) !== null);
    expect(pool.length).toBeGreaterThan(0);
    expect(pool.length).toBeLessThanOrEqual(11);
    for (const m of pool) expect(m).toMatch(/^pool: patterns 1–3 of 3, trial \d+\/300$/);
    expect(pool.at(-1)).toBe('pool: patterns 1–3 of 3, trial 300/300');
    expect(poolFractionOf('pool: patterns 11–20 of 100, trial 2500/5000')).toBeCloseTo(0.15, 12);
    expect(poolFractionOf('pool: pattern 4 of 8')).toBeCloseTo(3 / 8, 12);
  });

  it('the estimate moves within the pool’s step and leaves every other step at k − 1 of K', () => {
    const messages = messagesOf({ rule: 'reward', trials: 300 });
    const options: ExperimentOptions = { experiment: 'fig4', quick: true, seed: 1, overrides: { librarySizes: SIZES, libraries: 1, targets: 1, pool: 3, rule: 'reward', trials: 300 } };
    const estimate = experimentProgressEstimator(options);
    const percents = messages.map((m) => estimate(m));
    const steps = 3 + 2 * SIZES.length;
    let counted = 0;
    let poolStep = -1;
    messages.forEach((m, k) => {
      if (poolFractionOf(m) === null) {
        counted++;
        if (m.startsWith('pool: learning')) poolStep = counted;
        // where the step estimate put it before the pool said more
        expect(percents[k], m).toBeCloseTo((100 * (counted - 1)) / steps, 9);
      } else {
        // inside the pool's step
        expect(percents[k], m).toBeGreaterThan((100 * (poolStep - 1)) / steps);
        expect(percents[k], m).toBeLessThanOrEqual((100 * poolStep) / steps);
      }
    });
    for (let k = 1; k < percents.length; k++) expect(percents[k]).toBeGreaterThanOrEqual(percents[k - 1]);
  });
});
