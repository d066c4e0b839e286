import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import {
  averageRanks,
  boxStats,
  correlationMatrix,
  erfc,
  fitNormal,
  histogram,
  mean,
  normalCdf,
  normalPdf,
  pearson,
  quantile,
  selectKth,
  sd,
  signedRankNullCounts,
  wilcoxonSignedRank,
} from '../../src-shared/analysis/statistics.js';
import { Rng } from '../../src-shared/model/rng.js';

/** Independent truth: P(T+ ≥ t) (or ≤) by enumerating all 2ⁿ sign patterns of the given ranks. */
function enumeratedP(ranks: number[], tObserved: number, tail: 'greater' | 'less'): number {
  const n = ranks.length;
  let hits = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let t = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) t += ranks[i];
    if (tail === 'greater' ? t >= tObserved - 1e-9 : t <= tObserved + 1e-9) hits++;
  }
  return hits / 2 ** n;
}

describe('descriptive statistics', () => {
  it('mean and sample sd of a textbook set', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population sd 2, sample sd sqrt(32/7)
    const x = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(x)).toBe(5);
    expectClose(sd(x, 0), 2, { rtol: 1e-15 });
    expectClose(sd(x), Math.sqrt(32 / 7), { rtol: 1e-15 });
  });

  it('Pearson of known vectors', () => {
    expectClose(pearson([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]), 1, { rtol: 1e-15 });
    expectClose(pearson([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]), -1, { rtol: 1e-15 });
    // x = 1..5, y = [2, 1, 4, 3, 5]: Sxy = 8, Sxx = Syy = 10 → r = 0.8
    expectClose(pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]), 0.8, { rtol: 1e-14 });
    // symmetric pattern, zero covariance
    expectClose(pearson([-2, -1, 0, 1, 2], [4, 1, 0, 1, 4]), 0, { atol: 1e-15 });
    expect(Number.isNaN(pearson([1, 1, 1], [1, 2, 3]))).toBe(true);
  });

  it('correlation matrix equals pairwise Pearson, symmetric with unit diagonal', () => {
    const rng = new Rng(3);
    const rows = 30;
    const cols = 5;
    const data = Float64Array.from({ length: rows * cols }, () => rng.normal());
    const C = correlationMatrix(data, rows, cols);
    for (let i = 0; i < cols; i++) {
      const ci = Float64Array.from({ length: rows }, (_, k) => data[k * cols + i]);
      for (let j = 0; j < cols; j++) {
        const cj = Float64Array.from({ length: rows }, (_, k) => data[k * cols + j]);
        expectClose(C[i * cols + j], i === j ? 1 : pearson(ci, cj), { rtol: 1e-12, atol: 1e-14 });
        expect(C[i * cols + j]).toBe(C[j * cols + i]);
      }
    }
  });

  it('quartiles of 1..n follow numpy linear (type 7), computed by hand', () => {
    // n = 10: h = 9p → q1 at h = 2.25: 3 + 0.25 = 3.25; median 5.5; q3 at h = 6.75: 7.75
    const x = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(quantile(x, 0.25)).toBe(3.25);
    expect(quantile(x, 0.5)).toBe(5.5);
    expect(quantile(x, 0.75)).toBe(7.75);
    // n = 7 (h = 1.5, 3, 4.5): 2.5, 4, 5.5; unsorted input
    expect(quantile([7, 1, 6, 2, 5, 3, 4], 0.25)).toBe(2.5);
    expect(quantile([7, 1, 6, 2, 5, 3, 4], 0.75)).toBe(5.5);
    // general n: (n − 1)p + 1 for the sequence 1..n
    for (const n of [2, 3, 11, 20]) {
      const seq = Array.from({ length: n }, (_, i) => i + 1);
      for (const p of [0, 0.1, 0.25, 0.5, 0.9, 1]) expectClose(quantile(seq, p), (n - 1) * p + 1, { rtol: 1e-14 });
    }
  });

  it('Tukey whiskers clip to data and outliers lie beyond 1.5 IQR', () => {
    // 1..10 plus 30: sorted 11 values, q1 at h = 2.5 → 3.5, q3 at h = 7.5 → 8.5, IQR 5,
    // fences −4 and 16: whiskers 1 and 10, outlier 30.
    const b = boxStats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30]);
    expect(b.q1).toBe(3.5);
    expect(b.median).toBe(6);
    expect(b.q3).toBe(8.5);
    expect(b.iqr).toBe(5);
    expect(b.whiskerLow).toBe(1);
    expect(b.whiskerHigh).toBe(10);
    expect(b.outliers).toEqual([30]);
    // no outliers: whiskers at min and max
    const c = boxStats([4, 1, 3, 2]);
    expect([c.whiskerLow, c.whiskerHigh, c.outliers.length]).toEqual([1, 4, 0]);
  });

  it('normal fit is the MLE and the pdf integrates to 1', () => {
    const fit = fitNormal([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(fit.mu).toBe(5);
    expectClose(fit.sigma, 2, { rtol: 1e-15 });
    expectClose(normalPdf(0, 0, 1), 1 / Math.sqrt(2 * Math.PI), { rtol: 1e-15 });
    let integral = 0;
    const h = 0.001;
    for (let x = -10; x < 14; x += h) integral += normalPdf(x + h / 2, 2, 1.5) * h;
    expectClose(integral, 1, { rtol: 1e-9 });
  });

  it('erfc and Φ against the Maclaurin series of erf and tabulated values', () => {
    // independent truth: erf(x) = 2/√π Σ (−1)^k x^(2k+1) / (k! (2k+1)), summed to convergence
    const erfSeries = (x: number) => {
      let term = x;
      let sum = x;
      for (let k = 1; k < 200; k++) {
        term *= (-x * x) / k;
        sum += term / (2 * k + 1);
      }
      return (2 / Math.sqrt(Math.PI)) * sum;
    };
    for (const x of [0.05, 0.3, 0.49, 0.5, 0.8, 1, 1.5, 2, -0.7, -1.5]) expectClose(erfc(x), 1 - erfSeries(x), { rtol: 1e-12 });
    // tail value (A&S 7.1; erfc(5) = 1.5375e-12)
    expectClose(erfc(5), 1.5374597944280349e-12, { rtol: 1e-12 });
    expectClose(normalCdf(1.959963984540054), 0.975, { rtol: 1e-14 });
    expectClose(normalCdf(-1.6448536269514729), 0.05, { rtol: 1e-13 });
  });

  it('histogram matches numpy.histogram (last bin closed, density integrates to 1)', () => {
    // numpy.histogram([1, 2, 2, 3, 4, 5], bins=4): edges 1, 2, 3, 4, 5; counts 1, 2, 1, 2
    const h = histogram([1, 2, 2, 3, 4, 5], 4);
    expect(Array.from(h.edges)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(h.counts)).toEqual([1, 2, 1, 2]);
    let area = 0;
    for (let b = 0; b < 4; b++) area += h.density[b] * (h.edges[b + 1] - h.edges[b]);
    expectClose(area, 1, { rtol: 1e-15 });
    const r = histogram([-1, 0, 0.5, 2], 2, [0, 1]);
    expect(Array.from(r.counts)).toEqual([1, 1]);
  });
});

describe('Wilcoxon signed-rank (scipy zero_method "wilcox")', () => {
  it('average ranks share ties', () => {
    const { ranks, tieSizes } = averageRanks([10, 20, 20, 30]);
    expect(Array.from(ranks)).toEqual([1, 2.5, 2.5, 4]);
    expect(tieSizes).toEqual([2]);
  });

  it('null counts sum to 2^n and are symmetric', () => {
    for (const n of [1, 5, 12]) {
      const c = signedRankNullCounts(n);
      expect(c.reduce((a, b) => a + b, 0)).toBe(2 ** n);
      for (let t = 0; t < c.length; t++) expect(c[t]).toBe(c[c.length - 1 - t]);
    }
  });

  it('exact one-sided p equals enumeration of all 2^n sign patterns', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 20; trial++) {
      const n = 3 + (trial % 12);
      // continuous differences with a positive shift: no ties, no zeros
      const d = Array.from({ length: n }, () => rng.normal() + 0.4);
      const result = wilcoxonSignedRank(d);
      expect(result.method).toBe('exact');
      const { ranks } = averageRanks(d.map(Math.abs));
      const tPlus = d.reduce((s, v, i) => (v > 0 ? s + ranks[i] : s), 0);
      expect(result.tPlus).toBe(tPlus);
      expectClose(result.pValue, enumeratedP(Array.from(ranks), tPlus, 'greater'), { rtol: 1e-12 });
      const less = wilcoxonSignedRank(d, undefined, { alternative: 'less' });
      expectClose(less.pValue, enumeratedP(Array.from(ranks), tPlus, 'less'), { rtol: 1e-12 });
    }
  });

  it('exact p of a hand case: all 6 differences positive → 1/64', () => {
    const x = [1.1, 2.3, 3.2, 4.8, 5.1, 6.9];
    const y = [1, 2, 3, 4, 5, 6];
    const r = wilcoxonSignedRank(x, y);
    expect(r.tPlus).toBe(21);
    expectClose(r.pValue, 1 / 64, { rtol: 1e-15 });
  });

  it('normal approximation with continuity correction tracks the exact p for moderate n', () => {
    const rng = new Rng(5);
    for (const n of [18, 22]) {
      const d = Array.from({ length: n }, () => rng.normal() + 0.3);
      const exact = wilcoxonSignedRank(d, undefined, { method: 'exact' });
      const approx = wilcoxonSignedRank(d, undefined, { method: 'approx' });
      const { ranks } = averageRanks(d.map(Math.abs));
      const truth = enumeratedP(Array.from(ranks), exact.tPlus, 'greater');
      expectClose(exact.pValue, truth, { rtol: 1e-12 });
      // the corrected normal approximation is within a few thousandths for n ≈ 20
      expect(Math.abs(approx.pValue - truth)).toBeLessThan(0.005);
    }
  });

  it('zeros are dropped and ties reduce the variance (scipy formula, by hand)', () => {
    // d = [0, 1, 1, -2, 3, 3, 3, 4]: zero dropped; |d| ranks 1.5, 1.5, 3, 5, 5, 5, 7
    const d = [0, 1, 1, -2, 3, 3, 3, 4];
    const r = wilcoxonSignedRank(d);
    expect(r.method).toBe('approx');
    expect(r.nUsed).toBe(7);
    expect(r.tPlus).toBe(1.5 + 1.5 + 5 + 5 + 5 + 7);
    const mu = (7 * 8) / 4;
    const variance = (7 * 8 * 15) / 24 - (2 ** 3 - 2) / 48 - (3 ** 3 - 3) / 48;
    const z = (25 - mu - 0.5) / Math.sqrt(variance);
    expectClose(r.z, z, { rtol: 1e-14 });
    expectClose(r.pValue, 1 - normalCdf(z), { rtol: 1e-12 });
  });

  it('approx p of a large-sample case agrees with the enumerated exact p to within the normal error', () => {
    // n = 40 is too big for enumeration; compare with the DP (tested above against enumeration)
    const rng = new Rng(9);
    const d = Array.from({ length: 40 }, () => rng.normal() + 0.25);
    const exact = wilcoxonSignedRank(d, undefined, { method: 'exact' });
    const approx = wilcoxonSignedRank(d, undefined, { method: 'approx' });
    expect(Math.abs(exact.pValue - approx.pValue)).toBeLessThan(0.003);
  });
});

describe('selectKth', () => {
  it('is the k-th value of the sorted array for every k, with ties, signs and a sorted or reversed input', async () => {
    const { Rng } = await import('../../src-shared/model/rng.js');
    const rng = new Rng(17);
    const inputs = [
      Float64Array.from({ length: 257 }, () => rng.normal()),
      Float64Array.from({ length: 100 }, () => rng.int(5)), // many ties
      Float64Array.from({ length: 64 }, (_, i) => i),
      Float64Array.from({ length: 64 }, (_, i) => -i),
      Float64Array.of(3),
    ];
    for (const input of inputs) {
      const sorted = Float64Array.from(input).sort();
      for (let k = 0; k < input.length; k++) expect(selectKth(Float64Array.from(input), k)).toBe(sorted[k]);
    }
    expect(() => selectKth(new Float64Array(3), 3)).toThrow(RangeError);
  });
});
