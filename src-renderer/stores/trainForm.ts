/**
 * The Train panel's fields and how they become a jobs:start-training request. Pure functions:
 * the panel shows `problems` next to the fields and only enables Train when there are none.
 */
import { trainingRequestSchema, type GroupsSpec, type TrainingRequest } from '../../src-shared/ipc/contract.js';
import { rangeProblem, SETTING_RANGES, type SettingRange } from '../../src-shared/settingsRanges.js';
import { targetFit } from '../../src-shared/model/params.js';
import { RULE_BUDGETS } from '../lib/ruleBudgets.js';

/** What the form needs of the network: the project's view of it. */
export interface TrainNetwork {
  id: string;
  name: string;
  n: number;
  /** null while the network has no readout (no output to train). */
  readout: { channels: number } | null;
  params: { nSamples: number; duration: number };
}

/** What the form needs of the target movement. */
export interface TrainTarget {
  id: string;
  name: string;
  channels: number;
  nSamples: number;
  duration: number;
}

export interface TrainFormFields {
  rule: 'reward' | 'gradient';
  /** Reward: trials per session. Gradient: Adam iterations. */
  trials: number;
  sigma: number;
  alpha: number;
  learningRate: number;
  /** "N" (one gain per neuron) or a number of modulatory groups. */
  groups: string;
  seed: number;
  sessions: number;
  /** Gradient rule: what is trained (the reward rule always trains gains). */
  trainable?: Trainable;
  /** With G < N groups: random labels [paper code], or specialised from earlier runs (model-spec §7). */
  groupKind?: 'random' | 'specialised';
  /** Specialised groups: the project runs (neuron-specific gains on other movements) to cluster. */
  specialisedFrom?: string[];
}

export type Trainable = 'gains' | 'x0' | 'W' | 'rank1';

export const TRAINABLE_LABELS: Record<Trainable, string> = {
  gains: 'Gains',
  x0: 'x0',
  W: 'W',
  rank1: 'Rank-1 ΔW',
};

/** Neuron-specific runs of the project, the material specialised groups are clustered from (in main). */
export interface LearnedPattern {
  id: string;
  name: string;
}

/** The paper's settings (model spec §5): 10 independent sessions of 5 000 trials. */
export function defaultTrainForm(): TrainFormFields {
  return {
    rule: 'reward',
    trials: RULE_BUDGETS.train.reward,
    sigma: 0.001,
    alpha: 0.3,
    learningRate: 0.01,
    groups: 'N',
    seed: 1,
    sessions: 10,
    trainable: 'gains',
    groupKind: 'random',
    specialisedFrom: [],
  };
}

export type ParsedGroups = { ok: true; spec: GroupsSpec; count: number } | { ok: false; message: string };

/** "N" / "n" / the network size → neuron-specific; 1 ≤ G < N → random groups. */
export function parseGroups(text: string, n: number): ParsedGroups {
  const trimmed = text.trim();
  if (/^n$/i.test(trimmed)) return { ok: true, spec: { kind: 'neuron' }, count: n };
  if (!/^\d+$/.test(trimmed)) return { ok: false, message: 'Enter N (one gain per neuron) or a whole number of groups.' };
  const count = Number(trimmed);
  if (count < 1) return { ok: false, message: 'At least one group.' };
  if (count > n) return { ok: false, message: `At most N = ${n} groups.` };
  if (count === n) return { ok: true, spec: { kind: 'neuron' }, count: n };
  return { ok: true, spec: { kind: 'random', count }, count };
}

export function trainingLabel(fields: TrainFormFields, groupCount: number, n: number, target: { name: string }): string {
  const trainable = fields.trainable ?? 'gains';
  const rule = fields.rule === 'reward' ? 'Reward rule' : trainable === 'gains' ? 'Gradient (Adam)' : `Gradient (Adam) on ${trainable}`;
  const kind = fields.groupKind === 'specialised' ? ' specialised' : '';
  const groups = groupCount === n ? 'G = N' : `G = ${groupCount}${kind}`;
  const sessions = fields.sessions > 1 ? ` · ${fields.sessions} sessions` : '';
  return `${rule} · ${groups} · ${target.name} · seed ${fields.seed}${sessions}`;
}

export type FieldName = keyof TrainFormFields | 'network' | 'target';

export interface BuiltRequest {
  request: TrainingRequest | null;
  /** Field → what is wrong with it, in words. */
  problems: Partial<Record<FieldName, string>>;
}

/**
 * Why the network cannot run against this target, in words, or null. The condition is the one
 * main refuses the request by (src-shared/model/params.ts targetFit): the readout's channel count
 * and the step length must match (a longer target with the same step, a slow variant, runs for its
 * own duration).
 */
export function targetMismatch(network: Pick<TrainNetwork, 'readout' | 'params'>, target: Pick<TrainTarget, 'channels' | 'nSamples' | 'duration'>): string | null {
  if (!network.readout) return null;
  const fit = targetFit(network.params, network.readout.channels, target);
  if (fit.fits) return null;
  if (fit.reason === 'channels') return `The target has ${target.channels} channel(s); the network reads out ${network.readout.channels}.`;
  return `The target's time step differs from the network's (${network.params.nSamples} samples over ${network.params.duration} ms).`;
}

/**
 * The request for the current fields, or the problems that stop it. The network and target are
 * named by id: main resolves them from the project it owns, and the finished run is stored there.
 */
export function buildTrainingRequest(
  fields: TrainFormFields,
  network: TrainNetwork | null,
  target: TrainTarget | null,
  /** Runs specialised groups may be learned from (only those named in fields.specialisedFrom are used). */
  learned: LearnedPattern[] = [],
): BuiltRequest {
  const problems: BuiltRequest['problems'] = {};
  if (!network) problems.network = 'Choose a network first.';
  else if (!network.readout) problems.network = 'This network has no readout yet: fit one to a target on the Build network tab (Fit readout to, then Apply).';
  if (!target) problems.target = 'Choose a target movement first.';
  // the shared ranges (src-shared/settingsRanges.ts): main and the CLI refuse the same values with the same sentence
  const check = (field: keyof TrainFormFields, range: SettingRange, value: number): void => {
    const problem = rangeProblem(range, value);
    if (problem) problems[field] = problem;
  };
  check('trials', fields.rule === 'reward' ? SETTING_RANGES.trials : SETTING_RANGES.iterations, fields.trials);
  // gradient descent is deterministic: the worker runs one session whatever is asked
  const sessions = fields.rule === 'gradient' ? 1 : fields.sessions;
  const trainable: Trainable = fields.rule === 'gradient' ? (fields.trainable ?? 'gains') : 'gains';
  check('sessions', SETTING_RANGES.sessions, sessions);
  check('seed', SETTING_RANGES.seed, fields.seed);
  if (fields.rule === 'reward') {
    check('sigma', SETTING_RANGES.sigma, fields.sigma);
    check('alpha', SETTING_RANGES.alpha, fields.alpha);
  } else {
    check('learningRate', SETTING_RANGES.learningRate, fields.learningRate);
  }
  if (network && target) {
    const mismatch = targetMismatch(network, target);
    if (mismatch) problems.target = mismatch;
  }
  let groups = parseGroups(fields.groups, network?.n ?? 1);
  if (!groups.ok) problems.groups = groups.message;
  else if (trainable !== 'gains' && groups.spec.kind !== 'neuron') {
    problems.groups = 'Groups shape the gains only: use N when training x0, W or a rank-1 change.';
  } else if (groups.spec.kind === 'random' && fields.groupKind === 'specialised' && network) {
    const chosen = learned.filter((pattern) => (fields.specialisedFrom ?? []).includes(pattern.id));
    if (chosen.length === 0) {
      problems.specialisedFrom = 'Choose at least one earlier run (neuron-specific gains) to learn the groups from.';
    } else {
      // clustered in main from the runs' gain changes (model-spec §7), seeded by the run's seed
      groups = { ok: true, spec: { kind: 'specialised', count: groups.count, runIds: chosen.map((p) => p.id) }, count: groups.count };
    }
  }
  if (Object.keys(problems).length > 0 || !network || !target || !groups.ok) return { request: null, problems };

  const request: TrainingRequest = {
    source: { kind: 'project', networkId: network.id, targetIds: [target.id] },
    rule: fields.rule,
    trials: fields.trials,
    sigma: fields.sigma,
    alpha: fields.alpha,
    learningRate: fields.learningRate,
    groups: groups.spec,
    seed: fields.seed,
    sessions,
    trainable,
    label: trainingLabel({ ...fields, sessions, trainable }, groups.count, network.n, target),
  };
  // the contract is the final word
  const checked = trainingRequestSchema.safeParse(request);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { request: null, problems: { network: `${issue.path.join('.')}: ${issue.message}` } };
  }
  return { request, problems };
}
