/**
 * Supp. Fig. 5 panels against their legends (/work/shared/docs/figure-panels.md), on a tiny run.
 * 5e–g show Fig. 6b–c's own runs: checked here against a Fig. 6 run (src-shared/experiments/fig6.ts)
 * and a direct eigenvalue computation of (−I + W·diag(g))/τ (src-shared/linalg/schur.ts).
 */
import { describe, expect, it } from 'vitest';
import { runSupp5, supp5ExampleSettings } from '../../src-shared/experiments/supp5.js';
import { runFig6, slowExampleSettings, FIG6_SETTINGS } from '../../src-shared/experiments/fig6.js';
import { socNetwork, type ExperimentCheckpoint } from '../../src-shared/experiments/support.js';
import type { BoxFigure, LinesFigure } from '../../src-shared/experiments/figureSpec.js';
import { eigenvalues } from '../../src-shared/linalg/schur.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';

function sortedMedian(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const h = Math.floor(v.length / 2);
  return v.length % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

describe('Supp. 5 (tiny)', () => {
  it('5h: box plots over the sessions, one box per m, of the per-condition errors in the runs table', () => {
    const r = runSupp5({ quick: true, seed: 1, settings: { movements: 1, sessions: 3, trials: 6, iterations: 2, conditionSweep: [1, 2], conditions: 2, exampleConditions: 2, noisyDraws: 1 } });
    const h = (r.figures ?? []).find((f) => f.name === 'supp5h_errors_vs_m') as BoxFigure;
    expect(h.kind).toBe('box');
    expect(h.categories).toEqual(['m = 1', 'm = 2']);
    // the sessions' best errors from the runs table (m = 2 is panel 5a's movement 1, reward rule), per condition
    const runs = r.tables.find((t) => t.name === 'runs')!;
    const col = (name: string) => runs.columns.indexOf(name);
    const errorsOf = (m: number) =>
      runs.rows
        .filter((row) => row[col('rule')] === 'reward' && row[col('amplitude')] === 'fixed' && row[col('movement')] === 1 && row[col('m')] === m)
        .map((row) => (row[col('best_error')] as number) / m);
    // the table numbers movements as the figures' movement axis does (from 1)
    const movementAxis = Array.from(((r.figures ?? []).find((f) => f.name === 'supp5a_movements_reward') as LinesFigure).series[0].x);
    expect(movementAxis).toEqual([1]);
    expect(new Set(runs.rows.map((row) => row[col('movement')]))).toEqual(new Set(movementAxis));
    for (const [k, m] of [1, 2].entries()) {
      const errors = errorsOf(m);
      expect(errors).toHaveLength(3);
      expect(Array.from(h.points![k]).sort()).toEqual(errors.sort());
      expect(h.boxes[k].median).toBeCloseTo(sortedMedian(errors), 12);
    }
  });

  it('5e–g: the eigenvalues and noisy outputs of Fig. 6b–c’s own runs (the gains Fig. 6 reports), not of a run of 5a–b', () => {
    // a checkpoint per experiment that records what each computed (nothing is loaded: both compute)
    const recorder = () => {
      const saved = new Map<string, unknown>();
      const checkpoint: ExperimentCheckpoint = { load: () => undefined, save: (key, value) => void saved.set(key, value) };
      return { saved, checkpoint };
    };
    const n = 30;
    const shared = { n, groups: 6, trials: 8, iterations: 3 };
    const f6Store = recorder();
    const s5Store = recorder();
    const f6 = runFig6({ quick: true, seed: 3, checkpoint: f6Store.checkpoint, settings: { ...shared, speeds: 2, lambdaStep: 0.5, sliderUpdates: 1 } });
    const s5 = runSupp5({ quick: true, seed: 3, checkpoint: s5Store.checkpoint, settings: { ...shared, movements: 1, sessions: 2, conditionSweep: [2], conditions: 2, exampleConditions: 2, noisyDraws: 2 } });
    // Fig. 6's quick settings with the overrides both were given: Fig. 6's slowest factor (3×), not Supp. 5's 5×
    expect(supp5ExampleSettings({ quick: true, settings: { ...shared, conditions: 2 } })).toEqual(slowExampleSettings(true, { ...shared, conditions: 2 }));
    expect(slowExampleSettings(true).maxFactor).toBe(FIG6_SETTINGS.quick.maxFactor);

    // both kept the examples under the same checkpoint keys: a run of both computes them once
    const exampleKeys = [...f6Store.saved.keys()].filter((k) => /^fig6:6[bc]:/.test(k));
    expect(exampleKeys).toHaveLength(2);
    for (const key of exampleKeys) expect(s5Store.saved.has(key), key).toBe(true);

    // the eigenvalues Supp. 5 reports are those of (−I + W·diag(g))/τ for the gains Fig. 6 reports
    const W = socNetwork(n, 3).network.W;
    const tau = DEFAULT_DYNAMICS.tau;
    const direct = (g: ArrayLike<number>) => {
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = ((i === j ? -1 : 0) + W[i * n + j] * g[j]) / tau;
      return eigenvalues(A, n);
    };
    const sortedPairs = (re: ArrayLike<number>, im: ArrayLike<number>) => Array.from(re, (r, i) => [r, im[i]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const array = (r: { arrays: Array<{ name: string; data: Float64Array }> }, name: string) => {
      const a = r.arrays.find((x) => x.name === name);
      if (!a) throw new Error(`no array ${name}`);
      return a.data;
    };
    const hist = s5.tables.find((t) => t.name === 'eigenvalue_histograms')!;
    for (const [k, tag, label] of [[1, '6b', 'after (reward)'], [2, '6c', 'after (gradient)']] as const) {
      const gains = array(f6, `slow_variant_gains_${tag}`);
      expect(Array.from(array(s5, `example_gains_${tag}`))).toEqual(Array.from(gains));
      // not g = 1: the run learned
      expect(gains.some((g) => Math.abs(g - 1) > 1e-6)).toBe(true);
      const truth = direct(gains);
      const reported = sortedPairs(array(s5, `eigenvalues_${k}_real`), array(s5, `eigenvalues_${k}_imag`));
      sortedPairs(truth.re, truth.im).forEach(([re, im], i) => {
        expect(reported[i][0]).toBeCloseTo(re, 10);
        expect(reported[i][1]).toBeCloseTo(im, 10);
      });
      // the histogram's counts are those eigenvalues binned on the table's edges
      const rows = hist.rows.filter((r) => r[0] === label && r[1] === 'real');
      expect(rows.reduce((sum, r) => sum + (r[4] as number), 0)).toBe(n);
      rows.forEach((r, b) => {
        const last = b === rows.length - 1;
        const count = Array.from(truth.re).filter((v) => v >= (r[2] as number) - 1e-12 && (last ? v <= (r[3] as number) + 1e-12 : v < (r[3] as number))).length;
        expect(count, `${label} bin ${b}`).toBe(r[4]);
      });
    }

    // the figures say whose runs they show
    const figure = <T,>(r: { figures?: unknown[] }, name: string) => (r.figures as Array<{ name: string }>).find((f) => f.name === name) as T;
    const re = figure<LinesFigure>(s5, 'supp5ef_eigenvalues_real');
    expect(re.title).toContain('Fig. 6b–c');
    expect(re.title).toContain('3× slower');
    expect(re.series.map((x) => x.name)).toEqual(['before (gains 1)', 'after: Fig. 6b, reward rule (8 trials)', 'after: Fig. 6c, back-propagation (3 iterations)']);
    // 5g: the noise-free output is Fig. 6b's output of initial condition 1
    const g = figure<LinesFigure>(s5, 'supp5g_noisy_reward');
    const b = figure<LinesFigure>(f6, 'fig6b_slow_variant');
    expect(Array.from(g.series.find((x) => x.name === 'noise-free')!.y)).toEqual(Array.from(b.series.find((x) => x.name === 'output 1')!.y));
    expect(g.title).toContain('Fig. 6b');
  });
});
