/**
 * Messages between the job manager (main side) and the model worker (piscina thread).
 * Type-only module: imported by both sides, never pulls electron or node runtime code.
 *
 * A task is `{ kind, input }` (src-shared/tasks: the same tasks the CLI runs in-process). Long
 * tasks (jobs) also get
 *  - `port`: a MessagePort the worker posts `WorkerMessage`s on (progress in batches),
 *  - `stopFlag`: an Int32Array over a SharedArrayBuffer; the main side sets element 0 to 1 with
 *    Atomics.store to ask for a stop (element 1 + k stops session k alone), the task's
 *    shouldStop() reads it with Atomics.load. A stopped task still resolves with its partial result.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ErrorPoints, GainSnapshot, JobResult } from '../../src-shared/ipc/contract.js';
import type { TaskInputs, TaskKind } from '../../src-shared/tasks/index.js';
import type { SocSpectrum } from '../../src-shared/tasks/soc.js';

export type { SocSpectrum } from '../../src-shared/tasks/soc.js';
export type { PreparedNetwork } from '../../src-shared/tasks/simulation.js';

export interface WorkerTask<K extends TaskKind = TaskKind> {
  kind: K;
  input: TaskInputs[K];
  /** Jobs only: progress goes back on it. */
  port?: MessagePort;
  /** Jobs only: the stop flags. */
  stopFlag?: Int32Array;
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
