/**
 * ECharts options of the speed view (model-spec §10–11) as pure functions of the data, each with
 * a caption and its data as CSV (exported by PlotCard like the analyses' plots).
 * Speeds are coloured with the copper map, fast dark → slow bright, as the paper draws them.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { AnalysisPlot } from '../../plots/analysisOptions.js';
import { AFTER_COLOR as AFTER, BEFORE_COLOR as BEFORE, csvTable, fmt, steppedRange, valueAxis } from '../../plots/chartParts.js';
import { copperHex, copperSeries, SERIES_COLORS, SESSION_COLORS, TARGET_COLOR } from '../../plots/palette.js';
import { LEGEND_STYLE } from '../../plots/chartParts.js';
import { EIGENVALUE_UNIT, PER_MS_TO_PER_S } from '../../../src-shared/plots/format.js';
import type { SpeedAnalysis, SpeedOutputs } from '../../workers/speedCompute.js';
import { formatError } from '../../plots/options.js';
import { factorLabel, speedErrors, SPEED_ERROR_LABEL } from '../../../src-shared/speed/errorSummary.js';

const LEGEND = { top: 2, right: 8, ...LEGEND_STYLE };

/** Fig. 6: the mean gain of every group at each speed (x: duration factor). */
export function manifoldPlot(input: { factors: number[]; groups: number; values: Float64Array; duration: number }): AnalysisPlot {
  const count = input.factors.length;
  // colour each group by its gain at the slowest speed, so the fan of the manifold reads at once
  const order = Array.from({ length: input.groups }, (_, g) => g).sort((a, b) => input.values[a * count + count - 1] - input.values[b * count + count - 1]);
  const colors = copperSeries(input.groups, 0.15, 0.95);
  const colorOf = new Map(order.map((g, rank) => [g, colors[rank]]));
  const series = Array.from({ length: input.groups }, (_, g) => ({
    name: `group ${g + 1}`,
    type: 'line',
    data: input.factors.map((f, k) => [f, input.values[g * count + k]]),
    symbol: 'circle',
    symbolSize: 4,
    lineStyle: { color: colorOf.get(g), width: 1.2 },
    itemStyle: { color: colorOf.get(g) },
  }));
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 56, right: 16, top: 16, bottom: 40 },
    tooltip: { trigger: 'item', valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toPrecision(4) : String(v)) },
    xAxis: valueAxis('duration factor s (movement lasts s·T)', { min: input.factors[0], max: input.factors[count - 1], scale: false }),
    yAxis: valueAxis('gain g', { nameGap: 40 }),
    series,
  };
  const rows = input.factors.map((f, k) => [f, f * input.duration, ...Array.from({ length: input.groups }, (_, g) => input.values[g * count + k])]);
  const header = ['factor', 'duration_ms', ...Array.from({ length: input.groups }, (_, g) => `group${g + 1}`)];
  let spread = 0;
  for (let g = 0; g < input.groups; g++) spread = Math.max(spread, Math.abs(input.values[g * count + count - 1] - 1));
  return {
    id: 'speed-manifold',
    title: 'Speed manifold: gains per group across speeds',
    caption: `${input.groups} groups at ${count} durations from ${fmt(input.factors[0])}T to ${fmt(input.factors[count - 1])}T; largest change from g = 1 at the slowest speed ${fmt(spread)}.`,
    option,
    csv: csvTable(header, rows),
  };
}

/** Outputs of one initial condition at every speed (bright = slow), the slow targets dashed. */
export function speedOutputsPlot(input: { outputs: SpeedOutputs; factors: number[]; condition: number; channels: number; showTargets: boolean }): AnalysisPlot {
  const { outputs, factors, condition, channels } = input;
  const colors = copperSeries(factors.length);
  const series: Record<string, unknown>[] = [];
  const step = outputs.step;
  const slice = (values: Float64Array, k: number, c: number) => {
    const nSamples = outputs.nSamples[k];
    const offset = (condition * channels + c) * nSamples;
    return Array.from({ length: nSamples }, (_, i) => [i * step, values[offset + i]]);
  };
  factors.forEach((factor, k) => {
    for (let c = 0; c < channels; c++) {
      const suffix = channels > 1 ? ` ch ${c + 1}` : '';
      if (input.showTargets) {
        series.push({ name: 'targets', type: 'line', data: slice(outputs.targets[k], k, c), symbol: 'none', lineStyle: { color: TARGET_COLOR, width: 1, type: 'dashed' }, itemStyle: { color: TARGET_COLOR }, z: 3 });
      }
      series.push({ name: `${fmt(factor)}T${suffix}`, type: 'line', data: slice(outputs.outputs[k], k, c), symbol: 'none', lineStyle: { color: colors[k], width: 2 }, itemStyle: { color: colors[k] }, z: 2 });
    }
  });
  const longest = Math.max(...outputs.nSamples);
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 56, right: 16, top: 30, bottom: 40 },
    legend: { ...LEGEND, type: 'scroll' },
    tooltip: { trigger: 'axis' },
    xAxis: valueAxis('time (ms)', { min: 0, max: (longest - 1) * step, scale: false }),
    yAxis: valueAxis('output m(t)', { nameGap: 40 }),
    series,
  };
  const header = ['time_ms'];
  factors.forEach((f) => {
    for (let c = 0; c < channels; c++) header.push(`output_${fmt(f, 4)}T_ch${c + 1}`, `target_${fmt(f, 4)}T_ch${c + 1}`);
  });
  const rows: Array<Array<number | string>> = [];
  for (let i = 0; i < longest; i++) {
    const row: Array<number | string> = [i * step];
    factors.forEach((_, k) => {
      const nSamples = outputs.nSamples[k];
      for (let c = 0; c < channels; c++) {
        const offset = (condition * channels + c) * nSamples;
        row.push(i < nSamples ? outputs.outputs[k][offset + i] : '', i < nSamples ? outputs.targets[k][offset + i] : '');
      }
    });
    rows.push(row);
  }
  return {
    id: `speed-outputs-ic${condition + 1}`,
    title: `Outputs at every speed (initial condition ${condition + 1})`,
    // the same definition and numbers as the status line and the job card (speed/errorSummary.ts)
    caption: `${SPEED_ERROR_LABEL[0].toUpperCase()}${SPEED_ERROR_LABEL.slice(1)} per speed: ${speedErrors({ factors, errors: outputs.errors }).map((s) => `${factorLabel(s.factor)} ${formatError(s.error)}`).join(', ')}.`,
    option,
    csv: csvTable(header, rows),
  };
}

/** The live slider's outputs: every initial condition at the current λ over the slow window. */
export function sliderOption(input: { outputs: Float64Array; m: number; channels: number; nSamples: number; step: number; windowMs: number; yRange?: readonly [number, number] | null }): EChartsCoreOption {
  const series: Record<string, unknown>[] = [];
  const { m, channels, nSamples, step } = input;
  for (let k = 0; k < m; k++) {
    for (let c = 0; c < channels; c++) {
      const offset = (k * channels + c) * nSamples;
      const data = new Array<[number, number]>(nSamples);
      for (let i = 0; i < nSamples; i++) data[i] = [i * step, input.outputs[offset + i]];
      const color = SESSION_COLORS[k % SESSION_COLORS.length];
      series.push({ id: `ic${k}-${c}`, name: `x0 ${k + 1}${channels > 1 ? ` ch ${c + 1}` : ''}`, type: 'line', data, symbol: 'none', lineStyle: { color, width: 2 }, itemStyle: { color } });
    }
  }
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 30, bottom: 40 },
    legend: LEGEND,
    xAxis: valueAxis('time (ms)', { min: 0, max: input.windowMs, scale: false }),
    // a fixed range while dragging (the card widens it as new outputs appear, never shrinks it),
    // ticked at the step its ends were rounded to: ECharts' own finer step in the small card drew
    // '-90' against the end '-100'
    yAxis: valueAxis('output m(t)', { nameGap: 40, ...(input.yRange ? steppedRange(input.yRange[0], input.yRange[1]) : {}) }),
    series,
  };
}

/** Stretch factor against λ at the model's step, plus the points measured while dragging. */
export function stretchPlot(input: { lambdas: number[]; meanFactors: number[]; factors: number[][]; measured: [number, number][]; alongManifold: boolean }): AnalysisPlot {
  const conditions = input.factors[0]?.length ?? 0;
  const series: Record<string, unknown>[] = [];
  for (let k = 0; k < conditions; k++) {
    const color = SESSION_COLORS[k % SESSION_COLORS.length];
    series.push({ name: `x0 ${k + 1}`, type: 'line', data: input.lambdas.map((l, i) => [l, input.factors[i][k]]), symbol: 'none', lineStyle: { color, width: 1, opacity: 0.6 }, itemStyle: { color } });
  }
  series.push({ name: 'mean', type: 'line', data: input.lambdas.map((l, i) => [l, input.meanFactors[i]]), symbol: 'circle', symbolSize: 5, lineStyle: { color: AFTER, width: 2.5 }, itemStyle: { color: AFTER } });
  if (input.measured.length) {
    series.push({ name: 'while dragging (preview)', type: 'scatter', data: input.measured, symbolSize: 5, itemStyle: { color: SERIES_COLORS[1], opacity: 0.7 } });
  }
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 56, right: 16, top: 30, bottom: 40 },
    legend: LEGEND,
    tooltip: { trigger: 'item' },
    xAxis: valueAxis(input.alongManifold ? 'position along the manifold λ' : 'λ in g(λ) = (1−λ)·g_fast + λ·g_slow', { min: 0, max: 1, scale: false }),
    yAxis: valueAxis('time-stretch factor s', { nameGap: 40 }),
    series,
  };
  const header = ['lambda', 'mean_factor', ...Array.from({ length: conditions }, (_, k) => `factor_x0_${k + 1}`)];
  return {
    id: 'stretch-factor',
    title: 'Measured time-stretch factor against λ',
    caption: `Best-fitting stretch of each output against its λ = 0 output (model step): ${fmt(input.meanFactors[0])} at λ = 0 to ${fmt(input.meanFactors[input.meanFactors.length - 1])} at λ = 1.`,
    option,
    csv: csvTable(header, input.lambdas.map((l, i) => [l, input.meanFactors[i], ...input.factors[i]])),
  };
}

/** Histogram of the real or imaginary parts of the linearisation's eigenvalues, fast vs slow pattern. */
export function eigenHistogramPlot(a: SpeedAnalysis, part: 're' | 'im'): AnalysisPlot {
  const h = a.histograms[part];
  // the worker's λ is in 1/ms; every eigenvalue plot shows 1/s (src-shared/plots/format.ts)
  const edges = Array.from(h.edges, (e) => e * PER_MS_TO_PER_S);
  const centres = Array.from({ length: h.before.length }, (_, k) => (edges[k] + edges[k + 1]) / 2);
  const width = edges.length > 1 ? edges[1] - edges[0] : 1;
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 56, right: 16, top: 30, bottom: 40 },
    legend: LEGEND,
    tooltip: { trigger: 'axis' },
    xAxis: valueAxis(`${part === 're' ? 'Re' : 'Im'} λ (${EIGENVALUE_UNIT})`, { min: edges[0] - width / 2, max: edges[edges.length - 1] + width / 2, scale: false }),
    yAxis: valueAxis('count', { nameGap: 36, scale: false, min: 0 }),
    series: [
      { name: 'fast (g = 1)', type: 'bar', data: centres.map((x, k) => [x, h.before[k]]), barWidth: '40%', barGap: '0%', itemStyle: { color: BEFORE } },
      { name: 'slow pattern', type: 'bar', data: centres.map((x, k) => [x, h.after[k]]), barWidth: '40%', itemStyle: { color: AFTER } },
    ],
  };
  const max = (values: Float64Array) => values.reduce((m, v) => Math.max(m, v), -Infinity) * PER_MS_TO_PER_S;
  // |Im λ| is the fastest rotation's angular frequency: the caption says which way it went, as shown
  const [before, after] = [fmt(max(a.before.im)), fmt(max(a.after.im))];
  const rotation = before === after ? 'the same fastest rotation' : max(a.after.im) < max(a.before.im) ? 'slower rotation' : 'faster rotation';
  const caption =
    part === 're'
      ? `Largest real part ${fmt(max(a.before.re))} → ${fmt(max(a.after.re))} ${EIGENVALUE_UNIT} (fast → slow pattern).`
      : `Largest |imaginary part| ${before} → ${after} ${EIGENVALUE_UNIT} (fast → slow pattern): ${rotation} in the slow pattern.`;
  return {
    id: `eigen-${part}`,
    title: `Eigenvalues of (−I + W·diag(g))/τ: ${part === 're' ? 'real' : 'imaginary'} parts`,
    caption,
    option,
    csv: csvTable([`bin_centre_per_s`, 'count_fast', 'count_slow'], centres.map((x, k) => [x, h.before[k], h.after[k]])),
  };
}

/** Outputs from noisy copies of x0 (SNR in dB) with one pattern, the clean output bold. */
export function noisyPlot(a: SpeedAnalysis, which: 'fast' | 'slow', step: number, channels: number): AnalysisPlot {
  const run = a.noisy[which];
  const nSamples = run.nSamples;
  const draws = a.noisy.draws;
  const series: Record<string, unknown>[] = [];
  for (let d = 0; d < draws; d++) {
    series.push({
      name: 'noisy x0',
      type: 'line',
      data: Array.from({ length: nSamples }, (_, i) => [i * step, run.outputs[d * channels * nSamples + i]]),
      symbol: 'none',
      lineStyle: { color: which === 'fast' ? BEFORE : AFTER, width: 1, opacity: 0.55 },
      itemStyle: { color: which === 'fast' ? BEFORE : AFTER },
    });
  }
  series.push({ name: 'clean x0', type: 'line', data: Array.from({ length: nSamples }, (_, i) => [i * step, run.clean[i]]), symbol: 'none', lineStyle: { color: TARGET_COLOR, width: 2.5 }, itemStyle: { color: TARGET_COLOR }, z: 3 });
  // spread of the noisy outputs around the clean one, relative to the clean output's range
  let sse = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < nSamples; i++) {
    lo = Math.min(lo, run.clean[i]);
    hi = Math.max(hi, run.clean[i]);
    for (let d = 0; d < draws; d++) sse += (run.outputs[d * channels * nSamples + i] - run.clean[i]) ** 2;
  }
  const rms = Math.sqrt(sse / (draws * nSamples));
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 56, right: 16, top: 30, bottom: 40 },
    legend: { ...LEGEND, data: ['clean x0', 'noisy x0'] },
    xAxis: valueAxis('time (ms)', { min: 0, max: (nSamples - 1) * step, scale: false }),
    yAxis: valueAxis('output m(t)', { nameGap: 40 }),
    series,
  };
  const header = ['time_ms', 'clean', ...Array.from({ length: draws }, (_, d) => `noisy_${d + 1}`)];
  const rows = Array.from({ length: nSamples }, (_, i) => [i * step, run.clean[i], ...Array.from({ length: draws }, (_, d) => run.outputs[d * channels * nSamples + i])]);
  return {
    id: `noisy-${which}`,
    title: `${which === 'fast' ? 'Fast' : 'Slow'} pattern from noisy x0 (${a.noisy.snrDb} dB SNR)`,
    caption: `${draws} draws of initial condition ${a.noisy.condition + 1} + white noise; RMS deviation from the clean output ${fmt(rms)} (${fmt((100 * rms) / Math.max(1e-12, hi - lo), 2)}% of its range).`,
    option,
    csv: csvTable(header, rows),
  };
}
