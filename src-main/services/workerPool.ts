/**
 * piscina pools running src-main/worker/modelWorker.
 *
 * Where the worker file is:
 * - built app / web server / CLI: out/main/modelWorker.js next to the bundle that starts the pool
 *   (electron-vite emits it as its own entry). Inside a packaged app it is unpacked from the asar
 *   (electron-builder.yml asarUnpack) because worker threads load files from disk.
 * - tests: the TypeScript source src-main/worker/modelWorker.ts, loaded through tsx
 *   (`execArgv: ['--import', 'tsx']`), so `npx vitest run tests/main` needs no build first.
 *   See `sourceWorkerOptions()`.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { machineCores } from '../worker/kernelThread.js';
import type { WorkerPoolLike } from './jobManager.js';

export interface WorkerPoolOptions {
  /** Absolute path or file: URL of the worker module. */
  filename: string;
  maxThreads?: number;
  execArgv?: string[];
  /** ms an idle thread is kept (default 30 s). */
  idleTimeout?: number;
  /** Heap limit of each thread (MB); default defaultWorkerHeapMb(). A thread over it ends, failing only its task. */
  maxHeapMb?: number;
  /**
   * The shared memory of the app's core budget (src-shared/model/kernels/threads.ts CoreBudget),
   * handed to every thread of the pool (piscina workerData.coreBudget).
   */
  coreBudget?: SharedArrayBuffer;
}

/**
 * A thread's heap limit: a share of the machine's memory (60 % over the job threads and the
 * interactive one), between 1 and 4 GB, so one runaway job cannot take the machine.
 */
export function defaultWorkerHeapMb(threads = defaultJobThreads() + 1): number {
  const totalMb = os.totalmem() / (1024 * 1024);
  return Math.round(Math.min(4096, Math.max(1024, (0.6 * totalMb) / threads)));
}

/**
 * Threads for long jobs: one per core, keeping one core for the UI/main process, and at least two
 * so one long job never holds every other one back (on a 2-core machine the two share the cores).
 */
export function defaultJobThreads(): number {
  return Math.max(2, machineCores() - 1);
}

export function createWorkerPool(options: WorkerPoolOptions): WorkerPoolLike & { readonly threads: number } {
  const maxThreads = options.maxThreads ?? defaultJobThreads();
  const filename = options.filename.startsWith('file:') ? options.filename : pathToFileURL(options.filename).href;
  const pool = new Piscina({
    filename,
    minThreads: 0,
    maxThreads,
    idleTimeout: options.idleTimeout ?? 30_000,
    execArgv: options.execArgv,
    // every long task blocks its thread; never queue two tasks on one busy worker
    concurrentTasksPerWorker: 1,
    resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? defaultWorkerHeapMb() },
    ...(options.coreBudget ? { workerData: { coreBudget: options.coreBudget } } : {}),
  });
  return {
    threads: maxThreads,
    run: (task, runOptions) => pool.run(task, { transferList: runOptions?.transferList as never }),
    destroy: () => pool.destroy(),
  };
}

/** The built worker next to a bundle in out/main (pass that bundle's import.meta.url). */
export function builtWorkerPath(bundleUrl: string, worker: 'modelWorker' | 'projectIoWorker' = 'modelWorker'): string {
  const dir = path.dirname(fileURLToPath(bundleUrl));
  const file = path.join(dir, `${worker}.js`);
  // packaged app: worker threads cannot read inside app.asar; the file is unpacked next to it
  const unpacked = file.replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`);
  return existsSync(unpacked) ? unpacked : file;
}

/** Pool options loading the TypeScript worker source through tsx (tests, dev scripts). */
export function sourceWorkerOptions(repoRoot: string, worker: 'modelWorker' | 'projectIoWorker' = 'modelWorker'): Pick<WorkerPoolOptions, 'filename' | 'execArgv'> {
  return {
    filename: path.join(repoRoot, 'src-main', 'worker', `${worker}.ts`),
    execArgv: ['--import', 'tsx'],
  };
}
