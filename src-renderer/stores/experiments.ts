/**
 * The Experiments view's state: per experiment the run settings (quick/full, seed, network, sizes,
 * and any setting that departs from the preset: σ, α, trials, sessions, sizes of networks and
 * libraries…), the latest job, and the newest result stored in the project. Every finished
 * experiment job of a project is added to it by main, so results reopen with the project without
 * rerunning; this store shows the running job while there is one, else the project's newest
 * result of that experiment.
 *
 * The quick reproduction report runs in a Web Worker (components/experiments/reproductionWorker.ts)
 * with the same function as `gainlab reproduce --quick`.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import { CHANNELS, type ExperimentJobResult, type ExperimentName, type ExperimentRequest, type JobSummary } from '../../src-shared/ipc/contract.js';
import { EXPERIMENT_CATALOG } from '../../src-shared/experiments/catalog.js';
import { experimentRequestSchema, type OverrideKey } from '../../src-shared/ipc/experimentContract.js';
import type { ExperimentResultRecord } from '../../src-shared/project/schema.js';
import { call } from './api.js';
import { isFinished, useJobsStore } from './jobs.js';
import { useProjectStore } from './project.js';

/** A stored experiment result as the view draws it (the job result's shape). */
export function resultFromRecord(record: ExperimentResultRecord): ExperimentJobResult {
  return {
    kind: 'experiment',
    experiment: record.definition as ExperimentName,
    title: record.name,
    quick: record.quick,
    seed: record.seed ?? 0,
    network: record.networkName,
    summary: record.summary,
    tables: record.tables,
    arrays: record.arrays,
    figures: record.figures as ExperimentJobResult['figures'],
    csv: record.texts.filter((t) => t.mediaType === 'text/csv').map((t) => ({ name: t.name, text: t.text })),
    elapsedMs: record.elapsedMs,
    partial: record.status !== 'done',
    ...(record.notes ? { note: record.notes } : {}),
  };
}

export interface ExperimentSettings {
  quick: boolean;
  seed: number;
  /** '' = the definition's own SOC network; else a project network id. */
  networkId: string;
  /** fig1: '' = generated target; else a project target id. */
  targetId: string;
  /** supp2: network sizes as typed ("200, 400"); '' = the preset. */
  sizes: string;
  /** Settings as typed; '' = the preset's value. */
  overrides: Partial<Record<OverrideKey, string>>;
}

/** One claim of the report as the view lists it. */
export interface ReportClaimRow {
  id: string;
  figure: string;
  paper: string;
  measured: string;
  verdict: string;
  rule: string;
}

type ReportMessage = { kind: 'progress' | 'done' | 'error'; message?: string; percent?: number; html?: string; verdicts?: Record<string, number>; claims?: ReportClaimRow[]; wallMs?: number };

/** The browser's Worker as far as the report needs it (this store is also type-checked under Node). */
interface ReportWorker {
  onmessage: ((event: { data: ReportMessage }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}
declare const Worker: new (url: URL, options: { type: 'module' }) => ReportWorker;

/** Settings whose value is a list of whole numbers ("1, 2, 5"). */
const LIST_SETTINGS: readonly OverrideKey[] = ['librarySizes', 'conditionSweep'];

/**
 * The typed settings as request.overrides (blank fields left out), or the first problem as a
 * sentence, checked by the request schema itself.
 */
export function parseOverrides(name: ExperimentName, typed: Partial<Record<OverrideKey, string>>): ExperimentRequest['overrides'] | string {
  const out: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(typed) as Array<[OverrideKey, string | undefined]>) {
    const trimmed = (text ?? '').trim();
    if (!trimmed) continue;
    if (key === 'rule') out[key] = trimmed;
    else if (LIST_SETTINGS.includes(key)) out[key] = trimmed.split(/[\s,;]+/).filter(Boolean).map(Number);
    else out[key] = Number(trimmed);
  }
  if (Object.keys(out).length === 0) return undefined;
  const parsed = experimentRequestSchema.safeParse({ experiment: name, overrides: out });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${issue.path.slice(1).join('.') || 'settings'}: ${issue.message}`;
  }
  return parsed.data.overrides;
}

/** "200, 400" → [200, 400]; '' → undefined; anything else → an error sentence. */
export function parseSizes(text: string): number[] | undefined | string {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const parts = trimmed.split(/[\s,;]+/).filter(Boolean);
  const sizes = parts.map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 10 || n > 2000)) return 'Sizes are whole numbers from 10 to 2000, separated by commas.';
  if (sizes.some((n) => n % 2 !== 0)) return 'Sizes must be even (half excitatory, half inhibitory).';
  if (sizes.length > 6) return 'At most 6 sizes.';
  return sizes;
}

export const useExperimentsStore = defineStore('experiments', () => {
  const jobs = useJobsStore();
  const selected = ref<ExperimentName>('supp1f');
  const settings = reactive(
    Object.fromEntries(EXPERIMENT_CATALOG.map((e) => [e.name, { quick: true, seed: 1, networkId: '', targetId: '', sizes: '', overrides: {} }])) as Record<ExperimentName, ExperimentSettings>,
  );
  /** Latest job per experiment (this session, or found again in the job list). */
  const latestJob = reactive({} as Partial<Record<ExperimentName, string>>);
  const starting = ref<ExperimentName | null>(null);
  /** Experiment jobs whose definition we asked main about already. */
  const probed = new Set<string>();

  function jobOf(name: ExperimentName): JobSummary | null {
    const id = latestJob[name];
    return id ? (jobs.jobs.find((j) => j.jobId === id) ?? null) : null;
  }

  const project = useProjectStore();
  /** The project's newest stored result per experiment, once fetched (by result id). */
  const stored = shallowRef<Record<string, ExperimentJobResult>>({});
  /** The newest stored result of each experiment in the project (view only: no arrays). */
  const newestStored = computed(() => {
    const newest = {} as Partial<Record<ExperimentName, string>>;
    for (const result of project.experimentResults) {
      if (result.kind !== 'experiment') continue;
      newest[result.definition as ExperimentName] = result.id; // later entries are newer
    }
    return newest;
  });
  watch(
    () => [selected.value, newestStored.value[selected.value]] as const,
    async ([, id]) => {
      if (!id || stored.value[id]) return;
      const record = await project.fullResult(id);
      if (record) stored.value = { ...stored.value, [id]: resultFromRecord(record) };
    },
    { immediate: true },
  );

  function resultOf(name: ExperimentName): ExperimentJobResult | null {
    const id = latestJob[name];
    const job = jobOf(name);
    const result = id ? jobs.results[id] : null;
    if (result && result.kind === 'experiment') return result;
    // no job result in memory (after a restart, or another session's run): the project's copy
    if (job && !isFinished(job)) return null;
    const storedId = newestStored.value[name];
    return storedId ? (stored.value[storedId] ?? null) : null;
  }

  const running = computed(() => EXPERIMENT_CATALOG.filter((e) => {
    const job = jobOf(e.name);
    return job !== null && !isFinished(job);
  }).map((e) => e.name));

  /** Find the latest job of each experiment in main's list (after a reload). */
  async function adoptJobs(): Promise<void> {
    const candidates = jobs.sortedJobs.filter((j) => j.kind === 'experiment' && !probed.has(j.jobId));
    // newest first: the first job seen for an experiment is its latest
    for (const job of candidates) {
      probed.add(job.jobId);
      await jobs.fetchDetail(job.jobId);
      const request = jobs.details[job.jobId]?.request as { experiment?: ExperimentName } | undefined;
      const name = request?.experiment;
      if (!name) continue;
      const known = latestJob[name] ? jobs.jobs.find((j) => j.jobId === latestJob[name]) : undefined;
      if (!known || known.createdAt < job.createdAt) latestJob[name] = job.jobId;
    }
  }

  async function run(name: ExperimentName): Promise<string | null> {
    const s = settings[name];
    const sizes = parseSizes(s.sizes);
    if (typeof sizes === 'string') return null;
    // a project network runs at its own size: an n typed before it was chosen is not sent
    const overrides = parseOverrides(name, s.networkId ? { ...s.overrides, n: undefined } : s.overrides);
    if (typeof overrides === 'string') return null;
    const request: ExperimentRequest = { experiment: name, quick: s.quick, seed: s.seed };
    if (s.networkId) request.networkId = s.networkId;
    if ((name === 'fig1' || name === 'supp2') && s.targetId) request.targetId = s.targetId;
    if (name === 'supp2' && sizes) request.sizes = sizes;
    if (overrides) request.overrides = overrides;
    starting.value = name;
    try {
      const started = await call(CHANNELS.jobsStartExperiment, request);
      if (!started.ok) return null;
      const { jobId } = started.value;
      latestJob[name] = jobId;
      probed.add(jobId);
      await jobs.reloadList();
      return jobId;
    } finally {
      starting.value = null;
    }
  }

  async function cancel(name: ExperimentName): Promise<void> {
    const id = latestJob[name];
    if (id) await jobs.cancel(id);
  }

  /** The result of a finished job may not have reached us (reload): fetch it. */
  async function ensureResult(name: ExperimentName): Promise<void> {
    const id = latestJob[name];
    const job = jobOf(name);
    // details that already show the job finished hold its result (none, if it failed or was cancelled)
    const known = id ? jobs.details[id] : undefined;
    if (id && job && isFinished(job) && !jobs.results[id] && !(known && isFinished(known))) await jobs.fetchDetail(id);
  }

  // ---- the quick reproduction report (a Web Worker, on its own small networks: not the project's) ----
  const report = reactive({ status: 'idle' as 'idle' | 'running' | 'done' | 'failed', message: '', percent: 0, html: '', error: '', verdicts: {} as Record<string, number>, claims: [] as ReportClaimRow[], wallMs: 0 });
  let reportWorker: ReportWorker | null = null;

  function runReport(seed = 1, version = 'GainLab 0.1.0'): void {
    reportWorker?.terminate();
    report.status = 'running';
    report.message = 'starting';
    report.percent = 0;
    report.error = '';
    const worker = new Worker(new URL('../components/experiments/reproductionWorker.ts', import.meta.url), { type: 'module' });
    reportWorker = worker;
    worker.onmessage = (event) => {
      const m = event.data;
      if (m.kind === 'progress') {
        report.message = m.message ?? '';
        report.percent = m.percent ?? report.percent;
      } else if (m.kind === 'done') {
        Object.assign(report, { status: 'done', html: m.html ?? '', verdicts: m.verdicts ?? {}, claims: m.claims ?? [], wallMs: m.wallMs ?? 0, percent: 100 });
        reportWorker?.terminate();
        reportWorker = null;
      } else {
        Object.assign(report, { status: 'failed', error: m.message ?? 'the report failed' });
        reportWorker?.terminate();
        reportWorker = null;
      }
    };
    worker.onerror = (event) => {
      Object.assign(report, { status: 'failed', error: event.message || 'the report worker failed' });
      reportWorker?.terminate();
      reportWorker = null;
    };
    worker.postMessage({ kind: 'run', seed, version });
  }

  function cancelReport(): void {
    reportWorker?.terminate();
    reportWorker = null;
    if (report.status === 'running') Object.assign(report, { status: 'idle', message: 'cancelled' });
  }

  return { selected, settings, latestJob, starting, running, jobOf, resultOf, adoptJobs, run, cancel, ensureResult, report, runReport, cancelReport };
});
