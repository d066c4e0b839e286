/**
 * The pieces of the app's Sweeps view that live in src-shared:
 * - draft.ts: factor lines typed in the builder become the sweep file the CLI reads (ranges,
 *   groups, SOC sizes, targets by name), a run's settings become its base (with what a sweep
 *   cannot repeat said), and every mistake is one line naming the factor;
 * - results.ts: the box plots and median lines agree with quantiles computed here by hand, the
 *   table numbers tasks from 1 as the live plot does (src-renderer/components/sweeps/sweepPlots.ts), levels
 *   that are not numbers are named on a category axis (src-shared/experiments/figureOption.ts,
 *   src-shared/experiments/figureData.ts), and a collected archive that is not one is refused in
 *   one line;
 * - the plan's times as every duration reads (src-shared/formats/duration.ts; the times of
 *   src-shared/sweeps/plan.ts estimateSummary keep their digits below a second), and its measured
 *   costs with two significant digits (src-renderer/stores/sweeps.ts measuredCostText);
 * - tasks/sweep.ts: a cancel stops the running task without keeping it, a pause lets it finish,
 *   and a second run skips what the first finished.
 */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { BoxFigure, LinesFigure } from '../../src-shared/experiments/figureSpec.js';
import { figureCsv } from '../../src-shared/experiments/figureData.js';
import { figureOption } from '../../src-shared/experiments/figureOption.js';
import { baseFromRun, checkDraft, draftToSweepJson, parseFactorValues, type RunSettingsView, type SweepDraft } from '../../src-shared/sweeps/draft.js';
import type { SweepTask } from '../../src-shared/sweeps/expand.js';
import type { SweepRow } from '../../src-shared/sweeps/record.js';
import { decodeResultsArchive, sweepFigures, sweepResultRecord, type SweepResults } from '../../src-shared/sweeps/results.js';
import { estimateSummary } from '../../src-shared/sweeps/plan.js';
import { durationText, msText } from '../../src-shared/formats/duration.js';
import { SweepError } from '../../src-shared/sweeps/schema.js';
import { measuredCostText } from '../../src-renderer/stores/sweeps.js';
import { liveOption } from '../../src-renderer/components/sweeps/sweepPlots.js';
import { contextWith } from '../../src-shared/tasks/context.js';
import { memoryFolder, runningText, runSweepTask, type SweepTaskInput } from '../../src-shared/tasks/sweep.js';
import { syntheticSweepProject } from './sweepFixtures.js';

const run: RunSettingsView = {
  id: 'run-1',
  name: 'Reward rule · seed 5',
  networkId: 'net',
  targetIds: ['tgt'],
  initialConditionIndices: [0],
  rule: 'reward',
  seed: 5,
  settings: { trials: 300, sigma: 0.002, alpha: 0.4, learningRate: 0.01, groups: { kind: 'random', count: 4 }, seed: 5, sessions: 1, trainable: 'gains' },
};

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof SweepError) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('building a sweep in the app (draft.ts)', () => {
  it('reads the factor lines the builder offers', () => {
    expect(parseFactorValues('seed', '1-3, 7')).toEqual([1, 2, 3, 7]);
    expect(parseFactorValues('sigma', '0.001, 3e-3')).toEqual([0.001, 0.003]);
    expect(parseFactorValues('groups', 'N, 5, random 10, specialised 3')).toEqual(['N', 5, { kind: 'random', count: 10 }, { kind: 'specialised', count: 3 }]);
    expect(parseFactorValues('soc', '40/1-2, 80/5')).toEqual([{ n: 40, seed: 1 }, { n: 40, seed: 2 }, { n: 80, seed: 5 }]);
    const byName = (token: string) => ({ Reach: 't-reach', Curl: 't-curl' })[token] ?? null;
    expect(parseFactorValues('targets', 'Reach, generated 3, Reach+Curl', byName)).toEqual(['t-reach', { generated: 3 }, ['t-reach', 't-curl']]);
    expect(parseFactorValues('rule', 'reward, gradient')).toEqual(['reward', 'gradient']);
  });

  it('says what is wrong with a factor line in one line naming it', () => {
    expect(problemOf(() => parseFactorValues('sigma', '0.001, 0.00x'))).toBe("sigma: '0.00x' is not a number");
    expect(problemOf(() => parseFactorValues('seed', '5-2'))).toBe('seed: 5-2 runs backwards');
    expect(problemOf(() => parseFactorValues('seed', '1.5'))).toBe("seed: '1.5' is not a whole number (or a range like 1-5)");
    expect(problemOf(() => parseFactorValues('seed', '0-5000'))).toBe('seed: 0-5000 has more than 1000 values');
    expect(problemOf(() => parseFactorValues('groups', 'many'))).toMatch(/^groups: 'many' is not N/);
    expect(problemOf(() => parseFactorValues('targets', 'Nowhere', () => null))).toBe("targets: the project has no target 'Nowhere' (or write \"generated SEED\")");
    expect(problemOf(() => parseFactorValues('soc', '40'))).toBe("soc: '40' is not N/seed (e.g. 40/1 or 40/1-3)");
    expect(problemOf(() => parseFactorValues('trials', ' '))).toMatch(/^trials: give at least one value/);
  });

  it('takes the base from a run, and says what of the run a sweep cannot repeat', () => {
    expect(baseFromRun(run)).toEqual({
      base: { networkId: 'net', targetIds: ['tgt'], rule: 'reward', trials: 300, seed: 5, sigma: 0.002, alpha: 0.4, learningRate: 0.01, groups: 4 },
      notes: [],
    });
    const joint = baseFromRun({ ...run, targetIds: ['a', 'b', 'c'], initialConditionIndices: [0, 1, 2], settings: { ...run.settings, sessions: 10, groups: { kind: 'explicit', labels: [0, 1] } } });
    expect(joint.base.initialConditions).toBe(3);
    expect(joint.base.groups).toBe('N');
    expect(joint.notes).toEqual([
      'The run’s explicit group labels cannot be swept; the base uses one gain per neuron (add a groups factor).',
      'The run had 10 sessions; a sweep task is one session (add a seeds factor).',
    ]);
    expect(baseFromRun({ ...run, initialConditionIndices: [2] }).notes).toEqual(['The run started from initial condition 3; a sweep task starts from x0 (condition 1).']);
  });

  it('writes the sweep file the CLI reads: a grid in the schema’s order, or a list of zipped values', () => {
    const { base } = baseFromRun(run);
    const draft: SweepDraft = { name: 'g', base, design: 'grid', factors: [{ name: 'seed', text: '1-2' }, { name: 'sigma', text: '0.001, 0.004' }, { name: 'groups', text: 'N, 8' }] };
    const json = draftToSweepJson(draft, 'p.gainlab');
    expect(json).toEqual({
      schemaVersion: 1,
      name: 'g',
      base: { source: { project: 'p.gainlab', networkId: 'net', targetIds: ['tgt'] }, rule: 'reward', trials: 300, seed: 5, sigma: 0.002, alpha: 0.4, learningRate: 0.01, groups: 4 },
      design: 'grid',
      factors: { groups: ['N', 8], sigma: [0.001, 0.004], seed: [1, 2] },
    });
    const checked = checkDraft(draft, 'p.gainlab');
    if ('problem' in checked) throw new Error(checked.problem);
    expect(checked.expanded.tasks).toHaveLength(8);
    // the last factor in the schema's order varies fastest
    expect(checked.expanded.tasks.slice(0, 3).map((t) => t.factors)).toEqual([
      { groups: 'N', sigma: '0.001', seed: '1' },
      { groups: 'N', sigma: '0.001', seed: '2' },
      { groups: 'N', sigma: '0.004', seed: '1' },
    ]);
    const list = draftToSweepJson({ ...draft, design: 'list', factors: [{ name: 'seed', text: '1, 2' }, { name: 'sigma', text: '0.001, 0.004' }] }, 'p.gainlab');
    expect(list.tasks).toEqual([{ sigma: 0.001, seed: 1 }, { sigma: 0.004, seed: 2 }]);
    expect(checkDraft({ ...draft, design: 'list', factors: [{ name: 'seed', text: '1, 2' }, { name: 'sigma', text: '0.001' }] }, 'p.gainlab')).toEqual({
      problem: 'a list design takes the k-th value of every factor for task k: sigma has 1 values, seed has 2',
    });
    // the schema's own refusals come through as they are (one line, the field named)
    // the shared range's sentence (settingsRanges.ts), as the Train form and gainlab train say it
    expect(checkDraft({ ...draft, factors: [{ name: 'sigma', text: '2' }] }, 'p.gainlab')).toEqual({ problem: 'factors.sigma[0]: σ (reward noise) must be more than 0 and at most 1, got 2.' });
    expect(checkDraft({ ...draft, name: 'has space' }, 'p.gainlab')).toEqual({ problem: 'name: letters, digits, ".", "_" and "-" only (it names the SLURM job and files)' });
    // a value given twice in a grid, in the builder's words (not "factors.seed lists 1 twice (values 1 and 2)")
    expect(checkDraft({ ...draft, factors: [{ name: 'seed', text: '1, 1, 1' }] }, 'p.gainlab')).toEqual({ problem: 'seed: 1 is given twice; a grid runs each value once' });
    expect(checkDraft({ ...draft, factors: [{ name: 'seed', text: '1-3, 2' }] }, 'p.gainlab')).toEqual({ problem: 'seed: 2 is given twice; a grid runs each value once' });
    expect(checkDraft({ ...draft, factors: [{ name: 'rule', text: 'reward, reward' }] }, 'p.gainlab')).toEqual({ problem: 'rule: reward is given twice; a grid runs each value once' });
    // a list design pairs the k-th values: repeats are fine there
    expect('problem' in checkDraft({ ...draft, design: 'list', factors: [{ name: 'seed', text: '1, 1' }, { name: 'sigma', text: '0.001, 0.004' }] }, 'p.gainlab')).toBe(false);
  });
});

/** Rows of a 2 × 2 grid (sigma × seed) with the given final errors, in index order. */
function grid(finals: Array<number | null>): SweepResults {
  const levels: Array<[string, string]> = [['0.001', '1'], ['0.001', '2'], ['0.004', '1'], ['0.004', '2']];
  const rows: SweepRow[] = finals.map((finalError, index) => ({
    index,
    id: index.toString(16).padStart(16, '0'),
    state: finalError === null ? 'failed' : 'done',
    factors: { sigma: levels[index % 4][0], seed: levels[index % 4][1], rep: String(Math.floor(index / 4)) },
    values: finalError === null ? null : { n: 20, groupCount: 4, bestError: finalError, initialError: 1, finalError, bestTrial: 1, trialsDone: 10, gainsMean: 1, gainsSd: 0, gainsMin: 1, gainsMax: 1, elapsedMs: 5, setupMs: 1, host: 'h' },
  }));
  return { name: 'g', factorNames: ['sigma', 'seed', 'rep'], rows, sweepText: null };
}

/** Type-7 quantile of a few numbers, by hand. */
function q7(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo] + (h - lo) * (s[lo + 1] - s[lo]) : s[lo];
}

describe('the figures of a sweep (results.ts)', () => {
  const finals = [0.1, 0.2, 0.5, 0.7, 0.3, 0.4, 0.9, 0.6, 0.25, null, 0.55, 0.8];
  const results = grid(finals);

  it('a box per level of each factor over the final errors of its done tasks, with every task as a point', () => {
    const figures = sweepFigures(results);
    const box = figures.find((f) => f.name === 'final-error-by-sigma') as BoxFigure;
    expect(box.categories).toEqual(['0.001', '0.004']);
    const at = (level: string) => results.rows.filter((r) => r.factors.sigma === level && r.values).map((r) => r.values!.finalError!);
    expect(at('0.001')).toEqual([0.1, 0.2, 0.3, 0.4, 0.25]);
    for (const [k, level] of box.categories.entries()) {
      expect(box.boxes[k].median).toBeCloseTo(q7(at(level), 0.5), 15);
      expect(box.boxes[k].q1).toBeCloseTo(q7(at(level), 0.25), 15);
      expect(box.boxes[k].q3).toBeCloseTo(q7(at(level), 0.75), 15);
      expect(Array.from(box.points![k])).toEqual(at(level));
    }
    expect(box.logY).toBe(true);
  });

  it('the median against each factor with one line per level of the factor with fewest levels', () => {
    const figures = sweepFigures(results);
    const lines = figures.find((f) => f.name === 'median-final-error-by-rep') as LinesFigure;
    // rep has 3 levels, sigma and seed 2: one line per sigma level (the first with fewest levels),
    // named as the builder names the factor (FACTOR_HELP), not by its key in the sweep file
    expect(lines.title).toBe('Median final error against rep, one line per σ (reward noise)');
    expect(lines.series.map((s) => s.name)).toEqual(['σ (reward noise) 0.001', 'σ (reward noise) 0.004']);
    expect((figures.find((f) => f.name === 'final-error-by-sigma') as BoxFigure).xLabel).toBe('σ (reward noise)');
    expect(Array.from(lines.series[0].x)).toEqual([0, 1, 2]);
    const cell = (sigma: string, rep: string) => results.rows.filter((r) => r.factors.sigma === sigma && r.factors.rep === rep && r.values).map((r) => r.values!.finalError!);
    expect(Array.from(lines.series[1].y)).toEqual([q7(cell('0.004', '0'), 0.5), q7(cell('0.004', '1'), 0.5), q7(cell('0.004', '2'), 0.5)]);
    // one factor alone: its median with the quartiles
    const groups: SweepResults = { ...results, factorNames: ['groups'], rows: results.rows.map((r, i) => ({ ...r, factors: { groups: i % 2 ? 'N' : 'random 5' } })) };
    const only = sweepFigures(groups).find((f) => f.kind === 'lines') as LinesFigure;
    expect(only.series.map((s) => s.name)).toEqual(['median', 'quartile 1', 'quartile 3']);
    // whole-number levels (rep) get no ticks between them; σ does
    expect(lines.integerX).toBe(true);
    expect((figures.find((f) => f.name === 'median-final-error-by-sigma') as LinesFigure).integerX).toBe(false);
    const xAxis = (figure: LinesFigure) => (figureOption(figure) as { xAxis: { minInterval?: number } }).xAxis;
    expect(xAxis(lines).minInterval).toBe(1);
    expect(xAxis(figures.find((f) => f.name === 'median-final-error-by-sigma') as LinesFigure).minInterval).toBeUndefined();
  });

  it('levels that are not numbers (groups N, random 5) are named on a category axis; numbers keep a value axis', () => {
    const groups: SweepResults = { ...results, factorNames: ['groups', 'seed'], rows: results.rows.map((r, i) => ({ ...r, factors: { groups: Math.floor(i / 2) % 2 ? 'N' : 'random 5', seed: r.factors.seed } })) };
    const figures = sweepFigures(groups);
    const byGroups = figures.find((f) => f.name === 'median-final-error-by-groups') as LinesFigure;
    // the axis title is the factor alone, not a key like '1 = random 5, 2 = N'
    expect(byGroups.xLabel).toBe('groups');
    expect(byGroups.categories).toEqual(['random 5', 'N']);
    // the median of each level sits at its category's index
    const at = (level: string, seed: string) => groups.rows.filter((r) => r.factors.groups === level && r.factors.seed === seed && r.values).map((r) => r.values!.finalError!);
    expect(byGroups.series.map((s) => s.name)).toEqual(['seed 1', 'seed 2']);
    expect(Array.from(byGroups.series[0].x)).toEqual([0, 1]);
    expect(Array.from(byGroups.series[0].y)).toEqual([q7(at('random 5', '1'), 0.5), q7(at('N', '1'), 0.5)]);
    // as ECharts gets it: a category axis labelling every level by name
    const xAxis = (figureOption(byGroups) as { xAxis: { type: string; data: string[]; name: string; axisLabel: { interval: number } } }).xAxis;
    expect(xAxis).toMatchObject({ type: 'category', data: ['random 5', 'N'], name: 'groups', axisLabel: { interval: 0 } });
    // and the CSV names the level, not its index
    expect(figureCsv(byGroups).split('\n')[1]).toBe(`seed 1,random 5,${q7(at('random 5', '1'), 0.5)},`);
    // a numeric factor (seed) keeps its value axis with the numbers themselves
    const bySeed = figures.find((f) => f.name === 'median-final-error-by-seed') as LinesFigure;
    // one line per level of groups, said as a singular
    expect(bySeed.title).toBe('Median final error against seed, one line per groups setting');
    expect(bySeed.series.map((s) => s.name)).toEqual(['groups random 5', 'groups N']);
    expect(bySeed.categories).toBeUndefined();
    expect(Array.from(bySeed.series[0].x)).toEqual([1, 2]);
    expect((figureOption(bySeed) as { xAxis: { type: string } }).xAxis.type).toBe('value');
  });

  it('no figure without a done task or a factor with two levels; a linear axis when an error is 0', () => {
    expect(sweepFigures(grid([null, null, null, null]))).toEqual([]);
    const one: SweepResults = { ...grid([0.1, 0.2]), factorNames: ['sigma'] };
    expect(sweepFigures(one)).toEqual([]);
    expect((sweepFigures(grid([0, 0.2, 0.3, 0.4]))[0] as BoxFigure).logY).toBe(false);
  });

  it('the stored record holds the table, the CSV and the figures within the project’s bounds', () => {
    const record = sweepResultRecord(results, { id: 'r', name: 'Sweep g', networkId: 'net', networkName: 'N', location: '/x', status: 'done', startedAt: null, finishedAt: null });
    expect(record.kind).toBe('sweep');
    expect(record.tables[0].rows).toHaveLength(12);
    // the table the researcher reads numbers tasks from 1 (as sessions and neurons); the CSV file
    // (results.csv, as `gainlab sweep collect` writes it) keeps the index from 0 of plan.json and --task
    expect(record.tables[0].columns).toEqual(['task', 'id', 'state', 'sigma', 'seed', 'rep', 'finalError', 'bestError', 'initialError', 'trialsDone', 'groupCount', 'elapsedMs']);
    expect(record.tables[0].rows.map((row) => row[0])).toEqual(results.rows.map((_, k) => k + 1));
    expect(record.tables[0].rows.map((row) => row[1])).toEqual(results.rows.map((row) => row.id));
    expect(record.texts[0].text.split('\n')).toHaveLength(14); // header, 12 rows, final newline
    expect(record.texts[0].text.split('\n')[1].split(',')[0]).toBe('0');
    expect(record.summary).toMatchObject({ tasks: 12, states: { done: 11, failed: 1 }, medianFinalError: q7(finals.filter((v): v is number => v !== null), 0.5) });
    expect(record.elapsedMs).toBe(11 * 6);
  });

  it('the live plot of a running sweep puts each task at its number from 1, in the plot and its CSV', () => {
    // the job's points are by index in the sweep (0: the first task); task 2 has not finished
    const { option, csv } = liveOption([0.07, undefined, 0.08]);
    const o = option as { xAxis: { min: number; max: number }; series: Array<{ data: Array<[number, number]> }> };
    expect(o.series[0].data).toEqual([
      [1, 0.07],
      [3, 0.08],
    ]);
    expect([o.xAxis.min, o.xAxis.max]).toEqual([1, 3]);
    expect(csv.trim().split('\n')).toEqual(['task,bestError', '1,0.07', '3,0.08']);
  });

  it('refuses what is not a collected sweep, in one line', () => {
    const refusal = (bytes: Uint8Array) => {
      try {
        decodeResultsArchive(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(SweepError);
        const message = (error as Error).message;
        expect(message.split('\n')).toHaveLength(1);
        return message;
      }
      throw new Error('accepted');
    };
    expect(refusal(strToU8('not a zip at all'))).toMatch(/^not a collected sweep \(\.gainlab-sweep is a zip\)/);
    expect(refusal(zipSync({ 'other.txt': strToU8('x') }))).toMatch(/has no results\.json/);
    expect(refusal(zipSync({ 'results.json': strToU8('{') }))).toMatch(/^results\.json is not JSON/);
    expect(refusal(zipSync({ 'results.json': strToU8(JSON.stringify({ format: 'gainlab-sweep-results', formatVersion: 1, name: 'g', factorNames: ['colour'], tasks: [] })) }))).toMatch(/^results\.json: factorNames\.0:/);
    const bad = { format: 'gainlab-sweep-results', formatVersion: 1, name: 'g', factorNames: ['seed'], tasks: [{ index: 0, id: 'xyz', state: 'done', factors: {}, record: null }] };
    expect(refusal(zipSync({ 'results.json': strToU8(JSON.stringify(bad)) }))).toMatch(/^results\.json: tasks\.0\.id:/);
  });
});

describe('the times of a sweep’s plan (formats/duration.ts)', () => {
  it('two significant digits below 10 of a unit, whole units above', () => {
    // the walkthrough's per-trial cost, and the examples of the brief
    const ms: Array<[number, string]> = [[0.0712345, '0.071 ms'], [0.4649, '0.46 ms'], [0.6048, '0.6 ms'], [1.6484, '1.6 ms'], [12.4, '12 ms'], [380.2, '380 ms'], [Number.NaN, '–']];
    for (const [value, text] of ms) expect(msText(value)).toBe(text);
    // durations in the unit that reads best, as every duration of the app (the plan's are in seconds)
    const seconds: Array<[number, string]> = [[0.0000712345, '0.071 ms'], [0.038, '38 ms'], [0.1, '100 ms'], [1.64, '1.6 s'], [45.3, '45 s'], [210, '3 min 30 s'], [1800, '30 min 00 s'], [8640, '2 h 24 min'], [Number.POSITIVE_INFINITY, '–']];
    for (const [value, text] of seconds) expect(durationText(value * 1000), `${value} s`).toBe(text);
  });
  it('a sweep of a few tens of ms keeps its time here and its CPU time (they were rounded to 0.1 s: "≈ 0 ms")', () => {
    const costs = { trialMs: new Map<string, number>(), socIterationMs: new Map<number, number>(), startupMs: 5, baselineMB: 60 };
    const perTask = new Map([['a', { cpuSeconds: 0.0384, memoryMB: 70 }], ['b', { cpuSeconds: 0.0416, memoryMB: 70 }]]);
    const summary = estimateSummary(perTask, costs, 2, 0.0814);
    expect(summary.wallSecondsHere).toBe(0.0407);
    expect(summary.totalCpuSeconds).toBe(0.08);
    expect(durationText(summary.wallSecondsHere * 1000)).toBe('41 ms');
    // from a second on, tenths of a second as before
    expect(estimateSummary(perTask, costs, 1, 12.345).wallSecondsHere).toBe(12.3);
  });
  it('the plan panel’s measured costs read the same way', () => {
    const probe = 'reward:n40:c1:t1:200/500/200/tanh';
    expect(measuredCostText({ probe, msPerTrial: 0.0712345, sessions: 1, here: false })).toBe('0.071 ms per trial');
    expect(measuredCostText({ probe: `${probe}:here`, msPerTrial: 1.6484, sessions: 4, here: true })).toBe('1.6 ms per trial of 4 seeds together in a run here, with its next trial on the spare core');
  });
});

describe('the sweep job’s task (tasks/sweep.ts)', () => {
  const project = syntheticSweepProject();
  const sweepOf = (factors: Record<string, unknown>): SweepTaskInput => ({
    sweepText: JSON.stringify({ schemaVersion: 1, name: 'm', base: { source: { project: 'p.gainlab', networkId: 'net', targetIds: ['tgt'] }, trials: 200 }, factors }),
    sweepFile: 'm.sweep.json',
    project,
    dir: null,
    hostname: 'test',
    gainlabVersion: '0',
  });
  // tasks that differ in σ train one after another (seeds would train together, below)
  const input = sweepOf({ sigma: [0.001, 0.002, 0.003] });
  const seeds = sweepOf({ seed: [1, 2, 3, 4], groups: [3] });

  it('a cancel stops the running task and keeps none of it; a second run skips the finished ones', () => {
    const folder = memoryFolder();
    let percent = 0;
    // stop half-way through the second task (the percent counts the running task's trials)
    const first = runSweepTask(input, contextWith({ percent: (p) => void (percent = p), shouldStop: () => percent > 50 }), { folder, maxRssMB: () => null });
    expect(first.rows.map((r) => r.state)).toEqual(['done', 'missing', 'missing']);
    expect(first).toMatchObject({ partial: true, paused: false, done: 1 });
    expect(folder.records.size).toBe(1);
    const second = runSweepTask(input, contextWith({}), { folder, maxRssMB: () => null });
    expect(second).toMatchObject({ alreadyDone: 1, done: 2, partial: false });
    expect(second.rows[0].values).toEqual(first.rows[0].values);
    // the same tasks run in one go give the same numbers
    const whole = runSweepTask(input);
    expect(whole.rows.map((r) => r.values?.finalError)).toEqual(second.rows.map((r) => r.values?.finalError));
  });

  it('the progress line names the running task or group by its number from 1', () => {
    const messages: string[] = [];
    runSweepTask(input, contextWith({ message: (text) => void messages.push(text) }));
    expect(messages).toContain('task 1 of 3 (sigma 0.001): starting');
    expect(messages.some((m) => /^task 3 of 3 \(sigma 0\.003\): trial \d+ of 200, best /.test(m))).toBe(true);
    const task = (index: number) => ({ index, id: String(index), factors: {}, settings: {} }) as unknown as SweepTask;
    expect(runningText([task(0), task(2)], 5)).toBe('tasks 1, 3 of 5, together');
  });

  it('a pause lets the running task finish and stops before the next', () => {
    let percent = 0;
    // asked during the first task
    const paused = runSweepTask(input, contextWith({ percent: (p) => void (percent = p), sessionStopRequested: (session) => session === 0 && percent > 10 }));
    expect(paused.rows.map((r) => r.state)).toEqual(['done', 'missing', 'missing']);
    expect(paused).toMatchObject({ partial: true, paused: true });
  });

  it("a sweep's seeds train together, each with the numbers it gets alone", () => {
    // every column but the times and memory of the run
    const science = (row: SweepRow) => Object.fromEntries(Object.entries(row.values!).filter(([key]) => !/(Ms|MB)$/.test(key)));
    const messages: string[] = [];
    const together = runSweepTask(seeds, contextWith({ message: (text) => void messages.push(text) }));
    expect(together).toMatchObject({ done: 4, partial: false });
    // named from 1, a range for consecutive tasks ('tasks 1, 2, 3, 4/4' read like a fraction)
    expect(messages.some((m) => /^tasks 1–4 of 4, together: trial \d+ of 200, best /.test(m))).toBe(true);
    for (const seed of [1, 3, 4]) {
      const alone = runSweepTask(sweepOf({ seed: [seed], groups: [3] }));
      expect(alone.rows[0].id).toBe(together.rows[seed - 1].id);
      expect(science(alone.rows[0])).toEqual(science(together.rows[seed - 1]));
    }
    // random groups differ from seed to seed, so the tasks did not share their labels
    expect(new Set(together.rows.map((r) => r.values!.finalError)).size).toBe(4);
  });

  it('a pause lets the tasks training together finish; a cancel keeps none of them', () => {
    let percent = 0;
    const paused = runSweepTask(seeds, contextWith({ percent: (p) => void (percent = p), sessionStopRequested: (session) => session === 0 && percent > 10 }));
    expect(paused.rows.map((r) => r.state)).toEqual(['done', 'done', 'done', 'done']);
    percent = 0;
    const folder = memoryFolder();
    const cancelled = runSweepTask(seeds, contextWith({ percent: (p) => void (percent = p), shouldStop: () => percent > 50 }), { folder, maxRssMB: () => null });
    expect(cancelled.rows.map((r) => r.state)).toEqual(['missing', 'missing', 'missing', 'missing']);
    expect(folder.records.size).toBe(0);
  });
});
