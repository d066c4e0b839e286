/**
 * The Train panel's fields and how they become a jobs:start-training request. Pure functions:
 * the panel shows `problems` next to the fields and only enables Train when there are none.
 */
import {
  trainingRequestSchema,
  type GroupsSpec,
  type NetworkPayload,
  type TargetPayload,
  type TrainingRequest,
} from '../../src-shared/ipc/contract.js';

export interface TrainFormFields {
  rule: 'reward' | 'gradient';
  /** Reward: trials per session. Gradient: Adam iterations. */
  trials: number;
  sigma: number;
  alpha: number;
  learningRate: number;
  /** "N" (one gain per neuron) or a number of random modulatory groups. */
  groups: string;
  seed: number;
  sessions: number;
}

/** The paper's settings (model spec §5), one session so a first run is quick to watch. */
export function defaultTrainForm(): TrainFormFields {
  return { rule: 'reward', trials: 5000, sigma: 0.001, alpha: 0.3, learningRate: 0.01, groups: 'N', seed: 1, sessions: 1 };
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

export function trainingLabel(fields: TrainFormFields, groupCount: number, n: number, target: TargetPayload): string {
  const rule = fields.rule === 'reward' ? 'Reward rule' : 'Gradient (Adam)';
  const groups = groupCount === n ? 'G = N' : `G = ${groupCount}`;
  const sessions = fields.sessions > 1 ? ` · ${fields.sessions} sessions` : '';
  return `${rule} · ${groups} · ${target.name} · seed ${fields.seed}${sessions}`;
}

export type FieldName = keyof TrainFormFields | 'network' | 'target';

export interface BuiltRequest {
  request: TrainingRequest | null;
  /** Field → what is wrong with it, in words. */
  problems: Partial<Record<FieldName, string>>;
}

function checkInteger(value: number, min: number, max: number, what: string): string | null {
  if (!Number.isFinite(value) || !Number.isInteger(value)) return `${what} must be a whole number.`;
  if (value < min || value > max) return `${what} must be between ${min} and ${max}.`;
  return null;
}

/**
 * The request for the current fields, or the problems that stop it. The network and target travel
 * inline, so a job needs nothing from the project service and records exactly what it trained on.
 */
export function buildTrainingRequest(
  fields: TrainFormFields,
  network: NetworkPayload | null,
  target: TargetPayload | null,
): BuiltRequest {
  const problems: BuiltRequest['problems'] = {};
  if (!network) problems.network = 'Choose a network first.';
  if (!target) problems.target = 'Choose a target movement first.';
  const trialsProblem = checkInteger(fields.trials, 1, 1_000_000, fields.rule === 'reward' ? 'Trials' : 'Iterations');
  if (trialsProblem) problems.trials = trialsProblem;
  // gradient descent from g = 1 is deterministic: the worker runs one session whatever is asked
  const sessions = fields.rule === 'gradient' ? 1 : fields.sessions;
  const sessionsProblem = checkInteger(sessions, 1, 100, 'Sessions');
  if (sessionsProblem) problems.sessions = sessionsProblem;
  const seedProblem = checkInteger(fields.seed, 0, 2 ** 32 - 1, 'Seed');
  if (seedProblem) problems.seed = seedProblem;
  if (fields.rule === 'reward') {
    if (!(fields.sigma > 0) || !Number.isFinite(fields.sigma)) problems.sigma = 'σ must be a positive number.';
    if (!(fields.alpha >= 0 && fields.alpha <= 1)) problems.alpha = 'α must be between 0 and 1.';
  } else if (!(fields.learningRate > 0) || !Number.isFinite(fields.learningRate)) {
    problems.learningRate = 'The learning rate must be a positive number.';
  }
  const groups = parseGroups(fields.groups, network?.n ?? 1);
  if (!groups.ok) problems.groups = groups.message;
  if (Object.keys(problems).length > 0 || !network || !target || !groups.ok) return { request: null, problems };

  const request: TrainingRequest = {
    source: { kind: 'inline', network, targets: [target] },
    rule: fields.rule,
    trials: fields.trials,
    sigma: fields.sigma,
    alpha: fields.alpha,
    learningRate: fields.learningRate,
    groups: groups.spec,
    seed: fields.seed,
    sessions,
    label: trainingLabel({ ...fields, sessions }, groups.count, network.n, target),
  };
  // the contract is the final word (e.g. a target on another time grid)
  const checked = trainingRequestSchema.safeParse(request);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { request: null, problems: { network: `${issue.path.join('.')}: ${issue.message}` } };
  }
  return { request, problems };
}
