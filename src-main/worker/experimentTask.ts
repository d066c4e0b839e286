/**
 * Worker side of 'experiment' jobs: run one paper experiment definition by name
 * (src-shared/experiments/catalog.ts) with the job's stop flag as shouldStop and its progress
 * messages (plus an estimated percent) posted on the job's port.
 *
 * Cancel: the definitions check shouldStop between steps and return what they computed (their
 * `stopped` flag); that comes back as a partial result. Should a definition fail while stopping
 * (nothing computed yet to build a figure from), the job still ends cleanly as cancelled, with an
 * empty result saying so.
 */
import type { ExperimentJobResult } from '../../src-shared/ipc/experimentContract.js';
import { experimentInfo, experimentProgressEstimator, runExperimentByName } from '../../src-shared/experiments/catalog.js';
import type { ExperimentTask, WorkerMessage } from './protocol.js';

/** At most this often a progress message is posted (the job manager throttles events again). */
const POST_MS = 50;

export async function runExperimentTask(task: ExperimentTask): Promise<ExperimentJobResult> {
  const { options } = task;
  const post = (message: WorkerMessage) => task.port.postMessage(message);
  const shouldStop = () => Atomics.load(task.stopFlag, 0) !== 0;
  const estimate = experimentProgressEstimator(options, task.network?.n);
  let lastPost = 0;
  let pending: { message: string; percent: number } | null = null;
  const flush = () => {
    if (!pending) return;
    post({ type: 'progress', done: 0, total: 0, points: [], bestError: null, percent: pending.percent, message: pending.message });
    pending = null;
    lastPost = Date.now();
  };
  post({ type: 'started' });
  const network = task.network
    ? { n: task.network.n, nE: task.network.nE, W: task.network.W, x0: task.network.x0, readout: task.network.readout }
    : undefined;
  const networkLabel = task.network ? task.network.name : 'own SOC network';
  const started = Date.now();
  try {
    const result = runExperimentByName({
      options,
      inputs: { network, target: task.target ?? undefined },
      onProgress: (message) => {
        pending = { message, percent: estimate(message) };
        if (Date.now() - lastPost >= POST_MS) flush();
      },
      shouldStop,
    });
    flush();
    const partial = result.stopped || shouldStop();
    if (partial) post({ type: 'stopped' });
    else post({ type: 'progress', done: 0, total: 0, points: [], bestError: null, percent: 100, message: 'done' });
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
    // a definition's own failure keeps its message (code 'internal', not 'worker-crashed')
    if (!shouldStop()) throw new Error(`gainlab-error:internal:${options.experiment} failed: ${error instanceof Error ? error.message : String(error)}`);
    // stopped before the definition had anything to draw: a clean, empty cancelled result
    flush();
    post({ type: 'stopped' });
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
