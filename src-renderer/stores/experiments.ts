/**
 * The Experiments view's state: per experiment the run settings (quick/full, seed, network, sizes),
 * the latest job, and the newest result stored in the project. Every finished experiment job of a
 * project is added to it by main, so results reopen with the project without rerunning; this store
 * shows the running job while there is one, else the project's newest result of that experiment.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import { CHANNELS, type ExperimentJobResult, type ExperimentName, type ExperimentRequest, type JobSummary } from '../../src-shared/ipc/contract.js';
import { EXPERIMENT_CATALOG } from '../../src-shared/experiments/catalog.js';
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
    Object.fromEntries(EXPERIMENT_CATALOG.map((e) => [e.name, { quick: true, seed: 1, networkId: '', targetId: '', sizes: '' }])) as Record<ExperimentName, ExperimentSettings>,
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
    const request: ExperimentRequest = { experiment: name, quick: s.quick, seed: s.seed };
    if (s.networkId) request.networkId = s.networkId;
    if (name === 'fig1' && s.targetId) request.targetId = s.targetId;
    if (name === 'supp2' && sizes) request.sizes = sizes;
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
    if (id && job && isFinished(job) && !jobs.results[id]) await jobs.fetchDetail(id);
  }

  return { selected, settings, latestJob, starting, running, jobOf, resultOf, adoptJobs, run, cancel, ensureResult };
});
