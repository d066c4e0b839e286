/**
 * The projects service: opening and saving .gainlab files, the recent-projects list and the
 * autosave recovery copies. Plain Node with its dependencies passed in (file-system functions,
 * clock, config directory), so the Electron main process, the web server, the CLI and the tests
 * share it. The file format itself lives in src-shared/project (archive.ts).
 *
 * Guarantees:
 * - save() is atomic: the new file is written to a temp file in the same directory, fsynced,
 *   renamed over the target and the directory fsynced; if anything fails (a full disk, the process
 *   dying before the rename) the previous file is untouched and no half file is at the target path.
 * - A file written by a newer GainLab (newer format version) is never overwritten: save() to its
 *   path fails with code 'newer-version'.
 * - Every failure is a ProjectFileError whose message is the sentence to show the user;
 *   `error.category` is the IPC error code ('bad-file' | 'io' | 'not-found').
 * - Paths are checked first (pathSafety.ts): only regular files are opened (folders, devices and
 *   FIFOs are refused without opening them) and read with a size cap; saving goes only to a
 *   regular file or a new name in an existing, writable folder; temp files left by interrupted
 *   saves of a file are removed before each save of it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readProjectVersion } from '../../src-shared/project/archive.js';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import { PROJECT_FILE_EXTENSION, PROJECT_SCHEMA_VERSION, type Project } from '../../src-shared/project/schema.js';
import { AutosaveScheduler, RecoveryStore, filePrefix, type AutosaveOptions, type RecoveryEntry } from './autosave.js';
import { checkPathText, checkSaveTarget, isTempFileOf, refuseFolderAsFileName } from './pathSafety.js';
import { inlineProjectCodec, type ProjectCodec } from './projectCodec.js';
import { ioError, isMissingFileError, nodeProjectFs, writeFileAtomic, type ProjectFs } from './projectFs.js';
import { RecentProjects, type RecentProject } from './recentProjects.js';

export type { ProjectFs } from './projectFs.js';
export type { RecentProject } from './recentProjects.js';
export type { RecoveryEntry } from './autosave.js';
export { recoveryKey, filePrefix } from './autosave.js';
export { cleanStaleTemps, ensureSaveFolder } from './pathSafety.js';

export interface ProjectServiceDeps {
  /** Where recent-projects.json and recovery/ live (e.g. Electron's app.getPath('userData')). */
  configDir: string;
  fs?: ProjectFs;
  /** ms since the epoch; default Date.now. */
  now?: () => number;
  /** Written into project.json (writtenBy.version). */
  appVersion?: string;
  /** Random suffix for temp files (tests make it deterministic). */
  random?: () => string;
  /** Encoding/decoding of .gainlab bytes; the app passes a worker-thread codec (projectCodec.ts). */
  codec?: ProjectCodec;
}

export interface OpenedProject {
  project: Project;
  path: string;
  /** The file's format version (older versions were migrated in memory; the file is unchanged). */
  fromVersion: number;
  writtenBy: string | null;
  sizeBytes: number;
  /** Zip entries project.json does not reference (never read; not part of the project). */
  ignoredEntries: string[];
}

export interface SavedProject {
  /** The project as saved (modifiedAt updated; the argument is not mutated). */
  project: Project;
  path: string;
  sizeBytes: number;
}

/** Ensure the .gainlab extension (a save dialog may return a name without it). */
export function withProjectExtension(file: string): string {
  return file.toLowerCase().endsWith(PROJECT_FILE_EXTENSION) ? file : `${file}${PROJECT_FILE_EXTENSION}`;
}

/** "Reach study" from "/home/me/Reach study.gainlab". */
export function projectNameFromPath(file: string): string {
  const base = path.basename(file);
  return base.toLowerCase().endsWith(PROJECT_FILE_EXTENSION) ? base.slice(0, -PROJECT_FILE_EXTENSION.length) : base;
}

export class ProjectService {
  readonly fs: ProjectFs;
  readonly recents: RecentProjects;
  readonly recovery: RecoveryStore;
  readonly codec: ProjectCodec;
  private readonly now: () => number;
  private readonly savesInFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: ProjectServiceDeps) {
    this.fs = deps.fs ?? nodeProjectFs();
    this.now = deps.now ?? Date.now;
    this.codec = deps.codec ?? inlineProjectCodec();
    this.recents = new RecentProjects({ fs: this.fs, configDir: deps.configDir, now: this.now });
    this.recovery = new RecoveryStore({ fs: this.fs, configDir: deps.configDir, now: this.now, appVersion: deps.appVersion, codec: this.codec });
  }

  /** Read and decode a project file; adds it to the recent list. */
  async open(file: string, options: { addToRecent?: boolean } = {}): Promise<OpenedProject> {
    const opened = await this.read(file);
    if (options.addToRecent ?? true) await this.recents.add(opened.path, opened.project.name).catch(() => undefined);
    return opened;
  }

  /** open() without touching the recent list (inspect, example, tests). */
  async read(file: string): Promise<OpenedProject> {
    checkPathText(file, 'open');
    const resolved = path.resolve(file);
    let bytes: Uint8Array;
    try {
      bytes = await this.fs.readFile(resolved);
    } catch (error) {
      // a folder, device or FIFO, or a file over the size cap: already worded
      if (error instanceof ProjectFileError) throw error.withFileName(path.basename(resolved));
      throw ioError('open', resolved, error);
    }
    const sizeBytes = bytes.length;
    const decoded = await this.codec.decode(bytes, path.basename(resolved));
    return { ...decoded, path: resolved, sizeBytes };
  }

  /** Decode bytes (web-mode upload, drag and drop). */
  openBytes(bytes: Uint8Array, fileName: string): Promise<{ project: Project; fromVersion: number; writtenBy: string | null; ignoredEntries: string[] }> {
    return this.codec.decode(bytes, fileName);
  }

  /** The .gainlab bytes of a project (web-mode download). */
  encode(project: Project): Promise<Uint8Array> {
    return this.codec.encode(project, { appVersion: this.deps.appVersion });
  }

  /**
   * Save atomically to `file` (the .gainlab extension is added if missing). Refuses to overwrite a
   * file from a newer GainLab. Adds the file to the recent list and discards its recovery copy.
   */
  save(project: Project, file: string): Promise<SavedProject> {
    try {
      checkPathText(file, 'save'); // before the extension is added: "dir/" must not become "dir/.gainlab"
    } catch (error) {
      return Promise.reject(error);
    }
    const target = path.resolve(withProjectExtension(file));
    // One save per file at a time (a double-clicked Save must not race its own temp-file cleanup).
    const previous = this.savesInFlight.get(target) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.saveNow(project, target, file));
    const settled = next.catch(() => undefined);
    this.savesInFlight.set(target, settled);
    void settled.then(() => {
      if (this.savesInFlight.get(target) === settled) this.savesInFlight.delete(target);
    });
    return next;
  }

  private async saveNow(project: Project, target: string, typed: string): Promise<SavedProject> {
    const fileName = path.basename(target);
    await checkSaveTarget(target, typed);
    await this.removeStaleTemps(target);
    await this.refuseNewerFile(target);
    const saved: Project = { ...project, modifiedAt: new Date(this.now()).toISOString() };
    const bytes = await this.codec.encode(saved, { appVersion: this.deps.appVersion });
    const existed = await this.fs.exists(target);
    try {
      await writeFileAtomic(this.fs, target, bytes, this.deps.random);
    } catch (error) {
      throw ioError(
        'save',
        target,
        error,
        existed ? 'The previous version of the file is unchanged.' : 'Nothing was written.',
      ).withFileName(fileName);
    }
    await this.recents.add(target, saved.name).catch(() => undefined);
    // the work is safe in the file now: every recovery copy of it goes, whichever session wrote it
    await this.discardRecoveryOf(target);
    return { project: saved, path: target, sizeBytes: bytes.length };
  }

  /**
   * Save under a new path. The project keeps its name unless `rename` is set (then it is named
   * after the file). `previousRecoveryKey` (the key the autosave used so far) is discarded.
   */
  async saveAs(
    project: Project,
    file: string,
    options: { rename?: boolean; previousRecoveryKey?: string } = {},
  ): Promise<SavedProject> {
    await refuseFolderAsFileName(file);
    const target = withProjectExtension(file);
    const named = options.rename ? { ...project, name: projectNameFromPath(target) } : project;
    const saved = await this.save(named, target);
    if (options.previousRecoveryKey) await this.recovery.discard(options.previousRecoveryKey).catch(() => undefined);
    return saved;
  }

  /**
   * Temp files of this target left by saves that died before their rename (best effort; saves of
   * one file run one at a time, so none of them is in progress).
   */
  private async removeStaleTemps(target: string): Promise<void> {
    const base = path.basename(target);
    try {
      for (const name of await this.fs.readdir(path.dirname(target))) {
        if (isTempFileOf(base, name)) await this.fs.unlink(path.join(path.dirname(target), name)).catch(() => undefined);
      }
    } catch {
      // Listing the folder is not essential to saving.
    }
  }

  private async refuseNewerFile(target: string): Promise<void> {
    let existing: Uint8Array;
    try {
      existing = await this.fs.readFile(target);
    } catch (error) {
      if (isMissingFileError(error)) return;
      throw ioError('save', target, error, 'Nothing was written.');
    }
    let version: number;
    try {
      version = readProjectVersion(existing).version;
    } catch {
      // Not a readable GainLab file: the user chose to replace it.
      return;
    }
    if (version > PROJECT_SCHEMA_VERSION) {
      throw new ProjectFileError(
        'newer-version',
        `will not overwrite this file: it was saved by a newer GainLab (file format ${version}; this GainLab writes format ${PROJECT_SCHEMA_VERSION}). ` +
          'Update GainLab, or use Save As to save under another name.',
        { fileName: path.basename(target) },
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Recent projects
  // -------------------------------------------------------------------------------------------

  /** Most recent first, at most 10, missing files dropped. */
  listRecent(): Promise<RecentProject[]> {
    return this.recents.list();
  }

  forgetRecent(file: string): Promise<RecentProject[]> {
    return this.recents.remove(path.resolve(file));
  }

  // -------------------------------------------------------------------------------------------
  // Recovery copies
  // -------------------------------------------------------------------------------------------

  /** Write the recovery copy of a dirty project. `key` from recoveryKey(path, sessionId). */
  writeRecovery(project: Project, key: string, originalPath: string | null, sessionId: string): Promise<RecoveryEntry> {
    return this.recovery.write(key, project, originalPath, sessionId);
  }

  /** Every recovery copy of the file at `target` (all sessions). */
  async recoveryCopiesOf(target: string): Promise<RecoveryEntry[]> {
    const prefix = filePrefix(target);
    return (await this.recovery.list()).filter((entry) => entry.key.startsWith(prefix));
  }

  private async discardRecoveryOf(target: string): Promise<void> {
    for (const entry of await this.recoveryCopiesOf(target).catch(() => [])) await this.recovery.discard(entry.key).catch(() => undefined);
  }

  /** Recovery copies left by earlier sessions (newest first): offer them on start. */
  listRecoverable(): Promise<RecoveryEntry[]> {
    return this.recovery.list();
  }

  /** The project of a recovery copy (the copy stays until discarded or the project is saved). */
  restoreRecovery(key: string): Promise<{ project: Project; entry: RecoveryEntry }> {
    return this.recovery.restore(key);
  }

  discardRecovery(key: string): Promise<void> {
    return this.recovery.discard(key);
  }

  /**
   * An autosave scheduler: every `intervalMs` (default 60 s) while `isDirty()`, writes the recovery
   * copy of `current()` under its key. Call start() when a project is opened, stop() on close.
   */
  createAutosave(
    options: Omit<AutosaveOptions, 'write'> & {
      current: () => { project: Project; key: string; originalPath: string | null; sessionId: string } | null;
    },
  ): AutosaveScheduler {
    return new AutosaveScheduler({
      ...options,
      write: async () => {
        const current = options.current();
        if (current) await this.writeRecovery(current.project, current.key, current.originalPath, current.sessionId);
      },
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The shipped example project
// ---------------------------------------------------------------------------------------------

export const EXAMPLE_PROJECT_RELATIVE_PATH = path.join('resources', 'example', 'example.gainlab');

/**
 * Where the shipped example project is: $GAINLAB_EXAMPLE_PROJECT, then `<resourcesPath>/example/example.gainlab`
 * and `<resourcesPath>/resources/example/example.gainlab` (packaged Electron app), then
 * `resources/example/example.gainlab` in this file's directory or any parent (source checkout,
 * tsx, and the electron-vite build in out/). Null if none exists.
 */
export function exampleProjectPath(
  options: { env?: NodeJS.ProcessEnv; resourcesPath?: string; fromUrl?: string } = {},
): string | null {
  const env = options.env ?? process.env;
  const resourcesPath = options.resourcesPath ?? (process as { resourcesPath?: string }).resourcesPath;
  const candidates: string[] = [];
  if (env.GAINLAB_EXAMPLE_PROJECT) candidates.push(env.GAINLAB_EXAMPLE_PROJECT);
  if (resourcesPath) {
    candidates.push(path.join(resourcesPath, 'example', 'example.gainlab'));
    candidates.push(path.join(resourcesPath, EXAMPLE_PROJECT_RELATIVE_PATH));
  }
  let dir = path.dirname(fileURLToPath(options.fromUrl ?? import.meta.url));
  for (let up = 0; up < 6; up++) {
    candidates.push(path.join(dir, EXAMPLE_PROJECT_RELATIVE_PATH));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  candidates.push(path.resolve(process.cwd(), EXAMPLE_PROJECT_RELATIVE_PATH));
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}

/**
 * Load the shipped example project (not added to the recent list; the app should treat it as an
 * unsaved copy so "Save" asks for a new path). Throws ProjectFileError('not-found') if it is missing.
 */
export async function loadExampleProject(
  service: ProjectService,
  options: Parameters<typeof exampleProjectPath>[0] = {},
): Promise<OpenedProject> {
  const file = exampleProjectPath(options);
  if (!file) {
    throw new ProjectFileError('not-found', `the example project (${EXAMPLE_PROJECT_RELATIVE_PATH}) is not installed`);
  }
  return service.read(file);
}
