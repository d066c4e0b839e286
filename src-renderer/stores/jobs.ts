/**
 * Jobs live in main (they survive a page reload and a closed window); this store mirrors them.
 * It loads the list once (jobs:list), then follows jobs:progress / jobs:finished. Error curves
 * arrive as runs of points and are written by index (trial fromTrial + i), so replaying a run
 * twice, or a jobs:get backfill racing with events, gives the same curve.
 *
 * Curves can hold tens of thousands of numbers: they are kept outside Vue's reactivity and a
 * per-job counter (`curveVersion`) tells the plots that something was appended.
 */
import { slowestSpeedError } from '../../src-shared/speed/errorSummary.js';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import {
  CHANNELS,
  EVENTS,
  messageForError,
  type ErrorPoints,
  type EventPayloadOf,
  type GainSnapshot,
  type JobDetail,
  type JobResult,
  type JobSummary,
  type SocRequest,
  type TrainingRequest,
  type TrainingResult,
} from '../../src-shared/ipc/contract.js';
import { call, transport } from './api.js';
import { useNotificationsStore } from './notifications.js';

export type JobCurves = number[][];

const FINISHED = new Set(['done', 'cancelled', 'failed']);

export function isFinished(job: Pick<JobSummary, 'status'>): boolean {
  return FINISHED.has(job.status);
}

/**
 * Write a run of error points into per-session curves by index; returns false when it left a gap.
 * `tally.defined` counts the points that were not there before (the workspace's "N points", kept
 * as the points arrive: counting a million-point run again at every event held up the page).
 */
export function writeErrorPoints(curves: JobCurves, points: ErrorPoints, tally?: { defined: number }): boolean {
  while (curves.length <= points.session) curves.push([]);
  const curve = curves[points.session];
  const contiguous = points.fromTrial <= curve.length;
  let added = 0;
  for (let i = 0; i < points.values.length; i++) {
    const at = points.fromTrial + i;
    if (curve[at] === undefined && points.values[i] !== undefined) added++;
    curve[at] = points.values[i];
  }
  if (tally) tally.defined += added;
  return contiguous;
}

/** Number of defined points over all sessions. */
export function countPoints(curves: JobCurves): number {
  let count = 0;
  for (const curve of curves) for (let i = 0; i < curve.length; i++) if (curve[i] !== undefined) count++;
  return count;
}

/** The number a finished job is reported by: main's definition (jobManager), so a card never changes after a refresh. */
export function headlineErrorOf(result: JobResult | null): number | null | undefined {
  if (result?.kind === 'speed') return slowestSpeedError(result)?.error ?? null;
  return bestOfResult(result)?.error;
}

/** The lowest error in a training result, with its session (null for non-training results). */
export function bestOfResult(result: JobResult | null): { session: number; error: number } | null {
  if (!result || result.kind !== 'training' || result.sessions.length === 0) return null;
  let best = 0;
  for (let s = 1; s < result.sessions.length; s++) {
    if (result.sessions[s].bestError < result.sessions[best].bestError) best = s;
  }
  return { session: best, error: result.sessions[best].bestError };
}

export const useJobsStore = defineStore('jobs', () => {
  const jobs = ref<JobSummary[]>([]);
  const loaded = ref(false);
  const selectedJobId = ref<string | null>(null);
  /** Bumped whenever a job's curve changes; `reset` bumps when earlier points may have changed. */
  const curveVersion = ref<Record<string, number>>({});
  /** Bumped when points may have been rewritten rather than appended (backfill, final result). */
  const curveEpoch = ref<Record<string, number>>({});
  const results = shallowRef<Record<string, JobResult | null>>({});
  const details = shallowRef<Record<string, JobDetail>>({});
  const curves = new Map<string, JobCurves>();
  /** Defined points of each job's curves (writeErrorPoints keeps it). */
  const tallies = new Map<string, { defined: number }>();
  /** Gain snapshots per job (not reactive; `snapshotVersion[jobId]` says when they change). */
  const snapshots = new Map<string, GainSnapshot[]>();
  const snapshotVersion = ref<Record<string, number>>({});
  let unsubscribe: (() => void)[] = [];
  let listRefreshQueued = false;

  const sortedJobs = computed(() => [...jobs.value].sort((a, b) => b.createdAt - a.createdAt));
  const selectedJob = computed(() => jobs.value.find((job) => job.jobId === selectedJobId.value) ?? null);
  const runningCount = computed(() => jobs.value.filter((job) => !isFinished(job)).length);

  function byId(jobId: string): JobSummary | undefined {
    return jobs.value.find((job) => job.jobId === jobId);
  }

  function curvesOf(jobId: string): JobCurves {
    let c = curves.get(jobId);
    if (!c) curves.set(jobId, (c = []));
    return c;
  }

  function tallyOf(jobId: string): { defined: number } {
    let t = tallies.get(jobId);
    if (!t) tallies.set(jobId, (t = { defined: countPoints(curvesOf(jobId)) }));
    return t;
  }

  function bump(jobId: string): void {
    curveVersion.value[jobId] = (curveVersion.value[jobId] ?? 0) + 1;
  }

  function bumpEpoch(jobId: string): void {
    curveEpoch.value[jobId] = (curveEpoch.value[jobId] ?? 0) + 1;
  }

  function setResult(jobId: string, result: JobResult | null): void {
    results.value = { ...results.value, [jobId]: result };
  }

  /** A training result carries every session's full error curve: it supersedes the streamed one. */
  function adoptResultCurves(jobId: string, result: JobResult | null): void {
    if (!result || result.kind !== 'training') return;
    const c = curvesOf(jobId);
    result.sessions.forEach((session, s) => {
      if (session.errorCurve.length === 0) return;
      writeErrorPoints(c, { session: s, fromTrial: 0, values: Array.from(session.errorCurve) }, tallyOf(jobId));
    });
    bumpEpoch(jobId);
    bump(jobId);
  }

  function addSnapshots(jobId: string, added: GainSnapshot[], replace = false): void {
    const list = replace ? [] : (snapshots.get(jobId) ?? []);
    for (const snapshot of added) {
      // a backfill may repeat snapshots already streamed: keep one per (session, trial)
      if (!replace && list.some((s) => s.session === snapshot.session && s.trial === snapshot.trial)) continue;
      list.push(snapshot);
    }
    snapshots.set(jobId, list);
    snapshotVersion.value[jobId] = (snapshotVersion.value[jobId] ?? 0) + 1;
  }

  function applyDetail(detail: JobDetail): void {
    const { errorsBySession, request: _request, result, gainSnapshots, ...summary } = detail;
    if (gainSnapshots) addSnapshots(detail.jobId, gainSnapshots, true);
    upsertSummary(summary);
    const c = curvesOf(detail.jobId);
    const tally = tallyOf(detail.jobId);
    errorsBySession.forEach((values, session) => writeErrorPoints(c, { session, fromTrial: 0, values }, tally));
    bumpEpoch(detail.jobId);
    details.value = { ...details.value, [detail.jobId]: detail };
    if (result) {
      setResult(detail.jobId, result);
      adoptResultCurves(detail.jobId, result);
    }
    bump(detail.jobId);
  }

  function upsertSummary(summary: JobSummary): void {
    const index = jobs.value.findIndex((job) => job.jobId === summary.jobId);
    if (index < 0) jobs.value = [...jobs.value, summary];
    else jobs.value[index] = { ...jobs.value[index], ...summary };
  }

  function onProgress(event: EventPayloadOf<typeof EVENTS.jobsProgress>): void {
    const job = byId(event.jobId);
    if (job) {
      // a late progress event must not turn a finished job back into a running one
      if (!isFinished(job)) {
        // a queued job started: the others moved up the queue
        if (job.status === 'queued' && event.status === 'running') refreshListSoon();
        job.status = event.status;
        job.percent = event.percent;
        job.trial = event.trial;
        if (event.etaMs !== undefined) job.etaMs = event.etaMs;
        if (event.status === 'running') job.queuePosition = null;
      }
      // a speed job's number is its slowest speed's (set when it finishes), not the lowest of any speed
      if (event.bestError !== null && job.kind !== 'speed') job.bestError = event.bestError;
      // experiment jobs: the definition's latest progress message
      if (event.message !== undefined) job.message = event.message;
    } else {
      refreshListSoon(); // started elsewhere (another window, the CLI's server): learn its label
    }
    if (event.gainSnapshots && event.gainSnapshots.length > 0) addSnapshots(event.jobId, event.gainSnapshots);
    if (event.errors.length > 0) {
      const c = curvesOf(event.jobId);
      let gap = false;
      const tally = tallyOf(event.jobId);
      for (const points of event.errors) if (!writeErrorPoints(c, points, tally)) gap = true;
      bump(event.jobId);
      // we missed events (reconnect, subscribed late): fetch the full curve of a job on screen
      if (gap && event.jobId === selectedJobId.value) void fetchDetail(event.jobId);
    }
  }

  function onFinished(event: EventPayloadOf<typeof EVENTS.jobsFinished>): void {
    const job = byId(event.jobId);
    if (job) {
      job.status = event.status;
      job.finishedAt = job.finishedAt ?? Date.now();
      job.error = event.error;
      if (event.status === 'done') job.percent = 100;
      const headline = headlineErrorOf(event.result);
      if (headline !== undefined) job.bestError = headline;
    } else {
      refreshListSoon();
    }
    if (job) job.etaMs = null;
    setResult(event.jobId, event.result);
    adoptResultCurves(event.jobId, event.result);
    const notices = useNotificationsStore();
    const label = job?.label ? `“${job.label}”` : 'A job';
    if (event.status === 'failed') {
      notices.error(
        event.error
          ? `${label} failed. ${messageForError(event.error.code, event.error.message)}`
          : `${label} failed.`,
      );
    } else if (event.status === 'cancelled') {
      notices.info(`${label} was cancelled; its best result so far is kept.`);
    }
  }

  function refreshListSoon(): void {
    if (listRefreshQueued) return;
    listRefreshQueued = true;
    setTimeout(() => {
      listRefreshQueued = false;
      void reloadList();
    }, 300);
  }

  async function reloadList(): Promise<void> {
    const listed = await call(CHANNELS.jobsList, {});
    if (!listed.ok) return;
    const known = new Map(jobs.value.map((job) => [job.jobId, job]));
    jobs.value = listed.value.map((summary) => {
      const mine = known.get(summary.jobId);
      // an event may have overtaken the list answer; keep whichever saw more of the job
      if (mine && isFinished(mine) && !isFinished(summary)) return mine;
      return summary;
    });
    loaded.value = true;
    if (selectedJobId.value && !byId(selectedJobId.value)) selectedJobId.value = null;
  }

  /** Load once and follow events; safe to call again (it does nothing the second time). */
  async function init(): Promise<void> {
    if (unsubscribe.length > 0) return;
    const t = transport();
    unsubscribe = [
      t.on(EVENTS.jobsProgress, onProgress),
      t.on(EVENTS.jobsFinished, onFinished),
      t.onConnectionChange((change) => {
        // events sent while we were disconnected are gone: re-read what main knows
        if (change.state === 'open' && change.reconnected) {
          void reloadList().then(() => {
            if (selectedJobId.value) void fetchDetail(selectedJobId.value);
          });
        }
      }),
    ];
    await reloadList();
    // after a reload, show the newest job again (with its curve) so the page looks as it did
    if (!selectedJobId.value && sortedJobs.value.length > 0) await select(sortedJobs.value[0].jobId);
  }

  function dispose(): void {
    for (const off of unsubscribe) off();
    unsubscribe = [];
  }

  async function fetchDetail(jobId: string): Promise<void> {
    const detail = await call(CHANNELS.jobsGet, { jobId });
    if (detail.ok) applyDetail(detail.value);
  }

  async function select(jobId: string | null): Promise<void> {
    selectedJobId.value = jobId;
    if (jobId) await fetchDetail(jobId);
  }

  /**
   * Another project is open (New, Open, Close and open): a job of the previous project must not stay
   * selected, or the new project shows its error curve, gains and result. Select this project's
   * newest job instead, or none. (A job of another project can still be picked in the jobs list.)
   */
  async function followProject(projectId: string | null): Promise<void> {
    const selected = selectedJob.value;
    if (selected && projectId !== null && selected.projectId === projectId) return;
    const newest = projectId === null ? undefined : sortedJobs.value.find((job) => job.projectId === projectId);
    if (!selected && !newest) return;
    await select(newest?.jobId ?? null);
  }

  async function startTraining(request: TrainingRequest): Promise<string | null> {
    const started = await call(CHANNELS.jobsStartTraining, request);
    if (!started.ok) return null;
    const { jobId } = started.value;
    trackTraining(jobId, request);
    return jobId;
  }

  /** Show a job main has just started, queued, at once (before its first event) and select it. */
  function showQueued(jobId: string, kind: JobSummary['kind'], label: string, totalTrials: number): void {
    if (!byId(jobId)) {
      upsertSummary({
        jobId,
        kind,
        label,
        status: 'queued',
        percent: 0,
        trial: 0,
        totalTrials,
        bestError: null,
        createdAt: Date.now(),
        startedAt: null,
        finishedAt: null,
        error: null,
        projectId: null,
        projectName: null,
        queuePosition: null,
        etaMs: null,
      });
    }
    curves.set(jobId, curves.get(jobId) ?? []);
    refreshListSoon(); // main knows its owner and queue position
    selectedJobId.value = jobId;
    bump(jobId);
  }

  /** Show a training job main has started (by us, or for us, e.g. a primitive library's runs) at once. */
  function trackTraining(jobId: string, request: TrainingRequest): void {
    // main's total: trials × sessions, one session for gradient training (jobManager.startTraining)
    showQueued(jobId, 'training', request.label ?? 'Training', request.trials * (request.rule === 'gradient' ? 1 : (request.sessions ?? 1)));
    void fetchDetail(jobId); // the request as main recorded it (sessions, trials) for the plots
  }

  /** Build a stability-optimised network (its α curve streams like an error curve). */
  async function startSoc(request: SocRequest): Promise<string | null> {
    const started = await call(CHANNELS.jobsStartSoc, request);
    if (!started.ok) return null;
    const { jobId } = started.value;
    showQueued(jobId, 'soc', request.label ?? `SOC network N = ${request.n} (seed ${request.seed})`, 0);
    return jobId;
  }

  /** Cancel a job, or with `session` stop only that session of a training job. */
  async function cancel(jobId: string, session?: number): Promise<void> {
    const answer = await call(CHANNELS.jobsCancel, session === undefined ? { jobId } : { jobId, session });
    if (answer.ok && session === undefined) {
      const job = byId(jobId);
      if (job && !isFinished(job) && answer.value.status !== 'running') job.status = answer.value.status;
    }
  }

  /** Forget every finished job (their runs stay in their projects). */
  async function clearFinished(): Promise<void> {
    const answer = await call(CHANNELS.jobsClearFinished, {});
    if (!answer.ok) return;
    for (const job of jobs.value.filter((j) => isFinished(j))) {
      curves.delete(job.jobId);
      tallies.delete(job.jobId);
      snapshots.delete(job.jobId);
    }
    jobs.value = jobs.value.filter((j) => !isFinished(j));
    if (selectedJobId.value && !byId(selectedJobId.value)) selectedJobId.value = null;
  }

  async function remove(jobId: string): Promise<void> {
    const answer = await call(CHANNELS.jobsRemove, { jobId });
    if (!answer.ok) return;
    jobs.value = jobs.value.filter((job) => job.jobId !== jobId);
    curves.delete(jobId);
    tallies.delete(jobId);
    snapshots.delete(jobId);
    if (selectedJobId.value === jobId) selectedJobId.value = null;
  }

  function trainingResult(jobId: string | null): TrainingResult | null {
    if (!jobId) return null;
    const result = results.value[jobId];
    return result && result.kind === 'training' ? result : null;
  }

  return {
    jobs,
    loaded,
    selectedJobId,
    selectedJob,
    sortedJobs,
    runningCount,
    curveVersion,
    curveEpoch,
    snapshotVersion,
    results,
    details,
    init,
    dispose,
    reloadList,
    select,
    followProject,
    startTraining,
    trackTraining,
    startSoc,
    cancel,
    remove,
    clearFinished,
    fetchDetail,
    trainingResult,
    /** The raw (non-reactive) curves of a job; watch curveVersion[jobId] to know when they grow. */
    curves: (jobId: string): JobCurves => curvesOf(jobId),
    pointCount: (jobId: string): number => tallyOf(jobId).defined,
    /** Gain snapshots of a job so far (watch snapshotVersion[jobId]). */
    snapshots: (jobId: string): GainSnapshot[] => snapshots.get(jobId) ?? [],
  };
});
