/**
 * The Experiments view's state: per experiment the run settings (quick/full, seed, network, sizes)
 * and the latest job. Jobs and their results live in main (jobs store); this store remembers which
 * job is the latest run of which experiment, and after a page reload finds them again from the job
 * list (jobs:get tells an experiment job's definition).
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import { CHANNELS, type ExperimentJobResult, type ExperimentName, type ExperimentRequest, type JobSummary } from '../../src-shared/ipc/contract.js';
import { EXPERIMENT_CATALOG } from '../../src-shared/experiments/catalog.js';
import { call } from './api.js';
import { isFinished, useJobsStore } from './jobs.js';

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

  function resultOf(name: ExperimentName): ExperimentJobResult | null {
    const id = latestJob[name];
    const result = id ? jobs.results[id] : null;
    return result && result.kind === 'experiment' ? result : null;
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
