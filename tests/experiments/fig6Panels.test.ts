/**
 * Fig. 6b–c and 6e / Supp. 6b against the legend (/work/shared/docs/figure-panels.md, model-spec §10), on a tiny run.
 * Supp. 5e–g show the 6b–c runs too (tests/experiments/supp5Panels.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { runFig6 } from '../../src-shared/experiments/fig6.js';
import type { HeatmapFigure, LinesFigure } from '../../src-shared/experiments/figureSpec.js';
import { socNetwork } from '../../src-shared/experiments/support.js';
import { computeOutput, simulateReference } from '../../src-shared/model/dynamics.js';
import { DEFAULT_DYNAMICS, slowParams } from '../../src-shared/model/params.js';

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

  it('6b–c: the gains it exports are the ones whose outputs the panels draw (what Supp. 5e–g take)', () => {
    const n = 30;
    const maxFactor = 3;
    const r = runFig6({ quick: true, seed: 1, settings: { n, groups: 6, speeds: 2, maxFactor, trials: 8, iterations: 3, lambdaStep: 0.5, sliderUpdates: 1 } });
    const net = socNetwork(n, 1).network;
    const x0s = r.arrays.find((a) => a.name === 'initial_conditions')!;
    const slow = slowParams(DEFAULT_DYNAMICS, maxFactor);
    for (const tag of ['6b', '6c']) {
      const gains = r.arrays.find((a) => a.name === `slow_variant_gains_${tag}`)!;
      expect(gains.shape).toEqual([n]);
      const panel = (r.figures ?? []).find((f) => f.name === `fig${tag}_slow_variant`) as LinesFigure;
      for (let m = 0; m < 2; m++) {
        // the plain float64 reference simulation from initial condition m with those gains
        const sim = simulateReference(net.W, n, x0s.data.slice(m * n, (m + 1) * n), gains.data, slow);
        const expected = computeOutput(sim.rates, slow.nSamples, n, net.nE, net.readout);
        const drawn = panel.series.find((s) => s.name === `output ${m + 1}`)!.y;
        expect(drawn.length).toBe(slow.nSamples);
        for (let k = 0; k < slow.nSamples; k += 7) expect(drawn[k]).toBeCloseTo(expected[k], 8);
      }
    }
  });
});
