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
import { HELPER_THREAD_BODY, type CoreBudget, type KernelHelperStart, type KernelThreads } from '../../src-shared/model/kernels/threads.js';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ data, busy }) => {
  const done = () => Atomics.store(busy, 0, 0);
  try {
${HELPER_THREAD_BODY}
  } catch (error) {
    done();
    throw error;
  }
});
`;

export interface NodeKernelThreads extends KernelThreads {
  /** Worker threads started so far (each serves one kernel at a time). */
  readonly started: number;
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
  const pool: Array<{ worker: Worker; busy: Int32Array }> = [];
  let closed = false;

  function spawn(): { worker: Worker; busy: Int32Array } {
    const entry = { worker: new Worker(WORKER_SOURCE, { eval: true }), busy: new Int32Array(new SharedArrayBuffer(4)) };
    entry.worker.unref();
    // a helper that failed is dropped (its kernel's trials finish on the remaining threads only if
    // it failed between chunks: a failure inside WebAssembly means a kernel bug, caught by tests)
    entry.worker.on('error', () => {
      const index = pool.indexOf(entry);
      if (index >= 0) pool.splice(index, 1);
    });
    pool.push(entry);
    return entry;
  }

  return {
    helpers,
    budget: options.budget ?? null,
    get started() {
      return pool.length;
    },
    attach(start: KernelHelperStart): void {
      if (closed) return;
      let entry = pool.find((candidate) => Atomics.load(candidate.busy, 0) === 0);
      if (!entry) {
        if (pool.length >= maxWorkers) return;
        entry = spawn();
      }
      Atomics.store(entry.busy, 0, 1);
      entry.worker.postMessage({ data: start, busy: entry.busy });
    },
    async close(): Promise<void> {
      closed = true;
      const workers = pool.splice(0).map((entry) => entry.worker);
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
