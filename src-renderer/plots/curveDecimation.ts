/**
 * Error curves of long runs drawn from a bounded number of points. A run of ten sessions of
 * 100 000 trials has a million errors; handing ECharts every one of them again at each live update
 * kept the UI thread busy for 1–5 s at a time by the end of such a run (and took a core from the
 * training on a 2-core machine). A plot is a few hundred pixels wide, so each curve is kept as at
 * most MAX_CURVE_BINS bins of consecutive trials, and each bin is drawn by its first, lowest,
 * highest and last point, in trial order (the M4 reduction): the line drawn at pixel width looks
 * as the full curve does — its envelope, its lowest error and its ends are exact. While a run is
 * shorter than MAX_CURVE_BINS trials every point is drawn as it is.
 *
 * Points arrive in trial order (a live run appends), so a bin's width is a power of two: when the
 * next trial falls beyond the last bin, neighbouring bins merge in pairs (O(bins), once per
 * doubling), and each append costs O(1).
 */

/** Bins per curve (each drawn by up to 4 points): the runs browser's comparison, a full-width plot. */
export const MAX_CURVE_BINS = 1024;
/**
 * Bins per session of the workspace's live error curve: a card a few hundred pixels wide, redrawn
 * while a run goes on, ten sessions at once (with 1024 bins a redraw of ten long sessions still
 * took 50–450 ms of the page's thread).
 */
export const LIVE_CURVE_BINS = 512;

const NONE = -1;

export class DecimatedCurve {
  /** Trials per bin (1, 2, 4, …). */
  private width = 1;
  /** Bins in use: 0 … bins − 1 (a bin with no finite point has first trial NONE). */
  private bins = 0;
  // per bin: the trial and value of its first, lowest, highest and last point
  private readonly firstTrial: Float64Array;
  private readonly firstValue: Float64Array;
  private readonly minTrial: Float64Array;
  private readonly minValue: Float64Array;
  private readonly maxTrial: Float64Array;
  private readonly maxValue: Float64Array;
  private readonly lastTrial: Float64Array;
  private readonly lastValue: Float64Array;
  /** Finite points taken so far. */
  count = 0;
  /** Smallest and largest value taken (Infinity / −Infinity before any). */
  lo = Infinity;
  hi = -Infinity;
  private lastTaken = -Infinity;

  constructor(readonly maxBins = MAX_CURVE_BINS) {
    if (!(maxBins >= 2 && maxBins % 2 === 0)) throw new RangeError(`maxBins must be even and at least 2, got ${maxBins}`);
    this.firstTrial = new Float64Array(maxBins).fill(NONE);
    this.firstValue = new Float64Array(maxBins);
    this.minTrial = new Float64Array(maxBins);
    this.minValue = new Float64Array(maxBins);
    this.maxTrial = new Float64Array(maxBins);
    this.maxValue = new Float64Array(maxBins);
    this.lastTrial = new Float64Array(maxBins);
    this.lastValue = new Float64Array(maxBins);
  }

  /** Take the error of `trial` (trials in increasing order; non-finite values are skipped). */
  push(trial: number, value: number): void {
    if (!Number.isFinite(value)) return;
    if (!(trial > this.lastTaken)) throw new RangeError(`trial ${trial} is not after trial ${this.lastTaken}: a decimated curve only appends`);
    this.lastTaken = trial;
    let bin = Math.floor(trial / this.width);
    while (bin >= this.maxBins) {
      this.halve();
      bin = Math.floor(trial / this.width);
    }
    if (bin >= this.bins) this.bins = bin + 1;
    if (this.firstTrial[bin] === NONE) {
      this.firstTrial[bin] = this.minTrial[bin] = this.maxTrial[bin] = trial;
      this.firstValue[bin] = this.minValue[bin] = this.maxValue[bin] = value;
    } else {
      if (value < this.minValue[bin]) {
        this.minValue[bin] = value;
        this.minTrial[bin] = trial;
      }
      if (value > this.maxValue[bin]) {
        this.maxValue[bin] = value;
        this.maxTrial[bin] = trial;
      }
    }
    this.lastTrial[bin] = trial;
    this.lastValue[bin] = value;
    this.count++;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
  }

  /**
   * Take the entries of a raw curve (index = trial) from index `from` on; holes (points missed and
   * not yet backfilled) are skipped. Returns the next index to read.
   */
  append(curve: ArrayLike<number | undefined>, from: number): number {
    for (let trial = from; trial < curve.length; trial++) {
      const value = curve[trial];
      if (value !== undefined) this.push(trial, value);
    }
    return Math.max(from, curve.length);
  }

  /** The points to draw, [trial, error] in trial order: every point while bins hold one trial each. */
  points(): [number, number][] {
    const flat = this.flatPoints();
    const out: [number, number][] = new Array(flat.length / 2);
    for (let k = 0; k < out.length; k++) out[k] = [flat[2 * k], flat[2 * k + 1]];
    return out;
  }

  /**
   * The same points as one flat array, trial and error in turn. The live chart takes this form:
   * ECharts deep-copies a series' `data` at every setOption (its OptionManager clones the option),
   * a new array per point for [trial, error] pairs, but keeps a typed array as it is (marked
   * primitive, then copied into its store in one pass).
   */
  flatPoints(): Float64Array {
    const scratch = new Float64Array(8 * this.bins);
    let length = 0;
    for (let b = 0; b < this.bins; b++) length = this.binPoints(b, scratch, length);
    return scratch.slice(0, length);
  }

  /**
   * Writes bin b's points into `out` from index `at` (trial, error in turn) and returns the index
   * after them: first, the extremes between the ends in the order they came, last; each trial once.
   */
  private binPoints(b: number, out: Float64Array, at: number): number {
    const first = this.firstTrial[b];
    if (first === NONE) return at;
    const last = this.lastTrial[b];
    const low = this.minTrial[b];
    const high = this.maxTrial[b];
    const lowInside = low !== first && low !== last;
    const highInside = high !== first && high !== last && high !== low;
    out[at++] = first;
    out[at++] = this.firstValue[b];
    const lowFirst = lowInside && (!highInside || low < high);
    if (lowFirst) {
      out[at++] = low;
      out[at++] = this.minValue[b];
    }
    if (highInside) {
      out[at++] = high;
      out[at++] = this.maxValue[b];
    }
    if (lowInside && !lowFirst) {
      out[at++] = low;
      out[at++] = this.minValue[b];
    }
    if (last !== first) {
      out[at++] = last;
      out[at++] = this.lastValue[b];
    }
    return at;
  }

  /** Double the bin width: bins 2k and 2k + 1 become bin k. */
  private halve(): void {
    const half = this.maxBins >> 1;
    for (let k = 0; k < half; k++) {
      const a = 2 * k;
      const b = a + 1;
      const aUsed = this.firstTrial[a] !== NONE;
      const bUsed = this.firstTrial[b] !== NONE;
      if (!aUsed && !bUsed) {
        this.firstTrial[k] = NONE;
        continue;
      }
      // bin k takes its points from bins 2k and 2k + 1 (never below k, so none is overwritten
      // before it is read); ties keep the earlier point (bin a's)
      const from = aUsed ? a : b;
      const to = bUsed ? b : a;
      const low = aUsed && (!bUsed || this.minValue[a] <= this.minValue[b]) ? a : b;
      const high = aUsed && (!bUsed || this.maxValue[a] >= this.maxValue[b]) ? a : b;
      this.firstTrial[k] = this.firstTrial[from];
      this.firstValue[k] = this.firstValue[from];
      this.minTrial[k] = this.minTrial[low];
      this.minValue[k] = this.minValue[low];
      this.maxTrial[k] = this.maxTrial[high];
      this.maxValue[k] = this.maxValue[high];
      this.lastTrial[k] = this.lastTrial[to];
      this.lastValue[k] = this.lastValue[to];
    }
    this.firstTrial.fill(NONE, half);
    this.width *= 2;
    this.bins = Math.ceil(this.bins / 2);
  }
}

/** A whole curve (index = trial) decimated at once: at most 4·maxBins points (see DecimatedCurve). */
export function decimatedPoints(values: ArrayLike<number>, maxBins = MAX_CURVE_BINS): [number, number][] {
  const curve = new DecimatedCurve(maxBins);
  curve.append(values, 0);
  return curve.points();
}
