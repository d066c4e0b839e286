/**
 * Descriptive and inferential statistics for the paper's analyses (model-spec §11).
 *
 * Conventions (chosen to match NumPy / SciPy so numbers can be checked against a Python session):
 * - sd: sample standard deviation (n − 1 denominator, numpy ddof=1); the normal fit instead uses
 *   the maximum-likelihood σ (n denominator, scipy.stats.norm.fit).
 * - quantile: NumPy's default 'linear' method (Hyndman & Fan type 7): h = (n − 1)·p,
 *   q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) on the sorted data.
 * - box plot: Tukey whiskers at the most extreme data points within 1.5·IQR of the quartiles
 *   (so they are clipped to the data); points beyond are outliers.
 * - histogram: numpy.histogram — equal-width bins over [min, max] (or a given range), every bin
 *   half-open [a, b) except the last, which includes its right edge.
 * - Pearson correlation: NaN when either vector has zero variance (as numpy.corrcoef).
 * - Wilcoxon signed-rank (scipy.stats.wilcoxon, zero_method 'wilcox'): zero differences are
 *   dropped, |d| ranked with average ranks for ties, statistic T+ = sum of ranks of positive d.
 *   See wilcoxonSignedRank for which p is reported.
 */

/** Finite values only (NaN/±Inf dropped), as a plain array. */
function finiteValues(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out.push(values[i]);
  return out;
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Standard deviation with ddof denominators n − ddof (default 1: sample sd). */
export function sd(values: ArrayLike<number>, ddof = 1): number {
  const n = values.length;
  if (n - ddof <= 0) return NaN;
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - m) * (values[i] - m);
  return Math.sqrt(ss / (n - ddof));
}

/** Pearson correlation of two equal-length vectors (NaN when either has zero variance). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`pearson: lengths differ (${n} vs ${b.length})`);
  if (n < 2) return NaN;
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return NaN;
  const r = sab / Math.sqrt(saa * sbb);
  return Math.max(-1, Math.min(1, r));
}

/**
 * Pearson correlation matrix of the columns of a time-major matrix (rows = samples, cols =
 * variables, e.g. rates[k * n + i]): out[i * cols + j] = corr(column i, column j). A column with
 * zero variance gives NaN in its row and column (diagonal included), as numpy.corrcoef.
 */
export function correlationMatrix(data: Float64Array, rows: number, cols: number, out = new Float64Array(cols * cols)): Float64Array {
  if (data.length < rows * cols) throw new RangeError(`correlationMatrix: data has ${data.length} values, expected ${rows} × ${cols}`);
  // Centre and scale every column to unit norm; the correlation is then a plain dot product.
  const z = new Float64Array(rows * cols);
  const valid = new Uint8Array(cols);
  for (let j = 0; j < cols; j++) {
    let m = 0;
    for (let k = 0; k < rows; k++) m += data[k * cols + j];
    m /= rows;
    let ss = 0;
    for (let k = 0; k < rows; k++) {
      const d = data[k * cols + j] - m;
      z[j * rows + k] = d;
      ss += d * d;
    }
    if (ss > 0) {
      valid[j] = 1;
      const s = 1 / Math.sqrt(ss);
      for (let k = 0; k < rows; k++) z[j * rows + k] *= s;
    }
  }
  for (let i = 0; i < cols; i++) {
    for (let j = i; j < cols; j++) {
      let r = NaN;
      if (valid[i] && valid[j]) {
        if (i === j) r = 1;
        else {
          let dot = 0;
          const bi = i * rows;
          const bj = j * rows;
          for (let k = 0; k < rows; k++) dot += z[bi + k] * z[bj + k];
          r = Math.max(-1, Math.min(1, dot));
        }
      }
      out[i * cols + j] = r;
      out[j * cols + i] = r;
    }
  }
  return out;
}

/** Quantile of already-sorted data, NumPy 'linear' (type 7). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

/** Quantile (NumPy 'linear', type 7) of the finite values. */
/**
 * The k-th smallest value (0-based) of `values`, in place (the array is reordered): Hoare's
 * quickselect, expected linear time. For a colour limit of a million weights it avoids a sort.
 */
export function selectKth(values: Float64Array, k: number): number {
  if (!(k >= 0 && k < values.length)) throw new RangeError(`selectKth: k = ${k} outside 0…${values.length - 1}`);
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i++] = values[j];
        values[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k];
}

export function quantile(values: ArrayLike<number>, p: number): number {
  return quantileSorted(finiteValues(values).sort((a, b) => a - b), p);
}

export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

export interface BoxStats {
  /** Finite values used. */
  count: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  iqr: number;
  /** Smallest datum ≥ q1 − 1.5·IQR. */
  whiskerLow: number;
  /** Largest datum ≤ q3 + 1.5·IQR. */
  whiskerHigh: number;
  /** Data outside the whiskers, ascending. */
  outliers: number[];
  mean: number;
}

/** Box-plot statistics (type-7 quartiles, Tukey 1.5·IQR whiskers clipped to the data). */
export function boxStats(values: ArrayLike<number>, whisker = 1.5): BoxStats {
  const sorted = finiteValues(values).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) {
    return { count: 0, min: NaN, q1: NaN, median: NaN, q3: NaN, max: NaN, iqr: NaN, whiskerLow: NaN, whiskerHigh: NaN, outliers: [], mean: NaN };
  }
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const iqr = q3 - q1;
  const lowFence = q1 - whisker * iqr;
  const highFence = q3 + whisker * iqr;
  let whiskerLow = sorted[0];
  for (const v of sorted) if (v >= lowFence) { whiskerLow = v; break; }
  let whiskerHigh = sorted[n - 1];
  for (let i = n - 1; i >= 0; i--) if (sorted[i] <= highFence) { whiskerHigh = sorted[i]; break; }
  return {
    count: n,
    min: sorted[0],
    q1,
    median: quantileSorted(sorted, 0.5),
    q3,
    max: sorted[n - 1],
    iqr,
    whiskerLow,
    whiskerHigh,
    outliers: sorted.filter((v) => v < whiskerLow || v > whiskerHigh),
    mean: mean(sorted),
  };
}

export interface NormalFit {
  /** Maximum-likelihood mean. */
  mu: number;
  /** Maximum-likelihood standard deviation (n denominator). */
  sigma: number;
  count: number;
}

/** Maximum-likelihood normal fit (scipy.stats.norm.fit) of the finite values. */
export function fitNormal(values: ArrayLike<number>): NormalFit {
  const v = finiteValues(values);
  return { mu: mean(v), sigma: sd(v, 0), count: v.length };
}

export function normalPdf(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  return Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI));
}

/**
 * Complementary error function, W. J. Cody's rational Chebyshev approximations (relative error
 * below ~1e-15 over the real line; the same algorithm as most libm erfc implementations).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  let result: number;
  if (ax < 0.5) {
    const t = x * x;
    const top = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
    const bot = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683343917062;
    return 1 - (x * top) / bot;
  } else if (ax < 4) {
    const top =
      (((((((2.15311535474403846e-8 * ax + 0.564188496988670089) * ax + 8.88314979438837594) * ax + 66.1191906371416295) * ax + 298.635138197400131) * ax +
        881.95222124176909) * ax + 1712.04761263407058) * ax + 2051.07837782607147) * ax + 1230.33935479799725;
    const bot =
      (((((((ax + 15.7449261107098347) * ax + 117.693950891312499) * ax + 537.181101862009858) * ax + 1621.38957456669019) * ax + 3290.79923573345963) * ax +
        4362.61909014324716) * ax + 3439.36767414372164) * ax + 1230.33935480374942;
    result = (Math.exp(-ax * ax) * top) / bot;
  } else {
    const z = 1 / (ax * ax);
    const top = ((((0.0163153871373020978 * z + 0.305326634961232344) * z + 0.360344899949804439) * z + 0.125781726111229246) * z + 0.0160837851487422766) * z + 6.58749161529837803e-4;
    const bot = ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 0.527905102951428412) * z + 0.0605183413124413191) * z + 2.33520497626869185e-3;
    const r = (z * top) / bot;
    result = (Math.exp(-ax * ax) * (1 / Math.sqrt(Math.PI) - r)) / ax;
  }
  return x < 0 ? 2 - result : result;
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Standard normal upper tail 1 − Φ(z), accurate far into the tail. */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

export interface Histogram {
  /** bins + 1 ascending edges. */
  edges: Float64Array;
  counts: Float64Array;
  /** counts / (total · bin width): integrates to 1 (numpy density=True). */
  density: Float64Array;
  /** Finite values inside the range that were counted. */
  total: number;
}

/** numpy.histogram of the finite values: `bins` equal-width bins over range (default [min, max]). */
export function histogram(values: ArrayLike<number>, bins: number, range?: [number, number]): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`histogram: bins must be a positive integer, got ${bins}`);
  const v = finiteValues(values);
  let lo = range ? range[0] : v.length ? v.reduce((m, x) => (x < m ? x : m), Infinity) : 0;
  let hi = range ? range[1] : v.length ? v.reduce((m, x) => (x > m ? x : m), -Infinity) : 1;
  if (lo === hi) {
    // numpy widens a degenerate range by ±0.5.
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  for (let b = 0; b <= bins; b++) edges[b] = lo + ((hi - lo) * b) / bins;
  const counts = new Float64Array(bins);
  let total = 0;
  for (const x of v) {
    if (x < lo || x > hi) continue;
    let b = Math.floor(((x - lo) / (hi - lo)) * bins);
    if (b >= bins) b = bins - 1;
    // Guard floating-point edge cases so x always lies in [edges[b], edges[b+1]).
    while (b > 0 && x < edges[b]) b--;
    while (b < bins - 1 && x >= edges[b + 1]) b++;
    counts[b]++;
    total++;
  }
  const density = new Float64Array(bins);
  for (let b = 0; b < bins; b++) density[b] = total > 0 ? counts[b] / (total * (edges[b + 1] - edges[b])) : 0;
  return { edges, counts, density, total };
}

/** Average ranks (1-based) of the values, ties sharing the mean of their positions. */
export function averageRanks(values: ArrayLike<number>): { ranks: Float64Array; tieSizes: number[] } {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  const tieSizes: number[] = [];
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const r = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]] = r;
    if (j > i) tieSizes.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, tieSizes };
}

/**
 * Exact null distribution of the signed-rank statistic T+ for n untied, non-zero differences:
 * counts[t] = number of the 2ⁿ sign patterns with T+ = t, t = 0..n(n+1)/2 (subset-sum DP).
 */
export function signedRankNullCounts(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let k = 1; k <= n; k++) {
    for (let t = (k * (k + 1)) / 2; t >= k; t--) counts[t] += counts[t - k];
  }
  return counts;
}

export type Alternative = 'greater' | 'less' | 'two-sided';

export interface WilcoxonOptions {
  /** H1: the differences x − y tend to be 'greater' than 0 (default), 'less', or either. */
  alternative?: Alternative;
  /** 'auto' (default): exact when n ≤ 50 with no zeros and no ties, else the normal approximation. */
  method?: 'auto' | 'exact' | 'approx';
  /** Continuity correction of the normal approximation (default true; scipy's `correction`). */
  continuity?: boolean;
}

export interface WilcoxonResult {
  /** Pairs given. */
  n: number;
  /** Non-zero differences used (zero_method 'wilcox'). */
  nUsed: number;
  zeros: number;
  /** Sum of the ranks of positive differences (scipy's statistic for one-sided tests). */
  tPlus: number;
  tMinus: number;
  method: 'exact' | 'approx';
  alternative: Alternative;
  /** The z of the normal approximation (NaN for exact). */
  z: number;
  pValue: number;
}

/**
 * Wilcoxon signed-rank test of paired samples, d = x − y (or x alone as the differences when y
 * is omitted), following scipy.stats.wilcoxon with zero_method='wilcox':
 * - exact: p from the exact distribution of T+ over all 2ⁿ equally likely sign patterns
 *   ('greater': P(T+ ≥ t), 'less': P(T+ ≤ t), two-sided: 2·min of those, capped at 1);
 *   used by 'auto' when n ≤ 50 and there are no zeros or ties (scipy's rule).
 * - approx: z = (T+ − n(n+1)/4 ∓ 0.5) / σ with σ² = n(n+1)(2n+1)/24 − Σ(t³ − t)/48 over tie
 *   groups; the ±0.5 continuity correction moves T+ toward the mean (scipy correction=True);
 *   p from the normal tail.
 * The reported pValue is the one for the chosen alternative (default one-sided 'greater':
 * H1 "x tends to exceed y").
 */
export function wilcoxonSignedRank(x: ArrayLike<number>, y?: ArrayLike<number>, options: WilcoxonOptions = {}): WilcoxonResult {
  const alternative = options.alternative ?? 'greater';
  const n = x.length;
  if (y && y.length !== n) throw new RangeError(`wilcoxon: paired samples differ in length (${n} vs ${y.length})`);
  const differences: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = y ? x[i] - y[i] : x[i];
    if (!Number.isFinite(d)) throw new RangeError('wilcoxon: non-finite difference');
    if (d !== 0) differences.push(d);
  }
  const zeros = n - differences.length;
  const m = differences.length;
  const { ranks, tieSizes } = averageRanks(differences.map(Math.abs));
  let tPlus = 0;
  let tMinus = 0;
  for (let i = 0; i < m; i++) {
    if (differences[i] > 0) tPlus += ranks[i];
    else tMinus += ranks[i];
  }
  let method: 'exact' | 'approx';
  if (options.method === 'exact') {
    if (tieSizes.length > 0) throw new RangeError('wilcoxon: the exact distribution needs untied |differences|');
    method = 'exact';
  } else if (options.method === 'approx') method = 'approx';
  else method = n <= 50 && zeros === 0 && tieSizes.length === 0 ? 'exact' : 'approx';
  if (m === 0) return { n, nUsed: 0, zeros, tPlus: 0, tMinus: 0, method, alternative, z: NaN, pValue: NaN };

  let pValue: number;
  let z = NaN;
  if (method === 'exact') {
    const counts = signedRankNullCounts(m);
    const total = 2 ** m;
    const t = Math.round(tPlus);
    let upper = 0;
    for (let k = t; k < counts.length; k++) upper += counts[k];
    let lower = 0;
    for (let k = 0; k <= t; k++) lower += counts[k];
    const pGreater = upper / total;
    const pLess = lower / total;
    pValue = alternative === 'greater' ? pGreater : alternative === 'less' ? pLess : Math.min(1, 2 * Math.min(pGreater, pLess));
  } else {
    const mu = (m * (m + 1)) / 4;
    let variance = (m * (m + 1) * (2 * m + 1)) / 24;
    for (const t of tieSizes) variance -= (t * t * t - t) / 48;
    const sigma = Math.sqrt(variance);
    const continuity = options.continuity ?? true;
    const d = tPlus - mu;
    if (alternative === 'two-sided') {
      const c = continuity ? 0.5 * Math.sign(d) : 0;
      z = (d - c) / sigma;
      pValue = Math.min(1, 2 * normalSurvival(Math.abs(z)));
    } else if (alternative === 'greater') {
      z = (d - (continuity ? 0.5 : 0)) / sigma;
      pValue = normalSurvival(z);
    } else {
      z = (d + (continuity ? 0.5 : 0)) / sigma;
      pValue = normalCdf(z);
    }
  }
  return { n, nUsed: m, zeros, tPlus, tMinus, method, alternative, z, pValue };
}

/** CSV text from named columns (equal lengths; NaN written as NaN). */
export function columnsToCsv(columns: Record<string, ArrayLike<number | string>>): string {
  const names = Object.keys(columns);
  const length = names.length ? Math.max(...names.map((k) => columns[k].length)) : 0;
  const lines = [names.join(',')];
  for (let r = 0; r < length; r++) {
    lines.push(
      names
        .map((k) => {
          const v = columns[k][r];
          if (v === undefined) return '';
          if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
          return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
        })
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A neuron × neuron matrix (row-major) as CSV: a `neuron` column numbering the rows from 1, then
 * one column `neuron_j` per neuron j = 1…n, as the app shows neurons (the app's plot CSV and the
 * CLI's fig1 files are this one text).
 */
export function neuronMatrixCsv(matrix: ArrayLike<number>, n: number): string {
  const columns: Record<string, ArrayLike<number>> = { neuron: Float64Array.from({ length: n }, (_, i) => i + 1) };
  for (let j = 0; j < n; j++) columns[`neuron_${j + 1}`] = Float64Array.from({ length: n }, (_, i) => matrix[i * n + j]);
  return columnsToCsv(columns);
}

/**
 * Kolmogorov–Smirnov distance between the finite values' empirical CDF and a normal CDF:
 * D = max_x |F_n(x) − Φ((x − μ)/σ)| (one-sample KS statistic, as scipy.stats.kstest's statistic).
 */
export function ksDistanceToNormal(values: ArrayLike<number>, mu: number, sigma: number): number {
  const v = finiteValues(values).sort((a, b) => a - b);
  const n = v.length;
  if (n === 0 || !(sigma > 0)) return NaN;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const cdf = normalCdf((v[i] - mu) / sigma);
    d = Math.max(d, (i + 1) / n - cdf, cdf - i / n);
  }
  return d;
}
