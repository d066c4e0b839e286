/**
 * The speed view (model-spec §10): building speed manifolds (jobs:start-speed, run by the model
 * worker in main), the manifolds of finished jobs and of the open project, and everything drawn
 * for the selected one — computed in two Web Workers of the renderer (workers/speed.worker.ts):
 * one only for the live slider (so dragging never waits behind a long computation), one for the
 * outputs per speed, the stretch-factor curve and the eigenvalue / noisy-x0 analyses.
 *
 * Slider frames: at most one in flight; while it runs, newer positions replace each other
 * (LatestOnly), so a fast drag shows the newest λ as soon as the worker is free.
 *
 * Everything shown belongs to the selected manifold, and a manifold is shown unasked only from the
 * open project: another project opened (or this one closed) clears the selection and all drawn
 * for it, and the view then shows the new project's first manifold (`defaultKey`).
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import { CHANNELS } from '../../src-shared/ipc/contract.js';
import { defaultSpeedForm, modelFrom, speedRequestFor } from '../components/speed/speedModel.js';
import { LatestOnly } from '../workers/latestOnly.js';
import { SpeedWorkerClient } from '../workers/speedClient.js';
import type { SliderFrame, SliderReady, SpeedAnalysis, SpeedModel, SpeedOutputs } from '../workers/speedCompute.js';
import { call } from './api.js';
import { isFinished, useJobsStore } from './jobs.js';
import { useProjectStore } from './project.js';

export interface ManifoldEntry {
  /** 'job:ID' or 'project:ID' */
  key: string;
  id: string;
  name: string;
  source: 'job' | 'project';
  status: string;
  networkId: string;
  speeds: number;
  rule: string | null;
  /** Stored in the open project, or a finished job of it not stored yet (else another project's job, listed to be picked). */
  ownProject: boolean;
}

export interface StretchCurve {
  lambdas: number[];
  meanFactors: number[];
  factors: number[][];
}

export const useSpeedStore = defineStore('speed', () => {
  const jobs = useJobsStore();
  const project = useProjectStore();
  const form = reactive(defaultSpeedForm());
  const activeJobId = ref<string | null>(null);
  const starting = ref(false);
  const selectedKey = ref<string | null>(null);
  const model = shallowRef<SpeedModel | null>(null);
  const modelError = ref<string | null>(null);
  const outputs = shallowRef<SpeedOutputs | null>(null);
  const curve = shallowRef<StretchCurve | null>(null);
  const analysis = shallowRef<SpeedAnalysis | null>(null);
  const analysisStatus = ref<'idle' | 'running' | 'done' | 'failed'>('idle');
  const condition = ref(0);

  // the slider
  const lambda = ref(0);
  const alongManifold = ref(false);
  const sliderReady = ref(false);
  const sliderInitMs = ref<number | null>(null);
  const wasm = ref<boolean | null>(null);
  /** How the slider worker runs its kernels (helper threads, preview kernel), from its init reply. */
  const kernels = shallowRef<SliderReady | null>(null);
  const frame = shallowRef<SliderFrame | null>(null);
  const framesDrawn = ref(0);
  /** Round trip (request → data back, as the user sees it) of the last preview frame, their median, and of the last exact frame. */
  const lastRoundTripMs = ref<number | null>(null);
  const lastExactMs = ref<number | null>(null);
  const roundTrips: number[] = [];
  const medianRoundTripMs = ref<number | null>(null);
  const measured = shallowRef<[number, number][]>([]);

  const sliderWorker = new SpeedWorkerClient();
  const computeWorker = new SpeedWorkerClient();
  let generation = 0;

  const frames = new LatestOnly<{ lambda: number; exact: boolean }>((request) => {
    const started = performance.now();
    const mine = generation;
    sliderWorker
      .request<SliderFrame>({ kind: 'frame', lambda: request.lambda, exact: request.exact })
      .then((result) => {
        if (mine !== generation) return;
        frame.value = result;
        framesDrawn.value++;
        const ms = performance.now() - started;
        if (request.exact) {
          lastExactMs.value = ms;
          return;
        }
        lastRoundTripMs.value = ms;
        roundTrips.push(ms);
        if (roundTrips.length > 50) roundTrips.shift();
        const sorted = [...roundTrips].sort((a, b) => a - b);
        medianRoundTripMs.value = sorted[Math.floor(sorted.length / 2)];
        if (Number.isFinite(result.meanFactor)) measured.value = [...measured.value.slice(-199), [result.lambda, result.meanFactor]];
      })
      .catch((error: Error) => {
        if (mine === generation) modelError.value = error.message;
      })
      .finally(() => {
        if (mine === generation) frames.settled();
      });
  });

  const activeJob = computed(() => (activeJobId.value ? (jobs.jobs.find((j) => j.jobId === activeJobId.value) ?? null) : null));

  const manifolds = computed<ManifoldEntry[]>(() => {
    const list: ManifoldEntry[] = [];
    // a finished job's manifold is in the project (main stores it): listed once, as the project's
    const stored = new Set((project.summary?.project.speedManifolds ?? []).map((m) => m.id));
    for (const job of jobs.sortedJobs) {
      if (job.kind !== 'speed' || !isFinished(job)) continue;
      const result = jobs.results[job.jobId];
      if (!result || result.kind !== 'speed' || result.factors.length === 0 || stored.has(job.jobId)) continue;
      const ownProject = job.projectId !== null && job.projectId === project.projectId;
      list.push({ key: `job:${job.jobId}`, id: job.jobId, name: job.label, source: 'job', status: job.status, networkId: result.networkId, speeds: result.factors.length, rule: result.rule, ownProject });
    }
    for (const record of project.summary?.project.speedManifolds ?? []) {
      list.push({ key: `project:${record.id}`, id: record.id, name: record.name, source: 'project', status: record.status ?? 'done', networkId: record.networkId, speeds: record.durations.length, rule: record.rule ?? null, ownProject: true });
    }
    return list;
  });

  // a job's manifold kept in the project is the same manifold (same id): the selection follows it,
  // whether the project:changed event or the store's own answer arrives first
  const selected = computed(() => {
    const key = selectedKey.value;
    const entry = manifolds.value.find((m) => m.key === key);
    if (entry || !key?.startsWith('job:')) return entry ?? null;
    return manifolds.value.find((m) => m.key === `project:${key.slice(4)}`) ?? null;
  });

  /** The manifold shown when none is selected: the open project's first (none while no project is open). */
  const defaultKey = computed(() => (project.entered ? (manifolds.value.find((m) => m.ownProject)?.key ?? null) : null));

  async function buildModel(entry: ManifoldEntry): Promise<SpeedModel> {
    const network = await project.fullNetwork(entry.networkId);
    if (!network) throw new Error(`the network of “${entry.name}” is not in the open project`);
    if (entry.source === 'job') {
      const result = jobs.results[entry.id];
      if (!result || result.kind !== 'speed') throw new Error('the job has no result');
      return modelFrom(network, { kind: 'job', result });
    }
    const record = project.summary!.project.speedManifolds.find((m) => m.id === entry.id);
    if (!record) throw new Error('the manifold is no longer in the project');
    return modelFrom(network, { kind: 'project', record });
  }

  async function select(key: string | null): Promise<void> {
    selectedKey.value = key;
    const mine = ++generation;
    frames.reset();
    model.value = null;
    outputs.value = null;
    curve.value = null;
    analysis.value = null;
    analysisStatus.value = 'idle';
    frame.value = null;
    measured.value = [];
    sliderReady.value = false;
    modelError.value = null;
    roundTrips.length = 0;
    medianRoundTripMs.value = null;
    lastRoundTripMs.value = null;
    lastExactMs.value = null;
    // the kernel line describes the slider session of the manifold shown: the new one reports its own
    wasm.value = null;
    kernels.value = null;
    sliderInitMs.value = null;
    const entry = selected.value;
    if (!entry) return;
    let built: SpeedModel;
    try {
      built = await buildModel(entry);
    } catch (error) {
      if (mine === generation) modelError.value = (error as Error).message;
      return;
    }
    if (mine !== generation) return;
    model.value = built;
    condition.value = 0;
    lambda.value = Math.min(1, Math.max(0, lambda.value));
    await Promise.all([initSlider(mine), computeViews(mine)]);
  }

  async function initSlider(mine: number): Promise<void> {
    const current = model.value;
    if (!current) return;
    try {
      const ready = await sliderWorker.request<SliderReady>({ kind: 'init', model: current, setup: { alongManifold: alongManifold.value } });
      if (mine !== generation) return;
      wasm.value = ready.wasm;
      kernels.value = ready;
      sliderInitMs.value = ready.ms;
      sliderReady.value = true;
      frames.request({ lambda: lambda.value, exact: false });
    } catch (error) {
      if (mine === generation) modelError.value = (error as Error).message;
    }
  }

  async function computeViews(mine: number): Promise<void> {
    const current = model.value;
    if (!current) return;
    try {
      const computed = await computeWorker.request<SpeedOutputs>({ kind: 'outputs', model: current });
      if (mine !== generation) return;
      outputs.value = computed;
      await refreshCurve(mine);
    } catch (error) {
      if (mine === generation) modelError.value = (error as Error).message;
    }
  }

  async function refreshCurve(mine = generation): Promise<void> {
    const current = model.value;
    if (!current) return;
    const points = 11;
    const result = await computeWorker.request<StretchCurve>({ kind: 'stretch', model: current, alongManifold: alongManifold.value, points });
    if (mine === generation) curve.value = result;
  }

  /** Move the slider: a preview frame (dropped if a newer one comes first). */
  function setLambda(value: number, exact = false): void {
    lambda.value = Math.min(1, Math.max(0, value));
    if (sliderReady.value) frames.request({ lambda: lambda.value, exact });
  }

  async function setAlongManifold(value: boolean): Promise<void> {
    alongManifold.value = value;
    const mine = ++generation;
    frames.reset();
    sliderReady.value = false;
    curve.value = null;
    measured.value = [];
    await Promise.all([initSlider(mine), refreshCurve(mine).catch(() => {})]);
  }

  async function runAnalysis(): Promise<void> {
    const current = model.value;
    if (!current) return;
    const mine = generation;
    analysisStatus.value = 'running';
    try {
      const result = await computeWorker.request<SpeedAnalysis>({ kind: 'analysis', model: current, options: { snrDb: 4, draws: 10, seed: 1, condition: condition.value } });
      if (mine !== generation) return;
      analysis.value = result;
      analysisStatus.value = 'done';
    } catch (error) {
      if (mine !== generation) return;
      analysisStatus.value = 'failed';
      modelError.value = (error as Error).message;
    }
  }

  async function start(): Promise<string | null> {
    const network = project.network;
    if (!network) return null;
    starting.value = true;
    try {
      const answer = await call(CHANNELS.jobsStartSpeed, speedRequestFor(form, network.id, network.n));
      if (!answer.ok) return null;
      activeJobId.value = answer.value.jobId;
      await jobs.reloadList();
      return answer.value.jobId;
    } finally {
      starting.value = false;
    }
  }

  async function cancel(): Promise<void> {
    if (activeJobId.value) await jobs.cancel(activeJobId.value);
  }

  /** Delete a stored manifold (asks first; undoable). */
  async function removeStored(manifoldId: string): Promise<void> {
    const removed = await project.removeItems([{ collection: 'speedManifolds', id: manifoldId }]);
    if (removed && selectedKey.value === `project:${manifoldId}`) await select(null);
  }

  // another project opened, or this one closed (and perhaps opened again): nothing of the one before
  // stays on screen — its manifold, slider frames and kernel line, or its job's status (and that job
  // finishing must not select its manifold here). Synchronous, so the view's own watchers already
  // see the selection cleared and pick the new project's first manifold.
  watch(
    () => (project.entered ? project.projectId : null),
    () => {
      activeJobId.value = null;
      lambda.value = 0;
      alongManifold.value = false;
      condition.value = 0;
      void select(null);
    },
    { flush: 'sync' },
  );

  // a job that finishes shows its manifold at once (once: later copies of its result, e.g. a
  // jobs:get backfill, must not reset the view)
  const shown = new Set<string>();
  watch(
    () => (activeJobId.value ? jobs.results[activeJobId.value] : null),
    (result) => {
      const jobId = activeJobId.value;
      if (!jobId || shown.has(jobId) || !result || result.kind !== 'speed' || result.factors.length === 0) return;
      shown.add(jobId);
      void select(`job:${jobId}`);
    },
  );
  // after a reload the results of finished jobs are fetched on demand. Compared as one string: a
  // getter returning a new array is 'changed' for Vue each time it runs, so every job's status
  // change or result fetched jobs:get again for a speed job that has none (one that failed).
  watch(
    () => jobs.jobs.filter((j) => j.kind === 'speed' && isFinished(j) && !jobs.results[j.jobId]).map((j) => j.jobId).join('\n'),
    (missing, before) => {
      const asked = new Set(before ? before.split('\n') : []);
      for (const id of missing ? missing.split('\n') : []) if (!asked.has(id)) void jobs.fetchDetail(id);
    },
    { immediate: true },
  );

  function dispose(): void {
    sliderWorker.terminate();
    computeWorker.terminate();
  }

  return {
    form,
    activeJobId,
    activeJob,
    starting,
    manifolds,
    selectedKey,
    selected,
    defaultKey,
    model,
    modelError,
    outputs,
    curve,
    analysis,
    analysisStatus,
    condition,
    lambda,
    alongManifold,
    sliderReady,
    sliderInitMs,
    wasm,
    kernels,
    frame,
    framesDrawn,
    lastRoundTripMs,
    lastExactMs,
    medianRoundTripMs,
    measured,
    droppedFrames: () => frames.dropped,
    select,
    setLambda,
    setAlongManifold,
    runAnalysis,
    start,
    cancel,
    removeStored,
    dispose,
  };
});
