/**
 * Fig. 4 and Supp. Figs. 3–4 learn a pool of gain patterns first (src-shared/experiments/primitivesShared.ts
 * learnedPool): at the paper's set-up 100 reward-rule patterns of 5000 trials, most of a run of
 * about 40 minutes, which said only 'pool: learning a pool of 100 patterns' while the bar stood
 * still. The pool now reports which patterns it is learning (and, for the reward rule, the trial at
 * every tenth), each message with the share of the pool learned as data (StepProgress in
 * src-shared/experiments/support.ts), and the progress estimate (src-shared/experiments/catalog.ts
 * experimentProgressEstimator) moves within the pool's step from that data, leaving every other
 * step where it was.
 */
import { describe, expect, it } from 'vitest';
import { experimentProgressEstimator } from '../../src-shared/experiments/catalog.js';
import { runFig4 } from '../../src-shared/experiments/fig4.js';
import { poolProgressMessages } from '../../src-shared/experiments/primitivesShared.js';
import { LIBRARY_BATCH } from '../../src-shared/primitives/library.js';
import type { StepProgress } from '../../src-shared/experiments/support.js';
import type { ExperimentOptions } from '../../src-shared/ipc/experimentContract.js';

const SIZES = [1, 2];
const tiny = { librarySizes: SIZES, libraries: 1, targets: 1 } as const;

interface Report {
  message: string;
  step?: StepProgress;
}

/** fig4 quick on its own small network with a pool of 3 patterns; the progress it reported. */
function reportsOf(pool: { rule: 'reward' | 'gradient'; trials?: number; iterations?: number }): Report[] {
  const reports: Report[] = [];
  runFig4({
    quick: true,
    seed: 1,
    settings: { pool: 3, rule: pool.rule, trials: pool.trials, iterations: pool.iterations, sizes: SIZES, libraries: tiny.libraries, novelTargets: tiny.targets },
    onProgress: (message, step) => reports.push({ message, step }),
  });
  return reports;
}

/**
 * The share of the pool a message says in words, read here by the test alone (a second path: the
 * product never reads its messages back): patterns a–b of N at trial t/T have learned
 * (a − 1 + (b − a + 1)·t/T)/N; 'pattern k of N' starts pattern k, (k − 1)/N learned.
 */
function poolShareInWords(message: string): number {
  const m = /: patterns? (\d+)(?:–(\d+))? of (\d+)(?:, trial (\d+)\/(\d+))?$/.exec(message);
  if (!m) throw new Error(`not a pool message: ${message}`);
  const [first, last, total] = [Number(m[1]), Number(m[2] ?? m[1]), Number(m[3])];
  const within = m[4] ? Number(m[4]) / Number(m[5]) : 0;
  return (first - 1 + (last - first + 1) * within) / total;
}

describe('the pool of Fig. 4 reports its progress', () => {
  it('Adam: each pattern as it starts, between the pool’s first message and the sweeps, with the share learned', () => {
    const reports = reportsOf({ rule: 'gradient', iterations: 3 });
    const start = reports.findIndex((r) => r.message.startsWith('pool: learning a pool of 3 patterns'));
    expect(start).toBeGreaterThanOrEqual(0);
    expect(reports[start].step).toBeUndefined();
    expect(reports.slice(start + 1, start + 4)).toEqual([
      { message: 'pool: pattern 1 of 3', step: { fraction: 0 } },
      { message: 'pool: pattern 2 of 3', step: { fraction: 1 / 3 } },
      { message: 'pool: pattern 3 of 3', step: { fraction: 2 / 3 } },
    ]);
    expect(reports[start + 4].message).toMatch(/l = 1/);
    expect(reports[start + 4].step).toBeUndefined();
  });

  it('reward rule: the patterns learned in lockstep and their trial, at most every tenth of the trials; the data says what the words say', () => {
    const reports = reportsOf({ rule: 'reward', trials: 300 });
    const pool = reports.filter((r) => r.step);
    expect(pool.length).toBeGreaterThan(0);
    expect(pool.length).toBeLessThanOrEqual(11);
    for (const r of pool) {
      expect(r.message).toMatch(/^pool: patterns 1–3 of 3, trial \d+\/300$/);
      expect(r.step!.fraction, r.message).toBeCloseTo(poolShareInWords(r.message), 12);
    }
    expect(pool.at(-1)).toEqual({ message: 'pool: patterns 1–3 of 3, trial 300/300', step: { fraction: 1 } });
    // only the pool's messages carry a share: every other message begins a step
    expect(reports.filter((r) => r.step && !r.message.startsWith('pool: patterns')).map((r) => r.message)).toEqual([]);
  });

  it('reward rule: a batch of one pattern says "pattern 11 of 11", a batch of several keeps its range', () => {
    // a pool of LIBRARY_BATCH + 1 patterns: one full batch, then the last pattern alone
    const patterns = LIBRARY_BATCH + 1;
    const reports: Report[] = [];
    const progress = poolProgressMessages('pool', 'reward', (message, step) => reports.push({ message, step }));
    progress({ pattern: 0, patterns, step: 150, steps: 300, bestError: 1 });
    progress({ pattern: LIBRARY_BATCH, patterns, step: 0, steps: 300, bestError: 1 });
    progress({ pattern: LIBRARY_BATCH, patterns, step: 300, steps: 300, bestError: 1 });
    expect(reports.map((r) => r.message)).toEqual([
      `pool: patterns 1–${LIBRARY_BATCH} of ${patterns}, trial 150/300`,
      `pool: pattern ${patterns} of ${patterns}, trial 0/300`,
      `pool: pattern ${patterns} of ${patterns}, trial 300/300`,
    ]);
    for (const r of reports) expect(r.step!.fraction, r.message).toBeCloseTo(poolShareInWords(r.message), 12);
    expect(reports.at(-1)!.step).toEqual({ fraction: 1 });
  });

  it('the estimate moves within the pool’s step and leaves every other step at k − 1 of K', () => {
    const reports = reportsOf({ rule: 'reward', trials: 300 });
    const options: ExperimentOptions = { experiment: 'fig4', quick: true, seed: 1, overrides: { librarySizes: SIZES, libraries: 1, targets: 1, pool: 3, rule: 'reward', trials: 300 } };
    const estimate = experimentProgressEstimator(options);
    const percents = reports.map((r) => estimate(r.step));
    const steps = 3 + 2 * SIZES.length;
    let counted = 0;
    let poolStep = -1;
    reports.forEach((r, k) => {
      if (!r.step) {
        counted++;
        if (r.message.startsWith('pool: learning')) poolStep = counted;
        // where the step estimate put it before the pool said more
        expect(percents[k], r.message).toBeCloseTo((100 * (counted - 1)) / steps, 9);
      } else {
        // inside the pool's step, as far through it as the pool has come
        expect(percents[k], r.message).toBeCloseTo((100 * (poolStep - 1 + r.step.fraction)) / steps, 9);
      }
    });
    expect(counted).toBe(steps);
    for (let k = 1; k < percents.length; k++) expect(percents[k]).toBeGreaterThanOrEqual(percents[k - 1]);
  });
});
