/**
 * Supp. Fig. 2: learning with G modulatory groups (model-spec §7), reward-based rule throughout,
 * panel by panel as the legend describes them:
 *
 *  a  mean error ± SD over sessions on the Fig. 1 target, random vs specialised groups,
 *     G = 2, 10, 20 and N (neuron-specific);
 *  b  relative improvement over neuron-specific modulation, E_NS / E_G (2 = twice smaller error),
 *     for each of the movements, specialised groups shared across all movements or made per
 *     movement, G = 10 and 20;
 *  c  every movement with 20 shared specialised groups, 20 random groups, neuron-specific;
 *  d  novel movements (not used for specialising) with the 20 groups of c, 20 random groups and
 *     neuron-specific;
 *  e  rates (gains 1) of 50 E and 50 I neurons of each network size;
 *  f  per target (one colour each): each network size's mean error over its sessions (circles) and
 *     the mean over sessions and sizes (a bar across them);
 *  g  outputs of every target from the median-error session of the largest network, G = 10 and 20;
 *  h  minimum error per G and size, and the trials needed to come within 1 % of it
 *     (first trial k with E_k ≤ 1.01·min E, see iterationsToWithin).
 *
 * Random groups are drawn per session from the session's seed (training.ts). Specialised groups
 * [GainLab definition 'specialised-groups']: Adam learns neuron-specific gains for each movement
 * (model-spec §6), the gain changes g − 1 describe each neuron, and k-means++ (seeded) groups them
 * — per movement (from its own changes) or shared (from the changes over all movements).
 * Network sizes of e–h [GainLab definition 'supp2-sizes']: 100, 200, 400.
 *
 * Paper set-up (full): N = 200 (or the given network and target), 5 movements, 10 novel movements,
 * 10 sessions × 5000 trials per condition, σ = 0.001, α = 0.3; sizes 100, 200, 400.
 * Quick: N = 40, 2 movements, 2 novel, 2 sessions × 300 trials, sizes 30 and 40.
 */
import { concatRows } from '../linalg/dense.js';
import { simulateRates } from '../analysis/runAnalyses.js';
import { boxStats, mean, median, sd } from '../analysis/statistics.js';
import type { DefinitionId } from '../definitions.js';
import { adamGainChanges } from '../model/gradient.js';
import { specialisedGroups } from '../model/groups.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import { Rng } from '../model/rng.js';
import { sampleTimes } from '../model/params.js';
import { checkpointedStep, clock, networkSummary, experimentNetwork, labelHash, type FigureExperimentDefinition, type FigureExperimentOptions, type FigureExperimentResult, type PreparedNetwork } from './support.js';
import { zeroCentredScale, type FigureSpec, type LineSeries } from './figureSpec.js';
import { generatedTarget, iterationsToWithin, meanCurve, thin } from './gainExperimentSupport.js';
import { departuresFrom, networkDefinitions, settingsAsRun, setupSummary } from './setup.js';
import { rewardSessions, type GroupSpec } from './training.js';
import { NEUTRAL_COLOR, PAPER_COLORS, SERIES_COLORS } from '../plots/palette.js';
import { sessionNumber } from '../formats/sessionNumbers.js';

export interface Supp2Settings {
  n: number;
  /** Group counts of panel a; 0 stands for N (neuron-specific). */
  groupCounts: number[];
  /** Panel b's group counts. */
  improvementGroups: number[];
  /** Panels c–d: shared specialised groups. */
  sharedGroups: number;
  movements: number;
  novelMovements: number;
  /** Generated target of panel a when none is given (the Fig. 1 task's seed). */
  targetSeed: number;
  movementSeed: number;
  novelSeed: number;
  sessions: number;
  trials: number;
  sigma: number;
  alpha: number;
  specialiseIterations: number;
  sizes: number[];
  sizeGroups: number[];
}

export const SUPP2_SETTINGS: { full: Supp2Settings; quick: Supp2Settings } = {
  full: {
    n: 200, groupCounts: [2, 10, 20, 0], improvementGroups: [10, 20], sharedGroups: 20, movements: 5, novelMovements: 10,
    targetSeed: 2, movementSeed: 201, novelSeed: 301, sessions: 10, trials: 5000, sigma: 0.001, alpha: 0.3, specialiseIterations: 300,
    sizes: [100, 200, 400], sizeGroups: [10, 20],
  },
  quick: {
    n: 40, groupCounts: [2, 10, 20, 0], improvementGroups: [10, 20], sharedGroups: 20, movements: 2, novelMovements: 2,
    targetSeed: 2, movementSeed: 201, novelSeed: 301, sessions: 2, trials: 300, sigma: 0.001, alpha: 0.3, specialiseIterations: 30,
    sizes: [30, 40], sizeGroups: [10, 20],
  },
};

const SETTING_LABELS: Partial<Record<keyof Supp2Settings, string>> = {
  n: 'network size',
  groupCounts: 'group counts (a)',
  improvementGroups: 'group counts (b)',
  sharedGroups: 'shared groups (c, d)',
  movements: 'movements',
  novelMovements: 'novel movements',
  sessions: 'sessions',
  trials: 'trials',
  sigma: 'σ',
  alpha: 'α',
  sizes: 'network sizes (e–h)',
  sizeGroups: 'group counts (e–h)',
};

export interface Supp2Options extends FigureExperimentOptions {
  /** Overrides of the chosen settings (e.g. tiny test settings). */
  settings?: Partial<Supp2Settings>;
}

/** One condition's sessions, as kept in the checkpoint. */
interface ConditionOutcome {
  label: string;
  finalErrors: number[];
  toWithin1Percent: number[];
  initialError: number;
  /** Mean error curve over the sessions, thinned to ≤ 500 points (x = trial). */
  meanCurveX: number[];
  meanCurveY: number[];
  /** The median-error session's best output (panel g). */
  medianOutput: number[];
  medianSession: number;
}

/**
 * Panels e–h build an own SOC network of every size but the given network's, so a given network
 * drops 'own-soc-network' only when every size is its own (`ownNetworks`: sizes other than the
 * given network's, supp2OwnSizes).
 */
export function supp2Definitions(givenNetwork: boolean, ownNetworks: boolean): DefinitionId[] {
  return ['specialised-groups', 'gradient-training', 'generated-targets', 'supp2-sizes', ...networkDefinitions(givenNetwork && !ownNetworks)];
}

/** The sizes of panels e–h that get an own SOC network: all of them, or all but the given network's. */
export function supp2OwnSizes(sizes: readonly number[], given: { n: number } | undefined): number[] {
  return sizes.filter((size) => !given || given.n !== size);
}

/** Number of conditions the definition will train (for progress estimates). */
export function supp2ConditionCount(s: Supp2Settings, n = s.n): number {
  const panelA = s.groupCounts.reduce((sum, G) => sum + (G === 0 || G >= n ? 1 : 2), 0);
  const perMovement = 1 + 2 * s.improvementGroups.length + 1;
  return panelA + s.movements * perMovement + s.novelMovements * 3 + s.sizes.length * s.movements * s.sizeGroups.length;
}

export function runSupp2(options: Supp2Options): FigureExperimentResult {
  const started = clock();
  const settings: Supp2Settings = { ...(options.quick ? SUPP2_SETTINGS.quick : SUPP2_SETTINGS.full), ...options.settings };
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  const shouldStop = options.shouldStop;
  let stopped = false;
  const prepared = experimentNetwork(options, settings.n, 1);
  const { network, params } = prepared;
  const n = network.n;
  const targetA = options.target ?? generatedTarget(settings.targetSeed);
  const movements = Array.from({ length: settings.movements }, (_, k) => generatedTarget(settings.movementSeed + k));
  const novel = Array.from({ length: settings.novelMovements }, (_, k) => generatedTarget(settings.novelSeed + k));
  const runKey = `supp2:${seed}:${options.network ? 'given' : `soc${n}`}:${settings.sessions}x${settings.trials}:σ${settings.sigma}:α${settings.alpha}`;

  const learn = (net: Network, p: DynamicsParams, target: Float64Array, groups: GroupSpec, label: string): ConditionOutcome | null => {
    if (shouldStop?.()) stopped = true;
    if (stopped) return null;
    return checkpointedStep(options, `${runKey}:${label}`, `${label}: ${settings.sessions} sessions × ${settings.trials} trials`, (done) => {
      const result = rewardSessions({ network: net, params: p, target, sessions: settings.sessions, seed: Rng.derive(seed, labelHash(label)), trials: settings.trials, sigma: settings.sigma, alpha: settings.alpha, groups }, (trial, trials) => done(trial / trials), shouldStop);
      if (result.stopped) stopped = true;
      const finals = result.sessions.map((s) => s.bestError);
      const order = finals.map((_, k) => k).sort((a, b) => finals[a] - finals[b]);
      const medianSession = order[Math.floor((order.length - 1) / 2)];
      const curve = thin(meanCurve(result.sessions.map((s) => s.errors)));
      return {
        label,
        finalErrors: finals,
        toWithin1Percent: result.sessions.map((s) => iterationsToWithin(s.errors, 0.01)),
        initialError: result.sessions[0]?.errors[0] ?? NaN,
        meanCurveX: Array.from(curve.x),
        meanCurveY: Array.from(curve.y),
        medianOutput: Array.from(result.sessions[medianSession].bestOutput),
        medianSession,
      };
    }, () => stopped);
  };

  // Specialising [GainLab definition]: Adam on neuron-specific gains for every movement.
  const specialiseStarted = clock();
  const gainChangesFor = (target: Float64Array, label: string): Float64Array =>
    Float64Array.from(
      checkpointedStep(options, `${runKey}:specialise:${settings.specialiseIterations}:${label}`, `specialising: Adam on ${label} (${settings.specialiseIterations} iterations)`, () =>
        Array.from(adamGainChanges(network, params, [target], settings.specialiseIterations, shouldStop)[0]),
      ),
    );
  const changesA = gainChangesFor(targetA, 'target a');
  const movementChanges = movements.map((t, k) => gainChangesFor(t, `movement ${k}`));
  const specialiseMs = clock() - specialiseStarted;
  const clamp = (G: number) => Math.min(G, n);
  const perMovementGroups = (changes: Float64Array, G: number) => specialisedGroups([changes], clamp(G), seed + G);
  const sharedGroupsOf = (G: number) => specialisedGroups(movementChanges, clamp(G), seed + G);

  // a: the Fig. 1 target with G groups, random vs specialised (per movement: on this target).
  const panelA: Array<{ G: number; random: ConditionOutcome | null; specialised: ConditionOutcome | null }> = [];
  for (const Graw of settings.groupCounts) {
    const G = Graw === 0 || Graw >= n ? n : Graw;
    if (G === n) {
      const ns = learn(network, params, targetA, { kind: 'neuron-specific' }, 'a: neuron-specific');
      panelA.push({ G, random: ns, specialised: ns });
      continue;
    }
    panelA.push({
      G,
      random: learn(network, params, targetA, { kind: 'random', count: G }, `a: ${G} random groups`),
      specialised: learn(network, params, targetA, { kind: 'fixed', labels: perMovementGroups(changesA, G) }, `a: ${G} specialised groups`),
    });
  }

  // b, c: every movement, neuron-specific, shared and per-movement specialised groups, random groups.
  const sharedG = clamp(settings.sharedGroups);
  const shared = new Map<number, Int32Array>();
  for (const G of new Set([...settings.improvementGroups, settings.sharedGroups])) shared.set(G, sharedGroupsOf(G));
  const panelBC = movements.map((target, k) => {
    const neuronSpecific = learn(network, params, target, { kind: 'neuron-specific' }, `movement ${k}: neuron-specific`);
    const byG = settings.improvementGroups.map((G) => ({
      G,
      shared: learn(network, params, target, { kind: 'fixed', labels: shared.get(G)! }, `movement ${k}: ${G} shared specialised groups`),
      perMovement: learn(network, params, target, { kind: 'fixed', labels: perMovementGroups(movementChanges[k], G) }, `movement ${k}: ${G} specialised groups (this movement)`),
    }));
    const sharedRun = byG.find((b) => b.G === settings.sharedGroups)?.shared ?? learn(network, params, target, { kind: 'fixed', labels: shared.get(settings.sharedGroups)! }, `movement ${k}: ${sharedG} shared specialised groups`);
    const random = learn(network, params, target, { kind: 'random', count: sharedG }, `movement ${k}: ${sharedG} random groups`);
    return { neuronSpecific, byG, shared: sharedRun, random };
  });

  // d: novel movements with the shared groups of c.
  const panelD = novel.map((target, k) => ({
    neuronSpecific: learn(network, params, target, { kind: 'neuron-specific' }, `novel ${k}: neuron-specific`),
    shared: learn(network, params, target, { kind: 'fixed', labels: shared.get(settings.sharedGroups)! }, `novel ${k}: ${sharedG} shared specialised groups`),
    random: learn(network, params, target, { kind: 'random', count: sharedG }, `novel ${k}: ${sharedG} random groups`),
  }));

  // e–h: network sizes (own SOC networks; a given network stands in for its own size).
  const ownSizes = supp2OwnSizes(settings.sizes, options.network);
  const sized: Array<{ size: number; own: boolean; prepared: PreparedNetwork; runs: Array<{ G: number; movement: number; outcome: ConditionOutcome | null }> }> = [];
  for (const size of settings.sizes) {
    if (shouldStop?.()) {
      stopped = true;
      break;
    }
    progress(`network of size ${size}`);
    const own = ownSizes.includes(size);
    const net = own ? experimentNetwork({ ...options, network: undefined }, size, 1) : prepared;
    const runs: Array<{ G: number; movement: number; outcome: ConditionOutcome | null }> = [];
    for (const G of settings.sizeGroups) {
      movements.forEach((target, k) => runs.push({ G, movement: k, outcome: learn(net.network, net.params, target, { kind: 'random', count: G }, `N = ${size}: movement ${k}, ${G} random groups`) }));
    }
    sized.push({ size, own, prepared: net, runs });
  }

  // ---- summaries ----
  const meanOf = (c: ConditionOutcome | null) => (c ? mean(c.finalErrors) : NaN);
  const sdOf = (c: ConditionOutcome | null) => (c && c.finalErrors.length > 1 ? sd(c.finalErrors) : NaN);
  const groupLabel = (G: number) => (G === n ? `N (${n})` : String(G));
  const improvement = settings.improvementGroups.map((G) => ({
    G,
    shared: panelBC.map((m) => meanOf(m.neuronSpecific) / meanOf(m.byG.find((b) => b.G === G)!.shared)),
    perMovement: panelBC.map((m) => meanOf(m.neuronSpecific) / meanOf(m.byG.find((b) => b.G === G)!.perMovement)),
  }));
  const sizeSummary = sized.flatMap((s) =>
    settings.sizeGroups.map((G) => {
      const runs = s.runs.filter((r) => r.G === G && r.outcome);
      const perTarget = runs.map((r) => meanOf(r.outcome));
      return {
        n: s.size,
        G,
        meanErrorPerTarget: perTarget,
        meanError: mean(perTarget),
        minErrors: runs.flatMap((r) => r.outcome!.finalErrors),
        trialsTo1Percent: runs.flatMap((r) => r.outcome!.toWithin1Percent),
        medianTrialsTo1Percent: median(runs.flatMap((r) => r.outcome!.toWithin1Percent)),
      };
    }),
  );

  // ---- figures ----
  const figures: FigureSpec[] = [];
  const xs = panelA.map((a) => a.G);
  figures.push({
    kind: 'lines',
    name: 'supp2a_groups', definitions: ['specialised-groups'],
    title: `Supp. 2a: mean error ± SD over ${settings.sessions} sessions vs number of groups`,
    xLabel: 'groups G',
    yLabel: 'error',
    logY: true,
    // G = 2, 10, 20 and N span two decades: on a linear axis the first three crowd at its left end
    logX: true,
    series: [
      { name: 'random groups', x: xs, y: panelA.map((a) => meanOf(a.random)), band: panelA.map((a) => sdOf(a.random)) },
      { name: 'specialised groups', x: xs, y: panelA.map((a) => meanOf(a.specialised)), band: panelA.map((a) => sdOf(a.specialised)) },
    ],
  });
  figures.push({
    kind: 'lines',
    name: 'supp2a_error_curves', definitions: ['specialised-groups'],
    title: 'Supp. 2a: mean error during learning',
    xLabel: 'trial',
    yLabel: 'error',
    logY: true,
    series: panelA.flatMap((a) => {
      const list: LineSeries[] = [];
      if (a.random) list.push({ name: a.G === n ? 'neuron-specific' : `${a.G} random`, x: a.random.meanCurveX, y: a.random.meanCurveY });
      if (a.specialised && a.G !== n) list.push({ name: `${a.G} specialised`, x: a.specialised.meanCurveX, y: a.specialised.meanCurveY, dashed: true });
      return list;
    }),
  });
  const movementAxis = movements.map((_, k) => k + 1);
  figures.push({
    kind: 'lines',
    name: 'supp2b_relative_improvement', definitions: ['specialised-groups'],
    title: 'Supp. 2b: relative improvement over neuron-specific modulation (E_NS / E_G)',
    xLabel: 'movement',
    yLabel: 'E neuron-specific / E groups',
    // the legend's marks: squares shared, circles per movement; G = 10 blue, G = 20 black (other
    // G: the palette); the red line is neuron-specific modulation (ratio 1)
    series: [
      ...improvement.flatMap((i, k) => {
        const color = i.G === 10 ? PAPER_COLORS.blue : i.G === 20 ? PAPER_COLORS.black : SERIES_COLORS[k % SERIES_COLORS.length];
        return [
          { name: `${i.G} groups, shared`, x: movementAxis, y: i.shared, color, symbol: 'rect' as const },
          { name: `${i.G} groups, per movement`, x: movementAxis, y: i.perMovement, color, symbol: 'circle' as const, dashed: true },
        ];
      }),
      { name: 'neuron-specific', x: movementAxis, y: movementAxis.map(() => 1), color: PAPER_COLORS.red },
    ],
  });
  const meanSdSeries = (name: string, runs: Array<ConditionOutcome | null>, x: number[]): LineSeries => ({ name, x, y: runs.map(meanOf), band: runs.map(sdOf) });
  figures.push({
    kind: 'lines',
    name: 'supp2c_movements', definitions: ['specialised-groups', 'generated-targets'],
    title: `Supp. 2c: ${settings.movements} movements, mean error ± SD over ${settings.sessions} sessions`,
    xLabel: 'movement',
    yLabel: 'error',
    logY: true,
    series: [
      meanSdSeries(`${sharedG} specialised groups (shared)`, panelBC.map((m) => m.shared), movementAxis),
      meanSdSeries(`${sharedG} random groups`, panelBC.map((m) => m.random), movementAxis),
      meanSdSeries('neuron-specific', panelBC.map((m) => m.neuronSpecific), movementAxis),
    ],
  });
  const novelAxis = novel.map((_, k) => k + 1);
  figures.push({
    kind: 'lines',
    name: 'supp2d_novel_movements', definitions: ['specialised-groups', 'generated-targets'],
    title: `Supp. 2d: ${settings.novelMovements} novel movements with the groups of c`,
    xLabel: 'novel movement',
    yLabel: 'error',
    logY: true,
    series: [
      meanSdSeries(`${sharedG} specialised groups (from c)`, panelD.map((m) => m.shared), novelAxis),
      meanSdSeries(`${sharedG} random groups`, panelD.map((m) => m.random), novelAxis),
      meanSdSeries('neuron-specific', panelD.map((m) => m.neuronSpecific), novelAxis),
    ],
  });
  for (const s of sized) {
    const { network: net, params: p } = s.prepared;
    const rates = simulateRatesOf(net, p);
    const nE = net.nE;
    const chosen = [...spread(nE, 50), ...spread(net.n - nE, 50).map((i) => nE + i)];
    const data = new Float64Array(chosen.length * p.nSamples);
    chosen.forEach((i, r) => {
      for (let k = 0; k < p.nSamples; k++) data[r * p.nSamples + k] = rates[k * net.n + i];
    });
    figures.push({ kind: 'heatmap', name: `supp2e_rates_N${s.size}`, definitions: s.own ? ['supp2-sizes', 'own-soc-network'] : ['supp2-sizes'], title: `Supp. 2e: rates of ${Math.min(50, nE)} E and ${Math.min(50, net.n - nE)} I neurons, N = ${s.size} (gains 1)`, xLabel: 'time (ms)', xStart: 0, xStep: p.duration / (p.nSamples - 1), yLabel: 'neuron (E then I)', rows: chosen.length, cols: p.nSamples, data, ...zeroCentredScale(data), unit: 'Hz' });
  }
  // f as the legend has it: per target (colour) each network's mean over the sessions (circles)
  // and the mean over sessions and networks (a bar across them)
  const targetCategories = movements.map((_, k) => `target ${k + 1}`);
  const targetColors = movements.map((_, k) => SERIES_COLORS[k % SERIES_COLORS.length]);
  const sizeTargets = settings.sizeGroups.map((G) => ({ G, targets: sizeTargetMeans(sized, G, movements.length) }));
  for (const { G, targets } of sizeTargets) {
    const shown = targets.filter((t) => t.networks.length > 0);
    if (shown.length === 0) continue;
    const sizes = sized.map((s) => s.size);
    figures.push({
      kind: 'scatter',
      name: `supp2f_targets_G${G}`, definitions: ['supp2-sizes'],
      title: `Supp. 2f: error per target (colours), ${G} random groups, networks N = ${sizes.join(', ')}`,
      xLabel: 'target',
      yLabel: 'error',
      logY: true,
      categories: targetCategories,
      series: [
        ...sizes.map((size) => {
          const points = shown.flatMap((t) => t.networks.filter((w) => w.n === size).map((w) => ({ target: t.target, mean: w.mean })));
          return { name: `circles: N = ${size}, mean over ${settings.sessions} sessions`, x: points.map((p) => p.target), y: points.map((p) => p.mean), colors: points.map((p) => targetColors[p.target]), color: NEUTRAL_COLOR, symbol: 'circle' as const };
        }),
        { name: `bars: mean over ${settings.sessions} sessions and ${sizes.length} networks`, x: shown.map((t) => t.target), y: shown.map((t) => t.mean), colors: shown.map((t) => targetColors[t.target]), color: NEUTRAL_COLOR, symbol: 'bar' as const },
      ],
    });
  }
  const largest = sized[sized.length - 1];
  if (largest) {
    const times = sampleTimes(largest.prepared.params);
    for (const G of settings.sizeGroups) {
      const runs = largest.runs.filter((r) => r.G === G && r.outcome);
      if (runs.length === 0) continue;
      figures.push({
        kind: 'lines',
        name: `supp2g_outputs_N${largest.size}_G${G}`,
        title: `Supp. 2g: outputs of the median-error session, N = ${largest.size}, ${G} groups`,
        xLabel: 'time (ms)',
        yLabel: 'output',
        series: runs.flatMap((r) => [
          { name: `target ${r.movement + 1}`, x: times, y: movements[r.movement], dashed: true },
          { name: `output ${r.movement + 1}`, x: times, y: r.outcome!.medianOutput },
        ]),
      });
    }
  }
  const hCategories = sizeSummary.map((r) => `N=${r.n} G=${r.G}`);
  // the legend's colours: minimum error blue, trials to within 1 % red
  figures.push({ kind: 'box', name: 'supp2h_min_error', definitions: ['supp2-sizes'], title: 'Supp. 2h: minimum error after training', xLabel: 'network size N and groups G', yLabel: 'error', logY: true, categories: hCategories, boxes: sizeSummary.map((r) => boxStats(r.minErrors)), points: sizeSummary.map((r) => r.minErrors), pointName: 'session', color: PAPER_COLORS.blue });
  figures.push({ kind: 'box', name: 'supp2h_trials_to_1pct', definitions: ['supp2-sizes'], title: 'Supp. 2h: trials to come within 1 % of the minimum', xLabel: 'network size N and groups G', yLabel: 'trials', categories: hCategories, boxes: sizeSummary.map((r) => boxStats(r.trialsTo1Percent)), points: sizeSummary.map((r) => r.trialsTo1Percent), pointName: 'session', color: PAPER_COLORS.red });

  // ---- tables ----
  const rows: Array<Array<number | string>> = [];
  const add = (panel: string, movement: string, c: ConditionOutcome | null, size = n) => {
    if (c) c.finalErrors.forEach((e, s) => rows.push([panel, movement, c.label, size, sessionNumber(s), c.initialError, e, c.toWithin1Percent[s]]));
  };
  const seen = new Set<ConditionOutcome>();
  panelA.forEach((a) => [a.random, a.specialised].forEach((c) => {
    if (c && !seen.has(c)) {
      seen.add(c);
      add('a', 'target a', c);
    }
  }));
  panelBC.forEach((m, k) => [m.neuronSpecific, ...m.byG.flatMap((b) => [b.shared, b.perMovement]), m.random].forEach((c) => add('b-c', `movement ${k}`, c)));
  panelD.forEach((m, k) => [m.neuronSpecific, m.shared, m.random].forEach((c) => add('d', `novel ${k}`, c)));
  sized.forEach((s) => s.runs.forEach((r) => add('e-h', `movement ${r.movement}`, r.outcome, s.size)));

  const paper = SUPP2_SETTINGS.full;
  const ranSettings = settingsAsRun(settings, options);
  const departures = departuresFrom(paper, ranSettings, SETTING_LABELS);
  if (!options.network) departures.unshift('own SOC network instead of the published one');
  if (!options.target) departures.unshift('generated target for panel a instead of the published novel target');
  return {
    name: 'supp2',
    title: 'Supp. Fig. 2: modulatory groups — random vs specialised, shared and novel movements, network sizes',
    quick: options.quick,
    seed,
    summary: {
      settings: ranSettings,
      setup: setupSummary(supp2Definitions(Boolean(options.network), ownSizes.length > 0), departures),
      n,
      network: networkSummary(options, settings.n),
      panelA: panelA.map((a) => ({ G: a.G, groups: groupLabel(a.G), random: { mean: meanOf(a.random), sd: sdOf(a.random) }, specialised: { mean: meanOf(a.specialised), sd: sdOf(a.specialised) } })),
      relativeImprovement: improvement,
      movements: {
        G: sharedG,
        meanError: {
          specialisedShared: mean(panelBC.map((m) => meanOf(m.shared))),
          random: mean(panelBC.map((m) => meanOf(m.random))),
          neuronSpecific: mean(panelBC.map((m) => meanOf(m.neuronSpecific))),
        },
        specialisedBeatsRandom: panelBC.filter((m) => meanOf(m.shared) < meanOf(m.random)).length,
      },
      novelMovements: {
        G: sharedG,
        meanError: {
          specialisedShared: mean(panelD.map((m) => meanOf(m.shared))),
          random: mean(panelD.map((m) => meanOf(m.random))),
          neuronSpecific: mean(panelD.map((m) => meanOf(m.neuronSpecific))),
        },
        specialisedBeatsRandom: panelD.filter((m) => meanOf(m.shared) < meanOf(m.random)).length,
      },
      sizes: sizeSummary.map((r) => ({ n: r.n, G: r.G, meanError: r.meanError, meanErrorPerTarget: r.meanErrorPerTarget, medianTrialsTo1Percent: r.medianTrialsTo1Percent })),
      targetsOverSizes: sizeTargets.map((t) => ({ G: t.G, perTarget: t.targets.map((x) => ({ target: x.target + 1, meanError: x.mean, networks: x.networks })) })),
      wallMs: { specialise: specialiseMs, networkBuild: prepared.buildMs },
      stopped,
    },
    tables: [{ name: 'runs', columns: ['panel', 'movement', 'condition', 'n', 'session', 'initial_error', 'best_error', 'trials_to_1pct'], rows }],
    arrays: [
      { name: 'specialising_gain_changes', shape: [movementChanges.length, n], data: concatRows(movementChanges) },
      { name: 'shared_specialised_groups', shape: [n], data: Float64Array.from(shared.get(settings.sharedGroups)!) },
    ],
    csv: [],
    figures,
    elapsedMs: clock() - started,
    stopped,
  };
}

/**
 * Supp. 2f's numbers for G groups: per target (0-based), each network's mean best error over its
 * sessions and the mean of those means (= the mean over sessions and networks: every network has
 * the same sessions). Networks without a finished run of the target are left out.
 */
function sizeTargetMeans(sized: ReadonlyArray<{ size: number; runs: ReadonlyArray<{ G: number; movement: number; outcome: ConditionOutcome | null }> }>, G: number, targets: number): Array<{ target: number; mean: number; networks: Array<{ n: number; mean: number }> }> {
  return Array.from({ length: targets }, (_, target) => {
    const networks = sized.flatMap((s) => s.runs.filter((r) => r.G === G && r.movement === target && r.outcome).map((r) => ({ n: s.size, mean: mean(r.outcome!.finalErrors) })));
    return { target, mean: networks.length ? mean(networks.map((w) => w.mean)) : NaN, networks };
  });
}

/** `count` indices spread evenly over 0..total−1 (all when total ≤ count). */
function spread(total: number, count: number): number[] {
  if (total <= count) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: count }, (_, k) => Math.floor((k * total) / count));
}

function simulateRatesOf(network: Network, params: DynamicsParams): Float64Array {
  return simulateRates(network, params, new Float64Array(network.n).fill(1));
}


export const supp2: FigureExperimentDefinition = {
  name: 'supp2',
  title: 'Supp. Fig. 2: modulatory groups',
  description:
    'Reward rule with random vs specialised groups (a), relative improvement of shared and per-movement groups (b), 5 movements (c), 10 novel movements (d), network sizes (e–h). ' +
    'Paper set-up: N = 200, 10 sessions × 5000 trials per condition, sizes 100/200/400 (GainLab’s choice of the two unnamed sizes). Quick: N = 40, 2 + 2 movements, 2 × 300, sizes 30 and 40.',
  run: runSupp2,
};
