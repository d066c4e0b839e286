/**
 * One sweep task run to its result in DIR/tasks/ID/ by this process: the shared task life
 * (src-shared/sweeps/folder.ts executeSweepTask: inputs, the sweep adapter, atomic write) with
 * this process as the host. Used in-process (`--jobs 1`, one SLURM array task) and by the pool's
 * worker threads; executeTasks runs a group of tasks that train together.
 */
import { packageVersion } from '../../src-main/services/appVersion.js';
import { processTaskHost, type SweepDir } from '../../src-main/services/sweepDir.js';
import type { SweepTask } from '../../src-shared/sweeps/expand.js';
import { executeSweepTask, executeSweepTasks, type TaskRunResult } from '../../src-shared/sweeps/folder.js';
import type { SweepInputs } from '../../src-shared/sweeps/inputs.js';
import type { TaskProgress } from '../../src-shared/sweeps/runTask.js';

export type { TaskRunResult } from '../../src-shared/sweeps/folder.js';

declare const __GAINLAB_VERSION__: string | undefined;

/** GainLab's version: set by the bundler in gainlab.mjs, else from package.json. */
export function gainlabVersion(): string {
  return typeof __GAINLAB_VERSION__ === 'string' ? __GAINLAB_VERSION__ : packageVersion(import.meta.url);
}

export interface CliTaskContext {
  sweepName: string;
  dir: SweepDir;
  inputs: SweepInputs;
  /** Gain changes for specialised groups, shared by the tasks this process runs. */
  gainChanges: Map<string, Float64Array[]>;
  onProgress?: (progress: TaskProgress) => void;
  shouldStop?: () => boolean;
}

export function executeTask(task: SweepTask, context: CliTaskContext): TaskRunResult {
  const { dir, ...rest } = context;
  return executeSweepTask(task, { ...rest, folder: dir, host: processTaskHost(gainlabVersion()) });
}

/** Tasks of one runTask.ts togetherGroups group, trained together (folder.ts executeSweepTasks). */
export function executeTasks(tasks: readonly SweepTask[], context: CliTaskContext): TaskRunResult[] {
  const { dir, ...rest } = context;
  return executeSweepTasks(tasks, { ...rest, folder: dir, host: processTaskHost(gainlabVersion()) });
}
