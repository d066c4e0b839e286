/**
 * The statistics of the run analyses, in the shapes the plots use, delegated to the shared
 * analysis module (src-shared/analysis/statistics.ts: type-7 quantiles, Tukey boxes, ML normal
 * fit, numpy histograms, Pearson, Wilcoxon signed-rank as SciPy).
 */
import {
  boxStats as sharedBoxStats,
  fitNormal as sharedFitNormal,
  histogram,
  mean,
  normalPdf,
  normalSurvival,
  pearson,
  quantileSorted,
  wilcoxonSignedRank,
} from '../../../src-shared/analysis/statistics.js';

export { mean, normalPdf, pearson };

/** Quantile of sorted values with linear interpolation (R type 7, NumPy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  return quantileSorted(sorted, q);
}

export interface BoxStats {
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  /** Tukey whiskers: the most extreme data within 1.5 IQR of the box. */
  lowerWhisker: number;
  upperWhisker: number;
  outliers: number[];
}

export function boxStats(values: ArrayLike<number>): BoxStats {
  const b = sharedBoxStats(values);
  return { min: b.min, q1: b.q1, median: b.median, q3: b.q3, max: b.max, lowerWhisker: b.whiskerLow, upperWhisker: b.whiskerHigh, outliers: b.outliers };
}

/** Maximum-likelihood normal fit: mean and the population standard deviation. */
export function fitNormal(values: ArrayLike<number>): { mean: number; sd: number } {
  const fit = sharedFitNormal(values);
  return { mean: fit.mu, sd: fit.sigma };
}

/** Standard normal upper tail P(Z ≥ z). */
export function normalUpperTail(z: number): number {
  return normalSurvival(z);
}

export interface WilcoxonResult {
  /** Sum of the ranks of the positive differences (after − before). */
  wPlus: number;
  /** Pairs with a non-zero difference. */
  n: number;
  /** One-sided p-value for "after > before". */
  p: number;
  exact: boolean;
}

/** Paired one-sided Wilcoxon signed-rank test of H1: after > before (zeros dropped, as SciPy's 'wilcox'). */
export function wilcoxonSignedRankGreater(after: ArrayLike<number>, before: ArrayLike<number>): WilcoxonResult {
  const result = wilcoxonSignedRank(after, before, { alternative: 'greater' });
  return { wPlus: result.tPlus, n: result.nUsed, p: result.pValue, exact: result.method === 'exact' };
}

/** Equal-width histogram over [min, max] (numpy: the last bin includes max). */
export function histogramCounts(values: ArrayLike<number>, bins: number, min?: number, max?: number): { edges: number[]; counts: number[] } {
  const h = histogram(values, bins, min !== undefined && max !== undefined ? [min, max] : undefined);
  return { edges: Array.from(h.edges), counts: Array.from(h.counts) };
}
