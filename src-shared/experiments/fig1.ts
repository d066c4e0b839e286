/**
 * Fig. 1 (with the analyses of Figs. 2–3 and Supp. Fig. 1a–e): the reward-based rule (model-spec
 * §5) learns neuron-specific gains for one movement in independent sessions; then every analysis
 * of a finished run (src-shared/analysis/runAnalyses.ts, the same pipeline as the app's Analyses
 * view, with the noise seed analysisNoiseSeed(seed)).
 *
 * Paper set-up (full): the published 200-neuron network and its novel target when given (else a
 * GainLab-built N = 200 SOC network and generated target seed 2), neuron-specific gains, 10
 * sessions × 5000 trials, σ = 0.001, α = 0.3, noisy x0 with 1000 samples per SNR.
 * Quick: N = 40 SOC network, 3 sessions × 1000 trials, 40 samples.
 */
import { analyseRun, analysisNoiseSeed, DEFAULT_SNR_DB, runAnalysesCsv, type RunAnalyses } from '../analysis/runAnalyses.js';
import { boxStats, ksDistanceToNormal, mean, pearson } from '../analysis/statistics.js';
import type { DefinitionId } from '../definitions.js';
import { runRewardRuleSessions } from '../model/rewardRule.js';
import { sampleTimes } from '../model/params.js';
import { clock, networkSummary } from './support.js';
import { zeroCentredScale, type FigureSpec } from './figureSpec.js';
import type { FigureExperimentDefinition, FigureExperimentOptions, FigureExperimentResult } from './support.js';
import { curveMatrix, gainExperimentNetwork, generatedTarget, runningMinimum, thin } from './gainExperimentSupport.js';
import { departuresFrom, networkDefinitions, settingsAsRun, setupSummary } from './setup.js';
import { EIGENVALUE_UNIT, PER_MS_TO_PER_S, perSecond } from '../plots/format.js';
import { PAPER_COLORS } from '../plots/palette.js';
import { sessionNumber } from '../formats/sessionNumbers.js';


export const FIG1_SETTINGS = {
  full: { n: 200, sessions: 10, trials: 5000, sigma: 0.001, alpha: 0.3, noiseSamples: 1000, snrDb: [...DEFAULT_SNR_DB], targetSeed: 2 },
  quick: { n: 40, sessions: 3, trials: 1000, sigma: 0.001, alpha: 0.3, noiseSamples: 40, snrDb: [0, 10, 20, 30, 40], targetSeed: 2 },
};

export interface Fig1Options extends FigureExperimentOptions {
  /** Overrides of the preset (e.g. tiny test settings). */
  sessions?: number;
  trials?: number;
  noiseSamples?: number;
  sigma?: number;
  alpha?: number;
  n?: number;
}

export function figuresOfAnalyses(a: RunAnalyses, errorCurves: readonly ArrayLike<number>[], params: { nSamples: number; duration: number }, nE: number): FigureSpec[] {
  const figures: FigureSpec[] = [];
  figures.push({
    kind: 'lines',
    name: 'fig1_error_curves',
    title: 'Error during learning (reward-based rule)',
    xLabel: 'trial',
    yLabel: 'error',
    logY: true,
    series: errorCurves.map((c, k) => ({ name: `session ${k + 1}`, ...thin(c) })),
  });
  const channels = a.bestOutput.channels;
  const ns = params.nSamples;
  const outputSeries = [];
  for (let c = 0; c < channels; c++) {
    const slice = (x: Float64Array) => x.subarray(c * ns, (c + 1) * ns);
    outputSeries.push({ name: `target${channels > 1 ? ` ${c}` : ''}`, x: a.bestOutput.times, y: slice(a.bestOutput.target), dashed: true });
    outputSeries.push({ name: `before (E = ${a.bestOutput.initialError.toPrecision(3)})`, x: a.bestOutput.times, y: slice(a.bestOutput.initialOutput) });
    outputSeries.push({ name: `best (E = ${a.bestOutput.error.toPrecision(3)})`, x: a.bestOutput.times, y: slice(a.bestOutput.output) });
  }
  figures.push({ kind: 'lines', name: 'fig1_best_output', title: `Best output (session ${a.bestOutput.session + 1}) vs target`, xLabel: 'time (ms)', yLabel: 'output', series: outputSeries });
  figures.push({
    kind: 'box',
    name: 'fig1_error_box',
    title: 'Error across sessions',
    xLabel: 'gains',
    yLabel: 'error',
    logY: true,
    categories: ['before', 'after'],
    boxes: [a.errorBox.initial, a.errorBox.final],
    points: [a.errorBox.initialErrors, a.errorBox.finalErrors],
    pointName: 'session',
  });
  const g = a.gainDistribution;
  const negative = a.gainPositivity.totalNegative;
  figures.push({
    kind: 'histogram',
    name: 'fig1e_gain_distribution', definitions: ['gain-positivity'],
    title: `Trained gains (normal fit μ = ${g.fit.mu.toFixed(3)}, σ = ${g.fit.sigma.toFixed(3)})${negative > 0 ? ` — ${negative} negative` : ''}`,
    xLabel: 'gain',
    yLabel: 'density',
    edges: g.histogram.edges,
    heights: g.histogram.density,
    overlay: { name: 'normal fit', x: g.pdfX, y: g.pdfY },
  });
  const r = a.rates;
  // neurons numbered from 1 with their kind, as the app's rate maps show them (E first)
  const neuronAxis = { yLabel: `neuron (E 1–${nE}, I ${nE + 1}–${r.n})`, yStart: 1 };
  // Heat maps: neuron × time (transpose of the time-major rates).
  const transpose = (m: Float64Array) => {
    const out = new Float64Array(m.length);
    for (let k = 0; k < r.nSamples; k++) for (let i = 0; i < r.n; i++) out[i * r.nSamples + k] = m[k * r.n + i];
    return out;
  };
  const timeAxis = { xLabel: 'time (ms)', xStart: 0, xStep: params.duration / (params.nSamples - 1) };
  // rates are relative to the baseline r0 (model-spec §1): the diverging map's white is 0 (no change
  // from baseline), so the scale is symmetric (−8.7 … 17.9 Hz put white at 4.6 Hz and drew most
  // neurons at baseline as blue, below it)
  const rateScale = { ...zeroCentredScale(r.before, r.after), unit: 'Hz' };
  figures.push({ kind: 'heatmap', name: 'fig2_rates_before', title: 'Firing rates before learning (rate − baseline)', ...timeAxis, ...neuronAxis, rows: r.n, cols: r.nSamples, data: transpose(r.before), ...rateScale });
  figures.push({ kind: 'heatmap', name: 'fig2_rates_after', title: 'Firing rates after learning (rate − baseline)', ...timeAxis, ...neuronAxis, rows: r.n, cols: r.nSamples, data: transpose(r.after), ...rateScale });
  const c = a.correlations;
  figures.push({ kind: 'heatmap', name: 'supp1b_correlations_gains1', title: `Neuron correlations, gains 1 (mean |r| ${c.meanAbsBefore.toFixed(3)})`, xLabel: 'neuron', xStart: 1, xStep: 1, ...neuronAxis, rows: c.n, cols: c.n, data: c.before, min: -1, max: 1, square: true });
  c.patterns.forEach((p, k) =>
    figures.push({ kind: 'heatmap', name: `supp1b_correlations_pattern${k + 1}`, title: `Neuron correlations, trained pattern of session ${p.session + 1} (mean |r| ${p.meanAbs.toFixed(3)})`, xLabel: 'neuron', xStart: 1, xStep: 1, ...neuronAxis, rows: c.n, cols: c.n, data: p.matrix, min: -1, max: 1, square: true }),
  );
  figures.push({
    kind: 'histogram',
    name: 'supp1c_gain_pattern_correlations',
    title: `Correlations between the ${a.gainPatterns.pairs.length} pairs of trained gain patterns`,
    xLabel: 'Pearson r',
    yLabel: 'pairs',
    edges: a.gainPatterns.histogram.edges,
    heights: a.gainPatterns.histogram.counts,
  });
  figures.push({
    kind: 'scatter',
    name: 'fig3_eigenvalues',
    title: 'Eigenvalues of (−I + W diag(g))/τ',
    // λ in 1/s as in every eigenvalue plot of GainLab (the model's 1/ms × 1000)
    xLabel: `Re λ (${EIGENVALUE_UNIT})`,
    yLabel: `Im λ (${EIGENVALUE_UNIT})`,
    series: [
      { name: 'before', x: perSecond(a.eigenvalues.before.re), y: perSecond(a.eigenvalues.before.im) },
      { name: 'after', x: perSecond(a.eigenvalues.after.re), y: perSecond(a.eigenvalues.after.im) },
    ],
    vLine: 0,
  });
  const e = a.eigenvalues;
  figures.push({
    kind: 'lines',
    name: 'supp1a_spectral_abscissa',
    title: 'Largest real part of the spectrum of W·diag(g), every session',
    xLabel: 'session',
    yLabel: 'max Re λ',
    series: [
      { name: 'gains 1', x: Array.from(e.abscissaAfter, (_, k) => k + 1), y: Array.from(e.abscissaAfter, () => e.abscissaBefore), dashed: true },
      { name: 'trained', x: Array.from(e.abscissaAfter, (_, k) => k + 1), y: e.abscissaAfter },
    ],
  });
  if (a.noise) {
    const noise = a.noise;
    figures.push({
      kind: 'lines',
      name: 'supp1d_noise_robustness', definitions: ['noise-robustness'],
      title: `Noisy vs noise-free output (${noise.samples} samples per SNR; mean ± SD)`,
      xLabel: 'SNR (dB)',
      yLabel: 'error E(noisy, noise-free)',
      logY: true,
      series: [
        // the legend's colours: gains 1 blue, the trained patterns red
        { name: 'gains 1', x: noise.snrDb, y: noise.before.mean, band: noise.before.sd, color: PAPER_COLORS.blue },
        { name: `trained (${noise.patterns} patterns)`, x: noise.snrDb, y: noise.after.mean, band: noise.after.sd, color: PAPER_COLORS.red },
      ],
    });
  }
  const rt = a.rateTarget;
  figures.push({
    kind: 'box',
    name: 'supp1e_rate_target_correlation',
    title: `Mean r(rate, target) per session (Wilcoxon one-sided p = ${rt.wilcoxon.pValue.toPrecision(3)})`,
    xLabel: 'gains',
    yLabel: 'mean Pearson r',
    categories: ['before', 'after'],
    boxes: [boxStats([rt.meanBefore]), boxStats(rt.meanAfter)],
    points: [new Float64Array(rt.meanAfter.length).fill(rt.meanBefore), rt.meanAfter],
    pointName: 'session',
  });
  const order = Array.from(rt.change, (_, i) => i).sort((x, y) => rt.change[x] - rt.change[y]);
  figures.push({
    kind: 'lines',
    name: 'supp1e_change_per_neuron',
    title: `Change of each neuron's r(rate, target), session ${rt.session + 1} (sorted)`,
    xLabel: 'neuron rank',
    yLabel: 'Δr',
    series: [{ name: 'r after − r before', x: order.map((_, k) => k), y: order.map((i) => rt.change[i]) }],
  });
  figures.push({
    kind: 'lines',
    name: 'supp1e_example_neuron', definitions: ['example-neuron'],
    // numbered from 1 as the rate maps above and the app number neurons (the summary's index is 0-based, as the .npy rows)
    title: `Neuron ${rt.example.index + 1} (${rt.example.index < nE ? 'E' : 'I'}): rate before and after (r ${rt.example.rBefore.toFixed(2)} → ${rt.example.rAfter.toFixed(2)})`,
    xLabel: 'time (ms)',
    yLabel: 'rate − baseline (Hz)',
    series: [
      { name: 'before', x: a.rates.times, y: rt.example.rateBefore },
      { name: 'after', x: a.rates.times, y: rt.example.rateAfter },
    ],
  });
  return figures;
}

/** GainLab definitions Fig. 1 rests on: with its own network, also how that network is made (a given one keeps its readout). */
export function fig1Definitions(givenNetwork: boolean, givenTarget: boolean): DefinitionId[] {
  const ids: DefinitionId[] = ['noise-robustness', 'example-neuron', 'gain-positivity'];
  ids.unshift(...networkDefinitions(givenNetwork));
  if (!givenTarget) ids.unshift('generated-targets');
  return ids;
}

export function runFig1(options: Fig1Options): FigureExperimentResult {
  const started = clock();
  const base = options.quick ? FIG1_SETTINGS.quick : FIG1_SETTINGS.full;
  const settings = {
    ...base,
    n: options.n ?? base.n,
    sessions: options.sessions ?? base.sessions,
    trials: options.trials ?? base.trials,
    noiseSamples: options.noiseSamples ?? base.noiseSamples,
    sigma: options.sigma ?? base.sigma,
    alpha: options.alpha ?? base.alpha,
  };
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  progress(`network: ${networkSummary(options, settings.n)}`);
  const prepared = gainExperimentNetwork(options, settings.n);
  const { network, params } = prepared;
  const target = options.target ?? generatedTarget(settings.targetSeed);

  progress(`reward rule: ${settings.sessions} sessions × ${settings.trials} trials`);
  const trainStarted = clock();
  const progressEvery = Math.max(1, Math.round(settings.trials / 20));
  const training = runRewardRuleSessions(
    network,
    params,
    target,
    { sessions: settings.sessions, trials: settings.trials, sigma: settings.sigma, alpha: settings.alpha, seed, progressEvery },
    (p) => progress(`trial ${p.trial}/${p.trials}: best error ${p.bestError.toPrecision(4)}`, { fraction: p.trial / Math.max(1, p.trials) }),
    options.shouldStop,
  );
  const trainMs = clock() - trainStarted;
  const run = { network, params, target, sessions: training.sessions };
  const analysesStarted = clock();
  const noiseSeed = analysisNoiseSeed(seed);
  const analyses = analyseRun(run, { noise: { samples: settings.noiseSamples, snrDb: settings.snrDb, seed: noiseSeed }, onProgress: progress, shouldStop: options.shouldStop });
  const analysesMs = clock() - analysesStarted;
  const noise = analyses.noise!;

  const errorCurves = training.sessions.map((s) => s.errors);
  const finalErrors = Float64Array.from(training.sessions, (s) => s.bestError);
  const curves = curveMatrix(errorCurves);
  const n = network.n;
  const bestGains = new Float64Array(training.sessions.length * n);
  training.sessions.forEach((s, k) => bestGains.set(s.bestGains, k * n));
  const finalBox = analyses.errorBox.final;
  const paper = FIG1_SETTINGS.full;
  const ranSettings = settingsAsRun(settings, options);
  const departures = departuresFrom(paper, ranSettings, { n: 'network size', sessions: 'sessions', trials: 'trials', sigma: 'σ', alpha: 'α', noiseSamples: 'noise samples per SNR' });
  if (!options.network) departures.unshift('own SOC network instead of the published one');
  if (!options.target) departures.unshift('generated target instead of the published novel target');
  const stopped = training.stopped || noise.stopped;
  // Fig. 1 / Fig. 2b / Supp. 1b numbers the reproduction report quotes.
  const checkpoints = [1000, 3000, 5000].filter((t) => t <= settings.trials);
  const bestErrorAtTrial = Object.fromEntries(checkpoints.map((t) => [t, training.sessions.map((s) => runningMinimum(s.errors)[Math.min(t, s.errors.length - 1)])]));
  const rateChange = relativeRmsChange(analyses.rates.before, analyses.rates.after);
  const correlationSimilarity = analyses.correlations.patterns.map((p) => offDiagonalPearson(analyses.correlations.before, p.matrix, n));
  const gainKs = ksDistanceToNormal(analyses.gainDistribution.gains, analyses.gainDistribution.fit.mu, analyses.gainDistribution.fit.sigma);

  return {
    name: 'fig1',
    title: 'Fig. 1: learning neuronal gains with the reward-based rule (and the analyses of Figs. 2–3, Supp. Fig. 1a–e)',
    quick: options.quick,
    seed,
    summary: {
      settings: ranSettings,
      setup: setupSummary(fig1Definitions(Boolean(options.network), Boolean(options.target)), departures),
      n,
      network: networkSummary(options, settings.n),
      target: options.target ? (options.targetLabel ?? 'given') : `generated seed ${settings.targetSeed}`,
      initialError: training.sessions[0]?.errors[0] ?? NaN,
      finalErrors: Array.from(finalErrors),
      medianFinalError: finalBox.median,
      meanFinalError: mean(finalErrors),
      bestSession: training.bestSession,
      gainFit: analyses.gainDistribution.fit,
      gainKsDistanceToNormal: gainKs,
      gainPositivity: analyses.gainPositivity,
      bestErrorAtTrial,
      rateChangeRelativeRms: rateChange,
      correlationMatrixSimilarity: correlationSimilarity,
      // in 1/s, as fig3_eigenvalues draws them and eigenvalues.csv holds them (it was 1/ms, unnamed)
      maxRealEigenvaluePerSecond: { before: analyses.eigenvalues.maxRealBefore * PER_MS_TO_PER_S, after: analyses.eigenvalues.maxRealAfter * PER_MS_TO_PER_S },
      spectralAbscissaWdiagG: { before: analyses.eigenvalues.abscissaBefore, after: Array.from(analyses.eigenvalues.abscissaAfter) },
      neuronCorrelationMeanAbs: { before: analyses.correlations.meanAbsBefore, patterns: analyses.correlations.patterns.map((p) => ({ session: p.session, meanAbs: p.meanAbs })) },
      gainPatternCorrelationMean: mean(analyses.gainPatterns.pairs),
      noise: {
        seed: noiseSeed,
        samples: noise.samples,
        snrDb: Array.from(noise.snrDb),
        gains1: { mean: Array.from(noise.before.mean), sd: Array.from(noise.before.sd) },
        trained: { mean: Array.from(noise.after.mean), sd: Array.from(noise.after.sd) },
      },
      rateTargetCorrelation: {
        meanBefore: analyses.rateTarget.meanBefore,
        meanAfter: Array.from(analyses.rateTarget.meanAfter),
        wilcoxon: analyses.rateTarget.wilcoxon,
        exampleNeuron: { index: analyses.rateTarget.example.index, rBefore: analyses.rateTarget.example.rBefore, rAfter: analyses.rateTarget.example.rAfter },
      },
      stopped,
      wallMs: { training: trainMs, analyses: analysesMs, networkBuild: prepared.buildMs },
    },
    tables: [
      { name: 'final_errors', columns: ['session', 'seed_index', 'initial_error', 'best_error', 'best_trial'], rows: training.sessions.map((s, k) => [sessionNumber(k), k, s.errors[0], s.bestError, s.bestTrial]) },
    ],
    arrays: [
      { name: 'error_curves', shape: curves.shape, data: curves.data },
      { name: 'best_gains', shape: [training.sessions.length, n], data: bestGains },
      { name: 'target', shape: [network.readout.channels, params.nSamples], data: target },
      { name: 'best_output', shape: [network.readout.channels, params.nSamples], data: analyses.bestOutput.output },
      { name: 'rates_before', shape: [params.nSamples, n], data: analyses.rates.before },
      { name: 'rates_after', shape: [params.nSamples, n], data: analyses.rates.after },
      { name: 'rate_target_r_after', shape: [training.sessions.length, n], data: analyses.rateTarget.after },
      { name: 'times', shape: [params.nSamples], data: sampleTimes(params) },
    ],
    csv: [{ name: 'error_curves', text: curvesCsv(errorCurves) }, ...runAnalysesCsv(analyses)],
    figures: figuresOfAnalyses(analyses, errorCurves, params, network.nE),
    elapsedMs: clock() - started,
    stopped,
  };
}

/** ‖after − before‖ / ‖before − mean(before)‖ over all entries (how much the rates change, Fig. 2b). */
function relativeRmsChange(before: Float64Array, after: Float64Array): number {
  const m = mean(before);
  let num = 0;
  let den = 0;
  for (let i = 0; i < before.length; i++) {
    num += (after[i] - before[i]) ** 2;
    den += (before[i] - m) ** 2;
  }
  return Math.sqrt(num / den);
}

/** Pearson r between the off-diagonal entries of two n × n correlation matrices (Supp. 1b: how much the structure changed). */
function offDiagonalPearson(a: Float64Array, b: Float64Array, n: number): number {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (Number.isFinite(a[i * n + j]) && Number.isFinite(b[i * n + j])) {
        x.push(a[i * n + j]);
        y.push(b[i * n + j]);
      }
    }
  return pearson(x, y);
}

function curvesCsv(curves: readonly Float64Array[]): string {
  const length = curves.length ? Math.max(...curves.map((c) => c.length)) : 0;
  const lines = [['trial', ...curves.map((_, k) => `session_${sessionNumber(k)}`)].join(',')];
  for (let t = 0; t < length; t++) lines.push([t, ...curves.map((c) => (t < c.length ? String(c[t]) : ''))].join(','));
  return `${lines.join('\n')}\n`;
}

export { curvesCsv };

export const fig1: FigureExperimentDefinition = {
  name: 'fig1',
  title: 'Fig. 1: reward-based learning of neuronal gains',
  description:
    'Reward rule, neuron-specific gains, independent sessions on one network and target; all analyses of the run (Figs. 1–3, Supp. Fig. 1a–e). ' +
    'Paper set-up: the published network and target (or an N = 200 SOC network), 10 sessions × 5000 trials, σ = 0.001, 1000 noise samples per SNR. Quick: N = 40, 3 × 1000, 40 samples.',
  run: runFig1,
};
