/**
 * Node's helper threads for the threaded kernels (src-shared/model/kernels/threads.ts): a small
 * pool of worker_threads, each running HELPER_THREAD_BODY for one kernel at a time. Used by the
 * model worker (one run on every core), the CLI, bench and tests.
 *
 * The workers are started from source text (`eval`), so the same code works from TypeScript
 * sources (tsx, vitest), from the bundles in out/main and inside a packaged app, with no file to
 * locate. Whether a worker is free is kept in a shared flag (not a message), so a kernel created
 * inside a long synchronous loop finds the threads an earlier kernel gave back. Workers are
 * unref'd: an idle pool never keeps a process alive.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { HELPER_START_HANDLER, HelperPool, type CoreBudget, type KernelHelperStart, type KernelThreads } from '../../src-shared/model/kernels/threads.js';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ data, busy }) => {
${HELPER_START_HANDLER}
});
`;

export interface NodeKernelThreads extends KernelThreads {
  /** Worker threads started so far (each serves one kernel at a time). */
  readonly started: number;
  /** Worker threads serving a kernel now (a released one is free once it has left its loop). */
  readonly busy: number;
  /** Stop every worker (kernels still attached then run on their own thread only). */
  close(): Promise<void>;
}

/** This machine's cores (os.availableParallelism where Node has it). */
export function machineCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** Cores − 1: the helpers one run can use beside its own thread. */
export function defaultKernelHelpers(): number {
  return Math.max(0, machineCores() - 1);
}

export interface NodeKernelThreadsOptions {
  /** Helper threads per kernel (default cores − 1). */
  helpers?: number;
  /**
   * Most worker threads alive at once (default 4 × helpers + 4): kernels never disposed hold theirs
   * until collected, and a kernel that finds none free runs with fewer helpers instead.
   */
  maxWorkers?: number;
  /** The cores shared with other runs (the model worker: the app's budget); default none. */
  budget?: CoreBudget | null;
}

export function createNodeKernelThreads(options: NodeKernelThreadsOptions = {}): NodeKernelThreads {
  const helpers = Math.max(0, Math.floor(options.helpers ?? defaultKernelHelpers()));
  const maxWorkers = Math.max(0, Math.floor(options.maxWorkers ?? 4 * helpers + 4));
  const pool = new HelperPool<Worker>(maxWorkers, (entry) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    // a helper that failed is dropped (its kernel's trials finish on the remaining threads only if
    // it failed between chunks: a failure inside WebAssembly means a kernel bug, caught by tests)
    worker.on('error', () => pool.drop(entry));
    return worker;
  });

  return {
    helpers,
    budget: options.budget ?? null,
    get started() {
      return pool.size;
    },
    get busy() {
      return pool.busy;
    },
    attach(start: KernelHelperStart): void {
      const entry = pool.take();
      entry?.worker.postMessage({ data: start, busy: entry.busy });
    },
    async close(): Promise<void> {
      await Promise.all(pool.close().map((worker) => worker.terminate()));
    },
  };
}
