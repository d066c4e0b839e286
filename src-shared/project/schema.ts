/**
 * GainLab project: the in-memory type (used by main, worker, CLI and renderer alike: no node
 * imports here) and the zod schema of project.json inside a .gainlab file.
 *
 * File layout (format version 4, written by this code; see archive.ts and FORMAT.md):
 *
 *   NAME.gainlab                   a zip archive (deflate)
 *   ├── project.json               kind 'gainlab-project', schemaVersion 4, everything but numbers
 *   └── arrays/…/*.npy             every numeric array, NumPy .npy v1.0, '<f8' (float64 LE), C order
 *
 * In project.json each array is an ArrayRef `{ "path": "arrays/networks/0/W.npy", "shape": [200, 200] }`.
 * The loader checks that each referenced file exists, is a complete .npy, has exactly that shape,
 * that the shape agrees with the other fields (W is n×n, ...), and that every value is finite.
 *
 * Layouts (docs/ARCHITECTURE.md): W row-major (W[i*n+j] = weight j → i); initial conditions
 * m × n (row k is initial condition k); readout channels × (1+nE), offset first; targets and
 * outputs channel-major (values[c*nSamples+k]).
 *
 * Version history (migrations.ts holds the chain; a file with a newer version is refused with a
 * message asking to update GainLab, and is never overwritten):
 *   1 — first format (see migrations.ts for its exact shape): one initial condition per network
 *       ("x0"), per-network tau/T/samples, "movements" with an "origin" string, no runs.
 *   2 — networks with m initial conditions, full dynamics params and an SOC log;
 *       targets with a typed source (drawn / imported / generated{seed} / slow{source, s} / published);
 *       training runs; typed (possibly empty) primitive libraries and speed manifolds.
 *   3 — speed manifolds also record how they were learned (factors, the initial
 *       conditions, amplitude scaling, rule, settings, seed, group labels, errors, status).
 *   4 — this file: the project has a stable id; runs have notes and a purpose; libraries and
 *       manifolds have notes; experiment results (figures, tables, arrays, texts) are stored.
 *
 * Every string, array and free JSON value has a bound (limits.ts PROJECT_LIMITS), so decoding a
 * hostile project.json costs time and memory in proportion to what a real project can hold.
 */
import { dynamicsParamsSchema, type DynamicsParams } from '../model/params.js';
import { z } from 'zod';
import { jsonValueProblem, type JsonValueBounds } from './jsonValue.js';
import { PROJECT_LIMITS as L, countText } from './limits.js';

export const PROJECT_KIND = 'gainlab-project';
export const PROJECT_SCHEMA_VERSION = 4;
export const PROJECT_FILE_EXTENSION = '.gainlab';
export const PROJECT_JSON_NAME = 'project.json';

// ---------------------------------------------------------------------------------------------
// In-memory types
// ---------------------------------------------------------------------------------------------

/** An array whose shape is not implied by the fields around it. */
export interface NdArray {
  shape: number[];
  data: Float64Array;
}

/** Same fields as model/params.ts `DynamicsParams`. */
/** The dynamics parameters (model/params.ts declares them once). */
export type ProjectDynamicsParams = DynamicsParams;

/** How an SOC network was built (soc.ts `buildSoc` result, minus W). */
export interface SocLog {
  /** 'published' (fixed η = 10) or 'fast'/'adaptive' (adaptive η), as soc.ts names it. */
  recipe: string;
  seed: number;
  iterations: number;
  /** α(W) = max Re λ(W) of the final W. */
  finalAlpha: number;
  /** α after each iteration. */
  alphaHistory: Float64Array;
  /** Wall-clock build time, when known. */
  buildMs: number | null;
}

export interface ProjectReadout {
  channels: number;
  /** channels × (1 + nE), offset first in each row. */
  weights: Float64Array;
  /** Target id the readout was fitted to (NNLS, all gains 1), or null (imported / published). */
  fittedTo: string | null;
  /** Normalised error of the fit on that target, when known. */
  fitError: number | null;
}

export interface ProjectNetwork {
  id: string;
  name: string;
  n: number;
  nE: number;
  /** n × n, row-major. */
  W: Float64Array;
  /** m × n: row k is initial condition k (row 0 is "x0"). */
  initialConditions: Float64Array;
  /** m, the number of rows of `initialConditions` (≥ 1). */
  nInitialConditions: number;
  readout: ProjectReadout | null;
  params: ProjectDynamicsParams;
  /** Seed the network was built from (null for imported / published networks). */
  seed: number | null;
  soc: SocLog | null;
  /** Where it came from: 'soc', 'published', 'imported', ... (free text). */
  origin: string;
  createdAt: string;
}

/** Where a target movement came from (targetSourceJsonSchema below is its one declaration). */
export type TargetSource = z.infer<typeof targetSourceJsonSchema>;

export interface TargetMovement {
  id: string;
  name: string;
  channels: number;
  nSamples: number;
  /** ms; samples at t_k = k·duration/(nSamples−1). */
  duration: number;
  /** channels × nSamples, channel-major. */
  values: Float64Array;
  source: TargetSource;
  createdAt: string;
}

export interface RunSession {
  session: number;
  seed: number;
  bestError: number;
  bestTrial: number;
  trialsRun: number;
  /** Error of every trial (entry 0 = initial gains). */
  errorCurve: Float64Array;
  /** Gains (per neuron) of the trial with the lowest error. */
  bestGains: Float64Array;
  /** Network output with the best gains, e.g. [channels, nSamples] or [targets, channels, nSamples]; null if not stored. */
  output: NdArray | null;
  /**
   * Gradient runs on x0 / W / rank-1: the best parameter vector in the trainable's layout (x0: n;
   * W: n·n row-major; rank-1: u then v). Absent / null for runs on the gains (format 4).
   */
  bestParameters?: Float64Array | null;
}

export type RunStatus = 'done' | 'cancelled' | 'failed';

export interface TrainingRun {
  id: string;
  name: string;
  networkId: string;
  targetIds: string[];
  /** Initial-condition rows used, one per target (default [0]). */
  initialConditionIndices: number[];
  rule: 'reward' | 'gradient';
  /** The learning-rule settings as requested (trials, σ, α, learning rate, groups, ...). JSON values only. */
  settings: Record<string, unknown>;
  /** Master seed of the run; session k used Rng.derive(seed, k) (recorded per session too). */
  seed: number;
  initialError: number | null;
  /** Modulatory group label per neuron (0..G−1), or null for neuron-specific gains. */
  groupLabels: number[] | null;
  sessions: RunSession[];
  status: RunStatus;
  startedAt: string | null;
  finishedAt: string | null;
  /** The researcher's notes (format 4; '' when none). */
  notes: string;
  /** What the run was started for: an ordinary training, a refinement, or a primitive of a library (format 4). */
  purpose: RunPurpose;
  /** The gains every session started from, when not all 1 (e.g. a refinement from a combination; format 4). */
  initialGains?: Float64Array | null;
}

export type RunPurpose = 'train' | 'refine' | 'library';

/** Motor primitive library (model-spec §9). Typed placeholder: the app does not fill it yet. */
export interface PrimitiveLibrary {
  id: string;
  name: string;
  networkId: string;
  /** Training runs whose best gains form the library (one per primitive). */
  runIds: string[];
  /** l × n gain patterns g_k. */
  gains: NdArray;
  /** l × channels × nSamples outputs m_k. */
  outputs: NdArray;
  /** The researcher's notes (format 4; '' when none). */
  notes: string;
}

/**
 * Speed manifold (model-spec §10): gain patterns learned at several movement durations, jointly
 * over m initial conditions; the fast targets are the network's outputs with g = 1 and the slow
 * ones their slow variants, so the targets are recomputed from the network and these fields.
 * The fields after `gains` are format 3; they are optional in memory (a decoded project has them
 * all; missing ones are written as null / their defaults).
 */
export interface SpeedManifold {
  id: string;
  name: string;
  networkId: string;
  /** Movement durations (ms) the gain patterns were learned at, e.g. 7 from T to 5T. */
  durations: number[];
  /** durations.length × n gain patterns. */
  gains: NdArray;
  /** Duration factors s (durations / T), one per pattern (default: durations / the network's T). */
  factors?: number[];
  /** m × n initial conditions the patterns were learned over; null: the network's row 0. */
  initialConditions?: NdArray | null;
  /** Slow targets scaled by 1/s² (default false: fixed amplitude). */
  amplitudeScaling?: boolean;
  rule?: 'reward' | 'gradient' | null;
  /** Learning settings as requested (trials, σ, learning rate, groups, ...). JSON values only. */
  settings?: Record<string, unknown>;
  seed?: number | null;
  /** Modulatory group label per neuron, or null (neuron-specific / unknown). */
  groupLabels?: number[] | null;
  /** Σ_m E_m with g = 1 and with the learned pattern, per duration (null: unknown). */
  initialErrors?: number[] | null;
  errors?: number[] | null;
  /** 'cancelled': learning stopped early; the patterns reached are kept (default 'done'). */
  status?: 'done' | 'cancelled';
  /** The researcher's notes (format 4; optional in memory like the format-3 fields, '' when missing). */
  notes?: string;
  /** When its job started and finished (ISO; null or missing: not recorded, manifolds kept before GainLab recorded them). */
  startedAt?: string | null;
  finishedAt?: string | null;
}

/**
 * A finished (or cancelled) paper experiment, reproduction report or sweep, kept so it reopens
 * without rerunning (format 4). Arrays are stored as .npy files; the rest in project.json. The
 * free JSON parts (settings, summary, table cells, figures) may hold NaN and ±Infinity in
 * summary, table cells and figures (a partial result); settings are finite.
 */
export interface ExperimentResultRecord {
  id: string;
  name: string;
  kind: 'experiment' | 'reproduction' | 'sweep';
  /** What ran: 'fig1', 'supp2', 'reproduce', a sweep's name, ... */
  definition: string;
  quick: boolean;
  seed: number | null;
  /** The project network it ran on, or null (it built or used its own). */
  networkId: string | null;
  networkName: string;
  /** The request, JSON values only. */
  settings: Record<string, unknown>;
  /** Numbers and strings the report quotes (what summary.json holds). */
  summary: Record<string, unknown>;
  tables: ExperimentResultTable[];
  arrays: ExperimentResultArray[];
  /** FigureSpec objects (experiments/figureSpec.ts) as plain JSON (see jsonValue.ts toJsonValue). */
  figures: unknown[];
  /** CSV tables, an HTML report, ... */
  texts: ExperimentResultText[];
  status: 'done' | 'cancelled';
  elapsedMs: number;
  startedAt: string | null;
  finishedAt: string | null;
  notes: string;
}

export interface ExperimentResultTable {
  name: string;
  columns: string[];
  rows: (number | string)[][];
}

export interface ExperimentResultArray {
  name: string;
  shape: number[];
  data: Float64Array;
}

export interface ExperimentResultText {
  name: string;
  mediaType: string;
  text: string;
}

export interface Project {
  /** Stable identity of the project (jobs record it); kept across saves and renames. */
  id: string;
  name: string;
  notes: string;
  createdAt: string;
  modifiedAt: string;
  networks: ProjectNetwork[];
  targets: TargetMovement[];
  runs: TrainingRun[];
  primitiveLibraries: PrimitiveLibrary[];
  speedManifolds: SpeedManifold[];
  experimentResults: ExperimentResultRecord[];
}

/** 16 random hex digits (64 bits) from the platform's CSPRNG (Web Crypto, present in Node, workers and browsers). */
export function randomProjectId(): string {
  const { crypto } = globalThis as unknown as { crypto: { getRandomValues<T extends Uint8Array>(array: T): T } };
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** A new, empty project; `id` defaults to a random one (tests and reproducible builds pass their own). */
export function createEmptyProject(name: string, now: Date = new Date(), id: string = randomProjectId()): Project {
  const stamp = now.toISOString();
  return {
    id,
    name,
    notes: '',
    createdAt: stamp,
    modifiedAt: stamp,
    networks: [],
    targets: [],
    runs: [],
    primitiveLibraries: [],
    speedManifolds: [],
    experimentResults: [],
  };
}

// ---------------------------------------------------------------------------------------------
// project.json schema (version 4)
// ---------------------------------------------------------------------------------------------

const finite = z.number().finite();
const count = z.number().int().min(0);
const positiveCount = z.number().int().min(1);
/** A string of at most `max` characters; the message says the bound. */
const text = (max: number) => z.string().max(max, `longer than ${countText(max)} characters`);
const idString = text(L.idChars).min(1);
const nameString = text(L.nameChars);
const labelString = text(L.labelChars);
const notesString = text(L.notesChars);
const isoDate = text(L.dateChars).min(1);
const seedNumber = z.number().int().refine(Number.isSafeInteger, 'seed must be a safe integer');
const neuronCount = z.number().int().min(2).max(L.maxN, `more than ${countText(L.maxN)} neurons (the most GainLab simulates)`);

/** An array of at most `max` items; the message says the bound (zod's own names only the number). */
function bounded<T extends z.ZodType>(item: T, max: number, what = 'entries') {
  return z.array(item).max(max, `more than ${countText(max)} ${what}`);
}

/**
 * A free JSON value (settings, summary, figures): plain JSON, nested at most
 * PROJECT_LIMITS.jsonDepth deep, strings and serialised size bounded (jsonValue.ts). The check
 * walks the value once and stops at the first problem.
 */
export function boundedJsonSchema<T = unknown>(bounds: JsonValueBounds) {
  return z.unknown().superRefine((value, ctx) => {
    const problem = jsonValueProblem(value, bounds);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  }) as unknown as z.ZodType<T>;
}
const settingsJson = boundedJsonSchema<Record<string, unknown>>({ maxBytes: L.settingsBytes, object: true });

/** Where an array lives in the archive and its shape. */
export const arrayRefSchema = z.object({
  path: z
    .string()
    .max(L.entryNameChars, `longer than ${countText(L.entryNameChars)} characters`)
    .regex(/^arrays\/[A-Za-z0-9._\-/]+\.npy$/, 'array path must look like arrays/…/name.npy')
    .refine((p) => !p.split('/').some((part) => part === '..' || part === '.' || part === ''), 'array path must not contain empty, . or .. parts'),
  shape: z.array(z.number().int().min(0).max(2 ** 31 - 1)).max(L.arrayDims),
});
export type ArrayRef = z.infer<typeof arrayRefSchema>;

export const dynamicsParamsJsonSchema = dynamicsParamsSchema;

const socLogJsonSchema = z.object({
  recipe: labelString,
  seed: seedNumber,
  iterations: count,
  finalAlpha: finite,
  alphaHistory: arrayRefSchema,
  buildMs: finite.nonnegative().nullable(),
});

const readoutJsonSchema = z.object({
  channels: positiveCount.max(L.channels),
  weights: arrayRefSchema,
  fittedTo: idString.nullable(),
  fitError: finite.nullable(),
});

const networkJsonSchema = z.object({
  id: idString,
  name: nameString,
  n: neuronCount,
  nE: z.number().int().min(1).max(L.maxN, `more than ${countText(L.maxN)} neurons`),
  W: arrayRefSchema,
  initialConditions: arrayRefSchema,
  nInitialConditions: positiveCount.max(L.initialConditions),
  readout: readoutJsonSchema.nullable(),
  params: dynamicsParamsJsonSchema,
  seed: seedNumber.nullable(),
  soc: socLogJsonSchema.nullable(),
  origin: labelString,
  createdAt: isoDate,
});

export const targetSourceJsonSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('drawn') }),
  z.object({ kind: z.literal('imported'), fileName: text(L.fileNameChars).nullable() }),
  z.object({ kind: z.literal('generated'), seed: seedNumber }),
  z.object({
    kind: z.literal('slow'),
    sourceId: idString,
    factor: finite.positive(),
    amplitudeScaling: z.boolean(),
  }),
  z.object({ kind: z.literal('published') }),
]);

const targetJsonSchema = z.object({
  id: idString,
  name: nameString,
  channels: positiveCount.max(L.channels),
  nSamples: z.number().int().min(2).max(L.samples),
  duration: finite.positive(),
  values: arrayRefSchema,
  source: targetSourceJsonSchema,
  createdAt: isoDate,
});

const runSessionJsonSchema = z.object({
  session: count,
  seed: seedNumber,
  bestError: finite,
  bestTrial: count,
  trialsRun: count,
  errorCurve: arrayRefSchema,
  bestGains: arrayRefSchema,
  output: arrayRefSchema.nullable(),
  // format 4 (optional: absent = null)
  bestParameters: arrayRefSchema.nullable().optional(),
});

const runJsonSchema = z.object({
  id: idString,
  name: nameString,
  networkId: idString,
  targetIds: bounded(idString, L.targetsPerRun, 'targets').min(1),
  initialConditionIndices: bounded(count, L.targetsPerRun).min(1),
  rule: z.enum(['reward', 'gradient']),
  settings: settingsJson,
  seed: seedNumber,
  initialError: finite.nullable(),
  groupLabels: bounded(count, L.maxN, 'labels').nullable(),
  sessions: bounded(runSessionJsonSchema, L.sessionsPerRun, 'sessions'),
  status: z.enum(['done', 'cancelled', 'failed']),
  startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
  // format 4
  notes: notesString,
  purpose: z.enum(['train', 'refine', 'library']),
  initialGains: arrayRefSchema.nullable().optional(),
});

const primitiveLibraryJsonSchema = z.object({
  id: idString,
  name: nameString,
  networkId: idString,
  runIds: bounded(idString, L.runsPerLibrary, 'runs'),
  gains: arrayRefSchema,
  outputs: arrayRefSchema,
  // format 4
  notes: notesString,
});

export const speedManifoldJsonSchema = z.object({
  id: idString,
  name: nameString,
  networkId: idString,
  durations: bounded(finite.positive(), L.durationsPerManifold, 'durations'),
  gains: arrayRefSchema,
  // format 3
  factors: bounded(finite.positive(), L.durationsPerManifold, 'factors'),
  initialConditions: arrayRefSchema.nullable(),
  amplitudeScaling: z.boolean(),
  rule: z.enum(['reward', 'gradient']).nullable(),
  settings: settingsJson,
  seed: seedNumber.nullable(),
  groupLabels: bounded(count, L.maxN, 'labels').nullable(),
  initialErrors: bounded(finite, L.durationsPerManifold).nullable(),
  errors: bounded(finite, L.durationsPerManifold).nullable(),
  status: z.enum(['done', 'cancelled']),
  // format 4
  notes: notesString,
  // optional in format 4 (files written before they were recorded have neither)
  startedAt: isoDate.nullable().optional(),
  finishedAt: isoDate.nullable().optional(),
});
export type SpeedManifoldJson = z.infer<typeof speedManifoldJsonSchema>;

/**
 * An experiment result in project.json (format 4). Non-finite numbers in summary, table cells and
 * figures are the strings "NaN", "Infinity", "-Infinity" here (jsonValue.ts).
 */
export const experimentResultJsonSchema = z.object({
  id: idString,
  name: nameString,
  kind: z.enum(['experiment', 'reproduction', 'sweep']),
  definition: labelString,
  quick: z.boolean(),
  seed: seedNumber.nullable(),
  networkId: idString.nullable(),
  networkName: nameString,
  settings: settingsJson,
  summary: boundedJsonSchema<Record<string, unknown>>({ maxBytes: L.settingsBytes, object: true }),
  tables: bounded(
    z.object({
      name: nameString,
      columns: bounded(nameString, L.tableColumns, 'columns'),
      // cells are numbers or strings; the size of all tables together is bounded below
      rows: z.array(z.array(z.union([finite, text(L.jsonStringChars)]))),
    }),
    L.partsPerResult,
    'tables',
  ).superRefine((tables, ctx) => {
    const problem = jsonValueProblem(tables, { maxBytes: L.resultTablesBytes });
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  }),
  arrays: bounded(arrayRefSchema.extend({ name: nameString }), L.partsPerResult, 'arrays'),
  figures: bounded(z.unknown(), L.partsPerResult, 'figures').superRefine((figures, ctx) => {
    const problem = jsonValueProblem(figures, { maxBytes: L.resultFiguresBytes });
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  }),
  texts: bounded(
    z.object({ name: nameString, mediaType: labelString, text: text(L.resultTextChars) }),
    L.partsPerResult,
    'texts',
  ),
  status: z.enum(['done', 'cancelled']),
  elapsedMs: finite.nonnegative(),
  startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
  notes: notesString,
});
export type ExperimentResultJson = z.infer<typeof experimentResultJsonSchema>;

export const projectJsonSchema = z.object({
  kind: z.literal(PROJECT_KIND),
  schemaVersion: z.literal(PROJECT_SCHEMA_VERSION),
  /** The app that wrote the file, e.g. { name: 'GainLab', version: '0.1.0' }. */
  writtenBy: z.object({ name: labelString, version: labelString }),
  // format 4
  id: idString,
  name: nameString,
  notes: notesString,
  createdAt: isoDate,
  modifiedAt: isoDate,
  networks: bounded(networkJsonSchema, L.networks, 'networks'),
  targets: bounded(targetJsonSchema, L.targets, 'targets'),
  runs: bounded(runJsonSchema, L.runs, 'training runs'),
  primitiveLibraries: bounded(primitiveLibraryJsonSchema, L.primitiveLibraries, 'primitive libraries'),
  speedManifolds: bounded(speedManifoldJsonSchema, L.speedManifolds, 'speed manifolds'),
  // format 4
  experimentResults: bounded(experimentResultJsonSchema, L.experimentResults, 'experiment results'),
});
export type ProjectJson = z.infer<typeof projectJsonSchema>;
export type NetworkJson = z.infer<typeof networkJsonSchema>;
export type TargetJson = z.infer<typeof targetJsonSchema>;
export type RunJson = z.infer<typeof runJsonSchema>;

/** Characters of issue text in one refusal line (the file name and a prefix come on top). */
const ISSUES_TEXT_CHARS = 200;

/**
 * "networks[0].params.tau: expected number, received string" — the first few zod issues, field by
 * field, while they fit in ISSUES_TEXT_CHARS (the first always, cut to that length), so the
 * refusal stays one short line. `pathText` writes a field's path (default networks[0].n).
 */
export function describeZodIssues(issues: readonly z.core.$ZodIssue[], max = 3, pathText: (path: readonly PropertyKey[]) => string = formatPath): string {
  const parts: string[] = [];
  let chars = 0;
  for (const issue of issues.slice(0, max)) {
    const field = pathText(issue.path);
    const text = (field ? `${field}: ${issue.message}` : issue.message).replace(/\s+/g, ' ');
    if (parts.length > 0 && chars + text.length > ISSUES_TEXT_CHARS) break;
    parts.push(text.length > ISSUES_TEXT_CHARS ? `${text.slice(0, ISSUES_TEXT_CHARS - 1)}…` : text);
    chars += text.length;
  }
  const more = issues.length - parts.length;
  if (more > 0) parts.push(`and ${more} more problem${more === 1 ? '' : 's'}`);
  return parts.join('; ');
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
