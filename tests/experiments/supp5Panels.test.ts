/**
 * Supp. Fig. 5 panels against their legends (/work/shared/docs/figure-panels.md), on a tiny run.
 */
import { describe, expect, it } from 'vitest';
import { runSupp5 } from '../../src-shared/experiments/supp5.js';
import type { BoxFigure } from '../../src-shared/experiments/figureSpec.js';

function sortedMedian(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const h = Math.floor(v.length / 2);
  return v.length % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

describe('Supp. 5 (tiny)', () => {
  it('5h: box plots over the sessions, one box per m, of the per-condition errors in the runs table', () => {
    const r = runSupp5({ quick: true, seed: 1, settings: { movements: 1, sessions: 3, trials: 6, iterations: 2, conditionSweep: [1, 2], conditions: 2, exampleConditions: 2, noisyDraws: 1 } });
    const h = (r.figures ?? []).find((f) => f.name === 'supp5h_errors_vs_m') as BoxFigure;
    expect(h.kind).toBe('box');
    expect(h.categories).toEqual(['m = 1', 'm = 2']);
    // the sessions' best errors from the runs table (m = 2 is panel 5a's movement 0, reward rule), per condition
    const runs = r.tables.find((t) => t.name === 'runs')!;
    const col = (name: string) => runs.columns.indexOf(name);
    const errorsOf = (m: number) =>
      runs.rows
        .filter((row) => row[col('rule')] === 'reward' && row[col('amplitude')] === 'fixed' && row[col('movement')] === 0 && row[col('m')] === m)
        .map((row) => (row[col('best_error')] as number) / m);
    for (const [k, m] of [1, 2].entries()) {
      const errors = errorsOf(m);
      expect(errors).toHaveLength(3);
      expect(Array.from(h.points![k]).sort()).toEqual(errors.sort());
      expect(h.boxes[k].median).toBeCloseTo(sortedMedian(errors), 12);
    }
  });
});
