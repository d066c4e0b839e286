import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFig1 } from '../../src-shared/experiments/fig1.js';
import { runSupp1f } from '../../src-shared/experiments/supp1f.js';
import { runSupp2 } from '../../src-shared/experiments/supp2.js';
import type { FigureExperimentResult } from '../../src-shared/primitives/experimentSupport.js';
import { iterationsToWithin, runningMinimum } from '../../src-shared/experiments/gainExperimentSupport.js';
import { parseNpy } from '../../src-shared/model/npy.js';
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
    // the best error never exceeds the error before training
    for (let s = 0; s < 2; s++) expect(finals[s]).toBeLessThanOrEqual(curves.data[s * 61]);
    expect(r.arrays.find((a) => a.name === 'correlations_after')!.shape).toEqual([n, n]);
    expect(r.arrays.find((a) => a.name === 'rates_before')!.shape).toEqual([200, n]);
    const noise = r.summary.noise as { meanError: number[] };
    expect(allFinite(noise.meanError)).toBe(true);
    expect(r.figures.map((f) => f.name)).toEqual(
      expect.arrayContaining(['fig1_error_curves', 'fig1_error_box', 'fig1_gain_distribution', 'fig2_rates_before', 'fig2_correlations_after', 'fig3_eigenvalues', 'fig3_noise_robustness', 'fig3_rate_target_correlation']),
    );
    for (const csv of r.csv) expect(csv.text.split('\n').length, csv.name).toBeGreaterThan(2);
    // an SVG of the error curves shows the sessions
    const svg = renderFigureSvg(r.figures.find((f) => f.name === 'fig1_error_curves')!);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('session 0');
    expect(svg).toContain('session 1');
    expect(svg).toContain('<path');
  });

  it('supp1f: every trainable on every target, finite errors below the start', () => {
    const r = runSupp1f({ quick: true, seed: 1, targets: 2, iterations: 4 });
    checkComplete(r);
    const finals = r.summary.finalErrors as Record<string, number[]>;
    expect(Object.keys(finals).sort()).toEqual(['W', 'gains', 'rank1', 'x0']);
    const rows = r.tables[0].rows;
    expect(rows.length).toBe(8);
    for (const row of rows) {
      const [, , , initial, best] = row as [number, number, string, number, number];
      expect(Number.isFinite(best)).toBe(true);
      expect(best).toBeLessThanOrEqual(initial);
    }
    expect(Number.isFinite(r.summary.meanInitialError as number)).toBe(true);
    const box = renderFigureSvg(r.figures[0]);
    expect(box.startsWith('<svg')).toBe(true);
    expect(box).toContain('rank1');
    expect(box).toContain('mean error before training');
  });

  it('supp2: group conditions, shared and novel movements, sizes', () => {
    const r = runSupp2({
      quick: true,
      seed: 1,
      settings: { trials: 30, sessions: 2, trainingMovements: 2, novelMovements: 1, specialiseIterations: 5, groupCounts: [2, 10, 0], sizes: [40], sizeGroups: [10, 20] },
    });
    checkComplete(r);
    const curves = r.arrays.find((a) => a.name === 'ab_mean_error_curves')!;
    // G = 2 and 10, random and specialised, plus neuron-specific
    expect(curves.shape).toEqual([5, 31]);
    expect(allFinite(curves.data)).toBe(true);
    const groups = r.arrays.find((a) => a.name === 'shared_specialised_groups')!.data;
    expect(new Set(groups).size).toBe(10);
    const sizes = r.summary.sizes as Array<{ n: number; G: number; trialsTo1Percent: number[] }>;
    expect(sizes.map((s) => [s.n, s.G])).toEqual([[40, 10], [40, 20]]);
    for (const s of sizes) for (const k of s.trialsTo1Percent) expect(k >= 0 && k <= 30).toBe(true);
    const runs = r.tables.find((t) => t.name === 'runs')!;
    // (5 conditions + 2 movements × 2 + 1 novel × 2 + 2 sizes) × 2 sessions
    expect(runs.rows.length).toBe((5 + 4 + 2 + 2) * 2);
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
