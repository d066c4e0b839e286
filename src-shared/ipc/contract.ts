/**
 * The typed IPC contract between GainLab's renderer (Vue UI) and its main side (Electron main
 * process, or the Node web server in web mode). Every channel is declared here exactly once:
 *
 * - invoke channels: request → response, each with a zod schema. The main side validates every
 *   request against its schema before a handler sees it and answers with an `Envelope`
 *   (`{ ok: true, value }` or `{ ok: false, error: { code, message } }`); handlers never throw
 *   across the boundary.
 * - event channels: main → renderer pushes with a zod payload schema.
 *
 * The renderer talks through a `Transport` so the same UI code runs over both carriers:
 *
 * Electron: the sandboxed preload exposes `window.gainlab = { invoke(channel, payload), on(event, cb) }`
 *   (allowlisted from this file; see `electronTransport.ts`). Payloads travel by structured clone,
 *   so Float64Array / Uint8Array arrive as typed arrays.
 *
 * Web mode (`npm run serve`): one WebSocket to `ws://127.0.0.1:PORT/ws`, authorised by the run's
 *   token (cookie `gainlab_token_<port>`, the `?token=` query or the subprotocol `gainlab.TOKEN`).
 *   Frames are wire v2 (`wire.ts`): one JSON text message per frame, followed by binary messages
 *   for typed arrays of 64 KB or more (smaller ones inline as `{ "$f64": base64 }`):
 *     client → server  { "type": "invoke", "id": <number>, "channel": <invoke channel>, "payload": <request>, "binary"?: k }
 *     server → client  { "type": "result", "id": <same id>, "envelope": <Envelope>, "binary"?: k }
 *     server → client  { "type": "event", "channel": <event channel>, "payload": <event payload>, "binary"?: k }
 *   Depth, text length and binary size are bounded on both sides; an unknown channel or malformed
 *   frame is answered with an `invalid-payload` envelope (when an id can be read) and never closes
 *   the connection. See `wsTransport.ts` for the client.
 *
 * Binary data (matrices, time series) is Float64Array with the layouts of docs/ARCHITECTURE.md:
 * W row-major (W[i*n+j] = j → i), rates time-major (rates[k*n+i]), outputs/targets channel-major
 * (output[c*nSamples+k]).
 */
import { z } from 'zod';
import { rangeSchema, SETTING_RANGES } from '../settingsRanges.js';
import { CHANNELS, EVENTS } from './channels.js';
import { dynamicsParamsSchema, MAX_SAMPLES } from '../model/params.js';
import { targetSourceJsonSchema, type ExperimentResultRecord, type PrimitiveLibrary, type ProjectNetwork, type TargetMovement, type TrainingRun } from '../project/schema.js';
import type { ProjectView } from '../project/view.js';
import { COLLECTIONS } from '../project/edits.js';
import { modelValueProblem } from '../project/validate.js';
// --- experiment jobs (a paper experiment definition run by name; experimentContract.ts) ---
import { experimentJobResultSchema, experimentRequestSchema } from './experimentContract.js';
export * from './experimentContract.js';
// --- end experiment jobs ---
// --- parameter sweeps (the Sweeps view; sweepContract.ts) ---
import { sweepInvokeContract, sweepJobResultSchema, sweepRequestSchema } from './sweepContract.js';
export * from './sweepContract.js';
// --- end parameter sweeps ---

export { CHANNELS, EVENTS, ELECTRON_CHANNEL_PREFIX } from './channels.js';

// ---------------------------------------------------------------------------------------------
// Envelope and errors
// ---------------------------------------------------------------------------------------------

export const ERROR_CODES = [
  'invalid-payload',
  'not-found',
  'forbidden',
  'io',
  'bad-file',
  'cancelled',
  'worker-crashed',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorInfoSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export function okEnvelope<T>(value: T): Envelope<T> {
  return { ok: true, value };
}

export function errorEnvelope<T = never>(code: ErrorCode, message: string): Envelope<T> {
  return { ok: false, error: { code, message } };
}

/** An error a service may throw on purpose; the main side turns it into an envelope with its code. */
export class GainLabError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'GainLabError';
    this.code = code;
  }
}

const ERROR_TITLES: Record<ErrorCode, string> = {
  'invalid-payload': 'The request was not valid',
  'not-found': 'Not found',
  forbidden: 'Not allowed',
  io: 'Could not read or write the file',
  'bad-file': 'The file is not a valid GainLab file',
  cancelled: 'Cancelled',
  'worker-crashed': 'The computation stopped unexpectedly',
  internal: 'Something went wrong inside GainLab',
};

/** The sentence the renderer shows to the user for an error envelope. */
export function messageForError(code: ErrorCode, message: string): string {
  const title = ERROR_TITLES[code] ?? ERROR_TITLES.internal;
  const detail = message.trim();
  if (!detail || detail === title) return `${title}.`;
  return `${title}: ${detail}`;
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

// z.custom rather than z.instanceof: keeps the element type Float64Array<ArrayBufferLike>, so arrays
// over SharedArrayBuffer or from the model's buffers type-check too.
export const float64ArraySchema = z
  .custom<Float64Array>((value) => value instanceof Float64Array, { message: 'expected a Float64Array' })
  // finite by contract: a NaN or ±Infinity in a request never reaches a job or the project
  .superRefine((array, ctx) => {
    for (let i = 0; i < array.length; i++) {
      if (!Number.isFinite(array[i])) {
        ctx.addIssue({ code: 'custom', message: `entry ${i} is ${array[i]}; only finite numbers are accepted` });
        return;
      }
    }
  });
export const uint8ArraySchema = z.custom<Uint8Array>((value) => value instanceof Uint8Array, {
  message: 'expected a Uint8Array',
});

const finite = z.number().finite();
const id = z.string().min(1).max(200);
/** The largest network (neurons) a request may carry or build: the app's, the CLI's and the recipes' limit. */
export const MAX_N = 2000;
/** The most bytes of W one project:network-rows answer holds (the renderer asks for 1 MB blocks). */
export const NETWORK_ROWS_MAX_BYTES = 4 * 2 ** 20;

export { dynamicsParamsSchema };

export const readoutSchema = z.object({
  channels: z.number().int().min(1).max(64),
  /** channels × (1 + nE), offset first in each row. */
  weights: float64ArraySchema,
});

/** A network as it travels over IPC (same fields as model/network.ts `Network`, plus identity). */
export const networkPayloadSchema = z
  .object({
    id,
    name: z.string().max(200),
    n: z.number().int().min(2).max(MAX_N),
    nE: z.number().int().min(1).max(MAX_N),
    W: float64ArraySchema,
    x0: float64ArraySchema,
    readout: readoutSchema,
    params: dynamicsParamsSchema,
  })
  .refine((net) => net.W.length === net.n * net.n, { message: 'W must have n·n entries', path: ['W'] })
  .refine((net) => net.x0.length === net.n, { message: 'x0 must have n entries', path: ['x0'] })
  .refine((net) => net.nE <= net.n, { message: 'nE must not exceed n', path: ['nE'] })
  .refine((net) => net.readout.weights.length === net.readout.channels * (1 + net.nE), {
    message: 'readout weights must have channels·(1+nE) entries',
    path: ['readout', 'weights'],
  });
export type NetworkPayload = z.infer<typeof networkPayloadSchema>;

/** A target movement: channel-major values on the movement grid. */
export const targetPayloadSchema = z
  .object({
    id,
    name: z.string().max(200),
    channels: z.number().int().min(1).max(64),
    nSamples: z.number().int().min(2).max(MAX_SAMPLES),
    duration: finite.positive(),
    values: float64ArraySchema,
    /** Where it came from: the published data, drawn, imported CSV, generated, slowed, ... */
    origin: z.string().max(200).optional(),
  })
  .refine((t) => t.values.length === t.channels * t.nSamples, {
    message: 'values must have channels·nSamples entries',
    path: ['values'],
  });
export type TargetPayload = z.infer<typeof targetPayloadSchema>;

/**
 * In-memory project pieces (src-shared/project/schema.ts types) as the renderer sends them in
 * project:update. Structural checks only; the projects service validates the rest.
 */
export const projectNetworkSchema: z.ZodType<ProjectNetwork> = z
  .object({
    id,
    name: z.string().max(200),
    n: z.number().int().min(2).max(MAX_N),
    nE: z.number().int().min(1).max(MAX_N),
    W: float64ArraySchema,
    initialConditions: float64ArraySchema,
    nInitialConditions: z.number().int().min(1),
    readout: z
      .object({
        channels: z.number().int().min(1).max(64),
        weights: float64ArraySchema,
        fittedTo: z.string().nullable(),
        fitError: z.number().nullable(),
      })
      .nullable(),
    params: dynamicsParamsSchema,
    seed: z.number().int().nullable(),
    soc: z
      .object({
        recipe: z.string(),
        seed: z.number().int(),
        iterations: z.number().int(),
        finalAlpha: z.number(),
        alphaHistory: float64ArraySchema,
        buildMs: z.number().nullable(),
      })
      .nullable(),
    origin: z.string().max(200),
    createdAt: z.string().max(64),
  })
  .refine((net) => net.W.length === net.n * net.n, { message: 'W must have n·n entries', path: ['W'] })
  .refine((net) => net.initialConditions.length === net.nInitialConditions * net.n, {
    message: 'initialConditions must have m·n entries',
    path: ['initialConditions'],
  });

export const targetMovementSchema: z.ZodType<TargetMovement> = z
  .object({
    id,
    name: z.string().max(200),
    channels: z.number().int().min(1).max(64),
    nSamples: z.number().int().min(2).max(MAX_SAMPLES),
    duration: finite.positive(),
    values: float64ArraySchema,
    // the one declaration of a target's origin (project/schema.ts)
    source: targetSourceJsonSchema,
    createdAt: z.string().max(64),
  })
  .refine((t) => t.values.length === t.channels * t.nSamples, {
    message: 'values must have channels·nSamples entries',
    path: ['values'],
  });

function looksLikeProject(value: unknown): value is ProjectView {
  if (value === null || typeof value !== 'object') return false;
  const p = value as Record<string, unknown>;
  return typeof p.name === 'string' && Array.isArray(p.networks) && Array.isArray(p.targets) && Array.isArray(p.runs);
}

export const itemRefSchema = z.strictObject({ collection: z.enum(COLLECTIONS), id });
export const namedItemSchema = z.object({ collection: z.enum(COLLECTIONS), id, name: z.string() });

/**
 * The open project as the renderer sees it: its view (src-shared/project/view.ts: everything but
 * the bulk arrays, which are fetched by id), where it lives, whether it has unsaved changes, what
 * Undo / Redo would do, how the last autosave went and results waiting from closed sessions.
 * Main answers with the same object until the project changes (revision).
 */
export const projectSummarySchema = z.object({
  /** Absolute path of the file, or null for an unsaved project. */
  path: z.string().nullable(),
  name: z.string(),
  dirty: z.boolean(),
  /** Grows with every change of the open project (a new project starts again from 1). */
  revision: z.number().int(),
  project: z.custom<ProjectView>(looksLikeProject, { message: 'not a GainLab project' }),
  /** What Undo / Redo would undo / redo ("Delete target “Reach”"), or null. */
  undo: z.string().nullable(),
  redo: z.string().nullable(),
  /** The recovery copy: written (at), failed (message; the user must know the work is not safe), or not needed. */
  autosave: z.object({ state: z.enum(['idle', 'saved', 'failed']), at: z.number().nullable(), message: z.string().nullable() }),
  /** Results of jobs that finished while this project was closed, waiting to be added or discarded. */
  pending: z.object({ count: z.number().int(), labels: z.array(z.string()) }).nullable(),
  /** Unsaved changes to this file autosaved by an earlier session (restore with project:recover + key). */
  recoveryOffer: z.object({ key: z.string(), savedAt: z.number(), name: z.string() }).nullable(),
});
export type ProjectSummary = z.infer<typeof projectSummarySchema>;

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

export const groupsSpecSchema = z.discriminatedUnion('kind', [
  /** G = N: one gain per neuron. */
  z.object({ kind: z.literal('neuron') }),
  /** Random groups [paper code]: `count` groups, labels shuffled with `seed` (default: job seed). */
  z.object({ kind: z.literal('random'), count: z.number().int().min(1).max(MAX_N), seed: z.number().int().optional() }),
  /** Explicit labels 0..G−1 per neuron (e.g. specialised groups from k-means). */
  z.object({ kind: z.literal('explicit'), labels: z.array(z.number().int().min(0)).max(MAX_N) }),
  /**
   * Specialised groups [GainLab definition, model-spec §7]: k-means of the gain changes of
   * neuron-specific runs of the project, computed in main from the runs' best gains.
   */
  z.object({ kind: z.literal('specialised'), count: z.number().int().min(1).max(MAX_N), runIds: z.array(id).min(1).max(64) }),
]);
export type GroupsSpec = z.infer<typeof groupsSpecSchema>;

/**
 * Which network and targets a job works on: either ids in the currently open project, or the
 * data itself (used by tests, the example workspace before it is saved, and the CLI).
 */
export const modelSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('project'),
    networkId: id,
    targetIds: z.array(id).min(1).max(16),
    /** Initial-condition row per target (default: row 0 for every target). */
    initialConditionIndices: z.array(z.number().int().min(0)).max(16).optional(),
  }),
  z.object({
    kind: z.literal('inline'),
    network: networkPayloadSchema,
    targets: z.array(targetPayloadSchema).min(1).max(16),
  }),
]);
export type ModelSource = z.infer<typeof modelSourceSchema>;

export const trainingRequestSchema = z.strictObject({
  source: modelSourceSchema,
  rule: z.enum(['reward', 'gradient']),
  /** Reward rule: number of trials per session; gradient: number of Adam iterations. */
  trials: rangeSchema(SETTING_RANGES.trials),
  /** Reward rule exploration noise σ (paper 0.001); ranges: settingsRanges.ts. */
  sigma: rangeSchema(SETTING_RANGES.sigma).default(0.001),
  /** Reward rule running-average factor α (paper 0.3). */
  alpha: rangeSchema(SETTING_RANGES.alpha).default(0.3),
  /** Gradient rule Adam learning rate (default 1e-2). */
  learningRate: rangeSchema(SETTING_RANGES.learningRate).default(1e-2),
  groups: groupsSpecSchema,
  seed: rangeSchema(SETTING_RANGES.seed),
  /** Independent sessions (the paper runs 10), session k seeded with Rng.derive(seed, k). */
  sessions: rangeSchema(SETTING_RANGES.sessions).default(1),
  /** Starting gains (per neuron); default all 1. */
  initialGains: float64ArraySchema.optional(),
  /**
   * Gradient rule: what is trained (model-spec §6, Supp. Fig. 1f): the gains (default), the
   * initial condition x0, the whole W, or a rank-1 perturbation u vᵀ of W. The reward rule trains gains.
   */
  trainable: z.enum(['gains', 'x0', 'W', 'rank1']).default('gains'),
  label: z.string().max(200).optional(),
  /** What the run is for, as the project's runs browser shows it (default: training). */
  purpose: z.enum(['train', 'refine', 'library']).default('train'),
});
export type TrainingRequest = z.input<typeof trainingRequestSchema>;
export type TrainingOptions = z.output<typeof trainingRequestSchema>;

export const socRequestSchema = z.strictObject({
  /** Even: the first half of the neurons is excitatory (the SOC builder refuses odd N; so does the form). */
  n: z.number().int().min(4).max(MAX_N).refine((n) => n % 2 === 0, { message: 'must be even (the first half of the neurons is excitatory, the second inhibitory)' }),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  /** 'published': the paper's fixed η = 10 recipe; 'adaptive': adaptive η, same constraints and stopping rule (soc.ts). */
  recipe: z.enum(['published', 'adaptive']).default('published'),
  /** Connection probability of the initial matrix, 0 < p < 1 (model-spec §4; default 0.1). */
  p: finite.gt(0).lt(1).optional(),
  /** Initial spectral radius parameter R (default 10). */
  R: finite.positive().max(1000).optional(),
  /** Inhibition/excitation ratio γ (default 3). */
  gamma: finite.positive().max(1000).optional(),
  /** Stop when α(W) ≤ targetAlpha (default 0.15); below 1, as the form asks (α ≥ 1: x = W·x unstable). */
  targetAlpha: finite.min(-10).lt(1).optional(),
  /** Send the eigenvalue spectrum with the progress every this many iterations (default 25; 0 = first and last only). */
  spectrumEvery: z.number().int().min(0).max(100_000).optional(),
  label: z.string().max(200).optional(),
});
export type SocRequest = z.input<typeof socRequestSchema>;
/** A parsed SOC request: the SOC options are declared here once (the task and the job manager use it). */
export type SocOptions = z.output<typeof socRequestSchema>;

// --- speed jobs (model-spec §10): a speed manifold learned on a project network -------------
export const speedRequestSchema = z.strictObject({
  /** A network of the open project (it needs a readout). */
  networkId: id,
  /**
   * m initial conditions learned jointly (model-spec §10): the network's first m rows, completed
   * with further Gramian eigenvectors (model-spec §3) when it has fewer.
   */
  initialConditions: rangeSchema(SETTING_RANGES.speedConditions).default(1),
  /** Number of speeds, evenly spaced factors from 1 to maxFactor (Fig. 6: 7 up to 5). */
  speeds: rangeSchema(SETTING_RANGES.speeds).default(7),
  maxFactor: rangeSchema(SETTING_RANGES.maxFactor).default(5),
  /** Slow variants keep the amplitude ('fixed') or scale it by 1/s² ('scaled'). */
  amplitude: z.enum(['fixed', 'scaled']).default('fixed'),
  rule: z.enum(['reward', 'gradient']),
  /** Reward rule: trials per speed; gradient: Adam iterations per speed. */
  trials: rangeSchema(SETTING_RANGES.trials),
  sigma: rangeSchema(SETTING_RANGES.sigma).default(0.001),
  learningRate: rangeSchema(SETTING_RANGES.learningRate).default(1e-2),
  /** Default: 40 random groups (model-spec §10). */
  groups: groupsSpecSchema.default({ kind: 'random', count: 40 }),
  seed: rangeSchema(SETTING_RANGES.seed),
  label: z.string().max(200).optional(),
});
export type SpeedRequest = z.input<typeof speedRequestSchema>;
export type SpeedOptions = z.output<typeof speedRequestSchema>;

export const speedResultSchema = z.object({
  kind: z.literal('speed'),
  networkId: id,
  n: z.number().int(),
  channels: z.number().int(),
  /** Duration factors learned (the first `factors.length` of those asked for when cancelled). */
  factors: z.array(z.number()),
  /** ms: factor · T */
  durations: z.array(z.number()),
  /** factors.length × n gain patterns, fastest first. */
  gains: float64ArraySchema,
  /** m × n: the initial conditions learned over. */
  initialConditions: float64ArraySchema,
  m: z.number().int(),
  /** Σ_m E_m with g = 1 and with the learned pattern, per speed. */
  initialErrors: z.array(z.number()),
  errors: z.array(z.number()),
  /** Per speed: false for the one stopped while learning (best gains so far). */
  completed: z.array(z.boolean()),
  /** Per speed: outputs of every condition with its pattern, condition-major (m × channels × nSamples_s). */
  outputs: z.array(float64ArraySchema),
  /** Per speed: the slow targets, same layout. */
  targets: z.array(float64ArraySchema),
  groupLabels: z.array(z.number().int()),
  amplitude: z.enum(['fixed', 'scaled']),
  rule: z.enum(['reward', 'gradient']),
  seed: z.number(),
  partial: z.boolean(),
});
export type SpeedResult = z.infer<typeof speedResultSchema>;
// --- end speed jobs --------------------------------------------------------------------------

export const JOB_STATUSES = ['queued', 'running', 'done', 'cancelled', 'failed'] as const;
export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;
export const jobKindSchema = z.enum(['training', 'soc', 'speed', 'experiment', 'sweep']);
export type JobKind = z.infer<typeof jobKindSchema>;

export const trainingSessionResultSchema = z.object({
  session: z.number().int(),
  seed: z.number(),
  /** Gains of the trial with the lowest error (per neuron). */
  bestGains: float64ArraySchema,
  bestError: z.number(),
  bestTrial: z.number().int(),
  /** Error of every trial run (index = trial; entry 0 is the error with the initial gains). */
  errorCurve: float64ArraySchema,
  trialsRun: z.number().int(),
  /**
   * Gradient rule with trainable x0 / W / rank1: the best parameter vector in the trainable's
   * layout (x0: n; W: n·n row-major; rank1: u then v, 2n). Absent for gains (see bestGains).
   */
  bestParameters: float64ArraySchema.optional(),
});
export type TrainingSessionResult = z.infer<typeof trainingSessionResultSchema>;

export const trainingResultSchema = z.object({
  kind: z.literal('training'),
  rule: z.enum(['reward', 'gradient']),
  /** What was trained (gains unless a gradient job asked for x0, W or rank1). */
  trainable: z.enum(['gains', 'x0', 'W', 'rank1']).optional(),
  initialError: z.number(),
  sessions: z.array(trainingSessionResultSchema),
  /** Index into `sessions` of the session with the lowest bestError. */
  bestSession: z.number().int(),
  /** Group label per neuron actually used (so results are reproducible). */
  groupLabels: z.array(z.number().int()),
  /** true when the job was cancelled and this is what had been computed so far. */
  partial: z.boolean(),
});
export type TrainingResult = z.infer<typeof trainingResultSchema>;

export const socResultSchema = z.object({
  kind: z.literal('soc'),
  W: float64ArraySchema,
  n: z.number().int(),
  nE: z.number().int(),
  alphaHistory: float64ArraySchema,
  iterations: z.number().int(),
  seed: z.number(),
  recipe: z.string(),
  /** α(W) ≤ 0.15 was reached (false: stopped at the iteration cap; the network is not stable enough). */
  converged: z.boolean(),
  finalAlpha: z.number(),
  partial: z.boolean(),
});
export type SocResult = z.infer<typeof socResultSchema>;

export const jobResultSchema = z.discriminatedUnion('kind', [trainingResultSchema, socResultSchema, speedResultSchema, experimentJobResultSchema, sweepJobResultSchema]);
export type JobResult = z.infer<typeof jobResultSchema>;

export const jobSummarySchema = z.object({
  jobId: id,
  kind: jobKindSchema,
  label: z.string(),
  status: jobStatusSchema,
  /** 0..100 */
  percent: z.number(),
  /** Trials (or SOC iterations) completed so far, over all sessions. */
  trial: z.number().int(),
  totalTrials: z.number().int(),
  bestError: z.number().nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  error: errorInfoSchema.nullable(),
  /** Experiment jobs: the definition's latest progress message ("target 2/3: training x0 …"). */
  message: z.string().optional(),
  /** The project the job belongs to (its result goes there), or null (not a project's job). */
  projectId: z.string().nullable(),
  projectName: z.string().nullable(),
  /** Queued jobs: 1 = next to start. */
  queuePosition: z.number().int().nullable(),
  /** Running jobs: ms left at the rate measured so far (null until it can be estimated). */
  etaMs: z.number().nullable(),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

/**
 * The gains of one session at one trial (reward rule; about 40 per session over a run): the live
 * "gains over training" and "output at chosen trials" plots are drawn from these.
 */
export const gainSnapshotSchema = z.object({
  session: z.number().int(),
  trial: z.number().int(),
  gains: float64ArraySchema,
});
export type GainSnapshot = z.infer<typeof gainSnapshotSchema>;

export const jobDetailSchema = jobSummarySchema.extend({
  request: z.union([trainingRequestSchema, socRequestSchema, speedRequestSchema, experimentRequestSchema, sweepRequestSchema]),
  /** Error points received so far, per session (the live error curve). */
  errorsBySession: z.array(z.array(z.number())),
  /** Training: gain snapshots received so far (all sessions, in arrival order). */
  gainSnapshots: z.array(gainSnapshotSchema).optional(),
  /** The final result (done), the partial result (cancelled), or null (running/failed). */
  result: jobResultSchema.nullable(),
});
export type JobDetail = z.infer<typeof jobDetailSchema>;


/** A run of new error points: errors[i] is trial fromTrial + i of session `session`. */
export const errorPointsSchema = z.object({
  session: z.number().int(),
  fromTrial: z.number().int(),
  values: z.array(z.number()),
});
export type ErrorPoints = z.infer<typeof errorPointsSchema>;

// ---------------------------------------------------------------------------------------------
// Simulation
// ---------------------------------------------------------------------------------------------

export const simulateRequestSchema = z.strictObject({
  /** A network of the open project (with the initial-condition row to start from) or inline data. */
  network: z.union([
    z.object({ networkId: id, initialConditionIndex: z.number().int().min(0).default(0) }),
    networkPayloadSchema,
  ]),
  /** Per-neuron gains; default all 1. */
  gains: float64ArraySchema.optional(),
  /** A target to compute the normalised error against (inline or id in the open project). */
  target: z.union([z.object({ targetId: id }), targetPayloadSchema]).optional(),
  /** Return the rate matrix too (n × nSamples floats; skip it when only the output is plotted). */
  includeRates: z.boolean().default(true),
});
export type SimulateRequest = z.input<typeof simulateRequestSchema>;

export const simulateResponseSchema = z.object({
  channels: z.number().int(),
  nSamples: z.number().int(),
  /** Channel-major network output m(t). */
  output: float64ArraySchema,
  /** Time-major rates f(x; g) relative to baseline, or null when not requested. */
  rates: float64ArraySchema.nullable(),
  /** Normalised error against the target, or null without a target. */
  error: z.number().nullable(),
  durationMs: z.number(),
});
export type SimulateResponse = z.infer<typeof simulateResponseSchema>;

// --- motor primitives (model-spec §9): libraries stored in the project, fits of novel targets --
export const createLibraryRequestSchema = z
  .strictObject({
    /** The project network every pattern was learned on (and the library is stored for). */
    networkId: id,
    name: z.string().trim().min(1).max(200),
    /**
     * Training jobs, one per pattern (stored in the project as runs first; jobs still running are
     * waited for in main, see the response's `pending`), and/or runs
     * already in the project; patterns in this order (jobs first). Each contributes the best gains
     * of its best session.
     */
    jobIds: z.array(id).max(64).default([]),
    runIds: z.array(id).max(64).default([]),
    /**
     * Training runs main starts for this library (one per pattern, after `jobIds` in pattern
     * order) in the same request that registers the library, so a renderer reload at any moment
     * of a build loses nothing. Their job ids come back in the response's `startedJobIds`.
     */
    trainings: z.array(trainingRequestSchema).max(64).default([]),
  })
  .refine((r) => r.jobIds.length + r.runIds.length + r.trainings.length >= 1, { message: 'a library needs at least one pattern (jobIds, runIds or trainings)', path: ['jobIds'] })
  .refine((r) => r.jobIds.length + r.runIds.length + r.trainings.length <= 64, { message: 'at most 64 patterns', path: ['jobIds'] });
export type CreateLibraryRequest = z.input<typeof createLibraryRequestSchema>;

export const primitivesFitRequestSchema = z.strictObject({
  libraryId: id,
  /** When given, the network the caller is looking at: a library built on another one is refused. */
  networkId: id.optional(),
  /** The novel target: an id in the open project, or the data itself. */
  target: z.union([z.object({ targetId: id }), targetPayloadSchema]),
  /**
   * How the coefficients are chosen (src-shared/primitives/library.ts FitOptions, GainLab definition
   * 'primitives-combination'): 'bounded-coefficients' (default, as Fig. 4: least squares while
   * Σ|c_k| ≤ 2, else the smallest ridge that meets the bound), 'least-squares' (model-spec §9 as
   * written), or 'ridge' with the fixed penalty δ of `ridge`.
   */
  combination: z.enum(['bounded-coefficients', 'least-squares', 'ridge']).default('bounded-coefficients'),
  /** Ridge penalty δ on the coefficients, used when combination is 'ridge' (0 = plain least squares). */
  ridge: rangeSchema(SETTING_RANGES.ridge).default(0),
});
export type PrimitivesFitRequest = z.input<typeof primitivesFitRequestSchema>;
export type PrimitivesFitCombination = z.infer<typeof primitivesFitRequestSchema>['combination'];

export const primitivesFitResponseSchema = z.object({
  libraryId: id,
  networkId: id,
  channels: z.number().int(),
  nSamples: z.number().int(),
  duration: z.number(),
  /** Coefficients c (length l), chosen as the request's combination says. */
  coefficients: float64ArraySchema,
  /** The ridge penalty δ used (0 = plain least squares; the bounded rule's δ when it had to bound). */
  ridge: z.number(),
  /** Σ_k |c_k|. */
  coefficientSum: z.number(),
  /** m(1) + Σ c_k (m_k − m(1)), channel-major. */
  fit: float64ArraySchema,
  fitError: z.number(),
  /** Combined gains g = 1 + Σ c_k (g_k − 1), per neuron. */
  gains: float64ArraySchema,
  /** The network's output with the combined gains, channel-major. */
  output: float64ArraySchema,
  outputError: z.number(),
  /** m(1), the output with all gains 1, and its error. */
  baseline: float64ArraySchema,
  baselineError: z.number(),
  /** The target fitted (as resolved). */
  target: float64ArraySchema,
  durationMs: z.number(),
});
export type PrimitivesFitResponse = z.infer<typeof primitivesFitResponseSchema>;
// --- end motor primitives ----------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------------------------

/** Requests are strict: unknown keys are refused (a typo must not silently become a default). */
const empty = z.strictObject({});

export const invokeContract = {
  [CHANNELS.appInfo]: {
    request: empty,
    response: z.object({
      name: z.literal('GainLab'),
      version: z.string(),
      mode: z.enum(['electron', 'web']),
      platform: z.string(),
      workerThreads: z.number().int(),
    }),
  },
  /**
   * Open the published example as an unsaved project: the Stroud et al. network (N = 200) with its
   * initial and novel targets (a synthetic stand-in when the published data is not available).
   */
  [CHANNELS.exampleLoad]: {
    request: empty,
    response: projectSummarySchema,
  },
  [CHANNELS.jobsStartTraining]: {
    request: trainingRequestSchema,
    response: z.object({ jobId: id }),
  },
  [CHANNELS.jobsStartSoc]: {
    request: socRequestSchema,
    response: z.object({ jobId: id }),
  },
  [CHANNELS.jobsStartSpeed]: {
    request: speedRequestSchema,
    response: z.object({ jobId: id }),
  },
  /** Run one paper experiment definition (fig1, supp1f, supp2, fig4, supp3, fig6, supp5, fig8) as a job. */
  [CHANNELS.jobsStartExperiment]: {
    request: experimentRequestSchema,
    response: z.object({ jobId: id }),
  },
  [CHANNELS.jobsCancel]: {
    /** With `session`: stop that session of a multi-session training job only; the others go on. */
    request: z.strictObject({ jobId: id, session: z.number().int().min(0).max(99).optional() }),
    /** The job's status after the request (a finished job stays as it was). */
    response: z.object({ jobId: id, status: jobStatusSchema }),
  },
  [CHANNELS.jobsList]: {
    request: empty,
    response: z.array(jobSummarySchema),
  },
  [CHANNELS.jobsGet]: {
    request: z.strictObject({ jobId: id }),
    response: jobDetailSchema,
  },
  /** Forget a finished job (running jobs must be cancelled first → 'forbidden'). */
  [CHANNELS.jobsRemove]: {
    request: z.strictObject({ jobId: id }),
    response: z.object({ jobId: id }),
  },
  /** Forget every finished job (of one project, or of all); running and queued jobs stay. */
  [CHANNELS.jobsClearFinished]: {
    request: z.strictObject({ projectId: z.string().max(200).nullable().optional() }),
    response: z.object({ removed: z.number().int() }),
  },
  [CHANNELS.simulateRun]: {
    request: simulateRequestSchema,
    response: simulateResponseSchema,
  },
  [CHANNELS.projectNew]: {
    request: empty,
    response: projectSummarySchema,
  },
  /**
   * Open a project file. Without `path` the Electron side shows an open dialog (cancelling it
   * answers 'cancelled'); web mode needs a path or uses project:import.
   */
  [CHANNELS.projectOpen]: {
    request: z.strictObject({ path: z.string().min(1).max(4096).optional() }),
    response: projectSummarySchema,
  },
  /** Save to the current path (an unsaved project behaves like saveAs). */
  [CHANNELS.projectSave]: {
    request: empty,
    response: z.object({ path: z.string() }),
  },
  [CHANNELS.projectSaveAs]: {
    request: z.strictObject({ path: z.string().min(1).max(4096).optional() }),
    response: z.object({ path: z.string() }),
  },
  [CHANNELS.projectRecent]: {
    request: empty,
    response: z.array(z.object({ path: z.string(), name: z.string(), openedAt: z.number() })),
  },
  /**
   * Web mode has no save dialog: where Save should suggest writing the open project (its own file,
   * else next to the most recent project, else $GAINLAB_PROJECTS_DIR or ~/GainLab).
   */
  [CHANNELS.projectSuggestPath]: {
    request: empty,
    response: z.object({ path: z.string() }),
  },
  /** Restore the autosaved copy of the last session, if there is one (null otherwise). */
  /**
   * Recovery copies (autosaved unsaved work of an earlier session). Without `key`: the newest copy
   * of another session (offered at start). With `restore`, that copy (or the one named by `key`)
   * becomes the open project (unsaved, bound to its file); the copy stays until a save or Discard.
   */
  [CHANNELS.projectRecover]: {
    request: z.strictObject({ restore: z.boolean().default(false), key: z.string().max(200).optional() }),
    response: z.object({
      available: z.boolean(),
      savedAt: z.number().nullable(),
      name: z.string().nullable(),
      key: z.string().nullable(),
      originalPath: z.string().nullable(),
      project: projectSummarySchema.nullable(),
    }),
  },
  [CHANNELS.projectCurrent]: {
    request: empty,
    response: projectSummarySchema,
  },
  /**
   * Add or replace networks/targets, rename the project, edit its notes (undoable; marks the
   * project dirty). Removals go through project:remove-items (dependents, confirmation, undo);
   * job results enter the project from main when their job finishes, never through this channel.
   */
  [CHANNELS.projectUpdate]: {
    request: z.strictObject({
      name: z.string().max(200).optional(),
      notes: z.string().max(100_000).optional(),
      upsertNetworks: z.array(projectNetworkSchema).max(32).optional(),
      upsertTargets: z.array(targetMovementSchema).max(256).optional(),
      /**
       * Add the network of a finished SOC job: initial conditions from its observability Gramian
       * (model-spec §3, top `initialConditions` eigenvectors) and, when a target is named, a readout
       * fitted to it by NNLS with all gains 1 (model-spec §2); otherwise no readout yet.
       */
      addNetworkFromJob: z
        .strictObject({
          jobId: id,
          name: z.string().min(1).max(200).optional(),
          initialConditions: z.number().int().min(1).max(16).default(1),
          fitReadoutToTargetId: id.optional(),
        })
        .optional(),
      /**
       * Add a network from arrays (e.g. .npy files of the published layout): main checks them,
       * computes Gramian initial conditions in a worker when no x0 is given (model-spec §3), and
       * adds it without a readout fit (the given readout, or none).
       */
      importNetwork: z
        .strictObject({
          name: z.string().trim().min(1).max(200),
          n: z.number().int().min(4).max(MAX_N).refine((n) => n % 2 === 0, 'N must be even (first half excitatory)'),
          W: float64ArraySchema,
          x0: float64ArraySchema.optional(),
          readout: z.strictObject({ channels: z.number().int().min(1).max(64), weights: float64ArraySchema }).optional(),
          initialConditions: z.number().int().min(1).max(16).default(1),
          origin: z.string().max(200).default('imported'),
        })
        .refine((r) => r.W.length === r.n * r.n, { message: 'W must have n·n entries', path: ['W'] })
        .refine((r) => !r.x0 || r.x0.length === r.n, { message: 'x0 must have n entries', path: ['x0'] })
        .refine((r) => !r.readout || r.readout.weights.length === r.readout.channels * (1 + r.n / 2), {
          message: 'readout weights must have channels·(1 + n/2) entries',
          path: ['readout', 'weights'],
        })
        // the project's bound on model values (project/limits.ts), before any work is done on them
        .superRefine((r, ctx) => {
          const arrays: [string[], Float64Array | undefined][] = [[['W'], r.W], [['x0'], r.x0], [['readout', 'weights'], r.readout?.weights]];
          for (const [path, data] of arrays) {
            const problem = data ? modelValueProblem(data) : null;
            // NaN and ±Infinity: float64ArraySchema said so already
            if (problem?.finite) ctx.addIssue({ code: 'custom', message: problem.message, path });
          }
        })
        .optional(),
      /**
       * Recompute a network's initial conditions (top `initialConditions` eigenvectors of its
       * observability Gramian, model-spec §3) and, when a target is named, fit its readout to that
       * target by NNLS with all gains 1 (model-spec §2). Without a target the readout is kept.
       */
      prepareNetwork: z
        .strictObject({
          networkId: id,
          initialConditions: z.number().int().min(1).max(16).default(1),
          fitReadoutToTargetId: id.optional(),
        })
        .optional(),
    }),
    response: projectSummarySchema,
  },
  /** Open a project from bytes (web mode upload, drag and drop). */
  [CHANNELS.projectImport]: {
    request: z.strictObject({ fileName: z.string().max(400), bytes: uint8ArraySchema }),
    response: projectSummarySchema,
  },
  /** The current project as file bytes (web mode download). */
  [CHANNELS.projectExport]: {
    request: empty,
    response: z.object({ fileName: z.string(), bytes: uint8ArraySchema }),
  },
  // --- the open project's items by id: the summary leaves their bulk arrays out (project/view.ts) ---
  /** withoutWeights: W comes back empty (the renderer then reads a large W in row blocks). */
  [CHANNELS.projectNetwork]: {
    request: z.strictObject({ networkId: id, withoutWeights: z.boolean().optional() }),
    response: z.custom<ProjectNetwork>(),
  },
  /**
   * Rows from..to − 1 of a network's W (row-major, (to − from)·n values, at most
   * NETWORK_ROWS_MAX_BYTES): a large W in several messages, so that no one message takes the
   * page's thread long to receive (an 8 MB message took ~230 ms in Chromium).
   */
  [CHANNELS.projectNetworkRows]: {
    request: z.strictObject({ networkId: id, from: z.number().int().min(0).max(MAX_N), to: z.number().int().min(1).max(MAX_N) }),
    response: z.object({ n: z.number().int(), from: z.number().int(), to: z.number().int(), values: float64ArraySchema }),
  },
  [CHANNELS.projectRun]: {
    request: z.strictObject({ runId: id }),
    response: z.custom<TrainingRun>(),
  },
  [CHANNELS.projectLibrary]: {
    request: z.strictObject({ libraryId: id }),
    response: z.custom<PrimitiveLibrary>(),
  },
  [CHANNELS.projectResult]: {
    request: z.strictObject({ resultId: id }),
    response: z.custom<ExperimentResultRecord>(),
  },
  /** Rename an item or change its notes (undoable). */
  [CHANNELS.projectEditItem]: {
    request: z.strictObject({
      item: itemRefSchema,
      name: z.string().trim().min(1).max(200).optional(),
      notes: z.string().max(100_000).optional(),
    }),
    response: projectSummarySchema,
  },
  /** What removing these items would take with it, and the jobs still using them (for the confirmation). */
  [CHANNELS.projectDependents]: {
    request: z.strictObject({ items: z.array(itemRefSchema).min(1).max(1000) }),
    response: z.object({
      items: z.array(namedItemSchema),
      dependents: z.array(namedItemSchema),
      runningJobs: z.array(z.object({ jobId: id, label: z.string() })),
    }),
  },
  /**
   * Remove items (undoable). With dependents (runs that use a removed target, …) the request must
   * say `withDependents: true`, or it is refused; items a running job uses are refused.
   */
  [CHANNELS.projectRemoveItems]: {
    request: z.strictObject({ items: z.array(itemRefSchema).min(1).max(1000), withDependents: z.boolean().default(false) }),
    response: projectSummarySchema,
  },
  /** Undo / redo the last edit of the open project (job results are not edits and stay). */
  [CHANNELS.projectUndo]: { request: empty, response: projectSummarySchema },
  [CHANNELS.projectRedo]: { request: empty, response: projectSummarySchema },
  /** Add (or discard) the results of jobs that finished while this project was closed. */
  [CHANNELS.projectPending]: {
    request: z.strictObject({ action: z.enum(['add', 'discard']) }),
    response: projectSummarySchema,
  },
  /**
   * Discard a recovery copy: the one named by `key` (an offered copy the user declined), or without
   * it the open project's own copy (the user chose "Don't save").
   */
  [CHANNELS.projectDiscardRecovery]: {
    request: z.strictObject({ key: z.string().max(200).optional() }),
    response: z.object({ discarded: z.boolean() }),
  },
  /** A stored run's recipe (.zip of the recipe JSON and its .npy files; `gainlab run` repeats it). */
  [CHANNELS.runsRecipe]: {
    request: z.strictObject({ runId: id }),
    response: z.object({ fileName: z.string(), bytes: uint8ArraySchema }),
  },
  // --- motor primitives ---
  /**
   * Build a primitive library from finished training runs (model-spec §9): the best gains of each
   * run and each pattern's output (simulated in the worker), stored in the open project (dirty).
   */
  [CHANNELS.primitivesCreateLibrary]: {
    request: createLibraryRequestSchema,
    /**
     * pending (primitives build in main): some jobs were still running; main creates the library
     * under `libraryId` when all finish done (project:changed), and none when one fails or is cancelled.
     */
    response: z.object({ libraryId: id, project: projectSummarySchema, pending: z.boolean().optional(), startedJobIds: z.array(id).optional() }),
  },
  /** Least-squares combination of a library for a novel target: fit, combined gains and their output. */
  [CHANNELS.primitivesFit]: {
    request: primitivesFitRequestSchema,
    response: primitivesFitResponseSchema,
  },
  ...sweepInvokeContract,
} as const;

export const eventContract = {
  /** Throttled to ~10 per second per job; `errors` carries the points since the previous event. */
  [EVENTS.jobsProgress]: z.object({
    jobId: id,
    status: jobStatusSchema,
    percent: z.number(),
    trial: z.number().int(),
    errors: z.array(errorPointsSchema),
    bestError: z.number().nullable(),
    /** Training: gain snapshots since the previous event. */
    gainSnapshots: z.array(gainSnapshotSchema).optional(),
    /** SOC builds: the latest eigenvalue spectrum of W (every `spectrumEvery` iterations, and the last). */
    spectrum: z
      .object({ iteration: z.number().int(), alpha: z.number(), re: z.array(z.number()), im: z.array(z.number()) })
      .optional(),
    /** Experiment jobs: the definition's latest progress message. */
    message: z.string().optional(),
    /** ms left at the rate measured so far (JobSummary.etaMs). */
    etaMs: z.number().nullable().optional(),
  }),
  /** Exactly once per job. A cancelled job carries its partial result. */
  [EVENTS.jobsFinished]: z.object({
    jobId: id,
    status: z.enum(['done', 'cancelled', 'failed']),
    result: jobResultSchema.nullable(),
    error: errorInfoSchema.nullable(),
  }),
  /** Native menu items (Electron) forwarded to the renderer. */
  [EVENTS.menuCommand]: z.object({ command: z.enum(['new', 'open', 'save', 'saveAs', 'guide', 'shortcuts', 'about']) }),
  /** The open project changed on the main side (opened, recovered, saved, updated). */
  [EVENTS.projectChanged]: projectSummarySchema,
} as const;

export type InvokeContract = typeof invokeContract;
export type EventContract = typeof eventContract;
export type InvokeChannel = keyof InvokeContract;
export type EventChannel = keyof EventContract;

/** What the caller passes (defaults may be omitted). */
export type RequestOf<C extends InvokeChannel> = z.input<InvokeContract[C]['request']>;
/** What a handler receives after validation (defaults filled in). */
export type ParsedRequestOf<C extends InvokeChannel> = z.output<InvokeContract[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.output<InvokeContract[C]['response']>;
export type EventPayloadOf<E extends EventChannel> = z.output<EventContract[E]>;

export const INVOKE_CHANNELS = Object.keys(invokeContract) as InvokeChannel[];
export const EVENT_CHANNELS = Object.keys(eventContract) as EventChannel[];

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && Object.prototype.hasOwnProperty.call(invokeContract, channel);
}

export function isEventChannel(channel: unknown): channel is EventChannel {
  return typeof channel === 'string' && Object.prototype.hasOwnProperty.call(eventContract, channel);
}

/** The one interface the renderer uses; implemented over Electron IPC and over WebSocket. */
export interface Transport {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>>;
  /** Subscribe to an event channel; returns the unsubscribe function. */
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayloadOf<E>) => void): () => void;
}

/** The raw bridge the preload exposes as `window.gainlab` (untyped at the boundary). */
export interface GainLabBridge {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (payload: unknown) => void): () => void;
}

/** Web-mode wire frames (see the header comment). */
export type ClientFrame = { type: 'invoke'; id: number; channel: string; payload: unknown };
export type ServerFrame =
  | { type: 'result'; id: number; envelope: Envelope<unknown> }
  | { type: 'event'; channel: string; payload: unknown };
