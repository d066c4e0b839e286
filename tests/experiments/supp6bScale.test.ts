/**
 * Supp. 6b bottom (src-shared/experiments/fig6.ts, drawn by src-shared/experiments/figureOption.ts):
 * the straight interpolation of every group's gain is read against the top map (Fig. 6e, white =
 * gain 1), so it shares that colour scale; on its own range (0.25 … 1.02 on the published network)
 * white stood for gain 0.63. Its rows are labelled by λ (they were 'λ step' 0, 1, 2, …).
 */
import { describe, expect, it } from 'vitest';
import { runFig6 } from '../../src-shared/experiments/fig6.js';
import { figureOption } from '../../src-shared/experiments/figureOption.js';
import type { HeatmapFigure } from '../../src-shared/experiments/figureSpec.js';

describe('Supp. 6b bottom on the scale of the top map', () => {
  it('same colour scale as Fig. 6e (gain 1 in the middle), every interpolated gain inside it, rows named by λ', () => {
    const r = runFig6({ quick: true, seed: 1, settings: { n: 30, groups: 6, speeds: 3, maxFactor: 3, iterations: 3, lambdaStep: 0.25, sliderUpdates: 1 } });
    const map = (name: string) => (r.figures ?? []).find((f) => f.name === name) as HeatmapFigure;
    const top = map('fig6e_supp6b_group_gains');
    const bottom = map('supp6b_interpolation');
    expect([bottom.min, bottom.max]).toEqual([top.min, top.max]);
    expect(((bottom.min ?? NaN) + (bottom.max ?? NaN)) / 2).toBeCloseTo(1, 12);
    for (const g of Array.from(bottom.data)) expect(g >= (bottom.min ?? NaN) - 1e-12 && g <= (bottom.max ?? NaN) + 1e-12).toBe(true);
    // row k is the gains at λ = k/4: the first row the fast pattern (the top map's first column), the last the slow one
    const option = figureOption(bottom) as unknown as { yAxis: { name: string; data: string[] } };
    expect(option.yAxis.name).toBe('λ');
    expect(option.yAxis.data).toEqual(['0', '0.25', '0.5', '0.75', '1']);
    for (let g = 0; g < bottom.cols; g++) {
      expect(bottom.data[g]).toBeCloseTo(top.data[g * top.cols], 12);
      expect(bottom.data[(bottom.rows - 1) * bottom.cols + g]).toBeCloseTo(top.data[g * top.cols + top.cols - 1], 12);
    }
  });
});
