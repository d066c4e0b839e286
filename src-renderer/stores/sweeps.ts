/**
 * The Sweeps view's state: a sweep built from a stored run (base) and factors typed as short
 * lists, checked as it is typed by the same parse the CLI uses (src-shared/sweeps/draft.ts: one
 * line per problem), its plan from main (tasks, estimated time here and as a cluster array,
 * memory per task), the job that runs it here (progress, one point per task, pause / cancel /
 * resume), the sweep folders next to the project, and the sweep results stored in the project.
 * Main owns the sweep's folder and the project; this store only asks.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import { CHANNELS, type JobSummary, type ResponseOf, type SweepFolderInfo, type SweepPlanResponse } from '../../src-shared/ipc/contract.js';
import { msText } from '../../src-shared/formats/duration.js';
import { baseFromRun, checkDraft, parseFactorValues, type FactorEntry, type SweepBase } from '../../src-shared/sweeps/draft.js';
import type { SweepResults } from '../../src-shared/sweeps/results.js';
import { FACTOR_NAMES, SweepError, type FactorName } from '../../src-shared/sweeps/schema.js';
import type { SweepJobResult } from '../../src-shared/tasks/sweep.js';
import type { ExperimentResultRecord } from '../../src-shared/project/schema.js';
import { call } from './api.js';
import { isFinished, useJobsStore } from './jobs.js';
import { useNotificationsStore } from './notifications.js';
import { useProjectStore } from './project.js';

/**
 * One measured cost of a plan in words: per trial of the reward rule (of k seeds together), per
 * Adam iteration of the gradient (plan.ts costProbeKey starts with the rule), and whether it was
 * timed as the run here trains (concurrent trials on the spare core). Two significant digits
 * (src-shared/formats/duration.ts msText: 0.071 ms, not 0.0712345 ms).
 */
export function measuredCostText(m: { probe: string; msPerTrial: number; sessions: number; here: boolean }): string {
  const step = m.probe.startsWith('gradient') ? 'Adam iteration' : 'trial';
  const what = m.sessions > 1 ? `${msText(m.msPerTrial)} per ${step} of ${m.sessions} seeds together` : `${msText(m.msPerTrial)} per ${step}`;
  return m.here ? `${what} in a run here, with its next trial on the spare core` : what;
}

/** The one line an import ends with: stored as a new result, or found in the project already and opened. */
export function importNotice(answer: ResponseOf<typeof CHANNELS.sweepsImport>): { kind: 'info' | 'success'; text: string } {
  const counts = `${answer.done} of ${answer.tasks} task(s) done`;
  if (answer.stored === 'existing') return { kind: 'info', text: `Sweep “${answer.name}” (${counts}) is in the project already as “${answer.resultName}”: opened it.` };
  const earlier = answer.earlierResults > 0 ? ` beside ${answer.earlierResults} earlier result(s) of this sweep, kept as they were` : '';
  return { kind: 'success', text: `Sweep “${answer.name}”: ${counts}, stored in the project as “${answer.resultName}”${earlier}.` };
}

/** Wait this long after the last edit before asking main for a plan (it times a few trials). */
const PLAN_DEBOUNCE_MS = 400;
/** A running sweep's folders are read again at most this often (a listing of its tasks). */
const FOLDER_REREAD_MS = 2000;

export const useSweepsStore = defineStore('sweeps', () => {
  const project = useProjectStore();
  const jobs = useJobsStore();
  const notifications = useNotificationsStore();

  const runId = ref<string | null>(null);
  const name = ref('sweep');
  const design = ref<'grid' | 'list'>('grid');
  const base = ref<SweepBase | null>(null);
  const notes = ref<string[]>([]);
  const factors = reactive<FactorEntry[]>([{ name: 'seed', text: '1-4' }]);

  const plan = shallowRef<SweepPlanResponse | null>(null);
  const planProblem = ref<string | null>(null);
  const planning = ref(false);
  const busy = ref<'run' | 'export' | 'import' | null>(null);
  const jobId = ref<string | null>(null);
  const folders = shallowRef<SweepFolderInfo[]>([]);
  const foldersRoot = ref<string | null>(null);
  /** The stored sweep result shown on the right (an experiment result id), or null. */
  const shownResultId = ref<string | null>(null);
  const shownRecord = shallowRef<ExperimentResultRecord | null>(null);

  /** Runs a sweep can start from: on a network of the project that still has a readout. */
  const runs = computed(() => project.runs.filter((run) => project.networks.some((n) => n.id === run.networkId && n.readout)));
  const storedResults = computed(() => project.experimentResults.filter((r) => r.kind === 'sweep'));

  function targetId(token: string): string | null {
    const lower = token.toLowerCase();
    const target = project.targets.find((t) => t.id === token) ?? project.targets.find((t) => t.name.toLowerCase() === lower);
    return target ? target.id : null;
  }

  function chooseRun(id: string | null): void {
    runId.value = id;
    const run = runs.value.find((r) => r.id === id);
    if (!run) {
      base.value = null;
      notes.value = [];
      return;
    }
    const built = baseFromRun(run);
    base.value = built.base;
    notes.value = built.notes;
  }

  // the newest run is the base until the user picks one
  watch(
    () => runs.value.map((r) => r.id).join(','),
    () => {
      if (!runId.value || !runs.value.some((r) => r.id === runId.value)) chooseRun(runs.value[runs.value.length - 1]?.id ?? null);
    },
    { immediate: true },
  );

  /** The one-line problem of each factor row (null: fine). */
  const factorProblems = computed(() =>
    factors.map((factor) => {
      try {
        parseFactorValues(factor.name, factor.text, targetId);
        return null;
      } catch (error) {
        return error instanceof SweepError ? error.message : String(error);
      }
    }),
  );

  const draft = computed(() => (base.value ? { name: name.value.trim(), base: base.value, design: design.value, factors: factors.map((f) => ({ ...f })) } : null));
  /** The sweep file of the draft and its tasks, or the reason there is none. */
  const checked = computed(() => {
    if (!draft.value) return { problem: 'Pick a stored run as the base (train one first).' } as const;
    return checkDraft(draft.value, 'project.gainlab', targetId);
  });
  const problem = computed(() => ('problem' in checked.value ? checked.value.problem : null));
  const sweepJson = computed(() => ('json' in checked.value ? checked.value.json : null));
  const taskCount = computed(() => ('expanded' in checked.value ? checked.value.expanded.tasks.length : 0));

  function addFactor(factorName: FactorName): void {
    if (factors.some((f) => f.name === factorName)) return;
    factors.push({ name: factorName, text: '' });
  }
  function removeFactor(index: number): void {
    factors.splice(index, 1);
  }
  const unusedFactors = computed(() => FACTOR_NAMES.filter((f) => !factors.some((entry) => entry.name === f)));

  // ---- plan ----
  let planTimer: ReturnType<typeof setTimeout> | null = null;
  let planSerial = 0;
  async function refreshPlan(): Promise<void> {
    const json = sweepJson.value;
    const serial = ++planSerial;
    if (!json) {
      plan.value = null;
      planProblem.value = null;
      return;
    }
    planning.value = true;
    const answer = await call(CHANNELS.sweepsPlan, { sweep: json }, { quiet: true });
    if (serial !== planSerial) return;
    planning.value = false;
    if (answer.ok) {
      plan.value = answer.value;
      planProblem.value = null;
    } else {
      plan.value = null;
      planProblem.value = answer.error?.message ?? answer.text;
    }
  }
  watch(
    () => JSON.stringify(sweepJson.value),
    () => {
      if (planTimer) clearTimeout(planTimer);
      planTimer = setTimeout(() => void refreshPlan(), PLAN_DEBOUNCE_MS);
    },
    { immediate: true },
  );

  // ---- the job running this sweep here ----
  const job = computed<JobSummary | null>(() => (jobId.value ? (jobs.jobs.find((j) => j.jobId === jobId.value) ?? null) : null));
  const running = computed(() => !!job.value && !isFinished(job.value));
  const jobResult = computed(() => {
    const id = jobId.value;
    const result = id ? jobs.results[id] : null;
    return result && result.kind === 'sweep' ? (result as unknown as SweepJobResult) : null;
  });
  /** The latest job's rows as results (a paused or cancelled sweep too: it is not stored). */
  const jobResults = computed<SweepResults | null>(() => {
    const r = jobResult.value;
    return r ? { name: r.name, factorNames: r.factorNames, rows: r.rows, sweepText: null } : null;
  });

  async function refreshFolders(): Promise<void> {
    const answer = await call(CHANNELS.sweepsList, {}, { quiet: true });
    if (!answer.ok) return;
    folders.value = answer.value.sweeps;
    foldersRoot.value = answer.value.root;
    // a running job of ours (after a reload): follow it
    if (!jobId.value) {
      const live = answer.value.sweeps.find((s) => s.jobId && s.name === name.value);
      if (live) jobId.value = live.jobId;
    }
  }

  // while a job runs, the folder list follows it: read again as its tasks finish, at most every
  // FOLDER_REREAD_MS (read only when a job started, its folder was missing — plan.json not yet
  // written — or read 0/8 beside '2 of 8 tasks'); SweepFolders shows the job's count between reads
  let folderReadAt = 0;
  watch(
    () => job.value?.trial,
    () => {
      if (!running.value || Date.now() - folderReadAt < FOLDER_REREAD_MS) return;
      folderReadAt = Date.now();
      void refreshFolders();
    },
  );

  async function startJob(json: Record<string, unknown>): Promise<void> {
    busy.value = 'run';
    try {
      const answer = await call(CHANNELS.sweepsRun, { sweep: json });
      if (!answer.ok) return;
      jobId.value = answer.value.jobId;
      await jobs.reloadList();
      await refreshFolders();
    } finally {
      busy.value = null;
    }
  }

  async function runHere(): Promise<void> {
    if (sweepJson.value) await startJob(sweepJson.value);
  }

  /** Continue a sweep folder's sweep (finished tasks are skipped). */
  async function resume(folder: SweepFolderInfo): Promise<void> {
    if (!folder.sweep) {
      notifications.error(`The sweep file of “${folder.name}” cannot be read; run it from the builder.`);
      return;
    }
    name.value = folder.name;
    await startJob(folder.sweep);
  }

  async function pause(): Promise<void> {
    if (jobId.value) await jobs.cancel(jobId.value, 0);
  }
  async function cancel(): Promise<void> {
    if (jobId.value) await jobs.cancel(jobId.value);
  }

  // A job is settled once: the first time it is seen finished its detail and the folders are
  // fetched, and once its result is here the one-line notice is given. Keyed by job id rather than
  // by a status transition, because a rerun whose tasks are all finished can be done before this
  // store ever sees it running (its first status is already 'done').
  const fetchedFinished = new Set<string>();
  const announced = new Set<string>();
  watch(
    [() => jobId.value, () => job.value?.status, jobResult] as const,
    ([id, status, result]) => {
      if (!id || !status || !isFinished({ status })) return;
      if (!fetchedFinished.has(id)) {
        fetchedFinished.add(id);
        void jobs.fetchDetail(id);
        void refreshFolders();
      }
      if (!result || announced.has(id)) return;
      announced.add(id);
      // main stores nothing for a run that found every task finished (jobResults.ts): say why
      if (status === 'done' && !result.partial && result.done + result.failed === 0) {
        notifications.info(`Every task of “${result.name}” was finished already: nothing new to store (Results in the folder list opens its stored result).`);
      }
    },
  );

  // ---- export and import ----
  /** together: one array task per group of seeds trained together (gainlab sweep slurm --together). */
  async function exportForCluster(together = false): Promise<{ fileName: string; bytes: Uint8Array } | null> {
    if (!sweepJson.value) return null;
    busy.value = 'export';
    try {
      const answer = await call(CHANNELS.sweepsExport, { sweep: sweepJson.value, ...(together ? { together } : {}) });
      return answer.ok ? answer.value : null;
    } finally {
      busy.value = null;
    }
  }

  async function importResults(request: { path: string } | { fileName: string; bytes: Uint8Array }): Promise<boolean> {
    busy.value = 'import';
    try {
      const answer = await call(CHANNELS.sweepsImport, request);
      if (!answer.ok) return false;
      const notice = importNotice(answer.value);
      notifications.push(notice.kind, notice.text);
      shownResultId.value = answer.value.resultId;
      return true;
    } finally {
      busy.value = null;
    }
  }

  // the stored result on show: the newest sweep result unless one was picked
  watch(
    () => [shownResultId.value, storedResults.value.map((r) => r.id).join(',')] as const,
    async ([id]) => {
      const stored = storedResults.value;
      const wanted = id && stored.some((r) => r.id === id) ? id : (stored[stored.length - 1]?.id ?? null);
      if (wanted !== shownResultId.value) shownResultId.value = wanted;
      if (!wanted) {
        shownRecord.value = null;
        return;
      }
      if (shownRecord.value?.id === wanted) return;
      const record = await project.fullResult(wanted);
      if (shownResultId.value === wanted) shownRecord.value = record;
    },
    { immediate: true },
  );

  return {
    runId,
    name,
    design,
    base,
    notes,
    factors,
    runs,
    storedResults,
    chooseRun,
    factorProblems,
    checked,
    problem,
    sweepJson,
    taskCount,
    addFactor,
    removeFactor,
    unusedFactors,
    plan,
    planProblem,
    planning,
    refreshPlan,
    busy,
    jobId,
    job,
    running,
    jobResult,
    jobResults,
    folders,
    foldersRoot,
    refreshFolders,
    runHere,
    resume,
    pause,
    cancel,
    exportForCluster,
    importResults,
    shownResultId,
    shownRecord,
  };
});
