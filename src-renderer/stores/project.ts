/**
 * The open project as main reports it and which network and target the workspace shows. Main owns
 * the project: this store mirrors its summary (src-shared/project/view.ts — everything but the
 * bulk arrays), follows project:changed, fetches a full item (a network's W, a run's curves) by id
 * when a view needs it, and changes the project only through operations (update, remove with
 * confirmation, undo/redo). Nothing enters the project from what a view happens to show: results
 * of jobs are added by main when the jobs finish.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { CHANNELS, EVENTS, type ProjectSummary, type RequestOf, type ResponseOf } from '../../src-shared/ipc/contract.js';
import { ITEM_NOUNS, type ItemRef } from '../../src-shared/project/edits.js';
import type { ExperimentResultRecord, PrimitiveLibrary, ProjectNetwork, TargetMovement, TrainingRun } from '../../src-shared/project/schema.js';
import type { ExperimentResultView, LibraryView, NetworkView, RunView } from '../../src-shared/project/view.js';
import { call, transport } from './api.js';
import { useDialogsStore } from './dialogs.js';
import { isFinished, useJobsStore } from './jobs.js';
import { useNotificationsStore } from './notifications.js';
import { recall, remember } from './formMemory.js';
import { useHelpStore } from './help.js';

export type AppInfo = ResponseOf<typeof CHANNELS.appInfo>;
export type RecentProject = ResponseOf<typeof CHANNELS.projectRecent>[number];
/** The answers to "Save changes to NAME?". */
export type UnsavedChoice = 'save' | 'discard' | 'cancel';
type UnloadListener = (event: { preventDefault(): void; returnValue: unknown }) => void;
interface UnloadTarget {
  addEventListener(type: 'beforeunload', listener: UnloadListener): void;
  removeEventListener(type: 'beforeunload', listener: UnloadListener): void;
}

/** The target a researcher most likely wants to learn: the novel one of the example, else the first. */
export function preferredTarget(targets: TargetMovement[]): TargetMovement | null {
  return (
    targets.find((target) => /novel/i.test(target.id) || /novel/i.test(target.name)) ?? targets[0] ?? null
  );
}

export const useProjectStore = defineStore('project', () => {
  const summary = shallowRef<ProjectSummary | null>(null);
  /** true once the user chose a project (example, new, opened): the workspace is shown. */
  const entered = ref(false);
  const selectedNetworkId = ref<string | null>(null);
  const selectedTargetId = ref<string | null>(null);
  const recent = ref<RecentProject[] | null>(null);
  const appInfo = shallowRef<AppInfo | null>(null);
  const busy = ref<string | null>(null);
  /** Unsaved work autosaved by a session that ended without saving (project:recover). */
  const recovery = shallowRef<{ savedAt: number | null; name: string; key: string } | null>(null);
  let unsubscribe: (() => void)[] = [];

  const networks = computed<NetworkView[]>(() => summary.value?.project.networks ?? []);
  const targets = computed<TargetMovement[]>(() => summary.value?.project.targets ?? []);
  const runs = computed<RunView[]>(() => summary.value?.project.runs ?? []);
  const libraries = computed<LibraryView[]>(() => summary.value?.project.primitiveLibraries ?? []);
  const experimentResults = computed<ExperimentResultView[]>(() => summary.value?.project.experimentResults ?? []);
  const projectId = computed(() => summary.value?.project.id ?? null);
  const network = computed<NetworkView | null>(
    () => networks.value.find((net) => net.id === selectedNetworkId.value) ?? null,
  );
  const target = computed<TargetMovement | null>(
    () => targets.value.find((t) => t.id === selectedTargetId.value) ?? null,
  );
  /** The selected network can produce an output (it has a readout) and a target is chosen. */
  const canTrain = computed(() => !!network.value?.readout && !!target.value);

  // ---- full items, fetched by id (the summary leaves their bulk arrays out) ----
  const fullNetworks = new Map<string, Promise<ProjectNetwork | null>>();
  /** W over this many bytes is read in blocks of rows (networkInBlocks). */
  const WEIGHTS_BLOCK_BYTES = 2 ** 20;
  const fullItems = new Map<string, Promise<unknown>>();
  /** A network with its weights (cached until main replaces the network). */
  function fullNetwork(id: string): Promise<ProjectNetwork | null> {
    const view = networks.value.find((net) => net.id === id);
    if (!view) return Promise.resolve(null);
    let pending = fullNetworks.get(view.W.key);
    if (!pending) {
      pending = 8 * view.n * view.n > WEIGHTS_BLOCK_BYTES ? networkInBlocks(id, view.n, view.W.key) : call(CHANNELS.projectNetwork, { networkId: id }).then((answer) => (answer.ok ? answer.value : null));
      fullNetworks.set(view.W.key, pending);
      void pending.then((value) => {
        if (!value) fullNetworks.delete(view.W.key);
      });
    }
    return pending;
  }
  /**
   * A large network: the rest first, then W in blocks of rows of about WEIGHTS_BLOCK_BYTES, one
   * answer after the other — each message is then short to receive on the page's thread (an 8 MB
   * W in one message blocked it for ~230 ms: e2e/longtask.spec.ts).
   */
  async function networkInBlocks(id: string, n: number, key: string): Promise<ProjectNetwork | null> {
    const head = await call(CHANNELS.projectNetwork, { networkId: id, withoutWeights: true });
    if (!head.ok) return null;
    const W = new Float64Array(n * n);
    const rows = Math.max(1, Math.floor(WEIGHTS_BLOCK_BYTES / (8 * n)));
    for (let from = 0; from < n; from += rows) {
      const to = Math.min(n, from + rows);
      const block = await call(CHANNELS.projectNetworkRows, { networkId: id, from, to });
      if (!block.ok || block.value.values.length !== (to - from) * n) return null;
      W.set(block.value.values, from * n);
    }
    // main replaced the network meanwhile: these blocks may mix two versions of W
    if (networks.value.find((net) => net.id === id)?.W.key !== key) return null;
    return { ...head.value, W };
  }
  function cachedItem<T>(key: string, fetch: () => Promise<{ ok: true; value: T } | { ok: false }>): Promise<T | null> {
    let pending = fullItems.get(key) as Promise<T | null> | undefined;
    if (!pending) {
      pending = fetch().then((answer) => (answer.ok ? answer.value : null));
      fullItems.set(key, pending);
      void pending.then((value) => {
        if (!value) fullItems.delete(key);
      });
    }
    return pending;
  }
  /** A stored run with its error curves and gains (a run's arrays never change once stored). */
  const fullRun = (runId: string) => cachedItem<TrainingRun>(`run:${runId}`, () => call(CHANNELS.projectRun, { runId }, { quiet: true }));
  const fullLibrary = (libraryId: string) =>
    cachedItem<PrimitiveLibrary>(`library:${libraryId}`, () => call(CHANNELS.projectLibrary, { libraryId }, { quiet: true }));
  const fullResult = (resultId: string) =>
    cachedItem<ExperimentResultRecord>(`result:${resultId}`, () => call(CHANNELS.projectResult, { resultId }, { quiet: true }));
  const mode = computed(() => appInfo.value?.mode ?? transport().mode);
  const dirty = computed(() => summary.value?.dirty ?? false);
  /** The window title: "• name — GainLab" with unsaved changes (the dirty marker of the issue). */
  const title = computed(() => {
    if (!entered.value || !summary.value) return 'GainLab';
    return `${summary.value.dirty ? '• ' : ''}${summary.value.name || 'Untitled'} — GainLab`;
  });
  /**
   * Web mode has no native save dialog: Save on a project without a file, and Save As, open this
   * in-page dialog with a suggested path on the server's disk (null while closed).
   */
  const saveDialog = ref<{ path: string } | null>(null);
  /**
   * Web mode's Open…: a browser's file picker hands over a copy of the bytes, never the file, so
   * Open… asks for the file's path on this computer (the project is then bound to it, as a
   * recent one is); uploading a copy stays possible (an unsaved copy).
   */
  const openDialog = ref<{ path: string } | null>(null);

  /** Open… as each mode can: the native dialog (Electron), or the path dialog (web mode). */
  async function openFileDialog(): Promise<void> {
    if (mode.value === 'electron') {
      await open();
      return;
    }
    const recentDir = recent.value?.[0]?.path.replace(/[\\/][^\\/]*$/, '');
    let dir = recentDir;
    if (!dir) {
      const suggested = await call(CHANNELS.projectSuggestPath, {}, { quiet: true });
      dir = suggested.ok ? suggested.value.path.replace(/[\\/][^\\/]*$/, '') : '';
    }
    openDialog.value = { path: dir ? `${dir}/` : '' };
  }

  // ---- unsaved changes (issue 4): ask before New / Open / Open recent / example / drop / Close ----
  /** The open question "Save changes to NAME?" (null while none is asked); UnsavedDialog shows it. */
  const unsavedPrompt = shallowRef<{ name: string } | null>(null);
  let answerPrompt: ((choice: UnsavedChoice) => void) | null = null;
  /** Resolves when the web-mode save dialog opened for "Save" closes: true once it saved. */
  let saveDialogWaiter: ((saved: boolean) => void) | null = null;
  watch(saveDialog, (dialog) => {
    // closed without saving (Cancel, Esc, a click beside it)
    if (dialog || !saveDialogWaiter) return;
    const waiter = saveDialogWaiter;
    saveDialogWaiter = null;
    waiter(false);
  });

  function answerUnsaved(choice: UnsavedChoice): void {
    const answer = answerPrompt;
    answerPrompt = null;
    unsavedPrompt.value = null;
    answer?.(choice);
  }

  /** Save before the project is replaced; Save As (native, or the web-mode dialog) when it has no file yet. */
  async function saveBeforeReplacing(): Promise<boolean> {
    if (mode.value === 'web' && !summary.value?.path) {
      const saved = new Promise<boolean>((resolve) => {
        saveDialogWaiter = resolve;
      });
      await openSaveDialog();
      return saved;
    }
    return (await save()) !== null;
  }

  /** Jobs of the open project that have not finished. */
  function runningJobsOfProject() {
    const jobs = useJobsStore();
    return jobs.jobs.filter((job) => job.projectId !== null && job.projectId === projectId.value && !isFinished(job));
  }

  /**
   * Jobs of the open project still running: keep them running (their results wait for the
   * project, offered when it is opened again), or cancel them (what they reached is added to the
   * project before it closes), or stay. True when the project may close.
   */
  async function confirmRunningJobs(): Promise<boolean> {
    const running = runningJobsOfProject();
    if (running.length === 0) return true;
    const name = summary.value?.name || 'Untitled';
    const choice = await useDialogsStore().ask({
      title: `${running.length} job${running.length === 1 ? '' : 's'} of “${name}” ${running.length === 1 ? 'is' : 'are'} still running`,
      text: 'Keep them running: their results are kept for this project and offered when you open it again. Or cancel them: what they reached is added to the project now.',
      items: running.map((job) => job.label),
      choices: [
        { id: 'keep', label: 'Keep them running', kind: 'primary' },
        { id: 'cancel-jobs', label: 'Cancel them', kind: 'secondary' },
        { id: 'stay', label: "Don't close", kind: 'ghost' },
      ],
    });
    if (choice === 'keep') return true;
    if (choice !== 'cancel-jobs') return false;
    const jobs = useJobsStore();
    await Promise.all(running.map((job) => jobs.cancel(job.jobId)));
    // a cancelled job stops within a fraction of a second; its partial result enters the project
    const deadline = Date.now() + 10_000;
    while (runningJobsOfProject().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    return true;
  }

  /**
   * Whether the open project may be replaced: its running jobs are settled first (keep or cancel),
   * then unsaved changes: saved (Save), let go (Don't save: its recovery copy is discarded too), or
   * Cancel. False when the user stays.
   */
  async function confirmReplace(): Promise<boolean> {
    // a project closed a moment ago: main has let it go before the next one replaces the empty one
    await lettingGo;
    if (!entered.value || !summary.value) return true;
    if (!(await confirmRunningJobs())) return false;
    if (!summary.value?.dirty) return true;
    if (answerPrompt) answerUnsaved('cancel'); // one question at a time
    const choice = await new Promise<UnsavedChoice>((resolve) => {
      answerPrompt = resolve;
      unsavedPrompt.value = { name: summary.value?.name || 'Untitled' };
    });
    if (choice === 'cancel') return false;
    if (choice === 'discard') {
      // the user let these changes go: their recovery copy goes too (nothing else removes it)
      await call(CHANNELS.projectDiscardRecovery, {}, { quiet: true });
      return true;
    }
    return saveBeforeReplacing();
  }

  /** Web mode: the browser's own "leave site?" warning while there are unsaved changes. */
  function onBeforeUnload(event: { preventDefault(): void; returnValue: unknown }): void {
    if (mode.value !== 'web' || !entered.value || !summary.value?.dirty) return;
    event.preventDefault();
    event.returnValue = '';
  }
  // ---- end unsaved changes ----

  function adopt(next: ProjectSummary, enter = true): void {
    if (summary.value && summary.value.project.id !== next.project.id) {
      fullNetworks.clear();
      fullItems.clear();
    }
    // an answer may arrive after a newer project:changed event: never go back in time
    if (summary.value && summary.value.project.id === next.project.id && next.revision < summary.value.revision) return;
    summary.value = next;
    if (enter) entered.value = true;
    const { networks: nets, targets: movements } = next.project;
    // after a reload (or reopening the project) the selection made last time, when it still exists
    const remembered = recall(next.project.id, 'selection') as { networkId?: unknown; targetId?: unknown } | undefined;
    if (!nets.some((net) => net.id === selectedNetworkId.value)) {
      selectedNetworkId.value = nets.find((net) => net.id === remembered?.networkId)?.id ?? nets[0]?.id ?? null;
    }
    if (!movements.some((t) => t.id === selectedTargetId.value)) {
      selectedTargetId.value = movements.find((t) => t.id === remembered?.targetId)?.id ?? preferredTarget(movements)?.id ?? null;
    }
  }

  // remember the selection per project, so a reload comes back to it
  watch([selectedNetworkId, selectedTargetId], ([networkId, targetId]) => {
    const id = summary.value?.project.id;
    if (id) remember(id, 'selection', { networkId, targetId });
  });

  /** Rename the project (an undoable operation in main). Empty or unchanged names are ignored. */
  async function rename(name: string): Promise<boolean> {
    const trimmed = name.trim();
    if (!trimmed || trimmed === summary.value?.name) return false;
    return !!(await update({ name: trimmed.slice(0, 200) }));
  }

  /** Replace the project's notes (undoable). */
  async function setNotes(notes: string): Promise<boolean> {
    if (notes === summary.value?.project.notes) return false;
    return !!(await update({ notes }));
  }

  async function withBusy<T>(what: string, work: () => Promise<T>): Promise<T> {
    busy.value = what;
    try {
      return await work();
    } finally {
      busy.value = null;
    }
  }

  async function init(): Promise<void> {
    if (unsubscribe.length === 0) {
      // (reached through globalThis: this store is also type-checked and unit-tested without the DOM)
      const win = (globalThis as { window?: UnloadTarget }).window;
      if (win) {
        win.addEventListener('beforeunload', onBeforeUnload);
        unsubscribe.push(() => win.removeEventListener('beforeunload', onBeforeUnload));
      }
      const t = transport();
      unsubscribe.push(
        t.on(EVENTS.projectChanged, (next) => adopt(next, entered.value)),
        // Electron's native menu (File → New/Open/Save/Save As…)
        t.on(EVENTS.menuCommand, ({ command }) => {
          if (command === 'new') void newProject();
          else if (command === 'open') void open();
          else if (command === 'save') void save();
          else if (command === 'saveAs') void saveAs();
          // Help menu: the renderer owns the help view
          else useHelpStore().show(command);
        }),
      );
    }
    const info = await call(CHANNELS.appInfo, {}, { quiet: true });
    if (info.ok) appInfo.value = info.value;
    // after a page reload, come back to the project main still has open
    const current = await call(CHANNELS.projectCurrent, {}, { quiet: true });
    if (current.ok && current.value.project.networks.length > 0) adopt(current.value);
    await refreshRecent();
    const recover = await call(CHANNELS.projectRecover, { restore: false }, { quiet: true });
    recovery.value =
      recover.ok && recover.value.available && recover.value.key
        ? { savedAt: recover.value.savedAt, name: recover.value.name ?? 'Untitled', key: recover.value.key }
        : null;
  }

  /** Restore a recovery copy (the one offered at start, or `key`: the open file's offered copy). */
  async function restoreRecovery(key?: string): Promise<boolean> {
    if (key === undefined && !(await confirmReplace())) return false;
    const answer = await call(CHANNELS.projectRecover, { restore: true, key: key ?? recovery.value?.key });
    recovery.value = null;
    if (!answer.ok || !answer.value.project) return false;
    adopt(answer.value.project);
    return true;
  }

  /** Not now: the copy stays on disk and is offered again next time. */
  function dismissRecovery(): void {
    recovery.value = null;
  }

  /** The user discards a recovery copy for good (it is deleted). */
  async function discardRecovery(key: string): Promise<void> {
    const answer = await call(CHANNELS.projectDiscardRecovery, { key });
    if (answer.ok && recovery.value?.key === key) recovery.value = null;
  }

  async function refreshRecent(): Promise<void> {
    const answer = await call(CHANNELS.projectRecent, {}, { quiet: true });
    recent.value = answer.ok ? answer.value : null;
  }

  async function loadExample(): Promise<boolean> {
    if (!(await confirmReplace())) return false;
    return withBusy('Loading the example project…', async () => {
      const answer = await call(CHANNELS.exampleLoad, {});
      if (!answer.ok) return false;
      adopt(answer.value);
      return true;
    });
  }

  async function newProject(): Promise<boolean> {
    if (!(await confirmReplace())) return false;
    const answer = await call(CHANNELS.projectNew, {});
    if (!answer.ok) return false;
    adopt(answer.value);
    return true;
  }

  /** Electron: without a path main shows the open dialog (closing it is not an error). */
  /** onRefused: main refused the file (not the user's cancel), after its message is shown. */
  async function open(path?: string, options: { onRefused?: () => void } = {}): Promise<boolean> {
    if (!(await confirmReplace())) return false;
    return withBusy('Opening the project…', async () => {
      const answer = await call(CHANNELS.projectOpen, path ? { path } : {}, { quiet: true });
      if (!answer.ok) {
        if (answer.error?.code !== 'cancelled') {
          useNotificationsStore().error(answer.text);
          options.onRefused?.();
        }
        return false;
      }
      adopt(answer.value);
      void refreshRecent();
      return true;
    });
  }

  /** Web mode: a file the user picked or dropped, sent as bytes. */
  async function importFile(fileName: string, bytes: Uint8Array): Promise<boolean> {
    if (!(await confirmReplace())) return false;
    return withBusy(`Opening ${fileName}…`, async () => {
      const answer = await call(CHANNELS.projectImport, { fileName, bytes });
      if (!answer.ok) return false;
      adopt(answer.value);
      return true;
    });
  }

  /** Web mode: main suggests a path on its disk (the project's file, next to the last one, or ~/GainLab). */
  async function openSaveDialog(): Promise<void> {
    const answer = await call(CHANNELS.projectSuggestPath, {}, { quiet: true });
    saveDialog.value = { path: answer.ok ? answer.value.path : summary.value?.path ?? `${summary.value?.name || 'Untitled'}.gainlab` };
  }

  /** Save to a path typed in the web-mode dialog (atomic on main; becomes the project's file). */
  async function saveTo(path: string): Promise<string | null> {
    const trimmed = path.trim();
    if (!trimmed) return null;
    const withExtension = /\.gainlab$/i.test(trimmed) ? trimmed : `${trimmed}.gainlab`;
    const answer = await call(CHANNELS.projectSaveAs, { path: withExtension }, { quiet: true });
    if (!answer.ok) {
      useNotificationsStore().error(answer.text);
      return null;
    }
    const waiter = saveDialogWaiter;
    saveDialogWaiter = null;
    waiter?.(true);
    saveDialog.value = null;
    useNotificationsStore().success(`Saved to ${answer.value.path}`);
    void refreshRecent();
    return answer.value.path;
  }

  async function save(): Promise<string | null> {
    if (mode.value === 'web' && !summary.value?.path) {
      await openSaveDialog();
      return null;
    }
    const answer = await call(CHANNELS.projectSave, {}, { quiet: true });
    if (!answer.ok) {
      if (answer.error?.code !== 'cancelled') useNotificationsStore().error(answer.text);
      return null;
    }
    useNotificationsStore().success(`Saved to ${answer.value.path}`);
    void refreshRecent();
    return answer.value.path;
  }

  async function saveAs(): Promise<string | null> {
    if (mode.value === 'web') {
      await openSaveDialog();
      return null;
    }
    const answer = await call(CHANNELS.projectSaveAs, {}, { quiet: true });
    if (!answer.ok) {
      if (answer.error?.code !== 'cancelled') useNotificationsStore().error(answer.text);
      return null;
    }
    useNotificationsStore().success(`Saved to ${answer.value.path}`);
    void refreshRecent();
    return answer.value.path;
  }

  async function exportBytes(): Promise<{ fileName: string; bytes: Uint8Array } | null> {
    const answer = await call(CHANNELS.projectExport, {});
    return answer.ok ? answer.value : null;
  }

  /** Turn a finished SOC job into a project network (readout fitted to a target when given) and show it. */
  async function addNetworkFromJob(options: {
    jobId: string;
    name?: string;
    initialConditions?: number;
    fitReadoutToTargetId?: string;
  }): Promise<boolean> {
    const before = new Set(networks.value.map((net) => net.id));
    const answer = await call(CHANNELS.projectUpdate, { addNetworkFromJob: options });
    if (!answer.ok) return false;
    adopt(answer.value);
    const added = answer.value.project.networks.find((net) => !before.has(net.id));
    if (added) selectedNetworkId.value = added.id;
    useNotificationsStore().success(`The network${added ? ` “${added.name}”` : ''} was added to the project.`);
    return true;
  }

  /** Add (or replace, same id) a target movement and show it. */
  async function upsertTarget(target: TargetMovement): Promise<boolean> {
    const answer = await call(CHANNELS.projectUpdate, { upsertTargets: [target] });
    if (!answer.ok) return false;
    adopt(answer.value);
    if (answer.value.project.targets.some((t) => t.id === target.id)) selectedTargetId.value = target.id;
    return true;
  }

  async function update(request: RequestOf<typeof CHANNELS.projectUpdate>): Promise<ProjectSummary | null> {
    const answer = await call(CHANNELS.projectUpdate, request);
    if (!answer.ok) return null;
    adopt(answer.value);
    return answer.value;
  }

  /** Rename an item, or change its notes (undoable). */
  async function editItem(item: ItemRef, change: { name?: string; notes?: string }): Promise<boolean> {
    const answer = await call(CHANNELS.projectEditItem, { item, ...change });
    if (!answer.ok) return false;
    adopt(answer.value);
    return true;
  }

  /**
   * Delete items after asking: what depends on them is named (runs that use a target, …) and
   * deleted with them only if the user says so; jobs still using them stop the deletion. The
   * toast offers Undo (so does Ctrl+Z).
   */
  async function removeItems(items: ItemRef[]): Promise<boolean> {
    if (items.length === 0) return false;
    const info = await call(CHANNELS.projectDependents, { items });
    if (!info.ok) return false;
    const dialogs = useDialogsStore();
    const what = info.value.items.length === 1 ? `${ITEM_NOUNS[info.value.items[0].collection]} “${info.value.items[0].name}”` : `${info.value.items.length} items`;
    if (info.value.runningJobs.length > 0) {
      await dialogs.ask({
        title: `“${info.value.runningJobs[0].label}” is still running`,
        text: `Running jobs use the ${what}. Cancel them, or let them finish, before you delete it.`,
        items: info.value.runningJobs.map((job) => job.label),
        choices: [{ id: 'ok', label: 'OK', kind: 'primary' }],
      });
      return false;
    }
    const dependents = info.value.dependents;
    const choice = await dialogs.ask({
      title: `Delete the ${what}?`,
      text:
        dependents.length > 0
          ? `${dependents.length} item${dependents.length === 1 ? '' : 's'} of the project depend${dependents.length === 1 ? 's' : ''} on it and will be deleted too. You can undo this.`
          : 'You can undo this.',
      items: dependents.map((d) => `${ITEM_NOUNS[d.collection]} “${d.name}”`),
      choices: [
        { id: 'delete', label: dependents.length > 0 ? `Delete ${dependents.length + info.value.items.length} items` : 'Delete', kind: 'danger' },
        { id: 'cancel', label: 'Cancel', kind: 'ghost' },
      ],
    });
    if (choice !== 'delete') return false;
    const answer = await call(CHANNELS.projectRemoveItems, { items, withDependents: dependents.length > 0 });
    if (!answer.ok) return false;
    adopt(answer.value);
    useNotificationsStore().info(`Deleted the ${what}${dependents.length > 0 ? ` and ${dependents.length} dependent item${dependents.length === 1 ? '' : 's'}` : ''}.`, {
      label: 'Undo',
      run: () => void undo(),
    });
    return true;
  }

  async function undo(): Promise<boolean> {
    if (!summary.value?.undo) return false;
    const label = summary.value.undo;
    const answer = await call(CHANNELS.projectUndo, {});
    if (!answer.ok) return false;
    adopt(answer.value);
    useNotificationsStore().info(`Undone: ${label}.`);
    return true;
  }

  async function redo(): Promise<boolean> {
    if (!summary.value?.redo) return false;
    const label = summary.value.redo;
    const answer = await call(CHANNELS.projectRedo, {});
    if (!answer.ok) return false;
    adopt(answer.value);
    useNotificationsStore().info(`Redone: ${label}.`);
    return true;
  }

  /** Add (or discard) results of jobs that finished while this project was closed. */
  async function resolvePending(action: 'add' | 'discard'): Promise<boolean> {
    const answer = await call(CHANNELS.projectPending, { action });
    if (!answer.ok) return false;
    adopt(answer.value);
    return true;
  }

  /** Add (or replace) a network, e.g. one imported from .npy files, and show it. */
  async function upsertNetwork(network: ProjectNetwork): Promise<boolean> {
    const next = await update({ upsertNetworks: [network] });
    if (!next) return false;
    if (next.project.networks.some((net) => net.id === network.id)) selectedNetworkId.value = network.id;
    return true;
  }

  /** Add a network from imported arrays (main computes its initial conditions off the UI thread) and show it. */
  async function importNetwork(spec: NonNullable<RequestOf<typeof CHANNELS.projectUpdate>['importNetwork']>): Promise<boolean> {
    const before = new Set(networks.value.map((net) => net.id));
    const next = await withBusy('Importing the network…', () => update({ importNetwork: spec }));
    if (!next) return false;
    const added = next.project.networks.find((net) => !before.has(net.id));
    if (added) selectedNetworkId.value = added.id;
    return true;
  }

  /** New Gramian initial conditions for a network and, with a target, its readout refitted to it by NNLS. */
  async function prepareNetwork(options: { networkId: string; initialConditions: number; fitReadoutToTargetId?: string }): Promise<boolean> {
    return withBusy('Preparing the network…', async () => !!(await update({ prepareNetwork: options })));
  }

  function removeTarget(id: string): Promise<boolean> {
    return removeItems([{ collection: 'targets', id }]);
  }

  function removeNetwork(id: string): Promise<boolean> {
    return removeItems([{ collection: 'networks', id }]);
  }

  /**
   * Main lets the closed project go (it holds an empty one): results of jobs kept running for it
   * then wait in its pending results (offered when it is opened again) instead of entering a
   * project nobody sees that the next Open would drop, its jobs are listed under it like any other
   * closed project's, and a reload stays on the welcome screen.
   */
  let lettingGo: Promise<unknown> = Promise.resolve();
  function letGo(): void {
    if (!summary.value) return;
    lettingGo = call(CHANNELS.projectNew, {}, { quiet: true }).then((answer) => {
      if (answer.ok && !entered.value) adopt(answer.value, false);
    });
  }

  /** Back to the welcome screen (after asking about unsaved changes). */
  function close(): Promise<boolean> {
    // nothing unsaved and nothing running: leave at once (synchronously, as before the question existed)
    if (!entered.value || (!summary.value?.dirty && runningJobsOfProject().length === 0)) {
      if (entered.value) letGo();
      entered.value = false;
      return Promise.resolve(true);
    }
    return confirmReplace().then((confirmed) => {
      if (confirmed) {
        letGo();
        entered.value = false;
      }
      return confirmed;
    });
  }

  return {
    summary,
    /** A summary main answered with (e.g. primitives:create-library): adopted unless a newer one is shown. */
    adoptSummary: (next: ProjectSummary) => adopt(next, entered.value),
    networks,
    targets,
    runs,
    libraries,
    experimentResults,
    projectId,
    canTrain,
    fullNetwork,
    fullRun,
    fullLibrary,
    fullResult,
    editItem,
    removeItems,
    undo,
    redo,
    resolvePending,
    discardRecovery,
    entered,
    selectedNetworkId,
    selectedTargetId,
    network,
    target,
    recent,
    appInfo,
    mode,
    dirty,
    title,
    saveDialog,
    openSaveDialog,
    openDialog,
    openFileDialog,
    unsavedPrompt,
    answerUnsaved,
    confirmReplace,
    saveTo,
    update,
    rename,
    setNotes,
    upsertNetwork,
    importNetwork,
    prepareNetwork,
    removeTarget,
    removeNetwork,
    busy,
    recovery,
    init,
    restoreRecovery,
    dismissRecovery,
    saveAs,
    refreshRecent,
    loadExample,
    newProject,
    open,
    importFile,
    save,
    exportBytes,
    upsertTarget,
    addNetworkFromJob,
    close,
  };
});
