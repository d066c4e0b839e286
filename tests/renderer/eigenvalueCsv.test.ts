/**
 * The analyses' eigenvalue plot and its CSV (src-renderer/plots/analysisOptions.ts eigenvaluePlot,
 * drawn by src-renderer/plots/spectrumOptions.ts): the plot is in 1/s (src-shared/plots/format.ts
 * EIGENVALUE_UNIT), and its CSV was in 1/ms under 're_per_ms', so a researcher plotting the CSV got
 * values 1000× smaller than the figure. The CSV's rows are now the plotted points, with the unit in
 * the header.
 */
import { describe, expect, it } from 'vitest';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';
import { analyseRun } from '../../src-renderer/components/analysis/runAnalysis.js';
import { eigenvaluePlot } from '../../src-renderer/plots/analysisOptions.js';

interface Series {
  name: string;
  data: Array<[number, number] | { trueValue: [number, number] }>;
}

describe('the eigenvalue plot’s CSV', () => {
  const network = syntheticNetwork();
  const target = syntheticTarget(network);
  const trained = Float64Array.from({ length: network.n }, (_, i) => 1 + 0.3 * Math.sin(i));
  const analysis = analyseRun({ network, target: target.values, initialError: 1, sessions: [{ bestGains: trained, bestError: 0.1 }] });
  const plot = eigenvaluePlot(analysis);
  const [header, ...lines] = plot.csv.trim().split('\n');
  const rows = lines.map((line) => line.split(','));
  const option = plot.option as { series: Series[]; xAxis: { name: string }; yAxis: { name: string } };

  it('names the plot’s unit, 1/s, in its header as in the axis titles', () => {
    expect(header.split(',')).toEqual(['gains', 're_per_s', 'im_per_s']);
    expect(option.xAxis.name).toBe('Re λ (1/s)');
    expect(option.yAxis.name).toBe('Im λ (1/s)');
  });

  it('has one row per plotted point, with the plotted values', () => {
    const key = ([re, im]: readonly [number, number]) => `${re.toPrecision(12)},${im.toPrecision(12)}`;
    const csvPoints = (which?: string) => rows.filter((row) => !which || row[0] === which).map((row) => key([Number(row[1]), Number(row[2])]));
    const drawn = (series: Series) => series.data.map((point) => key(Array.isArray(point) ? point : point.trueValue));
    // every set's points inside the view, and the points outside it at their true values
    const sets = option.series.filter((s) => s.name === 'before training' || s.name === 'after training' || /outside the view/.test(s.name));
    expect([...csvPoints()].sort()).toEqual(sets.flatMap(drawn).sort());
    for (const [name, which] of [['before training', 'before'], ['after training', 'after']]) {
      const inCsv = new Set(csvPoints(which));
      for (const point of drawn(sets.find((s) => s.name === name)!)) expect(inCsv.has(point), `${name} ${point}`).toBe(true);
    }
  });

  it('in 1/s: the mean real part is the trace over n, −1/τ with τ = 0.2 s (W has no self-connections)', () => {
    const tauSeconds = network.params.tau / 1000;
    for (const which of ['before', 'after']) {
      const re = rows.filter((row) => row[0] === which).map((row) => Number(row[1]));
      expect(re).toHaveLength(network.n);
      expect(re.reduce((sum, v) => sum + v, 0) / re.length).toBeCloseTo(-1 / tauSeconds, 9);
    }
  });
});
