/**
 * Results of jobs whose project was closed while they ran (the user chose to keep them running).
 * A result is never dropped and never written into a file behind the user's back: it waits in
 * `<configDir>/pending-results/<projectId>/` until that project is opened again, where the user
 * adds it or discards it.
 *
 * Each result is one file holding the project edit it makes (src-shared/project/edits.ts
 * ProjectChanges: a run, a speed manifold, an experiment result, a library) in Node's structured
 * serialisation (node:v8), which keeps typed arrays exact. Written atomically (temp + rename).
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import type { ProjectChanges } from '../../src-shared/project/edits.js';

export const PENDING_DIR_NAME = 'pending-results';
/** A pending result larger than this is not read back (a damaged or foreign file). */
const MAX_PENDING_BYTES = 1024 * 1024 * 1024;

export interface PendingResult {
  projectId: string;
  /** What the user sees: the job's label. */
  label: string;
  jobId: string;
  finishedAt: number;
  changes: ProjectChanges;
}

function safeSegment(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100);
  if (!safe) throw new RangeError('empty id');
  return safe;
}

export class PendingResults {
  readonly dir: string;

  constructor(configDir: string) {
    this.dir = path.join(configDir, PENDING_DIR_NAME);
  }

  private projectDir(projectId: string): string {
    return path.join(this.dir, safeSegment(projectId));
  }

  async add(result: PendingResult): Promise<void> {
    const dir = this.projectDir(result.projectId);
    await fsp.mkdir(dir, { recursive: true });
    const file = path.join(dir, `${String(result.finishedAt).padStart(15, '0')}-${safeSegment(result.jobId)}.bin`);
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await fsp.writeFile(temp, v8.serialize(result));
    await fsp.rename(temp, file);
  }

  /** The pending results of a project, oldest first (unreadable files are skipped, and kept). */
  async list(projectId: string): Promise<(PendingResult & { file: string })[]> {
    const dir = this.projectDir(projectId);
    let names: string[];
    try {
      names = (await fsp.readdir(dir)).filter((name) => name.endsWith('.bin')).sort();
    } catch {
      return [];
    }
    const results: (PendingResult & { file: string })[] = [];
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        const info = await fsp.stat(file);
        if (!info.isFile() || info.size > MAX_PENDING_BYTES) continue;
        const value = v8.deserialize(await fsp.readFile(file)) as PendingResult;
        if (value && value.projectId === projectId && typeof value.label === 'string' && value.changes) results.push({ ...value, file });
      } catch {
        // a damaged file is left where it is for the user to look at; it is not offered
      }
    }
    return results;
  }

  /** Remove the files of results that were added or discarded. */
  async remove(files: readonly string[]): Promise<void> {
    for (const file of files) await fsp.unlink(file).catch(() => undefined);
  }
}
