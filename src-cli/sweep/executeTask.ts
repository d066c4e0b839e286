/**
 * Sweep tasks run to their results in DIR/tasks/ID/ by this process: the shared task life
 * (src-shared/sweeps/folder.ts executeSweepTasks: inputs, the sweep adapter, atomic write) with
 * this process as the host, for one task or a group that trains together. Used in-process
 * (`--jobs 1`, one SLURM array task) and by the pool's worker threads.
 */
import { processTaskHost, type SweepDir } from '../../src-main/services/sweepDir.js';
import type { SweepTask } from '../../src-shared/sweeps/expand.js';
import { executeSweepTasks, type TaskRunResult } from '../../src-shared/sweeps/folder.js';
import type { SweepInputs } from '../../src-shared/sweeps/inputs.js';
import type { TaskProgress } from '../../src-shared/sweeps/runTask.js';

export type { TaskRunResult } from '../../src-shared/sweeps/folder.js';

import { gainlabVersion } from '../cliSupport.js';

export { gainlabVersion };

export interface CliTaskContext {
  sweepName: string;
  dir: SweepDir;
  inputs: SweepInputs;
  /** Gain changes for specialised groups, shared by the tasks this process runs. */
  gainChanges: Map<string, Float64Array[]>;
  onProgress?: (progress: TaskProgress) => void;
  shouldStop?: () => boolean;
}

/** Tasks of one runTask.ts togetherGroups group, trained together (folder.ts executeSweepTasks). */
export function executeTasks(tasks: readonly SweepTask[], context: CliTaskContext): TaskRunResult[] {
  const { dir, ...rest } = context;
  return executeSweepTasks(tasks, { ...rest, folder: dir, host: processTaskHost(gainlabVersion()) });
}
