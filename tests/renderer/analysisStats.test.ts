import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { boxStats, fitNormal, histogramCounts, normalUpperTail, pearson, quantile, wilcoxonSignedRankGreater } from '../../src-renderer/components/analysis/stats.js';

describe('analysis statistics', () => {
  it('Pearson r of a textbook pair, and its sign under a negative affine map', () => {
    // Σdxdy = 6, Σdx² = 10, Σdy² = 6 → r = 6/√60
    expectClose(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 6 / Math.sqrt(60), { rtol: 1e-14 });
    expectClose(pearson([1, 2, 3, 4, 5], [-4, -8, -10, -8, -10]), -6 / Math.sqrt(60), { rtol: 1e-14 });

  });

  it('quantiles as NumPy (linear), Tukey box with outliers, ML normal fit', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    const box = boxStats([100, 3, 1, 4, 2]);
    expect(box).toMatchObject({ q1: 2, median: 3, q3: 4, lowerWhisker: 1, upperWhisker: 4, outliers: [100], min: 1, max: 100 });
    expect(fitNormal([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, sd: 2 });
  });

  it('Wilcoxon signed-rank, one-sided: Darwin’s Zea mays differences (SciPy docs: p = 0.0206298828125)', () => {
    const d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
    const result = wilcoxonSignedRankGreater(d, new Array(d.length).fill(0));
    expect(result.wPlus).toBe(96);
    expect(result.exact).toBe(true);
    expectClose(result.p, 0.0206298828125, { rtol: 1e-12 });
    // all ten differences positive: p = 2^-10
    const all = wilcoxonSignedRankGreater([2, 3, 4, 5, 6, 7, 8, 9, 10, 11], new Array(10).fill(1));
    expectClose(all.p, 1 / 1024, { rtol: 1e-12 });
    // the other direction gives the other tail
    expectClose(wilcoxonSignedRankGreater(new Array(10).fill(1), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]).p, 1, { rtol: 1e-12 });
  });

  it('Wilcoxon with ties uses the normal approximation; normal tail at known quantiles', () => {
    expectClose(normalUpperTail(0), 0.5, { atol: 1e-7 });
    expectClose(normalUpperTail(1.6448536269514722), 0.05, { rtol: 1e-9 });
    expectClose(normalUpperTail(-1.959963984540054), 0.975, { rtol: 1e-9 });
    const tied = wilcoxonSignedRankGreater([1, 1, 2, 2, 3, 3, 4], [0, 0, 0, 0, 0, 0, 0]);
    expect(tied.exact).toBe(false);
    expect(tied.wPlus).toBe(28);
    // W+ = 28 = max; mean 14, var = 7·8·15/24 − (3·(8−2))/48 = 35 − 0.375 → z = (28 − 14 − 0.5)/√34.625
    expectClose(tied.p, normalUpperTail(13.5 / Math.sqrt(34.625)), { rtol: 1e-12 });
  });

  it('histogram: equal bins, the last bin holds the maximum', () => {
    const h = histogramCounts([0, 0.1, 0.5, 0.99, 1], 2, 0, 1);
    expect(h.edges).toEqual([0, 0.5, 1]);
    expect(h.counts).toEqual([2, 3]);
  });
});
