/**
 * The few statistics the run analyses need. Kept small and local until the shared analysis
 * module (src-shared/analysis) lands; each function is tested against known values in
 * tests/renderer/analysisStats.test.ts.
 */

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** Pearson correlation; 0 when either series is constant (no linear relation can be measured). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>, length = a.length, aOffset = 0, aStride = 1, bOffset = 0, bStride = 1): number {
  let ma = 0;
  let mb = 0;
  for (let k = 0; k < length; k++) {
    ma += a[aOffset + k * aStride];
    mb += b[bOffset + k * bStride];
  }
  ma /= length;
  mb /= length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let k = 0; k < length; k++) {
    const da = a[aOffset + k * aStride] - ma;
    const db = b[bOffset + k * bStride] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return 0;
  return sab / Math.sqrt(saa * sbb);
}

/** Quantile with linear interpolation between order statistics (R type 7, NumPy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
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
  const sorted = Float64Array.from(values).sort();
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const iqr = q3 - q1;
  const lowFence = q1 - 1.5 * iqr;
  const highFence = q3 + 1.5 * iqr;
  let lowerWhisker = q1;
  let upperWhisker = q3;
  const outliers: number[] = [];
  for (const v of sorted) {
    if (v < lowFence || v > highFence) outliers.push(v);
    else {
      lowerWhisker = Math.min(lowerWhisker, v);
      upperWhisker = Math.max(upperWhisker, v);
    }
  }
  return { min: sorted[0], q1, median: quantile(sorted, 0.5), q3, max: sorted[sorted.length - 1], lowerWhisker, upperWhisker, outliers };
}

/** Maximum-likelihood normal fit: mean and the population standard deviation. */
export function fitNormal(values: ArrayLike<number>): { mean: number; sd: number } {
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] - m) ** 2;
  return { mean: m, sd: Math.sqrt(s / values.length) };
}

export function normalPdf(x: number, m: number, sd: number): number {
  return Math.exp(-0.5 * ((x - m) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
}

/** Standard normal upper tail P(Z ≥ z) (Abramowitz & Stegun 7.1.26 via erfc; |error| < 1.5e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
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

/**
 * Paired one-sided Wilcoxon signed-rank test of H1: after > before. Zero differences are dropped
 * (Wilcoxon's convention), ties get average ranks. Exact null distribution of W+ for n ≤ 25 without
 * ties; otherwise the normal approximation with tie correction and continuity correction.
 */
export function wilcoxonSignedRankGreater(after: ArrayLike<number>, before: ArrayLike<number>): WilcoxonResult {
  const diffs: number[] = [];
  for (let i = 0; i < after.length; i++) {
    const d = after[i] - before[i];
    if (d !== 0) diffs.push(d);
  }
  const n = diffs.length;
  if (n === 0) return { wPlus: 0, n: 0, p: 1, exact: true };
  const order = diffs.map((d, i) => ({ a: Math.abs(d), i })).sort((x, y) => x.a - y.a);
  const ranks = new Array<number>(n);
  let tieCorrection = 0;
  let hasTies = false;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && order[end + 1].a === order[start].a) end++;
    const rank = (start + end + 2) / 2;
    for (let k = start; k <= end; k++) ranks[order[k].i] = rank;
    const t = end - start + 1;
    if (t > 1) {
      hasTies = true;
      tieCorrection += t * t * t - t;
    }
    start = end + 1;
  }
  let wPlus = 0;
  for (let i = 0; i < n; i++) if (diffs[i] > 0) wPlus += ranks[i];
  if (n <= 25 && !hasTies) {
    // counts[w] = number of sign patterns of ranks 1..n with W+ = w
    const maxW = (n * (n + 1)) / 2;
    let counts = new Float64Array(maxW + 1);
    counts[0] = 1;
    for (let r = 1; r <= n; r++) {
      const next = new Float64Array(maxW + 1);
      for (let w = 0; w <= maxW; w++) {
        if (counts[w] === 0) continue;
        next[w] += counts[w];
        if (w + r <= maxW) next[w + r] += counts[w];
      }
      counts = next;
    }
    let tail = 0;
    for (let w = Math.round(wPlus); w <= maxW; w++) tail += counts[w];
    return { wPlus, n, p: tail / 2 ** n, exact: true };
  }
  const meanW = (n * (n + 1)) / 4;
  const varW = (n * (n + 1) * (2 * n + 1)) / 24 - tieCorrection / 48;
  const z = (wPlus - meanW - 0.5) / Math.sqrt(varW);
  return { wPlus, n, p: normalUpperTail(z), exact: false };
}

/** Equal-width histogram over [min, max] (the last bin includes max). */
export function histogramCounts(values: ArrayLike<number>, bins: number, min?: number, max?: number): { edges: number[]; counts: number[] } {
  let lo = min ?? Infinity;
  let hi = max ?? -Infinity;
  if (min === undefined || max === undefined) {
    for (let i = 0; i < values.length; i++) {
      if (min === undefined) lo = Math.min(lo, values[i]);
      if (max === undefined) hi = Math.max(hi, values[i]);
    }
  }
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo || v > hi) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, k) => lo + k * width), counts };
}
