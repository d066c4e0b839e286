/**
 * The open project as main reports it (networks, targets, stored runs) and which network and
 * target the workspace shows. Main owns the project; this store only mirrors it and follows
 * project:changed. Project-file channels belong to the projects service: when one answers with
 * an error the store says so once and hides what depends on it (e.g. the recent list).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { CHANNELS, EVENTS, type ProjectSummary, type RequestOf, type ResponseOf } from '../../src-shared/ipc/contract.js';
import type { ProjectNetwork, TargetMovement } from '../../src-shared/project/schema.js';
import { networkPayloadOf, targetPayloadOf } from '../lib/payloads.js';
import { call, transport } from './api.js';
import { useNotificationsStore } from './notifications.js';

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
  const recovery = shallowRef<{ savedAt: number | null; name: string } | null>(null);
  let unsubscribe: (() => void)[] = [];

  const networks = computed<ProjectNetwork[]>(() => summary.value?.project.networks ?? []);
  const targets = computed<TargetMovement[]>(() => summary.value?.project.targets ?? []);
  const network = computed<ProjectNetwork | null>(
    () => networks.value.find((net) => net.id === selectedNetworkId.value) ?? null,
  );
  const target = computed<TargetMovement | null>(
    () => targets.value.find((t) => t.id === selectedTargetId.value) ?? null,
  );
  /** What simulate:run and training send (null while the network has no readout). */
  const networkPayload = computed(() => (network.value ? networkPayloadOf(network.value) : null));
  const targetPayload = computed(() => (target.value ? targetPayloadOf(target.value) : null));
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

  /**
   * Whether the open project may be replaced: true when it has no unsaved changes, or the user
   * saved it (Save) or let them go (Don't save); false on Cancel or when saving did not happen.
   */
  async function confirmReplace(): Promise<boolean> {
    if (!entered.value || !summary.value?.dirty) return true;
    if (answerPrompt) answerUnsaved('cancel'); // one question at a time
    const choice = await new Promise<UnsavedChoice>((resolve) => {
      answerPrompt = resolve;
      unsavedPrompt.value = { name: summary.value?.name || 'Untitled' };
    });
    if (choice === 'cancel') return false;
    if (choice === 'discard') return true;
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
    summary.value = next;
    if (enter) entered.value = true;
    const { networks: nets, targets: movements } = next.project;
    if (!nets.some((net) => net.id === selectedNetworkId.value)) {
      selectedNetworkId.value = nets[0]?.id ?? null;
    }
    if (!movements.some((t) => t.id === selectedTargetId.value)) {
      selectedTargetId.value = preferredTarget(movements)?.id ?? null;
    }
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
          else void saveAs();
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
      recover.ok && recover.value.available
        ? { savedAt: recover.value.savedAt, name: recover.value.project?.name ?? 'Untitled' }
        : null;
  }

  async function restoreRecovery(): Promise<boolean> {
    const answer = await call(CHANNELS.projectRecover, { restore: true });
    recovery.value = null;
    if (!answer.ok || !answer.value.project) return false;
    adopt(answer.value.project);
    return true;
  }

  function dismissRecovery(): void {
    recovery.value = null;
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
  async function open(path?: string): Promise<boolean> {
    if (!(await confirmReplace())) return false;
    return withBusy('Opening the project…', async () => {
      const answer = await call(CHANNELS.projectOpen, path ? { path } : {}, { quiet: true });
      if (!answer.ok) {
        if (answer.error?.code !== 'cancelled') useNotificationsStore().error(answer.text);
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

  async function keepRun(jobId: string): Promise<boolean> {
    const answer = await call(CHANNELS.projectUpdate, { addRunFromJob: { jobId } });
    if (!answer.ok) return false;
    adopt(answer.value);
    useNotificationsStore().success('The run was added to the project.');
    return true;
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

  /** Add (or replace) a network, e.g. one imported from .npy files, and show it. */
  async function upsertNetwork(network: ProjectNetwork): Promise<boolean> {
    const next = await update({ upsertNetworks: [network] });
    if (!next) return false;
    if (next.project.networks.some((net) => net.id === network.id)) selectedNetworkId.value = network.id;
    return true;
  }

  /** New Gramian initial conditions for a network and, with a target, its readout refitted to it by NNLS. */
  async function prepareNetwork(options: { networkId: string; initialConditions: number; fitReadoutToTargetId?: string }): Promise<boolean> {
    return withBusy('Preparing the network…', async () => !!(await update({ prepareNetwork: options })));
  }

  async function removeTarget(id: string): Promise<boolean> {
    return !!(await update({ removeTargetIds: [id] }));
  }

  async function removeNetwork(id: string): Promise<boolean> {
    return !!(await update({ removeNetworkIds: [id] }));
  }

  /** Back to the welcome screen (after asking about unsaved changes). */
  function close(): Promise<boolean> {
    // nothing unsaved: leave at once (synchronously, as before the question existed)
    if (!entered.value || !summary.value?.dirty) {
      entered.value = false;
      return Promise.resolve(true);
    }
    return confirmReplace().then((confirmed) => {
      if (confirmed) entered.value = false;
      return confirmed;
    });
  }

  return {
    summary,
    networks,
    targets,
    networkPayload,
    targetPayload,
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
    unsavedPrompt,
    answerUnsaved,
    confirmReplace,
    saveTo,
    update,
    upsertNetwork,
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
    keepRun,
    upsertTarget,
    addNetworkFromJob,
    close,
  };
});
