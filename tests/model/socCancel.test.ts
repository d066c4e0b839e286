/**
 * Cancelling a large SOC build (issue 10): the stop is checked inside the O(N³) steps (Schur form,
 * Lyapunov solves, matrix products: linalg/interrupt.ts), so an N = 2000 build stops within about
 * a second of being asked, mid-step, and returns the last accepted W with its α history.
 */
import { describe, expect, it } from 'vitest';
import { buildSoc } from '../../src-shared/model/soc.js';
import { runSocTask } from '../../src-shared/tasks/soc.js';
import { contextWith } from '../../src-shared/tasks/context.js';

describe('stopping an SOC build inside its O(N³) steps', () => {
  it('N = 2000: stops within ~1 s of the request, in the middle of the first Schur form', { timeout: 120_000 }, () => {
    let askedAt = Infinity;
    const started = Date.now();
    const result = buildSoc({ n: 2000, seed: 3, recipe: 'adaptive' }, undefined, () => {
      if (askedAt === Infinity && Date.now() - started > 500) askedAt = Date.now();
      return Date.now() >= askedAt;
    });
    const latency = Date.now() - askedAt;
    expect(result.stopped).toBe(true);
    // one Schur form of N = 2000 takes far longer than this: the stop came from inside it
    expect(latency).toBeLessThan(1500);
    expect(result.iterations).toBe(0);
    expect(result.alphaHistory.length).toBe(0);
    expect(result.W.length).toBe(2000 * 2000);
  });

  it('a step stopped half-way is undone: W is the last accepted matrix, whose α ends the history', { timeout: 120_000 }, () => {
    // N = 120: let two iterations finish, then stop during the third (polls are per row/column)
    let polls = 0;
    let iterationsSeen = 0;
    const full = buildSoc({ n: 120, seed: 2, recipe: 'adaptive', maxIterations: 2 });
    const result = buildSoc(
      { n: 120, seed: 2, recipe: 'adaptive' },
      (p) => {
        iterationsSeen = p.iteration;
      },
      () => iterationsSeen >= 2 && ++polls > 50,
    );
    expect(result.stopped).toBe(true);
    expect(result.iterations).toBe(2);
    expect(Array.from(result.alphaHistory)).toEqual(Array.from(full.alphaHistory));
    expect(Array.from(result.W)).toEqual(Array.from(full.W));
  });

  it('the SOC task reports NaN α when stopped before the first one was measured', () => {
    const result = runSocTask({ n: 400, seed: 1, recipe: 'adaptive' }, contextWith({ shouldStop: () => true }));
    expect(result.partial).toBe(true);
    expect(Number.isNaN(result.finalAlpha)).toBe(true);
  });
});
