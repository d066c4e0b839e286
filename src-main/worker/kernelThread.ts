/**
 * Node's helper threads for the threaded kernels (src-shared/model/kernels/threads.ts): a small
 * pool of worker_threads, each running HELPER_THREAD_BODY for one kernel at a time. Used by the
 * model worker (one run on every core), the CLI, bench and tests.
 *
 * The workers are started from source text (`eval`), so the same code works from TypeScript
 * sources (tsx, vitest), from the bundles in out/main and inside a packaged app, with no file to
 * locate. Whether a worker is free is kept in a shared flag (not a message), so a kernel created
 * inside a long synchronous loop finds the threads an earlier kernel gave back. Workers are
 * unref'd: an idle pool never keeps a process alive. A worker is replaced once it has served its
 * share of kernels (threads.ts HELPER_MAX_KERNELS), and the thread that creates kernels collects
 * its garbage now and then (DRIVER_COLLECT_BYTES): otherwise every kernel's memory stayed alive.
 */
import os from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { HELPER_START_HANDLER, HelperPool, helperMemoryBytes, type CoreBudget, type KernelHelperStart, type KernelThreads } from '../../src-shared/model/kernels/threads.js';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ data, busy }) => {
${HELPER_START_HANDLER}
});
`;

export interface NodeKernelThreads extends KernelThreads {
  /** Worker threads alive now (each serves one kernel at a time). */
  readonly started: number;
  /** Worker threads replaced because they had served their share (threads.ts HELPER_MAX_KERNELS). */
  readonly retired: number;
  /** Full collections this thread ran for the kernels' memories (DRIVER_COLLECT_BYTES). */
  readonly collections: number;
  /** Worker threads serving a kernel now (a released one is free once it has left its loop). */
  readonly busy: number;
  /** Stop every worker (kernels still attached then run on their own thread only). */
  close(): Promise<void>;
}

/**
 * The cores this process may use: os.availableParallelism (which follows the CPU affinity a
 * cgroup or `taskset` set), and inside a SLURM job no more than the CPUs SLURM gave the task.
 * Without task affinity (TaskPlugin=task/none, as on scripts/local-slurm.sh's cluster) every core
 * of the node stays visible, and an array task that asked for one CPU would put helper threads
 * (a trial's rows, the reward rule's concurrent trials) on the cores of other users' tasks.
 */
export function machineCores(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const available = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return allowedCores(available, env);
}

/** `available` cores capped by the SLURM task's CPUs when env is a SLURM job's (machineCores). */
export function allowedCores(available: number, env: Readonly<Record<string, string | undefined>>): number {
  if (!env.SLURM_JOB_ID) return available;
  // --cpus-per-task when given (the sweep's sbatch always gives it), else this node's CPUs of the
  // job ("4", "4(x2)" or "4,2": the first is this node's)
  const perTask = positiveInteger(env.SLURM_CPUS_PER_TASK) ?? positiveInteger(/^\d+/.exec(env.SLURM_JOB_CPUS_PER_NODE ?? '')?.[0]);
  return perTask === null ? available : Math.max(1, Math.min(available, perTask));
}

function positiveInteger(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,6}$/.test(text.trim())) return null;
  const value = Number(text);
  return value >= 1 ? value : null;
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
  /** Collect once the kernel memories created since the last collection pass this (default DRIVER_COLLECT_BYTES). */
  collectBytes?: number;
}

/**
 * The kernels' shared memories are not counted in V8's heap (process.memoryUsage().external stays
 * at 4 MB while they add up to 800 MB), so a thread that creates many threaded kernels and
 * allocates little else never collects the dead ones: 1 500 kernels of n = 200 without helpers
 * grew the process to 820 MB, and one full collection took it back to 128 MB. So the thread that
 * creates kernels collects once the memories created since its last collection pass this size.
 */
export const DRIVER_COLLECT_BYTES = 256 * 1024 * 1024;

let fullCollection: (() => void) | null | undefined;

/** This isolate's full garbage collection (null where it cannot be had). */
function fullCollector(): (() => void) | null {
  if (fullCollection !== undefined) return fullCollection;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return (fullCollection = exposed as () => void);
  try {
    // a new context made after --expose-gc has `gc` (the flag stays on: later contexts get it too)
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    fullCollection = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    fullCollection = null;
  }
  return fullCollection;
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
  }, (entry) => void entry.worker.terminate());
  // memories of the kernels created on this thread since its last collection (each counted once,
  // however many helpers it asked for)
  const collectBytes = options.collectBytes ?? DRIVER_COLLECT_BYTES;
  const counted = new WeakSet<object>();
  let sinceCollection = 0;
  let collections = 0;
  function countMemory(start: KernelHelperStart, bytes: number): void {
    if (counted.has(start.memory)) return;
    counted.add(start.memory);
    sinceCollection += bytes;
    if (sinceCollection < collectBytes) return;
    sinceCollection = 0;
    const collect = fullCollector();
    if (collect) {
      collect();
      collections++;
    }
  }

  return {
    helpers,
    budget: options.budget ?? null,
    get started() {
      return pool.size;
    },
    get busy() {
      return pool.busy;
    },
    get retired() {
      return pool.retired;
    },
    get collections() {
      return collections;
    },
    attach(start: KernelHelperStart): void {
      const bytes = helperMemoryBytes(start);
      countMemory(start, bytes);
      const entry = pool.take(bytes);
      entry?.worker.postMessage({ data: start, busy: entry.busy });
    },
    async close(): Promise<void> {
      await Promise.all(pool.close().map((worker) => worker.terminate()));
    },
  };
}
