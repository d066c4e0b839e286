import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { runFig1 } from '../../src-shared/experiments/fig1.js';
import { runSupp1f } from '../../src-shared/experiments/supp1f.js';
import { runSupp2 } from '../../src-shared/experiments/supp2.js';
import type { FigureExperimentResult } from '../../src-shared/experiments/support.js';
import { iterationsToWithin, runningMinimum } from '../../src-shared/experiments/gainExperimentSupport.js';
import { parseNpy } from '../../src-shared/formats/npy.js';
import { renderFigureSvg } from '../../src-cli/svg/figures.js';
import { run as experimentCommand } from '../../src-cli/commands/experiment.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'gainlab-experiments-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

function checkComplete(result: FigureExperimentResult): void {
  expect(result.stopped).toBe(false);
  for (const a of result.arrays) {
    expect(a.data.length, a.name).toBe(a.shape.reduce((p, s) => p * s, 1));
  }
  for (const t of result.tables) for (const row of t.rows) expect(row.length, t.name).toBe(t.columns.length);
  expect(result.figures.length).toBeGreaterThan(0);
}

describe('training experiments (tiny settings)', () => {
  it('iterationsToWithin and runningMinimum by hand', () => {
    const errors = [10, 5, 3, 2.02, 2.5, 2, 2.1];
    expect(iterationsToWithin(errors, 0.01)).toBe(3); // 2.02 ≤ 1.01·2
    expect(iterationsToWithin(errors, 0.001)).toBe(5);
    expect(Array.from(runningMinimum(errors))).toEqual([10, 5, 3, 2.02, 2.02, 2, 2]);
  });

  it('fig1: sessions, errors, analyses and figures', () => {
    const r = runFig1({ quick: true, seed: 1, sessions: 2, trials: 60, noiseSamples: 4 });
    checkComplete(r);
    const n = r.summary.n as number;
    expect(n).toBe(40);
    const curves = r.arrays.find((a) => a.name === 'error_curves')!;
    expect(curves.shape).toEqual([2, 61]);
    expect(allFinite(curves.data)).toBe(true);
    const finals = r.summary.finalErrors as number[];
    expect(finals.length).toBe(2);
    expect(r.arrays.find((a) => a.name === 'rates_before')!.shape).toEqual([200, n]);
    const noise = r.summary.noise as { trained: { mean: number[] }; gains1: { mean: number[] } };
    expect(allFinite(noise.trained.mean) && allFinite(noise.gains1.mean)).toBe(true);
    expect(r.figures.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'fig1_error_curves', 'fig1_error_box', 'fig1e_gain_distribution', 'fig2_rates_before', 'supp1b_correlations_gains1', 'supp1b_correlations_pattern1',
        'supp1b_correlations_pattern2', 'supp1c_gain_pattern_correlations', 'fig3_eigenvalues', 'supp1a_spectral_abscissa', 'supp1d_noise_robustness',
        'supp1e_rate_target_correlation', 'supp1e_change_per_neuron', 'supp1e_example_neuron',
      ]),
    );
    const setup = r.summary.setup as { paperSetup: boolean; departures: string[] };
    expect(setup.paperSetup).toBe(false);
    expect(setup.departures).toEqual(expect.arrayContaining(['sessions 2 (paper 10)', 'trials 60 (paper 5000)']));
    for (const csv of r.csv) expect(csv.text.split('\n').length, csv.name).toBeGreaterThan(2);
    // an SVG of the error curves shows the sessions, counted from 1 as the workspace counts them
    const svg = renderFigureSvg(r.figures.find((f) => f.name === 'fig1_error_curves')!);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('session 1');
    expect(svg).toContain('session 2');
    expect(svg).not.toContain('session 0');
    // the titles that name one session name it the same way (analyses.bestOutput.session is an index)
    const best = r.figures.find((f) => f.name === 'fig1_best_output')!;
    expect(best.title).toBe(`Best output (session ${(r.summary.bestSession as number) + 1}) vs target`);
    // the summary's largest Re λ in the unit its name gives and the figure draws (1/s): the
    // rightmost point of fig3_eigenvalues; with τ = 200 ms, 1000·(α − 1)/200 for gains 1
    const maxRe = r.summary.maxRealEigenvaluePerSecond as { before: number; after: number };
    const spectrum = r.figures.find((f) => f.name === 'fig3_eigenvalues') as unknown as { series: Array<{ name: string; x: ArrayLike<number> }> };
    expect(maxRe.before).toBe(Math.max(...Array.from(spectrum.series.find((s) => s.name === 'before')!.x)));
    expect(maxRe.after).toBe(Math.max(...Array.from(spectrum.series.find((s) => s.name === 'after')!.x)));
    expect(maxRe.before).toBeLessThan(0);
    expect(maxRe.before).toBeGreaterThan(-5);
    const abscissa = r.figures.find((f) => f.name === 'supp1a_spectral_abscissa') as unknown as { series: Array<{ x: number[] }> };
    expect(abscissa.series[1].x).toEqual([1, 2]);
    expect(svg).toContain('<path');
  });

  it('supp1f: every trainable on every target', () => {
    const r = runSupp1f({ quick: true, seed: 1, targets: 2, iterations: 4 });
    checkComplete(r);
    const finals = r.summary.finalErrors as Record<string, number[]>;
    expect(Object.keys(finals).sort()).toEqual(['W', 'gains', 'rank1', 'x0']);
    const rows = r.tables[0].rows;
    expect(rows.length).toBe(8);
    for (const row of rows) expect(Number.isFinite(row[4] as number)).toBe(true);
    expect(Number.isFinite(r.summary.meanInitialError as number)).toBe(true);
    const box = renderFigureSvg(r.figures[0]);
    expect(box.startsWith('<svg')).toBe(true);
    expect(box).toContain('rank1');
    expect(box).toContain('mean error before training');
  });

  it('supp2: every panel of the legend, random groups per session, relative improvement E_NS / E_G', () => {
    const r = runSupp2({
      quick: true,
      seed: 1,
      settings: { trials: 30, sessions: 2, movements: 2, novelMovements: 1, specialiseIterations: 5, groupCounts: [2, 10, 0], improvementGroups: [10], sharedGroups: 10, sizes: [30], sizeGroups: [10] },
    });
    checkComplete(r);
    const s = r.summary as Record<string, any>;
    expect(s.panelA.map((a: any) => a.G)).toEqual([2, 10, 40]);
    // neuron-specific is one condition shown on both sides
    expect(s.panelA[2].random).toEqual(s.panelA[2].specialised);
    // b: E_NS / E_G per movement, from the runs table
    const runs = r.tables.find((t) => t.name === 'runs')!.rows;
    const meanOf = (condition: string) => {
      const v = runs.filter((row) => row[2] === condition).map((row) => row[6] as number);
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    expectClose(s.relativeImprovement[0].shared[1], meanOf('movement 1: neuron-specific') / meanOf('movement 1: 10 shared specialised groups'), { rtol: 1e-12 });
    expect(r.figures.map((f) => f.name)).toEqual(
      expect.arrayContaining(['supp2a_groups', 'supp2b_relative_improvement', 'supp2c_movements', 'supp2d_novel_movements', 'supp2e_rates_N30', 'supp2f_targets_G10', 'supp2g_outputs_N30_G10', 'supp2h_min_error', 'supp2h_trials_to_1pct']),
    );
    // conditions: a (2 random + 2 specialised + NS), per movement NS + shared + per-movement + random, novel NS + shared + random, sizes
    expect(new Set(runs.map((row) => row[2])).size).toBe(5 + 2 * 4 + 3 + 2);
    for (const row of runs) expect((row[7] as number) >= 0 && (row[7] as number) <= 30).toBe(true);
  });

  it('gainlab experiment supp1f --quick writes CSV, .npy, SVG and summary.json', async () => {
    const out = path.join(tmp, 'supp1f');
    let stdout = '';
    const code = await experimentCommand(['supp1f', '--quick', '--out', out], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } });
    expect(code).toBe(0);
    const line = JSON.parse(stdout.trim());
    expect(line.name).toBe('supp1f');
    const files = readdirSync(out).sort();
    expect(files).toEqual(
      expect.arrayContaining(['final_errors.csv', 'error_curves_gains.npy', 'error_curves_W.npy', 'supp1f_final_errors.svg', 'supp1f_error_curves.svg', 'summary.json']),
    );
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.files.sort()).toEqual(files);
    const npy = parseNpy(new Uint8Array(readFileSync(path.join(out, 'error_curves_gains.npy'))));
    expect(npy.shape).toEqual([3, 31]);
    expect(allFinite(npy.data)).toBe(true);
    const svg = readFileSync(path.join(out, 'supp1f_error_curves.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const name of ['gains', 'x0', 'W', 'rank1']) expect(svg).toContain(`>${name}<`);
  });

  it('gainlab experiment --help lists the training and the primitive experiments', async () => {
    let stdout = '';
    await experimentCommand(['--help'], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } });
    for (const name of ['fig1', 'supp1f', 'supp2', 'fig4']) expect(stdout).toContain(name);
  });
});
