/**
 * Analyses of training runs stored in the project (a job's run has the job's id), computed in a
 * Web Worker (components/analysis/analysisWorker.ts) so the plots stay responsive — by the one
 * analysis pipeline, src-shared/analysis/runAnalyses.ts, that `gainlab experiment fig1` runs too
 * (the noise seed follows from the run's seed, so both give the same numbers). The run and its
 * network are fetched from main by id. One analysis at a time.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { NetworkPayload, TrainingResult } from '../../src-shared/ipc/contract.js';
import { DEFAULT_SNR_DB, type NoisyX0Curve, type RunAnalysis, type RunAnalysisInput } from '../components/analysis/runAnalysis.js';
import { networkPayloadOf } from '../../src-shared/project/modelViews.js';
import { targetFit } from '../../src-shared/model/params.js';
import { useProjectStore } from './project.js';

type WorkerReply =
  | { id: number; kind: 'stage'; stage: string }
  | { id: number; kind: 'progress'; fraction: number }
  | { id: number; kind: 'done'; result: unknown }
  | { id: number; kind: 'error'; message: string };

export { DEFAULT_SNR_DB };

export const useAnalysisStore = defineStore('analysis', () => {
  const jobId = ref<string | null>(null);
  const status = ref<'idle' | 'running' | 'done' | 'failed'>('idle');
  const stage = ref('');
  const error = ref<string | null>(null);
  const analysis = shallowRef<RunAnalysis | null>(null);
  const noisy = shallowRef<NoisyX0Curve | null>(null);
  const noisyStatus = ref<'idle' | 'running' | 'done' | 'failed'>('idle');
  const noisyProgress = ref(0);
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { onReply: (reply: WorkerReply) => void }>();

  function ensureWorker(): Worker {
    if (worker) return worker;
    worker = new Worker(new URL('../components/analysis/analysisWorker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<WorkerReply>) => pending.get(event.data.id)?.onReply(event.data);
    worker.onerror = (event) => {
      for (const entry of pending.values()) entry.onReply({ id: -1, kind: 'error', message: event.message || 'the analysis worker failed' });
      pending.clear();
      worker?.terminate();
      worker = null;
    };
    return worker;
  }

  function post<T>(message: object, onUpdate: (reply: WorkerReply) => void): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, {
        onReply: (reply) => {
          if (reply.kind === 'done') {
            pending.delete(id);
            resolve(reply.result as T);
          } else if (reply.kind === 'error') {
            pending.delete(id);
            reject(new Error(reply.message));
          } else onUpdate(reply);
        },
      });
      ensureWorker().postMessage({ ...message, id });
    });
  }

  interface AnalysisInputs {
    network: NetworkPayload;
    target: Float64Array;
    initialGains?: Float64Array;
    /** The run's master seed (the noise seed of Supp. 1d follows from it). */
    seed: number;
    result: Pick<TrainingResult, 'initialError' | 'bestSession'> & { sessions: { bestGains: Float64Array; bestError: number }[] };
  }
  /** Inputs of the last analysis asked for (the noisy-x0 curve reuses them). */
  let lastInputs: { id: string; inputs: AnalysisInputs } | null = null;

  /** What an analysis needs, from the run stored in the project (main adds every run of a project when it finishes). */
  async function inputsOf(id: string): Promise<AnalysisInputs | null> {
    if (lastInputs?.id === id) return lastInputs.inputs;
    const project = useProjectStore();
    const run = await project.fullRun(id);
    if (!run || run.sessions.length === 0) return null;
    const network = await project.fullNetwork(run.networkId);
    const target = project.targets.find((t) => t.id === run.targetIds[0]);
    if (!network || !network.readout || !target) return null;
    const index = run.initialConditionIndices[0] ?? 0;
    let bestSession = 0;
    run.sessions.forEach((s, k) => {
      if (s.bestError < run.sessions[bestSession].bestError) bestSession = k;
    });
    // a run on a slow variant ran the network for the target's duration with its step (model-spec §8)
    const payload = networkPayloadOf(network, index);
    const fit = targetFit(payload.params, payload.readout.channels, target);
    const inputs: AnalysisInputs = {
      network: fit.fits ? { ...payload, params: fit.params } : payload,
      target: target.values,
      ...(run.initialGains ? { initialGains: run.initialGains } : {}),
      seed: run.seed,
      result: { initialError: run.initialError ?? NaN, bestSession, sessions: run.sessions.map((s) => ({ bestGains: s.bestGains, bestError: s.bestError })) },
    };
    lastInputs = { id, inputs };
    return inputs;
  }

  /** The run as the shared analyses take it (runAnalysis.ts RunAnalysisInput). */
  function runInput(inputs: AnalysisInputs): RunAnalysisInput {
    return {
      network: inputs.network,
      target: inputs.target,
      initialGains: inputs.initialGains,
      initialError: inputs.result.initialError,
      sessions: inputs.result.sessions.map((s) => ({ bestGains: s.bestGains, bestError: s.bestError })),
    };
  }

  async function analyse(id: string): Promise<void> {
    if (jobId.value === id && (status.value === 'running' || status.value === 'done')) return;
    const inputs = await inputsOf(id);
    jobId.value = id;
    analysis.value = null;
    noisy.value = null;
    noisyStatus.value = 'idle';
    error.value = null;
    if (!inputs) {
      status.value = 'failed';
      error.value = 'This run is not in the project (or its network or target is gone), so it cannot be analysed.';
      return;
    }
    status.value = 'running';
    stage.value = 'starting';
    try {
      const result = await post<RunAnalysis>(
        {
          kind: 'analyse',
          input: runInput(inputs),
        },
        (reply) => {
          if (reply.kind === 'stage') stage.value = reply.stage;
        },
      );
      if (jobId.value !== id) return;
      analysis.value = result;
      status.value = 'done';
    } catch (failure) {
      if (jobId.value !== id) return;
      status.value = 'failed';
      error.value = (failure as Error).message;
    }
  }

  /**
   * Supp. 1d: noisy vs noise-free output against SNR, `draws` noisy x0 per SNR (1 000 in the
   * paper) for the starting gains and every session's trained gains; the noise seed follows from
   * the run's seed (analysisNoiseSeed), as in `gainlab experiment fig1`.
   */
  async function runNoisy(draws: number, snrDb: readonly number[] = DEFAULT_SNR_DB): Promise<void> {
    const id = jobId.value;
    if (!id) return;
    const inputs = await inputsOf(id);
    if (!inputs) return;
    noisyStatus.value = 'running';
    noisyProgress.value = 0;
    try {
      const curve = await post<NoisyX0Curve>(
        { kind: 'noisy', input: { ...runInput(inputs), snrDb: [...snrDb], draws, runSeed: inputs.seed } },
        (reply) => {
          if (reply.kind === 'progress') noisyProgress.value = reply.fraction;
        },
      );
      if (jobId.value !== id) return;
      noisy.value = curve;
      noisyStatus.value = 'done';
    } catch (failure) {
      noisyStatus.value = 'failed';
      error.value = (failure as Error).message;
    }
  }

  function close(): void {
    worker?.terminate();
    worker = null;
    pending.clear();
    jobId.value = null;
    status.value = 'idle';
    noisyStatus.value = 'idle';
  }

  return { jobId, status, stage, error, analysis, noisy, noisyStatus, noisyProgress, analyse, runNoisy, close };
});
