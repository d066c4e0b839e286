/**
 * Recovery copies: while a project has unsaved changes, GainLab writes a full copy of it every
 * minute to `<configDir>/recovery/<key>.gainlab` (atomically, like a save) with a small
 * `<key>.json` beside it (which file it belongs to, its name, when it was written). A clean save
 * of that project, or the user's explicit Discard, removes it — nothing else does (switching
 * projects, closing, restarting keep it); after a crash the next start lists what can be restored,
 * and opening a file that has a copy from an earlier session offers it.
 *
 * The key names the document and the session that wrote it: `file-<hash of the path>-<session>`
 * for a project that has a file, `unsaved-<session>` for one that never had a file. A new session
 * never overwrites an earlier session's copy of the same file.
 */
import path from 'node:path';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import type { Project } from '../../src-shared/project/schema.js';
import type { ProjectCodec } from './projectCodec.js';
import { ioError, writeFileAtomic, type ProjectFs } from './projectFs.js';

export const RECOVERY_DIR_NAME = 'recovery';
export const AUTOSAVE_INTERVAL_MS = 60_000;

export interface RecoveryEntry {
  key: string;
  /** The project's own file, or null if it was never saved. */
  originalPath: string | null;
  name: string;
  /** ms since the epoch */
  savedAt: number;
  /** The recovery copy itself. */
  file: string;
  /** The session that wrote it ('' for copies of older GainLab versions). */
  sessionId: string;
  /** The project's identity (project.id), when known. */
  projectId: string | null;
}

/** FNV-1a (32-bit) of the path: a short stable file-name-safe key. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function safeSession(sessionId: string): string {
  return sessionId.replace(/[^A-Za-z0-9_]/g, '').slice(0, 64) || 'session';
}

export function recoveryKey(originalPath: string | null, sessionId: string): string {
  if (originalPath) return `${filePrefix(originalPath)}${safeSession(sessionId)}`;
  return `unsaved-${safeSession(sessionId)}`;
}

/** Every recovery key of this file starts with this, whatever session wrote it. */
export function filePrefix(originalPath: string): string {
  return `file-${fnv1a(path.resolve(originalPath))}-`;
}

export interface RecoveryStoreDeps {
  fs: ProjectFs;
  configDir: string;
  now: () => number;
  appVersion?: string;
  /** Encodes off the main thread in the app (projectCodec.ts). */
  codec: ProjectCodec;
}

export class RecoveryStore {
  readonly dir: string;

  constructor(private readonly deps: RecoveryStoreDeps) {
    this.dir = path.join(deps.configDir, RECOVERY_DIR_NAME);
  }

  private files(key: string): { archive: string; meta: string } {
    if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new RangeError(`bad recovery key "${key}"`);
    return { archive: path.join(this.dir, `${key}.gainlab`), meta: path.join(this.dir, `${key}.json`) };
  }

  /** Write (replace) the recovery copy for `key`. */
  async write(key: string, project: Project, originalPath: string | null, sessionId: string): Promise<RecoveryEntry> {
    const { archive, meta } = this.files(key);
    const bytes = await this.deps.codec.encode(project, { appVersion: this.deps.appVersion, level: 1 });
    const entry: RecoveryEntry = { key, originalPath, name: project.name, savedAt: this.deps.now(), file: archive, sessionId, projectId: project.id ?? null };
    try {
      await this.deps.fs.mkdirp(this.dir);
      // The note first: a copy is listed only with both files, so an archive written before its
      // note would be lost to a crash between the two. (A crash after the note alone lists the
      // copy before, or nothing for a first copy — the archive of this write never reached disk.)
      await writeFileAtomic(this.deps.fs, meta, new TextEncoder().encode(JSON.stringify(entry, null, 2)));
      await writeFileAtomic(this.deps.fs, archive, bytes);
    } catch (error) {
      throw ioError('write', archive, error, 'The recovery copy was not updated.');
    }
    return entry;
  }

  /** Recovery copies on disk, newest first (entries whose archive is missing are skipped). */
  async list(): Promise<RecoveryEntry[]> {
    let names: string[];
    try {
      names = await this.deps.fs.readdir(this.dir);
    } catch {
      return [];
    }
    const entries: RecoveryEntry[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const key = name.slice(0, -'.json'.length);
      if (!/^[A-Za-z0-9_-]+$/.test(key)) continue;
      const { archive, meta } = this.files(key);
      try {
        const parsed = JSON.parse(new TextDecoder().decode(await this.deps.fs.readFile(meta))) as Partial<RecoveryEntry>;
        if (!(await this.deps.fs.exists(archive))) continue;
        entries.push({
          key,
          originalPath: typeof parsed.originalPath === 'string' ? parsed.originalPath : null,
          name: typeof parsed.name === 'string' ? parsed.name : key,
          savedAt: typeof parsed.savedAt === 'number' ? parsed.savedAt : 0,
          file: archive,
          sessionId: typeof parsed.sessionId === 'string' ? parsed.sessionId : '',
          projectId: typeof parsed.projectId === 'string' ? parsed.projectId : null,
        });
      } catch {
        // An unreadable note: skip it rather than block the start-up.
      }
    }
    return entries.sort((a, b) => b.savedAt - a.savedAt);
  }

  /** Read a recovery copy back. Throws ProjectFileError (not-found if it is gone, bad-file codes if damaged). */
  async restore(key: string): Promise<{ project: Project; entry: RecoveryEntry }> {
    const entry = (await this.list()).find((e) => e.key === key);
    if (!entry) throw new ProjectFileError('not-found', `there is no recovery copy "${key}"`);
    let bytes: Uint8Array;
    try {
      bytes = await this.deps.fs.readFile(entry.file);
    } catch (error) {
      throw ioError('read', entry.file, error);
    }
    const { project } = await this.deps.codec.decode(bytes, `recovery copy of ${entry.name}`);
    return { project, entry };
  }

  async discard(key: string): Promise<void> {
    const { archive, meta } = this.files(key);
    // Meta first: a half-discarded copy without its note is never listed.
    await this.deps.fs.unlink(meta).catch(() => undefined);
    await this.deps.fs.unlink(archive).catch(() => undefined);
  }
}

export interface TimerFunctions {
  setInterval: (callback: () => void, ms: number) => unknown;
  clearInterval: (handle: unknown) => void;
}

export interface AutosaveOptions {
  /** Default 60 000 ms. */
  intervalMs?: number;
  timers?: TimerFunctions;
  /** true while the project has unsaved changes. */
  isDirty: () => boolean;
  /** Write the recovery copy (e.g. service.writeRecovery(current project, key, path)). */
  write: () => Promise<unknown>;
  onError?: (error: unknown) => void;
  /** A recovery copy was written (the UI shows when). */
  onWritten?: () => void;
}

/** Writes a recovery copy every interval while the project is dirty; never two writes at once. */
export class AutosaveScheduler {
  private handle: unknown = null;
  private writing: Promise<void> | null = null;
  private readonly timers: TimerFunctions;
  readonly intervalMs: number;

  constructor(private readonly options: AutosaveOptions) {
    this.intervalMs = options.intervalMs ?? AUTOSAVE_INTERVAL_MS;
    this.timers = options.timers ?? {
      setInterval: (callback, ms) => {
        const handle = setInterval(callback, ms);
        // Autosave alone must not keep a process (CLI, tests) alive.
        (handle as { unref?: () => void }).unref?.();
        return handle;
      },
      clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
    };
  }

  get running(): boolean {
    return this.handle !== null;
  }

  start(): void {
    if (this.handle !== null) return;
    this.handle = this.timers.setInterval(() => void this.tick(), this.intervalMs);
  }

  stop(): void {
    if (this.handle === null) return;
    this.timers.clearInterval(this.handle);
    this.handle = null;
  }

  /** Resolves when the write in progress (if any) has finished. */
  settle(): Promise<void> {
    return this.writing ?? Promise.resolve();
  }

  /** One autosave step: write if dirty and no write is in progress. Resolves when done. */
  tick(): Promise<void> {
    if (this.writing) return this.writing;
    if (!this.options.isDirty()) return Promise.resolve();
    this.writing = this.options
      .write()
      .then(
        () => this.options.onWritten?.(),
        (error) => this.options.onError?.(error),
      )
      .finally(() => {
        this.writing = null;
      });
    return this.writing;
  }
}
