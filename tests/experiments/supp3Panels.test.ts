/**
 * Supp. Fig. 3 panels against their legends (/work/shared/docs/figure-panels.md), on a tiny run.
 */
import { describe, expect, it } from 'vitest';
import { runSupp3 } from '../../src-shared/experiments/supp3.js';
import type { ScatterFigure } from '../../src-shared/experiments/figureSpec.js';
import { renderFigureSvg } from '../../src-cli/svg/figures.js';

describe('Supp. 3 (tiny)', () => {
  it('3h is plotted in [0, 1]² (fit and output axes from 0 to 1, the identity line inside)', () => {
    const r = runSupp3({ quick: true, seed: 1, settings: { pool: 3, iterations: 3, sizes: [1, 2], lowRateSizes: [1], libraries: 2, novelTargets: 2 } });
    const h = (r.figures ?? []).find((f) => f.name === 'supp3h_per_target') as ScatterFigure;
    expect(h).toBeDefined();
    const svg = renderFigureSvg(h);
    const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const numbers = labels.map(Number).filter((v, k) => labels[k] !== '' && Number.isFinite(v));
    // both axes run 0…1: the smallest tick 0, the largest 1, on each of the two axes
    expect(numbers.filter((v) => v === 0)).toHaveLength(2);
    expect(numbers.filter((v) => v === 1)).toHaveLength(2);
    expect(Math.min(...numbers)).toBe(0);
    expect(Math.max(...numbers)).toBe(1);
  });
});
