/**
 * The open project of the app, owned by main and backed by files: implements `ProjectsApi`
 * (projectsApi.ts) with the ProjectService (projects.ts: atomic saves, the recent list, recovery
 * copies) and the results of jobs (pendingResults.ts).
 *
 * - The renderer gets a summary (src-shared/project/view.ts: no bulk arrays), computed once per
 *   change and answered as the same object until the next one, so `project:current` costs nothing.
 * - Every edit is an operation (src-shared/project/edits.ts), validated before it is accepted: a
 *   project in memory is always saveable. User edits go on an undo history; results that jobs
 *   deliver do not (undoing a later edit never takes a result away).
 * - A finished job's result goes to the project it belongs to (project.id): applied when that
 *   project is open, otherwise kept until it is opened again, where the user adds or discards it.
 * - Recovery copies: every minute while there are unsaved changes (failures are shown, never
 *   silent); a copy is removed only by a successful save of that project or the user's Discard.
 *
 * Errors leave as GainLabError with the IPC code of a ProjectFileError's category
 * ('bad-file' | 'io' | 'not-found') and its message (the sentence to show).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { GainLabError, type ProjectSummary, type ResponseOf } from '../../src-shared/ipc/contract.js';
import {
  applyEdit,
  dependentsOf,
  ITEM_NOUNS,
  itemName,
  reapplyEdit,
  removalOf,
  revertEdit,
  type AppliedEdit,
  type ItemRef,
  withoutHeldResults,
  type ProjectChanges,
} from '../../src-shared/project/edits.js';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import { projectFileStem } from '../../src-shared/project/fileName.js';
import { createEmptyProject, PROJECT_FILE_EXTENSION, type Project } from '../../src-shared/project/schema.js';
import { validateProject } from '../../src-shared/project/validate.js';
import { createProjectViewer } from '../../src-shared/project/view.js';
import type { AutosaveScheduler, RecoveryEntry, TimerFunctions } from './autosave.js';
import { PendingResults } from './pendingResults.js';
import { loadExampleProject, ProjectService, recoveryKey } from './projects.js';
import type { DeliveredResult, Delivery, ProjectsApi } from './projectsApi.js';

export interface FileProjectsOptions {
  service: ProjectService;
  /** Where results of jobs of closed projects wait (default `<configDir>/pending-results`). */
  pendingResults: PendingResults;
  onChange?: (summary: ProjectSummary) => void;
  /** Identifies this run's recovery copies; default random. */
  sessionId?: string;
  /** Autosave interval (default 60 s) and timers (tests inject fakes). */
  autosaveIntervalMs?: number;
  timers?: TimerFunctions;
  /** One line to the log (autosave failures, results kept for a closed project). Default console.error. */
  log?: (line: string) => void;
  /** Fallback example when resources/example/example.gainlab is not installed. */
  fallbackExample?: () => Project;
  /** The example to load instead of the shipped one (tests with a small network). */
  example?: () => Project;
  now?: () => Date;
  /** A new project identity (default 16 random hex characters). */
  newProjectId?: () => string;
  /** Undo steps kept (default 100). */
  historyLimit?: number;
}

export interface FileProjects extends ProjectsApi {
  /** Write the recovery copy now if dirty (e.g. before quitting with unsaved changes). */
  flushRecovery(): Promise<void>;
  /** Stop autosaving. With `discardRecovery` (a clean quit after saving or discarding changes) the copy is removed. */
  dispose(options?: { discardRecovery?: boolean }): Promise<void>;
  readonly autosave: AutosaveScheduler;
}

/** The name of a project nobody has named yet: Save As replaces it by the file's name. */
export const PLACEHOLDER_PROJECT_NAME = 'Untitled';

interface HistoryEntry {
  label: string;
  applied: Pick<AppliedEdit, 'items' | 'fields'>;
}

function asGainLabError(error: unknown): unknown {
  if (error instanceof ProjectFileError) return new GainLabError(error.category, error.message);
  return error;
}

async function translate<T>(task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    throw asGainLabError(error);
  }
}

/** Where GainLab keeps its settings outside Electron (web mode, CLI): $GAINLAB_CONFIG_DIR or the platform's config folder. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.GAINLAB_CONFIG_DIR) return env.GAINLAB_CONFIG_DIR;
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'GainLab');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'GainLab');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'gainlab');
}

/** "Delete target “Reach”", "Delete 3 items". */
function removalLabel(project: Project, items: readonly ItemRef[]): string {
  if (items.length === 1) return `Delete ${ITEM_NOUNS[items[0].collection]} “${itemName(project, items[0])}”`;
  return `Delete ${items.length} items`;
}

export function createFileProjects(options: FileProjectsOptions): FileProjects {
  const { service, pendingResults } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => console.error(line));
  const sessionId = options.sessionId ?? randomBytes(8).toString('hex');
  const newProjectId = options.newProjectId ?? (() => randomBytes(8).toString('hex'));
  const historyLimit = options.historyLimit ?? 100;
  const viewOf = createProjectViewer();

  let project: Project = createEmptyProject(PLACEHOLDER_PROJECT_NAME, now(), newProjectId());
  let filePath: string | null = null;
  let dirty = false;
  /**
   * Whether the project's name is one somebody chose: the user (any name they typed, also
   * "Untitled") or a file it came from. Only a project that is neither takes its file's name on
   * Save As: comparing the name with the placeholder alone renamed a project the user had named
   * "Untitled" on purpose.
   */
  let nameChosen = false;
  /** Grows with every change the renderer may want to see (the summary's revision). */
  let revision = 1;
  /** Grows with every change of the project's content: a save clears `dirty` only if none came in meanwhile. */
  let contentVersion = 0;
  let undoStack: HistoryEntry[] = [];
  let redoStack: HistoryEntry[] = [];
  let autosaveState: ProjectSummary['autosave'] = { state: 'idle', at: null, message: null };
  let pendingInfo: ProjectSummary['pending'] = null;
  let recoveryOffer: ProjectSummary['recoveryOffer'] = null;
  /** The recovery copy this document was restored from (another session's): removed by its first save. */
  let restoredFromKey: string | null = null;
  let summaryCache: ProjectSummary | null = null;

  const key = (): string => recoveryKey(filePath, sessionId);

  function summary(): ProjectSummary {
    // frozen: the web server reuses the encoding of a reply it has sent before (the same object)
    summaryCache ??= Object.freeze({
      path: filePath,
      name: project.name,
      dirty,
      revision,
      project: viewOf(project),
      undo: undoStack.at(-1)?.label ?? null,
      redo: redoStack.at(-1)?.label ?? null,
      autosave: autosaveState,
      pending: pendingInfo,
      recoveryOffer,
    });
    return summaryCache;
  }

  const changed = (): ProjectSummary => {
    revision++;
    summaryCache = null;
    const s = summary();
    options.onChange?.(s);
    return s;
  };

  function validated(next: Project): Project {
    try {
      validateProject(next);
    } catch (error) {
      throw new GainLabError('invalid-payload', `The change was not made: ${error instanceof Error ? error.message : String(error)}`);
    }
    return next;
  }

  async function refreshPending(): Promise<void> {
    const waiting = await pendingResults.list(project.id).catch(() => []);
    pendingInfo = waiting.length > 0 ? { count: waiting.length, labels: waiting.map((r) => r.label) } : null;
  }

  async function refreshRecoveryOffer(): Promise<void> {
    recoveryOffer = null;
    if (!filePath) return;
    const copies = (await service.recoveryCopiesOf(filePath).catch(() => [] as RecoveryEntry[])).filter((entry) => entry.key !== key());
    const newest = copies.sort((a, b) => b.savedAt - a.savedAt)[0];
    if (newest) recoveryOffer = { key: newest.key, savedAt: newest.savedAt, name: newest.name };
  }

  /**
   * Open another document. Nothing of the previous one is thrown away here: its recovery copy
   * stays until it is saved or the user discards it, and its jobs keep delivering to it.
   */
  async function replace(next: Project, nextPath: string | null, nextDirty: boolean): Promise<ProjectSummary> {
    project = next;
    filePath = nextPath;
    nameChosen = nextPath !== null || next.name !== PLACEHOLDER_PROJECT_NAME;
    dirty = nextDirty;
    contentVersion++;
    undoStack = [];
    redoStack = [];
    autosaveState = { state: 'idle', at: null, message: null };
    restoredFromKey = null;
    await Promise.all([refreshPending(), refreshRecoveryOffer()]);
    return changed();
  }

  function edit(changes: ProjectChanges, label: string | null): ProjectSummary {
    const applied = applyEdit(project, changes, now());
    if (applied.items.length === 0 && applied.fields.length === 0) return summary();
    project = validated(applied.project);
    dirty = true;
    contentVersion++;
    if (label !== null) {
      undoStack.push({ label, applied });
      if (undoStack.length > historyLimit) undoStack.shift();
      redoStack = [];
    }
    return changed();
  }

  /**
   * Saves in progress. No recovery copy is written meanwhile, and a save first waits for a copy
   * being written: a copy finished after the save had discarded this file's copies would outlive
   * the save and be offered again although the file holds the same work.
   */
  let saving = 0;
  async function whileSaving<T>(work: () => Promise<T>): Promise<T> {
    saving++;
    try {
      await autosave.settle();
      return await work();
    } finally {
      saving--;
    }
  }

  const autosave = service.createAutosave({
    intervalMs: options.autosaveIntervalMs,
    timers: options.timers,
    isDirty: () => dirty && saving === 0,
    current: () => (dirty && saving === 0 ? { project, key: key(), originalPath: filePath, sessionId } : null),
    onWritten: () => {
      autosaveState = { state: 'saved', at: Date.now(), message: null };
      changed();
    },
    onError: (error) => {
      const reason = error instanceof Error ? error.message : String(error);
      autosaveState = { state: 'failed', at: Date.now(), message: reason };
      log(`[autosave] the recovery copy of "${project.name}" could not be written: ${reason}`);
      changed();
    },
  });
  autosave.start();

  /** After a successful save: clean unless the project changed while it was being written. */
  function saved(savedPath: string, versionAtStart: number, savedProject: Project): void {
    filePath = savedPath;
    if (contentVersion === versionAtStart) {
      project = savedProject; // the same content with its new modifiedAt (and the file's name after a first Save As)
      dirty = false;
    }
    autosaveState = { state: 'idle', at: null, message: null };
    recoveryOffer = null;
  }

  async function discardRestoredCopy(): Promise<void> {
    if (restoredFromKey) await service.discardRecovery(restoredFromKey).catch(() => undefined);
    restoredFromKey = null;
  }

  return {
    autosave,
    current: summary,
    project: () => project,

    newProject: () => replace(createEmptyProject(PLACEHOLDER_PROJECT_NAME, now(), newProjectId()), null, false),

    open: (target) =>
      translate(async () => {
        const opened = await service.open(target);
        return replace(opened.project, opened.path, false);
      }),

    save: () =>
      translate(() =>
        whileSaving(async () => {
          if (!filePath) throw new GainLabError('not-found', 'The project has not been saved yet; choose a file name.');
          const versionAtStart = contentVersion;
          const result = await service.save(project, filePath);
          saved(result.path, versionAtStart, result.project);
          await discardRestoredCopy();
          changed();
          return { path: result.path };
        }),
      ),

    saveAs: (target) =>
      translate(() =>
        whileSaving(async () => {
          const previousKey = key();
          const versionAtStart = contentVersion;
          // a project nobody named yet takes the file's name ("fig1-fig6.gainlab" → "fig1-fig6"); a name the user gave stays
          const rename = !nameChosen && project.name === PLACEHOLDER_PROJECT_NAME;
          const result = await service.saveAs(project, target, { previousRecoveryKey: previousKey, rename });
          nameChosen = true;
          saved(result.path, versionAtStart, result.project);
          await discardRestoredCopy();
          changed();
          return { path: result.path };
        }),
      ),

    recent: () =>
      translate(async () => (await service.listRecent()).map(({ path: p, name, openedAt }) => ({ path: p, name, openedAt }))),

    recover: (restore, wanted) =>
      translate(async (): Promise<ResponseOf<'project:recover'>> => {
        const copies = await service.listRecoverable();
        const entry = wanted ? copies.find((c) => c.key === wanted) : copies.find((c) => c.key !== key() && c.sessionId !== sessionId);
        const none = { available: false, savedAt: null, name: null, key: null, originalPath: null, project: null };
        if (!entry) {
          if (wanted) throw new GainLabError('not-found', 'That recovery copy is no longer there.');
          return none;
        }
        const described = { available: true, savedAt: entry.savedAt, name: entry.name, key: entry.key, originalPath: entry.originalPath };
        if (!restore) return { ...described, project: null };
        const restored = await service.restoreRecovery(entry.key);
        await replace(restored.project, entry.originalPath, true);
        restoredFromKey = entry.key;
        recoveryOffer = null;
        // our own copy from now on (the restored one stays until this project is saved or it is discarded)
        await autosave.tick();
        return { ...described, project: changed() };
      }),

    async discardRecovery(wanted) {
      const target = wanted ?? key();
      const exists = (await service.listRecoverable()).some((c) => c.key === target);
      if (exists) await service.discardRecovery(target);
      if (recoveryOffer?.key === target) {
        recoveryOffer = null;
        changed();
      }
      return { discarded: exists };
    },

    async update(changes, label) {
      const edited = edit(changes, label);
      // after the edit: a name the edit refused is no choice
      if (changes.name !== undefined) nameChosen = true;
      return edited;
    },

    async removeItems(items, withDependents) {
      const dependents = dependentsOf(project, items);
      if (dependents.length > 0 && !withDependents) {
        const counts = new Map<string, number>();
        for (const d of dependents) counts.set(ITEM_NOUNS[d.collection], (counts.get(ITEM_NOUNS[d.collection]) ?? 0) + 1);
        const what = [...counts].map(([noun, count]) => `${count} ${noun}${count === 1 ? '' : 's'}`).join(', ');
        throw new GainLabError('invalid-payload', `${removalLabel(project, items)} would also delete ${what} that depend on it; confirm to delete them too.`);
      }
      const label = removalLabel(project, items);
      return edit(removalOf([...items, ...dependents]), label);
    },

    async undo() {
      const entry = undoStack.at(-1);
      if (!entry) throw new GainLabError('invalid-payload', 'There is nothing to undo.');
      project = validated(revertEdit(project, entry.applied, now()));
      undoStack.pop();
      redoStack.push(entry);
      dirty = true;
      contentVersion++;
      return changed();
    },

    async redo() {
      const entry = redoStack.at(-1);
      if (!entry) throw new GainLabError('invalid-payload', 'There is nothing to redo.');
      project = validated(reapplyEdit(project, entry.applied, now()));
      redoStack.pop();
      undoStack.push(entry);
      dirty = true;
      contentVersion++;
      return changed();
    },

    async deliver(result: DeliveredResult): Promise<Delivery> {
      if (result.projectId === project.id) {
        edit(withoutHeldResults(project, result.changes), null);
        return 'applied';
      }
      await pendingResults.add({ ...result, finishedAt: Date.now() });
      log(`[results] "${result.label}" finished after its project was closed; it waits for that project to be opened again.`);
      return 'pending';
    },

    pending: (action) =>
      translate(async () => {
        const waiting = await pendingResults.list(project.id);
        if (action === 'add') {
          // one edit per result, each validated: a result whose network or target is gone is refused and kept
          const added: string[] = [];
          const problems: string[] = [];
          for (const result of waiting) {
            try {
              edit(withoutHeldResults(project, result.changes), null);
              added.push(result.file);
            } catch (error) {
              problems.push(`“${result.label}”: ${error instanceof Error ? error.message : String(error)}`);
            }
          }
          await pendingResults.remove(added);
          await refreshPending();
          if (problems.length > 0) {
            changed();
            throw new GainLabError('invalid-payload', `${problems.length} result(s) could not be added and are kept: ${problems.join('; ')}`);
          }
        } else {
          await pendingResults.remove(waiting.map((r) => r.file));
          await refreshPending();
        }
        return changed();
      }),

    importBytes: (fileName, bytes) =>
      translate(async () => replace((await service.openBytes(bytes, fileName)).project, null, true)),

    exportBytes: () =>
      translate(async () => {
        return { fileName: projectFileStem(project.name) + PROJECT_FILE_EXTENSION, bytes: await service.encode(project) };
      }),

    loadExample: () =>
      translate(async () => {
        let example: Project;
        try {
          example = options.example ? options.example() : (await loadExampleProject(service)).project;
        } catch (error) {
          if (!(error instanceof ProjectFileError && error.code === 'not-found' && options.fallbackExample)) throw error;
          example = options.fallbackExample();
        }
        // every load is a fresh copy: its own identity, so no result of an earlier copy lands in it
        return replace({ ...example, id: newProjectId() }, null, false);
      }),

    flushRecovery: () => autosave.tick(),

    async dispose(disposeOptions = {}) {
      autosave.stop();
      if (disposeOptions.discardRecovery) await service.discardRecovery(key()).catch(() => undefined);
    },
  };
}
