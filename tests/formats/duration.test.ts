/**
 * One way to write a duration (src-shared/formats/duration.ts durationText), used by the four places
 * that show one: the runs table (src-renderer/components/runs/RunsBrowser.vue), the Experiments view
 * (src-renderer/components/experiments/ExperimentsView.vue: estimates and run times), the
 * reproduction report (src-shared/reproduce/report.ts) and a sweep's plan
 * (src-renderer/components/sweeps/SweepPlanPanel.vue). Each rounded its own way: a run of 65 s
 * read "65.0 s" in the runs table, "65 s" in the Experiments view and the report, "1.1 min" there
 * from 2 min on, and "65 s" / "3.5 min" in the plan.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { durationText } from '../../src-shared/formats/duration.js';
import { reportHtml } from '../../src-shared/reproduce/report.js';

/** Milliseconds back from the text, to check what a reader takes from it. */
function readBack(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, value, unit] of text.matchAll(/([\d.]+) (ms|s|min|h)\b/g)) total += Number(value) * units[unit];
  return total;
}

describe('durationText', () => {
  it('writes each range in its unit, rounding before the unit is chosen (no "60 s", no "1 h 60 min")', () => {
    const cases: Array<[number, string]> = [
      [0, '0 ms'],
      [0.0712345, '0.071 ms'],
      [4.24, '4.2 ms'],
      [9.996, '10 ms'],
      [850, '850 ms'],
      [999, '999 ms'],
      [999.4, '999 ms'],
      [999.6, '1 s'],
      [1000, '1 s'],
      [4240, '4.2 s'],
      [9960, '10 s'],
      [45_300, '45 s'],
      [59_400, '59 s'],
      [59_950, '1 min 00 s'],
      [65_000, '1 min 05 s'],
      [185_000, '3 min 05 s'],
      [3_599_400, '59 min 59 s'],
      [3_599_500, '1 h 00 min'],
      [3_720_000, '1 h 02 min'],
      [7_170_000, '2 h 00 min'],
      [96_000_000, '26 h 40 min'],
    ];
    for (const [ms, text] of cases) expect(durationText(ms), `${ms} ms`).toBe(text);
    for (const nothing of [Number.NaN, Number.POSITIVE_INFINITY, -1]) expect(durationText(nothing)).toBe('–');
  });

  it('reads back within 5 % at every scale, never smaller for a longer time, sub-units below 60', () => {
    let previous = -1;
    for (let exponent = -2; exponent <= 8; exponent += 0.01) {
      const ms = 10 ** exponent;
      const text = durationText(ms);
      const read = readBack(text);
      expect(Math.abs(read - ms), `${ms} ms → ${text}`).toBeLessThanOrEqual(0.05 * ms + 1e-12);
      expect(read, `${ms} ms → ${text}`).toBeGreaterThanOrEqual(previous);
      previous = read;
      const under = /(?:min|h) (\d+) (?:s|min)$/.exec(text);
      if (under) {
        expect(under[1], text).toHaveLength(2);
        expect(Number(under[1]), text).toBeLessThan(60);
      }
    }
  });
});

describe('the four places that show a duration write it the same way', () => {
  const durations: Array<[number, string]> = [[850, '850 ms'], [4200, '4.2 s'], [65_000, '1 min 05 s'], [185_000, '3 min 05 s'], [3_720_000, '1 h 02 min']];

  it('the reproduction report: a part’s run time, the invocation and the wall-clock span', () => {
    for (const [ms, text] of durations) {
      const part = { id: 'fig1', title: 'fig1', mode: 'quick' as const, seed: 1, status: 'done' as const, summary: {}, setup: null, settings: {}, figures: [], elapsedMs: ms, finishedAt: '2026-12-05T08:00:00.000Z' };
      const html = reportHtml({
        mode: 'quick', seed: 1, environment: { version: 'GainLab 9.9.9', machine: 'm', runtime: 'r' }, generatedAt: '2026-12-05T08:00:00.000Z', wallMs: ms, computeMs: ms,
        claims: [], stopped: false, definitions: [], partTitles: [{ id: 'fig1', title: 'fig1' }], parts: [part],
      });
      expect(html).toContain(`run time ${text} ·`);
      expect(html).toContain(`compute ${text} (sum of the parts`);
      expect(html).toContain(`this invocation ${text}</td>`);
      expect(html).toContain(`: ${text} from the first part’s start`);
    }
  });

  // The .vue views cannot be mounted here (no DOM); each must render its times through durationText
  // and keep no rounding of its own. A template literal like `${…} s` or `${…} min` is such rounding.
  const views: Array<[string, string[]]> = [
    ['src-renderer/components/runs/RunsBrowser.vue', ['durationText(ms)']],
    ['src-renderer/components/experiments/ExperimentsView.vue', ['~{{ durationText(quickSeconds * 1000) }}', '{{ durationText(result.elapsedMs) }}']],
    ['src-renderer/components/sweeps/SweepPlanPanel.vue', ['durationText(estimate.cpuSecondsPerTask.median * 1000)', 'durationText(estimate.cpuSecondsPerTask.max * 1000)', 'durationText(estimate.wallSecondsHere * 1000)']],
  ];
  for (const [file, calls] of views) {
    it(`${file.split('/').pop()} renders its times with durationText and rounds none itself`, () => {
      const source = readFileSync(file, 'utf8');
      expect(source).toContain("import { durationText } from '../../../src-shared/formats/duration.js';");
      for (const call of calls) expect(source).toContain(call);
      expect(source.match(/\$\{[^}]*\} ?(ms|s|min|h)\b/g) ?? []).toEqual([]);
    });
  }
});
