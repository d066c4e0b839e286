import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { run, writeExperimentResult } from '../../src-cli/commands/experiment.js';
import { fig4 } from '../../src-shared/experiments/fig4.js';
import { fig6 } from '../../src-shared/experiments/fig6.js';
import { fig8 } from '../../src-shared/experiments/fig8.js';
import { supp3 } from '../../src-shared/experiments/supp3.js';
import { supp5 } from '../../src-shared/experiments/supp5.js';
import { parseNpy } from '../../src-shared/formats/npy.js';
import type { ExperimentResult } from '../../src-shared/experiments/support.js';

const outRoot = mkdtempSync(path.join(tmpdir(), 'gainlab-primitives-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

/** Every table non-empty and rectangular, every column with finite values, every array finite and of its shape. */
function expectComplete(result: ExperimentResult): void {
  expect(result.stopped).toBe(false);
  expect(result.tables.length).toBeGreaterThan(0);
  expect(result.arrays.length).toBeGreaterThan(0);
  for (const table of result.tables) {
    expect(table.rows.length, table.name).toBeGreaterThan(0);
    for (const row of table.rows) expect(row.length, table.name).toBe(table.columns.length);
    table.columns.forEach((column, c) => {
      const numbers = table.rows.map((row) => row[c]).filter((v): v is number => typeof v === 'number');
      if (numbers.length > 0) expect(numbers.some(Number.isFinite), `${table.name}.${column}`).toBe(true);
      expect(numbers.every((v) => Number.isFinite(v) || Number.isNaN(v)), `${table.name}.${column} has ±Infinity`).toBe(true);
    });
  }
  for (const array of result.arrays) {
    expect(array.data.length, array.name).toBe(array.shape.reduce((a, b) => a * b, 1));
    expect(array.data.length, array.name).toBeGreaterThan(0);
    expect(array.data.every(Number.isFinite), `${array.name} finite`).toBe(true);
  }
  // Round trip through the files the CLI writes.
  const dir = path.join(outRoot, result.name);
  const files = writeExperimentResult(result, dir);
  expect(files).toContain('summary.json');
  for (const table of result.tables) {
    const lines = readFileSync(path.join(dir, `${table.name}.csv`), 'utf8').trim().split('\n');
    expect(lines.length).toBe(table.rows.length + 1);
    expect(lines[0].split(',')).toEqual(table.columns);
  }
  for (const array of result.arrays) {
    const parsed = parseNpy(new Uint8Array(readFileSync(path.join(dir, `${array.name}.npy`))));
    expect(parsed.shape).toEqual(array.shape);
    expect(Array.from(parsed.data)).toEqual(Array.from(array.data));
  }
  expect((result.figures ?? []).length).toBeGreaterThan(0);
  for (const figure of result.figures ?? []) {
    const svg = readFileSync(path.join(dir, `${figure.name}.svg`), 'utf8');
    expect(svg.startsWith('<svg'), figure.name).toBe(true);
  }
  const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
  expect(summary.name).toBe(result.name);
  expect(summary.quick).toBe(true);
}

const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

type Summary = Record<string, any>;

describe('quick experiments produce complete results', () => {
  it('fig4: per-library errors for every size, both combination rules; the set-up names its departures', () => {
    const result = fig4.run({ quick: true, seed: 1 });
    expectComplete(result);
    const s = result.summary as Summary;
    expect(s.perSize.map((p: Summary) => p.l)).toEqual([1, 2, 4]);
    expect(s.leastSquaresPerSize.map((p: Summary) => p.l)).toEqual([1, 2, 4]);
    const perLibrary = result.tables.find((t) => t.name === 'per_library')!;
    expect(perLibrary.rows.length).toBe(2 * 3 * 5);
    // bounded coefficients never fit better than least squares on the same libraries and targets
    for (let k = 0; k < 3; k++) expect(s.perSize[k].medianFit).toBeGreaterThanOrEqual(s.leastSquaresPerSize[k].medianFit - 1e-12);
    expect(s.setup.paperSetup).toBe(false);
    expect(s.setup.departures.join(' ')).toContain('pool size 8 (paper 100)');
    expect(s.setup.definitions.map((d: Summary) => d.id)).toContain('primitives-combination');
  }, 120_000);

  it('supp3: learned, random and r0 = 5 Hz conditions over every size; the random outputs are more alike', () => {
    const result = supp3.run({ quick: true, seed: 1 });
    expectComplete(result);
    const s = result.summary as Summary;
    expect(s.perCondition.map((c: Summary) => c.condition)).toEqual(['learned', 'random', 'r0_5Hz']);
    for (const c of s.perCondition) expect(c.perSize.map((p: Summary) => p.l)).toEqual([1, 2, 4, 8]);
    expect(result.tables.find((t) => t.name === 'per_library')!.rows.length).toBe(3 * 4 * 6);
    expect(Number.isFinite(s.outputSimilarity.learned) && Number.isFinite(s.outputSimilarity.random)).toBe(true);
    expect(result.figures!.map((f) => f.name)).toEqual(expect.arrayContaining(['supp3a_gain_distribution', 'supp3g_per_library', 'supp3ij_correlations', 'supp4a_outputs_r0_5Hz']));
  }, 120_000);

  it('fig6: 6b/6c slow variants, the manifold at every speed, stretch factor vs λ', () => {
    const result = fig6.run({ quick: true, seed: 1 });
    expectComplete(result);
    const s = result.summary as Summary;
    expect(s.factors).toEqual([1, 2, 3]);
    expect(s.slowVariant.map((v: Summary) => v.figure)).toEqual(['6b', '6c']);
    expect(s.stretchFactorsByLambda.length).toBe(5);
    // λ = 0 plays the fast pattern: stretch factor 1
    expectClose(s.stretchFactorsByLambda[0].mean, 1, { rtol: 1e-3 });
    expect(s.setup.departures.join(' ')).toContain('speeds 3 (paper 7)');
  }, 120_000);

  it('supp5: both rules per movement, Supp. 8 fixed and scaled, the m sweep, eigenvalue histograms', () => {
    const result = supp5.run({ quick: true, seed: 1 });
    expectComplete(result);
    const s = result.summary as Summary;
    expect(s.perMovement.length).toBe(2);
    expect(s.conditionSweep.map((c: Summary) => c.m)).toEqual([1, 2, 3]);
    // the scaled task's error is larger by about s² = 25 at the start (normalised by a 25× smaller variance)
    expect(s.supp8.scaled.reward.initial / s.supp8.fixed.reward.initial).toBeGreaterThan(100);
    const hist = result.tables.find((t) => t.name === 'eigenvalue_histograms')!;
    for (const spectrum of ['before', 'after (reward)', 'after (gradient)']) {
      for (const part of ['real', 'imag']) {
        const total = hist.rows.filter((r) => r[0] === spectrum && r[1] === part).reduce((sum, r) => sum + (r[4] as number), 0);
        expect(total, `${spectrum} ${part}`).toBe(40);
      }
    }
  }, 180_000);

  it('fig8: fast, slow and factorised errors for every novel target', () => {
    const result = fig8.run({ quick: true, seed: 1 });
    expectComplete(result);
    const s = result.summary as Summary;
    for (const v of Object.values(s.medians)) expect(Number.isFinite(v as number)).toBe(true);
    expect(result.tables.find((t) => t.name === 'novel_errors')!.rows.length).toBe(6);
  }, 120_000);

  it('the command rejects an unknown experiment and a setting the experiment does not take', async () => {
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true } };
    await expect(run(['fig99', '--out', outRoot], io)).rejects.toThrow(/unknown experiment 'fig99'/);
    await expect(run(['fig4', '--quick', '--sessions', '3', '--out', outRoot], io)).rejects.toThrow(/fig4 takes no 'sessions' setting/);
    await expect(run(['fig1', '--quick', '--sigma', '-1', '--out', outRoot], io)).rejects.toThrow(/overrides\.sigma/);
    expect(await run(['--help'], io)).toBe(0);
    expect(out.join('')).toContain('fig8');
    expect(out.join('')).toContain('GainLab definitions');
  });
});
