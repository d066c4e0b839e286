/**
 * Every paper experiment definition in one registry, for whoever runs them by name (the worker's
 * 'experiment' jobs, the app's Experiments view): what the paper shows in one line, how long quick
 * and full runs take, which size parameters each takes, and a progress estimate from the
 * definition's progress messages (the definitions report messages, not percentages).
 */
import { GRADIENT_TRAINABLES } from '../model/gradient.js';
import type { Network } from '../model/network.js';
import type { ExperimentDefinition, ExperimentResult } from '../primitives/experimentSupport.js';
import { EXPERIMENT_NAMES, type ExperimentName, type ExperimentOptions } from '../ipc/experimentContract.js';
import { fig1, FIG1_SETTINGS, runFig1 } from './fig1.js';
import { fig4 } from './fig4.js';
import { fig6 } from './fig6.js';
import { fig8 } from './fig8.js';
import type { FigureExperimentDefinition, FigureExperimentResult } from '../primitives/experimentSupport.js';
import { runSupp1f, supp1f, SUPP1F_SETTINGS } from './supp1f.js';
import { runSupp2, supp2, SUPP2_SETTINGS, type Supp2Settings } from './supp2.js';
import { supp3 } from './supp3.js';
import { supp5 } from './supp5.js';

export { EXPERIMENT_NAMES, type ExperimentName };

type OverrideKey = keyof NonNullable<ExperimentOptions['overrides']>;

export interface ExperimentInfo {
  name: ExperimentName;
  /** The definition's own title and description (what runs in full and in quick mode). */
  title: string;
  description: string;
  /** One line on what the paper shows with it. */
  paper: string;
  /** Wall time of a quick run with its own network (measured: `gainlab experiment NAME --quick`, one core). */
  quickSeconds: number;
  /**
   * Duration of a full run in words, one core. Measured with the CLI on a busy 2-core machine for
   * fig1 (5.0 min), supp1f (3.1 min) and fig4 (6.5 min; 4.1 of them the reward-rule library);
   * supp2 was still running after 25 min; the others are estimated from those per-trial costs.
   */
  fullDuration: string;
  /** Size parameters (request.overrides keys) this definition takes. */
  overrides: readonly OverrideKey[];
  /** Takes network sizes (request.sizes): supp2 panels e–h. */
  takesSizes: boolean;
  /** Takes a target movement of the project (request.targetId): fig1. */
  takesTarget: boolean;
}

const DEFINITIONS: Record<ExperimentName, ExperimentDefinition | FigureExperimentDefinition> = { fig1, supp1f, supp2, fig4, supp3, fig6, supp5, fig8 };

const INFO: Record<ExperimentName, Omit<ExperimentInfo, 'name' | 'title' | 'description'>> = {
  fig1: {
    paper: 'Figs. 1–3: the reward rule learns neuron-specific gains for a new movement; error, gains, rates, correlations, eigenvalues, noise robustness.',
    quickSeconds: 3,
    fullDuration: 'about 5 min',
    overrides: ['sessions', 'trials', 'noiseSamples'],
    takesSizes: false,
    takesTarget: true,
  },
  supp1f: {
    paper: 'Supp. Fig. 1f: training the gains does about as well as training x0, W or a rank-1 change of W (gradient, 10 targets).',
    quickSeconds: 1,
    fullDuration: 'about 3 min',
    overrides: ['targets', 'iterations'],
    takesSizes: false,
    takesTarget: false,
  },
  supp2: {
    paper: 'Supp. Fig. 2: a few modulatory groups suffice, specialised beat random groups, also for novel movements; larger networks learn with the same groups.',
    quickSeconds: 8,
    fullDuration: '30 min or more',
    overrides: ['sessions', 'trials', 'iterations'],
    takesSizes: true,
    takesTarget: false,
  },
  fig4: {
    paper: 'Fig. 4: novel movements as least-squares combinations of learned gain patterns; the fit error predicts the output error.',
    quickSeconds: 1,
    fullDuration: 'about 7 min',
    overrides: [],
    takesSizes: false,
    takesTarget: false,
  },
  supp3: {
    paper: 'Supp. Figs. 3–4: larger libraries fit better; learned patterns beat random ones; the same at r0 = 5 Hz.',
    quickSeconds: 2,
    fullDuration: 'about an hour',
    overrides: [],
    takesSizes: false,
    takesTarget: false,
  },
  fig6: {
    paper: 'Fig. 6: gain patterns for several speeds span a speed manifold; interpolating them re-times the movement.',
    quickSeconds: 1,
    fullDuration: 'about 30 min',
    overrides: [],
    takesSizes: false,
    takesTarget: false,
  },
  supp5: {
    paper: 'Supp. Figs. 5–8: slow variants of a movement are learnable with both rules; eigenvalues before/after; robustness to noisy x0.',
    quickSeconds: 2,
    fullDuration: 'about 10 min',
    overrides: [],
    takesSizes: false,
    takesTarget: false,
  },
  fig8: {
    paper: 'Fig. 8: shape and speed primitives combine: novel movements at two speeds from shape libraries and a speed pattern.',
    quickSeconds: 1,
    fullDuration: 'about 20–30 min',
    overrides: [],
    takesSizes: false,
    takesTarget: false,
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

/** What one experiment run needs beyond the request: the network (given) and fig1's target. */
export interface ExperimentInputs {
  network?: Network;
  target?: Float64Array;
}

export interface ExperimentCall {
  options: ExperimentOptions;
  inputs?: ExperimentInputs;
  onProgress?: (message: string) => void;
  shouldStop?: () => boolean;
}

/**
 * Refuse parameters the definition does not take (a typo or a wrong experiment must not silently
 * run the preset). Throws RangeError (the main side answers 'invalid-payload').
 */
export function checkExperimentOptions(options: ExperimentOptions): void {
  const info = experimentInfo(options.experiment);
  for (const key of Object.keys(options.overrides ?? {}) as OverrideKey[]) {
    if (options.overrides?.[key] !== undefined && !info.overrides.includes(key)) {
      throw new RangeError(`${options.experiment} takes no '${key}' parameter${info.overrides.length ? ` (it takes ${info.overrides.join(', ')})` : ''}`);
    }
  }
  if (options.sizes && !info.takesSizes) throw new RangeError(`${options.experiment} takes no network sizes (only supp2 does)`);
  if (options.targetId && !info.takesTarget) throw new RangeError(`${options.experiment} takes no target movement (only fig1 does)`);
}

/** Run one definition by name with the request's parameters; the definition's own result. */
export function runExperimentByName(call: ExperimentCall): ExperimentResult & Partial<Pick<FigureExperimentResult, 'csv'>> {
  const { options, inputs = {} } = call;
  checkExperimentOptions(options);
  const o = options.overrides ?? {};
  const common = { quick: options.quick, seed: options.seed, network: inputs.network, onProgress: call.onProgress, shouldStop: call.shouldStop };
  switch (options.experiment) {
    case 'fig1':
      return runFig1({ ...common, target: inputs.target, sessions: o.sessions, trials: o.trials, noiseSamples: o.noiseSamples });
    case 'supp1f':
      return runSupp1f({ ...common, targets: o.targets, iterations: o.iterations });
    case 'supp2': {
      const settings: Partial<Supp2Settings> = {};
      if (o.sessions !== undefined) settings.sessions = o.sessions;
      if (o.trials !== undefined) settings.trials = o.trials;
      if (o.iterations !== undefined) settings.specialiseIterations = o.iterations;
      if (options.sizes) settings.sizes = options.sizes;
      return runSupp2({ ...common, settings });
    }
    default:
      return DEFINITIONS[options.experiment].run(common);
  }
}

/**
 * Percent done from the progress messages so far. Each definition announces its steps with a
 * message; the number of steps follows from its settings, so message k of K means about k−1 of K
 * steps done. fig1's reward-rule phase reports 'trial a/b' and is scaled within its share.
 */
export function experimentProgressEstimator(options: ExperimentOptions, givenNetworkSize?: number): (message: string) => number {
  const steps = expectedSteps(options, givenNetworkSize);
  let count = 0;
  let last = 0;
  return (message: string) => {
    count++;
    let percent: number;
    if (options.experiment === 'fig1') {
      // network 0–3 %, reward rule 3–80 %, five analyses 80–100 %
      const trial = /^trial (\d+)\/(\d+)/.exec(message);
      if (trial) percent = 3 + (77 * Number(trial[1])) / Math.max(1, Number(trial[2]));
      else if (message.startsWith('analyses')) percent = Math.max(80, last + 4);
      else percent = Math.max(last, 2);
    } else {
      percent = (100 * (count - 1)) / Math.max(1, steps);
    }
    last = Math.min(99, Math.max(last, percent));
    return last;
  };
}

function expectedSteps(options: ExperimentOptions, givenNetworkSize?: number): number {
  const o = options.overrides ?? {};
  switch (options.experiment) {
    case 'fig1':
      return 0; // handled by message content
    case 'supp1f': {
      const base = options.quick ? SUPP1F_SETTINGS.quick : SUPP1F_SETTINGS.full;
      return (o.targets ?? base.targets) * GRADIENT_TRAINABLES.length;
    }
    case 'supp2': {
      const s = options.quick ? SUPP2_SETTINGS.quick : SUPP2_SETTINGS.full;
      const n = givenNetworkSize ?? s.n;
      const panelA = s.groupCounts.reduce((sum, G) => sum + (G === 0 || G >= n ? 1 : 2), 0);
      const sizes = options.sizes ?? s.sizes;
      return 1 + panelA + 2 * s.trainingMovements + 2 * s.novelMovements + sizes.length * (1 + s.sizeGroups.length);
    }
    case 'fig4':
      return 4;
    case 'supp3':
      return 6;
    case 'fig6':
      return 3;
    case 'supp5':
      return 7;
    case 'fig8':
      return 5;
  }
}

/** The paper's setting the quick/full presets start from (for the view's one-line summaries). */
export const PRESET_SIZES = {
  fig1: { quick: FIG1_SETTINGS.quick.n, full: FIG1_SETTINGS.full.n },
  supp2: { quick: SUPP2_SETTINGS.quick.sizes, full: SUPP2_SETTINGS.full.sizes },
};
