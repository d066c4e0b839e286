import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRIMITIVE_EXPERIMENTS, run, writeExperimentResult } from '../../src-cli/commands/experimentPrimitives.js';
import { parseNpy } from '../../src-shared/model/npy.js';
import type { ExperimentResult } from '../../src-shared/primitives/experimentSupport.js';

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

describe('quick experiments produce complete results', () => {
  it('fig4', () => {
    const result = PRIMITIVE_EXPERIMENTS.fig4.run({ quick: true, seed: 1 });
    expectComplete(result);
    const s = result.summary as Record<string, any>;
    expect(finite(s.medianFitError) && finite(s.medianOutputError)).toBe(true);
    expect(result.tables.find((t) => t.name === 'novel_targets')!.rows.length).toBe(6);
    // The library patterns learned something: each beats g = 1 on its own target.
    const library = result.tables.find((t) => t.name === 'library')!;
    expect(library.rows.length).toBe(4);
    expect(finite(s.refine.refinedBestError)).toBe(true);
    expect(s.refine.refinedBestError).toBeLessThanOrEqual(s.refine.combinationError);
  }, 120_000);

  it('supp3', () => {
    const result = PRIMITIVE_EXPERIMENTS.supp3.run({ quick: true, seed: 1 });
    expectComplete(result);
    const s = result.summary as Record<string, any>;
    expect(s.perCondition.map((c: any) => c.condition)).toEqual(['learned', 'learned_ridge', 'random_control', 'r0_5Hz']);
    for (const c of s.perCondition) expect(c.perSize.map((p: any) => p.l)).toEqual([1, 2, 4, 6]);
    expect(result.tables.find((t) => t.name === 'sweep')!.rows.length).toBe(4 * 4 * 5);
  }, 120_000);

  it('fig6', () => {
    const result = PRIMITIVE_EXPERIMENTS.fig6.run({ quick: true, seed: 1 });
    expectComplete(result);
    const s = result.summary as Record<string, any>;
    expect(s.factors).toEqual([1, 2, 3]);
    for (let k = 1; k < 3; k++) expect(s.learnedErrors[k]).toBeLessThan(s.initialErrors[k]);
    expect(s.stretchFactorsByLambda.length).toBe(5);
    expect(finite(s.slider.previewMsMedian) && finite(s.slider.exactMsMedian)).toBe(true);
  }, 120_000);

  it('supp5', () => {
    const result = PRIMITIVE_EXPERIMENTS.supp5.run({ quick: true, seed: 1 });
    expectComplete(result);
    const s = result.summary as Record<string, any>;
    expect(s.slowVariantTask.length).toBe(4);
    for (const task of s.slowVariantTask) expect(task.errorAfter).toBeLessThan(task.errorBefore);
    // Histograms count every eigenvalue once per spectrum and part.
    const hist = result.tables.find((t) => t.name === 'eigenvalue_histograms')!;
    for (const spectrum of ['before', 'after_reward', 'after_gradient']) {
      for (const part of ['real', 'imag']) {
        const total = hist.rows.filter((r) => r[0] === spectrum && r[1] === part).reduce((sum, r) => sum + (r[4] as number), 0);
        expect(total, `${spectrum} ${part}`).toBe(40);
      }
    }
  }, 120_000);

  it('fig8', () => {
    const result = PRIMITIVE_EXPERIMENTS.fig8.run({ quick: true, seed: 1 });
    expectComplete(result);
    const s = result.summary as Record<string, any>;
    for (const v of Object.values(s.medians)) expect(finite(v)).toBe(true);
    expect(result.tables.find((t) => t.name === 'novel_errors')!.rows.length).toBe(6);
  }, 120_000);

  it('the command rejects an unknown experiment and prints help', async () => {
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true } };
    await expect(run(['fig99', '--out', outRoot], io)).rejects.toThrow(/unknown experiment 'fig99'/);
    expect(await run(['--help'], io)).toBe(0);
    expect(out.join('')).toContain('fig8');
  });
});
