/**
 * Tables people read number targets from 1, as the app and CLI number sessions, tasks and neurons;
 * an npy_row column keeps the 0-based row of the same target in the .npy arrays. Supp. 1f's
 * final_errors (src-shared/experiments/supp1f.ts) and Fig. 8's novel_errors
 * (src-shared/experiments/fig8.ts), as CSV through src-shared/experiments/figureData.ts.
 * Truth: the two paths agree — the row an npy_row names holds that table row's numbers
 * (the first Adam error of its curve; its output) — and the target seeds follow the row.
 */
import { describe, expect, it } from 'vitest';
import { runSupp1f } from '../../src-shared/experiments/supp1f.js';
import { runFig8 } from '../../src-shared/experiments/fig8.js';
import { tableCsv } from '../../src-shared/experiments/figureData.js';
import type { ExperimentResult } from '../../src-shared/experiments/support.js';

/** A table's CSV read back as columns by header name. */
function csvColumns(result: Pick<ExperimentResult, 'tables'>, name: string): Record<string, string[]> {
  const [header, ...lines] = tableCsv(result.tables.find((t) => t.name === name)!).trim().split('\n');
  const names = header.split(',');
  return Object.fromEntries(names.map((column, c) => [column, lines.map((line) => line.split(',')[c])]));
}

describe('targets are numbered from 1 in the tables', () => {
  it("Supp. 1f's final_errors: target from 1, npy_row the curve's row in error_curves_*.npy", () => {
    const result = runSupp1f({ quick: true, seed: 2, targets: 2, iterations: 3, n: 20 });
    const table = csvColumns(result, 'final_errors');
    expect(table.target.map(Number)).toEqual(table.npy_row.map((r) => Number(r) + 1));
    expect(new Set(table.target)).toEqual(new Set(['1', '2']));
    table.npy_row.forEach((row, i) => {
      expect(Number(table.target_seed[i])).toBe(101 + Number(row));
      const curves = result.arrays.find((a) => a.name === `error_curves_${table.trainable[i]}`)!;
      expect(Number(table.initial_error[i])).toBe(curves.data[Number(row) * curves.shape[1]]);
    });
  });

  it("Fig. 8's novel_errors: target from 1, npy_row the output's row in *_novel_outputs.npy", () => {
    const result = runFig8({ quick: true, seed: 3, settings: { n: 20, groups: 4, librarySize: 2, novelTargets: 3, iterations: 3 } });
    const table = csvColumns(result, 'novel_errors');
    expect(table.target).toEqual(['1', '2', '3']);
    expect(table.npy_row).toEqual(['0', '1', '2']);
    expect(table.target_seed.map(Number)).toEqual([4001, 4002, 4003]);
    const outputs = result.arrays.find((a) => a.name === 'fast_novel_outputs')!;
    expect(outputs.shape[0]).toBe(3);
  });
});
