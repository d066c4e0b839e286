/**
 * A trial kernel integrates the dynamics of one network for one trial (RK4, one step per grid
 * interval — the scheme documented in ../dynamics.ts). Kernels are built once per network and
 * own their scratch buffers.
 *
 * run() writes time-major rates (nSamples × n) into ratesOut when given and returns them; with
 * ratesOut null it returns the kernel's own buffer (valid until the next run). States are written
 * only when statesOut is given.
 */
import type { ThreadSchedule } from './threads.js';

export interface TrialKernel {
  readonly name: string;
  /** Threaded kernels: whether each trial uses the helper threads (null: one thread). */
  readonly schedule?: ThreadSchedule | null;
  /** Threaded kernels: chunks of stages the helper threads have computed so far. */
  helperChunks?(): number;
  /** Threaded kernels: the calling thread's share of a stage's work, and setting it. */
  mainThreadShare?(): number;
  setMainThreadShare?(share: number): void;
  run(gains: Float64Array, x0: Float64Array, ratesOut: Float64Array | null, statesOut: Float64Array | null): Float64Array;
  /**
   * Threaded kernels: start a trial of `gains` on a helper thread while the caller does its own
   * work (false: nothing started — no free core, or no helper yet); then collect() it.
   */
  offer?(gains: Float64Array, x0: Float64Array): boolean;
  /** The offered trial's rates once computed (ratesOut, or the kernel's buffer), or null: withdrawn, never computed. */
  collect?(ratesOut: Float64Array | null): Float64Array | null;
  dispose?(): void;
}
