/**
 * One sweep task run to its result in DIR/tasks/ID/: inputs prepared (an SOC network built when
 * the task has one), trained through the sweep adapter (src-shared/sweeps/runTask.ts), written
 * atomically. Used in-process (`--jobs 1`, one SLURM array task) and by the pool's worker threads.
 */
import os from 'node:os';
import { packageVersion } from '../../src-main/services/appVersion.js';
import type { SweepTask } from '../../src-shared/sweeps/expand.js';
import type { SweepInputs } from '../../src-shared/sweeps/inputs.js';
import { taskResult } from '../../src-shared/sweeps/record.js';
import { trainTask, type TaskProgress } from '../../src-shared/sweeps/runTask.js';
import type { SweepDir } from './sweepDir.js';

declare const __GAINLAB_VERSION__: string | undefined;

/** GainLab's version: set by the bundler in gainlab.mjs, else from package.json. */
export function gainlabVersion(): string {
  return typeof __GAINLAB_VERSION__ === 'string' ? __GAINLAB_VERSION__ : packageVersion(import.meta.url);
}

export interface TaskRunContext {
  sweepName: string;
  dir: SweepDir;
  inputs: SweepInputs;
  /** Gain changes for specialised groups, shared by the tasks this process runs. */
  gainChanges: Map<string, Float64Array[]>;
  onProgress?: (progress: TaskProgress) => void;
  shouldStop?: () => boolean;
}

export type TaskRunResult =
  | { kind: 'done'; bestError: number | null; elapsedMs: number; setupMs: number }
  | { kind: 'stopped' }
  | { kind: 'failed'; error: string };

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export function executeTask(task: SweepTask, context: TaskRunContext): TaskRunResult {
  const { dir } = context;
  dir.markRunning(task.id);
  const startedAt = new Date().toISOString();
  const started = performance.now();
  try {
    const prepared = context.inputs.prepare(task);
    const setupDone = performance.now();
    const outcome = trainTask(task.settings, prepared, { onProgress: context.onProgress, shouldStop: context.shouldStop, gainChangesCache: context.gainChanges });
    // a stopped task is not a result: it stays missing and runs again next time
    if (outcome.stopped) return { kind: 'stopped' };
    const finished = performance.now();
    const { record, arrays } = taskResult(outcome, {
      task,
      sweep: context.sweepName,
      inputsHash: prepared.inputsHash,
      networkHash: prepared.networkHash,
      n: prepared.network.n,
      build: prepared.build,
      setupMs: Math.round(setupDone - started),
      elapsedMs: Math.round(finished - setupDone),
      startedAt,
      finishedAt: new Date().toISOString(),
      host: os.hostname(),
      maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      gainlabVersion: gainlabVersion(),
    });
    dir.writeResult(task, record, arrays);
    dir.clearFailed(task.id);
    return { kind: 'done', bestError: record.bestError, elapsedMs: record.elapsedMs, setupMs: record.setupMs };
  } catch (error) {
    const message = oneLine(error instanceof Error ? error.message : String(error));
    try {
      dir.markFailed(task.id, message);
    } catch {
      // the failure still goes to the caller
    }
    return { kind: 'failed', error: message };
  } finally {
    dir.clearRunning(task.id);
  }
}
