/**
 * Run recipes: everything needed to repeat a training run bit for bit, as a small JSON document
 * with the arrays it needs in .npy files beside it.
 *
 *   run.json            { format: 'gainlab-run', formatVersion: 1, gainlabVersion, network, targets, training, results }
 *   <stem>-W.npy        (n, n)            W row-major
 *   <stem>-x0.npy       (n,)              initial condition the run started from
 *   <stem>-readout.npy  (channels, 1+nE)  offset first in each row
 *   <stem>-target-K.npy (channels, nSamples)
 *   <stem>-initial-gains.npy (n,)         only when the run did not start from g = 1
 *   <stem>-best-NAME-session-K.npy         what session K trained, at its best trial (with results):
 *                                          gains (n,) always; x0 (n,), W (n, n), or rank-1 u (n,) and
 *                                          v (n,) for gradient runs that train those
 *
 * The network and each target are named by content hash: SHA-256 of the float64 bytes
 * (little-endian, the order of the arrays above; see sha256OfFloat64), so a recipe read back checks
 * that the files beside it are the very data the run used. `results` records what the run got
 * (per session: seed, best error, and the SHA-256 of its whole error curve), which is how
 * `gainlab run` tells the user whether the repeat matched bit for bit.
 */
import { z } from 'zod';
import {
  groupsSpecSchema,
  trainingRequestSchema,
  type NetworkPayload,
  type TargetPayload,
  type TrainingOptions,
  type TrainingRequest,
  type TrainingResult,
} from '../ipc/contract.js';
import { sha256OfFloat64 } from './sha256.js';

export const RUN_RECIPE_FORMAT = 'gainlab-run';
export const RUN_RECIPE_VERSION = 1;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const fileName = z
  .string()
  .min(1)
  .max(300)
  // files live beside the recipe: no directories, nothing hidden
  .regex(/^[^/\\]+$/)
  .refine((name) => !name.startsWith('.'), { message: 'file names must not start with a dot' });

/** One trained array a session ended with (its best iterate), in a file beside the recipe. */
export const trainedArraySchema = z.object({
  name: z.enum(['gains', 'x0', 'W', 'u', 'v']),
  file: fileName,
  shape: z.array(z.number().int().min(1)).min(1).max(2),
  sha256: hex64,
});
export type TrainedArrayEntry = z.infer<typeof trainedArraySchema>;
export type TrainedArrayName = TrainedArrayEntry['name'];

export const runRecipeSchema = z.object({
  format: z.literal(RUN_RECIPE_FORMAT),
  formatVersion: z.literal(RUN_RECIPE_VERSION),
  gainlabVersion: z.string(),
  createdAt: z.string(),
  label: z.string(),
  network: z.object({
    name: z.string(),
    n: z.number().int().min(2),
    nE: z.number().int().min(1),
    channels: z.number().int().min(1),
    params: z.object({
      tau: z.number(),
      r0: z.number(),
      rmax: z.number(),
      duration: z.number(),
      nSamples: z.number().int(),
      gainFunction: z.enum(['tanh', 'linear']),
    }),
    files: z.object({ W: fileName, x0: fileName, readout: fileName }),
    /** SHA-256 of W, x0 and readout weights bytes, one after the other. */
    sha256: hex64,
  }),
  targets: z
    .array(
      z.object({
        name: z.string(),
        channels: z.number().int().min(1),
        nSamples: z.number().int().min(2),
        duration: z.number().positive(),
        file: fileName,
        sha256: hex64,
      }),
    )
    .min(1),
  training: z.object({
    rule: z.enum(['reward', 'gradient']),
    trainable: z.enum(['gains', 'x0', 'W', 'rank1']),
    trials: z.number().int().min(1),
    sigma: z.number(),
    alpha: z.number(),
    learningRate: z.number(),
    groups: groupsSpecSchema,
    seed: z.number().int().min(0),
    sessions: z.number().int().min(1),
    initialGains: z.object({ file: fileName, sha256: hex64 }).nullable(),
  }),
  results: z
    .object({
      initialError: z.number(),
      partial: z.boolean(),
      sessions: z.array(
        z.object({
          seed: z.number(),
          bestError: z.number(),
          bestTrial: z.number().int(),
          trialsRun: z.number().int(),
          errorCurveSha256: hex64,
          /**
           * The session's best gains and, for gradient runs on x0 / W / rank1, the trained x0, W
           * or u and v (absent in recipes written before they were exported).
           */
          trained: z.array(trainedArraySchema).optional(),
        }),
      ),
    })
    .nullable(),
});
export type RunRecipe = z.infer<typeof runRecipeSchema>;

export interface RecipeArray {
  data: Float64Array;
  shape: number[];
}

export interface RecipeBundle {
  recipe: RunRecipe;
  /** File name → array, to be written beside the recipe as .npy. */
  arrays: Record<string, RecipeArray>;
}

export class RecipeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecipeError';
  }
}

export function networkContentHash(network: Pick<NetworkPayload, 'W' | 'x0' | 'readout'>): string {
  return sha256OfFloat64(network.W, network.x0, network.readout.weights);
}

export function targetContentHash(target: Pick<TargetPayload, 'values'>): string {
  return sha256OfFloat64(target.values);
}

/** A safe file stem from a label ("Reward rule · G = N" → "reward-rule-g-n"). */
export function fileStem(label: string): string {
  const stem = label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return stem || 'run';
}

export interface RecipeInput {
  /** The request as the job recorded it, with inline network and targets. */
  request: TrainingOptions;
  result: TrainingResult | null;
  gainlabVersion: string;
  /** ISO time; default now. */
  createdAt?: string;
  /** File stem of the .npy files (default from the label). */
  stem?: string;
}

/** The recipe of a training job whose source is inline data (what the app and the CLI send). */
export function buildRunRecipe(input: RecipeInput): RecipeBundle {
  const { request, result } = input;
  if (request.source.kind !== 'inline') {
    throw new RecipeError('a run recipe needs the network and target data (an inline source), not project ids');
  }
  const { network, targets } = request.source;
  const label = request.label ?? `${request.rule} · ${network.name}`;
  const stem = input.stem ?? fileStem(label);
  const arrays: Record<string, RecipeArray> = {};
  const files = { W: `${stem}-W.npy`, x0: `${stem}-x0.npy`, readout: `${stem}-readout.npy` };
  arrays[files.W] = { data: network.W, shape: [network.n, network.n] };
  arrays[files.x0] = { data: network.x0, shape: [network.n] };
  arrays[files.readout] = { data: network.readout.weights, shape: [network.readout.channels, 1 + network.nE] };
  const targetEntries = targets.map((target, index) => {
    const file = `${stem}-target-${index + 1}.npy`;
    arrays[file] = { data: target.values, shape: [target.channels, target.nSamples] };
    return {
      name: target.name,
      channels: target.channels,
      nSamples: target.nSamples,
      duration: target.duration,
      file,
      sha256: targetContentHash(target),
    };
  });
  let initialGains: RunRecipe['training']['initialGains'] = null;
  if (request.initialGains) {
    const file = `${stem}-initial-gains.npy`;
    arrays[file] = { data: request.initialGains, shape: [request.initialGains.length] };
    initialGains = { file, sha256: sha256OfFloat64(request.initialGains) };
  }
  const recipe: RunRecipe = {
    format: RUN_RECIPE_FORMAT,
    formatVersion: RUN_RECIPE_VERSION,
    gainlabVersion: input.gainlabVersion,
    createdAt: input.createdAt ?? new Date().toISOString(),
    label,
    network: {
      name: network.name,
      n: network.n,
      nE: network.nE,
      channels: network.readout.channels,
      params: { ...network.params },
      files,
      sha256: networkContentHash(network),
    },
    targets: targetEntries,
    training: {
      rule: request.rule,
      trainable: request.trainable ?? 'gains',
      trials: request.trials,
      sigma: request.sigma,
      alpha: request.alpha,
      learningRate: request.learningRate,
      groups: request.groups,
      seed: request.seed,
      sessions: request.rule === 'gradient' ? 1 : request.sessions,
      initialGains,
    },
    results: result ? recipeResults(result, { stem, n: network.n, arrays }) : null,
  };
  return { recipe, arrays };
}

export interface TrainedArray {
  name: TrainedArrayName;
  data: Float64Array;
  shape: number[];
}

/**
 * What session `index` of a result trained, at its best iterate: the gains (n) always, and for
 * gradient runs on x0 / W / rank1 the trained x0 (n), W (n × n, row-major) or u and v (n each;
 * bestParameters holds u then v).
 */
export function trainedArrays(result: TrainingResult, index: number, n: number): TrainedArray[] {
  const session = result.sessions[index];
  const out: TrainedArray[] = [{ name: 'gains', data: session.bestGains, shape: [n] }];
  const parameters = session.bestParameters;
  const trainable = result.trainable ?? 'gains';
  if (!parameters || trainable === 'gains') return out;
  const expected = trainable === 'W' ? n * n : trainable === 'rank1' ? 2 * n : n;
  if (parameters.length !== expected) {
    throw new RecipeError(`session ${index + 1}: ${parameters.length} trained ${trainable} parameters, expected ${expected}`);
  }
  if (trainable === 'x0') out.push({ name: 'x0', data: parameters, shape: [n] });
  else if (trainable === 'W') out.push({ name: 'W', data: parameters, shape: [n, n] });
  else {
    out.push({ name: 'u', data: parameters.subarray(0, n), shape: [n] });
    out.push({ name: 'v', data: parameters.subarray(n, 2 * n), shape: [n] });
  }
  return out;
}

/**
 * The results part of a recipe. With `files`, every session's trained arrays are added to
 * files.arrays (as <stem>-best-NAME-session-K.npy) and listed with their SHA-256.
 */
export function recipeResults(
  result: TrainingResult,
  files?: { stem: string; n: number; arrays: Record<string, RecipeArray> },
): NonNullable<RunRecipe['results']> {
  return {
    initialError: result.initialError,
    partial: result.partial,
    sessions: result.sessions.map((session, index) => ({
      seed: session.seed,
      bestError: session.bestError,
      bestTrial: session.bestTrial,
      trialsRun: session.trialsRun,
      errorCurveSha256: sha256OfFloat64(session.errorCurve),
      ...(files
        ? {
            trained: trainedArrays(result, index, files.n).map((array) => {
              const file = `${files.stem}-best-${array.name}-session-${index + 1}.npy`;
              // a copy: u and v are views into bestParameters
              files.arrays[file] = { data: Float64Array.from(array.data), shape: array.shape };
              return { name: array.name, file, shape: array.shape, sha256: sha256OfFloat64(array.data) };
            }),
          }
        : {}),
    })),
  };
}

/**
 * The trained arrays a recipe recorded, loaded from the files beside it and checked against their
 * SHA-256 (per session; empty for recipes that recorded none).
 */
export function recordedTrainedArrays(recipe: RunRecipe, load: (fileName: string) => RecipeArray): TrainedArray[][] {
  return (recipe.results?.sessions ?? []).map((session) =>
    (session.trained ?? []).map((entry) => {
      const array = load(entry.file);
      expectShape(entry.file, array, entry.shape);
      checkHash(entry.file, sha256OfFloat64(array.data), entry.sha256);
      return { name: entry.name, data: array.data, shape: entry.shape };
    }),
  );
}

/** Parse and check a recipe document (JSON text or an already parsed value). */
export function parseRunRecipe(json: string | unknown): RunRecipe {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new RecipeError(`not JSON: ${(error as Error).message}`);
    }
  }
  if (value && typeof value === 'object' && (value as { format?: unknown }).format !== RUN_RECIPE_FORMAT) {
    throw new RecipeError(`not a GainLab run recipe (format is not "${RUN_RECIPE_FORMAT}")`);
  }
  const parsed = runRecipeSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RecipeError(`run recipe: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}

function expectShape(file: string, array: RecipeArray, shape: number[]): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== size) {
    throw new RecipeError(`${file} has ${array.data.length} values; the recipe needs shape (${shape.join(', ')})`);
  }
}

function checkHash(file: string, actual: string, expected: string): void {
  if (actual !== expected) {
    throw new RecipeError(`${file} is not the data the run used (SHA-256 ${actual.slice(0, 12)}… ≠ ${expected.slice(0, 12)}…)`);
  }
}

/**
 * The jobs:start-training request that repeats a recipe, with the data loaded by `load(fileName)`
 * (from the files beside it). Every array is checked against the recipe's content hash.
 */
export function trainingRequestFromRecipe(recipe: RunRecipe, load: (fileName: string) => RecipeArray): TrainingRequest {
  const net = recipe.network;
  const W = load(net.files.W);
  const x0 = load(net.files.x0);
  const readout = load(net.files.readout);
  expectShape(net.files.W, W, [net.n, net.n]);
  expectShape(net.files.x0, x0, [net.n]);
  expectShape(net.files.readout, readout, [net.channels, 1 + net.nE]);
  const network: NetworkPayload = {
    id: `recipe-${net.sha256.slice(0, 16)}`,
    name: net.name,
    n: net.n,
    nE: net.nE,
    W: W.data,
    x0: x0.data,
    readout: { channels: net.channels, weights: readout.data },
    params: { ...net.params },
  };
  checkHash(`${net.files.W}, ${net.files.x0}, ${net.files.readout}`, networkContentHash(network), net.sha256);
  const targets: TargetPayload[] = recipe.targets.map((entry, index) => {
    const values = load(entry.file);
    expectShape(entry.file, values, [entry.channels, entry.nSamples]);
    checkHash(entry.file, targetContentHash({ values: values.data }), entry.sha256);
    return {
      id: `recipe-target-${index + 1}-${entry.sha256.slice(0, 12)}`,
      name: entry.name,
      channels: entry.channels,
      nSamples: entry.nSamples,
      duration: entry.duration,
      values: values.data,
    };
  });
  const t = recipe.training;
  let initialGains: Float64Array | undefined;
  if (t.initialGains) {
    const gains = load(t.initialGains.file);
    expectShape(t.initialGains.file, gains, [net.n]);
    checkHash(t.initialGains.file, sha256OfFloat64(gains.data), t.initialGains.sha256);
    initialGains = gains.data;
  }
  const request: TrainingRequest = {
    source: { kind: 'inline', network, targets },
    rule: t.rule,
    trainable: t.trainable,
    trials: t.trials,
    sigma: t.sigma,
    alpha: t.alpha,
    learningRate: t.learningRate,
    groups: t.groups,
    seed: t.seed,
    sessions: t.sessions,
    label: recipe.label,
    ...(initialGains ? { initialGains } : {}),
  };
  const checked = trainingRequestSchema.safeParse(request);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new RecipeError(`run recipe: ${issue.path.join('.')}: ${issue.message}`);
  }
  return request;
}

export interface RecipeComparison {
  /** true when every session's error curve (and trained arrays, where recorded) hash to the recorded ones. */
  identical: boolean;
  sessions: Array<{
    session: number;
    identical: boolean;
    bestError: number;
    recordedBestError: number | null;
    /**
     * Per recorded trained array: whether the repeat's hashes to it (null for a cancelled run's
     * recipe, whose best iterate the full repeat need not share).
     */
    trained?: Array<{ name: TrainedArrayName; identical: boolean | null }>;
  }>;
}

/** Compare a repeated run's result with the results a recipe recorded. */
export function compareWithRecipe(recipe: RunRecipe, result: TrainingResult): RecipeComparison | null {
  if (!recipe.results) return null;
  const sessions = result.sessions.map((session, index) => {
    const recorded = recipe.results!.sessions[index];
    // a cancelled run recorded only its first trials: compare the same stretch of the repeat
    const curve = recorded && recipe.results!.partial ? session.errorCurve.subarray(0, recorded.trialsRun + 1) : session.errorCurve;
    const curveIdentical = !!recorded && recorded.errorCurveSha256 === sha256OfFloat64(curve);
    let trained: Array<{ name: TrainedArrayName; identical: boolean | null }> | undefined;
    if (recorded?.trained && recorded.trained.length > 0) {
      const repeated = new Map(trainedArrays(result, index, recipe.network.n).map((array) => [array.name, array.data]));
      trained = recorded.trained.map((entry) => {
        if (recipe.results!.partial) return { name: entry.name, identical: null };
        const data = repeated.get(entry.name);
        return { name: entry.name, identical: !!data && sha256OfFloat64(data) === entry.sha256 };
      });
    }
    return {
      session: index,
      identical: curveIdentical && (trained ?? []).every((t) => t.identical !== false),
      bestError: session.bestError,
      recordedBestError: recorded ? recorded.bestError : null,
      ...(trained ? { trained } : {}),
    };
  });
  const identical = sessions.length === recipe.results.sessions.length && sessions.every((s) => s.identical);
  return { identical, sessions };
}
