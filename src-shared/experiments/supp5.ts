/**
 * Supplementary speed experiment (model-spec §10–11; Supp. Figs. 5–8): learning the 5× slow
 * variant of the initial movement with both rules, amplitude fixed and scaled by 1/s² (the task of
 * Supp. Fig. 8: the paper reports errors of about 1.22 → 0.02 and 128 → 0.9), the eigenvalues of
 * the linearisation (−I + W·diag(g))/τ before and after learning with their histograms (real and
 * imaginary parts), and outputs from noisy initial conditions at 4 dB SNR.
 *
 * The "initial movement" is the target the readout was fitted to (with a given network, whose
 * fitting target is unknown, its own output with all gains 1).
 * Full: N = 200, neuron-specific gains, reward rule 5000 trials, gradient 300 iterations, 10 noisy
 * draws. Quick: N = 40, 150 trials, 25 iterations, 4 draws.
 */
import { normalisedError } from '../model/dynamics.js';
import { slowParams } from '../model/params.js';
import { baselineOutput } from '../primitives/library.js';
import type { LearningRuleName } from '../primitives/learn.js';
import { histogram, linearisationEigenvalues, noisyOutputs } from '../speed/analysis.js';
import { learnSpeedPattern, type SpeedPatternResult } from '../speed/speed.js';
import {
  clock,
  experimentNetwork,
  type ExperimentArray,
  type ExperimentDefinition,
  type ExperimentResult,
  type ExperimentRunOptions,
  type ExperimentTable,
} from '../primitives/experimentSupport.js';

export const SUPP5_SETTINGS = {
  full: { n: 200, factor: 5, trials: 5000, iterations: 300, lr: 0.01, noisyDraws: 10, snrDb: 4, bins: 40 },
  quick: { n: 40, factor: 5, trials: 150, iterations: 25, lr: 0.03, noisyDraws: 4, snrDb: 4, bins: 20 },
};

export function runSupp5(options: ExperimentRunOptions): ExperimentResult {
  const started = clock();
  const settings = options.quick ? SUPP5_SETTINGS.quick : SUPP5_SETTINGS.full;
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  progress('network');
  const prepared = experimentNetwork(options, settings.n, 1);
  const { network, params } = prepared;
  const n = network.n;
  const initialMovement = prepared.initialTarget.length > 0 ? prepared.initialTarget : baselineOutput(network, params);
  const slow = slowParams(params, settings.factor);

  const runs: Array<{ rule: LearningRuleName; amplitudeScaling: boolean; result: SpeedPatternResult; ms: number }> = [];
  for (const amplitudeScaling of [false, true]) {
    for (const rule of ['reward', 'gradient'] as const) {
      if (options.shouldStop?.()) break;
      progress(`${settings.factor}× slow, amplitude ${amplitudeScaling ? 'scaled' : 'fixed'}, ${rule} rule`);
      const t = clock();
      const result = learnSpeedPattern(
        network,
        params,
        [network.x0],
        [initialMovement],
        settings.factor,
        { rule, seed, trials: settings.trials, iterations: settings.iterations, lr: settings.lr, amplitudeScaling },
        undefined,
        options.shouldStop,
      );
      runs.push({ rule, amplitudeScaling, result, ms: clock() - t });
    }
  }

  progress('eigenvalues of the linearisation');
  const ones = new Float64Array(n).fill(1);
  const before = linearisationEigenvalues(network.W, n, ones, params.tau);
  const spectra = [{ label: 'before', re: before.re, im: before.im }];
  for (const r of runs.filter((r) => !r.amplitudeScaling)) {
    const e = linearisationEigenvalues(network.W, n, r.result.gains, params.tau);
    spectra.push({ label: `after_${r.rule}`, re: e.re, im: e.im });
  }
  let reMin = Infinity;
  let reMax = -Infinity;
  let imMax = 0;
  for (const s of spectra) {
    for (let i = 0; i < n; i++) {
      reMin = Math.min(reMin, s.re[i]);
      reMax = Math.max(reMax, s.re[i]);
      imMax = Math.max(imMax, Math.abs(s.im[i]));
    }
  }
  const histogramRows: Array<Array<number | string>> = [];
  for (const s of spectra) {
    const hr = histogram(s.re, settings.bins, reMin, reMax);
    const hi = histogram(s.im, settings.bins, -imMax, imMax);
    for (let b = 0; b < settings.bins; b++) histogramRows.push([s.label, 'real', hr.edges[b], hr.edges[b + 1], hr.counts[b]]);
    for (let b = 0; b < settings.bins; b++) histogramRows.push([s.label, 'imag', hi.edges[b], hi.edges[b + 1], hi.counts[b]]);
  }

  progress(`noisy initial conditions (${settings.snrDb} dB)`);
  const fixedSlowRun = runs.find((r) => !r.amplitudeScaling && r.rule === 'gradient') ?? runs[0];
  const noisyFast = noisyOutputs(network, params, ones, network.x0, settings.snrDb, settings.noisyDraws, seed + 11);
  const noisySlow = fixedSlowRun ? noisyOutputs(network, slow, fixedSlowRun.result.gains, network.x0, settings.snrDb, settings.noisyDraws, seed + 12) : new Float64Array(0);
  const noisyRows: Array<Array<number | string>> = [];
  const channels = network.readout.channels;
  for (let d = 0; d < settings.noisyDraws; d++) {
    const fastOut = noisyFast.subarray(d * channels * params.nSamples, (d + 1) * channels * params.nSamples);
    noisyRows.push(['fast_g1', d, normalisedError(fastOut, initialMovement, channels, params.nSamples)]);
    if (fixedSlowRun) {
      const slowOut = noisySlow.subarray(d * channels * slow.nSamples, (d + 1) * channels * slow.nSamples);
      noisyRows.push(['slow_learned', d, normalisedError(slowOut, fixedSlowRun.result.targets[0], channels, slow.nSamples)]);
    }
  }

  const curves: ExperimentTable = {
    name: 'learning_curves',
    columns: ['step', ...runs.map((r) => `${r.rule}_${r.amplitudeScaling ? 'scaled' : 'fixed'}`)],
    rows: [],
  };
  const longest = Math.max(0, ...runs.map((r) => r.result.errors.length));
  for (let k = 0; k < longest; k++) curves.rows.push([k, ...runs.map((r) => r.result.errors[k] ?? NaN)]);

  const arrays: ExperimentArray[] = [
    { name: 'initial_movement', shape: [params.nSamples], data: initialMovement },
    ...spectra.flatMap((s) => [
      { name: `eigenvalues_${s.label}_real`, shape: [n], data: s.re },
      { name: `eigenvalues_${s.label}_imag`, shape: [n], data: s.im },
    ]),
    ...runs.flatMap((r) => {
      const tag = `${r.rule}_${r.amplitudeScaling ? 'scaled' : 'fixed'}`;
      return [
        { name: `gains_${tag}`, shape: [n], data: r.result.gains },
        { name: `output_${tag}`, shape: [slow.nSamples], data: r.result.output },
        { name: `target_${tag}`, shape: [slow.nSamples], data: r.result.targets[0] },
      ];
    }),
    { name: 'noisy_outputs_fast', shape: [settings.noisyDraws, params.nSamples], data: noisyFast },
    { name: 'noisy_outputs_slow', shape: [settings.noisyDraws, slow.nSamples], data: noisySlow },
  ];
  return {
    name: 'supp5',
    title: 'Supp. Figs. 5–8: the 5× slow variant with both rules, eigenvalues, noisy x0',
    quick: options.quick,
    seed,
    summary: {
      settings,
      n,
      slowVariantTask: runs.map((r) => ({
        rule: r.rule,
        amplitude: r.amplitudeScaling ? 'scaled 1/s²' : 'fixed',
        errorBefore: r.result.initialError,
        errorAfter: r.result.bestError,
        steps: r.result.errors.length - 1,
        wallMs: r.ms,
      })),
      maxRealEigenvalue: Object.fromEntries(spectra.map((s) => [s.label, Math.max(...s.re)])),
      noisyX0: { snrDb: settings.snrDb, draws: settings.noisyDraws },
    },
    tables: [
      curves,
      { name: 'eigenvalue_histograms', columns: ['spectrum', 'part', 'bin_low', 'bin_high', 'count'], rows: histogramRows },
      { name: 'noisy_x0_errors', columns: ['condition', 'draw', 'error'], rows: noisyRows },
    ],
    arrays,
    figures: [
      {
        kind: 'scatter',
        name: 'eigenvalues',
        title: 'Eigenvalues of (−I + W diag(g))/τ before and after learning the slow variant',
        xLabel: 'Re λ (1/ms)',
        yLabel: 'Im λ (1/ms)',
        series: spectra.map((sp) => ({ name: sp.label, x: sp.re, y: sp.im })),
        vLine: 0,
      },
      {
        kind: 'lines',
        name: 'learning_curves',
        title: `${settings.factor}× slow variant: error while learning`,
        xLabel: 'trial / iteration',
        yLabel: 'error',
        logY: true,
        series: runs.map((r) => ({ name: `${r.rule}, amplitude ${r.amplitudeScaling ? 'scaled' : 'fixed'}`, x: Array.from(r.result.errors, (_, k) => k), y: r.result.errors })),
      },
    ],
    elapsedMs: clock() - started,
    stopped: options.shouldStop?.() ?? false,
  };
}

export const supp5: ExperimentDefinition = {
  name: 'supp5',
  title: 'Supp. Figs. 5–8: slow variants, eigenvalues, noisy x0',
  description:
    '5× slow variant of the initial movement (amplitude fixed and 1/s²) with both rules; eigenvalue histograms before/after; outputs from noisy x0 at 4 dB. ' +
    'Full: N = 200, 5000 trials / 300 iterations. Quick: N = 40, 150 trials / 25 iterations.',
  run: runSupp5,
};
