/**
 * A sweep file read from disk: parsed, expanded into tasks, its inputs resolvable through the
 * loaders `gainlab train` uses (network folders, .npy targets) and decodeProjectFile (projects),
 * paths relative to the sweep file. Problems become CliError (one line, exit 2).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodeProjectFile } from '../../src-shared/project/archive.js';
import { describeTask, expandSweep, type ExpandedSweep, type SweepTask } from '../../src-shared/sweeps/expand.js';
import { SweepInputs, type SweepInputLoaders } from '../../src-shared/sweeps/inputs.js';
import { parseSweepFile, SweepError, SWEEP_LIMITS, type SweepFile } from '../../src-shared/sweeps/schema.js';
import { CliError, loadNetworkDir, readNpyFile } from '../cliSupport.js';

export interface LoadedSweep {
  /** Absolute path of the sweep file. */
  file: string;
  text: string;
  sweep: SweepFile;
  expanded: ExpandedSweep;
  loaders: SweepInputLoaders;
}

/** Largest project file a sweep reads (bytes). */
const MAX_PROJECT_BYTES = 2 * 1024 ** 3;

export function fileLoaders(baseDir: string): SweepInputLoaders {
  const at = (p: string) => path.resolve(baseDir, p);
  return {
    networkDir: (p) => loadNetworkDir(at(p)),
    npy: (p) => readNpyFile(at(p), 'target'),
    project: (p) => {
      const file = at(p);
      let bytes: Uint8Array;
      try {
        if (statSync(file).size > MAX_PROJECT_BYTES) throw new CliError(`project ${file} is larger than ${MAX_PROJECT_BYTES} bytes`);
        bytes = new Uint8Array(readFileSync(file));
      } catch (error) {
        if (error instanceof CliError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        throw new CliError(code === 'ENOENT' ? `project ${file} not found` : `cannot read project ${file} (${code ?? String(error)})`);
      }
      try {
        return decodeProjectFile(bytes, { fileName: path.basename(file) }).project;
      } catch (error) {
        throw new CliError(`project ${file}: ${(error as Error).message}`);
      }
    },
  };
}

export function readSweepText(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `sweep file ${file} not found` : `cannot read sweep file ${file} (${code ?? String(error)})`);
  }
  if (size > SWEEP_LIMITS.fileBytes) throw new CliError(`sweep file ${file} is larger than ${SWEEP_LIMITS.fileBytes} bytes`);
  return readFileSync(file, 'utf8');
}

/** Parse and expand a sweep (text given, or read from `file`). */
export function loadSweep(file: string, text = readSweepText(file)): LoadedSweep {
  try {
    const sweep = parseSweepFile(text);
    const expanded = expandSweep(sweep);
    return { file, text, sweep, expanded, loaders: fileLoaders(path.dirname(file)) };
  } catch (error) {
    if (error instanceof SweepError) throw new CliError(`${path.basename(file)}: ${error.message}`);
    throw error;
  }
}

/** Inputs of a loaded sweep (a fresh cache). */
export function sweepInputs(loaded: LoadedSweep, shouldStop?: () => boolean): SweepInputs {
  return new SweepInputs(loaded.loaders, { shouldStop, now: () => performance.now() });
}

/** Check every task against its inputs; the inputs hash of each (refusals name the task). */
export function checkTasks(loaded: LoadedSweep, inputs: SweepInputs): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const task of loaded.expanded.tasks) {
    try {
      hashes.set(task.id, inputs.check(task.settings).inputsHash);
    } catch (error) {
      throw taskError(loaded, task, error);
    }
  }
  return hashes;
}

/** A SweepError or CliError of one task as a CliError naming the task. */
export function taskError(loaded: LoadedSweep, task: SweepTask, error: unknown): unknown {
  if (error instanceof SweepError || error instanceof CliError) {
    return new CliError(`${path.basename(loaded.file)}: task ${task.index} (${describeTask(task)}): ${error.message}`);
  }
  return error;
}
