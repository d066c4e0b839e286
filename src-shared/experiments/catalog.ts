/**
 * Every paper experiment definition in one registry, for whoever runs them by name (the worker's
 * 'experiment' jobs, the app's Experiments view): what the paper shows in one line, how long quick
 * and full runs take, which size parameters each takes, and a progress estimate from the steps
 * the definitions report (their messages begin steps; a StepProgress beside a message says how far
 * the step under way has come; the words themselves are for the user, never read back).
 */
import type { DefinitionId } from '../definitions.js';
import { GRADIENT_TRAINABLES } from '../model/gradient.js';
import type { Network } from '../model/network.js';
import type { ExperimentCheckpoint, ExperimentDefinition, ExperimentProgressListener, ExperimentResult, SocNetworkProvider, StepProgress } from './support.js';
import { EXPERIMENT_NAMES, type ExperimentName, type ExperimentOptions, type ExperimentOverrides, type OverrideKey } from '../ipc/experimentContract.js';
import { fig1, fig1Definitions, FIG1_SETTINGS, runFig1 } from './fig1.js';
import { fig4, fig4Definitions, FIG4_SETTINGS, runFig4, type Fig4Settings } from './fig4.js';
import { fig6, fig6Definitions, FIG6_SETTINGS, runFig6, type Fig6Settings } from './fig6.js';
import { fig8, fig8Definitions, FIG8_SETTINGS, runFig8, type Fig8Settings } from './fig8.js';
import type { FigureExperimentDefinition, FigureExperimentResult } from './support.js';
import { runSupp1f, supp1f, supp1fDefinitions, SUPP1F_SETTINGS } from './supp1f.js';
import { runSupp2, supp2, supp2ConditionCount, supp2Definitions, SUPP2_SETTINGS, type Supp2Settings } from './supp2.js';
import { runSupp3, supp3, supp3Definitions, SUPP3_SETTINGS, type Supp3Settings } from './supp3.js';
import { runSupp5, supp5, supp5Definitions, SUPP5_SETTINGS, type Supp5Settings } from './supp5.js';

export { EXPERIMENT_NAMES, type ExperimentName };

export interface ExperimentInfo {
  name: ExperimentName;
  /** The definition's own title and description (what runs in full and in quick mode). */
  title: string;
  description: string;
  /** One line on what the paper shows with it. */
  paper: string;
  /**
   * Wall time of a quick run (runExperimentByName on one thread, as the app's worker and the CLI run
   * it), measured on this project's machine: a 2-core AMD EPYC VM with a test run beside it (load
   * about 4.5), 5 Dec 2026. `own`: the definition's own network (N = 40); `n200`: the authors'
   * published network (N = 200), which quick mode runs at its own size (quickRunSeconds).
   */
  quickSeconds: { own: number; n200: number };
  /** Duration of a full run (the paper's set-up) in words, one core of this project's machines. */
  fullDuration: string;
  /** Settings (request.overrides keys) this definition takes. */
  overrides: readonly OverrideKey[];
  /** Takes network sizes (request.sizes): supp2 panels e–h. */
  takesSizes: boolean;
  /** Takes a target movement of the project (request.targetId): fig1 and supp2a. */
  takesTarget: boolean;
  /** GainLab definitions the experiment rests on (src-shared/definitions.ts), on its own network. */
  definitions: readonly DefinitionId[];
  /** The same on a given network (a project's, `--net`), which keeps its readout unless the experiment refits one. */
  definitionsOnGivenNetwork: readonly DefinitionId[];
}

const DEFINITIONS: Record<ExperimentName, ExperimentDefinition | FigureExperimentDefinition> = { fig1, supp1f, supp2, fig4, supp3, fig6, supp5, fig8 };

const INFO: Record<ExperimentName, Omit<ExperimentInfo, 'name' | 'title' | 'description'>> = {
  fig1: {
    paper: 'Figs. 1–3, Supp. Fig. 1a–e: the reward rule learns neuron-specific gains for a new movement; error, gains, rates, correlations, eigenvalues, noise robustness, rate–target correlations.',
    quickSeconds: { own: 1.7, n200: 17 },
    fullDuration: 'about 10 min',
    overrides: ['sessions', 'trials', 'sigma', 'alpha', 'noiseSamples', 'n'],
    takesSizes: false,
    takesTarget: true,
    definitions: fig1Definitions(false, false),
    definitionsOnGivenNetwork: fig1Definitions(true, false),
  },
  supp1f: {
    paper: 'Supp. Fig. 1f: training the gains does about as well as training x0, W or a rank-1 change of W (back-propagation, 10 targets).',
    quickSeconds: { own: 0.3, n200: 3.8 },
    fullDuration: 'about 5 min',
    overrides: ['targets', 'iterations', 'lr', 'n'],
    takesSizes: false,
    takesTarget: false,
    definitions: supp1fDefinitions(false),
    definitionsOnGivenNetwork: supp1fDefinitions(true),
  },
  supp2: {
    paper: 'Supp. Fig. 2: a few modulatory groups suffice, specialised beat random groups, also for novel movements; larger networks learn with the same groups.',
    quickSeconds: { own: 5.4, n200: 43 },
    fullDuration: 'about 5 hours',
    overrides: ['sessions', 'trials', 'sigma', 'alpha', 'iterations', 'n', 'movements', 'targets'],
    takesSizes: true,
    takesTarget: true,
    definitions: supp2Definitions(false, true),
    // the preset sizes other than the given network's are still built
    definitionsOnGivenNetwork: supp2Definitions(true, true),
  },
  fig4: {
    paper: 'Fig. 4: novel movements as combinations of learned gain patterns; the fit error predicts the output error; larger libraries fit better.',
    quickSeconds: { own: 0.5, n200: 3.5 },
    fullDuration: 'about 40 min',
    overrides: ['pool', 'rule', 'trials', 'sigma', 'iterations', 'lr', 'libraries', 'librarySizes', 'targets', 'n'],
    takesSizes: false,
    takesTarget: false,
    definitions: fig4Definitions(false),
    definitionsOnGivenNetwork: fig4Definitions(true),
  },
  supp3: {
    paper: 'Supp. Figs. 3–4: larger libraries fit better; learned patterns beat random ones; fit and output errors correlate; the same at r0 = 5 Hz.',
    quickSeconds: { own: 1.4, n200: 5.3 },
    fullDuration: 'about 3 hours',
    overrides: ['pool', 'rule', 'trials', 'sigma', 'iterations', 'lr', 'libraries', 'librarySizes', 'targets', 'n'],
    takesSizes: false,
    takesTarget: false,
    definitions: supp3Definitions(false),
    definitionsOnGivenNetwork: supp3Definitions(true),
  },
  fig6: {
    paper: 'Fig. 6, Supp. Fig. 6: slow variants by either rule; gain patterns for several speeds span a speed manifold; interpolating them re-times the movement.',
    quickSeconds: { own: 1.1, n200: 11 },
    fullDuration: 'about 1 hour',
    overrides: ['n', 'conditions', 'groups', 'speeds', 'rule', 'trials', 'sigma', 'alpha', 'iterations', 'lr'],
    takesSizes: false,
    takesTarget: false,
    definitions: fig6Definitions(false),
    definitionsOnGivenNetwork: fig6Definitions(true),
  },
  supp5: {
    paper: 'Supp. Figs. 5 and 8: slow variants of 10 movements are learnable with both rules; eigenvalues before/after; robustness to noisy x0; more initial conditions; amplitude scaled by 1/s².',
    quickSeconds: { own: 5.3, n200: 52 },
    fullDuration: 'days at the paper’s size (10 movements × 10 sessions × m up to 10 at N = 400); use overrides',
    overrides: ['n', 'groups', 'conditions', 'movements', 'sessions', 'trials', 'sigma', 'alpha', 'iterations', 'lr', 'conditionSweep'],
    takesSizes: false,
    takesTarget: false,
    definitions: supp5Definitions(false, SUPP5_SETTINGS.full.movements),
    definitionsOnGivenNetwork: supp5Definitions(true, SUPP5_SETTINGS.full.movements),
  },
  fig8: {
    paper: 'Fig. 8, Supp. Fig. 7: shape and speed primitives combine: novel movements at two speeds from shape libraries and a speed pattern.',
    quickSeconds: { own: 0.5, n200: 5 },
    fullDuration: 'about 1 hour',
    overrides: ['n', 'groups', 'pool', 'targets', 'rule', 'trials', 'sigma', 'iterations', 'lr'],
    takesSizes: false,
    takesTarget: false,
    definitions: fig8Definitions(false),
    definitionsOnGivenNetwork: fig8Definitions(true),
  },
};

export const EXPERIMENT_CATALOG: readonly ExperimentInfo[] = EXPERIMENT_NAMES.map((name) => ({
  name,
  title: DEFINITIONS[name].title,
  description: DEFINITIONS[name].description,
  ...INFO[name],
}));

export function experimentInfo(name: ExperimentName): ExperimentInfo {
  const info = EXPERIMENT_CATALOG.find((e) => e.name === name);
  if (!info) throw new RangeError(`unknown experiment '${name}'`);
  return info;
}

/** The own network's size in every quick preset (FIG1_SETTINGS.quick.n and the others'). */
const QUICK_OWN_N = 40;

/**
 * The wall time to expect of a quick run: on the definition's own network, or on a given network of
 * `givenNetworkSize` neurons, which quick mode keeps (fig1 took 17 s on the published N = 200
 * network where the view said ~3 s). Between N = 40 and 200 it follows the two measurements as a
 * power of N; above 200 it grows as N², the cost of the dense W·r of every step.
 */
export function quickRunSeconds(name: ExperimentName, givenNetworkSize?: number): number {
  const { own, n200 } = experimentInfo(name).quickSeconds;
  if (givenNetworkSize === undefined || !(givenNetworkSize > 0)) return own;
  if (givenNetworkSize > 200) return n200 * (givenNetworkSize / 200) ** 2;
  const exponent = Math.log(n200 / own) / Math.log(200 / QUICK_OWN_N);
  return own * (givenNetworkSize / QUICK_OWN_N) ** exponent;
}

/**
 * The GainLab definitions a run will rest on, before it runs: on its own or a given network, and
 * for fig1 with a given target or a generated one (a project target replaces 'generated targets').
 */
export function definitionsOf(name: ExperimentName, givenNetwork: boolean, givenTarget: boolean): readonly DefinitionId[] {
  if (name === 'fig1') return fig1Definitions(givenNetwork, givenTarget);
  const info = experimentInfo(name);
  return givenNetwork ? info.definitionsOnGivenNetwork : info.definitions;
}

/** What one experiment run needs beyond the request: the network (given) and fig1's target. */
export interface ExperimentInputs {
  network?: Network;
  target?: Float64Array;
  /** Where the given network and target came from, as the summary records them (ExperimentRunOptions). */
  networkLabel?: string;
  targetLabel?: string;
  /** Where own SOC networks come from (the reproduction report keeps them on disk). */
  socNetwork?: SocNetworkProvider;
  /** Finished parts to reuse and keep (the reproduction report's resumability). */
  checkpoint?: ExperimentCheckpoint;
}

export interface ExperimentCall {
  options: ExperimentOptions;
  inputs?: ExperimentInputs;
  onProgress?: ExperimentProgressListener;
  shouldStop?: () => boolean;
}

/**
 * The settings a run takes: without the own network's size `n` when a network is given (a
 * project's, `--net`) — that network runs at its own size, so an `n` would be ignored.
 */
export function overridesFor(name: ExperimentName, givenNetwork: boolean): readonly OverrideKey[] {
  const all = experimentInfo(name).overrides;
  return givenNetwork ? all.filter((key) => key !== 'n') : all;
}

/**
 * Refuse parameters the definition does not take (a typo or a wrong experiment must not silently
 * run the preset), and an own-network size beside a given network. Throws RangeError (the main
 * side answers 'invalid-payload').
 */
export function checkExperimentOptions(options: ExperimentOptions, givenNetwork = Boolean(options.networkId)): void {
  const info = experimentInfo(options.experiment);
  if (givenNetwork && options.overrides?.n !== undefined) {
    throw new RangeError(`${options.experiment}: n sizes GainLab's own SOC network; a given network runs at its own size (leave n out)`);
  }
  for (const key of Object.keys(options.overrides ?? {}) as OverrideKey[]) {
    if (options.overrides?.[key] !== undefined && !info.overrides.includes(key)) {
      throw new RangeError(`${options.experiment} takes no '${key}' setting${info.overrides.length ? ` (it takes ${info.overrides.join(', ')})` : ''}`);
    }
  }
  if (options.sizes && !info.takesSizes) throw new RangeError(`${options.experiment} takes no network sizes (only supp2 does)`);
  if (options.targetId && !info.takesTarget) throw new RangeError(`${options.experiment} takes no target movement (only fig1 and supp2 do)`);
}

/** Settings object of one definition from the request's overrides (only the keys given). */
function pick<T extends object>(entries: Array<[keyof T, unknown]>): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of entries) if (value !== undefined) (out as Record<keyof T, unknown>)[key] = value;
  return out;
}

/** Run one definition by name with the request's parameters; the definition's own result. */
export function runExperimentByName(call: ExperimentCall): ExperimentResult & Partial<Pick<FigureExperimentResult, 'csv'>> {
  const { options, inputs = {} } = call;
  checkExperimentOptions(options, Boolean(options.networkId) || inputs.network !== undefined);
  const o: ExperimentOverrides = options.overrides ?? {};
  const common = {
    quick: options.quick,
    seed: options.seed,
    network: inputs.network,
    networkLabel: inputs.networkLabel,
    onProgress: call.onProgress,
    shouldStop: call.shouldStop,
    socNetwork: inputs.socNetwork,
    checkpoint: inputs.checkpoint,
  };
  switch (options.experiment) {
    case 'fig1':
      return runFig1({ ...common, target: inputs.target, targetLabel: inputs.targetLabel, sessions: o.sessions, trials: o.trials, noiseSamples: o.noiseSamples, sigma: o.sigma, alpha: o.alpha, n: o.n });
    case 'supp1f':
      return runSupp1f({ ...common, targets: o.targets, iterations: o.iterations, lr: o.lr, n: o.n });
    case 'supp2':
      return runSupp2({
        ...common,
        target: inputs.target,
        settings: pick<Supp2Settings>([['sessions', o.sessions], ['trials', o.trials], ['sigma', o.sigma], ['alpha', o.alpha], ['specialiseIterations', o.iterations], ['n', o.n], ['movements', o.movements], ['novelMovements', o.targets], ['sizes', options.sizes]]),
      });
    case 'fig4':
      return runFig4({ ...common, settings: pick<Fig4Settings>([['pool', o.pool], ['rule', o.rule], ['trials', o.trials], ['sigma', o.sigma], ['iterations', o.iterations], ['lr', o.lr], ['libraries', o.libraries], ['sizes', o.librarySizes], ['novelTargets', o.targets], ['n', o.n]]) });
    case 'supp3':
      return runSupp3({ ...common, settings: pick<Supp3Settings>([['pool', o.pool], ['rule', o.rule], ['trials', o.trials], ['sigma', o.sigma], ['iterations', o.iterations], ['lr', o.lr], ['libraries', o.libraries], ['sizes', o.librarySizes], ['lowRateSizes', o.librarySizes], ['novelTargets', o.targets], ['n', o.n]]) });
    case 'fig6':
      return runFig6({ ...common, settings: pick<Fig6Settings>([['n', o.n], ['conditions', o.conditions], ['groups', o.groups], ['speeds', o.speeds], ['rule', o.rule], ['trials', o.trials], ['sigma', o.sigma], ['alpha', o.alpha], ['iterations', o.iterations], ['lr', o.lr]]) });
    case 'supp5':
      return runSupp5({
        ...common,
        settings: pick<Supp5Settings>([['n', o.n], ['groups', o.groups], ['conditions', o.conditions], ['movements', o.movements], ['sessions', o.sessions], ['trials', o.trials], ['sigma', o.sigma], ['alpha', o.alpha], ['iterations', o.iterations], ['lr', o.lr], ['conditionSweep', o.conditionSweep]]),
      });
    case 'fig8':
      return runFig8({ ...common, settings: pick<Fig8Settings>([['n', o.n], ['groups', o.groups], ['librarySize', o.pool], ['novelTargets', o.targets], ['rule', o.rule], ['trials', o.trials], ['sigma', o.sigma], ['iterations', o.iterations], ['lr', o.lr]]) });
  }
}

/**
 * Percent done from the steps reported so far. Each definition announces its steps with a message
 * without StepProgress; the steps follow from its settings, so the k-th of K equal steps begins at
 * (k − 1)/K (fig1's and fig6's long steps weigh more: stepShares). A message with StepProgress moves
 * the bar within the step under way (a pool's patterns, fig1's trials). The estimator is handed
 * only that data, never a message's words.
 */
export function experimentProgressEstimator(options: ExperimentOptions, givenNetworkSize?: number): (step?: StepProgress) => number {
  const shares = stepShares(options, givenNetworkSize);
  let begun = 0;
  let last = 0;
  return (step?: StepProgress) => {
    if (!step) begun++;
    // the step under way: a fraction reported before any step began belongs to the first
    const current = Math.max(1, begun) - 1;
    let percent = 0;
    for (let k = 0; k < current && k < shares.length; k++) percent += shares[k];
    if (step && Number.isFinite(step.fraction)) percent += (shares[current] ?? 0) * Math.min(1, Math.max(0, step.fraction));
    last = Math.min(99, Math.max(last, percent));
    return last;
  };
}

/**
 * fig1's steps, in percent of its run: the network, the reward rule (most of a run; its trials
 * move the bar), and analyseRun's four (simulations, correlations, eigenvalues, then noisy x0,
 * the largest: samples per SNR × every gain pattern).
 */
const FIG1_STEP_SHARES = [3, 67, 4, 4, 4, 18];

/** Shares in percent of `units` relative lengths. */
function sharesOf(units: readonly number[]): number[] {
  const total = units.reduce((a, b) => a + b, 0);
  return units.map((u) => (100 * u) / total);
}

/** Library sizes a sweep runs: those the pool can fill (sweepSizes in ./primitivesShared.ts skips larger ones without a message). */
function sweptSizes(sizes: readonly number[], pool: number): number {
  return sizes.filter((l) => l <= pool).length;
}

/**
 * The percent of a run each of a definition's steps takes, in the order it announces them: equal
 * steps (as many as its settings make it announce) unless some are known to take longer.
 */
function stepShares(options: ExperimentOptions, givenNetworkSize?: number): readonly number[] {
  const o = options.overrides ?? {};
  const equal = (steps: number) => sharesOf(Array.from({ length: Math.max(1, steps) }, () => 1));
  switch (options.experiment) {
    case 'fig1':
      return FIG1_STEP_SHARES;
    case 'supp1f': {
      const base = options.quick ? SUPP1F_SETTINGS.quick : SUPP1F_SETTINGS.full;
      return equal((o.targets ?? base.targets) * GRADIENT_TRAINABLES.length);
    }
    case 'supp2': {
      const s = { ...(options.quick ? SUPP2_SETTINGS.quick : SUPP2_SETTINGS.full), ...pick<Supp2Settings>([['movements', o.movements], ['novelMovements', o.targets], ['sizes', options.sizes]]) };
      return equal(1 + s.movements + supp2ConditionCount(s, givenNetworkSize ?? s.n) + s.sizes.length);
    }
    case 'fig4': {
      // network, pool, each size with two combination rules, the refinement
      const s = options.quick ? FIG4_SETTINGS.quick : FIG4_SETTINGS.full;
      return equal(3 + 2 * sweptSizes(o.librarySizes ?? s.sizes, o.pool ?? s.pool));
    }
    case 'supp3': {
      // the learned pool and its sizes, the random control's sizes, the r0 = 5 Hz pool and its sizes (no network message)
      const s = options.quick ? SUPP3_SETTINGS.quick : SUPP3_SETTINGS.full;
      const pool = o.pool ?? s.pool;
      return equal(2 + 2 * sweptSizes(o.librarySizes ?? s.sizes, pool) + sweptSizes(o.librarySizes ?? s.lowRateSizes, pool));
    }
    case 'fig6': {
      // network, 6b, 6c, the speed manifold (one pattern per speed, each about as long as 6b or 6c), interpolation
      const s = options.quick ? FIG6_SETTINGS.quick : FIG6_SETTINGS.full;
      return sharesOf([1, 1, 1, o.speeds ?? s.speeds, 1]);
    }
    case 'supp5': {
      const s = options.quick ? SUPP5_SETTINGS.quick : SUPP5_SETTINGS.full;
      return equal(2 + 2 * (o.movements ?? s.movements) + 2 + (o.conditionSweep ?? s.conditionSweep).length);
    }
    case 'fig8':
      return equal(5);
  }
}

/**
 * The preset value of every setting a definition takes, quick and full (the view's placeholders:
 * a blank field runs the preset). Full values are the paper's set-up.
 */
export function presetSettings(name: ExperimentName, quick: boolean): Partial<Record<OverrideKey, number | string | number[]>> {
  const q = quick ? 'quick' : 'full';
  switch (name) {
    case 'fig1': {
      const s = FIG1_SETTINGS[q];
      return { sessions: s.sessions, trials: s.trials, sigma: s.sigma, alpha: s.alpha, noiseSamples: s.noiseSamples, n: s.n };
    }
    case 'supp1f': {
      const s = SUPP1F_SETTINGS[q];
      return { targets: s.targets, iterations: s.iterations, lr: s.lr, n: s.n };
    }
    case 'supp2': {
      const s = SUPP2_SETTINGS[q];
      return { sessions: s.sessions, trials: s.trials, sigma: s.sigma, alpha: s.alpha, iterations: s.specialiseIterations, n: s.n, movements: s.movements, targets: s.novelMovements };
    }
    case 'fig4': {
      const s = FIG4_SETTINGS[q];
      return { pool: s.pool, rule: s.rule, trials: s.trials, sigma: s.sigma, iterations: s.iterations, lr: s.lr, libraries: s.libraries, librarySizes: s.sizes, targets: s.novelTargets, n: s.n };
    }
    case 'supp3': {
      const s = SUPP3_SETTINGS[q];
      return { pool: s.pool, rule: s.rule, trials: s.trials, sigma: s.sigma, iterations: s.iterations, lr: s.lr, libraries: s.libraries, librarySizes: s.sizes, targets: s.novelTargets, n: s.n };
    }
    case 'fig6': {
      const s = FIG6_SETTINGS[q];
      return { n: s.n, conditions: s.conditions, groups: s.groups, speeds: s.speeds, rule: s.rule, trials: s.trials, sigma: s.sigma, alpha: s.alpha, iterations: s.iterations, lr: s.lr };
    }
    case 'supp5': {
      const s = SUPP5_SETTINGS[q];
      return { n: s.n, groups: s.groups, conditions: s.conditions, movements: s.movements, sessions: s.sessions, trials: s.trials, sigma: s.sigma, alpha: s.alpha, iterations: s.iterations, lr: s.lr, conditionSweep: s.conditionSweep };
    }
    case 'fig8': {
      const s = FIG8_SETTINGS[q];
      return { n: s.n, groups: s.groups, pool: s.librarySize, targets: s.novelTargets, rule: s.rule, trials: s.trials, sigma: s.sigma, iterations: s.iterations, lr: s.lr };
    }
  }
}

/** The GainLab definition a setting rests on, when it does (the view's badges on options). */
export function settingDefinition(name: ExperimentName, key: OverrideKey): DefinitionId | null {
  if ((key === 'sigma' || key === 'trials') && (name === 'supp5' || name === 'fig6')) return 'slow-task-reward-settings';
  if (key === 'iterations' || key === 'lr') return 'gradient-training';
  if (key === 'conditions' || key === 'conditionSweep') return 'initial-conditions-top-m';
  if (key === 'targets' || key === 'movements') return name === 'supp5' ? 'slow-task-movements' : 'generated-targets';
  if (key === 'n') return 'own-soc-network';
  return null;
}

/** The paper's setting the quick/full presets start from (for the view's one-line summaries). */
export const PRESET_SIZES = {
  fig1: { quick: FIG1_SETTINGS.quick.n, full: FIG1_SETTINGS.full.n },
  supp2: { quick: SUPP2_SETTINGS.quick.sizes, full: SUPP2_SETTINGS.full.sizes },
};
