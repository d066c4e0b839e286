/**
 * Error curves drawn from bounded points (src-renderer/plots/curveDecimation.ts), against a
 * brute-force reduction of the raw curve: for the bin width the curve ends with (the smallest power
 * of two that fits the trials in maxBins bins), each bin's first, lowest, highest and last point.
 * Also: short curves are drawn as they are, appends in any chunks give the same points as one
 * pass, and the runs browser's comparison plot (src-renderer/plots/runsOptions.ts) keeps each run's
 * lowest error, which every-k-th thinning dropped.
 */
import { describe, expect, it } from 'vitest';
import { DecimatedCurve, decimatedPoints, MAX_CURVE_BINS } from '../../src-renderer/plots/curveDecimation.js';
import { runCurvesOption } from '../../src-renderer/plots/runsOptions.js';
import { Rng } from '../../src-shared/model/rng.js';

/** A noisy falling error curve like a reward run's, `length` trials. */
function noisyCurve(length: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length }, (_, k) => 4 * Math.exp(-k / (length / 5)) * (1 + 0.3 * rng.uniform()) + 0.01);
}

/** The M4 reduction computed directly: bins of `width` trials, each first/min/max/last (each trial once, trial order). */
function bruteForce(values: ArrayLike<number | undefined>, width: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < values.length; start += width) {
    const bin: [number, number][] = [];
    for (let t = start; t < Math.min(values.length, start + width); t++) {
      const v = values[t];
      if (v !== undefined && Number.isFinite(v)) bin.push([t, v]);
    }
    if (bin.length === 0) continue;
    let low = bin[0];
    let high = bin[0];
    for (const p of bin) {
      if (p[1] < low[1]) low = p;
      if (p[1] > high[1]) high = p;
    }
    const keep = new Map<number, number>();
    for (const p of [bin[0], low, high, bin[bin.length - 1]]) keep.set(p[0], p[1]);
    out.push(...[...keep.entries()].sort((a, b) => a[0] - b[0]));
  }
  return out;
}

/** The bin width a curve of `trials` trials ends with. */
function widthFor(trials: number, maxBins: number): number {
  let width = 1;
  while (Math.ceil(trials / width) > maxBins) width *= 2;
  return width;
}

describe('decimated error curves', () => {
  it('draws a curve shorter than the bins as it is, holes and non-finite values left out', () => {
    const values: (number | undefined)[] = [4, 3.5, undefined, 3.1, Number.NaN, 2.9];
    const curve = new DecimatedCurve(8);
    expect(curve.append(values, 0)).toBe(6);
    expect(curve.points()).toEqual([
      [0, 4],
      [1, 3.5],
      [3, 3.1],
      [5, 2.9],
    ]);
    expect([curve.count, curve.lo, curve.hi]).toEqual([4, 2.9, 4]);
  });

  it.each([
    [100_000, 1024],
    [100_001, 1024],
    [5000, 64],
    [4097, 8],
    [1025, 1024],
  ])('%i trials in %i bins: the first, lowest, highest and last point of every bin', (trials, maxBins) => {
    const values = noisyCurve(trials, trials);
    const points = decimatedPoints(values, maxBins);
    expect(points).toEqual(bruteForce(values, widthFor(trials, maxBins)));
    // the live chart's form: the same points, trial and error in turn
    const live = new DecimatedCurve(maxBins);
    live.append(values, 0);
    expect(Array.from(live.flatPoints())).toEqual(bruteForce(values, widthFor(trials, maxBins)).flat());
    expect(points.length).toBeLessThanOrEqual(4 * maxBins);
    // the run's lowest error and its last trial are drawn exactly
    const lowest = Math.min(...values);
    expect(points.some(([t, v]) => v === lowest && values[t] === lowest)).toBe(true);
    expect(points[points.length - 1]).toEqual([trials - 1, values[trials - 1]]);
  });

  it('appends in chunks of any size give the points of one pass (a live run, event by event)', () => {
    const values: (number | undefined)[] = noisyCurve(30_000, 7);
    for (let t = 1000; t < 1200; t++) values[t] = undefined; // missed points, never backfilled
    const rng = new Rng(3);
    const live = new DecimatedCurve(256);
    const raw: (number | undefined)[] = [];
    let consumed = 0;
    while (raw.length < values.length) {
      const chunk = 1 + Math.floor(rng.uniform() * 700);
      for (let i = 0; i < chunk && raw.length < values.length; i++) raw.push(values[raw.length]);
      consumed = live.append(raw, consumed);
    }
    const whole = new DecimatedCurve(256);
    whole.append(values, 0);
    expect(live.points()).toEqual(whole.points());
    expect(live.points()).toEqual(bruteForce(values, widthFor(values.length, 256)));
    expect(live.count).toBe(30_000 - 200);
  });

  it('refuses a trial out of order (it only appends) and an odd bin count', () => {
    const curve = new DecimatedCurve(4);
    curve.push(3, 1);
    expect(() => curve.push(3, 2)).toThrow(/only appends/);
    expect(() => new DecimatedCurve(3)).toThrow(/even/);
  });

  it("the runs browser's comparison draws each run's lowest error (every k-th point missed it)", () => {
    const values = noisyCurve(50_001, 11);
    // the best trial sits where every-13th thinning (at most 4 000 points of 50 001) did not look
    values[12_346] = 0.001;
    const option = runCurvesOption([{ id: 'r', name: 'run', values }], true);
    const data = (option.series as { data: [number, number][] }[])[0].data;
    expect(data.length).toBeLessThanOrEqual(4 * MAX_CURVE_BINS);
    expect(data).toContainEqual([12_346, 0.001]);
  });
});
