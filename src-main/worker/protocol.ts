/**
 * Messages between the job manager (main side) and the model worker (piscina thread).
 * Type-only module: imported by both sides, never pulls electron or node runtime code.
 *
 * Every long task gets
 *  - `port`: a MessagePort the worker posts `WorkerMessage`s on (progress in batches),
 *  - `stopFlag`: an Int32Array over a SharedArrayBuffer; the main side sets element 0 to 1 with
 *    Atomics.store to ask for a stop, the worker's shouldStop() reads it with Atomics.load.
 *    A stopped task still resolves normally with its partial result (`partial: true`).
 */
import type { MessagePort } from 'node:worker_threads';
import type {
  ErrorPoints,
  GainSnapshot,
  JobResult,
  NetworkPayload,
  SimulateResponse,
  SocResult,
  SpeedOptions,
  SpeedResult,
  TargetPayload,
  TrainingOptions,
  TrainingResult,
} from '../../src-shared/ipc/contract.js';

/** A training request with its network and targets resolved to data. */
export type ResolvedTraining = Omit<TrainingOptions, 'source'> & {
  network: NetworkPayload;
  /** One target per initial condition; with several, errors are summed (model-spec §10). */
  targets: TargetPayload[];
  /** Initial condition per target (n entries each); defaults to network.x0 for every target. */
  initialConditions?: Float64Array[];
};

export interface ResolvedSoc {
  n: number;
  seed: number;
  recipe: 'published' | 'adaptive';
  p?: number;
  R?: number;
  gamma?: number;
  targetAlpha?: number;
  /** Post the eigenvalue spectrum every this many iterations (0 = first and last only). */
  spectrumEvery?: number;
}

export interface TrainingTask {
  kind: 'training';
  jobId: string;
  options: ResolvedTraining;
  port: MessagePort;
  stopFlag: Int32Array;
}

export interface SocTask {
  kind: 'soc';
  jobId: string;
  options: ResolvedSoc;
  port: MessagePort;
  stopFlag: Int32Array;
}

/** Speed manifold (model-spec §10): a project network resolved to data, its m initial conditions. */
export interface SpeedTask {
  kind: 'speed';
  jobId: string;
  options: Omit<SpeedOptions, 'networkId' | 'initialConditions' | 'label'> & {
    network: NetworkPayload;
    /** m × n rows available in the project (the worker completes them from the Gramian when m is larger). */
    availableInitialConditions: Float64Array;
    m: number;
  };
  port: MessagePort;
  stopFlag: Int32Array;
}

export interface SimulateTask {
  kind: 'simulate';
  network: NetworkPayload;
  gains: Float64Array | null;
  target: TargetPayload | null;
  includeRates: boolean;
}

/** Make a built W usable: Gramian initial conditions and optionally a readout fit (gains 1). */
export interface PrepareNetworkTask {
  kind: 'prepare-network';
  W: Float64Array;
  n: number;
  nE: number;
  initialConditions: number;
  params: NetworkPayload['params'];
  /** Channel-major target to fit the readout to, or null for no readout. */
  fitTarget: { channels: number; values: Float64Array } | null;
}

export interface PreparedNetwork {
  /** m × n, row k = initial condition k. */
  initialConditions: Float64Array;
  readout: { channels: number; weights: Float64Array; fitError: number } | null;
}

// motor primitives (worker/primitivesTasks.ts), run on the interactive pool
import type { PrimitivesTask } from './primitivesTasks.js';
export type { PrimitivesTask } from './primitivesTasks.js';
// --- experiment jobs: one paper experiment definition by name (worker/experimentTask.ts) ---
export interface ExperimentTask {
  kind: 'experiment';
  jobId: string;
  options: import('../../src-shared/ipc/experimentContract.js').ExperimentOptions;
  /** The project network to use as given (else the definition builds its own), and fig1's target. */
  network: NetworkPayload | null;
  target: Float64Array | null;
  port: MessagePort;
  stopFlag: Int32Array;
}
// --- end experiment jobs ---
export type WorkerTask = TrainingTask | SocTask | SimulateTask | PrepareNetworkTask | SpeedTask | PrimitivesTask | ExperimentTask;
export type WorkerTaskResult<T extends WorkerTask> = T extends TrainingTask
  ? TrainingResult
  : T extends SocTask
    ? SocResult
    : T extends SpeedTask
      ? SpeedResult
      : SimulateResponse;

/** Eigenvalues of an SOC build's W at one iteration (plain arrays: they go on to the renderer as JSON). */
export interface SocSpectrum {
  iteration: number;
  alpha: number;
  re: number[];
  im: number[];
}

export type WorkerMessage =
  /** The task left the queue and runs now. */
  | { type: 'started' }
  /**
   * Progress since the previous message: new error points, and totals so far.
   * `done` counts trials (or SOC iterations) over all sessions.
   */
  | {
      type: 'progress';
      done: number;
      total: number;
      points: ErrorPoints[];
      bestError: number | null;
      /** 0..100 when `done/total` is not the right measure (SOC builds: α on a log scale). */
      percent?: number;
      /** SOC builds: the latest spectrum of W, when this batch carries one. */
      spectrum?: SocSpectrum;
      /** Training: gains of sessions at chosen trials since the previous batch. */
      gainSnapshots?: GainSnapshot[];
      /** Experiment jobs: the definition's latest progress message. */
      message?: string;
    }
  /** Sent right before the task resolves when it was stopped early (for logs; the result says it too). */
  | { type: 'stopped' };

export type { JobResult };
