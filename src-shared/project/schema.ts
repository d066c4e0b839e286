/**
 * GainLab project: the in-memory type (used by main, worker, CLI and renderer alike: no node
 * imports here) and the zod schema of project.json inside a .gainlab file.
 *
 * File layout (format version 3, written by this code; see archive.ts):
 *
 *   NAME.gainlab                   a zip archive (deflate)
 *   ├── project.json               kind 'gainlab-project', schemaVersion 3, everything but numbers
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
 *   3 — this file: speed manifolds also record how they were learned (factors, the initial
 *       conditions, amplitude scaling, rule, settings, seed, group labels, errors, status).
 */
import { z } from 'zod';

export const PROJECT_KIND = 'gainlab-project';
export const PROJECT_SCHEMA_VERSION = 3;
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
export interface ProjectDynamicsParams {
  tau: number;
  r0: number;
  rmax: number;
  duration: number;
  nSamples: number;
  gainFunction: 'tanh' | 'linear';
}

export const DEFAULT_PROJECT_DYNAMICS: ProjectDynamicsParams = {
  tau: 200,
  r0: 20,
  rmax: 100,
  duration: 500,
  nSamples: 200,
  gainFunction: 'tanh',
};

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

export type TargetSource =
  | { kind: 'drawn' }
  | { kind: 'imported'; fileName: string | null }
  /** targets.ts `generateTarget(seed, grid)` reproduces it. */
  | { kind: 'generated'; seed: number }
  /** m_s(t) = m(t/s) of target `sourceId` over s·T with the same step; × 1/s² when amplitudeScaling. */
  | { kind: 'slow'; sourceId: string; factor: number; amplitudeScaling: boolean }
  /** The authors' published data. */
  | { kind: 'published' };

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
}

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
}

export interface Project {
  name: string;
  notes: string;
  createdAt: string;
  modifiedAt: string;
  networks: ProjectNetwork[];
  targets: TargetMovement[];
  runs: TrainingRun[];
  primitiveLibraries: PrimitiveLibrary[];
  speedManifolds: SpeedManifold[];
}

export function createEmptyProject(name: string, now: Date = new Date()): Project {
  const stamp = now.toISOString();
  return {
    name,
    notes: '',
    createdAt: stamp,
    modifiedAt: stamp,
    networks: [],
    targets: [],
    runs: [],
    primitiveLibraries: [],
    speedManifolds: [],
  };
}

/** The model's Network view (model/network.ts) of a project network, with initial condition `index` as x0. */
export function networkForModel(
  network: ProjectNetwork,
  initialConditionIndex = 0,
): { n: number; nE: number; W: Float64Array; x0: Float64Array; readout: { channels: number; weights: Float64Array } } {
  const { n } = network;
  if (initialConditionIndex < 0 || initialConditionIndex >= network.nInitialConditions) {
    throw new RangeError(`network "${network.name}" has ${network.nInitialConditions} initial conditions, no index ${initialConditionIndex}`);
  }
  const x0 = network.initialConditions.slice(initialConditionIndex * n, (initialConditionIndex + 1) * n);
  const readout = network.readout
    ? { channels: network.readout.channels, weights: network.readout.weights }
    : { channels: 1, weights: new Float64Array(1 + network.nE) };
  return { n, nE: network.nE, W: network.W, x0, readout };
}

// ---------------------------------------------------------------------------------------------
// project.json schema (version 2)
// ---------------------------------------------------------------------------------------------

const finite = z.number().finite();
const count = z.number().int().min(0);
const positiveCount = z.number().int().min(1);
const idString = z.string().min(1).max(200);
const isoDate = z.string().min(1).max(64);
const seedNumber = z.number().int().refine(Number.isSafeInteger, 'seed must be a safe integer');

/** Where an array lives in the archive and its shape. */
export const arrayRefSchema = z.object({
  path: z
    .string()
    .regex(/^arrays\/[A-Za-z0-9._\-/]+\.npy$/, 'array path must look like arrays/…/name.npy')
    .refine((p) => !p.split('/').includes('..'), 'array path must not contain ..'),
  shape: z.array(count).max(8),
});
export type ArrayRef = z.infer<typeof arrayRefSchema>;

export const dynamicsParamsJsonSchema = z.object({
  tau: finite.positive(),
  r0: finite.positive(),
  rmax: finite.positive(),
  duration: finite.positive(),
  nSamples: z.number().int().min(2),
  gainFunction: z.enum(['tanh', 'linear']),
});

const socLogJsonSchema = z.object({
  recipe: z.string().max(100),
  seed: seedNumber,
  iterations: count,
  finalAlpha: finite,
  alphaHistory: arrayRefSchema,
  buildMs: finite.nonnegative().nullable(),
});

const readoutJsonSchema = z.object({
  channels: positiveCount,
  weights: arrayRefSchema,
  fittedTo: idString.nullable(),
  fitError: finite.nullable(),
});

const networkJsonSchema = z.object({
  id: idString,
  name: z.string().max(200),
  n: z.number().int().min(2),
  nE: z.number().int().min(1),
  W: arrayRefSchema,
  initialConditions: arrayRefSchema,
  nInitialConditions: positiveCount,
  readout: readoutJsonSchema.nullable(),
  params: dynamicsParamsJsonSchema,
  seed: seedNumber.nullable(),
  soc: socLogJsonSchema.nullable(),
  origin: z.string().max(200),
  createdAt: isoDate,
});

export const targetSourceJsonSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('drawn') }),
  z.object({ kind: z.literal('imported'), fileName: z.string().max(1000).nullable() }),
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
  name: z.string().max(200),
  channels: positiveCount,
  nSamples: z.number().int().min(2),
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
});

const runJsonSchema = z.object({
  id: idString,
  name: z.string().max(200),
  networkId: idString,
  targetIds: z.array(idString).min(1),
  initialConditionIndices: z.array(count).min(1),
  rule: z.enum(['reward', 'gradient']),
  settings: z.record(z.string(), z.unknown()),
  seed: seedNumber,
  initialError: finite.nullable(),
  groupLabels: z.array(count).nullable(),
  sessions: z.array(runSessionJsonSchema),
  status: z.enum(['done', 'cancelled', 'failed']),
  startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
});

const primitiveLibraryJsonSchema = z.object({
  id: idString,
  name: z.string().max(200),
  networkId: idString,
  runIds: z.array(idString),
  gains: arrayRefSchema,
  outputs: arrayRefSchema,
});

export const speedManifoldJsonSchema = z.object({
  id: idString,
  name: z.string().max(200),
  networkId: idString,
  durations: z.array(finite.positive()),
  gains: arrayRefSchema,
  // format 3
  factors: z.array(finite.positive()),
  initialConditions: arrayRefSchema.nullable(),
  amplitudeScaling: z.boolean(),
  rule: z.enum(['reward', 'gradient']).nullable(),
  settings: z.record(z.string(), z.unknown()),
  seed: seedNumber.nullable(),
  groupLabels: z.array(count).nullable(),
  initialErrors: z.array(finite).nullable(),
  errors: z.array(finite).nullable(),
  status: z.enum(['done', 'cancelled']),
});
export type SpeedManifoldJson = z.infer<typeof speedManifoldJsonSchema>;

export const projectJsonSchema = z.object({
  kind: z.literal(PROJECT_KIND),
  schemaVersion: z.literal(PROJECT_SCHEMA_VERSION),
  /** The app that wrote the file, e.g. { name: 'GainLab', version: '0.1.0' }. */
  writtenBy: z.object({ name: z.string().max(100), version: z.string().max(100) }),
  name: z.string().max(200),
  notes: z.string().max(100_000),
  createdAt: isoDate,
  modifiedAt: isoDate,
  networks: z.array(networkJsonSchema),
  targets: z.array(targetJsonSchema),
  runs: z.array(runJsonSchema),
  primitiveLibraries: z.array(primitiveLibraryJsonSchema),
  speedManifolds: z.array(speedManifoldJsonSchema),
});
export type ProjectJson = z.infer<typeof projectJsonSchema>;
export type NetworkJson = z.infer<typeof networkJsonSchema>;
export type TargetJson = z.infer<typeof targetJsonSchema>;
export type RunJson = z.infer<typeof runJsonSchema>;

/** "networks[0].params.tau: expected number, received string" — the first few zod issues, field by field. */
export function describeZodIssues(issues: readonly z.core.$ZodIssue[], max = 3): string {
  const parts = issues.slice(0, max).map((issue) => {
    const field = formatPath(issue.path);
    return field ? `${field}: ${issue.message}` : issue.message;
  });
  if (issues.length > max) parts.push(`and ${issues.length - max} more problem${issues.length - max === 1 ? '' : 's'}`);
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
