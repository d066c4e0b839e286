/**
 * Every task by kind: what a worker thread runs for a job (or an interactive request), and what the
 * CLI and tests call in-process. One entry per kind; the input types say what each needs.
 */
import type { TaskContext } from './context.js';
import { runExperimentTask, type ExperimentTaskInput } from './experiment.js';
import { runPrimitivesTask, type PrimitivesTask } from './primitives.js';
import { prepareNetworkTask, runSimulationTask, type PrepareNetworkInput, type SimulationInput } from './simulation.js';
import { runSocTask, type SocTaskInput } from './soc.js';
import { runSpeedTask, type SpeedTaskInput } from './speed.js';
import { runTrainingTask, type TrainingTaskInput } from './training.js';

export interface TaskInputs {
  training: TrainingTaskInput;
  soc: SocTaskInput;
  speed: SpeedTaskInput;
  experiment: ExperimentTaskInput;
  simulate: SimulationInput;
  'prepare-network': PrepareNetworkInput;
  primitives: PrimitivesTask;
}

export type TaskKind = keyof TaskInputs;

export const TASKS: { [K in TaskKind]: (input: TaskInputs[K], ctx: TaskContext) => unknown } = {
  training: runTrainingTask,
  soc: runSocTask,
  speed: runSpeedTask,
  experiment: runExperimentTask,
  simulate: (input) => runSimulationTask(input),
  'prepare-network': (input) => prepareNetworkTask(input),
  primitives: (input) => runPrimitivesTask(input),
};

export function isTaskKind(kind: unknown): kind is TaskKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(TASKS, kind);
}

export { TaskError, quietContext, contextWith, type TaskContext } from './context.js';
