/**
 * Sessions are numbered from 1 in every CSV GainLab writes, as the app shows them ("session 1"),
 * while .npy rows stay 0-based (src-shared/formats/sessionNumbers.ts). Two paths agree: the CSVs of
 * `gainlab experiment fig1` (src-cli/commands/experiment.ts; src-shared/experiments/fig1.ts,
 * src-shared/analysis/runAnalyses.ts runAnalysesCsv) pair session k + 1 with row k of the .npy
 * arrays, and the export's CSVs give each session the number the app's own analysis plots give it
 * (src-renderer/plots/analysisOptions.ts through src-renderer/components/analysis/runAnalysis.ts).
 * Neurons too are numbered from 1 in both (src-shared/analysis/statistics.ts neuronMatrixCsv).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { parseNpy } from '../../src-shared/formats/npy.js';
import { analyseRun as analyseFinishedRun, runAnalysesCsv } from '../../src-shared/analysis/runAnalyses.js';
import { computeOutput, normalisedError, simulateReference } from '../../src-shared/model/dynamics.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { analysisView, finishedRun, type RunAnalysisInput } from '../../src-renderer/components/analysis/runAnalysis.js';
import { abscissaPlot, correlationMatrixPlot, errorBoxPlot, rateTargetPlot } from '../../src-renderer/plots/analysisOptions.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'gainlab-sessions-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A CSV text as its header and rows of cells (cells with a comma or quote are quoted, src-shared/experiments/figureData.ts csvCell; none spans lines). */
function readCsv(text: string): { header: string[]; rows: string[][] } {
  const cells = (line: string) => Array.from(line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g), (m) => (m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1]));
  const [header, ...rows] = text.trimEnd().split('\n').map(cells);
  return { header, rows };
}

/** One column of a CSV as numbers. */
function column(text: string, name: string): number[] {
  const { header, rows } = readCsv(text);
  const at = header.indexOf(name);
  expect(at, `${name} in ${header.join(',')}`).toBeGreaterThanOrEqual(0);
  return rows.map((row) => Number(row[at]));
}

describe('session numbers in CSV files', () => {
  it('gainlab experiment fig1 with 2 sessions: every session column holds 1 and 2, and session k + 1 is row k of the .npy arrays', async () => {
    const out = path.join(scratch, 'fig1');
    const r = await runCli(scratch, ['experiment', 'fig1', '--quick', '--sessions', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const csv = (name: string) => readFileSync(path.join(out, `${name}.csv`), 'utf8');
    for (const name of ['final_errors', 'error_box', 'spectral_abscissa_per_session', 'rate_target_mean_per_session']) expect(column(csv(name), 'session'), name).toEqual([1, 2]);
    expect(column(csv('gain_pattern_correlations'), 'session_a')).toEqual([1]);
    expect(column(csv('gain_pattern_correlations'), 'session_b')).toEqual([2]);
    // the seed index stays the derivation index: session 1 is seeded Rng.derive(seed, 0)
    expect(column(csv('final_errors'), 'seed_index')).toEqual([0, 1]);
    expect(readCsv(csv('error_curves')).header).toEqual(['trial', 'session_1', 'session_2']);
    expect(readCsv(csv('rate_target_correlation')).header).toEqual(['neuron', 'r_before', 'r_after_s1', 'r_after_s2', 'change_best_session']);
    for (const name of readdirSync(out).filter((f) => f.startsWith('correlations_pattern_'))) expect(name).toMatch(/^correlations_pattern_[12]_session_[12]\.csv$/);

    // the CSV's session s is row s − 1 of error_curves.npy, and its best error is that row's entry at best_trial
    const curves = parseNpy(new Uint8Array(readFileSync(path.join(out, 'error_curves.npy'))));
    const trials = curves.shape[1];
    const bestError = column(csv('final_errors'), 'best_error');
    const bestTrial = column(csv('final_errors'), 'best_trial');
    for (const session of [1, 2]) {
      const row = curves.data.subarray((session - 1) * trials, session * trials);
      expect(column(csv('error_curves'), `session_${session}`)).toEqual(Array.from(row));
      expect(row[bestTrial[session - 1]]).toBe(bestError[session - 1]);
    }
    expect(bestError[0]).not.toBe(bestError[1]);
    // the figure the app shows of the same run names them the same way
    const svg = readFileSync(path.join(out, 'fig1_error_curves.svg'), 'utf8');
    expect(svg).toContain('session 1');
    expect(svg).toContain('session 2');
    expect(svg).not.toContain('session 0');
  });

  it('supp2 and supp5 runs.csv: the sessions of every condition are 1 and 2; supp5 pairs session s with summary.json entry s − 1', async () => {
    for (const [name, extra] of [['supp2', []], ['supp5', ['--iterations', '3', '--movements', '1']]] as const) {
      const out = path.join(scratch, name);
      const r = await runCli(scratch, ['experiment', name, '--quick', '--sessions', '2', '--trials', '20', ...extra, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const { header, rows } = readCsv(readFileSync(path.join(out, 'runs.csv'), 'utf8'));
      const at = header.indexOf('session');
      // a condition: the columns before the session's (panel, movement, …)
      const conditions = new Map<string, number[]>();
      for (const row of rows) conditions.set(row.slice(0, at).join('|'), [...(conditions.get(row.slice(0, at).join('|')) ?? []), Number(row[at])]);
      expect(conditions.size, name).toBeGreaterThan(1);
      for (const [condition, sessions] of conditions) expect(sessions, `${name} ${condition}`).toEqual([1, 2]);
      if (name === 'supp5') {
        // Supp. 8's fixed reward runs are panel 5a's: best[k] of summary.json (a JSON array, 0-based) is session k + 1
        const best = (JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { supp8: { fixed: { perConditionReward: { best: number[][] } } } }).supp8.fixed.perConditionReward.best;
        const fixedReward = rows.filter((row) => row[0] === '5a' && row[3] === 'fixed' && row[4] === 'reward');
        expect(fixedReward.map((row) => [Number(row[at]), Number(row[8]), Number(row[9])])).toEqual(best.map((errors, k) => [k + 1, ...errors]));
      }
    }
  });

  it("the export's session columns give each session the number the app's analysis plots give it", () => {
    // a small random network and two sessions of different gains (analyses need no training)
    const rng = new Rng(3);
    const n = 8;
    const nE = 4;
    const params = { ...DEFAULT_DYNAMICS, nSamples: 60 };
    const W = Float64Array.from({ length: n * n }, () => (0.6 * rng.normal()) / Math.sqrt(n));
    const x0 = Float64Array.from({ length: n }, () => 3 * rng.normal());
    const readout = { channels: 1, weights: Float64Array.from({ length: 1 + nE }, (_, k) => (k === 0 ? 0.5 : rng.uniform())) };
    const target = Float64Array.from({ length: params.nSamples }, (_, k) => 5 * Math.sin((2 * Math.PI * k) / params.nSamples));
    const sessions = [0.3, 0.1].map((spread) => {
      const bestGains = Float64Array.from({ length: n }, () => 1 + spread * rng.normal());
      const output = computeOutput(simulateReference(W, n, x0, bestGains, params).rates, params.nSamples, n, nE, readout);
      return { bestGains, bestError: normalisedError(output, target, 1, params.nSamples) };
    });
    const input: RunAnalysisInput = { network: { id: 'net', name: 'net', n, nE, W, x0, readout, params }, target, initialError: 2, sessions };
    const analyses = analyseFinishedRun(finishedRun(input));
    const exported = Object.fromEntries(runAnalysesCsv(analyses).map((f) => [f.name, f.text]));
    const shown = analysisView(analyses, input);
    // session → value in the export and in the app's CSV of the same plot
    const pairs = (text: string, key: string, value: string) => column(text, key).map((s, k) => [s, column(text, value)[k]]);
    expect(pairs(exported.error_box, 'session', 'final_error')).toEqual(pairs(errorBoxPlot(shown).csv, 'session', 'best_error'));
    expect(pairs(exported.spectral_abscissa_per_session, 'session', 'max_re_W_diag_g_trained')).toEqual(pairs(abscissaPlot(shown).csv, 'session', 'max_re_trained'));
    expect(column(exported.error_box, 'session')).toEqual([1, 2]);
    expect(column(exported.error_box, 'final_error')).toEqual(sessions.map((s) => s.bestError));
    // neurons likewise from 1: the correlation matrix's rows and columns, and the rate–target table
    const matrix = readCsv(exported.correlations_before);
    expect(matrix.header).toEqual(['neuron', ...Array.from({ length: n }, (_, j) => `neuron_${j + 1}`)]);
    expect(column(exported.correlations_before, 'neuron')).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    // row i, column neuron_j holds r(i, j) of the analysis (0-based in its array)
    expect(matrix.rows.map((row) => row.slice(1).map(Number))).toEqual(Array.from({ length: n }, (_, i) => Array.from(analyses.correlations.before.subarray(i * n, (i + 1) * n))));
    expect(exported.correlations_before).toBe(correlationMatrixPlot(shown, -1).csv);
    expect(column(exported.rate_target_correlation, 'neuron')).toEqual(column(rateTargetPlot(shown).csv, 'neuron'));
    expect(column(exported.rate_target_correlation, 'r_before')).toEqual(column(rateTargetPlot(shown).csv, 'r_before'));
  });
});
