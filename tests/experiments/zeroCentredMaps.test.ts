/**
 * Heat maps of rates and outputs on the diverging palette have white at 0 (src-shared/experiments/figureSpec.ts
 * zeroCentredScale): Supp. 2e's rates (relative to baseline, model-spec §1) and Supp. 3b–c's
 * outputs were drawn on their own data's range, so white stood for the middle of that range, not
 * for a rate at baseline or an output of 0. Supp. 3b (learned) and 3c (random) share one scale, so
 * the random outputs' smaller spread — the panel's point — shows (src-shared/experiments/supp2.ts,
 * src-shared/experiments/supp3.ts).
 */
import { describe, expect, it } from 'vitest';
import type { HeatmapFigure } from '../../src-shared/experiments/figureSpec.js';
import { runSupp2 } from '../../src-shared/experiments/supp2.js';
import { runSupp3 } from '../../src-shared/experiments/supp3.js';

const largestAbs = (...arrays: ArrayLike<number>[]) => Math.max(...arrays.flatMap((a) => Array.from(a, Math.abs)));

describe('rate and output maps: white is 0', () => {
  it('Supp. 2e: symmetric about 0 Hz, as wide as the largest |rate| drawn', () => {
    const r = runSupp2({ quick: true, seed: 1, settings: { sessions: 1, trials: 3, specialiseIterations: 2, movements: 1, novelMovements: 1, groupCounts: [2], improvementGroups: [2], sharedGroups: 2, sizeGroups: [2], sizes: [30] } });
    const map = r.figures.find((f) => f.name === 'supp2e_rates_N30') as HeatmapFigure;
    expect(map).toBeDefined();
    const bound = largestAbs(map.data);
    expect(bound).toBeGreaterThan(0);
    expect([map.min, map.max, map.unit]).toEqual([-bound, bound, 'Hz']);
  });

  it('Supp. 3b and 3c: one scale symmetric about 0, as wide as the largest |output| of either', () => {
    const r = runSupp3({ quick: true, seed: 1, settings: { pool: 3, iterations: 3, sizes: [1], lowRateSizes: [1], libraries: 1, novelTargets: 1 } });
    const map = (name: string) => (r.figures ?? []).find((f) => f.name === name) as HeatmapFigure;
    const learned = map('supp3b_pool_outputs');
    const random = map('supp3c_random_outputs');
    const bound = largestAbs(learned.data, random.data);
    expect([learned.min, learned.max]).toEqual([-bound, bound]);
    expect([random.min, random.max]).toEqual([-bound, bound]);
  });
});
