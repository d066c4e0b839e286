/**
 * Motor primitives in the UI (model-spec §9): building a library (one training job per chosen
 * target, and primitives:create-library with those jobs at once: main creates the library when
 * they have finished, so the build survives a reload), fitting a novel target
 * (primitives:fit), and refining the combination (two training jobs on the novel target: from
 * the combined gains and from scratch, same settings).
 *
 * Libraries themselves live in the project (main owns it); this store only keeps what is in
 * flight and the last fit, so leaving the view and coming back shows the same state.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import {
  CHANNELS,
  trainingRequestSchema,
  type PrimitivesFitResponse,
  type TrainingRequest,
  type PrimitivesFitCombination,
} from '../../src-shared/ipc/contract.js';
import { generateTarget } from '../../src-shared/model/targets.js';
import type { TargetMovement } from '../../src-shared/project/schema.js';
import type { LibraryView, NetworkView } from '../../src-shared/project/view.js';
import { call } from './api.js';
import { isFinished, useJobsStore } from './jobs.js';
import { useNotificationsStore } from './notifications.js';
import { useProjectStore } from './project.js';
import { parseGroups } from './trainForm.js';
import { RULE_BUDGETS } from '../lib/ruleBudgets.js';

export interface LearningSettings {
  rule: 'reward' | 'gradient';
  /** Reward: trials; gradient: Adam iterations. */
  trials: number;
  /** "N" or a number of groups. */
  groups: string;
  seed: number;
  sigma: number;
  alpha: number;
  learningRate: number;
}

export function defaultLearningSettings(): LearningSettings {
  return { rule: 'gradient', trials: RULE_BUDGETS.library.gradient, groups: 'N', seed: 1, sigma: 0.001, alpha: 0.3, learningRate: 0.01 };
}

/** Whether a target lives on the network's movement grid (what a library pattern and a fit need). */
export function onNetworkGrid(target: TargetMovement, network: Pick<NetworkView, 'readout' | 'params'>): boolean {
  return (
    !!network.readout &&
    target.channels === network.readout.channels &&
    target.nSamples === network.params.nSamples &&
    target.duration === network.params.duration
  );
}

/**
 * The first seed "Add generated" should offer: one past the largest seed of the project's
 * generated targets (1 without any). Seeds already used give the very same movements again (the
 * example's targets are generated from seeds 1–3), so a library would silently hold duplicates of
 * the project's targets, possibly of the novel target it is meant to be tested on.
 */
export function nextGeneratedSeed(targets: readonly Pick<TargetMovement, 'source'>[]): number {
  let largest = 0;
  for (const target of targets) if (target.source.kind === 'generated' && target.source.seed > largest) largest = target.source.seed;
  return largest + 1;
}

/**
 * A jobs:start-training request for one target, or the problem in words. `initialGains` starts
 * the learning from given gains (refining a combination). `groupsOverride` replaces the form's
 * groups (Refine: the library's grouping, in which the given gains are constant per group); without
 * it, a gradient start from given gains uses one gain per neuron (random groups would split them).
 */
export function learningRequest(
  settings: LearningSettings,
  network: NetworkView,
  target: TargetMovement,
  label: string,
  initialGains?: Float64Array,
  /** Groups to train with, replacing `settings.groups` (refining: the library's own grouping). */
  groupsOverride?: TrainingRequest['groups'],
  purpose: 'train' | 'refine' | 'library' = 'train',
): { request: TrainingRequest | null; problem: string | null } {
  if (!network.readout) return { request: null, problem: `Network “${network.name}” has no readout yet.` };
  if (!onNetworkGrid(target, network)) return { request: null, problem: `Target “${target.name}” is not on the network's movement grid.` };
  if (!Number.isInteger(settings.trials) || settings.trials < 1 || settings.trials > 1_000_000) {
    return { request: null, problem: `${settings.rule === 'reward' ? 'Trials' : 'Iterations'} must be a whole number from 1 to 1 000 000.` };
  }
  if (!Number.isInteger(settings.seed) || settings.seed < 0 || settings.seed > 2 ** 32 - 1) return { request: null, problem: 'Seed must be a whole number ≥ 0.' };
  const groups = parseGroups(settings.groups, network.n);
  if (!groups.ok) return { request: null, problem: groups.message };
  const spec = groupsOverride ?? (initialGains && settings.rule === 'gradient' ? { kind: 'neuron' as const } : groups.spec);
  const request: TrainingRequest = {
    source: { kind: 'project', networkId: network.id, targetIds: [target.id] },
    purpose,
    rule: settings.rule,
    trials: settings.trials,
    sigma: settings.sigma,
    alpha: settings.alpha,
    learningRate: settings.learningRate,
    groups: spec,
    seed: settings.seed,
    sessions: 1,
    trainable: 'gains',
    label,
    ...(initialGains ? { initialGains } : {}),
  };
  const checked = trainingRequestSchema.safeParse(request);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { request: null, problem: `${issue.path.join('.')}: ${issue.message}` };
  }
  return { request, problem: null };
}

/**
 * The grouping a refinement trains with: the groups the library's patterns were learned with
 * (their runs' groupLabels), so the combined gains — constant inside each group — are a valid
 * start for either rule. When the runs do not share one grouping (or are gone from the project),
 * one gain per neuron, with a note saying so.
 */
export function libraryGrouping(
  library: LibraryView | undefined,
  runs: readonly { id: string; groupLabels: number[] | null }[],
  n: number,
): { groups: TrainingRequest['groups']; note: string } {
  const neuron = { kind: 'neuron' as const };
  if (!library) return { groups: neuron, note: 'The library is gone; refinement trains one gain per neuron.' };
  const found = library.runIds.map((id) => runs.find((r) => r.id === id));
  if (found.length === 0 || found.some((r) => !r)) {
    return { groups: neuron, note: 'Some of the library’s runs are no longer in the project; refinement trains one gain per neuron.' };
  }
  const labels = found.map((r) => r!.groupLabels);
  const key = (l: number[] | null) => (l === null ? 'N' : l.join(','));
  if (labels.some((l) => key(l) !== key(labels[0]))) {
    return { groups: neuron, note: 'The library’s patterns were learned with different groupings; refinement trains one gain per neuron.' };
  }
  const first = labels[0];
  if (first === null || first.length !== n || new Set(first).size === n) {
    return { groups: neuron, note: 'Refinement trains one gain per neuron, as the library’s patterns were learned.' };
  }
  return { groups: { kind: 'explicit', labels: first }, note: `Refinement trains the library’s ${new Set(first).size} groups (both curves).` };
}

export type BuildPhase = 'idle' | 'training' | 'creating' | 'done' | 'failed';

export interface LibraryBuild {
  name: string;
  networkId: string;
  jobIds: string[];
  targetNames: string[];
  phase: BuildPhase;
  message: string | null;
  libraryId: string | null;
}

export interface RefineState {
  libraryId: string;
  targetId: string;
  fromCombinationJobId: string;
  fromScratchJobId: string;
  /** Output error of the combination the refinement starts from. */
  startError: number;
  /** The rule both runs learn with (their curves' x axis: trials or Adam iterations), whatever the form shows later. */
  rule: LearningSettings['rule'];
}

export const usePrimitivesStore = defineStore('primitives', () => {
  const project = useProjectStore();
  const jobs = useJobsStore();
  const notices = useNotificationsStore();

  const allLibraries = computed<LibraryView[]>(() => project.libraries);
  /** Libraries of the network shown in the workspace. */
  const libraries = computed(() => allLibraries.value.filter((l) => l.networkId === project.network?.id));
  const selectedLibraryId = ref<string | null>(null);
  const selectedLibrary = computed(() => libraries.value.find((l) => l.id === selectedLibraryId.value) ?? null);
  watch(
    libraries,
    (list) => {
      if (!list.some((l) => l.id === selectedLibraryId.value)) selectedLibraryId.value = list[list.length - 1]?.id ?? null;
    },
    { immediate: true },
  );

  /** Targets a library can be learned on / a fit can aim at: those on the shown network's grid. */
  const gridTargets = computed(() => {
    const network = project.network;
    return network ? project.targets.filter((t) => onNetworkGrid(t, network)) : [];
  });

  // ----- building -----------------------------------------------------------------------------
  const build = ref<LibraryBuild | null>(null);
  const building = computed(() => build.value?.phase === 'training' || build.value?.phase === 'creating');

  /** Add `count` generated EMG-like targets (seeds first, first+1, ...) on the network's grid. */
  async function addGeneratedTargets(count: number, firstSeed: number): Promise<string[]> {
    const network = project.network;
    const grid = network ? { duration: network.params.duration, nSamples: network.params.nSamples } : { duration: 500, nSamples: 200 };
    const channels = network?.readout?.channels ?? 1;
    const stamp = Date.now().toString(36);
    const targets: TargetMovement[] = [];
    for (let k = 0; k < count; k++) {
      const seed = (firstSeed + k) >>> 0;
      const generated = generateTarget(seed, grid, channels);
      targets.push({
        id: `generated-${seed}-${stamp}`,
        name: `Generated (seed ${seed})`,
        channels: generated.channels,
        nSamples: generated.nSamples,
        duration: generated.duration,
        values: generated.values,
        source: { kind: 'generated', seed },
        createdAt: new Date().toISOString(),
      });
    }
    const next = await project.update({ upsertTargets: targets });
    return next ? targets.map((t) => t.id) : [];
  }

  /** Resolves when every job has finished (as the jobs store sees it). */
  function whenAllFinished(jobIds: string[]): Promise<void> {
    return new Promise((resolve) => {
      const stop = watch(
        () => jobIds.map((id) => jobs.jobs.find((j) => j.jobId === id)?.status ?? 'missing'),
        (statuses) => {
          if (statuses.every((s) => s === 'done' || s === 'cancelled' || s === 'failed' || s === 'missing')) {
            queueMicrotask(() => stop());
            resolve();
          }
        },
        { immediate: true },
      );
    });
  }

  /** Resolves true when the library appears in the project (main creates it), false when `give up` resolves first. */
  function whenLibraryAppears(libraryId: string, giveUp: Promise<unknown>): Promise<boolean> {
    return new Promise((resolve) => {
      let over = false;
      const stop = watch(
        () => allLibraries.value.some((l) => l.id === libraryId),
        (present) => {
          if (present && !over) {
            over = true;
            queueMicrotask(() => stop());
            resolve(true);
          }
        },
        { immediate: true },
      );
      void giveUp.then(() => {
        if (over) return;
        over = true;
        stop();
        resolve(false);
      });
    });
  }

  /**
   * One training job per target (queued on the job threads); main is asked for the library at
   * once and creates it when every job has finished done (primitives:create-library with running
   * jobs), so a reload mid-build does not lose it. A failed or cancelled run: no library.
   */
  async function buildLibrary(name: string, targetIds: string[], settings: LearningSettings): Promise<boolean> {
    const network = project.network;
    if (!network) return false;
    const chosen = targetIds.map((id) => project.targets.find((t) => t.id === id)).filter((t): t is TargetMovement => !!t);
    if (chosen.length === 0) {
      notices.error('Choose at least one target movement for the library.');
      return false;
    }
    const requests: TrainingRequest[] = [];
    // random groups drawn once (seed = the build's seed), so every pattern shares one grouping and
    // Refine can train with it
    const parsed = parseGroups(settings.groups, network.n);
    const sharedGroups = parsed.ok && parsed.spec.kind === 'random' ? { ...parsed.spec, seed: parsed.spec.seed ?? settings.seed } : undefined;
    for (const [k, target] of chosen.entries()) {
      // each pattern its own seed, so reward-rule patterns are independent draws
      const built = learningRequest({ ...settings, seed: settings.seed + k }, network, target, `Library “${name}” · ${k + 1}/${chosen.length} · ${target.name}`, undefined, sharedGroups, 'library');
      if (!built.request) {
        notices.error(built.problem ?? 'The library settings are not valid.');
        return false;
      }
      requests.push(built.request);
    }
    // one request: main starts the runs and registers the library together, so a reload at any
    // moment of the build loses nothing (main creates the library when the runs have finished)
    const answer = await call(CHANNELS.primitivesCreateLibrary, { networkId: network.id, name, trainings: requests });
    if (!answer.ok) {
      build.value = { name, networkId: network.id, jobIds: [], targetNames: chosen.map((t) => t.name), phase: 'failed', message: answer.text, libraryId: null };
      return false;
    }
    const jobIds = answer.value.startedJobIds ?? [];
    jobIds.forEach((jobId, k) => jobs.trackTraining(jobId, requests[k]));
    const libraryId = answer.value.libraryId;
    const started: LibraryBuild = { name, networkId: network.id, jobIds, targetNames: chosen.map((t) => t.name), phase: 'training', message: null, libraryId };
    build.value = started;
    /** Still this build on screen (another project opened or this one closed clears it: see below). */
    const shown = () => build.value?.libraryId === started.libraryId;
    project.adoptSummary(answer.value.project);
    if (answer.value.pending) {
      const finished = whenAllFinished(jobIds);
      const appeared = await whenLibraryAppears(
        libraryId,
        finished.then(() => {
          const stopped = jobIds.map((id) => jobs.jobs.find((j) => j.jobId === id)).filter((j) => j?.status !== 'done');
          // every run done: main is storing the library now
          if (stopped.length === 0) {
            if (shown()) build.value = { ...build.value!, phase: 'creating' };
            return new Promise(() => undefined);
          }
          return undefined;
        }),
      );
      // another project opened meanwhile: main still stores this library in its own project
      if (!shown()) return appeared;
      if (!appeared) {
        const statuses = jobIds.map((id) => jobs.jobs.find((j) => j.jobId === id));
        const failed = statuses.find((j) => j?.status === 'failed');
        const message = statuses.some((j) => j?.status === 'cancelled')
          ? 'Cancelled: no library was created (the runs are kept in the job list).'
          : failed
            ? `Run “${failed.label}” failed${failed.error ? ` (${failed.error.message})` : ''}; no library was created.`
            : 'A run did not finish; no library was created.';
        build.value = { ...build.value, phase: 'failed', message };
        return false;
      }
    }
    if (!shown()) return true;
    selectedLibraryId.value = libraryId;
    build.value = { ...build.value!, phase: 'done', message: null };
    notices.success(`Library “${name}” with ${jobIds.length} pattern(s) was added to the project.`);
    return true;
  }

  /** Cancel the build's jobs and create no library from them. */
  async function cancelBuild(): Promise<void> {
    for (const id of build.value?.jobIds ?? []) {
      const job = jobs.jobs.find((j) => j.jobId === id);
      if (job && !isFinished(job)) await jobs.cancel(id);
    }
  }

  /** Delete a library (asks first; undoable). Its runs stay in the project. */
  async function removeLibrary(libraryId: string): Promise<void> {
    const removed = await project.removeItems([{ collection: 'primitiveLibraries', id: libraryId }]);
    if (removed && fit.value?.libraryId === libraryId) fit.value = null;
  }

  // ----- fitting ------------------------------------------------------------------------------
  const fitTargetId = ref<string | null>(null);
  /**
   * How the coefficients are chosen (contract primitivesFitRequestSchema): bounded as Fig. 4 by
   * default — plain least squares' large, cancelling coefficients leave an output far from the fit
   * (src-shared/primitives/library.ts) — or least squares, or a fixed ridge δ.
   */
  const combination = ref<PrimitivesFitCombination>('bounded-coefficients');
  const ridge = ref(0);
  const fit = shallowRef<(PrimitivesFitResponse & { targetId: string; targetName: string }) | null>(null);
  const fitting = ref(false);
  const fitProblem = ref<string | null>(null);

  async function fitTarget(): Promise<boolean> {
    const library = selectedLibrary.value;
    const target = project.targets.find((t) => t.id === fitTargetId.value);
    if (!library || !target) {
      fitProblem.value = !library ? 'Choose a library first.' : 'Choose a novel target first.';
      return false;
    }
    fitting.value = true;
    fitProblem.value = null;
    try {
      const answer = await call(
        CHANNELS.primitivesFit,
        { libraryId: library.id, networkId: project.network?.id, target: { targetId: target.id }, combination: combination.value, ridge: ridge.value },
        { quiet: true },
      );
      if (!answer.ok) {
        fitProblem.value = answer.text;
        fit.value = null;
        return false;
      }
      fit.value = { ...answer.value, targetId: target.id, targetName: target.name };
      // a new combination: earlier refine curves started from another one
      refine.value = null;
      return true;
    } finally {
      fitting.value = false;
    }
  }

  // ----- refining -----------------------------------------------------------------------------
  const refine = shallowRef<RefineState | null>(null);
  const refineProblem = ref<string | null>(null);
  /** What grouping Refine trains with, in words (shown next to the button). */
  const refineNote = computed(() => {
    const current = fit.value;
    const network = project.networks.find((n) => n.id === current?.networkId);
    if (!current || !network) return null;
    return libraryGrouping(allLibraries.value.find((l) => l.id === current.libraryId), project.summary?.project.runs ?? [], network.n).note;
  });

  // another project opened, or this one closed (and perhaps opened again): nothing of the project
  // before stays — its build ("“Two”: added to the project." in a new project; reopened, its patterns
  // read 'queued', their jobs gone with main), its fit, and its refinement, whose curves waited for
  // points from jobs main no longer has (two 'Not found: There is no job …' toasts). Synchronous, as
  // the speed store's. The refinement's runs stay in the project (the runs browser).
  watch(
    () => (project.entered ? project.projectId : null),
    () => {
      build.value = null;
      fit.value = null;
      fitProblem.value = null;
      refine.value = null;
      refineProblem.value = null;
    },
    { flush: 'sync' },
  );

  /** Continue learning from the combined gains, and learn from scratch with the same settings. */
  async function startRefine(settings: LearningSettings): Promise<boolean> {
    const current = fit.value;
    const network = project.networks.find((n) => n.id === current?.networkId);
    const target = project.targets.find((t) => t.id === current?.targetId);
    refineProblem.value = null;
    if (!current || !network || !target) {
      refineProblem.value = 'Fit a novel target first.';
      return false;
    }
    // both curves train the library's grouping (the combined gains are constant inside its groups)
    const { groups } = libraryGrouping(allLibraries.value.find((l) => l.id === current.libraryId), project.summary?.project.runs ?? [], network.n);
    const fromCombination = learningRequest(settings, network, target, `Refine · from the combination · ${target.name}`, current.gains, groups, 'refine');
    const fromScratch = learningRequest(settings, network, target, `Refine · from scratch · ${target.name}`, undefined, groups, 'refine');
    if (!fromCombination.request || !fromScratch.request) {
      refineProblem.value = fromCombination.problem ?? fromScratch.problem;
      return false;
    }
    const a = await jobs.startTraining(fromCombination.request);
    if (!a) return false;
    const b = await jobs.startTraining(fromScratch.request);
    if (!b) return false;
    refine.value = { libraryId: current.libraryId, targetId: target.id, fromCombinationJobId: a, fromScratchJobId: b, startError: current.outputError, rule: settings.rule };
    return true;
  }

  return {
    allLibraries,
    libraries,
    selectedLibraryId,
    selectedLibrary,
    gridTargets,
    build,
    building,
    addGeneratedTargets,
    buildLibrary,
    cancelBuild,
    removeLibrary,
    fitTargetId,
    combination,
    ridge,
    fit,
    fitting,
    fitProblem,
    fitTarget,
    refine,
    refineProblem,
    refineNote,
    startRefine,
  };
});
