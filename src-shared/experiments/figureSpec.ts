/**
 * Figures of the Fig. 1–3 / Supp. Figs. 1–2 experiments as plain data. One conversion,
 * ./figureOption.ts, turns them into ECharts options for both renderers (the CLI's server-side SVG,
 * src-cli/svg/figures.ts, and the app's Experiments view); ./figureData.ts writes their data as
 * CSV. Keeping them as data lets tests check what a figure shows without rendering it.
 */
import type { BoxStats } from '../analysis/statistics.js';
import type { DefinitionId } from '../definitions.js';

/** What every figure may carry besides its data. */
export interface FigureMeta {
  /** GainLab definitions the figure rests on (the app shows a badge for each). */
  definitions?: DefinitionId[];
}

export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Optional ± band (e.g. sd) drawn around y. */
  band?: ArrayLike<number>;
  dashed?: boolean;
  /** Colour the paper's legend names for this curve (PAPER_COLORS); default: the next palette colour. */
  color?: string;
  /** Marker the paper's legend names (e.g. squares vs circles in Supp. 2b); default: circles. */
  symbol?: 'circle' | 'rect' | 'triangle' | 'diamond';
}

export interface LinesFigure extends FigureMeta {
  kind: 'lines';
  name: string;
  title: string;
  xLabel: string;
  yLabel: string;
  logY?: boolean;
  /** Logarithmic x axis (x > 0; e.g. group counts G = 2, 10, 20, 200 spanning two decades). */
  logX?: boolean;
  /** x takes whole numbers only (seeds, sessions, group counts): no ticks between them. Default: when every x is a whole number. */
  integerX?: boolean;
  /**
   * Named levels on the x axis (e.g. a sweep's groups: 'N', 'random 10'): every x is the index of
   * its category (0 = the first), and the axis labels them by name. Default: a value axis.
   */
  categories?: string[];
  series: LineSeries[];
}

export interface BoxFigure extends FigureMeta {
  kind: 'box';
  name: string;
  title: string;
  /** What the categories are (the x axis title; default 'condition'). */
  xLabel?: string;
  yLabel: string;
  logY?: boolean;
  categories: string[];
  boxes: BoxStats[];
  /** The data of each box, drawn as points beside it (small samples, e.g. sessions). */
  points?: ArrayLike<number>[];
  /** What one point is, singular ('session', 'task'): the legend says "each session", the app's caption "one per session". */
  pointName?: string;
  /** Horizontal reference line (e.g. the mean pre-training error). */
  line?: { name: string; value: number };
  /** Colour of the boxes when the paper's legend names one (PAPER_COLORS); default: the first palette colour. */
  color?: string;
}

export interface HistogramFigure extends FigureMeta {
  kind: 'histogram';
  name: string;
  title: string;
  xLabel: string;
  yLabel: string;
  edges: ArrayLike<number>;
  heights: ArrayLike<number>;
  /** Curve over the bars (e.g. a fitted normal density). */
  overlay?: { name: string; x: ArrayLike<number>; y: ArrayLike<number> };
}

export interface HeatmapFigure extends FigureMeta {
  kind: 'heatmap';
  name: string;
  title: string;
  xLabel: string;
  yLabel: string;
  rows: number;
  cols: number;
  /** Row-major rows × cols. */
  data: ArrayLike<number>;
  min?: number;
  max?: number;
  /**
   * The x value of column c is xStart + c·xStep (e.g. time in ms, with xLabel 'time (ms)');
   * without them the columns are numbered from 0.
   */
  xStart?: number;
  xStep?: number;
  /** Rows and columns are the same things (neuron × neuron correlations): the app draws the cells square. */
  square?: boolean;
  /** Row r is labelled yStart + r·yStep (neurons from 1, as the app numbers them; λ from 0 in steps); default 0 and 1. */
  yStart?: number;
  yStep?: number;
  /** Unit of the values, written at the ends of the colour bar ('Hz'). */
  unit?: string;
}

export interface ScatterSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** As LineSeries.color; with `colors`, the colour its legend entry shows. */
  color?: string;
  /** Colour of each point (e.g. Supp. 2f: one colour per target); default: `color` for every point. */
  colors?: readonly string[];
  /**
   * Mark of every point: 'circle' etc. (drawn larger than the default small circle), or 'bar', a
   * short horizontal bar across the point's category (e.g. the mean over the circles beside it).
   */
  symbol?: 'circle' | 'rect' | 'triangle' | 'diamond' | 'bar';
}

export interface ScatterFigure extends FigureMeta {
  kind: 'scatter';
  name: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: ScatterSeries[];
  /**
   * Named categories on the x axis (e.g. Supp. 2f's targets): every x is the index of its
   * category (0 = the first), and the axis labels them by name. Default: a value axis.
   */
  categories?: string[];
  /** Vertical reference line at x (e.g. Re λ = 0). */
  vLine?: number;
  logX?: boolean;
  logY?: boolean;
  /** Draw the identity line y = x over the data's range (e.g. fit vs output error). */
  identity?: boolean;
  /** Fixed axis ranges (e.g. Supp. 3h is plotted in [0, 1]²); points outside are clipped. Default: the data's. */
  xRange?: [number, number];
  yRange?: [number, number];
}

export type FigureSpec = LinesFigure | BoxFigure | HistogramFigure | HeatmapFigure | ScatterFigure;

/**
 * A heat map's colour scale symmetric about 0, as wide as the largest |value| of `data`: on the
 * diverging map white then means 0 (a rate at baseline, an output of 0), not the middle of the
 * data's range.
 */
export function zeroCentredScale(...data: ArrayLike<number>[]): { min: number; max: number } {
  let bound = 0;
  for (const values of data) for (let i = 0; i < values.length; i++) if (Math.abs(values[i]) > bound) bound = Math.abs(values[i]);
  return { min: -bound, max: bound };
}
