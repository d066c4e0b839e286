/**
 * Fig. 1 (with the analyses of Figs. 2–3): the reward-based rule (model-spec §5) learns
 * neuron-specific gains for one movement in independent sessions; then every analysis of a
 * finished run (src-shared/analysis/runAnalyses.ts).
 *
 * Full: the given network and target (e.g. the published network and novel_target.npy), else an
 * N = 200 SOC network (seed S) with generated target seed 2; 10 sessions × 5000 trials; noisy-x0
 * error with 1000 samples per SNR. Quick: N = 40 SOC network, 3 sessions × 1000 trials, 40 samples.
 */
import { analyseRun, type RunAnalyses } from '../analysis/runAnalyses.js';
import { boxStats, mean } from '../analysis/statistics.js';
import { runRewardRuleSessions } from '../model/rewardRule.js';
import { sampleTimes } from '../model/params.js';
import { clock } from '../primitives/experimentSupport.js';
import type { FigureSpec } from './figureSpec.js';
import type { FigureExperimentDefinition, FigureExperimentOptions, FigureExperimentResult } from '../primitives/experimentSupport.js';
import { curveMatrix, gainExperimentNetwork, generatedTarget, thin } from './gainExperimentSupport.js';

export const FIG1_SETTINGS = {
  full: { n: 200, sessions: 10, trials: 5000, sigma: 0.001, alpha: 0.3, noiseSamples: 1000, snrDb: [0, 5, 10, 15, 20, 25, 30, 35, 40], targetSeed: 2 },
  quick: { n: 40, sessions: 3, trials: 1000, sigma: 0.001, alpha: 0.3, noiseSamples: 40, snrDb: [0, 10, 20, 30, 40], targetSeed: 2 },
};

export interface Fig1Options extends FigureExperimentOptions {
  /** Override the number of sessions / trials / noise samples (e.g. tiny test settings). */
  sessions?: number;
  trials?: number;
  noiseSamples?: number;
}

export function figuresOfAnalyses(a: RunAnalyses, errorCurves: readonly Float64Array[], params: { nSamples: number; duration: number }): FigureSpec[] {
  const figures: FigureSpec[] = [];
  figures.push({
    kind: 'lines',
    name: 'fig1_error_curves',
    title: 'Error during learning (reward-based rule)',
    xLabel: 'trial',
    yLabel: 'error',
    logY: true,
    series: errorCurves.map((c, k) => ({ name: `session ${k}`, ...thin(c) })),
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
  figures.push({ kind: 'lines', name: 'fig1_best_output', title: `Best output (session ${a.bestOutput.session}) vs target`, xLabel: 'time (ms)', yLabel: 'output', series: outputSeries });
  figures.push({
    kind: 'box',
    name: 'fig1_error_box',
    title: 'Error across sessions',
    yLabel: 'error',
    logY: true,
    categories: ['before', 'after'],
    boxes: [a.errorBox.initial, a.errorBox.final],
    points: [a.errorBox.initialErrors, a.errorBox.finalErrors],
  });
  const g = a.gainDistribution;
  figures.push({
    kind: 'histogram',
    name: 'fig1_gain_distribution',
    title: `Trained gains (normal fit μ = ${g.fit.mu.toFixed(3)}, σ = ${g.fit.sigma.toFixed(3)})`,
    xLabel: 'gain',
    yLabel: 'density',
    edges: g.histogram.edges,
    heights: g.histogram.density,
    overlay: { name: 'normal fit', x: g.pdfX, y: g.pdfY },
  });
  const r = a.rates;
  let rateMin = Infinity;
  let rateMax = -Infinity;
  for (const m of [r.before, r.after]) for (const v of m) {
    if (v < rateMin) rateMin = v;
    if (v > rateMax) rateMax = v;
  }
  // Heat maps: neuron × time (transpose of the time-major rates).
  const transpose = (m: Float64Array) => {
    const out = new Float64Array(m.length);
    for (let k = 0; k < r.nSamples; k++) for (let i = 0; i < r.n; i++) out[i * r.nSamples + k] = m[k * r.n + i];
    return out;
  };
  figures.push({ kind: 'heatmap', name: 'fig2_rates_before', title: 'Firing rates before learning', xLabel: 'time sample', yLabel: 'neuron', rows: r.n, cols: r.nSamples, data: transpose(r.before), min: rateMin, max: rateMax });
  figures.push({ kind: 'heatmap', name: 'fig2_rates_after', title: 'Firing rates after learning', xLabel: 'time sample', yLabel: 'neuron', rows: r.n, cols: r.nSamples, data: transpose(r.after), min: rateMin, max: rateMax });
  const c = a.correlations;
  figures.push({ kind: 'heatmap', name: 'fig2_correlations_before', title: `Neuron correlations before (mean |r| ${c.meanAbsBefore.toFixed(3)})`, xLabel: 'neuron', yLabel: 'neuron', rows: c.n, cols: c.n, data: c.before, min: -1, max: 1 });
  figures.push({ kind: 'heatmap', name: 'fig2_correlations_after', title: `Neuron correlations after (mean |r| ${c.meanAbsAfter.toFixed(3)})`, xLabel: 'neuron', yLabel: 'neuron', rows: c.n, cols: c.n, data: c.after, min: -1, max: 1 });
  figures.push({
    kind: 'histogram',
    name: 'fig2_gain_pattern_correlations',
    title: 'Correlations between sessions’ gain patterns',
    xLabel: 'Pearson r',
    yLabel: 'pairs',
    edges: a.gainPatterns.histogram.edges,
    heights: a.gainPatterns.histogram.counts,
  });
  figures.push({
    kind: 'scatter',
    name: 'fig3_eigenvalues',
    title: 'Eigenvalues of (−I + W diag(g))/τ',
    xLabel: 'Re λ (1/ms)',
    yLabel: 'Im λ (1/ms)',
    series: [
      { name: 'before', x: a.eigenvalues.before.re, y: a.eigenvalues.before.im },
      { name: 'after', x: a.eigenvalues.after.re, y: a.eigenvalues.after.im },
    ],
    vLine: 0,
  });
  figures.push({
    kind: 'lines',
    name: 'fig3_noise_robustness',
    title: `Error under noisy x0 (${a.noise.samples} samples per SNR)`,
    xLabel: 'SNR (dB)',
    yLabel: 'error',
    logY: true,
    series: [
      { name: 'mean ± sd', x: a.noise.snrDb, y: a.noise.meanError, band: a.noise.sdError },
      { name: 'clean x0', x: a.noise.snrDb, y: a.noise.snrDb.map(() => a.noise.cleanError), dashed: true },
    ],
  });
  figures.push({
    kind: 'box',
    name: 'fig3_rate_target_correlation',
    title: `Mean |r(rate, target)| per session (Wilcoxon one-sided p = ${a.rateTarget.wilcoxon.pValue.toPrecision(3)})`,
    yLabel: 'mean |r|',
    categories: ['before', 'after'],
    boxes: [boxStats(a.rateTarget.meanAbsBefore), boxStats(a.rateTarget.meanAbsAfter)],
    points: [a.rateTarget.meanAbsBefore, a.rateTarget.meanAbsAfter],
  });
  void params.duration;
  return figures;
}

export function runFig1(options: Fig1Options): FigureExperimentResult {
  const started = clock();
  const base = options.quick ? FIG1_SETTINGS.quick : FIG1_SETTINGS.full;
  const settings = {
    ...base,
    sessions: options.sessions ?? base.sessions,
    trials: options.trials ?? base.trials,
    noiseSamples: options.noiseSamples ?? base.noiseSamples,
  };
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  progress(options.network ? 'network: given' : `network: SOC N = ${settings.n}, seed ${seed}`);
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
    (p) => progress(`trial ${p.trial}/${p.trials}: best error ${p.bestError.toPrecision(4)}`),
    options.shouldStop,
  );
  const trainMs = clock() - trainStarted;
  const run = { network, params, target, sessions: training.sessions };
  const analysesStarted = clock();
  const analyses = analyseRun(run, { noiseSamples: settings.noiseSamples, snrDb: settings.snrDb, seed: seed + 1000, onProgress: progress, shouldStop: options.shouldStop });
  const analysesMs = clock() - analysesStarted;

  const errorCurves = training.sessions.map((s) => s.errors);
  const finalErrors = Float64Array.from(training.sessions, (s) => s.bestError);
  const curves = curveMatrix(errorCurves);
  const n = network.n;
  const bestGains = new Float64Array(training.sessions.length * n);
  training.sessions.forEach((s, k) => bestGains.set(s.bestGains, k * n));
  const finalBox = analyses.errorBox.final;

  return {
    name: 'fig1',
    title: 'Fig. 1: learning neuronal gains with the reward-based rule (and the analyses of Figs. 2–3)',
    quick: options.quick,
    seed,
    summary: {
      settings,
      n,
      network: options.network ? 'given' : `SOC N = ${settings.n} seed ${seed}`,
      target: options.target ? 'given' : `generated seed ${settings.targetSeed}`,
      initialError: training.sessions[0]?.errors[0] ?? NaN,
      finalErrors: Array.from(finalErrors),
      medianFinalError: finalBox.median,
      meanFinalError: mean(finalErrors),
      bestSession: training.bestSession,
      gainFit: analyses.gainDistribution.fit,
      maxRealEigenvalue: { before: analyses.eigenvalues.maxRealBefore, after: analyses.eigenvalues.maxRealAfter },
      neuronCorrelationMeanAbs: { before: analyses.correlations.meanAbsBefore, after: analyses.correlations.meanAbsAfter },
      gainPatternCorrelationMean: mean(analyses.gainPatterns.pairs),
      noise: { snrDb: Array.from(analyses.noise.snrDb), meanError: Array.from(analyses.noise.meanError), sdError: Array.from(analyses.noise.sdError), cleanError: analyses.noise.cleanError },
      rateTargetCorrelation: {
        meanAbsBefore: analyses.rateTarget.meanAbsBefore[0] ?? NaN,
        meanAbsAfter: Array.from(analyses.rateTarget.meanAbsAfter),
        wilcoxon: analyses.rateTarget.wilcoxon,
      },
      stopped: training.stopped || analyses.noise.stopped,
      wallMs: { training: trainMs, analyses: analysesMs, networkBuild: prepared.buildMs },
    },
    tables: [
      { name: 'final_errors', columns: ['session', 'seed_index', 'initial_error', 'best_error', 'best_trial'], rows: training.sessions.map((s, k) => [k, k, s.errors[0], s.bestError, s.bestTrial]) },
    ],
    arrays: [
      { name: 'error_curves', shape: curves.shape, data: curves.data },
      { name: 'best_gains', shape: [training.sessions.length, n], data: bestGains },
      { name: 'target', shape: [network.readout.channels, params.nSamples], data: target },
      { name: 'best_output', shape: [network.readout.channels, params.nSamples], data: analyses.bestOutput.output },
      { name: 'rates_before', shape: [params.nSamples, n], data: analyses.rates.before },
      { name: 'rates_after', shape: [params.nSamples, n], data: analyses.rates.after },
      { name: 'correlations_before', shape: [n, n], data: analyses.correlations.before },
      { name: 'correlations_after', shape: [n, n], data: analyses.correlations.after },
      { name: 'rate_target_r_after', shape: [training.sessions.length, n], data: analyses.rateTarget.after },
      { name: 'times', shape: [params.nSamples], data: sampleTimes(params) },
    ],
    csv: [
      { name: 'error_curves', text: curvesCsv(errorCurves) },
      { name: 'best_output', text: analyses.bestOutput.toCsv() },
      { name: 'error_box', text: analyses.errorBox.toCsv() },
      { name: 'gain_distribution', text: analyses.gainDistribution.toCsv() },
      { name: 'gain_pattern_correlations', text: analyses.gainPatterns.toCsv() },
      { name: 'eigenvalues', text: analyses.eigenvalues.toCsv() },
      { name: 'noise_robustness', text: analyses.noise.toCsv() },
      { name: 'rate_target_correlation', text: analyses.rateTarget.toCsv() },
    ],
    figures: figuresOfAnalyses(analyses, errorCurves, params),
    elapsedMs: clock() - started,
    stopped: training.stopped || analyses.noise.stopped,
  };
}

function curvesCsv(curves: readonly Float64Array[]): string {
  const length = curves.length ? Math.max(...curves.map((c) => c.length)) : 0;
  const lines = [['trial', ...curves.map((_, k) => `session_${k}`)].join(',')];
  for (let t = 0; t < length; t++) lines.push([t, ...curves.map((c) => (t < c.length ? String(c[t]) : ''))].join(','));
  return `${lines.join('\n')}\n`;
}

export { curvesCsv };

export const fig1: FigureExperimentDefinition = {
  name: 'fig1',
  title: 'Fig. 1: reward-based learning of neuronal gains',
  description:
    'Reward rule, neuron-specific gains, independent sessions on one network and target; all analyses of the run. ' +
    'Full: given network/target or N = 200 SOC, 10 sessions × 5000 trials, 1000 noise samples. Quick: N = 40, 3 × 1000, 40 samples.',
  run: runFig1,
};
