/**
 * Shared set-up of the primitive and speed experiments (Figs. 4–8): an SOC network with its
 * Gramian initial conditions and an NNLS readout fitted (all gains 1, from x0 number 0) to a
 * generated "initial" movement — the same recipe as the example project.
 */
import { concatRows } from '../linalg/dense.js';
import { DEFAULT_DYNAMICS, type DynamicsParams } from '../model/params.js';
import { initialConditions } from '../model/gramian.js';
import type { Network } from '../model/network.js';
import { prepareNetwork } from '../model/prepare.js';
import { buildSoc } from '../model/soc.js';
import { generateTarget } from '../model/targets.js';
import type { FigureSpec } from './figureSpec.js';

export interface PreparedNetwork {
  network: Network;
  params: DynamicsParams;
  /** m × n, row 0 = network.x0 */
  initialConditions: Float64Array;
  conditionCount: number;
  initialTarget: Float64Array;
  seed: number;
  socIterations: number;
  buildMs: number;
}

export interface PrepareNetworkOptions {
  n: number;
  seed: number;
  /** Initial conditions (top-m Gramian eigenvectors); default 1. */
  conditions?: number;
  /** Seed of the generated initial movement the readout is fitted to; default 1. */
  targetSeed?: number;
  params?: Partial<DynamicsParams>;
  shouldStop?: () => boolean;
}

function nowMs(): number {
  return Date.now();
}

export function buildExperimentNetwork(options: PrepareNetworkOptions): PreparedNetwork {
  const started = nowMs();
  const params: DynamicsParams = { ...DEFAULT_DYNAMICS, ...options.params };
  const soc = buildSoc({ n: options.n, seed: options.seed, recipe: 'adaptive', eigenvalueEvery: 0 }, undefined, options.shouldStop);
  const m = options.conditions ?? 1;
  return withReadout(soc.W, options.n, soc.nE, m, params, options.targetSeed ?? 1, options.seed, soc.iterations, nowMs() - started);
}

/** Initial conditions and readout for a given W. */
export function withReadout(
  W: Float64Array,
  n: number,
  nE: number,
  conditions: number,
  params: DynamicsParams,
  targetSeed = 1,
  seed = 0,
  socIterations = 0,
  buildMs = 0,
): PreparedNetwork {
  const initialTarget = generateTarget(targetSeed, { duration: params.duration, nSamples: params.nSamples }).values;
  const prepared = prepareNetwork(W, n, nE, conditions, params, { channels: 1, values: initialTarget });
  const x0s = prepared.initialConditions;
  const x0 = x0s.slice(0, n);
  const readout = prepared.readout!;
  return {
    network: { n, nE, W, x0, readout: { channels: 1, weights: readout.weights } },
    params,
    initialConditions: x0s,
    conditionCount: conditions,
    initialTarget,
    seed,
    socIterations,
    buildMs,
  };
}

// ---------------------------------------------------------------------------------------------
// Experiment definitions (Figs. 4–8): plain data out; the CLI writes tables as CSV, arrays as
// .npy and the summary as JSON.
// ---------------------------------------------------------------------------------------------

export interface ExperimentTable {
  name: string;
  columns: string[];
  rows: Array<Array<number | string>>;
}

export interface ExperimentArray {
  name: string;
  shape: number[];
  data: Float64Array;
}

export interface ExperimentResult {
  name: string;
  title: string;
  quick: boolean;
  seed: number;
  /** JSON-able numbers and settings (what the report quotes). */
  summary: Record<string, unknown>;
  tables: ExperimentTable[];
  arrays: ExperimentArray[];
  elapsedMs: number;
  stopped: boolean;
  /** Figures as data (experiments/figureSpec.ts), rendered to SVG by the CLI. */
  figures?: FigureSpec[];
}

/**
 * Finished parts of a long experiment, kept by whoever runs it (the reproduction report keeps
 * them on disk) so a run restarted after a crash skips them. Values are JSON-able data
 * (numbers, strings, arrays, Float64Array, plain objects); keys name the part and its settings.
 */
export interface ExperimentCheckpoint {
  load(key: string): unknown;
  save(key: string, value: unknown): void;
}

/**
 * What a progress message says as a number, for the progress bar (experimentProgressEstimator in
 * ./catalog.ts). A message without it begins the definition's next step; a message with it tells
 * how far the step under way has come. The bar reads only this, never the message's words, so a
 * reworded message (or a number written another way) cannot stall it.
 */
export interface StepProgress {
  /** The share of the step under way that is done, 0–1 (a pool: patterns learned and the batch's trial; fig1: trial / trials). */
  fraction: number;
}

/** Where a definition reports: the message a user reads, and with it the step's progress when the message has one. */
export type ExperimentProgressListener = (message: string, step?: StepProgress) => void;

/**
 * Begin a step with `message` and return how it reports its way through: the same message again
 * with the share done (0–1), at most once per 1/resolution of the step. A long step (Supp. 2's
 * sessions × trials, Fig. 6's speeds: minutes, hours in full) moves the bar instead of holding it
 * at the step's start; the words stay the step's own (the CLI prints a line only when they change).
 */
export function beginStep(report: ExperimentProgressListener, message: string, resolution = 100): (fraction: number) => void {
  report(message);
  let reported = 0;
  return (fraction) => {
    const level = Math.floor(Math.min(1, Math.max(0, fraction)) * resolution);
    if (!(level > reported)) return;
    reported = level;
    report(message, { fraction: level / resolution });
  };
}

/** Builds (or loads) the SOC network of size n for seed, with x0 and the NNLS readout (buildExperimentNetwork). */
export type SocNetworkProvider = (n: number, seed: number, shouldStop?: () => boolean) => PreparedNetwork;

export interface ExperimentRunOptions {
  quick: boolean;
  seed?: number;
  /** Use this network (e.g. the published one) instead of building an SOC network. */
  network?: Network;
  /**
   * Where the given network came from, as the summary records it (the CLI: the --net directory as
   * typed; the app: the project network's name); without it the summary says 'given'.
   */
  networkLabel?: string;
  onProgress?: ExperimentProgressListener;
  shouldStop?: () => boolean;
  /** Where own SOC networks come from (default: built here, cached for the life of the process). */
  socNetwork?: SocNetworkProvider;
  /** Finished parts to reuse and to keep (default: none). */
  checkpoint?: ExperimentCheckpoint;
}

/**
 * The network as an experiment's summary records it: the given network's origin
 * (options.networkLabel, else 'given'), or the own SOC network of size n and the run's seed.
 */
export function networkSummary(options: ExperimentRunOptions, n: number): string {
  return options.network ? (options.networkLabel ?? 'given') : `SOC N = ${n} seed ${options.seed ?? 1}`;
}

export interface ExperimentDefinition {
  name: string;
  title: string;
  /** What runs in full and in quick mode. */
  description: string;
  run(options: ExperimentRunOptions): ExperimentResult;
}

/** Wall clock without DOM/node types: Date.now() is in the ES library. */
export function clock(): number {
  return Date.now();
}

const networkCache = new Map<string, PreparedNetwork>();

/**
 * An SOC network of size n built from `seed` with its Gramian x0 and an NNLS readout fitted (all
 * gains 1) to generated target seed 1 — the example-project recipe. Cached per (n, seed) for the
 * life of the process.
 */
export function socNetwork(n: number, seed: number, shouldStop?: () => boolean): PreparedNetwork {
  const key = `${n}:${seed}`;
  const cached = networkCache.get(key);
  if (cached) return cached;
  const prepared = buildExperimentNetwork({ n, seed, shouldStop });
  if (!shouldStop?.()) networkCache.set(key, prepared);
  return prepared;
}

/**
 * The experiment's network: the given one, or the own SOC network of size n (options.socNetwork,
 * else socNetwork). With m > 1 the top-m Gramian initial conditions are computed; with dynamics
 * that differ from the defaults (e.g. r0 = 5 Hz) the readout is refitted.
 */
export function experimentNetwork(options: ExperimentRunOptions, n: number, conditions: number, params?: Partial<DynamicsParams>): PreparedNetwork {
  const seed = options.seed ?? 1;
  const merged: DynamicsParams = { ...DEFAULT_DYNAMICS, ...params };
  const changedDynamics = Boolean(params && Object.keys(params).length > 0);
  if (options.network) {
    const given = options.network;
    const x0s = conditions > 1 ? initialConditions(given.W, given.n, conditions, given.nE) : Float64Array.from(given.x0);
    // Keep the given readout unless the dynamics changed (r0 variant): then refit it.
    if (changedDynamics) return withReadout(given.W, given.n, given.nE, conditions, merged, 1, seed);
    return {
      network: { ...given, x0: x0s.slice(0, given.n) },
      params: merged,
      initialConditions: x0s,
      conditionCount: conditions,
      initialTarget: new Float64Array(0),
      seed,
      socIterations: 0,
      buildMs: 0,
    };
  }
  const base = (options.socNetwork ?? socNetwork)(n, seed, options.shouldStop);
  if (changedDynamics) return withReadout(base.network.W, n, base.network.nE, conditions, merged, 1, seed, base.socIterations, base.buildMs);
  if (conditions <= 1) return base;
  const x0s = initialConditions(base.network.W, n, conditions, base.network.nE);
  return { ...base, initialConditions: x0s, conditionCount: conditions };
}

/** Generated targets with seeds base, base+1, … on the network's grid. */
export function generatedTargets(count: number, baseSeed: number, params: DynamicsParams): Float64Array[] {
  return Array.from({ length: count }, (_, k) => generateTarget(baseSeed + k, { duration: params.duration, nSamples: params.nSamples }).values);
}

/** Rows of equal-length arrays stacked into one array (for .npy). */
export function stack(name: string, rowsIn: readonly Float64Array[]): ExperimentArray {
  const width = rowsIn.length > 0 ? rowsIn[0].length : 0;
  return { name, shape: [rowsIn.length, width], data: concatRows(rowsIn) };
}

export function median(values: ArrayLike<number>): number {
  const sorted = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

/**
 * A finished part from the checkpoint, or computed now and kept there (unless the run was
 * stopped meanwhile: a partial part must be recomputed next time). `isPartial` tells whether the
 * computed value is incomplete.
 */
export function checkpointed<T>(options: Pick<ExperimentRunOptions, 'checkpoint' | 'shouldStop'>, key: string, compute: () => T, isPartial: (value: T) => boolean = () => false): T {
  const kept = options.checkpoint?.load(key);
  if (kept !== undefined) return kept as T;
  const value = compute();
  if (options.checkpoint && !isPartial(value) && !options.shouldStop?.()) options.checkpoint.save(key, value);
  return value;
}

/**
 * A step of the run whose result is kept in the checkpoint: begun with `message` (beginStep)
 * whether it is computed now — compute(done) reports its way through — or taken from the
 * checkpoint, and then reported done at once. The progress bar counts the steps begun
 * (experimentProgressEstimator in ./catalog.ts): a kept step that said nothing left a resumed run's
 * bar a step behind for each one, through the rest of the run (Fig. 6 resumed in its speed
 * manifold stood at 19 % where the work done was 57 %).
 */
export function checkpointedStep<T>(
  options: Pick<ExperimentRunOptions, 'checkpoint' | 'shouldStop' | 'onProgress'>,
  key: string,
  message: string,
  compute: (done: (fraction: number) => void) => T,
  isPartial?: (value: T) => boolean,
): T {
  const done = beginStep(options.onProgress ?? (() => {}), message);
  let computed = false;
  const value = checkpointed(
    options,
    key,
    () => {
      computed = true;
      return compute(done);
    },
    isPartial,
  );
  if (!computed) done(1);
  return value;
}

/** A stable 32-bit hash of a label (FNV-1a), for seeds that do not shift when parts are added. */
export function labelHash(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** An experiment result with figures and analysis CSV texts beside its tables and arrays. */
export interface FigureExperimentResult extends ExperimentResult {
  figures: FigureSpec[];
  /** Extra CSV files (name without extension → text), e.g. from the analyses' toCsv(). */
  csv: Array<{ name: string; text: string }>;
}

export interface FigureExperimentOptions extends ExperimentRunOptions {
  /** Target for the given network (e.g. the published novel_target.npy); channel-major. */
  target?: Float64Array;
  /** Where the given target came from (the CLI: DIR/novel_target.npy), as networkLabel says it for the network. */
  targetLabel?: string;
}

export interface FigureExperimentDefinition {
  name: string;
  title: string;
  description: string;
  run(options: FigureExperimentOptions): FigureExperimentResult;
}
