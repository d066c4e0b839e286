/**
 * The sweep file (`NAME.sweep.json`, schemaVersion 1): a base run and the factors to vary over it.
 *
 *   {
 *     "schemaVersion": 1,
 *     "name": "groups-by-sigma",
 *     "base": {
 *       "source": { "networkDir": "net", "target": "target.npy" },
 *       "rule": "reward", "trials": 500, "seed": 1, "sigma": 0.001, "alpha": 0.3, "groups": "N"
 *     },
 *     "design": "grid",
 *     "factors": { "seed": [1, 2], "groups": [5, 10], "sigma": [0.001, 0.002] }
 *   }
 *
 * Sources (where the network and the targets come from; paths relative to the sweep file):
 *  - a project file:   { "project": "x.gainlab", "networkId": "…", "targetIds": ["…"] }
 *  - a network folder: { "networkDir": "net", "target": "t.npy" } or "targets": [...] — the layout
 *    `gainlab train` reads (W.npy, x0.npy, readout.npy; the network's default dynamics)
 *  - an SOC network built by the task: { "soc": { "n": 40, "seed": 1 }, "targets": [...] }
 * A target is a string (a target id in the project; an .npy file otherwise) or
 * { "generated": SEED } (targets.ts generateTarget on the network's grid).
 *
 * Factors (each a list of values; the grid is their product, the last one varying fastest in the
 * order below): soc ({ n, seed[, readoutTarget] }: the task builds that SOC network — adaptive
 * recipe — and fits its readout to readoutTarget, default { generated: 1 }), targets (a target or
 * a list of targets trained together), initialConditions (m: the first m targets, target k from
 * initial condition k), rule, groups ("N", a count of random groups, or { kind, count } with kind
 * neuron / random / specialised), sigma, alpha, learningRate, trials, seed.
 * With "design": "list", "tasks" lists each task's factor values instead (one value per factor).
 *
 * Everything here is checked with one clear line per refusal; bounds keep a file from asking for
 * more than GainLab can plan (SWEEP_LIMITS).
 */
import { z } from 'zod';
import { rangeSchema, SETTING_RANGES } from '../settingsRanges.js';

export const SWEEP_SCHEMA_VERSION = 1;

export const SWEEP_LIMITS = Object.freeze({
  /** Bytes of a sweep file. */
  fileBytes: 4 * 1024 * 1024,
  /** Tasks of one sweep (after expanding the grid). */
  tasks: 100_000,
  /** Values of one factor. */
  factorValues: 1000,
  /** Targets trained together in one task (the app's limit). */
  targetsPerTask: 16,
  /** Largest network (the app's limit). */
  n: 2000,
  specialiseIterations: 100_000,
  pathLength: 1024,
});

const seedSchema = rangeSchema(SETTING_RANGES.seed);
const pathSchema = z
  .string()
  .min(1)
  .max(SWEEP_LIMITS.pathLength)
  .refine((text) => !/[\u0000-\u001f]/.test(text), { message: 'a path must not contain control characters' });
const idSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((text) => !/[\u0000-\u001f]/.test(text), { message: 'an id must not contain control characters' });

export const targetRefSchema = z.union([pathSchema, z.strictObject({ generated: seedSchema })], {
  error: 'a target is a string (an .npy file, or a target id in a project) or { "generated": SEED }',
});
export type TargetRef = z.infer<typeof targetRefSchema>;

const targetListSchema = z.array(targetRefSchema).min(1).max(SWEEP_LIMITS.targetsPerTask);

export const socSpecSchema = z.strictObject({
  n: z
    .number()
    .int()
    .min(4)
    .max(SWEEP_LIMITS.n)
    .refine((n) => n % 2 === 0, { message: 'n must be even (the first half excitatory)' }),
  seed: seedSchema,
  /** The target the readout is fitted to (NNLS, all gains 1, like `gainlab fit-readout`); default { generated: 1 }. */
  readoutTarget: targetRefSchema.optional(),
});
export type SocSpec = z.infer<typeof socSpecSchema>;

/** "N" (one gain per neuron), a count of random groups, or { kind, count }. */
export const groupsValueSchema = z.union(
  [
    z.literal('N'),
    z.number().int().min(1).max(SWEEP_LIMITS.n),
    z.strictObject({ kind: z.literal('neuron') }),
    z.strictObject({ kind: z.enum(['random', 'specialised']), count: z.number().int().min(1).max(SWEEP_LIMITS.n) }),
  ],
  { error: `groups: "N", a number of random groups (1–${SWEEP_LIMITS.n}), or { "kind": "random" | "specialised", "count": G } or { "kind": "neuron" }` },
);
export type GroupsValue = z.infer<typeof groupsValueSchema>;

const ruleSchema = z.enum(['reward', 'gradient']);
// the same range (and refusal sentence) as the training form, the contract and the CLI
const trialsSchema = rangeSchema(SETTING_RANGES.trials);
const sigmaSchema = rangeSchema(SETTING_RANGES.sigma);
const alphaSchema = rangeSchema(SETTING_RANGES.alpha);
const learningRateSchema = rangeSchema(SETTING_RANGES.learningRate);
const initialConditionsSchema = z.number().int().min(1).max(SWEEP_LIMITS.targetsPerTask);

export const projectSourceSchema = z.strictObject({
  project: pathSchema,
  networkId: idSchema,
  targetIds: z.array(z.union([idSchema, z.strictObject({ generated: seedSchema })])).min(1).max(SWEEP_LIMITS.targetsPerTask),
});
export const networkDirSourceSchema = z.strictObject({
  networkDir: pathSchema,
  target: targetRefSchema.optional(),
  targets: targetListSchema.optional(),
});
export const socSourceSchema = z.strictObject({
  soc: socSpecSchema,
  target: targetRefSchema.optional(),
  targets: targetListSchema.optional(),
});
export type SweepSource = z.infer<typeof projectSourceSchema> | z.infer<typeof networkDirSourceSchema> | z.infer<typeof socSourceSchema>;

export const baseSchema = z.strictObject({
  /** Checked by parseSource (the variant is chosen by its key, so refusals name the right fields). */
  source: z.record(z.string(), z.unknown()),
  rule: ruleSchema.default('reward'),
  trials: trialsSchema.default(5000),
  seed: seedSchema.default(1),
  sigma: sigmaSchema.default(0.001),
  alpha: alphaSchema.default(0.3),
  learningRate: learningRateSchema.default(0.01),
  groups: groupsValueSchema.default('N'),
  /** m: train the first m targets jointly, target k from initial condition k (model-spec §10). */
  initialConditions: initialConditionsSchema.optional(),
  /** Specialised groups: Adam-learned neuron-specific gains on these targets (default the task's own), k-means into G groups. */
  specialise: z
    .strictObject({
      targets: targetListSchema.optional(),
      iterations: z.number().int().min(1).max(SWEEP_LIMITS.specialiseIterations).default(300),
    })
    .optional(),
});

const values = <T extends z.ZodType>(schema: T) => z.array(schema).min(1).max(SWEEP_LIMITS.factorValues);

/** The factors in grid order: the last varies fastest. */
export const FACTOR_NAMES = ['soc', 'targets', 'initialConditions', 'rule', 'groups', 'sigma', 'alpha', 'learningRate', 'trials', 'seed'] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];

export const factorsSchema = z.strictObject({
  soc: values(socSpecSchema).optional(),
  targets: values(z.union([targetRefSchema, targetListSchema])).optional(),
  initialConditions: values(initialConditionsSchema).optional(),
  rule: values(ruleSchema).optional(),
  groups: values(groupsValueSchema).optional(),
  sigma: values(sigmaSchema).optional(),
  alpha: values(alphaSchema).optional(),
  learningRate: values(learningRateSchema).optional(),
  trials: values(trialsSchema).optional(),
  seed: values(seedSchema).optional(),
});
export type SweepFactors = z.infer<typeof factorsSchema>;

/** One task of a list design: a value for some of the factors. */
export const listTaskSchema = z.strictObject({
  soc: socSpecSchema.optional(),
  targets: z.union([targetRefSchema, targetListSchema]).optional(),
  initialConditions: initialConditionsSchema.optional(),
  rule: ruleSchema.optional(),
  groups: groupsValueSchema.optional(),
  sigma: sigmaSchema.optional(),
  alpha: alphaSchema.optional(),
  learningRate: learningRateSchema.optional(),
  trials: trialsSchema.optional(),
  seed: seedSchema.optional(),
});
export type ListTask = z.infer<typeof listTaskSchema>;

export const sweepFileSchema = z.strictObject({
  schemaVersion: z.literal(SWEEP_SCHEMA_VERSION),
  name: z
    .string()
    .min(1)
    .max(120)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'letters, digits, ".", "_" and "-" only (it names the SLURM job and files)' }),
  description: z.string().max(4000).optional(),
  base: baseSchema,
  design: z.enum(['grid', 'list']).default('grid'),
  factors: factorsSchema.optional(),
  tasks: z.array(listTaskSchema).min(1).max(SWEEP_LIMITS.tasks).optional(),
});
export type SweepFileInput = z.input<typeof sweepFileSchema>;

export interface SweepFile extends Omit<z.output<typeof sweepFileSchema>, 'base'> {
  base: Omit<z.output<typeof baseSchema>, 'source'> & { source: SweepSource };
}

/** A sweep file that cannot be used: the message is one line naming the field. */
export class SweepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepError';
  }
}

/** `text` on one line, cut to `max` characters (zod quotes unknown keys whole, newlines and all). */
function clipped(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function issueLine(prefix: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top)';
  return `${prefix}${clipped(where, 100)}: ${clipped(issue.message, 160)}`;
}

function parseSource(raw: Record<string, unknown>): SweepSource {
  const kinds = ['project', 'networkDir', 'soc'].filter((key) => Object.hasOwn(raw, key));
  if (kinds.length !== 1) {
    throw new SweepError('sweep file: base.source must have exactly one of "project" (with networkId, targetIds), "networkDir" (with target or targets) or "soc" (with target or targets)');
  }
  const schema = kinds[0] === 'project' ? projectSourceSchema : kinds[0] === 'networkDir' ? networkDirSourceSchema : socSourceSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new SweepError(issueLine('sweep file: base.source.', parsed.error));
  const source = parsed.data as SweepSource;
  if (!('project' in source)) {
    const s = source as { target?: TargetRef; targets?: TargetRef[] };
    if ((s.target === undefined) === (s.targets === undefined)) {
      throw new SweepError(`sweep file: base.source needs exactly one of "target" or "targets" beside "${kinds[0]}"`);
    }
  }
  return source;
}

/** Number of tasks a grid of these factors gives (before merging duplicates). */
export function gridSize(factors: SweepFactors | undefined): number {
  let size = 1;
  for (const name of FACTOR_NAMES) size *= factors?.[name]?.length ?? 1;
  return size;
}

/**
 * Parse and check a sweep file (JSON text or an already parsed value). Throws SweepError with one
 * line naming the field: bad JSON, unknown fields, values out of range, non-finite numbers, too
 * many values or tasks, a factor listing the same value twice.
 */
export function parseSweepFile(input: string | unknown): SweepFile {
  let value: unknown = input;
  if (typeof input === 'string') {
    if (input.length > SWEEP_LIMITS.fileBytes) throw new SweepError(`sweep file: larger than ${SWEEP_LIMITS.fileBytes} bytes`);
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new SweepError(`sweep file: not JSON (${(error as Error).message})`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SweepError('sweep file: expected a JSON object');
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version !== SWEEP_SCHEMA_VERSION) {
    throw new SweepError(
      typeof version === 'number' && version > SWEEP_SCHEMA_VERSION
        ? `sweep file: schemaVersion ${version} is newer than this GainLab understands (${SWEEP_SCHEMA_VERSION}); update GainLab`
        : `sweep file: schemaVersion must be ${SWEEP_SCHEMA_VERSION}`,
    );
  }
  const parsed = sweepFileSchema.safeParse(value);
  if (!parsed.success) throw new SweepError(issueLine('sweep file: ', parsed.error));
  const file = parsed.data;
  const source = parseSource(file.base.source);
  if (file.design === 'grid') {
    if (file.tasks) throw new SweepError('sweep file: "tasks" lists tasks of a "list" design; this one is a "grid" (use "factors")');
    const size = gridSize(file.factors);
    if (size > SWEEP_LIMITS.tasks) throw new SweepError(`sweep file: the grid has ${size} tasks; at most ${SWEEP_LIMITS.tasks}`);
    for (const name of FACTOR_NAMES) {
      const list = file.factors?.[name];
      if (!list) continue;
      const seen = new Map<string, number>();
      list.forEach((entry, index) => {
        const key = canonicalJson(entry);
        const first = seen.get(key);
        if (first !== undefined) throw new SweepError(`sweep file: factors.${name} lists ${key} twice (values ${first + 1} and ${index + 1})`);
        seen.set(key, index);
      });
    }
  } else {
    if (file.factors) throw new SweepError('sweep file: a "list" design gives each task in "tasks"; "factors" belongs to a "grid" design');
    if (!file.tasks) throw new SweepError('sweep file: a "list" design needs "tasks" (one object of factor values per task)');
  }
  return { ...file, base: { ...file.base, source } };
}

/**
 * Canonical JSON: object keys sorted, no whitespace, numbers as JavaScript prints them (the
 * shortest text that reads back to the same double; −0 as 0). Equal values give equal text.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SweepError(`canonical JSON: ${value} is not a finite number`);
    return JSON.stringify(value === 0 ? 0 : value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new SweepError(`canonical JSON: cannot encode a ${typeof value}`);
}
