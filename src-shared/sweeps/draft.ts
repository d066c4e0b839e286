/**
 * A sweep built in the app: a stored run's settings as the base, and factors typed as short lists
 * ("1-5", "0.001, 0.003", "N, 5, specialised 10", "40/1-3"), turned into a sweep file
 * (schema.ts) and checked by the same parse and expansion the CLI uses, so every refusal is the
 * one line `gainlab sweep` would print.
 *
 * Grid: every combination of the factors' values. List: the factors' lists zipped (task k takes
 * the k-th value of each), so they must be equally long.
 */
import type { TrainingRun } from '../project/schema.js';
import { expandSweep, type ExpandedSweep } from './expand.js';
import { canonicalJson, FACTOR_NAMES, parseSweepFile, SWEEP_LIMITS, SWEEP_SCHEMA_VERSION, SweepError, type FactorName, type GroupsValue, type SweepFile } from './schema.js';

/** What a sweep takes of a stored run (project/view.ts RunView has it too). */
export type RunSettingsView = Pick<TrainingRun, 'id' | 'name' | 'networkId' | 'targetIds' | 'initialConditionIndices' | 'rule' | 'seed' | 'settings'>;

export interface SweepBase {
  networkId: string;
  targetIds: string[];
  rule: 'reward' | 'gradient';
  trials: number;
  seed: number;
  sigma: number;
  alpha: number;
  learningRate: number;
  groups: GroupsValue;
  /** m: the first m targets together, target k from initial condition k; undefined: from x0. */
  initialConditions?: number;
}

export interface FactorEntry {
  name: FactorName;
  /** The values as typed. */
  text: string;
}

export interface SweepDraft {
  name: string;
  description?: string;
  base: SweepBase;
  design: 'grid' | 'list';
  factors: FactorEntry[];
}

/** How each factor's values are typed (labels and examples for the builder). */
export const FACTOR_HELP: Record<FactorName, { label: string; example: string }> = {
  seed: { label: 'seed', example: '1-10' },
  sigma: { label: 'σ (reward noise)', example: '0.001, 0.003, 0.01' },
  alpha: { label: 'α (running average)', example: '0.1, 0.3, 0.5' },
  learningRate: { label: 'learning rate (gradient)', example: '0.003, 0.01' },
  groups: { label: 'groups', example: 'N, 5, 10, specialised 10' },
  rule: { label: 'rule', example: 'reward, gradient' },
  trials: { label: 'trials', example: '500, 2000' },
  targets: { label: 'targets', example: 'Reach, generated 3, Reach+Curl' },
  initialConditions: { label: 'initial conditions m', example: '1, 2, 4' },
  soc: { label: 'N via SOC seeds (N/seed)', example: '40/1-3, 80/1' },
};

const num = (text: string) => (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN);

function tokens(text: string): string[] {
  return text
    .split(/[,;\n]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

/** "3", "1-5" → integers (ranges at most SWEEP_LIMITS.factorValues long). */
function integers(token: string, what: string): number[] {
  const range = /^(\d+)\s*(?:-|\.\.)\s*(\d+)$/.exec(token);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (to < from) throw new SweepError(`${what}: ${token} runs backwards`);
    if (to - from + 1 > SWEEP_LIMITS.factorValues) throw new SweepError(`${what}: ${token} has more than ${SWEEP_LIMITS.factorValues} values`);
    return Array.from({ length: to - from + 1 }, (_, k) => from + k);
  }
  const value = num(token);
  if (!Number.isInteger(value)) throw new SweepError(`${what}: '${token}' is not a whole number (or a range like 1-5)`);
  return [value];
}

function numbers(token: string, what: string): number[] {
  const value = num(token);
  if (!Number.isFinite(value)) throw new SweepError(`${what}: '${token}' is not a number`);
  return [value];
}

function groupsValue(token: string): GroupsValue {
  const t = token.toLowerCase();
  if (t === 'n' || t === 'neuron') return 'N';
  const kinded = /^(random|specialised|specialized)\s+(\d+)$/.exec(t);
  if (kinded) return { kind: kinded[1] === 'random' ? 'random' : 'specialised', count: Number(kinded[2]) };
  const count = num(t);
  if (Number.isInteger(count)) return count;
  throw new SweepError(`groups: '${token}' is not N, a number of random groups, or "specialised G"`);
}

/**
 * A factor's values from its text. `targetId` maps a target's name or id in the project to its id
 * (null: not in the project). Throws SweepError naming the factor and the token.
 */
export function parseFactorValues(name: FactorName, text: string, targetId: (token: string) => string | null = (t) => t): unknown[] {
  const list = tokens(text);
  if (list.length === 0) throw new SweepError(`${name}: give at least one value (e.g. ${FACTOR_HELP[name].example})`);
  const values: unknown[] = [];
  for (const token of list) {
    switch (name) {
      case 'seed':
      case 'trials':
      case 'initialConditions':
        values.push(...integers(token, name));
        break;
      case 'sigma':
      case 'alpha':
      case 'learningRate':
        values.push(...numbers(token, name));
        break;
      case 'rule':
        if (token !== 'reward' && token !== 'gradient') throw new SweepError(`rule: '${token}' is not reward or gradient`);
        values.push(token);
        break;
      case 'groups':
        values.push(groupsValue(token));
        break;
      case 'targets': {
        const parts = token.split('+').map((part) => part.trim());
        const refs = parts.map((part) => {
          const generated = /^generated\s+(\d+)$/i.exec(part);
          if (generated) return { generated: Number(generated[1]) };
          const id = targetId(part);
          if (id === null) throw new SweepError(`targets: the project has no target '${part}' (or write "generated SEED")`);
          return id;
        });
        values.push(refs.length === 1 ? refs[0] : refs);
        break;
      }
      case 'soc': {
        const m = /^(\d+)\s*\/\s*(.+)$/.exec(token);
        if (!m) throw new SweepError(`soc: '${token}' is not N/seed (e.g. 40/1 or 40/1-3)`);
        for (const seed of integers(m[2].trim(), 'soc seed')) values.push({ n: Number(m[1]), seed });
        break;
      }
    }
    if (values.length > SWEEP_LIMITS.factorValues) throw new SweepError(`${name}: more than ${SWEEP_LIMITS.factorValues} values`);
  }
  return values;
}

/** The base of a sweep from a stored run, and what of the run a sweep cannot repeat. */
export function baseFromRun(run: RunSettingsView): { base: SweepBase; notes: string[] } {
  const s = run.settings;
  const notes: string[] = [];
  const number = (key: string, fallback: number) => (typeof s[key] === 'number' && Number.isFinite(s[key]) ? (s[key] as number) : fallback);
  const groups = s.groups as { kind?: string; count?: number; seed?: number } | undefined;
  let sweepGroups: GroupsValue = 'N';
  if (groups?.kind === 'random' && typeof groups.count === 'number') {
    sweepGroups = groups.count;
    if (groups.seed !== undefined && groups.seed !== run.seed) notes.push('The run drew its random groups with their own seed; a sweep draws them with each task’s seed.');
  } else if (groups?.kind === 'specialised' && typeof groups.count === 'number') {
    sweepGroups = { kind: 'specialised', count: groups.count };
    notes.push('Specialised groups in a sweep are learned on the task’s own targets (Adam, k-means), not taken from the runs the run used.');
  } else if (groups?.kind === 'explicit') {
    notes.push('The run’s explicit group labels cannot be swept; the base uses one gain per neuron (add a groups factor).');
  }
  const sessions = number('sessions', 1);
  if (sessions > 1) notes.push(`The run had ${sessions} sessions; a sweep task is one session (add a seeds factor).`);
  if (typeof s.trainable === 'string' && s.trainable !== 'gains') notes.push(`The run trained ${s.trainable}; sweeps train gains.`);
  const base: SweepBase = {
    networkId: run.networkId,
    targetIds: [...run.targetIds],
    rule: run.rule,
    trials: Math.round(number('trials', 5000)),
    seed: run.seed,
    sigma: number('sigma', 0.001),
    alpha: number('alpha', 0.3),
    learningRate: number('learningRate', 0.01),
    groups: sweepGroups,
  };
  const indices = run.initialConditionIndices;
  if (run.targetIds.length > 1) {
    if (indices.every((index, k) => index === k)) base.initialConditions = run.targetIds.length;
    else notes.push('A sweep trains target k from initial condition k; the run used other rows.');
  } else if ((indices[0] ?? 0) !== 0) notes.push(`The run started from initial condition ${indices[0] + 1}; a sweep task starts from x0 (condition 1).`);
  return { base, notes };
}

/** The sweep file (as JSON) of a draft; `projectFile` is the project path the source names. */
export function draftToSweepJson(draft: SweepDraft, projectFile: string, targetId?: (token: string) => string | null): Record<string, unknown> {
  const b = draft.base;
  const base: Record<string, unknown> = {
    source: { project: projectFile, networkId: b.networkId, targetIds: b.targetIds },
    rule: b.rule,
    trials: b.trials,
    seed: b.seed,
    sigma: b.sigma,
    alpha: b.alpha,
    learningRate: b.learningRate,
    groups: b.groups,
  };
  if (b.initialConditions !== undefined) base.initialConditions = b.initialConditions;
  const json: Record<string, unknown> = { schemaVersion: SWEEP_SCHEMA_VERSION, name: draft.name, ...(draft.description ? { description: draft.description } : {}), base, design: draft.design };
  const seen = new Set<FactorName>();
  const lists: Array<[FactorName, unknown[]]> = [];
  for (const factor of draft.factors) {
    if (seen.has(factor.name)) throw new SweepError(`${factor.name} is a factor twice; give all its values in one line`);
    seen.add(factor.name);
    lists.push([factor.name, parseFactorValues(factor.name, factor.text, targetId)]);
  }
  // the sweep file lists factors in grid order (FACTOR_NAMES: the last varies fastest)
  lists.sort((a, b) => FACTOR_NAMES.indexOf(a[0]) - FACTOR_NAMES.indexOf(b[0]));
  if (draft.design === 'grid') {
    // said here in the builder's words (the sweep file's check names list positions: "factors.seed
    // lists 1 twice (values 1 and 2)")
    for (const [name, values] of lists) {
      const seen = new Set<string>();
      for (const value of values) {
        const key = canonicalJson(value);
        if (seen.has(key)) throw new SweepError(`${name}: ${typeof value === 'string' ? value : key} is given twice; a grid runs each value once`);
        seen.add(key);
      }
    }
    if (lists.length > 0) json.factors = Object.fromEntries(lists);
  } else {
    if (lists.length === 0) throw new SweepError('a list design needs at least one factor');
    const length = lists[0][1].length;
    const uneven = lists.find(([, values]) => values.length !== length);
    if (uneven) throw new SweepError(`a list design takes the k-th value of every factor for task k: ${lists[0][0]} has ${length} values, ${uneven[0]} has ${uneven[1].length}`);
    json.tasks = Array.from({ length }, (_, k) => Object.fromEntries(lists.map(([name, values]) => [name, values[k]])));
  }
  return json;
}

export interface CheckedDraft {
  json: Record<string, unknown>;
  sweep: SweepFile;
  expanded: ExpandedSweep;
}

/** Build and check a draft: the sweep file and its tasks, or the one-line reason it cannot be. */
export function checkDraft(draft: SweepDraft, projectFile: string, targetId?: (token: string) => string | null): CheckedDraft | { problem: string } {
  try {
    const json = draftToSweepJson(draft, projectFile, targetId);
    const sweep = parseSweepFile(json);
    return { json, sweep, expanded: expandSweep(sweep) };
  } catch (error) {
    if (error instanceof SweepError) return { problem: error.message.replace(/^sweep file: /, '') };
    throw error;
  }
}
