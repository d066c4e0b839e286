/**
 * Fig. 6e / Supp. 6b against the legend (/work/shared/docs/figure-panels.md, model-spec §10), on a tiny run.
 */
import { describe, expect, it } from 'vitest';
import { runFig6 } from '../../src-shared/experiments/fig6.js';
import type { HeatmapFigure } from '../../src-shared/experiments/figureSpec.js';

describe('Fig. 6e (tiny)', () => {
  it('columns are the speeds as durations from T to the slowest (evenly spaced), colours centred on gain 1', () => {
    const maxFactor = 3;
    const speeds = 3;
    const r = runFig6({ quick: true, seed: 1, settings: { n: 30, groups: 6, speeds, maxFactor, iterations: 3, lambdaStep: 0.5, sliderUpdates: 1 } });
    const e = (r.figures ?? []).find((f) => f.name === 'fig6e_supp6b_group_gains') as HeatmapFigure;
    expect(e.cols).toBe(speeds);
    // model-spec §10: evenly spaced durations from T to maxFactor·T
    for (let c = 0; c < speeds; c++) expect((e.xStart ?? NaN) + c * (e.xStep ?? NaN)).toBeCloseTo(1 + ((maxFactor - 1) * c) / (speeds - 1), 1);
    expect(e.xLabel).toContain('T');
    // gain 1 is the middle of the colour scale, and every gain is inside it
    expect(((e.min ?? NaN) + (e.max ?? NaN)) / 2).toBeCloseTo(1, 12);
    for (const g of Array.from(e.data)) expect(g >= (e.min ?? NaN) - 1e-12 && g <= (e.max ?? NaN) + 1e-12).toBe(true);
  });
});
