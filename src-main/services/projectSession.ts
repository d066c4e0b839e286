/**
 * The open-project session of the app, backed by files: implements the IPC handlers' `ProjectsApi`
 * (projectsApi.ts) with the ProjectService (projects.ts) — atomic saves, the recent list, autosave
 * recovery copies every minute while dirty, recovery after a crash, and the shipped example.
 * Wire it with `createAppContext({ createProjects: (hub) => createFileProjects({ ... onChange: (s) =>
 * hub.emit('project:changed', s) }) })`.
 *
 * Errors leave as GainLabError with the IPC code of the ProjectFileError's category
 * ('bad-file' | 'io' | 'not-found') and its message (the sentence to show).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { GainLabError, type ProjectSummary, type ResponseOf } from '../../src-shared/ipc/contract.js';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import { createEmptyProject, PROJECT_FILE_EXTENSION, type Project } from '../../src-shared/project/schema.js';
import type { AutosaveScheduler, TimerFunctions } from './autosave.js';
import { applyProjectChanges, type ProjectChanges, type ProjectsApi } from './projectsApi.js';
import { loadExampleProject, ProjectService, recoveryKey } from './projects.js';

export interface FileProjectsOptions {
  service: ProjectService;
  onChange?: (summary: ProjectSummary) => void;
  /** Identifies this run's unsaved-project recovery copy; default random. */
  sessionId?: string;
  /** Autosave interval (default 60 s) and timers (tests inject fakes). */
  autosaveIntervalMs?: number;
  timers?: TimerFunctions;
  /** Called when an autosave fails (e.g. a full disk); the session keeps running. */
  onAutosaveError?: (error: unknown) => void;
  /** Fallback example when resources/example/example.gainlab is not installed. */
  fallbackExample?: () => Project;
  now?: () => Date;
}

export interface FileProjects extends ProjectsApi {
  /** Drop the newest recovery copy left by an earlier session (the user declined to restore it). */
  discardRecovery(): Promise<void>;
  /** Write the recovery copy now if dirty (e.g. before quitting with unsaved changes). */
  flushRecovery(): Promise<void>;
  /** Stop autosaving. With `discardRecovery` (a clean quit after saving or discarding changes) the copy is removed. */
  dispose(options?: { discardRecovery?: boolean }): Promise<void>;
  readonly autosave: AutosaveScheduler;
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

export function createFileProjects(options: FileProjectsOptions): FileProjects {
  const { service } = options;
  const now = options.now ?? (() => new Date());
  const sessionId = options.sessionId ?? randomBytes(8).toString('hex');
  let project: Project = createEmptyProject('Untitled', now());
  let filePath: string | null = null;
  let dirty = false;

  const key = (): string => recoveryKey(filePath, sessionId);
  const summary = (): ProjectSummary => ({ path: filePath, name: project.name, dirty, project });
  const changed = (): ProjectSummary => {
    const s = summary();
    options.onChange?.(s);
    return s;
  };
  /** Replace the open document; the previous one's recovery copy goes (its changes were given up). */
  const replace = async (next: Project, nextPath: string | null, nextDirty: boolean): Promise<ProjectSummary> => {
    const previousKey = key();
    project = next;
    filePath = nextPath;
    dirty = nextDirty;
    if (previousKey !== key()) await service.discardRecovery(previousKey).catch(() => undefined);
    return changed();
  };

  const autosave = service.createAutosave({
    intervalMs: options.autosaveIntervalMs,
    timers: options.timers,
    isDirty: () => dirty,
    current: () => (dirty ? { project, key: key(), originalPath: filePath } : null),
    onError: options.onAutosaveError,
  });
  autosave.start();

  const newestRecoverable = async () => (await service.listRecoverable()).find((entry) => entry.key !== key()) ?? null;

  return {
    autosave,
    current: summary,
    project: () => project,

    newProject: () => replace(createEmptyProject('Untitled', now()), null, false),

    open: (target) =>
      translate(async () => {
        const opened = await service.open(target);
        return replace(opened.project, opened.path, false);
      }),

    save: () =>
      translate(async () => {
        if (!filePath) throw new GainLabError('not-found', 'The project has not been saved yet; choose a file name.');
        const saved = await service.save(project, filePath);
        project = saved.project;
        dirty = false;
        changed();
        return { path: saved.path };
      }),

    saveAs: (target) =>
      translate(async () => {
        const previousKey = key();
        const saved = await service.saveAs(project, target, { previousRecoveryKey: previousKey });
        project = saved.project;
        filePath = saved.path;
        dirty = false;
        changed();
        return { path: saved.path };
      }),

    recent: () =>
      translate(async () => (await service.listRecent()).map(({ path: p, name, openedAt }) => ({ path: p, name, openedAt }))),

    recover: (restore) =>
      translate(async (): Promise<ResponseOf<'project:recover'>> => {
        const entry = await newestRecoverable();
        if (!entry) return { available: false, savedAt: null, project: null };
        if (!restore) return { available: true, savedAt: entry.savedAt, project: null };
        const restored = await service.restoreRecovery(entry.key);
        const s = await replace(restored.project, entry.originalPath, true);
        // Adopt the copy: write ours (same key for a file-backed project), then drop an older unsaved one.
        await service.writeRecovery(project, key(), filePath);
        if (entry.key !== key()) await service.discardRecovery(entry.key).catch(() => undefined);
        return { available: true, savedAt: entry.savedAt, project: s };
      }),

    async discardRecovery() {
      const entry = await newestRecoverable();
      if (entry) await service.discardRecovery(entry.key);
    },

    async update(changes: ProjectChanges) {
      project = applyProjectChanges(project, changes, now());
      dirty = true;
      return changed();
    },

    importBytes: (fileName, bytes) =>
      translate(async () => replace(service.openBytes(bytes, fileName).project, null, true)),

    exportBytes: () =>
      translate(async () => {
        const base = project.name.replace(/[^A-Za-z0-9 ._-]+/g, '').trim() || 'project';
        return { fileName: base + PROJECT_FILE_EXTENSION, bytes: service.encode(project) };
      }),

    loadExample: () =>
      translate(async () => {
        try {
          const example = await loadExampleProject(service);
          return replace(example.project, null, false);
        } catch (error) {
          if (error instanceof ProjectFileError && error.code === 'not-found' && options.fallbackExample) {
            return replace(options.fallbackExample(), null, false);
          }
          throw error;
        }
      }),

    flushRecovery: () => autosave.tick(),

    async dispose(disposeOptions = {}) {
      autosave.stop();
      if (disposeOptions.discardRecovery) await service.discardRecovery(key()).catch(() => undefined);
    },
  };
}
