/**
 * The job manager: runs long model computations (training, SOC builds) on a worker pool and keeps
 * the job list in the main process, so it survives a renderer reload and is shared by every window
 * or WebSocket client.
 *
 * Plain Node module: every dependency is passed in (pool, clock, timers, event emitter, source
 * resolver), so tests drive it with the real piscina pool and a fake or real clock.
 *
 * Life of a job: queued → running (the worker posted 'started') → done | cancelled | failed.
 * - Progress: the worker posts batches of new error points on a MessagePort; the manager appends
 *   them to the job and emits `jobs:progress` at most every `progressIntervalMs` (default 100 ms,
 *   ~10/s), each event carrying the points accumulated since the previous one.
 * - Cancel: sets the job's SharedArrayBuffer stop flag; the worker's shouldStop() sees it at its
 *   next trial and returns the partial result, kept with status 'cancelled'.
 * - Crash: if the worker throws, exits or dies, piscina rejects only that task (and replaces the
 *   thread); the job fails with code 'worker-crashed' and the pool keeps serving.
 */
import { slowestSpeedError } from '../../src-shared/speed/errorSummary.js';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import {
  GainLabError,
  type EventChannel,
  type EventPayloadOf,
  type ErrorInfo,
  type ErrorPoints,
  type GainSnapshot,
  type JobDetail,
  type JobKind,
  type JobResult,
  type JobStatus,
  type JobSummary,
  type ModelSource,
  type NetworkPayload,
  type SimulateResponse,
  type SocOptions,
  type SocRequest,
  type SpeedOptions,
  type ExperimentOptions,
  type TargetPayload,
  type TrainingOptions,
  type TrainingRequest,
  type SweepRequest,
} from '../../src-shared/ipc/contract.js';
import { TaskError } from '../../src-shared/tasks/context.js';
import type { TaskInputs } from '../../src-shared/tasks/index.js';
import type { PrimitivesFitResult, PrimitivesFitTask, PrimitivesLibraryResult, PrimitivesTask } from '../../src-shared/tasks/primitives.js';
import type { PrepareNetworkInput, PreparedNetwork, SimulationInput } from '../../src-shared/tasks/simulation.js';
import type { TrainingTaskInput } from '../../src-shared/tasks/training.js';
import type { SweepPlanInput, SweepPlanResult, SweepResultsInput, SweepTaskInput } from '../../src-shared/tasks/sweep.js';
import type { SweepResults } from '../../src-shared/sweeps/results.js';
import type { SocSpectrum, WorkerMessage, WorkerTask } from '../worker/protocol.js';

/** The part of a piscina pool the manager uses (see workerPool.ts). */
export interface WorkerPoolLike {
  run(task: WorkerTask, options?: { transferList?: MessagePort[] }): Promise<unknown>;
  destroy(): Promise<void>;
}

export type EmitFn = <E extends EventChannel>(channel: E, payload: EventPayloadOf<E>) => void;

export interface ResolvedSource {
  network: NetworkPayload;
  targets: TargetPayload[];
  initialConditions?: Float64Array[];
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface JobManagerDeps {
  /** Pool for long jobs (training, SOC). */
  pool: WorkerPoolLike;
  /** Pool for quick interactive simulations, so plots stay responsive while jobs run (default: pool). */
  interactivePool?: WorkerPoolLike;
  emit: EmitFn;
  /** Turn a job's model source into data; throw GainLabError('not-found') for unknown ids. */
  resolveSource?: (source: ModelSource) => ResolvedSource | Promise<ResolvedSource>;
  now?: () => number;
  timers?: Timers;
  progressIntervalMs?: number;
  newJobId?: () => string;
  /** Finished jobs kept in the list (oldest finished ones are forgotten first); default 200. */
  maxFinishedJobs?: number;
}

/** The project a job belongs to: its result is delivered there when it finishes. */
export interface JobOwner {
  projectId: string;
  projectName: string;
}

interface JobRecord {
  jobId: string;
  kind: JobKind;
  label: string;
  owner: JobOwner | null;
  status: JobStatus;
  request: JobRequest;
  done: number;
  total: number;
  /** Reported by the worker when done/total is not the measure (SOC builds). */
  percent: number | null;
  bestError: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: ErrorInfo | null;
  result: JobResult | null;
  errorsBySession: number[][];
  stopFlag: Int32Array;
  stopRequested: boolean;
  port: MessagePort | null;
  pendingPoints: ErrorPoints[];
  /** SOC builds: the newest spectrum not yet emitted. */
  pendingSpectrum: SocSpectrum | null;
  /** Training: every gain snapshot received (for jobs:get), and those not yet emitted. */
  gainSnapshots: GainSnapshot[];
  pendingSnapshots: GainSnapshot[];
  /** Experiment jobs: the definition's latest progress message. */
  message: string | null;
  lastEmitAt: number;
  emitTimer: unknown;
  settled: Promise<void>;
}

type JobRequest = TrainingOptions | SocRequest | SpeedOptions | ExperimentOptions | SweepRequest;

export interface JobManager {
  /**
   * `groups`: the labels the worker trains with, when the request names them by reference
   * (specialised groups, resolved in main); the job records the request as it was made.
   */
  startTraining(options: TrainingOptions, owner?: JobOwner | null, groups?: TrainingOptions['groups']): Promise<{ jobId: string }>;
  startSoc(options: SocOptions, owner?: JobOwner | null): Promise<{ jobId: string }>;
  /** Speed manifold (model-spec §10) on a network resolved from the open project. */
  startSpeed(options: SpeedOptions, resolved: { network: NetworkPayload; initialConditions: Float64Array }, owner?: JobOwner | null): Promise<{ jobId: string }>;
  /** A paper experiment definition by name (src-shared/tasks/experiment.ts); network null = the definition's own. */
  startExperiment(options: ExperimentOptions, resolved: { network: NetworkPayload | null; target: Float64Array | null; targetName?: string | null; label: string }, owner?: JobOwner | null): Promise<{ jobId: string }>;
  /**
   * A sweep's tasks in order as one job (src-shared/tasks/sweep.ts); `input.dir` is its folder,
   * which the worker writes each finished task to. Session 0's stop flag pauses it after the
   * running task. `tasks`: its task count (duplicates merged), the job's total from the start (the
   * jobs panel's "k of N tasks" before the worker reports).
   */
  startSweep(request: SweepRequest, input: SweepTaskInput, label: string, owner?: JobOwner | null, tasks?: number): Promise<{ jobId: string }>;
  /** A sweep checked against its inputs and its costs measured, on the interactive pool. */
  planSweep(input: SweepPlanInput): Promise<SweepPlanResult>;
  /** The results in a collected sweep archive, read on the interactive pool. */
  decodeSweepResults(input: SweepResultsInput): Promise<SweepResults>;
  /**
   * Stop a job, or with `session` only that session of a training job (element 1 + session of the
   * stop flag); for a sweep job, session 0 pauses it after its running task.
   */
  cancel(jobId: string, session?: number): { jobId: string; status: JobStatus };
  list(): JobSummary[];
  get(jobId: string): JobDetail;
  remove(jobId: string): { jobId: string };
  /** Forget every finished job (of one project when given); returns how many. */
  clearFinished(projectId?: string | null): { removed: number };
  /** Jobs not yet finished (queued or running), e.g. those of a project about to close. */
  unfinished(): JobSummary[];
  /** Resolves when the job has finished (any final status). */
  whenFinished(jobId: string): Promise<JobDetail>;
  simulate(input: SimulationInput): Promise<SimulateResponse>;
  /** Initial conditions (and optionally a readout fit) for a built W, on the interactive pool. */
  prepareNetwork(input: PrepareNetworkInput): Promise<PreparedNetwork>;
  /** Motor-primitive computations (src-shared/tasks/primitives.ts) on the interactive pool. */
  runPrimitives<T extends PrimitivesTask>(task: T): Promise<T extends PrimitivesFitTask ? PrimitivesFitResult : PrimitivesLibraryResult>;
  dispose(): Promise<void>;
}

/** A task's deliberate failure (TaskError, its code kept across the thread), else a crashed worker. */
export function errorFromWorker(error: unknown): ErrorInfo {
  const message = error instanceof Error ? error.message : String(error);
  const deliberate = TaskError.fromWire(message);
  if (deliberate) return { code: deliberate.code, message: deliberate.message };
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY' || /reaching memory limit|heap out of memory/i.test(message)) {
    return { code: 'worker-crashed', message: 'The computation ran out of the memory one job may use and was stopped; other jobs are not affected. Try a smaller network, fewer samples or fewer sessions.' };
  }
  return { code: 'worker-crashed', message: `The model worker stopped unexpectedly (${message}). Other jobs are not affected.` };
}

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createJobManager(deps: JobManagerDeps): JobManager {
  const now = deps.now ?? Date.now;
  const timers = deps.timers ?? defaultTimers;
  const intervalMs = deps.progressIntervalMs ?? 100;
  const interactivePool = deps.interactivePool ?? deps.pool;
  let counter = 0;
  const newJobId = deps.newJobId ?? (() => `job-${now().toString(36)}-${(++counter).toString(36)}`);
  const jobs = new Map<string, JobRecord>();
  let disposed = false;

  function percentOf(job: JobRecord): number {
    return job.percent ?? (job.total > 0 ? Math.min(100, (100 * job.done) / job.total) : isFinal(job.status) ? 100 : 0);
  }

  /** 1 for the queued job that starts next (the pool takes queued jobs in the order they came). */
  function queuePosition(job: JobRecord): number | null {
    if (job.status !== 'queued') return null;
    let position = 1;
    for (const other of jobs.values()) if (other.status === 'queued' && other.createdAt < job.createdAt) position++;
    return position;
  }

  /** Time left at the rate measured since the job started (after at least 1 % or a second of work). */
  function etaMs(job: JobRecord, percent: number): number | null {
    if (job.status !== 'running' || job.startedAt === null) return null;
    const elapsed = now() - job.startedAt;
    if (percent < 1 || elapsed < 1000) return null;
    return Math.max(0, (elapsed * (100 - percent)) / percent);
  }

  function summary(job: JobRecord): JobSummary {
    const percent = percentOf(job);
    return {
      jobId: job.jobId,
      kind: job.kind,
      label: job.label,
      status: job.status,
      percent,
      trial: job.done,
      totalTrials: job.total,
      bestError: job.bestError,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      error: job.error,
      ...(job.message !== null ? { message: job.message } : {}),
      projectId: job.owner?.projectId ?? null,
      projectName: job.owner?.projectName ?? null,
      queuePosition: queuePosition(job),
      etaMs: etaMs(job, percent),
    };
  }

  function detailOf(job: JobRecord): JobDetail {
    return {
      ...summary(job),
      request: job.request as JobDetail['request'],
      errorsBySession: job.errorsBySession.map((curve) => curve.slice()),
      ...(job.kind === 'training' ? { gainSnapshots: job.gainSnapshots.slice() } : {}),
      result: job.result,
    };
  }

  function requireJob(jobId: string): JobRecord {
    const job = jobs.get(jobId);
    if (!job) throw new GainLabError('not-found', `There is no job "${jobId}".`);
    return job;
  }

  function emitProgress(job: JobRecord): void {
    if (job.emitTimer !== null) {
      timers.clearTimeout(job.emitTimer);
      job.emitTimer = null;
    }
    job.lastEmitAt = now();
    const errors = job.pendingPoints;
    job.pendingPoints = [];
    const s = summary(job);
    deps.emit('jobs:progress', {
      jobId: job.jobId,
      status: job.status,
      percent: s.percent,
      trial: job.done,
      errors,
      bestError: job.bestError,
      ...(job.pendingSpectrum ? { spectrum: job.pendingSpectrum } : {}),
      ...(job.pendingSnapshots.length > 0 ? { gainSnapshots: job.pendingSnapshots } : {}),
      ...(job.message !== null ? { message: job.message } : {}),
      etaMs: s.etaMs,
    });
    job.pendingSpectrum = null;
    job.pendingSnapshots = [];
  }

  function scheduleProgress(job: JobRecord): void {
    if (job.emitTimer !== null) return;
    const wait = job.lastEmitAt + intervalMs - now();
    if (wait <= 0) emitProgress(job);
    else job.emitTimer = timers.setTimeout(() => {
      job.emitTimer = null;
      if (!isFinal(job.status)) emitProgress(job);
    }, wait);
  }

  function addPoints(job: JobRecord, points: ErrorPoints[]): void {
    for (const run of points) {
      while (job.errorsBySession.length <= run.session) job.errorsBySession.push([]);
      const curve = job.errorsBySession[run.session];
      // place by trial index: robust to a batch being re-sent or arriving after a gap
      for (let i = 0; i < run.values.length; i++) curve[run.fromTrial + i] = run.values[i];
      const last = job.pendingPoints[job.pendingPoints.length - 1];
      if (last && last.session === run.session && last.fromTrial + last.values.length === run.fromTrial) {
        last.values.push(...run.values);
      } else {
        job.pendingPoints.push({ session: run.session, fromTrial: run.fromTrial, values: run.values.slice() });
      }
    }
  }

  function onWorkerMessage(job: JobRecord, message: WorkerMessage): void {
    if (isFinal(job.status)) return;
    if (message.type === 'started') {
      job.status = 'running';
      job.startedAt = now();
      emitProgress(job);
    } else if (message.type === 'progress') {
      if (job.status === 'queued') {
        job.status = 'running';
        job.startedAt = now();
      }
      job.done = message.done;
      job.total = message.total;
      if (message.percent !== undefined) job.percent = message.percent;
      // a speed job's number is defined at the slowest speed (set when it finishes), not the lowest of any speed
      if (job.kind !== 'speed' && message.bestError !== null && (job.bestError === null || message.bestError < job.bestError)) {
        job.bestError = message.bestError;
      }
      addPoints(job, message.points);
      // only the newest spectrum matters to a viewer: a later one replaces one not yet sent
      if (message.spectrum) job.pendingSpectrum = message.spectrum;
      if (message.message !== undefined) job.message = message.message;
      if (message.gainSnapshots) {
        job.gainSnapshots.push(...message.gainSnapshots);
        job.pendingSnapshots.push(...message.gainSnapshots);
      }
      scheduleProgress(job);
    }
  }

  function finish(job: JobRecord, status: 'done' | 'cancelled' | 'failed', result: JobResult | null, error: ErrorInfo | null): void {
    if (isFinal(job.status)) return;
    // last progress first, so listeners see every point before the finished event
    if (job.pendingPoints.length > 0 || job.pendingSpectrum || job.pendingSnapshots.length > 0) emitProgress(job);
    if (job.emitTimer !== null) {
      timers.clearTimeout(job.emitTimer);
      job.emitTimer = null;
    }
    job.status = status;
    job.result = result;
    job.error = error;
    job.finishedAt = now();
    if (job.startedAt === null) job.startedAt = job.finishedAt;
    if (result?.kind === 'soc') {
      job.errorsBySession = [Array.from(result.alphaHistory)];
      job.done = result.iterations;
      job.bestError = result.alphaHistory[result.alphaHistory.length - 1] ?? job.bestError;
      if (status === 'done') job.percent = 100;
    }
    if (result?.kind === 'training') {
      // the result's curves are authoritative (a progress batch may still be in flight)
      job.errorsBySession = result.sessions.map((s) => Array.from(s.errorCurve));
      const best = result.sessions[result.bestSession];
      if (best) job.bestError = best.bestError;
      job.done = result.sessions.reduce((sum, s) => sum + s.trialsRun, 0);
      if (status === 'done') job.done = job.total;
    }
    if (result?.kind === 'experiment' && status === 'done') job.percent = 100;
    if (result?.kind === 'sweep') {
      job.total = result.tasks;
      job.done = result.rows.filter((row) => row.state === 'done' || row.state === 'failed').length;
      if (status === 'done') job.percent = 100;
    }
    if (result?.kind === 'speed') {
      // the job's number is the speed view's: the joint error at the slowest speed learned (speed/errorSummary.ts)
      job.bestError = slowestSpeedError(result)?.error ?? null;
      if (status === 'done') job.done = job.total;
    }
    job.port?.close();
    job.port = null;
    deps.emit('jobs:finished', { jobId: job.jobId, status, result, error });
    forgetOldFinishedJobs();
  }

  function forgetOldFinishedJobs(): void {
    const limit = deps.maxFinishedJobs ?? 200;
    const finished = [...jobs.values()].filter((j) => isFinal(j.status));
    if (finished.length <= limit) return;
    finished.sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
    for (const job of finished.slice(0, finished.length - limit)) jobs.delete(job.jobId);
  }

  function submit(job: JobRecord, task: WorkerTask, port: MessagePort, workerPort: MessagePort): Promise<void> {
    port.on('message', (message: WorkerMessage) => onWorkerMessage(job, message));
    return deps.pool.run(task, { transferList: [workerPort] }).then(
      async (value) => {
        // let progress messages already posted on the port arrive before the final event
        await new Promise((resolve) => setImmediate(resolve));
        const result = value as JobResult;
        const partial = result.partial || job.stopRequested;
        finish(job, partial ? 'cancelled' : 'done', result, null);
      },
      (error: unknown) => {
        finish(job, 'failed', null, errorFromWorker(error));
      },
    );
  }

  function createRecord(kind: JobKind, label: string, request: JobRequest, total: number, owner: JobOwner | null): JobRecord {
    return {
      jobId: newJobId(),
      kind,
      label,
      owner,
      status: 'queued',
      request,
      done: 0,
      total,
      percent: null,
      bestError: null,
      createdAt: now(),
      startedAt: null,
      finishedAt: null,
      error: null,
      result: null,
      errorsBySession: [],
      // element 0 stops the job; element 1 + k stops session k only (training: at most 100 sessions)
      stopFlag: new Int32Array(new SharedArrayBuffer(4 * 101)),
      stopRequested: false,
      port: null,
      pendingPoints: [],
      pendingSpectrum: null,
      gainSnapshots: [],
      pendingSnapshots: [],
      message: null,
      lastEmitAt: 0,
      emitTimer: null,
      settled: Promise.resolve(),
    };
  }

  /**
   * Record a job, open the channel its progress comes back on, and hand the pool its task (the
   * task's input, the worker's end of that channel and the job's stop flags). Every kind of job
   * goes through here; only its input, label and total differ.
   */
  function launch<K extends JobKind>(
    kind: K,
    label: string,
    request: JobRequest,
    total: number,
    owner: JobOwner | null,
    input: TaskInputs[K],
  ): { jobId: string } {
    const job = createRecord(kind, label, request, total, owner);
    const { port1, port2 } = new MessageChannel();
    job.port = port1;
    jobs.set(job.jobId, job);
    const task: WorkerTask<K> = { kind, input, port: port2, stopFlag: job.stopFlag };
    job.settled = submit(job, task as unknown as WorkerTask, port1, port2);
    return { jobId: job.jobId };
  }

  /** A short computation on the interactive pool; a task's failure keeps its code. */
  async function interactive<K extends keyof TaskInputs>(kind: K, input: TaskInputs[K]): Promise<unknown> {
    ensureOpen();
    try {
      return await interactivePool.run({ kind, input } as unknown as WorkerTask);
    } catch (error) {
      const info = errorFromWorker(error);
      throw new GainLabError(info.code, info.message);
    }
  }

  function ensureOpen(): void {
    if (disposed) throw new GainLabError('internal', 'The job manager has shut down.');
  }

  return {
    async startTraining(options, owner = null, groups) {
      ensureOpen();
      if (!deps.resolveSource) throw new GainLabError('internal', 'No model source resolver configured.');
      const source = await deps.resolveSource(options.source);
      const { source: _omit, ...settings } = options;
      const { purpose: _purpose, ...taskSettings } = settings;
      const input: TrainingTaskInput = {
        ...taskSettings,
        groups: groups ?? settings.groups,
        network: source.network,
        targets: source.targets,
        initialConditions: source.initialConditions,
      };
      const label = options.label ?? `${options.rule === 'reward' ? 'Reward rule' : 'Gradient'} · seed ${options.seed} · ${source.network.name}`;
      // gradient training is deterministic: one session whatever was asked
      const sessions = options.rule === 'gradient' ? 1 : options.sessions;
      return launch('training', label, options, options.trials * sessions, owner, { ...input, sessions });
    },

    async startSoc(options, owner = null) {
      ensureOpen();
      const label = options.label ?? `SOC network N = ${options.n} (seed ${options.seed})`;
      const { label: _label, ...input } = options;
      return launch('soc', label, options, 0, owner, input);
    },

    async startSpeed(options, resolved, owner = null) {
      ensureOpen();
      const label = options.label ?? `Speed manifold · ${resolved.network.name} (${options.speeds} speeds to ${options.maxFactor}×)`;
      const { networkId: _networkId, initialConditions: m, label: _label, ...settings } = options;
      return launch('speed', label, options, options.speeds * options.trials, owner, { ...settings, network: resolved.network, availableInitialConditions: resolved.initialConditions, m });
    },

    async startExperiment(options, resolved, owner = null) {
      ensureOpen();
      return launch('experiment', resolved.label, options, 0, owner, { options, network: resolved.network, target: resolved.target, targetName: resolved.targetName ?? null });
    },

    async startSweep(request, input, label, owner = null, tasks = 0) {
      ensureOpen();
      return launch('sweep', label, request, tasks, owner, input);
    },

    async planSweep(input) {
      return (await interactive('sweep-plan', input)) as SweepPlanResult;
    },

    async decodeSweepResults(input) {
      return (await interactive('sweep-results', input)) as SweepResults;
    },

    cancel(jobId, session) {
      const job = requireJob(jobId);
      if (session !== undefined) {
        if (job.kind === 'sweep' && session !== 0) throw new GainLabError('invalid-payload', 'A sweep job pauses with session 0.');
        if (job.kind !== 'training' && job.kind !== 'sweep') throw new GainLabError('invalid-payload', 'Only training jobs have sessions to stop (and sweep jobs pause).');
        if (1 + session >= job.stopFlag.length) throw new GainLabError('invalid-payload', `There is no session ${session + 1}.`);
        if (!isFinal(job.status)) Atomics.store(job.stopFlag, 1 + session, 1);
        return { jobId, status: job.status };
      }
      if (!isFinal(job.status)) {
        job.stopRequested = true;
        Atomics.store(job.stopFlag, 0, 1);
      }
      return { jobId, status: job.status };
    },

    list() {
      return [...jobs.values()].map(summary);
    },

    get(jobId) {
      return detailOf(requireJob(jobId));
    },

    remove(jobId) {
      const job = requireJob(jobId);
      if (!isFinal(job.status)) {
        throw new GainLabError('forbidden', 'Cancel the job before removing it.');
      }
      jobs.delete(jobId);
      return { jobId };
    },

    clearFinished(projectId) {
      let removed = 0;
      for (const job of [...jobs.values()]) {
        if (!isFinal(job.status)) continue;
        if (projectId !== undefined && projectId !== null && job.owner?.projectId !== projectId) continue;
        jobs.delete(job.jobId);
        removed++;
      }
      return { removed };
    },

    unfinished() {
      return [...jobs.values()].filter((job) => !isFinal(job.status)).map(summary);
    },

    async whenFinished(jobId) {
      const job = requireJob(jobId);
      await job.settled;
      return detailOf(job);
    },

    async simulate(input) {
      return (await interactive('simulate', input)) as SimulateResponse;
    },

    async prepareNetwork(input) {
      return (await interactive('prepare-network', input)) as PreparedNetwork;
    },

    async runPrimitives(task) {
      return (await interactive('primitives', task)) as never;
    },

    async dispose() {
      disposed = true;
      for (const job of jobs.values()) {
        if (!isFinal(job.status)) Atomics.store(job.stopFlag, 0, 1);
        if (job.emitTimer !== null) timers.clearTimeout(job.emitTimer);
      }
      await Promise.allSettled([...jobs.values()].map((job) => job.settled));
      await deps.pool.destroy();
      if (interactivePool !== deps.pool) await interactivePool.destroy();
    },
  };
}

function isFinal(status: JobStatus): boolean {
  return status === 'done' || status === 'cancelled' || status === 'failed';
}

export type { TrainingRequest };
