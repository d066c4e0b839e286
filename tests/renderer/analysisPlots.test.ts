/**
 * Run analyses on a small synthetic network: numbers against independent computations, every plot
 * has an option and a CSV of its data, and the SVG export renders the plot's series as vectors.
 * Tooltips read like the captions: neuron and session numbers whole ("neuron 27", once "27.00"),
 * values to 3 significant digits (once all 17 digits of a double).
 */
import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';
import { computeOutput, normalisedError, simulateReference } from '../../src-shared/model/dynamics.js';
import { Rng } from '../../src-shared/model/rng.js';
import { analyseRun, noisyX0Curve } from '../../src-renderer/components/analysis/runAnalysis.js';
import { analysisPlots } from '../../src-renderer/plots/analysisOptions.js';
import { plotToSvg } from '../../src-renderer/plots/exportPlot.js';
import { chosenSnapshots, watchedNeurons } from '../../src-renderer/plots/trainingOptions.js';

const network = syntheticNetwork();
const target = syntheticTarget(network);
const n = network.n;
const rng = new Rng(4);
const sessions = [0, 1, 2].map(() => {
  const gains = Float64Array.from({ length: n }, () => 1 + 0.1 * rng.normal());
  return { bestGains: gains, bestError: errorOf(gains) };
});
const bestSession = sessions.reduce((b, s, k) => (s.bestError < sessions[b].bestError ? k : b), 0);

function errorOf(gains: Float64Array): number {
  const { rates } = simulateReference(network.W, n, network.x0, gains, network.params);
  return normalisedError(computeOutput(rates, network.params.nSamples, n, network.nE, network.readout), target.values, 1, network.params.nSamples);
}

describe('run analysis', () => {
  const ones = new Float64Array(n).fill(1);
  const analysis = analyseRun({ network, target: target.values, initialError: errorOf(ones), sessions });

  it('errors before/after match the reference simulation; correlations and eigenvalues are consistent', () => {
    expectClose(analysis.errorBefore, errorOf(ones), { rtol: 1e-9 });
    expectClose(analysis.errorAfter, sessions[bestSession].bestError, { rtol: 1e-9 });
    expect(analysis.bestSession).toBe(bestSession);
    expect(analysis.correlationPatterns.length).toBe(2);
    for (let i = 0; i < n; i++) {
      expect(analysis.correlationPatterns[0].matrix[i * n + i]).toBe(1);
      for (let j = 0; j < n; j++) expect(analysis.correlationBefore[i * n + j]).toBe(analysis.correlationBefore[j * n + i]);
    }
    // Σ eigenvalues = trace((−I + W diag g)/τ)
    const tau = network.params.tau;
    let trace = 0;
    for (let i = 0; i < n; i++) trace += (-1 + network.W[i * n + i] * sessions[bestSession].bestGains[i]) / tau;
    expectClose(analysis.eigenvaluesAfter.re.reduce((s, v) => s + v, 0), trace, { rtol: 1e-9, atol: 1e-12 });
    expect(analysis.sessionGainCorrelations.length).toBe(3);
    expect(analysis.finalErrors).toEqual(sessions.map((s) => s.bestError));
    expect(analysis.wilcoxon.nUsed).toBeLessThanOrEqual(3);
    expect(analysis.abscissaAfter.length).toBe(3);
  });

  it('every plot has an option and a CSV; the SVG export draws the series', () => {
    const plots = analysisPlots(analysis, null);
    expect(plots.map((p) => p.id)).toEqual([
      'best-output', 'error-box', 'gain-distribution', 'rates-before', 'rates-after',
      'correlations-before', 'correlations-pattern-1', 'correlations-pattern-2', 'session-correlations', 'eigenvalues',
      'spectral-abscissa', 'rate-target', 'rate-target-change', 'example-neuron',
    ]);
    const output = plots[0];
    expect(output.csv.trim().split('\n').length).toBe(network.params.nSamples + 1);
    expect(output.csv.split('\n')[0]).toBe('time_ms,target_ch1,before_ch1,trained_ch1');
    expect(plots[1].csv.trim().split('\n').slice(1).map((row) => Number(row.split(',')[1]))).toEqual(sessions.map((s) => s.bestError));
    const svg = plotToSvg(output.option, output.title);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('best trained');
    expect(svg).toContain('<path');
    const box = plotToSvg(plots[1].option, plots[1].title);
    expect(box.startsWith('<svg')).toBe(true);
  });

  it('tooltips: neurons and sessions as whole numbers, values to 3 significant digits', () => {
    type Formatter = (params: unknown) => string;
    const plots = analysisPlots(analysis, noisyX0Curve({ network, target: target.values, initialError: errorOf(ones), sessions, snrDb: [0, 20], draws: 2, runSeed: 3 }));
    const tooltipOf = (id: string) => {
      const plot = plots.find((p) => p.id === id);
      expect(plot, id).toBeDefined();
      return (plot!.option as { tooltip: { formatter: Formatter } }).tooltip.formatter;
    };
    // what ECharts passes an axis tooltip: one point per series, data [x, y]
    const at = (series: { name: string; data: unknown }[], index: (data: number[][]) => number) =>
      series.map((one) => {
        const data = one.data as number[][];
        const k = index(data);
        return { seriesName: one.name, marker: '', value: data[k], dataIndex: k };
      });
    const seriesOf = (id: string) => (plots.find((p) => p.id === id)!.option as { series: { name: string; data: unknown }[] }).series;
    const longDigits = /\d\.\d{4,}/; // a number shown with all its digits
    const significantDigits = (text: string) => text.replace(/e.*$/, '').replace(/[^0-9]/g, '').replace(/^0+/, '').length;

    const i = n - 2; // a neuron number with no digits after the point: "neuron 11", not "11.00"
    const rate = tooltipOf('rate-target')(at(seriesOf('rate-target'), () => i));
    expect(rate).toContain(`neuron ${i + 1}<br/>`);
    expect(rate).not.toContain(`${i + 1}.0`);
    expect(rate).toContain(`<b>${analysis.rateTargetBefore[i].toPrecision(3)}</b>`);
    expect(rate).not.toMatch(longDigits);
    expect(significantDigits(rate.match(/<b>([^<]*)<\/b>/)![1])).toBeLessThanOrEqual(3);

    for (const id of ['gain-distribution', 'session-correlations', 'spectral-abscissa', 'rate-target-change', 'example-neuron', 'noisy-x0']) {
      const text = tooltipOf(id)(at(seriesOf(id).filter((one) => Array.isArray((one.data as unknown[])[0])), (data) => Math.min(1, data.length - 1)));
      const values = [...text.matchAll(/<b>([^<]*)<\/b>/g)].map((m) => m[1]);
      expect(values.length, id).toBeGreaterThan(0);
      for (const value of values) expect(significantDigits(value), `${id}: ${value}`).toBeLessThanOrEqual(3);
      expect(text.split('<br/>')[0], id).not.toMatch(longDigits);
    }
    expect(tooltipOf('spectral-abscissa')(at(seriesOf('spectral-abscissa'), () => 0).slice(1))).toContain('session 1');
    const change = tooltipOf('rate-target-change')(at(seriesOf('rate-target-change'), () => 0));
    const lowest = Array.from(analysis.rateTargetChange).indexOf(Math.min(...analysis.rateTargetChange));
    expect(change).toContain(`neuron ${lowest + 1} (rank 1)`);

    const box = tooltipOf('error-box');
    expect(box({ seriesType: 'scatter', dataIndex: 1 })).toBe(`session 2<br/>best error ${analysis.finalErrors[1].toPrecision(3)}`);
    expect(box({ seriesType: 'boxplot', dataIndex: 0 })).toContain(`median ${analysis.errorBox.median.toPrecision(3)}`);
  });

  it('largest real part (Supp. 1a): the starting gains’ value is a line across the axis, also with one session (every gradient run)', () => {
    const one = analyseRun({ network, target: target.values, initialError: errorOf(ones), sessions: sessions.slice(0, 1) });
    const plot = analysisPlots(one, null).find((p) => p.id === 'spectral-abscissa')!;
    const option = plot.option as { xAxis: { min: number; max: number }; series: { name: string; data: number[][] }[] };
    const before = option.series.find((s) => s.name === 'before')!;
    // a line needs two points: with one point per session, one session drew nothing
    expect(before.data.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...before.data.map((p) => p[0]))).toBe(option.xAxis.min);
    expect(Math.max(...before.data.map((p) => p[0]))).toBe(option.xAxis.max);
    for (const point of before.data) expect(point[1]).toBe(one.abscissaBefore);
  });

  it('noisy x0 (Supp. 1d): at very high SNR the noisy output is the noise-free one; at low SNR it is not', () => {
    const curve = noisyX0Curve({ network, target: target.values, initialError: errorOf(ones), sessions, snrDb: [0, 200], draws: 8, runSeed: 3 });
    expect(curve.after[1].mean).toBeLessThan(1e-12);
    expect(curve.before[1].mean).toBeLessThan(1e-12);
    expect(curve.before[0].mean).toBeGreaterThan(1e-3);
    expect(curve.after[0].sd).toBeGreaterThan(0);
    expect(curve.patterns).toBe(3);
  });

  it('live training picks: neurons over E and I, snapshots spread from first to latest', () => {
    expect(watchedNeurons(200)).toEqual([0, 40, 80, 119, 159, 199]);
    const snaps = Array.from({ length: 41 }, (_, k) => ({ session: 0, trial: k * 125, gains: new Float64Array(1) }));
    expect(chosenSnapshots(snaps, 5).map((s) => s.trial)).toEqual([0, 1250, 2500, 3750, 5000]);
    expect(chosenSnapshots(snaps.slice(0, 3), 5).map((s) => s.trial)).toEqual([0, 125, 250]);
  });
});
