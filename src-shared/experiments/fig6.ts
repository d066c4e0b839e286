/**
 * Fig. 6 experiment (model-spec §10): the speed manifold. Gain patterns (40 random groups) learned
 * jointly over m initial conditions at 7 durations from T to 5T, the fast targets being each
 * initial condition's own output with all gains 1 (so the factor-1 pattern is g = 1); outputs at
 * every speed; interpolation g(λ) = (1 − λ)·g_fast + λ·g_slow with the measured time-stretch
 * factor per λ, and the same along the manifold (piecewise between neighbouring speeds); the
 * speed-slider update time.
 *
 * Full: N = 400, m = 3, G = 40, gradient (Adam, 150 iterations, lr 0.02) per speed, 7 speeds,
 * λ in steps of 0.1. Quick: N = 40, m = 2, G = 10, 3 speeds (1, 2, 3), 60 iterations, lr 0.05.
 */
import { concatRows } from '../linalg/dense.js';
import { randomGroups } from '../model/groups.js';
import { Rng } from '../model/rng.js';
import { slowParams } from '../model/params.js';
import { groupMeans } from '../primitives/learn.js';
import {
  baselineTargets,
  learnSpeedManifold,
  outputsFor,
  rows,
  speedFactors,
  SpeedSlider,
  stretchAlongInterpolation,
} from '../speed/speed.js';
import {
  clock,
  experimentNetwork,
  median,
  type ExperimentArray,
  type ExperimentDefinition,
  type ExperimentResult,
  type ExperimentRunOptions,
} from '../primitives/experimentSupport.js';

export const FIG6_SETTINGS = {
  full: { n: 400, conditions: 3, groups: 40, speeds: 7, maxFactor: 5, iterations: 150, lr: 0.02, lambdaStep: 0.1, sliderUpdates: 20 },
  quick: { n: 40, conditions: 2, groups: 10, speeds: 3, maxFactor: 3, iterations: 60, lr: 0.05, lambdaStep: 0.25, sliderUpdates: 5 },
};

export function runFig6(options: ExperimentRunOptions): ExperimentResult {
  const started = clock();
  const settings = options.quick ? FIG6_SETTINGS.quick : FIG6_SETTINGS.full;
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  progress('network');
  const prepared = experimentNetwork(options, settings.n, settings.conditions);
  const { network, params } = prepared;
  const n = network.n;
  const x0s = rows(prepared.initialConditions, settings.conditions, n);
  const groups = randomGroups(n, Math.min(settings.groups, n), new Rng(Rng.derive(seed, 1)));
  const fastTargets = baselineTargets(network, params, x0s);
  const factors = speedFactors(settings.speeds, settings.maxFactor, params.nSamples);

  progress(`learning patterns at factors ${factors.map((f) => f.toFixed(3)).join(', ')}`);
  const manifoldStarted = clock();
  const manifold = learnSpeedManifold(
    network,
    params,
    x0s,
    fastTargets,
    factors,
    { rule: 'gradient', seed, iterations: settings.iterations, lr: settings.lr, groups },
    undefined,
    options.shouldStop,
  );
  const manifoldMs = clock() - manifoldStarted;

  const fastGains = manifold.patterns[0].gains;
  const slowGains = manifold.patterns[manifold.patterns.length - 1].gains;
  const slowFactor = factors[factors.length - 1];
  const lambdas: number[] = [];
  for (let k = 0; k * settings.lambdaStep <= 1 + 1e-9; k++) lambdas.push(Math.min(1, Math.round(k * settings.lambdaStep * 1e9) / 1e9));
  progress('interpolation and stretch factors');
  const stretch = stretchAlongInterpolation(network, params, x0s, fastGains, slowGains, slowFactor, lambdas);
  // The same along the manifold (piecewise between neighbouring speeds); the learned factor at
  // position u is the piecewise-linear interpolation of the factors.
  const manifoldOption = { manifold: { gains: manifold.gains, count: factors.length } };
  const manifoldStretch = stretchAlongInterpolation(network, params, x0s, fastGains, slowGains, slowFactor, lambdas, manifoldOption);
  const factorAt = (u: number) => {
    const position = u * (factors.length - 1);
    const k = Math.min(factors.length - 2, Math.floor(position));
    return factors[k] + (position - k) * (factors[k + 1] - factors[k]);
  };

  // The slider: preview updates (what dragging uses) and exact updates, timed.
  const slider = new SpeedSlider(network, params, x0s, fastGains, slowGains, slowFactor);
  const previewTimes: number[] = [];
  const exactTimes: number[] = [];
  for (let k = 0; k < settings.sliderUpdates; k++) {
    const lambda = k / Math.max(1, settings.sliderUpdates - 1);
    let t = clock();
    slider.update(lambda);
    previewTimes.push(clock() - t);
    t = clock();
    slider.updateExact(lambda);
    exactTimes.push(clock() - t);
  }

  const arrays: ExperimentArray[] = [
    { name: 'manifold_gains', shape: [factors.length, n], data: manifold.gains },
    { name: 'groups', shape: [n], data: Float64Array.from(groups) },
    { name: 'initial_conditions', shape: [settings.conditions, n], data: prepared.initialConditions },
  ];
  manifold.patterns.forEach((pattern, k) => {
    const p = slowParams(params, pattern.factor);
    arrays.push({ name: `outputs_speed${k}`, shape: [settings.conditions, p.nSamples], data: outputsFor(network, p, x0s, pattern.gains) });
    arrays.push({ name: `targets_speed${k}`, shape: [settings.conditions, p.nSamples], data: concatRows(pattern.targets) });
  });
  const groupCount = Math.min(settings.groups, n);
  const groupGainRows: Array<Array<number>> = [];
  const perFactorGroupGains = manifold.patterns.map((p) => groupMeans(p.gains, groups));
  for (let g = 0; g < groupCount; g++) groupGainRows.push([g, ...perFactorGroupGains.map((gg) => gg[g])]);

  return {
    name: 'fig6',
    title: 'Fig. 6: the speed manifold and interpolated speeds',
    quick: options.quick,
    seed,
    summary: {
      settings,
      n,
      factors,
      durations: manifold.durations,
      initialErrors: manifold.initialErrors,
      learnedErrors: manifold.errors,
      stretchFactorsByLambda: lambdas.map((lambda, k) => ({ lambda, mean: stretch.meanFactors[k], perCondition: stretch.factors[k] })),
      stretchFactorsAlongManifold: lambdas.map((u, k) => ({ position: u, learnedFactorHere: factorAt(u), mean: manifoldStretch.meanFactors[k], perCondition: manifoldStretch.factors[k] })),
      slider: {
        conditions: settings.conditions,
        displaySamples: { preview: slider.previewParams.nSamples, exact: slider.exactParams.nSamples },
        previewMsMedian: median(previewTimes),
        exactMsMedian: median(exactTimes),
        previewMs: previewTimes,
        exactMs: exactTimes,
      },
      wallMs: { manifold: manifoldMs, networkBuild: prepared.buildMs },
    },
    tables: [
      {
        name: 'speeds',
        columns: ['speed', 'factor', 'duration_ms', 'initial_error', 'learned_error'],
        rows: factors.map((f, k) => [k, f, manifold.durations[k], manifold.initialErrors[k], manifold.errors[k]]),
      },
      { name: 'group_gains', columns: ['group', ...factors.map((f) => `factor_${f.toFixed(3)}`)], rows: groupGainRows },
      {
        name: 'stretch_vs_lambda',
        columns: ['lambda', 'mean_factor', ...x0s.map((_, m) => `factor_ic${m}`), ...x0s.map((_, m) => `explained_ic${m}`)],
        rows: lambdas.map((lambda, k) => [lambda, stretch.meanFactors[k], ...stretch.factors[k], ...stretch.explained[k]]),
      },
      {
        name: 'stretch_along_manifold',
        columns: ['position', 'factor_of_manifold', 'mean_factor', ...x0s.map((_, m) => `factor_ic${m}`), ...x0s.map((_, m) => `explained_ic${m}`)],
        rows: lambdas.map((u, k) => [u, factorAt(u), manifoldStretch.meanFactors[k], ...manifoldStretch.factors[k], ...manifoldStretch.explained[k]]),
      },
      { name: 'slider_timing', columns: ['update', 'preview_ms', 'exact_ms'], rows: previewTimes.map((t, k) => [k, t, exactTimes[k]]) },
    ],
    arrays,
    figures: [
      {
        kind: 'lines',
        name: 'stretch_factor',
        title: 'Measured time-stretch factor: fast↔slow interpolation and along the manifold',
        xLabel: 'λ (position)',
        yLabel: 'stretch factor',
        series: [
          { name: 'g(λ) = (1−λ) g_fast + λ g_slow', x: lambdas, y: stretch.meanFactors },
          { name: 'along the manifold', x: lambdas, y: manifoldStretch.meanFactors },
          { name: 'learned factors', x: lambdas, y: lambdas.map(factorAt), dashed: true },
        ],
      },
      {
        kind: 'heatmap',
        name: 'group_gains_across_speeds',
        title: 'Gain of every group across speeds',
        xLabel: 'speed',
        yLabel: 'group',
        rows: groupCount,
        cols: factors.length,
        data: groupGainRows.flatMap((row) => row.slice(1)),
      },
    ],
    elapsedMs: clock() - started,
    stopped: options.shouldStop?.() ?? false,
  };
}

export const fig6: ExperimentDefinition = {
  name: 'fig6',
  title: 'Fig. 6: speed manifold',
  description:
    'Gain patterns at 7 durations T..5T learned jointly over m initial conditions (40 groups); interpolation and stretch factor vs λ; slider timing. ' +
    'Full: N = 400, m = 3, gradient 150 iterations per speed. Quick: N = 40, m = 2, 3 speeds up to 3T.',
  run: runFig6,
};
