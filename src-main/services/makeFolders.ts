/**
 * Create an output folder and its missing parents without Node's recursive mkdir, which never
 * returns on Linux's /proc: mkdir there fails with ENOENT although the parent exists, and Node 20
 * retries the parent forever (sync: a frozen process; async: a libuv thread spinning). The CLI's
 * `--out` folders and sweep folders come from typed paths, so the chain is checked first:
 * the nearest existing ancestor must be a folder on real storage (not under /proc, /sys or /dev),
 * and at most MAX_NEW_FOLDERS are created, one at a time. Project saves do the same, asynchronously
 * (pathSafety.ts ensureSaveFolder).
 */
import { mkdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';

/** Virtual file systems GainLab never writes in or creates folders in (Linux). */
export const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

/** The most folders created for one path. */
export const MAX_NEW_FOLDERS = 32;

export function isUnderVirtualRoot(resolved: string): boolean {
  if (process.platform !== 'linux') return false;
  return VIRTUAL_ROOTS.some((root) => resolved === root || resolved.startsWith(`${root}/`));
}

/** A refusal to create a folder: its message is one sentence fragment naming the folder. */
export class FolderError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

function statOrNull(folder: string): Stats | null {
  try {
    return statSync(folder);
  } catch (error) {
    // ENOTDIR: a file on the way (FILE/sub); the walk up reaches that file and names it
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/**
 * Make `dir` and its missing parents; returns the folders it made, outermost first. Throws
 * FolderError (ENOTDIR: an ancestor is a file; EVIRTUAL: under /proc, /sys or /dev; ETOODEEP:
 * more than MAX_NEW_FOLDERS missing; never EISDIR) or the file system's own error (EACCES, …).
 */
export function makeFoldersSync(dir: string): string[] {
  const resolved = path.resolve(dir);
  const missing: string[] = [];
  let folder = resolved;
  for (;;) {
    const stats = statOrNull(folder);
    if (stats) {
      if (!stats.isDirectory()) throw new FolderError(`${folder} is not a folder`, 'ENOTDIR');
      break;
    }
    missing.unshift(folder);
    if (missing.length > MAX_NEW_FOLDERS) throw new FolderError(`${resolved} needs more than ${MAX_NEW_FOLDERS} new folders; create them first`, 'ETOODEEP');
    const up = path.dirname(folder);
    if (up === folder) throw new FolderError(`the drive ${folder} does not exist`, 'ENOENT');
    folder = up;
  }
  if (missing.length === 0) return [];
  if (isUnderVirtualRoot(folder) || isUnderVirtualRoot(realpathSync(folder))) {
    throw new FolderError(`${folder} is a system folder, not storage`, 'EVIRTUAL');
  }
  const made: string[] = [];
  for (const next of missing) {
    try {
      mkdirSync(next);
      made.push(next);
    } catch (error) {
      // made meanwhile by another process (two sweep tasks starting together)
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(next).isDirectory()) throw error;
    }
  }
  return made;
}

/** What went wrong, for a refusal's parenthesis: the FolderError's text, or the errno code. */
export function folderProblem(error: unknown): string {
  if (error instanceof FolderError) return error.message;
  return (error as NodeJS.ErrnoException).code ?? String(error);
}
