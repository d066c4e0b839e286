/**
 * Supp. Fig. 3 panels against their legends (/work/shared/docs/figure-panels.md), on a tiny run;
 * and the titles name the rank actually computed (src-shared/primitives/sweep.ts middleRankText):
 * the paper's "50th-smallest" is the middle of 100, and a quick run's middle of 6 is the 3rd.
 */
import { describe, expect, it } from 'vitest';
import { runSupp3 } from '../../src-shared/experiments/supp3.js';
import type { ScatterFigure } from '../../src-shared/experiments/figureSpec.js';
import { renderFigureSvg } from '../../src-cli/svg/figures.js';
import { middleRankText } from '../../src-shared/primitives/sweep.js';

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

  it('titles name the middle rank computed: the paper\'s 50th of 100, a small run\'s 1st of 2 (they said "50th-smallest" whatever the count)', () => {
    expect([1, 2, 6, 21, 41, 44, 100, 223].map(middleRankText)).toEqual([
      '1st-smallest of 1', '1st-smallest of 2', '3rd-smallest of 6', '11th-smallest of 21', '21st-smallest of 41', '22nd-smallest of 44', '50th-smallest of 100', '112th-smallest of 223',
    ]);
    const r = runSupp3({ quick: true, seed: 1, settings: { pool: 3, iterations: 3, sizes: [1, 2], lowRateSizes: [2], libraries: 2, novelTargets: 2 } });
    const titles = Object.fromEntries((r.figures ?? []).map((f) => [f.name, f.title]));
    expect(titles.supp3d_error_vs_library_size).toContain('median over libraries of the 1st-smallest of 2 targets');
    expect(titles.supp3g_per_library).toContain("the 1st-smallest of 2 targets' errors");
    expect(titles.supp3h_per_target).toContain("the 1st-smallest of 2 libraries' errors");
    for (const title of Object.values(titles)) expect(title).not.toContain('50th');
  });
});
