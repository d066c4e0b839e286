/**
 * A sweep's results as the app shows and stores them: the rows of its table (record.ts SweepRow:
 * a task's factors, state and numbers), from a finished job, a sweep folder or a collected archive
 * (DIR/results.gainlab-sweep), turned into
 *  - figures (experiments/figureSpec.ts, drawn by the one figureOption path the experiments use):
 *    per varied factor a box plot of the final error over that factor's levels (median, quartiles,
 *    every task as a point), and the median final error against the factor with one line per
 *    level of a second factor (or the quartiles, when only one factor varies); levels that are not
 *    all numbers ('N', 'random 10') are named on a category axis, numbers placed on a value axis;
 *  - a table, results.csv (the same text `gainlab sweep collect` writes) and a summary;
 *  - the project's experiment result of kind 'sweep' (project/schema.ts ExperimentResultRecord).
 *
 * Everything read from an archive is bounded and checked (zod) before it is used.
 */
import { strFromU8 } from 'fflate';
import { z } from 'zod';
import { boxStats, quantile } from '../analysis/statistics.js';
import type { BoxFigure, FigureSpec, LinesFigure } from '../experiments/figureSpec.js';
import { ProjectFileError } from '../project/errors.js';
import { bytesText } from '../project/limits.js';
import type { ExperimentResultRecord, ExperimentResultTable } from '../project/schema.js';
import { plainZipReason, ZipArchive } from '../project/zipReader.js';
import { resultsCsv, sweepRow, SWEEP_RESULTS_FORMAT, SWEEP_RESULTS_VERSION, taskRecordSchema, type SweepRow } from './record.js';
import { FACTOR_HELP } from './draft.js';
import { FACTOR_NAMES, SWEEP_LIMITS, SweepError, type FactorName } from './schema.js';

export interface SweepResults {
  name: string;
  /** The varied factors, in the sweep's order. */
  factorNames: string[];
  /** Every task in index order. */
  rows: SweepRow[];
  /** The sweep file, when known. */
  sweepText: string | null;
}

/** Rows kept in the stored table and CSV (the folder or archive keeps every task). */
export const STORED_ROWS = 20_000;
/** Points drawn beside one box (the CSV has every value). */
const POINTS_PER_BOX = 2_000;
/** Lines of one "one line per level" figure. */
const MAX_LINES = 12;

/** The final error of a done task (null when it has none or it is not finite). */
function finalErrorOf(row: SweepRow): number | null {
  const value = row.state === 'done' ? row.values?.finalError : null;
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

/** A factor's levels in the order the tasks first use them (for a grid: the order they were given). */
export function factorLevels(rows: readonly SweepRow[], factor: string): string[] {
  const seen = new Set<string>();
  for (const row of rows) {
    const level = row.factors[factor];
    if (level !== undefined) seen.add(level);
  }
  return [...seen];
}

function everyOther<T>(values: T[], limit: number): T[] {
  if (values.length <= limit) return values;
  const stride = Math.ceil(values.length / limit);
  return values.filter((_, i) => i % stride === 0);
}

/**
 * Level positions on the x axis: the numbers themselves when every level is one (trials, σ: a value
 * axis), else the index of each level on a category axis that names them ('N', 'random 10').
 */
function levelPositions(levels: readonly string[]): { x: number[]; categories?: string[] } {
  const numbers = levels.map((level) => (level.trim() === '' ? NaN : Number(level)));
  if (numbers.every(Number.isFinite)) return { x: numbers };
  return { x: levels.map((_, i) => i), categories: [...levels] };
}

/** What one line stands for in "one line per …" where the factor's name is a plural ("one line per groups" read wrong). */
const LINE_NOUN: Partial<Record<string, string>> = { groups: 'groups setting', trials: 'trial count', targets: 'target set', initialConditions: 'initial-condition count' };

/** A factor as the builder names it ('initial conditions m', 'σ (reward noise)'), not its file key. */
function factorLabel(factor: string): string {
  return FACTOR_HELP[factor as FactorName]?.label ?? factor;
}

/** The figures of a sweep's results (see the header); none when no task is done. */
export function sweepFigures(results: SweepResults): FigureSpec[] {
  const done = results.rows.filter((row) => finalErrorOf(row) !== null);
  if (done.length === 0) return [];
  const logY = done.every((row) => finalErrorOf(row)! > 0);
  const varied = results.factorNames.filter((factor) => factorLevels(done, factor).length >= 2);
  const figures: FigureSpec[] = [];
  for (const factor of varied) {
    const levels = factorLevels(results.rows, factor).filter((level) => done.some((row) => row.factors[factor] === level));
    const groups = levels.map((level) => done.filter((row) => row.factors[factor] === level).map((row) => finalErrorOf(row)!));
    const box: BoxFigure = {
      kind: 'box',
      name: `final-error-by-${factor}`,
      title: `Final error by ${factorLabel(factor)}`,
      xLabel: factorLabel(factor),
      yLabel: 'final error',
      logY,
      categories: levels,
      boxes: groups.map((values) => boxStats(values)),
      points: groups.map((values) => everyOther(values, POINTS_PER_BOX)),
      pointName: 'task',
    };
    figures.push(box);

    const { x, categories } = levelPositions(levels);
    // the other varied factor with the fewest levels gives one line per level
    const other = varied
      .filter((name) => name !== factor)
      .map((name) => ({ name, levels: factorLevels(done, name) }))
      .filter((candidate) => candidate.levels.length <= MAX_LINES)
      .sort((a, b) => a.levels.length - b.levels.length)[0];
    const series: LinesFigure['series'] = [];
    if (other) {
      for (const level of other.levels) {
        const y = levels.map((value) => quantile(done.filter((row) => row.factors[factor] === value && row.factors[other.name] === level).map((row) => finalErrorOf(row)!), 0.5));
        series.push({ name: `${factorLabel(other.name)} ${level}`, x, y });
      }
    } else {
      series.push({ name: 'median', x, y: groups.map((values) => quantile(values, 0.5)) });
      series.push({ name: 'quartile 1', x, y: groups.map((values) => quantile(values, 0.25)), dashed: true });
      series.push({ name: 'quartile 3', x, y: groups.map((values) => quantile(values, 0.75)), dashed: true });
    }
    figures.push({
      kind: 'lines',
      name: `median-final-error-by-${factor}`,
      title: other ? `Median final error against ${factorLabel(factor)}, one line per ${LINE_NOUN[other.name] ?? factorLabel(other.name)}` : `Median final error against ${factorLabel(factor)} (with quartiles)`,
      xLabel: factorLabel(factor),
      yLabel: 'median final error',
      logY,
      // seeds, group counts, trials: no ticks at 1.5
      ...(categories ? { categories } : { integerX: x.every((value) => Number.isInteger(value)) }),
      series,
    });
  }
  return figures;
}

const TABLE_COLUMNS = ['finalError', 'bestError', 'initialError', 'trialsDone', 'groupCount', 'elapsedMs'] as const;

/**
 * The number a researcher sees for the task at `index` in the sweep: from 1, as the app numbers
 * sessions, neurons and movements. Files keep the index from 0 (results.csv, results.json,
 * plan.json, `gainlab sweep run --task`, SLURM's array index).
 */
export function taskNumber(index: number): number {
  return index + 1;
}

/** The results as the app's table (the first STORED_ROWS tasks; tasks numbered from 1). */
export function sweepTable(results: SweepResults): ExperimentResultTable {
  return {
    name: 'tasks',
    columns: ['task', 'id', 'state', ...results.factorNames, ...TABLE_COLUMNS],
    rows: results.rows.slice(0, STORED_ROWS).map((row) => [
      taskNumber(row.index),
      row.id,
      row.state,
      ...results.factorNames.map((name) => row.factors[name] ?? ''),
      ...TABLE_COLUMNS.map((name) => {
        const value = row.values?.[name];
        return value === undefined ? '' : value === null ? NaN : value;
      }),
    ]),
  };
}

/** Tasks per state. */
export function stateCounts(rows: readonly SweepRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.state] = (counts[row.state] ?? 0) + 1;
  return counts;
}

/** Numbers the Sweeps view and the stored result quote. */
export function sweepSummary(results: SweepResults): Record<string, unknown> {
  const finals = results.rows.map(finalErrorOf).filter((v): v is number => v !== null);
  return {
    sweep: results.name,
    tasks: results.rows.length,
    states: stateCounts(results.rows),
    factors: Object.fromEntries(results.factorNames.map((name) => [name, factorLevels(results.rows, name).length])),
    medianFinalError: finals.length ? quantile(finals, 0.5) : NaN,
    lowestFinalError: finals.length ? Math.min(...finals) : NaN,
    ...(results.rows.length > STORED_ROWS ? { storedRows: STORED_ROWS } : {}),
  };
}

export interface SweepRecordMeta {
  id: string;
  name: string;
  /** The project network the base runs on (null: none of the project's, e.g. SOC-built). */
  networkId: string | null;
  networkName: string;
  /** Where the results live (a sweep folder or an archive), for the record's settings. */
  location: string;
  status: 'done' | 'cancelled';
  startedAt: string | null;
  finishedAt: string | null;
  notes?: string;
}

/** The project's record of a sweep's results (ExperimentResultRecord of kind 'sweep'). */
export function sweepResultRecord(results: SweepResults, meta: SweepRecordMeta): ExperimentResultRecord {
  const rows = results.rows.slice(0, STORED_ROWS);
  let elapsedMs = 0;
  for (const row of results.rows) elapsedMs += (row.values?.elapsedMs ?? 0) + (row.values?.setupMs ?? 0);
  let sweep: unknown = null;
  // the sweep file itself when it fits the record's settings (1 MiB); it is in the folder anyway
  if (results.sweepText && results.sweepText.length < 512 * 1024) {
    try {
      sweep = JSON.parse(results.sweepText);
    } catch {
      sweep = null;
    }
  }
  const truncated = results.rows.length > STORED_ROWS ? ` The table and CSV keep the first ${STORED_ROWS} of ${results.rows.length} tasks; the folder has all.` : '';
  return {
    id: meta.id,
    name: meta.name,
    kind: 'sweep',
    definition: results.name,
    quick: false,
    seed: null,
    networkId: meta.networkId,
    networkName: meta.networkName,
    settings: { location: meta.location, factorNames: results.factorNames, ...(sweep ? { sweep } : {}) },
    summary: sweepSummary(results),
    tables: [sweepTable(results)],
    arrays: [],
    figures: sweepFigures(results),
    texts: [{ name: 'results', mediaType: 'text/csv', text: resultsCsv(rows, results.factorNames) }],
    status: meta.status,
    elapsedMs,
    startedAt: meta.startedAt,
    finishedAt: meta.finishedAt,
    notes: `${meta.notes ?? ''}${truncated}`.trim(),
  };
}

// ---------------------------------------------------------------------------------------------
// Collected archives (DIR/results.gainlab-sweep, written by `gainlab sweep collect`)
// ---------------------------------------------------------------------------------------------

/** Largest results.json read from an archive (a 100 000-task sweep's records take ~150 MB). */
export const MAX_RESULTS_JSON_BYTES = 256 * 1024 * 1024;

const factorNameSchema = z.enum(FACTOR_NAMES);
const resultsDocumentSchema = z.object({
  format: z.literal(SWEEP_RESULTS_FORMAT),
  formatVersion: z.literal(SWEEP_RESULTS_VERSION),
  name: z.string().min(1).max(120),
  factorNames: z.array(factorNameSchema).max(FACTOR_NAMES.length),
  tasks: z
    .array(
      z.object({
        index: z.number().int().min(0),
        id: z.string().regex(/^[0-9a-f]{16}$/),
        state: z.string().max(32),
        factors: z.record(z.string().max(64), z.string().max(4096)),
        record: taskRecordSchema.nullable(),
      }),
    )
    .max(SWEEP_LIMITS.tasks),
});

/**
 * The results inside a collected sweep archive (results.json and sweep.json; the .npy files are
 * not read). Read with the bounded zip reader of project files (project/zipReader.ts): the
 * directory is checked before anything is inflated, each entry is inflated only up to its declared
 * size (results.json at most MAX_RESULTS_JSON_BYTES, sweep.json a sweep file's limit) and must
 * match its CRC-32, so a zip bomb or a lying directory is refused after at most one inflate step
 * past the declared size. Throws SweepError with one line for anything that is not such an archive.
 */
export function decodeResultsArchive(bytes: Uint8Array): SweepResults {
  const files: Record<string, Uint8Array> = {};
  try {
    // up to 4 arrays per task and 3 documents: beyond 65 535 entries fflate's Zip (collect)
    // counts them modulo 65 536, which the reader then accepts
    const zip = ZipArchive.open(bytes, { maxEntries: SWEEP_LIMITS.tasks * 4 + 3 });
    for (const [name, cap] of [
      ['results.json', MAX_RESULTS_JSON_BYTES],
      ['sweep.json', SWEEP_LIMITS.fileBytes],
    ] as const) {
      const entry = zip.get(name);
      if (entry) files[name] = zip.read(entry, cap, name, `the ${bytesText(cap)} GainLab reads of it`);
    }
  } catch (error) {
    if (error instanceof ProjectFileError) throw new SweepError(`not a collected sweep (.gainlab-sweep is a zip): ${plainZipReason(error)}`);
    throw error;
  }
  const document = files['results.json'];
  if (!document) throw new SweepError('not a collected sweep: the archive has no results.json (gainlab sweep collect DIR writes DIR/results.gainlab-sweep)');
  let value: unknown;
  try {
    value = JSON.parse(strFromU8(document));
  } catch (error) {
    throw new SweepError(`results.json is not JSON (${(error as Error).message})`);
  }
  const parsed = resultsDocumentSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SweepError(`results.json: ${issue.path.map(String).join('.') || '(top)'}: ${issue.message}`);
  }
  const { name, factorNames, tasks } = parsed.data;
  return {
    name,
    factorNames,
    rows: tasks.map((task) => sweepRow({ task, state: task.state, record: task.record })),
    sweepText: files['sweep.json'] ? strFromU8(files['sweep.json']) : null,
  };
}
