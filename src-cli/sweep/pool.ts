/**
 * `gainlab sweep run --jobs K`: K worker threads, each taking the next task when it finishes one —
 * or the next group of tasks that train together (runTask.ts togetherGroups: reward tasks that
 * differ only in seed and groups, in lockstep through the batched kernel; groups no larger than
 * an equal share of the tasks per thread, so that every thread has work).
 *
 * The threads run the CLI's own entry again (src-cli/gainlab.ts; in the single-file bundle
 * gainlab.mjs that is the bundle itself) with workerData.gainlabSweepWorker set, which makes the
 * entry call serveSweepWorker() instead of the command line. Each thread reads the sweep from the
 * text it is given (the same the parent expanded), keeps its own input cache (a network or SOC
 * build shared by several tasks is made once per thread) and writes each result itself.
 * Stopping (Ctrl-C) sets a shared flag: running tasks stop at their next trial and are not written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SweepTask } from '../../src-shared/sweeps/expand.js';
import { runGroups, type TaskProgress } from '../../src-shared/sweeps/runTask.js';
import { getCliEntry, startEntryThread } from './entry.js';
import { executeTasks, type TaskRunResult } from './executeTask.js';
import { loadSweep, sweepInputs } from './loadSweep.js';
import { SweepDir } from '../../src-main/services/sweepDir.js';


export interface SweepWorkerData {
  gainlabSweepWorker: true;
  sweepFile: string;
  sweepText: string;
  outDir: string;
  /** Int32Array over a SharedArrayBuffer: element 0 set to 1 stops every thread's task. */
  stopFlag: Int32Array;
}

/** run: the tasks of one togetherGroups group, trained together. */
type ToWorker = { type: 'run'; ids: string[] } | { type: 'exit' };
type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; id: string; progress: TaskProgress }
  | { type: 'result'; id: string; result: TaskRunResult };

const PROGRESS_POST_MS = 500;

/** Body of a worker thread (called by the CLI entry when workerData.gainlabSweepWorker is set). */
export function serveSweepWorker(): void {
  const data = workerData as SweepWorkerData;
  const port = parentPort;
  if (!port) return;
  const shouldStop = () => Atomics.load(data.stopFlag, 0) !== 0;
  const loaded = loadSweep(data.sweepFile, data.sweepText);
  const inputs = sweepInputs(loaded, shouldStop);
  const tasks = new Map(loaded.expanded.tasks.map((task) => [task.id, task]));
  const dir = new SweepDir(data.outDir);
  const gainChanges = new Map<string, Float64Array[]>();
  port.on('message', (message: ToWorker) => {
    if (message.type === 'exit') {
      port.close();
      return;
    }
    const group: SweepTask[] = [];
    for (const id of message.ids) {
      const task = tasks.get(id);
      if (task) group.push(task);
      else port.postMessage({ type: 'result', id, result: { kind: 'failed', error: `no task ${id} in the sweep` } } satisfies FromWorker);
    }
    if (group.length === 0) return;
    let lastPost = 0;
    const results = executeTasks(group, {
      sweepName: loaded.sweep.name,
      dir,
      inputs,
      gainChanges,
      shouldStop,
      onProgress: (progress) => {
        const now = Date.now();
        if (now - lastPost < PROGRESS_POST_MS) return;
        lastPost = now;
        for (const task of group) port.postMessage({ type: 'progress', id: task.id, progress } satisfies FromWorker);
      },
    });
    group.forEach((task, k) => port.postMessage({ type: 'result', id: task.id, result: results[k] } satisfies FromWorker));
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

export interface PoolOptions {
  sweepFile: string;
  sweepText: string;
  outDir: string;
  tasks: readonly SweepTask[];
  threads: number;
  shouldStop?: () => boolean;
  onStart?: (task: SweepTask) => void;
  onProgress?: (task: SweepTask, progress: TaskProgress) => void;
  onResult?: (task: SweepTask, result: TaskRunResult) => void;
}

/** Run tasks on `threads` worker threads; resolves with every task's result once all threads ended. */
export function runPool(options: PoolOptions): Promise<Map<string, TaskRunResult>> {
  const cliEntry = getCliEntry();
  if (!cliEntry) throw new Error('sweep pool: the CLI entry is not set (src-cli/gainlab.ts sets it)');
  const stopFlag = new Int32Array(new SharedArrayBuffer(4));
  // tasks that differ only in seed and groups train together, in groups small enough that every
  // thread gets one
  const queue = runGroups(options.tasks, options.threads);
  const byId = new Map(options.tasks.map((task) => [task.id, task]));
  const results = new Map<string, TaskRunResult>();
  const dir = new SweepDir(options.outDir);
  const data: SweepWorkerData = {
    gainlabSweepWorker: true,
    sweepFile: options.sweepFile,
    sweepText: options.sweepText,
    outDir: options.outDir,
    stopFlag,
  };
  return new Promise((resolve) => {
    let alive = 0;
    const stopTimer = setInterval(() => {
      if (options.shouldStop?.()) Atomics.store(stopFlag, 0, 1);
    }, 100);
    const finishOne = () => {
      alive--;
      if (alive === 0) {
        clearInterval(stopTimer);
        resolve(results);
      }
    };
    const start = () => {
      alive++;
      const worker = startEntryThread(cliEntry, data);
      // the group this thread runs, less the tasks whose result has come
      let current: SweepTask[] = [];
      let ready = false;
      let startError = '';
      const next = () => {
        current = Atomics.load(stopFlag, 0) === 0 ? (queue.shift() ?? []) : [];
        if (current.length > 0) {
          for (const task of current) options.onStart?.(task);
          worker.postMessage({ type: 'run', ids: current.map((task) => task.id) } satisfies ToWorker);
        } else worker.postMessage({ type: 'exit' } satisfies ToWorker);
      };
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          ready = true;
          next();
        }
        else if (message.type === 'progress') {
          const task = byId.get(message.id);
          if (task) options.onProgress?.(task, message.progress);
        } else {
          const task = byId.get(message.id);
          results.set(message.id, message.result);
          if (task) options.onResult?.(task, message.result);
          current = current.filter((member) => member.id !== message.id);
          if (current.length === 0) next();
        }
      });
      worker.on('error', (error) => {
        startError = error.message;
        // the thread died (e.g. out of memory): its tasks failed; another thread takes over the queue
        for (const task of current) {
          const result: TaskRunResult = { kind: 'failed', error: `worker thread died: ${error.message}` };
          results.set(task.id, result);
          try {
            dir.markFailed(task.id, result.error);
            dir.clearRunning(task.id);
          } catch {
            // reported through the result
          }
          options.onResult?.(task, result);
        }
        current = [];
      });
      worker.on('exit', () => {
        if (!ready && alive === 1) {
          // no thread can start (a broken entry): the tasks left fail instead of respawning forever
          for (const task of queue.splice(0).flat()) {
            const result: TaskRunResult = { kind: 'failed', error: `worker thread could not start: ${startError || 'it exited at once'}` };
            results.set(task.id, result);
            options.onResult?.(task, result);
          }
        } else if (ready && queue.length > 0 && Atomics.load(stopFlag, 0) === 0) start();
        finishOne();
      });
    };
    const threads = Math.max(1, Math.min(options.threads, queue.length));
    if (queue.length === 0) {
      clearInterval(stopTimer);
      resolve(results);
      return;
    }
    for (let k = 0; k < threads; k++) start();
  });
}
