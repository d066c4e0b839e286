/**
 * The SOC task's progress: α does not fall monotonically while the optimiser contracts the
 * spectrum (for N = 20, seed 5 it rises again 126 times), but a progress bar must never move
 * backwards. Every percent the task reports (not a throttled sample of them) is checked.
 */
import { describe, expect, it } from 'vitest';
import { contextWith } from '../../src-shared/tasks/context.js';
import { runSocTask } from '../../src-shared/tasks/soc.js';

describe('runSocTask progress', () => {
  it('never moves backwards although α does, and ends at 100', () => {
    const percents: number[] = [];
    const alphas: number[] = [];
    const result = runSocTask(
      { n: 20, seed: 5, recipe: 'published' },
      contextWith({ percent: (p) => percents.push(p), point: (_s, _t, alpha) => alphas.push(alpha) }),
    );
    // the premise: α itself goes up at times
    expect(alphas.some((a, k) => k > 0 && a > alphas[k - 1])).toBe(true);
    for (let k = 1; k < percents.length; k++) expect(percents[k], `percent ${k}`).toBeGreaterThanOrEqual(percents[k - 1]);
    expect(percents.at(-1)).toBe(100);
    expect(result.converged).toBe(true);
  });
});
