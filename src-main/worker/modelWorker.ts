/**
 * piscina worker: runs one task of src-shared/tasks per call — the same tasks the CLI and the
 * tests run in-process. This file is only the adapter from a task's context to the thread:
 * progress goes back on the job's MessagePort in batches (at most every PROGRESS_POST_MS, every
 * error point kept), stop requests are read from the job's SharedArrayBuffer, and a TaskError
 * keeps its code across the thread boundary. Never imports electron (check-boundaries).
 */
import type { MessagePort } from 'node:worker_threads';
import type { ErrorPoints, GainSnapshot } from '../../src-shared/ipc/contract.js';
import { workerData } from 'piscina';
import { setDefaultKernelThreads, sharedCoreBudget, type CoreBudget } from '../../src-shared/model/kernels/threads.js';
import { TASKS, TaskError, quietContext, isTaskKind, type TaskContext, type TaskInputs } from '../../src-shared/tasks/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planSweepTask, runSweepTask } from '../../src-shared/tasks/sweep.js';
import { SweepDir } from '../services/sweepDir.js';
import { createNodeKernelThreads } from './kernelThread.js';
import { enableWasmFeatures } from './wasmFeatures.js';
import type { SocSpectrum, WorkerMessage, WorkerTask } from './protocol.js';

// one run on every core: the kernels of this thread may borrow helper threads while their cores
// are free in the app's core budget (shared by every job thread and the interactive one: a second
// job leaves each run on its own core; the numbers never change)
const coreBudget: CoreBudget | null =
  (workerData as { coreBudget?: unknown } | undefined)?.coreBudget instanceof SharedArrayBuffer
    ? sharedCoreBudget(new Int32Array((workerData as { coreBudget: SharedArrayBuffer }).coreBudget))
    : null;
setDefaultKernelThreads(createNodeKernelThreads({ budget: coreBudget }));
// the kernels' arithmetic (fused multiply-add where relaxed SIMD compiles): the same in every thread
// of the process, and in the CLI (src-main/worker/wasmFeatures.ts)
enableWasmFeatures();

/** Worker → main progress batches: often enough for a smooth ~10/s UI, rarely enough to be free. */
const PROGRESS_POST_MS = 40;

/** The task context of a job: batched progress on its port, stops from its shared flags. */
class PortContext implements TaskContext {
  private points: ErrorPoints[] = [];
  private readonly openRuns = new Map<number, ErrorPoints>();
  private snapshots: GainSnapshot[] = [];
  private latestSpectrum: SocSpectrum | null = null;
  private lastPost = 0;
  private done = 0;
  private total = 0;
  private percentValue: number | null = null;
  private bestError: number | null = null;
  private text: string | null = null;

  constructor(
    private readonly port: MessagePort,
    private readonly stopFlag: Int32Array,
  ) {}

  shouldStop = (): boolean => Atomics.load(this.stopFlag, 0) !== 0;

  sessionStopRequested = (session: number): boolean => 1 + session < this.stopFlag.length && Atomics.load(this.stopFlag, 1 + session) !== 0;

  progress(done: number, total?: number): void {
    this.done = done;
    if (total !== undefined) this.total = total;
    this.maybeFlush();
  }

  percent(percent: number): void {
    this.percentValue = percent;
    this.maybeFlush();
  }

  message(text: string, percent?: number): void {
    this.text = text;
    if (percent !== undefined) this.percentValue = percent;
    this.maybeFlush();
  }

  point(session: number, trial: number, error: number): void {
    // sessions run in lockstep interleave their points: extend this session's open run
    const run = this.openRuns.get(session);
    if (run && run.fromTrial + run.values.length === trial) run.values.push(error);
    else {
      const fresh = { session, fromTrial: trial, values: [error] };
      this.points.push(fresh);
      this.openRuns.set(session, fresh);
    }
    if (Number.isFinite(error) && (this.bestError === null || error < this.bestError)) this.bestError = error;
    this.maybeFlush();
  }

  snapshot(session: number, trial: number, gains: Float64Array): void {
    this.snapshots.push({ session, trial, gains: new Float64Array(gains) });
  }

  spectrum(spectrum: SocSpectrum): void {
    this.latestSpectrum = spectrum;
  }

  post(message: WorkerMessage): void {
    this.port.postMessage(message);
  }

  private maybeFlush(): void {
    const now = Date.now();
    if (now - this.lastPost >= PROGRESS_POST_MS) this.flush(now);
  }

  flush(now = Date.now()): void {
    this.lastPost = now;
    this.post({
      type: 'progress',
      done: this.done,
      total: this.total,
      points: this.points,
      bestError: this.bestError,
      ...(this.percentValue === null ? {} : { percent: this.percentValue }),
      ...(this.latestSpectrum === null ? {} : { spectrum: this.latestSpectrum }),
      ...(this.snapshots.length === 0 ? {} : { gainSnapshots: this.snapshots }),
      ...(this.text === null ? {} : { message: this.text }),
    });
    this.latestSpectrum = null;
    this.snapshots = [];
    this.points = [];
    this.openRuns.clear();
  }
}

export default async function runModelTask(task: WorkerTask): Promise<unknown> {
  if (!isTaskKind(task.kind)) throw new Error(TaskError.toWire(new TaskError('invalid-payload', `unknown task kind ${String(task.kind)}`)));
  const run = (task.kind === 'sweep' ? runSweepJob : task.kind === 'sweep-plan' ? planSweep : TASKS[task.kind]) as (input: unknown, ctx: TaskContext) => unknown;
  const context = task.port && task.stopFlag ? new PortContext(task.port, task.stopFlag) : null;
  context?.post({ type: 'started' });
  // this thread's own core, held while the task runs (helpers get only what is left)
  coreBudget?.take(1);
  try {
    const result = await run(task.input, context ?? quietContext);
    if (context) {
      context.flush();
      if (context.shouldStop()) context.post({ type: 'stopped' });
    }
    return result;
  } catch (error) {
    // a deliberate failure keeps its code and message across the thread boundary
    if (error instanceof TaskError) throw new Error(TaskError.toWire(error));
    throw error;
  } finally {
    coreBudget?.give(1);
  }
}

/**
 * A sweep job writes each finished task to its folder itself (the same files `gainlab sweep run
 * --out DIR` writes: sweepDir.ts), so a killed server loses at most the task that was running.
 */
function runSweepJob(input: TaskInputs['sweep'], ctx: TaskContext): unknown {
  if (!input.dir) return TASKS.sweep(input, ctx);
  return runSweepTask(input, ctx, { folder: new SweepDir(input.dir), maxRssMB: () => Math.round(process.resourceUsage().maxRSS / 1024) });
}

/** A sweep's plan times each task shape's overhead with its files written as a task's are (to a temporary folder). */
function planSweep(input: TaskInputs['sweep-plan']): unknown {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'gainlab-sweep-plan-'));
  try {
    return planSweepTask(input, new SweepDir(scratch));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
