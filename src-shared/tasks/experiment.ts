/**
 * The experiment task: one paper experiment definition by name (src-shared/experiments/catalog.ts),
 * its progress messages (with a percent estimated from the steps they report, not their words)
 * reported through the context and its stop checked between steps.
 *
 * Cancel: the definitions check shouldStop between steps and return what they computed (their
 * `stopped` flag); that comes back as a partial result. Should a definition fail while stopping
 * (nothing computed yet to build a figure from), the task still ends cleanly, cancelled, with an
 * empty result saying so.
 */
import type { NetworkPayload } from '../ipc/contract.js';
import type { ExperimentJobResult, ExperimentOptions } from '../ipc/experimentContract.js';
import { experimentInfo, experimentProgressEstimator, runExperimentByName } from '../experiments/catalog.js';
import { TaskError, quietContext, type TaskContext } from './context.js';
import { modelNetwork } from './training.js';

export interface ExperimentTaskInput {
  options: ExperimentOptions;
  /** The project network to use as given (else the definition builds its own), and fig1's target. */
  network: NetworkPayload | null;
  target: Float64Array | null;
  /** The target's name in the project, recorded in the summary as where the target came from. */
  targetName?: string | null;
}

export function runExperimentTask(input: ExperimentTaskInput, ctx: TaskContext = quietContext): ExperimentJobResult {
  const { options } = input;
  const estimate = experimentProgressEstimator(options, input.network?.n);
  const networkLabel = input.network ? input.network.name : 'own SOC network';
  const started = Date.now();
  try {
    const result = runExperimentByName({
      options,
      inputs: { network: input.network ? modelNetwork(input.network) : undefined, target: input.target ?? undefined, networkLabel: input.network?.name, targetLabel: input.targetName ?? undefined },
      onProgress: (message, step) => ctx.message(message, estimate(step)),
      shouldStop: () => ctx.shouldStop(),
    });
    const partial = result.stopped || ctx.shouldStop();
    if (!partial) {
      ctx.message('done', 100);
    }
    return {
      kind: 'experiment',
      experiment: options.experiment,
      title: result.title,
      quick: result.quick,
      seed: result.seed,
      network: networkLabel,
      summary: result.summary,
      tables: result.tables,
      arrays: result.arrays,
      figures: (result.figures ?? []) as unknown as ExperimentJobResult['figures'],
      csv: result.csv ?? [],
      elapsedMs: result.elapsedMs,
      partial,
    };
  } catch (error) {
    // a definition's own failure keeps its message (code 'internal', not a crashed worker)
    if (!ctx.shouldStop()) throw new TaskError('internal', `${options.experiment} failed: ${error instanceof Error ? error.message : String(error)}`);
    // stopped before the definition had anything to draw: a clean, empty cancelled result
    return {
      kind: 'experiment',
      experiment: options.experiment,
      title: experimentInfo(options.experiment).title,
      quick: options.quick,
      seed: options.seed,
      network: networkLabel,
      summary: {},
      tables: [],
      arrays: [],
      figures: [],
      csv: [],
      elapsedMs: Date.now() - started,
      partial: true,
      // (the error is a consequence of the stop, e.g. an SOC build cut short has no Gramian: not news to the user)
      note: `Cancelled before ${options.experiment} had a result to show.`,
    };
  }
}
