/**
 * ECharts options and CSV tables of the run analyses (model-spec §11). Pure functions of a
 * RunAnalysis: every plot has `option` (for the screen and the SVG/PNG export) and `csv` (its data).
 */
import type { EChartsCoreOption } from 'echarts/core';
import { histogramCounts, normalPdf } from '../components/analysis/stats.js';
import type { NoisyX0Curve, RunAnalysis } from '../components/analysis/runAnalysis.js';
import { AFTER_COLOR as AFTER, AXIS_LABEL, AXIS_NAME, BEFORE_COLOR as BEFORE, csvTable, fmt, LEGEND_STYLE, valueAxis } from './chartParts.js';
import { outputPlotOption, rateHeatmapOption } from './options.js';
import { copperHex, LIMIT_COLOR, RATE_COLORS, TARGET_COLOR } from './palette.js';
import { countOf, EIGENVALUE_UNIT, niceBounds, PER_MS_TO_PER_S, perSecond } from '../../src-shared/plots/format.js';
import { neuronMatrixCsv } from '../../src-shared/analysis/statistics.js';
import { spectrumOption } from './spectrumOptions.js';

export interface AnalysisPlot {
  id: string;
  title: string;
  /** One sentence under the title: what is shown, and the statistic when there is one. */
  caption: string;
  option: EChartsCoreOption;
  csv: string;
  /**
   * A matrix whose cells must be square (aspect 1): the option is fitted to the chart's size with
   * squareMatrixOption before it is drawn (on screen and in the exports).
   */
  square?: boolean;
}

/** One hovered point of an axis tooltip, as ECharts passes it (data given as [x, y]). */
interface AxisPoint {
  seriesName?: string;
  marker?: string;
  value?: unknown;
  dataIndex: number;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Neuron, session and pair numbers, counts: whole numbers ("27", not "27.00"). */
const whole = (v: number): string => (Number.isFinite(v) ? String(Math.round(v)) : '–');
/** Correlations, errors, gains, rates: 3 significant digits (not the 17 of a raw double). */
const sig3 = (v: number): string => (v === 0 ? '0' : fmt(v));

/**
 * An axis tooltip that names the hovered x by `header` and reads each series' y with `y`.
 * ECharts' own wrote the axis value with two decimals ("27.00" for neuron 27) and every value
 * with all its digits (0.52345678901234567).
 */
export function axisTooltip(header: (x: number, dataIndex: number) => string | null, y: (v: number) => string = sig3) {
  return {
    trigger: 'axis' as const,
    formatter: (params: unknown): string => {
      const points = (Array.isArray(params) ? params : [params]) as AxisPoint[];
      const rows = points.filter((p) => Array.isArray(p.value));
      if (rows.length === 0) return '';
      // the first point a header is given for (null: this series' x does not name the position)
      const title = rows.map((p) => header((p.value as number[])[0], p.dataIndex)).find((text) => text !== null);
      return [
        ...(title ? [escapeHtml(title)] : []),
        ...rows.map((p) => `${p.marker ?? ''}${escapeHtml(p.seriesName ?? '')}&nbsp;&nbsp;<b>${y((p.value as number[])[1])}</b>`),
      ].join('<br/>');
    },
  };
}

export function bestOutputPlot(a: RunAnalysis): AnalysisPlot {
  const option = outputPlotOption({
    duration: a.duration,
    nSamples: a.nSamples,
    channels: a.channels,
    target: { name: 'Target', values: a.target },
    curves: [
      { name: 'before', values: a.outputBefore, color: BEFORE, width: 1.5 },
      { name: 'best trained', values: a.outputAfter, color: AFTER, width: 2.5 },
    ],
  });
  const rows: Array<Array<number>> = [];
  for (let k = 0; k < a.nSamples; k++) {
    const t = (k * a.duration) / (a.nSamples - 1);
    const row = [t];
    for (let c = 0; c < a.channels; c++) row.push(a.target[c * a.nSamples + k], a.outputBefore[c * a.nSamples + k], a.outputAfter[c * a.nSamples + k]);
    rows.push(row);
  }
  const header = ['time_ms'];
  for (let c = 0; c < a.channels; c++) header.push(`target_ch${c + 1}`, `before_ch${c + 1}`, `trained_ch${c + 1}`);
  return {
    id: 'best-output',
    title: 'Best output vs target',
    caption: `E = ${fmt(a.errorBefore)} before, ${fmt(a.errorAfter)} with the best session's gains.`,
    option: option as EChartsCoreOption,
    csv: csvTable(header, rows),
  };
}

/**
 * Up to the error before training, so its dashed line is in view, with a round top (a raw data
 * value there was drawn as the tick 3.2253976079523197). Logarithmic, in whole decades, when the
 * errors span more than one (the paper's Fig. 1 task: 4.18 before, about 0.02 after, the trained
 * box was a flat line at 0 on a linear axis to 5); linear from 0 otherwise or with an error of 0.
 */
function errorBoxAxis(a: RunAnalysis): Record<string, unknown> {
  const top = Math.max(a.initialError, a.errorBox.max);
  const lowest = Math.min(a.errorBox.min, a.initialError);
  if (lowest > 0 && Number.isFinite(top) && top / lowest > 10) {
    return valueAxis('final error E', { type: 'log', logBase: 10, scale: false, nameGap: 44, min: 10 ** Math.floor(Math.log10(lowest)), max: 10 ** Math.ceil(Math.log10(top * 1.05)) });
  }
  return valueAxis('final error E', { nameGap: 44, min: 0, max: niceBounds(0, top * 1.05).max });
}

export function errorBoxPlot(a: RunAnalysis): AnalysisPlot {
  const b = a.errorBox;
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 64, right: 56, top: 24, bottom: 40 },
    tooltip: {
      trigger: 'item',
      formatter: (params: unknown) => {
        const p = params as { seriesType?: string; dataIndex: number };
        if (p.seriesType === 'boxplot') return `final errors<br/>upper whisker ${sig3(b.upperWhisker)}<br/>Q3 ${sig3(b.q3)}<br/>median ${sig3(b.median)}<br/>Q1 ${sig3(b.q1)}<br/>lower whisker ${sig3(b.lowerWhisker)}`;
        return `session ${p.dataIndex + 1}<br/>best error ${sig3(a.finalErrors[p.dataIndex])}`;
      },
    },
    xAxis: { type: 'category', data: ['trained'], axisLabel: AXIS_LABEL, name: 'best error of each session', nameLocation: 'middle', nameGap: 26, nameTextStyle: AXIS_NAME },
    yAxis: errorBoxAxis(a),
    series: [
      {
        name: 'final errors',
        type: 'boxplot',
        data: [[b.lowerWhisker, b.q1, b.median, b.q3, b.upperWhisker]],
        itemStyle: { color: '#f3e3d3', borderColor: AFTER },
        markLine: { symbol: 'none', silent: true, data: [{ yAxis: a.initialError, name: 'before' }], lineStyle: { color: BEFORE, type: 'dashed' }, label: { formatter: 'before', color: '#555' } },
      },
      {
        name: 'sessions',
        type: 'scatter',
        data: a.finalErrors.map((e) => ['trained', e]),
        symbolSize: 6,
        itemStyle: { color: AFTER },
      },
    ],
  };
  return {
    id: 'error-box',
    title: 'Final errors across sessions',
    caption: `${countOf(a.finalErrors.length, 'session')}: median ${fmt(b.median)}, quartiles ${fmt(b.q1)}–${fmt(b.q3)}; dashed: error before training (${fmt(a.initialError)}).`,
    option,
    csv: csvTable(['session', 'best_error'], a.finalErrors.map((e, s) => [s + 1, e])),
  };
}

/** min and max of an axis, rounded to its ticks' step. */
function niceBoundsOf(lo: number, hi: number): { min: number; max: number } {
  const { min, max } = niceBounds(lo, hi);
  return { min, max };
}

export function gainDistributionPlot(a: RunAnalysis): AnalysisPlot {
  const bins = 30;
  const h = histogramCounts(a.gains, bins);
  const width = h.edges[1] - h.edges[0];
  const total = a.gains.length;
  const centres = h.counts.map((_, k) => (h.edges[k] + h.edges[k + 1]) / 2);
  const density = h.counts.map((c) => c / (total * width));
  const { mean, sd } = a.gainFit;
  const curve: [number, number][] = [];
  for (let k = 0; k <= 120; k++) {
    const x = h.edges[0] + (k / 120) * (h.edges[bins] - h.edges[0]);
    curve.push([x, sd > 0 ? normalPdf(x, mean, sd) : 0]);
  }
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 56, right: 16, top: 30, bottom: 40 },
    legend: { top: 2, right: 8, ...LEGEND_STYLE },
    tooltip: axisTooltip((x) => `gain ${sig3(x)}`),
    xAxis: valueAxis('gain g', { ...niceBoundsOf(h.edges[0], h.edges[bins]), scale: false }),
    yAxis: valueAxis('density', { nameGap: 40 }),
    series: [
      { name: 'trained gains', type: 'bar', data: centres.map((x, k) => [x, density[k]]), barWidth: '90%', itemStyle: { color: copperHex(0.55) } },
      { name: `normal fit (μ ${fmt(mean)}, σ ${fmt(sd)})`, type: 'line', data: curve, symbol: 'none', lineStyle: { color: TARGET_COLOR, width: 1.5 }, itemStyle: { color: TARGET_COLOR } },
    ],
  };
  return {
    id: 'gain-distribution',
    title: 'Gain distribution',
    caption:
      `All ${total.toLocaleString('en-US')} trained gains; fitted normal μ = ${fmt(mean, 4)}, σ = ${fmt(sd, 3)}.` +
      (a.gainPositivity.totalNegative > 0
        ? ` Warning: ${a.gainPositivity.totalNegative} trained gain(s) are negative (smallest ${fmt(a.gainPositivity.minGain, 3)}): those neurons' response is flipped (GainLab definition 'gain-positivity').`
        : ' All gains are non-negative.'),
    option,
    csv: csvTable(['bin_from', 'bin_to', 'count', 'density', 'normal_pdf_at_centre'], h.counts.map((c, k) => [h.edges[k], h.edges[k + 1], c, density[k], sd > 0 ? normalPdf(centres[k], mean, sd) : 0])),
  };
}

export function rateHeatmapPlot(a: RunAnalysis, which: 'before' | 'after'): AnalysisPlot {
  const rates = which === 'before' ? a.ratesBefore : a.ratesAfter;
  const option = rateHeatmapOption({ rates, n: a.n, nE: a.nE, nSamples: a.nSamples, duration: a.duration });
  const rows: Array<Array<number>> = [];
  for (let k = 0; k < a.nSamples; k++) rows.push([(k * a.duration) / (a.nSamples - 1), ...Array.from(rates.subarray(k * a.n, (k + 1) * a.n))]);
  return {
    id: `rates-${which}`,
    title: `Firing rates ${which === 'before' ? 'before' : 'after'} training`,
    caption: which === 'before' ? 'Rates relative to baseline with the starting gains.' : "Rates with the best session's gains.",
    option: option as EChartsCoreOption,
    csv: csvTable(['time_ms', ...Array.from({ length: a.n }, (_, i) => `neuron_${i + 1}`)], rows),
  };
}

/** The correlation matrix's margins (px) around its plot area: neuron axes left and below, colour bar right. */
const MATRIX_GRID = { left: 48, right: 70, top: 12, bottom: 36 };
/** Room between the matrix and its colour bar (px). */
const MATRIX_BAR_GAP = 14;

/** The option's own grid margins in px (an experiment figure's: room for its axis names), if it gives all four. */
function gridMargins(grid: unknown): { left: number; right: number; top: number; bottom: number } | null {
  const g = grid as Partial<Record<'left' | 'right' | 'top' | 'bottom', unknown>> | undefined;
  if (!g || typeof g !== 'object') return null;
  const { left, right, top, bottom } = g;
  return typeof left === 'number' && typeof right === 'number' && typeof top === 'number' && typeof bottom === 'number' ? { left, right, top, bottom } : null;
}

/**
 * A square matrix's option for a chart of `width` × `height` px: the plot area is the largest
 * square the margins leave, centred, with the colour bar beside it (ECharts stretches a category
 * grid to the chart, which drew the neuron × neuron cells 2-3 times wider than tall).
 */
export function squareMatrixOption(option: EChartsCoreOption, width: number, height: number): EChartsCoreOption {
  const margins = gridMargins(option.grid) ?? MATRIX_GRID;
  const room = { width: width - margins.left - margins.right, height: height - margins.top - margins.bottom };
  const side = Math.max(40, Math.floor(Math.min(room.width, room.height)));
  const left = margins.left + Math.max(0, Math.floor((room.width - side) / 2));
  const top = margins.top + Math.max(0, Math.floor((room.height - side) / 2));
  return {
    ...option,
    // outerBoundsMode none: ECharts 6 otherwise shrinks one side of the grid to keep its labels in the chart
    grid: { left, top, width: side, height: side, right: undefined, bottom: undefined, outerBoundsMode: 'none' },
    visualMap: { ...(option.visualMap as Record<string, unknown>), right: undefined, left: left + side + MATRIX_BAR_GAP },
  };
}

/** Supp. Fig. 1b: neuron-by-neuron correlations with the starting gains (which = -1) or trained pattern `which` (same neuron order). */
export function correlationMatrixPlot(a: RunAnalysis, which: number): AnalysisPlot {
  const pattern = which >= 0 ? a.correlationPatterns[which] : null;
  const matrix = pattern ? pattern.matrix : a.correlationBefore;
  const data: [number, number, number][] = [];
  for (let i = 0; i < a.n; i++) for (let j = 0; j < a.n; j++) data.push([j, i, matrix[i * a.n + j]]);
  const labels = Array.from({ length: a.n }, (_, i) => String(i + 1));
  const option: EChartsCoreOption = {
    animation: false,
    grid: MATRIX_GRID,
    xAxis: { type: 'category', data: labels, axisLabel: { ...AXIS_LABEL, interval: Math.max(0, Math.round(a.n / 4) - 1) }, axisTick: { show: false }, name: 'neuron', nameLocation: 'middle', nameGap: 22, nameTextStyle: AXIS_NAME },
    yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { ...AXIS_LABEL, interval: Math.max(0, Math.round(a.n / 4) - 1) }, axisTick: { show: false }, name: 'neuron', nameLocation: 'middle', nameGap: 32, nameTextStyle: AXIS_NAME },
    visualMap: { type: 'continuous', min: -1, max: 1, orient: 'vertical', right: 4, top: 'middle', itemHeight: 120, itemWidth: 12, text: ['+1', '−1'], textStyle: { fontSize: 11 }, inRange: { color: RATE_COLORS } },
    series: [{ name: 'Pearson r', type: 'heatmap', data, emphasis: { disabled: true } }],
  };
  let offDiagonal = 0;
  for (let i = 0; i < a.n; i++) for (let j = 0; j < a.n; j++) if (i !== j) offDiagonal += Math.abs(matrix[i * a.n + j]);
  offDiagonal /= a.n * (a.n - 1);
  return {
    id: pattern ? `correlations-pattern-${which + 1}` : 'correlations-before',
    title: pattern ? `Neuron correlations, trained pattern of session ${pattern.session + 1}` : 'Neuron correlations before',
    caption: `Pairwise Pearson r of the rates over time; mean |r| off the diagonal ${fmt(offDiagonal)}.`,
    option,
    csv: neuronMatrixCsv(matrix, a.n),
    square: true,
  };
}

export function sessionCorrelationPlot(a: RunAnalysis): AnalysisPlot {
  const values = a.sessionGainCorrelations;
  const h = histogramCounts(values, 20, -1, 1);
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 48, right: 16, top: 20, bottom: 40 },
    tooltip: axisTooltip((x) => `r ${sig3(x)} (bin centre)`, whole),
    xAxis: valueAxis('Pearson r between sessions’ gain patterns', { min: -1, max: 1, scale: false }),
    yAxis: valueAxis('pairs', { nameGap: 32, minInterval: 1 }),
    series: [{ name: 'session pairs', type: 'bar', data: h.counts.map((c, k) => [(h.edges[k] + h.edges[k + 1]) / 2, c]), barWidth: '90%', itemStyle: { color: copperHex(0.6) } }],
  };
  const m = values.length ? values.reduce((s, v) => s + v, 0) / values.length : NaN;
  return {
    id: 'session-correlations',
    title: 'Correlations between sessions’ gain patterns',
    caption: values.length ? `${countOf(values.length, 'pair')} of sessions, mean r = ${fmt(m)}.` : 'Needs two sessions or more.',
    option,
    csv: csvTable(['pair', 'pearson_r'], values.map((r, k) => [k + 1, r])),
  };
}

export function eigenvaluePlot(a: RunAnalysis): AnalysisPlot {
  // the model's λ is in 1/ms; every eigenvalue plot shows 1/s (src-shared/plots/format.ts)
  const maxRe = (e: { re: Float64Array }) => Math.max(...Array.from(e.re)) * PER_MS_TO_PER_S;
  const { option, outsideCount } = spectrumOption({
    sets: [
      // rings over dots: most eigenvalues barely move with training, so the filled 'after' dots
      // hid the 'before' ones under them
      { name: 'before training', re: perSecond(a.eigenvaluesBefore.re), im: perSecond(a.eigenvaluesBefore.im), color: BEFORE, hollow: true },
      { name: 'after training', re: perSecond(a.eigenvaluesAfter.re), im: perSecond(a.eigenvaluesAfter.im), color: AFTER },
    ],
    references: [{ name: 'Re λ = 0 (stability limit)', x: 0, color: LIMIT_COLOR }],
    xName: `Re λ (${EIGENVALUE_UNIT})`,
    yName: `Im λ (${EIGENVALUE_UNIT})`,
  });
  // the CSV in the plot's unit, so its rows are the points drawn (it was in 1/ms, 1000× smaller)
  const rows: Array<Array<number | string>> = [];
  for (const [which, e] of [['before', a.eigenvaluesBefore], ['after', a.eigenvaluesAfter]] as const) {
    for (let k = 0; k < e.re.length; k++) rows.push([which, e.re[k] * PER_MS_TO_PER_S, e.im[k] * PER_MS_TO_PER_S]);
  }
  return {
    id: 'eigenvalues',
    title: 'Eigenvalues of the linearisation',
    caption: `(−I + W·diag(g))/τ, rings before and dots after training; largest real part ${fmt(maxRe(a.eigenvaluesBefore))} ${EIGENVALUE_UNIT} before, ${fmt(maxRe(a.eigenvaluesAfter))} ${EIGENVALUE_UNIT} after${outsideCount ? `; ${countOf(outsideCount, 'eigenvalue')} far outside the cloud drawn on the frame (true values in the CSV)` : ''}.`,
    option,
    csv: csvTable(['gains', 're_per_s', 'im_per_s'], rows),
  };
}

export function rateTargetPlot(a: RunAnalysis): AnalysisPlot {
  const neurons = Array.from({ length: a.n }, (_, i) => i + 1);
  const w = a.wilcoxon;
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 56, right: 16, top: 30, bottom: 40 },
    legend: { top: 2, right: 8, ...LEGEND_STYLE },
    tooltip: axisTooltip((x) => `neuron ${whole(x)}`),
    xAxis: valueAxis('neuron', { min: 1, max: a.n, scale: false }),
    yAxis: valueAxis('corr(rate, target)', { min: -1, max: 1, nameGap: 36, scale: false }),
    series: [
      { name: 'before', type: 'scatter', data: neurons.map((i) => [i, a.rateTargetBefore[i - 1]]), symbolSize: 4, itemStyle: { color: BEFORE } },
      { name: 'after', type: 'scatter', data: neurons.map((i) => [i, a.rateTargetAfter[i - 1]]), symbolSize: 4, itemStyle: { color: AFTER } },
    ],
  };
  const ma = a.meanRateTargetAfter;
  const meanAfter = ma.length ? ma.reduce((x, y) => x + y, 0) / ma.length : NaN;
  return {
    id: 'rate-target',
    title: 'Rate–target correlation per neuron',
    caption: `Mean Pearson r over neurons ${fmt(a.meanRateTargetBefore)} before; after, mean over ${countOf(ma.length, 'session')} ${fmt(meanAfter)}. Paired one-sided Wilcoxon signed-rank (after > before, ${countOf(w.nUsed, 'session')}): W+ = ${w.tPlus}, p = ${fmt(w.pValue, 2)}${w.method === 'exact' ? ' (exact)' : ''}.`,
    option,
    csv: csvTable(['neuron', 'r_before', 'r_after_best_session'], neurons.map((i) => [i, a.rateTargetBefore[i - 1], a.rateTargetAfter[i - 1]])),
  };
}

/** Supp. Fig. 1a: the largest real part of the spectrum of W·diag(g), starting gains vs every session's trained gains. */
export function abscissaPlot(a: RunAnalysis): AnalysisPlot {
  const sessions = a.abscissaAfter.map((_, k) => k + 1);
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 56, right: 16, top: 30, bottom: 40 },
    legend: { top: 2, right: 8, ...LEGEND_STYLE },
    tooltip: axisTooltip((x) => (Number.isInteger(x) ? `session ${whole(x)}` : null)),
    // half a session of room either side, labelled at sessions only (its ends read '0.5' and '10.5')
    xAxis: valueAxis('session', { min: 0.5, max: sessions.length + 0.5, scale: false, minInterval: 1, axisLabel: { ...AXIS_LABEL, formatter: (value: number) => (Number.isInteger(value) ? String(value) : '') } }),
    yAxis: valueAxis('max Re λ(W·diag(g))', { nameGap: 40 }),
    series: [
      // the starting gains' value as a dashed line across the whole axis (with one session, a line
      // through one point per session would draw nothing)
      { name: 'before', type: 'line', data: [[0.5, a.abscissaBefore], [sessions.length + 0.5, a.abscissaBefore]], lineStyle: { color: BEFORE, type: 'dashed' }, itemStyle: { color: BEFORE }, symbol: 'none' },
      { name: 'trained', type: 'scatter', data: sessions.map((s, k) => [s, a.abscissaAfter[k]]), symbolSize: 7, itemStyle: { color: AFTER } },
    ],
  };
  const mean = a.abscissaAfter.reduce((x, y) => x + y, 0) / Math.max(1, a.abscissaAfter.length);
  return {
    id: 'spectral-abscissa',
    title: 'Largest real part of W·diag(g)',
    caption: `${fmt(a.abscissaBefore)} with the starting gains; ${fmt(mean)} on average after training (${countOf(a.abscissaAfter.length, 'session')}).`,
    option,
    csv: csvTable(['session', 'max_re_start', 'max_re_trained'], sessions.map((s, k) => [s, a.abscissaBefore, a.abscissaAfter[k]])),
  };
}

/** Supp. Fig. 1e bottom right: change of each neuron's rate–target correlation, best session. */
export function rateTargetChangePlot(a: RunAnalysis): AnalysisPlot {
  const order = Array.from(a.rateTargetChange, (_, i) => i).sort((x, y) => a.rateTargetChange[x] - a.rateTargetChange[y]);
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 56, right: 16, top: 20, bottom: 40 },
    tooltip: axisTooltip((x, k) => `neuron ${order[k] + 1} (rank ${whole(x)})`),
    xAxis: valueAxis('neurons, ordered by change', { min: 1, max: a.n, scale: false }),
    yAxis: valueAxis('Δ corr(rate, target)', { nameGap: 40 }),
    series: [{ name: 'change', type: 'bar', data: order.map((i, rank) => [rank + 1, a.rateTargetChange[i]]), itemStyle: { color: AFTER }, barWidth: '80%' }],
  };
  return {
    id: 'rate-target-change',
    title: 'Change of each neuron’s correlation with the target',
    caption: `r after − r before for session ${a.bestSession + 1} (the best), neurons sorted by the change.`,
    option,
    csv: csvTable(['neuron', 'r_before', 'r_after', 'change'], Array.from(a.rateTargetChange, (c, i) => [i + 1, a.rateTargetBefore[i], a.rateTargetAfter[i], c])),
  };
}

/** Supp. Fig. 1e top right: the neuron whose rate changes most. */
export function exampleNeuronPlot(a: RunAnalysis): AnalysisPlot {
  const e = a.exampleNeuron;
  const t = (k: number) => (k * a.duration) / (a.nSamples - 1);
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 56, right: 16, top: 30, bottom: 40 },
    legend: { top: 2, right: 8, ...LEGEND_STYLE },
    tooltip: axisTooltip((x) => `t = ${sig3(x)} ms`),
    xAxis: valueAxis('time (ms)', { min: 0, max: a.duration, scale: false }),
    yAxis: valueAxis('rate − baseline (Hz)', { nameGap: 40 }),
    series: [
      { name: 'before', type: 'line', data: Array.from(e.rateBefore, (v, k) => [t(k), v]), symbol: 'none', lineStyle: { color: BEFORE, width: 1.5 }, itemStyle: { color: BEFORE } },
      { name: 'after', type: 'line', data: Array.from(e.rateAfter, (v, k) => [t(k), v]), symbol: 'none', lineStyle: { color: AFTER, width: 2 }, itemStyle: { color: AFTER } },
    ],
  };
  return {
    id: 'example-neuron',
    title: `Neuron ${e.index + 1}: rate before and after`,
    caption: `The neuron whose rate changes most (GainLab definition 'example-neuron'); its correlation with the target ${fmt(e.rBefore)} → ${fmt(e.rAfter)}.`,
    option,
    csv: csvTable(['time_ms', 'rate_before', 'rate_after'], Array.from(e.rateBefore, (v, k) => [t(k), v, e.rateAfter[k]])),
  };
}

export function noisyX0Plot(curve: NoisyX0Curve): AnalysisPlot {
  const band = (values: { mean: number; sd: number }[]) => values.map((v, k) => [curve.snrDb[k], v.mean - v.sd, v.mean + v.sd]);
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 56, right: 16, top: 30, bottom: 40 },
    legend: { top: 2, right: 8, ...LEGEND_STYLE },
    tooltip: axisTooltip((x) => `SNR ${sig3(x)} dB`),
    xAxis: valueAxis('SNR of x0 (dB)'),
    yAxis: valueAxis('E(noisy, noise-free output)', { nameGap: 40 }),
    series: [
      ...(['before', 'after'] as const).flatMap((which) => {
        const values = curve[which];
        const color = which === 'before' ? BEFORE : AFTER;
        return [
          { name: which, type: 'line', data: values.map((v, k) => [curve.snrDb[k], v.mean]), lineStyle: { color, width: 2 }, itemStyle: { color }, symbolSize: 5 },
          { name: which, type: 'line', data: band(values).map(([x, lo]) => [x, lo]), lineStyle: { color, width: 1, type: 'dashed' }, symbol: 'none', tooltip: { show: false } },
          { name: which, type: 'line', data: band(values).map(([x, , hi]) => [x, hi]), lineStyle: { color, width: 1, type: 'dashed' }, symbol: 'none', tooltip: { show: false } },
        ];
      }),
    ],
  };
  return {
    id: 'noisy-x0',
    title: 'Noisy vs noise-free output',
    caption: `Error E of the output from a noisy x0 against the noise-free output of the same gains; mean ± SD (dashed) over ${curve.draws.toLocaleString('en-US')} noisy initial conditions per SNR (seed ${curve.seed}); after: pooled over ${countOf(curve.patterns, 'trained pattern')}.`,
    option,
    csv: csvTable(
      ['snr_db', 'mean_before', 'sd_before', 'mean_after', 'sd_after'],
      curve.snrDb.map((snr, k) => [snr, curve.before[k].mean, curve.before[k].sd, curve.after[k].mean, curve.after[k].sd]),
    ),
  };
}

/** Every plot of an analysis, in reading order. */
export function analysisPlots(a: RunAnalysis, noisy: NoisyX0Curve | null): AnalysisPlot[] {
  return [
    bestOutputPlot(a),
    errorBoxPlot(a),
    gainDistributionPlot(a),
    rateHeatmapPlot(a, 'before'),
    rateHeatmapPlot(a, 'after'),
    correlationMatrixPlot(a, -1),
    ...a.correlationPatterns.map((_, k) => correlationMatrixPlot(a, k)),
    sessionCorrelationPlot(a),
    eigenvaluePlot(a),
    abscissaPlot(a),
    rateTargetPlot(a),
    rateTargetChangePlot(a),
    exampleNeuronPlot(a),
    ...(noisy ? [noisyX0Plot(noisy)] : []),
  ];
}
