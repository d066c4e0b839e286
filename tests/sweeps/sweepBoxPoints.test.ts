/**
 * A sweep's box plots say their grey points are tasks, and the legend names them as such (not a
 * bare "data"): src-shared/sweeps/results.ts sweepFigures drawn through
 * src-renderer/components/sweeps/sweepPlots.ts (caption from
 * src-renderer/components/experiments/experimentPlots.ts figureCaption, option from
 * src-shared/experiments/figureOption.ts). The experiments' box plots say what theirs are
 * (sessions, targets). Truth: the caption's and legend's noun is the thing each point was computed
 * from, and the legend lists the series by name.
 */
import { describe, expect, it } from 'vitest';
import type { SweepRow } from '../../src-shared/sweeps/record.js';
import { sweepFigures, type SweepResults } from '../../src-shared/sweeps/results.js';
import { sweepPlots } from '../../src-renderer/components/sweeps/sweepPlots.js';
import { experimentPlots } from '../../src-renderer/components/experiments/experimentPlots.js';
import type { BoxFigure } from '../../src-shared/experiments/figureSpec.js';
import type { ExperimentJobResult } from '../../src-shared/ipc/contract.js';
import { boxStats } from '../../src-shared/analysis/statistics.js';

/** Tasks over two σ levels, each task one final error. */
function sweep(tasks: number): SweepResults {
  const rows: SweepRow[] = Array.from({ length: tasks }, (_, index) => {
    const finalError = 0.1 + 0.01 * (index % 17);
    return {
      index,
      id: index.toString(16).padStart(16, '0'),
      state: 'done',
      factors: { sigma: index % 2 ? '0.004' : '0.001' },
      values: { n: 20, groupCount: 4, bestError: finalError, initialError: 1, finalError, bestTrial: 1, trialsDone: 10, gainsMean: 1, gainsSd: 0, gainsMin: 1, gainsMax: 1, elapsedMs: 5, setupMs: 1, host: 'h' },
    };
  });
  return { name: 's', factorNames: ['sigma'], rows, sweepText: null };
}

/** The legend's entries: the options give a legend without data, so ECharts lists every series by name. */
const legendOf = (option: unknown): string[] => {
  const { legend, series } = option as { legend?: { data?: string[] }; series: Array<{ name: string }> };
  expect(legend).toBeDefined();
  expect(legend!.data).toBeUndefined();
  return series.map((s) => s.name);
};

describe('the grey points of a box plot are named for what they are', () => {
  it("a sweep's box plot: one per task, in the caption and the legend", () => {
    const plot = sweepPlots(sweepFigures(sweep(8))).find((p) => p.id === 'final-error-by-sigma')!;
    expect(plot.caption).toContain('grey points: one per task');
    expect(plot.caption).not.toMatch(/\brun\b/);
    expect(legendOf(plot.option)).not.toContain('data');
    expect(legendOf(plot.option)).toContain('each task');
  });

  it('a sweep with more tasks per box than are drawn says the points are a sample', () => {
    const plot = sweepPlots(sweepFigures(sweep(5_000))).find((p) => p.id === 'final-error-by-sigma')!;
    expect(plot.caption).toContain('one per task (an even sample');
    expect(sweepPlots(sweepFigures(sweep(8)))[0].caption).not.toContain('sample');
  });

  it("an experiment's box plot keeps saying what its points are (fig. 1: sessions)", () => {
    const errors = [[4.18, 3.9, 4.05], [0.98, 1.1, 1.02]];
    const figure: BoxFigure = { kind: 'box', name: 'fig1_error_box', title: 'Error across sessions', xLabel: 'gains', yLabel: 'error', logY: true, categories: ['before', 'after'], boxes: errors.map((v) => boxStats(v)), points: errors, pointName: 'session' };
    const [plot] = experimentPlots({ figures: [figure], arrays: [], tables: [] } as unknown as ExperimentJobResult);
    expect(plot.caption).toContain('grey points: one per session');
    expect(legendOf(plot.option)).toEqual(['error', 'each session']);
    // a box figure without points mentions none
    const bare = experimentPlots({ figures: [{ ...figure, points: undefined }], arrays: [], tables: [] } as unknown as ExperimentJobResult)[0];
    expect(bare.caption).not.toContain('points');
  });
});
