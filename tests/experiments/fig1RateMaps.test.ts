/**
 * Fig. 1's rate and correlation maps and example neuron (src-shared/experiments/fig1.ts, drawn by
 * src-shared/experiments/figureOption.ts for the app and the CLI alike), read as the paper's
 * reader reads them:
 * - rates are relative to the baseline r0 (model-spec §1) on a diverging map whose middle is white:
 *   the scale is symmetric about 0, so white means "at baseline" (it ran from the smallest to the
 *   largest rate, −8.7 … 17.9 Hz on the published network, and put white at 4.6 Hz), and its ends
 *   say Hz;
 * - neurons are numbered from 1 with their kind, as the app's rate maps number them (they read
 *   0 … 199), and the example neuron of Supp. 1e is named by that number (its title said
 *   'Neuron 52' for the 53rd neuron).
 */
import { describe, expect, it } from 'vitest';
import { runFig1 } from '../../src-shared/experiments/fig1.js';
import { figureOption } from '../../src-shared/experiments/figureOption.js';
import type { HeatmapFigure } from '../../src-shared/experiments/figureSpec.js';

// the own small network (N = 40, 20 E) with a few trials: the figures' layout, not the learning
const result = runFig1({ quick: true, seed: 2, sessions: 2, trials: 20, noiseSamples: 2 });
const figure = (name: string) => {
  const found = result.figures.find((f) => f.name === name);
  if (!found) throw new Error(`no figure ${name}`);
  return found;
};
const array = (name: string) => result.arrays.find((a) => a.name === name)!.data;
type HeatmapOption = { visualMap: { min: number; max: number; text: string[] }; yAxis: { name: string; data: string[] }; xAxis: { data: string[] } };

describe('Fig. 1 rate maps: white is the baseline, neurons from 1', () => {
  it('the colour scale of both rate maps is symmetric about 0, as wide as the largest |rate| of either, in Hz', () => {
    let largest = 0;
    for (const name of ['rates_before', 'rates_after']) for (const v of array(name)) largest = Math.max(largest, Math.abs(v));
    expect(largest).toBeGreaterThan(0);
    for (const name of ['fig2_rates_before', 'fig2_rates_after']) {
      const map = figure(name) as HeatmapFigure;
      expect([map.min, map.max]).toEqual([-largest, largest]);
      const option = figureOption(map) as unknown as HeatmapOption;
      // 0 Hz (the baseline) sits in the middle of the map, where the diverging colours are white
      expect((option.visualMap.min + option.visualMap.max) / 2).toBe(0);
      expect(option.visualMap.text.every((end) => end.endsWith(' Hz'))).toBe(true);
    }
  });

  it('rows (and the correlation maps’ columns) are neurons 1 … N, E first', () => {
    const n = result.summary.n as number;
    for (const name of ['fig2_rates_before', 'supp1b_correlations_gains1']) {
      const option = figureOption(figure(name)) as unknown as HeatmapOption;
      expect(option.yAxis.data[0]).toBe('1');
      expect(option.yAxis.data.at(-1)).toBe(String(n));
      expect(option.yAxis.name).toBe(`neuron (E 1–${n / 2}, I ${n / 2 + 1}–${n})`);
    }
    const correlations = figureOption(figure('supp1b_correlations_gains1')) as unknown as HeatmapOption;
    expect(correlations.xAxis.data[0]).toBe('1');
    expect(correlations.xAxis.data.at(-1)).toBe(String(n));
  });

  it('the example neuron is named by its number from 1 and its kind; its curve is that neuron’s rate', () => {
    const { index } = (result.summary.rateTargetCorrelation as { exampleNeuron: { index: number } }).exampleNeuron;
    const n = result.summary.n as number;
    const example = figure('supp1e_example_neuron');
    expect(example.title).toMatch(new RegExp(`^Neuron ${index + 1} \\(${index < n / 2 ? 'E' : 'I'}\\): rate before and after`));
    // the drawn curve is column `index` (0-based) of the time-major rates
    const before = array('rates_before');
    const drawn = (example as { series: Array<{ y: ArrayLike<number> }> }).series[0].y;
    expect(Array.from(drawn)).toEqual(Array.from({ length: drawn.length }, (_, k) => before[k * n + index]));
  });
});
