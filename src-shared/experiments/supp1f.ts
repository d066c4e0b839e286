/**
 * Supp. Fig. 1f: gradient training (Adam through the RK4 adjoint, model-spec §6) of the gains vs
 * x0 vs the whole W vs a rank-1 perturbation W + u vᵀ, each on the same generated targets; box
 * plots of the final errors and the mean pre-training error as a line.
 *
 * Paper set-up (full): the Fig. 1 network (the published one when given, else an N = 200 SOC
 * network), 10 targets — generated (seeds 101…110; the paper's are not published) — and Adam
 * (GainLab definition 'gradient-training': 300 iterations, lr 1e-2) per trainable and target.
 * Quick: N = 40, 3 targets, 30 iterations.
 *
 * final_errors.csv numbers the targets from 1 (column target); its npy_row column is the same
 * target's 0-based row in targets.npy and error_curves_*.npy.
 */
import { concatRows } from '../linalg/dense.js';
import { boxStats, mean } from '../analysis/statistics.js';
import { GRADIENT_TRAINABLES, trainGradient, type GradientTrainable } from '../model/gradient.js';
import type { DefinitionId } from '../definitions.js';
import { clock, networkSummary } from './support.js';
import { departuresFrom, networkDefinitions, settingsAsRun, setupSummary } from './setup.js';
import type { FigureExperimentDefinition, FigureExperimentResult, FigureExperimentOptions } from './support.js';
import { curveMatrix, gainExperimentNetwork, generatedTarget, meanCurve, thin } from './gainExperimentSupport.js';

export const SUPP1F_SETTINGS = {
  full: { n: 200, targets: 10, targetSeed: 101, iterations: 300, lr: 1e-2 },
  quick: { n: 40, targets: 3, targetSeed: 101, iterations: 30, lr: 1e-2 },
};

export interface Supp1fOptions extends FigureExperimentOptions {
  targets?: number;
  iterations?: number;
  lr?: number;
  n?: number;
}

export function runSupp1f(options: Supp1fOptions): FigureExperimentResult {
  const started = clock();
  const base = options.quick ? SUPP1F_SETTINGS.quick : SUPP1F_SETTINGS.full;
  const settings = { ...base, targets: options.targets ?? base.targets, iterations: options.iterations ?? base.iterations, lr: options.lr ?? base.lr, n: options.n ?? base.n };
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  const prepared = gainExperimentNetwork(options, settings.n);
  const { network, params } = prepared;
  const targets = Array.from({ length: settings.targets }, (_, k) => generatedTarget(settings.targetSeed + k));
  const trainables = GRADIENT_TRAINABLES;

  const finalErrors: Record<string, number[]> = {};
  const curves: Record<string, Float64Array[]> = {};
  const initialErrors: number[] = [];
  const rows: Array<Array<number | string>> = [];
  const wallMs: Record<string, number> = {};
  let stopped = false;
  for (const trainable of trainables) {
    finalErrors[trainable] = [];
    curves[trainable] = [];
    wallMs[trainable] = 0;
  }
  outer: for (let t = 0; t < targets.length; t++) {
    for (const trainable of trainables) {
      if (options.shouldStop?.()) {
        stopped = true;
        break outer;
      }
      progress(`target ${t + 1}/${targets.length}: training ${trainable} (${settings.iterations} Adam iterations)`);
      const t0 = clock();
      const result = trainGradient(
        { network, params, target: targets[t], trainable: trainable as GradientTrainable, iterations: settings.iterations, lr: settings.lr, seed: seed + t },
        undefined,
        options.shouldStop,
      );
      wallMs[trainable] += clock() - t0;
      if (trainable === 'gains') initialErrors.push(result.errors[0]);
      finalErrors[trainable].push(result.bestError);
      curves[trainable].push(result.errors);
      rows.push([t + 1, t, settings.targetSeed + t, trainable, result.errors[0], result.bestError, result.bestIteration, result.diverged ? 1 : 0]);
      if (result.stopped) {
        stopped = true;
        break outer;
      }
    }
  }
  const meanInitialError = mean(initialErrors);
  const ranSettings = settingsAsRun(settings, options);
  const departures = departuresFrom(SUPP1F_SETTINGS.full, ranSettings, { n: 'network size', targets: 'targets', iterations: 'Adam iterations', lr: 'learning rate' });
  if (!options.network) departures.unshift('own SOC network instead of the published one');
  const boxes = trainables.map((tr) => boxStats(finalErrors[tr]));
  const arrays = trainables.map((tr) => {
    const m = curveMatrix(curves[tr]);
    return { name: `error_curves_${tr}`, shape: m.shape as number[], data: m.data };
  });
  return {
    name: 'supp1f',
    title: 'Supp. Fig. 1f: gradient training of gains vs x0 vs W vs rank-1',
    quick: options.quick,
    seed,
    summary: {
      settings: ranSettings,
      setup: setupSummary(supp1fDefinitions(Boolean(options.network)), departures),
      n: network.n,
      network: networkSummary(options, settings.n),
      meanInitialError,
      finalErrors,
      medianFinalError: Object.fromEntries(trainables.map((tr, k) => [tr, boxes[k].median])),
      wallMs: { ...wallMs, networkBuild: prepared.buildMs },
      stopped,
    },
    tables: [
      // targets numbered from 1 as the app and CLI number what people read; npy_row is the target's
      // 0-based row in error_curves_*.npy and targets.npy (Python's indexing)
      { name: 'final_errors', columns: ['target', 'npy_row', 'target_seed', 'trainable', 'initial_error', 'best_error', 'best_iteration', 'diverged'], rows },
    ],
    arrays: [...arrays, { name: 'targets', shape: [targets.length, params.nSamples], data: concatRows(targets) }],
    csv: [],
    figures: [
      {
        kind: 'box',
        name: 'supp1f_final_errors', definitions: ['gradient-training', 'generated-targets'],
        title: 'Final error by what is trained (Adam)',
        xLabel: 'what is trained',
        yLabel: 'error',
        logY: true,
        categories: [...trainables],
        boxes,
        points: trainables.map((tr) => finalErrors[tr]),
        pointName: 'target',
        line: { name: 'mean error before training', value: meanInitialError },
      },
      {
        kind: 'lines',
        name: 'supp1f_error_curves', definitions: ['gradient-training'],
        title: 'Mean error during training',
        xLabel: 'Adam iteration',
        yLabel: 'error',
        logY: true,
        series: trainables.filter((tr) => curves[tr].length > 0).map((tr) => ({ name: tr, ...thin(meanCurve(curves[tr])) })),
      },
    ],
    elapsedMs: clock() - started,
    stopped,
  };
}

export function supp1fDefinitions(givenNetwork: boolean): DefinitionId[] {
  const ids: DefinitionId[] = ['gradient-training', 'generated-targets', 'gain-positivity'];
  ids.push(...networkDefinitions(givenNetwork));
  return ids;
}

export const supp1f: FigureExperimentDefinition = {
  name: 'supp1f',
  title: 'Supp. Fig. 1f: gains vs x0 vs W vs rank-1 (gradient)',
  description:
    'Adam on the gains, x0, W or a rank-1 perturbation for generated targets; final errors and the mean pre-training error. ' +
    'Full: N = 200 (or the given network), 10 targets, 300 iterations. Quick: N = 40, 3 targets, 30 iterations.',
  run: runSupp1f,
};
