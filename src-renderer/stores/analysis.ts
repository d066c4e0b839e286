/**
 * Analyses of finished training runs, computed in a Web Worker (components/analysis/analysisWorker.ts)
 * so the plots stay responsive. One analysis at a time; results are kept per job id.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { TrainingResult } from '../../src-shared/ipc/contract.js';
import { DEFAULT_SNR_DB, type NoisyX0Curve, type RunAnalysis, type RunAnalysisInput } from '../components/analysis/runAnalysis.js';
import { useJobsStore } from './jobs.js';

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

  function inputsOf(id: string): { network: import('../../src-shared/ipc/contract.js').NetworkPayload; target: Float64Array; initialGains?: Float64Array; seed: number; result: TrainingResult } | null {
    const jobs = useJobsStore();
    const result = jobs.trainingResult(id);
    const request = jobs.details[id]?.request;
    if (!result || !request || !('source' in request) || request.source.kind !== 'inline') return null;
    return { network: request.source.network, target: request.source.targets[0].values, initialGains: request.initialGains, seed: request.seed, result };
  }

  /** The run as the shared analyses take it (runAnalysis.ts RunAnalysisInput). */
  function runInput(inputs: NonNullable<ReturnType<typeof inputsOf>>): RunAnalysisInput {
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
    const jobs = useJobsStore();
    if (!jobs.details[id]?.result) await jobs.fetchDetail(id);
    const inputs = inputsOf(id);
    jobId.value = id;
    analysis.value = null;
    noisy.value = null;
    noisyStatus.value = 'idle';
    error.value = null;
    if (!inputs) {
      status.value = 'failed';
      error.value = 'This run has no result with its network and target data to analyse.';
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
   * Supp. Fig. 1d: noisy vs noise-free output against SNR, `draws` noisy x0 per SNR (1 000 in the
   * paper) for the starting gains and every session's trained gains; the noise seed follows from
   * the run's seed (analysisNoiseSeed), as in `gainlab experiment fig1`.
   */
  async function runNoisy(draws: number, snrDb: readonly number[] = DEFAULT_SNR_DB): Promise<void> {
    const id = jobId.value;
    if (!id) return;
    const inputs = inputsOf(id);
    if (!inputs) return;
    noisyStatus.value = 'running';
    noisyProgress.value = 0;
    try {
      const curve = await post<NoisyX0Curve>(
        {
          kind: 'noisy',
          input: { ...runInput(inputs), snrDb: [...snrDb], draws, runSeed: inputs.seed },
        },
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
