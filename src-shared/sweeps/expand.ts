/**
 * From a sweep file to its tasks: the full grid of the factors (the last factor in FACTOR_NAMES
 * varying fastest) or the explicit list, each task with its settings normalised and a stable id.
 *
 * Task id = the first 16 hex digits of SHA-256 of the canonical JSON of the task's own settings
 * (network, targets, rule and its parameters, groups, trials, seed). Nothing about the rest of the
 * sweep enters it, so adding a factor later (or a value to one) keeps the id — and the finished
 * result — of every task whose settings did not change. Parameters a rule does not use are left
 * out (σ and α for gradient tasks, the learning rate for reward tasks), so such tasks are the same
 * task; the grid merges duplicates and reports how many.
 */
import { sha256OfText } from '../runs/sha256.js';
import {
  canonicalJson,
  FACTOR_NAMES,
  SweepError,
  type FactorName,
  type GroupsValue,
  type ListTask,
  type SocSpec,
  type SweepFile,
  type TargetRef,
} from './schema.js';

export type TargetSpec =
  | { kind: 'file'; path: string }
  | { kind: 'project'; project: string; id: string }
  | { kind: 'generated'; seed: number };

export type NetworkSpec =
  | { kind: 'project'; project: string; networkId: string }
  | { kind: 'dir'; dir: string }
  /** Built by the task: buildSoc (adaptive recipe), Gramian x0, readout fitted with all gains 1 to readoutTarget. */
  | { kind: 'soc'; n: number; seed: number; recipe: 'adaptive'; readoutTarget: TargetSpec };

export type GroupsSpec =
  | { kind: 'neuron' }
  | { kind: 'random'; count: number }
  /** k-means (seed = task seed + count) of the gain changes Adam learns on `on` in `iterations` steps. */
  | { kind: 'specialised'; count: number; on: TargetSpec[]; iterations: number };

export interface TaskSettings {
  network: NetworkSpec;
  /** The targets the task trains (with initialConditions m: exactly the first m of its list). */
  targets: TargetSpec[];
  /** m initial conditions (target k from condition k), or null: every target from x0. */
  initialConditions: number | null;
  rule: 'reward' | 'gradient';
  trials: number;
  seed: number;
  sigma?: number;
  alpha?: number;
  learningRate?: number;
  groups: GroupsSpec;
}

export interface SweepTask {
  /** Position in the sweep (the SLURM array index). */
  index: number;
  id: string;
  settings: TaskSettings;
  /** Value of every varied factor, as text for tables ("random 5", "0.001", …). */
  factors: Partial<Record<FactorName, string>>;
}

export interface ExpandedSweep {
  tasks: SweepTask[];
  /** The factors that vary (grid: those given; list: those any task sets), in FACTOR_NAMES order. */
  factorNames: FactorName[];
  /** Grid points or list entries that had the same settings as an earlier one. */
  duplicatesMerged: number;
}

const ID_HEX_DIGITS = 16;

/** The task id of a task's settings. */
export function taskId(settings: TaskSettings): string {
  return sha256OfText(canonicalJson(settings)).slice(0, ID_HEX_DIGITS);
}

/** "a/./b//c/../d" → "a/b/d"; absolute paths stay absolute; ".." above the start is kept. */
export function normalisePath(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part === '..' && absolute) continue;
    else parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

interface Context {
  file: SweepFile;
  /** Target strings name project targets (project source) or .npy files. */
  project: string | null;
}

function targetSpec(ref: TargetRef, context: Context): TargetSpec {
  if (typeof ref !== 'string') return { kind: 'generated', seed: ref.generated };
  if (context.project !== null) return { kind: 'project', project: context.project, id: ref };
  return { kind: 'file', path: normalisePath(ref) };
}

function targetLabel(target: TargetSpec): string {
  if (target.kind === 'generated') return `generated ${target.seed}`;
  if (target.kind === 'project') return target.id;
  return target.path;
}

function socNetwork(spec: SocSpec, context: Context): NetworkSpec {
  // the readout target is a file (or generated), whatever the source's targets are
  const readout = spec.readoutTarget ?? { generated: 1 };
  return {
    kind: 'soc',
    n: spec.n,
    seed: spec.seed,
    recipe: 'adaptive',
    readoutTarget: typeof readout === 'string' ? { kind: 'file', path: normalisePath(readout) } : { kind: 'generated', seed: readout.generated },
  };
}

function groupsSpec(value: GroupsValue, targets: TargetSpec[], context: Context): GroupsSpec {
  if (value === 'N') return { kind: 'neuron' };
  if (typeof value === 'number') return { kind: 'random', count: value };
  if (value.kind === 'neuron') return { kind: 'neuron' };
  if (value.kind === 'random') return { kind: 'random', count: value.count };
  const specialise = context.file.base.specialise;
  return {
    kind: 'specialised',
    count: value.count,
    on: specialise?.targets ? specialise.targets.map((ref) => targetSpec(ref, context)) : targets,
    iterations: specialise?.iterations ?? 300,
  };
}

/** The text of a factor's value in tables and progress lines. */
export function factorLabel(name: FactorName, value: unknown): string {
  switch (name) {
    case 'soc': {
      const spec = value as SocSpec;
      const readout = spec.readoutTarget === undefined ? '' : `, readout ${typeof spec.readoutTarget === 'string' ? spec.readoutTarget : `generated ${spec.readoutTarget.generated}`}`;
      return `N=${spec.n} seed ${spec.seed}${readout}`;
    }
    case 'targets': {
      const list = Array.isArray(value) ? (value as TargetRef[]) : [value as TargetRef];
      return list.map((ref) => (typeof ref === 'string' ? ref : `generated ${ref.generated}`)).join('+');
    }
    case 'groups': {
      const g = value as GroupsValue;
      if (g === 'N' || (typeof g === 'object' && g.kind === 'neuron')) return 'N';
      if (typeof g === 'number') return `random ${g}`;
      return `${g.kind} ${(g as { count: number }).count}`;
    }
    default:
      return String(value);
  }
}

/** The settings of one task: the base with the given factor values applied. */
function taskSettings(values: ListTask, context: Context): TaskSettings {
  const { base } = context.file;
  const source = base.source;
  let network: NetworkSpec;
  let baseTargets: TargetRef[];
  if ('project' in source) {
    network = { kind: 'project', project: normalisePath(source.project), networkId: source.networkId };
    baseTargets = source.targetIds;
  } else {
    const s = source as { target?: TargetRef; targets?: TargetRef[] };
    baseTargets = s.targets ?? [s.target as TargetRef];
    network = 'networkDir' in source ? { kind: 'dir', dir: normalisePath(source.networkDir) } : socNetwork(source.soc, context);
  }
  if (values.soc) network = socNetwork(values.soc, context);
  const targetRefs = values.targets === undefined ? baseTargets : Array.isArray(values.targets) ? values.targets : [values.targets];
  let targets = targetRefs.map((ref) => targetSpec(ref, context));
  const m = values.initialConditions ?? base.initialConditions ?? null;
  if (m !== null) {
    if (targets.length < m) {
      throw new SweepError(
        `${m} initial conditions need ${m} targets (target k starts from condition k); the task has ${targets.length}: train it on ${m} targets together (a targets factor of A+B+… in the app, [["A", "B", …]] in a sweep file, or a base run on ${m} targets)`,
      );
    }
    targets = targets.slice(0, m);
  }
  const rule = values.rule ?? base.rule;
  const settings: TaskSettings = {
    network,
    targets,
    initialConditions: m,
    rule,
    trials: values.trials ?? base.trials,
    seed: values.seed ?? base.seed,
    groups: groupsSpec(values.groups ?? base.groups, targets, context),
  };
  if (rule === 'reward') {
    settings.sigma = values.sigma ?? base.sigma;
    settings.alpha = values.alpha ?? base.alpha;
  } else {
    settings.learningRate = values.learningRate ?? base.learningRate;
  }
  return settings;
}

/** Expand a parsed sweep file into its tasks (duplicates merged, indices 0..n−1). */
export function expandSweep(file: SweepFile): ExpandedSweep {
  const source = file.base.source;
  const context: Context = { file, project: 'project' in source ? normalisePath(source.project) : null };
  const entries: ListTask[] = [];
  let factorNames: FactorName[];
  if (file.design === 'grid') {
    const factors = file.factors ?? {};
    factorNames = FACTOR_NAMES.filter((name) => factors[name] !== undefined);
    const lists = factorNames.map((name) => factors[name] as unknown[]);
    const total = lists.reduce((product, list) => product * list.length, 1);
    const position = new Array<number>(lists.length).fill(0);
    for (let k = 0; k < total; k++) {
      const entry: Record<string, unknown> = {};
      factorNames.forEach((name, f) => (entry[name] = lists[f][position[f]]));
      entries.push(entry as ListTask);
      // mixed-radix increment, last factor fastest
      for (let f = lists.length - 1; f >= 0; f--) {
        position[f]++;
        if (position[f] < lists[f].length) break;
        position[f] = 0;
      }
    }
  } else {
    const tasks = file.tasks ?? [];
    factorNames = FACTOR_NAMES.filter((name) => tasks.some((task) => task[name] !== undefined));
    entries.push(...tasks);
  }
  const tasks: SweepTask[] = [];
  const seen = new Set<string>();
  let duplicatesMerged = 0;
  entries.forEach((entry, k) => {
    let settings: TaskSettings;
    try {
      settings = taskSettings(entry, context);
    } catch (error) {
      if (error instanceof SweepError) throw new SweepError(`sweep ${file.design === 'grid' ? 'grid point' : 'task'} ${k + 1} (${describe(entry, factorNames)}): ${error.message}`);
      throw error;
    }
    const id = taskId(settings);
    if (seen.has(id)) {
      duplicatesMerged++;
      return;
    }
    seen.add(id);
    const factors: Partial<Record<FactorName, string>> = {};
    for (const name of factorNames) factors[name] = entry[name] === undefined ? baseLabel(file, name) : factorLabel(name, entry[name]);
    tasks.push({ index: tasks.length, id, settings, factors });
  });
  return { tasks, factorNames, duplicatesMerged };
}

/** The label of the base's value of a factor (list tasks that leave it unset). */
function baseLabel(file: SweepFile, name: FactorName): string {
  const { base } = file;
  const source = base.source as { soc?: SocSpec; target?: TargetRef; targets?: TargetRef[]; targetIds?: TargetRef[] };
  switch (name) {
    case 'soc':
      return source.soc ? factorLabel('soc', source.soc) : 'base network';
    case 'targets':
      return factorLabel('targets', source.targetIds ?? source.targets ?? source.target);
    case 'initialConditions':
      return base.initialConditions === undefined ? 'x0' : String(base.initialConditions);
    default:
      return factorLabel(name, base[name]);
  }
}

function describe(entry: ListTask, names: readonly FactorName[]): string {
  const parts = names.filter((name) => entry[name] !== undefined).map((name) => `${name} ${factorLabel(name, entry[name])}`);
  return parts.length ? parts.join(', ') : 'the base run';
}

/** "seed 2, groups random 5" for progress lines and refusals. */
export function describeTask(task: SweepTask): string {
  const parts = Object.entries(task.factors).map(([name, value]) => `${name} ${value}`);
  return parts.length ? parts.join(', ') : 'the base run';
}

/** Canonical text of the whole sweep (its tasks in order): changes when any task or the order changes. */
export function sweepFingerprint(tasks: readonly SweepTask[]): string {
  return sha256OfText(tasks.map((task) => task.id).join('\n')).slice(0, ID_HEX_DIGITS);
}

export { targetLabel };
