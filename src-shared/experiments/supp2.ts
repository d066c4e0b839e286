/**
 * Supp. Fig. 2: learning with G modulatory groups (model-spec §7), reward-based rule throughout.
 *
 *  a–b  error against training on training movement 0 for G ∈ {2, 10, 20, N}, random groups vs
 *       groups specialised on the training movements (G = N is neuron-specific, one curve);
 *  c    every training movement learned with G = sharedGroups shared specialised groups vs random;
 *  d    novel movements (not used for specialising) with those groups vs random;
 *  e–h  networks of several sizes (default 200 and 400) with 10 and 20 random groups: final
 *       errors and the trials needed to come within 1 % of each run's minimum error
 *       (first trial k with E_k ≤ 1.01·min E, see iterationsToWithin).
 *
 * Specialised groups [GainLab definition]: neuron-specific gains are learned for each training
 * movement by Adam on the gains (model-spec §6; fast and deterministic), the gain changes g − 1
 * describe each neuron, and k-means++ (seeded) groups them (specialisedGroups).
 *
 * Full: N = 200 (or the given network), 5 training + 5 novel generated movements, 5 sessions ×
 * 5000 trials per condition, 300 Adam iterations for specialising, sizes 200 and 400.
 * Quick: N = 40, 3 + 2 movements, 2 sessions × 500 trials, 30 Adam iterations, sizes 40 and 60.
 */
import { concatRows } from '../linalg/dense.js';
import { boxStats, mean, median } from '../analysis/statistics.js';
import { adamGainChanges } from '../model/gradient.js';
import { randomGroups, specialisedGroups } from '../model/groups.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import { runRewardRuleSessions } from '../model/rewardRule.js';
import { Rng } from '../model/rng.js';
import { clock } from '../primitives/experimentSupport.js';
import type { FigureSpec } from './figureSpec.js';
import type { FigureExperimentDefinition, FigureExperimentOptions, FigureExperimentResult } from '../primitives/experimentSupport.js';
import { curveMatrix, gainExperimentNetwork, generatedTarget, iterationsToWithin, meanCurve, socNetwork, thin } from './gainExperimentSupport.js';

export interface Supp2Settings {
  n: number;
  /** Group counts for panels a–b; 0 stands for N (neuron-specific). */
  groupCounts: number[];
  sharedGroups: number;
  trainingMovements: number;
  novelMovements: number;
  trainingSeed: number;
  novelSeed: number;
  sessions: number;
  trials: number;
  specialiseIterations: number;
  sizes: number[];
  sizeGroups: number[];
  sigma: number;
  alpha: number;
}

export const SUPP2_SETTINGS: { full: Supp2Settings; quick: Supp2Settings } = {
  full: {
    n: 200, groupCounts: [2, 10, 20, 0], sharedGroups: 10, trainingMovements: 5, novelMovements: 5, trainingSeed: 201, novelSeed: 301,
    sessions: 5, trials: 5000, specialiseIterations: 300, sizes: [200, 400], sizeGroups: [10, 20], sigma: 0.001, alpha: 0.3,
  },
  quick: {
    n: 40, groupCounts: [2, 10, 20, 0], sharedGroups: 10, trainingMovements: 3, novelMovements: 2, trainingSeed: 201, novelSeed: 301,
    sessions: 2, trials: 500, specialiseIterations: 30, sizes: [40, 60], sizeGroups: [10, 20], sigma: 0.001, alpha: 0.3,
  },
};

export interface Supp2Options extends FigureExperimentOptions {
  /** Overrides of the chosen settings (e.g. tiny test settings). */
  settings?: Partial<Supp2Settings>;
}

interface ConditionOutcome {
  label: string;
  curves: Float64Array[];
  finalErrors: number[];
  toWithin1Percent: number[];
}

export function runSupp2(options: Supp2Options): FigureExperimentResult {
  const started = clock();
  const settings: Supp2Settings = { ...(options.quick ? SUPP2_SETTINGS.quick : SUPP2_SETTINGS.full), ...options.settings };
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  const shouldStop = options.shouldStop;
  let stopped = false;
  const prepared = gainExperimentNetwork(options, settings.n);
  const { network, params } = prepared;
  const n = network.n;
  const training = Array.from({ length: settings.trainingMovements }, (_, k) => generatedTarget(settings.trainingSeed + k));
  const novel = Array.from({ length: settings.novelMovements }, (_, k) => generatedTarget(settings.novelSeed + k));
  let sessionSeed = seed * 1000;

  const learn = (net: Network, p: DynamicsParams, target: Float64Array, groups: Int32Array | undefined, label: string): ConditionOutcome => {
    if (shouldStop?.()) stopped = true;
    if (stopped) return { label, curves: [], finalErrors: [], toWithin1Percent: [] };
    progress(`${label}: ${settings.sessions} sessions × ${settings.trials} trials`);
    const result = runRewardRuleSessions(net, p, target, { sessions: settings.sessions, trials: settings.trials, sigma: settings.sigma, alpha: settings.alpha, groups, seed: sessionSeed++ }, undefined, shouldStop);
    if (result.stopped) stopped = true;
    return {
      label,
      curves: result.sessions.map((s) => s.errors),
      finalErrors: result.sessions.map((s) => s.bestError),
      toWithin1Percent: result.sessions.map((s) => iterationsToWithin(s.errors, 0.01)),
    };
  };

  // Specialised groups from Adam-learned neuron-specific gains on the training movements.
  progress(`specialising: Adam on ${training.length} training movements (${settings.specialiseIterations} iterations)`);
  const specialiseStarted = clock();
  const gainChanges = adamGainChanges(network, params, training, settings.specialiseIterations, shouldStop);
  const specialiseMs = clock() - specialiseStarted;
  const specialisedFor = (G: number) => specialisedGroups(gainChanges, G, seed + G);
  const randomFor = (nNeurons: number, G: number) => randomGroups(nNeurons, G, new Rng(seed * 7919 + G + nNeurons));

  // a–b: G groups, random vs specialised, on training movement 0.
  const panelA: ConditionOutcome[] = [];
  for (const Graw of settings.groupCounts) {
    const G = Graw === 0 || Graw >= n ? n : Graw;
    if (G === n) {
      panelA.push(learn(network, params, training[0], undefined, `G = N (${n}), neuron-specific`));
      continue;
    }
    panelA.push(learn(network, params, training[0], randomFor(n, G), `G = ${G}, random`));
    panelA.push(learn(network, params, training[0], specialisedFor(G), `G = ${G}, specialised`));
  }

  // c: every training movement with shared specialised groups vs random groups.
  const sharedG = Math.min(settings.sharedGroups, n);
  const sharedSpecialised = specialisedFor(sharedG);
  const sharedRandom = randomFor(n, sharedG);
  const panelC = training.map((target, k) => ({
    specialised: learn(network, params, target, sharedSpecialised, `training movement ${k}, ${sharedG} specialised groups`),
    random: learn(network, params, target, sharedRandom, `training movement ${k}, ${sharedG} random groups`),
  }));
  // d: novel movements with groups specialised on the training movements.
  const panelD = novel.map((target, k) => ({
    specialised: learn(network, params, target, sharedSpecialised, `novel movement ${k}, ${sharedG} specialised groups`),
    random: learn(network, params, target, sharedRandom, `novel movement ${k}, ${sharedG} random groups`),
  }));

  // e–h: network sizes with 10 and 20 random groups (the given network stands in for its own size).
  const panelE: Array<{ size: number; G: number; outcome: ConditionOutcome }> = [];
  const sizeTarget = generatedTarget(settings.novelSeed);
  for (const size of settings.sizes) {
    if (shouldStop?.()) {
      stopped = true;
      break;
    }
    progress(`network of size ${size}`);
    const sized = options.network && options.network.n === size ? prepared : socNetwork(size, seed, shouldStop);
    for (const G of settings.sizeGroups) {
      panelE.push({ size, G, outcome: learn(sized.network, sized.params, sizeTarget, randomFor(size, Math.min(G, size)), `N = ${size}, G = ${G}`) });
    }
  }

  const flatC = (which: 'specialised' | 'random') => panelC.flatMap((c) => c[which].finalErrors);
  const flatD = (which: 'specialised' | 'random') => panelD.flatMap((c) => c[which].finalErrors);
  const figures: FigureSpec[] = [
    {
      kind: 'lines',
      name: 'supp2ab_error_curves',
      title: `Mean error vs trials on training movement 0 (${settings.sessions} sessions)`,
      xLabel: 'trial',
      yLabel: 'error',
      logY: true,
      series: panelA.filter((c) => c.curves.length > 0).map((c) => ({ name: c.label, ...thin(meanCurve(c.curves)) })),
    },
    {
      kind: 'box',
      name: 'supp2c_shared_groups',
      title: `Training movements with ${sharedG} shared groups: final error`,
      yLabel: 'error',
      logY: true,
      categories: ['specialised', 'random'],
      boxes: [boxStats(flatC('specialised')), boxStats(flatC('random'))],
      points: [flatC('specialised'), flatC('random')],
    },
    {
      kind: 'box',
      name: 'supp2d_novel_movements',
      title: `Novel movements with ${sharedG} groups specialised on earlier ones: final error`,
      yLabel: 'error',
      logY: true,
      categories: ['specialised', 'random'],
      boxes: [boxStats(flatD('specialised')), boxStats(flatD('random'))],
      points: [flatD('specialised'), flatD('random')],
    },
    {
      kind: 'box',
      name: 'supp2ef_size_final_errors',
      title: 'Final error by network size and group count (random groups)',
      yLabel: 'error',
      logY: true,
      categories: panelE.map((e) => `N=${e.size} G=${e.G}`),
      boxes: panelE.map((e) => boxStats(e.outcome.finalErrors)),
      points: panelE.map((e) => e.outcome.finalErrors),
    },
    {
      kind: 'box',
      name: 'supp2gh_size_trials_to_1pct',
      title: 'Trials to come within 1 % of the run’s minimum',
      yLabel: 'trials',
      categories: panelE.map((e) => `N=${e.size} G=${e.G}`),
      boxes: panelE.map((e) => boxStats(e.outcome.toWithin1Percent)),
      points: panelE.map((e) => e.outcome.toWithin1Percent),
    },
  ];

  const conditionRows: Array<Array<number | string>> = [];
  const addRows = (panel: string, movement: string, c: ConditionOutcome, size = n) =>
    c.finalErrors.forEach((e, s) => conditionRows.push([panel, movement, c.label, size, s, c.curves[s][0], e, c.toWithin1Percent[s]]));
  panelA.forEach((c) => addRows('ab', 'training 0', c));
  panelC.forEach((c, k) => {
    addRows('c', `training ${k}`, c.specialised);
    addRows('c', `training ${k}`, c.random);
  });
  panelD.forEach((c, k) => {
    addRows('d', `novel ${k}`, c.specialised);
    addRows('d', `novel ${k}`, c.random);
  });
  panelE.forEach((e) => addRows('e', 'novel 0', e.outcome, e.size));

  const panelAMatrix = panelA.filter((c) => c.curves.length > 0).map((c) => meanCurve(c.curves));
  const aCurves = curveMatrix(panelAMatrix);
  return {
    name: 'supp2',
    title: 'Supp. Fig. 2: modulatory groups — random vs specialised, shared and novel movements, network size',
    quick: options.quick,
    seed,
    summary: {
      settings,
      n,
      network: options.network ? 'given' : `SOC N = ${settings.n} seed ${seed}`,
      groupCurves: panelA.map((c) => ({ label: c.label, medianFinalError: median(c.finalErrors), meanFinalError: mean(c.finalErrors), medianTrialsTo1Percent: median(c.toWithin1Percent) })),
      sharedGroups: {
        G: sharedG,
        medianFinalError: { specialised: median(flatC('specialised')), random: median(flatC('random')) },
      },
      novelMovements: {
        G: sharedG,
        medianFinalError: { specialised: median(flatD('specialised')), random: median(flatD('random')) },
      },
      sizes: panelE.map((e) => ({ n: e.size, G: e.G, finalErrors: e.outcome.finalErrors, medianFinalError: median(e.outcome.finalErrors), trialsTo1Percent: e.outcome.toWithin1Percent, medianTrialsTo1Percent: median(e.outcome.toWithin1Percent) })),
      wallMs: { specialise: specialiseMs, networkBuild: prepared.buildMs },
      stopped,
    },
    tables: [
      { name: 'runs', columns: ['panel', 'movement', 'condition', 'n', 'session', 'initial_error', 'best_error', 'trials_to_1pct'], rows: conditionRows },
      { name: 'ab_condition_labels', columns: ['row', 'condition'], rows: panelA.filter((c) => c.curves.length > 0).map((c, k) => [k, c.label]) },
    ],
    arrays: [
      { name: 'ab_mean_error_curves', shape: aCurves.shape, data: aCurves.data },
      { name: 'specialising_gain_changes', shape: [gainChanges.length, n], data: concatRows(gainChanges) },
      { name: 'shared_specialised_groups', shape: [n], data: Float64Array.from(sharedSpecialised) },
      { name: 'shared_random_groups', shape: [n], data: Float64Array.from(sharedRandom) },
    ],
    csv: [],
    figures,
    elapsedMs: clock() - started,
    stopped,
  };
}

export const supp2: FigureExperimentDefinition = {
  name: 'supp2',
  title: 'Supp. Fig. 2: modulatory groups',
  description:
    'Reward rule with G = 2, 10, 20, N random vs specialised groups; shared and novel movements; network sizes with 10 and 20 groups. ' +
    'Full: N = 200, 5 + 5 movements, 5 sessions × 5000 trials, sizes 200 and 400. Quick: N = 40, 3 + 2 movements, 2 × 500, sizes 40 and 60.',
  run: runSupp2,
};
