import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import {
  generateTarget,
  importTargetCsv,
  parseTargetCsv,
  resampleTarget,
  slowVariant,
  TargetCsvError,
  targetToCsv,
} from '../../src-shared/model/targets.js';

const GRID = { duration: 500, nSamples: 200 };

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Independent evaluation of model-spec §8 with the generator's reported bumps. */
function referenceTarget(bumps: { centre: number; width: number; amplitude: number }[], duration: number, nSamples: number): number[] {
  const taper = 50 * (duration / 500);
  const out: number[] = [];
  for (let k = 0; k < nSamples; k++) {
    const t = (duration * k) / (nSamples - 1);
    let sum = 0;
    for (const b of bumps) sum += b.amplitude * Math.exp(-((t - b.centre) ** 2) / (2 * b.width ** 2));
    const edge = Math.min(t, duration - t);
    const w = edge >= taper ? 1 : (1 - Math.cos((Math.PI * edge) / taper)) / 2;
    out.push(sum * w);
  }
  return out;
}

describe('generated targets', () => {
  it('draws 2–4 bumps with centres, widths and amplitudes in the spec ranges, both signs', () => {
    const counts = new Set<number>();
    let negative = 0;
    let positive = 0;
    for (let seed = 0; seed < 300; seed++) {
      const target = generateTarget(seed, GRID);
      const bumps = target.bumps[0];
      counts.add(bumps.length);
      expect(bumps.length).toBeGreaterThanOrEqual(2);
      expect(bumps.length).toBeLessThanOrEqual(4);
      for (const b of bumps) {
        expect(b.centre).toBeGreaterThanOrEqual(60);
        expect(b.centre).toBeLessThanOrEqual(440);
        expect(b.width).toBeGreaterThanOrEqual(25);
        expect(b.width).toBeLessThanOrEqual(80);
        expect(Math.abs(b.amplitude)).toBeGreaterThanOrEqual(5);
        expect(Math.abs(b.amplitude)).toBeLessThanOrEqual(25);
        if (b.amplitude < 0) negative++;
        else positive++;
      }
    }
    expect([...counts].sort()).toEqual([2, 3, 4]);
    // Fair sign coin: with ~900 bumps each sign should be well represented.
    expect(negative).toBeGreaterThan(300);
    expect(positive).toBeGreaterThan(300);
  });

  it('is the tapered sum of its bumps on the movement grid, 0 at both ends', () => {
    for (const seed of [1, 2, 3, 42]) {
      const target = generateTarget(seed, GRID);
      expect(target.values.length).toBe(200);
      expect(Math.abs(target.values[0])).toBe(0);
      expect(Math.abs(target.values[199])).toBe(0);
      expectClose(target.values, referenceTarget(target.bumps[0], 500, 200), { rtol: 1e-12, atol: 1e-12 });
      // Not a trivial signal: somewhere it is as large as a bump.
      const peak = Math.max(...target.values.map(Math.abs));
      expect(peak).toBeGreaterThan(2);
    }
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = generateTarget(7, GRID);
    const b = generateTarget(7, GRID);
    const c = generateTarget(8, GRID);
    expect(sameBits(a.values, b.values)).toBe(true);
    expect(a.bumps).toEqual(b.bumps);
    expect(sameBits(a.values, c.values)).toBe(false);
  });

  it('draws channels independently and scales the ranges with the duration', () => {
    const twoChannels = generateTarget(5, GRID, 2);
    expect(twoChannels.values.length).toBe(400);
    expect(sameBits(twoChannels.values.subarray(0, 200), twoChannels.values.subarray(200))).toBe(false);
    expectClose(twoChannels.values.subarray(200), referenceTarget(twoChannels.bumps[1], 500, 200), { rtol: 1e-12, atol: 1e-12 });
    const long = generateTarget(5, { duration: 1000, nSamples: 300 });
    for (const b of long.bumps[0]) {
      expect(b.centre).toBeGreaterThanOrEqual(120);
      expect(b.centre).toBeLessThanOrEqual(880);
      expect(b.width).toBeGreaterThanOrEqual(50);
      expect(b.width).toBeLessThanOrEqual(160);
    }
    expect(Math.abs(long.values[299])).toBe(0);
  });
});

describe('slow variants', () => {
  it('stretches by s over s·T with the same step; every s-th sample is the original exactly', () => {
    const target = generateTarget(11, GRID);
    const slow = slowVariant(target.values, 1, GRID, 5);
    expect(slow.nSamples).toBe(996);
    expect(slow.duration).toBe(2500);
    // Same step length h.
    expect(slow.duration / (slow.nSamples - 1)).toBe(500 / 199);
    for (let j = 0; j < 200; j++) expect(Object.is(slow.values[5 * j], target.values[j])).toBe(true);
    // Between grid points: linear interpolation of the neighbours.
    for (let j = 0; j < 199; j++) {
      for (let r = 1; r < 5; r++) {
        const expected = target.values[j] + (r / 5) * (target.values[j + 1] - target.values[j]);
        expectClose(slow.values[5 * j + r], expected, { rtol: 1e-12, atol: 1e-12 });
      }
    }
  });

  it('m_s(t) = m(t/s) for a linear m, and amplitude scaling divides by s²', () => {
    // m(t) = 3t − 100 on the grid; m_s(t) = 3t/s − 100 exactly representable by interpolation.
    const values = Float64Array.from({ length: 200 }, (_, k) => 3 * ((500 * k) / 199) - 100);
    const s = 3;
    const slow = slowVariant(values, 1, GRID, s, { amplitudeScaling: true });
    expect(slow.nSamples).toBe(598);
    for (let k = 0; k < slow.nSamples; k++) {
      const t = (k * slow.duration) / (slow.nSamples - 1);
      expectClose(slow.values[k], (3 * (t / s) - 100) / (s * s), { rtol: 1e-12, atol: 1e-10 });
    }
  });

  it('handles several channels and refuses factors that do not give whole steps', () => {
    const two = generateTarget(3, GRID, 2);
    const slow = slowVariant(two.values, 2, GRID, 2);
    expect(slow.values.length).toBe(2 * 399);
    expect(Object.is(slow.values[399 + 2 * 10], two.values[200 + 10])).toBe(true);
    expect(() => slowVariant(two.values, 2, GRID, 2.5)).toThrow(/whole number of steps/);
  });
});

describe('resampling', () => {
  it('is the identity on the same grid and exact for linear signals', () => {
    const target = generateTarget(4, GRID);
    expect(sameBits(resampleTarget(target.values, 1, GRID, GRID), target.values)).toBe(true);
    const line = Float64Array.from({ length: 200 }, (_, k) => 2 * ((500 * k) / 199) + 1);
    const fine = resampleTarget(line, 1, GRID, { duration: 500, nSamples: 1001 });
    for (let k = 0; k < 1001; k++) expectClose(fine[k], 2 * (k / 2) + 1, { rtol: 1e-12, atol: 1e-9 });
  });
});

describe('CSV', () => {
  it('round-trips a two-channel target bit for bit (with and without the time column)', () => {
    const target = generateTarget(9, GRID, 2);
    target.values[5] = -0; // signed zero survives too
    const csv = targetToCsv(target.values, 2, GRID, { channelNames: ['biceps', 'triceps'] });
    expect(csv.split('\n')[0]).toBe('time_ms,biceps,triceps');
    const back = importTargetCsv(csv, GRID);
    expect(back.channels).toBe(2);
    expect(back.channelNames).toEqual(['biceps', 'triceps']);
    expectClose(back.sourceSpan as number, 500, { rtol: 1e-12 });
    expect(sameBits(back.values, target.values)).toBe(true);

    const noTime = targetToCsv(target.values, 2, GRID, { timeColumn: false });
    const back2 = importTargetCsv(noTime, GRID);
    expect(back2.sourceSpan).toBeNull();
    expect(sameBits(back2.values, target.values)).toBe(true);
  });

  it('reads header-less files, semicolons, and maps a time column onto the movement duration', () => {
    const parsed = parseTargetCsv('1;2\n3;4\n5;6\n');
    expect(parsed.header).toBeNull();
    expect(parsed.times).toBeNull();
    expect(parsed.channels).toBe(2);
    expect([...parsed.values]).toEqual([1, 3, 5, 2, 4, 6]);
    // Times in seconds (0–1 s) stretched onto 0–500 ms, linear interpolation in between.
    const imported = importTargetCsv('time (s),emg\n0,0\n0.5,10\n1,20\n', { duration: 500, nSamples: 5 });
    expect(imported.sourceSpan).toBe(1);
    expectClose(imported.values, [0, 5, 10, 15, 20], { rtol: 1e-12 });
    // Non-uniform times.
    const uneven = importTargetCsv('t,m\n0,0\n100,100\n500,0\n', { duration: 500, nSamples: 3 });
    expectClose(uneven.values, [0, 62.5, 0], { rtol: 1e-12 });
  });

  it('says which line is wrong', () => {
    const attempt = (text: string): TargetCsvError => {
      try {
        importTargetCsv(text);
      } catch (error) {
        expect(error).toBeInstanceOf(TargetCsvError);
        return error as TargetCsvError;
      }
      throw new Error('expected a TargetCsvError');
    };
    const ragged = attempt('time_ms,a\n0,1\n1,2,3\n2,4\n');
    expect(ragged.message).toBe('line 3 has 3 values but the header has 2 columns');
    expect(ragged.line).toBe(3);
    expect(attempt('a,b\n1,2\n3,abc\n').message).toBe('line 3, column 2: "abc" is not a number');
    expect(attempt('1,2\n3,\n').message).toBe('line 2, column 2 is empty');
    expect(attempt('').message).toMatch(/empty/);
    expect(attempt('a,b\n1,2\n').message).toMatch(/only 1 data row/);
    expect(attempt('time,a\n0,1\n2,2\n1,3\n').message).toBe('line 4: the time column must increase, but 1 follows 2');
    expect(attempt('x\n1\n1e999\n').message).toMatch(/line 3, column 1: "1e999" is too large/);
  });

  it('refuses more than 64 channels before reading the rows (fuzz: tests/fuzz/targetFiles CSV)', () => {
    const row = Array(65).fill('1').join(',');
    expect(() => importTargetCsv(`${row}\n${row}\n`)).toThrow(/^line 1 has 65 columns of values; a target has at most 64 channels$/);
    // with a time column, 64 channels are 65 columns
    const header = ['time', ...Array.from({ length: 64 }, (_, c) => `c${c}`)].join(',');
    expect(importTargetCsv(`${header}\n0,${Array(64).fill('1').join(',')}\n500,${Array(64).fill('2').join(',')}\n`).channels).toBe(64);
  });

  it('refuses values that overflow when resampled, naming the column (fuzz: tests/fuzz/targetFiles CSV seed 515 case 103)', () => {
    // ±1.8e308 side by side are finite, but a + f·(b − a) between them is not
    const text = Array.from({ length: 59 }, (_, r) => (r % 2 === 0 ? '1.7976931348623157e308' : '-1.7976931348623157e308')).join('\n');
    expect(() => importTargetCsv(text, { duration: 500, nSamples: 60 })).toThrow(
      /^column 1 cannot be resampled onto the 60-sample movement grid: its values are too extreme \(sample \d+ would be -?Infinity\)$/,
    );
  });
});
