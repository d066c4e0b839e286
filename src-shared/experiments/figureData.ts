/**
 * The data of a figure (./figureSpec.ts) and of a result table as CSV text, and the file set of a
 * whole experiment result as `gainlab experiment` writes it (CSV per table and analysis, .npy per
 * array, summary.json): one writer for the CLI and the app's "all data (.zip)" export.
 *
 * Figure CSVs are long tables (one value per row) so every figure kind fits one layout per kind:
 *   lines     series,x,y,band           (x: the category's name when the figure has categories)
 *   box       category,quantity,value   (quantity: count, whisker_low, q1, median, q3, whisker_high, outlier, datum; the reference line as category '(line)')
 *   histogram part,x_left,x_right,y     (part 'bars' or the overlay's name; the overlay has x_right empty)
 *   heatmap   row,col,value
 *   scatter   series,x,y                (x: the category's name when the figure has categories)
 *
 * Sessions are numbered from 1 in every CSV, as the app shows them: the session columns of the
 * tables and analyses (session, session_a, session_b), column and file names (session_1, r_after_s1,
 * correlations_pattern_1_session_2) and series names ('session 1'). The rows of the .npy arrays stay
 * 0-based, as Python indexes them (src-shared/formats/sessionNumbers.ts).
 */
import type { ExperimentResult, ExperimentTable } from './support.js';
import type { FigureSpec } from './figureSpec.js';

/** One CSV cell: numbers in full precision ('NaN', 'Infinity' spelled out), strings quoted when needed. */
export function csvCell(value: number | string): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csv(header: string[], rows: Array<Array<number | string>>): string {
  return `${[header.map(csvCell).join(','), ...rows.map((row) => row.map(csvCell).join(','))].join('\n')}\n`;
}

export function tableCsv(table: ExperimentTable): string {
  return csv(table.columns, table.rows);
}

export function figureCsv(figure: FigureSpec): string {
  switch (figure.kind) {
    case 'lines': {
      const rows: Array<Array<number | string>> = [];
      // on a category axis x is the category's name (a sweep's 'random 10'), not its index
      const xOf = (x: number) => figure.categories?.[x] ?? x;
      for (const s of figure.series) for (let i = 0; i < s.x.length; i++) rows.push([s.name, xOf(s.x[i]), s.y[i], s.band ? s.band[i] : '']);
      return csv(['series', 'x', 'y', 'band'], rows);
    }
    case 'box': {
      const rows: Array<Array<number | string>> = [];
      figure.categories.forEach((category, k) => {
        const b = figure.boxes[k];
        if (b) {
          rows.push([category, 'count', b.count], [category, 'whisker_low', b.whiskerLow], [category, 'q1', b.q1], [category, 'median', b.median], [category, 'q3', b.q3], [category, 'whisker_high', b.whiskerHigh]);
          for (const v of b.outliers) rows.push([category, 'outlier', v]);
        }
        const points = figure.points?.[k];
        if (points) for (let i = 0; i < points.length; i++) rows.push([category, 'datum', points[i]]);
      });
      if (figure.line) rows.push(['(line)', figure.line.name, figure.line.value]);
      return csv(['category', 'quantity', 'value'], rows);
    }
    case 'histogram': {
      const rows: Array<Array<number | string>> = [];
      for (let b = 0; b < figure.heights.length; b++) rows.push(['bars', figure.edges[b], figure.edges[b + 1], figure.heights[b]]);
      const o = figure.overlay;
      if (o) for (let i = 0; i < o.x.length; i++) rows.push([o.name, o.x[i], '', o.y[i]]);
      return csv(['part', 'x_left', 'x_right', 'y'], rows);
    }
    case 'heatmap': {
      const rows: Array<Array<number | string>> = [];
      for (let r = 0; r < figure.rows; r++) for (let c = 0; c < figure.cols; c++) rows.push([r, c, figure.data[r * figure.cols + c]]);
      return csv(['row', 'col', 'value'], rows);
    }
    case 'scatter': {
      const rows: Array<Array<number | string>> = [];
      // on a category axis x is the category's name (Supp. 2f: 'target 3'), not its index
      const xOf = (x: number) => figure.categories?.[x] ?? x;
      for (const s of figure.series) for (let i = 0; i < s.x.length; i++) rows.push([s.name, xOf(s.x[i]), s.y[i]]);
      return csv(['series', 'x', 'y'], rows);
    }
  }
}

/** Text files of a result (tables and analysis CSVs), in the order the CLI writes them. */
export function resultTextFiles(result: Pick<ExperimentResult, 'tables'> & { csv?: Array<{ name: string; text: string }> }): Array<{ name: string; text: string }> {
  return [...result.tables.map((t) => ({ name: `${t.name}.csv`, text: tableCsv(t) })), ...(result.csv ?? []).map((c) => ({ name: `${c.name}.csv`, text: c.text }))];
}

/**
 * summary.json's object: the result's identity, the files written (itself included), its summary
 * numbers and the GainLab version that wrote it (the CLI's, or the app's in its .zip export).
 */
export function summaryJson(result: Pick<ExperimentResult, 'name' | 'title' | 'quick' | 'seed' | 'elapsedMs' | 'stopped' | 'summary'>, files: string[], gainlabVersion: string): Record<string, unknown> {
  return { name: result.name, title: result.title, quick: result.quick, seed: result.seed, elapsedMs: result.elapsedMs, stopped: result.stopped, files, ...result.summary, gainlabVersion };
}
