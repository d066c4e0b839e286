/**
 * The recent-projects list: JSON in the config directory (`recent-projects.json`), most recent
 * first, at most 10 entries, one per path; entries whose files have disappeared are dropped when
 * the list is read. A missing or unreadable list file is an empty list (never an error at startup).
 */
import path from 'node:path';
import { writeFileAtomic, type ProjectFs } from './projectFs.js';

export interface RecentProject {
  path: string;
  name: string;
  /** ms since the epoch */
  openedAt: number;
}

export const RECENT_PROJECTS_FILE = 'recent-projects.json';
export const MAX_RECENT_PROJECTS = 10;

export interface RecentProjectsDeps {
  fs: ProjectFs;
  configDir: string;
  now: () => number;
  max?: number;
}

export class RecentProjects {
  private readonly file: string;
  private readonly max: number;
  /** Serialise read-modify-write cycles so concurrent adds cannot lose entries. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: RecentProjectsDeps) {
    this.file = path.join(deps.configDir, RECENT_PROJECTS_FILE);
    this.max = deps.max ?? MAX_RECENT_PROJECTS;
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async readRaw(): Promise<RecentProject[]> {
    let text: string;
    try {
      text = new TextDecoder().decode(await this.deps.fs.readFile(this.file));
    } catch {
      return [];
    }
    try {
      const parsed = JSON.parse(text) as { entries?: unknown };
      if (!Array.isArray(parsed.entries)) return [];
      return parsed.entries.filter(
        (e): e is RecentProject =>
          typeof e === 'object' && e !== null && typeof e.path === 'string' && typeof e.name === 'string' && typeof e.openedAt === 'number',
      );
    } catch {
      return [];
    }
  }

  private async writeRaw(entries: RecentProject[]): Promise<void> {
    await this.deps.fs.mkdirp(this.deps.configDir);
    const text = JSON.stringify({ version: 1, entries }, null, 2);
    await writeFileAtomic(this.deps.fs, this.file, new TextEncoder().encode(text));
  }

  /** The list, most recent first, without files that no longer exist (the pruned list is stored). */
  list(): Promise<RecentProject[]> {
    return this.serial(async () => {
      const entries = await this.readRaw();
      const present: RecentProject[] = [];
      for (const entry of entries) if (await this.deps.fs.exists(entry.path)) present.push(entry);
      present.sort((a, b) => b.openedAt - a.openedAt);
      const kept = present.slice(0, this.max);
      if (kept.length !== entries.length) await this.writeRaw(kept).catch(() => undefined);
      return kept;
    });
  }

  /** Put `file` at the top (moving it if it was already listed). */
  add(file: string, name: string): Promise<RecentProject[]> {
    return this.serial(async () => {
      const entries = (await this.readRaw()).filter((e) => e.path !== file);
      // Strictly increasing stamps keep the order right even if the clock does not move.
      const latest = entries.reduce((m, e) => Math.max(m, e.openedAt), -Infinity);
      const openedAt = Math.max(this.deps.now(), latest + 1);
      const next = [{ path: file, name, openedAt }, ...entries].sort((a, b) => b.openedAt - a.openedAt).slice(0, this.max);
      await this.writeRaw(next);
      return next;
    });
  }

  remove(file: string): Promise<RecentProject[]> {
    return this.serial(async () => {
      const next = (await this.readRaw()).filter((e) => e.path !== file);
      await this.writeRaw(next);
      return next;
    });
  }

  clear(): Promise<void> {
    return this.serial(() => this.writeRaw([]));
  }
}
