/**
 * Create an output folder and its missing parents without Node's recursive mkdir, which never
 * returns on Linux's /proc: mkdir there fails with ENOENT although the parent exists, and Node 20
 * retries the parent forever (sync: a frozen process; async: a libuv thread spinning). The CLI's
 * `--out` folders and sweep folders come from typed paths, so the chain is checked first:
 * the nearest existing ancestor must be a folder on real storage (not under /proc, /sys or /dev),
 * and at most MAX_NEW_FOLDERS are created, one at a time. Project saves take the same walk,
 * asynchronously (makeFolders, from pathSafety.ts ensureSaveFolder), with their own wording.
 */
import { mkdirSync, promises as fsp, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { errnoCode } from './ioErrors.js';

/** Virtual file systems GainLab never writes in or creates folders in (Linux). */
export const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

/** The most folders created for one path. */
export const MAX_NEW_FOLDERS = 32;

export function isUnderVirtualRoot(resolved: string): boolean {
  if (process.platform !== 'linux') return false;
  return VIRTUAL_ROOTS.some((root) => resolved === root || resolved.startsWith(`${root}/`));
}

/** A refusal to create a folder: its message is one sentence fragment naming `folder`, the folder it is about. */
export class FolderError extends Error {
  constructor(
    message: string,
    readonly code: 'ENOTDIR' | 'ETOODEEP' | 'ENOENT' | 'EVIRTUAL',
    readonly folder: string,
  ) {
    super(message);
  }
}

/** One file-system call of the folder walk, made by makeFoldersSync or makeFolders (sync or async). */
interface FolderCall {
  /** stat: the folder's Stats, or null when nothing is there; realpath: its real path; mkdir: nothing. */
  call: 'stat' | 'realpath' | 'mkdir';
  folder: string;
}

/** A file-system call of the walk that failed (EACCES, ELOOP, …): which call, on which folder; code and message are the file system's. */
export class FolderCallError extends Error {
  readonly code: string | null;
  constructor(
    readonly call: FolderCall['call'],
    readonly folder: string,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.code = errnoCode(cause);
  }
}

/** Make `call`, its failure a FolderCallError. */
function* folderCall(call: FolderCall['call'], folder: string): Generator<FolderCall, unknown, unknown> {
  try {
    return yield { call, folder };
  } catch (error) {
    throw new FolderCallError(call, folder, error);
  }
}

/**
 * The one folder walk, its file-system calls yielded (so that makeFoldersSync makes them
 * synchronously and makeFolders asynchronously): walk up from `dir` to the nearest existing
 * ancestor, check it, then make the missing folders outermost first; returns those it made.
 */
function* folderWalk(dir: string): Generator<FolderCall, string[], unknown> {
  const resolved = path.resolve(dir);
  const missing: string[] = [];
  let folder = resolved;
  for (;;) {
    const stats = (yield* folderCall('stat', folder)) as Stats | null;
    if (stats) {
      if (!stats.isDirectory()) throw new FolderError(`${folder} is not a folder`, 'ENOTDIR', folder);
      break;
    }
    missing.unshift(folder);
    if (missing.length > MAX_NEW_FOLDERS) throw new FolderError(`${resolved} needs more than ${MAX_NEW_FOLDERS} new folders; create them first`, 'ETOODEEP', resolved);
    const up = path.dirname(folder);
    if (up === folder) throw new FolderError(`the drive ${folder} does not exist`, 'ENOENT', folder);
    folder = up;
  }
  if (missing.length === 0) return [];
  // the existing ancestor, also with symbolic links resolved: is it real storage?
  if (isUnderVirtualRoot(folder) || isUnderVirtualRoot((yield* folderCall('realpath', folder)) as string)) {
    throw new FolderError(`${folder} is a system folder, not storage`, 'EVIRTUAL', folder);
  }
  const made: string[] = [];
  for (const next of missing) {
    try {
      yield* folderCall('mkdir', next);
      made.push(next);
    } catch (error) {
      // made meanwhile by another process (two sweep tasks starting together)
      if ((error as FolderCallError).code !== 'EEXIST' || !((yield* folderCall('stat', next)) as Stats | null)?.isDirectory()) throw error;
    }
  }
  return made;
}

/** A stat's failure that means nothing is there: null (ENOTDIR: a file on the way, FILE/sub, which the walk up reaches and names). */
function nullWhenNothingThere(error: unknown): null {
  const code = errnoCode(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return null;
  throw error;
}

/** A call's outcome, handed back to the walk: its answer, or the error the walk then sees thrown at the call. */
type Settled = { answer: unknown } | { error: unknown };

function callSync({ call, folder }: FolderCall): unknown {
  if (call === 'realpath') return realpathSync(folder);
  if (call === 'mkdir') return mkdirSync(folder);
  try {
    return statSync(folder);
  } catch (error) {
    return nullWhenNothingThere(error);
  }
}

function settleSync(call: FolderCall): Settled {
  try {
    return { answer: callSync(call) };
  } catch (error) {
    return { error };
  }
}

function settleAsync({ call, folder }: FolderCall): Promise<Settled> {
  const answered = call === 'stat' ? fsp.stat(folder).catch(nullWhenNothingThere) : call === 'realpath' ? fsp.realpath(folder) : fsp.mkdir(folder);
  return answered.then(
    (answer) => ({ answer }),
    (error: unknown) => ({ error }),
  );
}

function resume(walk: ReturnType<typeof folderWalk>, settled: Settled): IteratorResult<FolderCall, string[]> {
  return 'error' in settled ? walk.throw(settled.error) : walk.next(settled.answer);
}

/**
 * Make `dir` and its missing parents; returns the folders it made, outermost first. Throws
 * FolderError (ENOTDIR: an ancestor is a file; EVIRTUAL: under /proc, /sys or /dev; ETOODEEP:
 * more than MAX_NEW_FOLDERS missing; ENOENT: no such drive; never EISDIR) or FolderCallError
 * (the file system refused a call: EACCES, …).
 */
export function makeFoldersSync(dir: string): string[] {
  const walk = folderWalk(dir);
  let step = walk.next();
  while (!step.done) step = resume(walk, settleSync(step.value));
  return step.value;
}

/** makeFoldersSync without blocking the process: the same walk, checks and errors (project saves: pathSafety.ts ensureSaveFolder). */
export async function makeFolders(dir: string): Promise<string[]> {
  const walk = folderWalk(dir);
  let step = walk.next();
  while (!step.done) step = resume(walk, await settleAsync(step.value));
  return step.value;
}

/** What went wrong, for a refusal's parenthesis: the FolderError's text, or the errno code. */
export function folderProblem(error: unknown): string {
  if (error instanceof FolderError) return error.message;
  return errnoCode(error) ?? String(error);
}
