/**
 * Which paths GainLab reads and writes project files at, and how. A path comes from a dialog, the
 * recent list, the CLI or (web mode) a typed field, so nothing about it is trusted:
 *
 * - Open only regular files: stat first and refuse folders, devices (/dev/zero), FIFOs and sockets
 *   without opening them (opening a FIFO blocks a libuv thread until a writer appears); then open
 *   with O_NONBLOCK, check the handle is the file that was stat'ed, and read at most
 *   PROJECT_LIMITS.fileBytes (a file growing while it is read cannot exceed that).
 * - Save only to a regular file or a new name in an existing folder GainLab may write in; never
 *   create folders recursively (Node's recursive mkdir spins on /proc), and never inside /proc,
 *   /sys or /dev. ensureSaveFolder creates the missing folders of a typed path one at a time after
 *   checking the chain (makeFolders.ts, the walk the CLI's output folders take too).
 * - A NUL byte, an over-long path or name, and (for saving) a trailing separator are refused.
 * - Every errno becomes a sentence (projectFs.ts describeIoError).
 * - Temp files of interrupted saves (".NAME.gainlab.<hex>.tmp") are removed before each save of
 *   that file and at start-up for the recent projects' folders (cleanStaleTemps).
 */
import { constants as fsConstants, promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import { PROJECT_LIMITS, bytesText } from '../../src-shared/project/limits.js';
import { describeIoError, errnoCode } from './ioErrors.js';
import { FolderCallError, FolderError, isUnderVirtualRoot, makeFolders, MAX_NEW_FOLDERS, VIRTUAL_ROOTS } from './makeFolders.js';

/** Longest path accepted (Linux PATH_MAX), and longest name in it (NAME_MAX on every common file system). */
export const MAX_PATH_BYTES = 4096;
export const MAX_NAME_BYTES = 255;


function badPath(detail: string, shown: string): ProjectFileError {
  return new ProjectFileError('bad-path', detail, { fileName: shown });
}

/**
 * The path as a message shows it: control characters visible, at most its last `max` characters
 * (folders inside a sentence get 60, so the whole line stays short whatever the path's length).
 */
export function shownPath(file: string, max = 200): string {
  const printable = file.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return printable.length > max ? `…${printable.slice(-max)}` : printable;
}

/** A folder named inside a sentence. */
const shownFolder = (folder: string) => shownPath(folder, 60);

function endsWithSeparator(file: string): boolean {
  return file.endsWith('/') || (path.sep === '\\' && file.endsWith('\\'));
}

/**
 * Refuse a path that no file-system call should see: empty, a NUL byte, longer than
 * MAX_PATH_BYTES or with a name longer than MAX_NAME_BYTES; for saving also a trailing separator
 * (it names a folder: without this check "dir/" would save a hidden file "dir/.gainlab").
 */
export function checkPathText(file: string, action: 'open' | 'save'): void {
  if (typeof file !== 'string' || file.length === 0) throw badPath(`no path was given to ${action}`, '');
  const shown = shownPath(file);
  if (file.includes('\u0000')) throw badPath(`the path contains a NUL character; file names cannot hold one`, shown);
  const bytes = Buffer.byteLength(file, 'utf8');
  if (bytes > MAX_PATH_BYTES) throw badPath(`the path is ${bytes} bytes long; at most ${MAX_PATH_BYTES} are accepted`, shown.slice(-80));
  for (const name of file.split(/[\\/]+/)) {
    if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) {
      throw badPath(`the name "${shownPath(name).slice(0, 60)}…" in the path is longer than ${MAX_NAME_BYTES} bytes, which file systems do not allow`, shown.slice(-80));
    }
  }
  if (action === 'save' && endsWithSeparator(file)) {
    throw badPath(`the path ends with "${file.slice(-1)}", so it names a folder; give the name of the project file to save`, shown);
  }
}

/** "a folder", "a FIFO (named pipe)", ... for anything that is not a regular file, else null. */
export function nonRegularKind(stats: Stats): string | null {
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function ioFailure(action: string, file: string, error: unknown, code: 'io' | 'not-found' = 'io'): ProjectFileError {
  return new ProjectFileError(code, `could not ${action}: ${describeIoError(error)}.`, { fileName: path.basename(file) || shownPath(file), cause: error });
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/**
 * The bytes of a regular file, at most `maxBytes` (default PROJECT_LIMITS.fileBytes). Throws
 * ProjectFileError 'bad-path' (not a regular file; never opened), 'too-large', or rethrows the
 * fs error (ENOENT, EACCES, ...) for the caller to word.
 */
export async function readRegularFile(file: string, maxBytes: number = PROJECT_LIMITS.fileBytes): Promise<Uint8Array> {
  const before = await fsp.stat(file);
  const kind = nonRegularKind(before);
  if (kind) throw badPath(`this is ${kind}, not a file; GainLab opens only regular files`, path.basename(file) || shownPath(file));
  const tooLarge = (size: number) =>
    new ProjectFileError('too-large', `the file is ${bytesText(size)}; a project file is at most ${bytesText(maxBytes)}`, { fileName: path.basename(file) });
  if (before.size > maxBytes) throw tooLarge(before.size);
  // O_NONBLOCK: should the path have become a FIFO since the stat, opening it does not wait for a writer.
  const handle = await fsp.open(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  try {
    const opened = await handle.stat();
    if (nonRegularKind(opened) || opened.ino !== before.ino || opened.dev !== before.dev) {
      throw badPath('the file changed while it was being opened; try again', path.basename(file));
    }
    let buffer = new Uint8Array(Math.min(maxBytes, Math.max(opened.size, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length >= maxBytes) {
          // one byte more than the cap means the file grew past it while being read
          const probe = await handle.read(new Uint8Array(1), 0, 1, null);
          if (probe.bytesRead > 0) throw tooLarge(length + 1);
          break;
        }
        const grown = new Uint8Array(Math.min(maxBytes, buffer.length * 2));
        grown.set(buffer);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return length === buffer.length ? buffer : buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Saving
// ---------------------------------------------------------------------------------------------

/** The stats of `file`, or null when nothing is there (ENOENT; ENOTDIR: a part of its path is a file, which the caller finds walking up). */
async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await fsp.stat(file);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/** Refuse a typed save path that names an existing folder ("~/Studies" is not "~/Studies.gainlab"). */
export async function refuseFolderAsFileName(typed: string): Promise<void> {
  checkPathText(typed, 'save');
  if ((await statOrNull(path.resolve(typed)).catch(() => null))?.isDirectory()) {
    throw badPath('this is a folder; give the name of the project file to save in it', shownPath(typed));
  }
}

/**
 * May GainLab save to `file` (the path with its extension)? It must be a regular file or a new name
 * in an existing folder that is writable and not under /proc, /sys or /dev. `typed`, the path as
 * given before the extension was added, must not name a folder ("~/GainLab" is not
 * "~/GainLab.gainlab"). Throws ProjectFileError with a sentence naming what is wrong.
 */
export async function checkSaveTarget(file: string, typed: string = file): Promise<void> {
  checkPathText(file, 'save');
  if (typed !== file) await refuseFolderAsFileName(typed);
  const resolved = path.resolve(file);
  const name = path.basename(resolved);
  const folder = path.dirname(resolved);
  if (isUnderVirtualRoot(resolved)) throw badPath(`GainLab does not save in ${shownFolder(folder)}: it is a system folder (${VIRTUAL_ROOTS.join(', ')}), not storage`, name);
  let target: Stats | null;
  try {
    target = await statOrNull(resolved);
  } catch (error) {
    throw ioFailure(`save the file`, resolved, error);
  }
  if (target) {
    const kind = nonRegularKind(target);
    if (kind) throw badPath(`cannot save over it: this is ${kind}, not a project file`, name);
  }
  let parent: Stats | null;
  try {
    parent = await statOrNull(folder);
  } catch (error) {
    throw ioFailure(`save in the folder ${shownFolder(folder)}`, resolved, error);
  }
  if (!parent) throw new ProjectFileError('io', `could not save the file: the folder ${shownFolder(folder)} does not exist.`, { fileName: name });
  if (!parent.isDirectory()) throw badPath(`cannot save in ${shownFolder(folder)}: it is not a folder`, name);
  try {
    await fsp.access(folder, fsConstants.W_OK);
  } catch (error) {
    throw ioFailure(`save in the folder ${shownFolder(folder)}`, resolved, error);
  }
}

/**
 * Create the missing folders of `file`'s folder (web mode: a typed path such as ~/GainLab/x.gainlab)
 * by makeFolders.ts's walk (the CLI's too), one at a time after checking the chain: the deepest
 * existing ancestor must be a folder, not under /proc, /sys or /dev, and at most 32 folders are
 * created. Throws ProjectFileError with a clear sentence; does nothing when the folder exists.
 */
export async function ensureSaveFolder(file: string): Promise<void> {
  checkPathText(file, 'save');
  const resolved = path.resolve(file);
  const name = path.basename(resolved);
  try {
    await makeFolders(path.dirname(resolved));
  } catch (error) {
    if (error instanceof FolderCallError) throw ioFailure(`${error.call === 'mkdir' ? 'create' : 'use'} the folder ${shownFolder(error.folder)}`, resolved, error);
    if (!(error instanceof FolderError)) throw error;
    const folder = shownFolder(error.folder);
    switch (error.code) {
      case 'ENOTDIR':
        throw badPath(`cannot create folders in ${folder}: it is not a folder`, name);
      case 'ETOODEEP':
        throw badPath(`the path needs more than ${MAX_NEW_FOLDERS} new folders; create them first`, name);
      case 'ENOENT':
        throw new ProjectFileError('io', `could not save the file: the drive ${folder} does not exist.`, { fileName: name });
      case 'EVIRTUAL':
        throw badPath(`GainLab does not create folders in ${folder}: it is a system folder (${VIRTUAL_ROOTS.join(', ')}), not storage`, name);
      default:
        throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Temp files of interrupted saves
// ---------------------------------------------------------------------------------------------

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Does `name` look like a temp file writeFileAtomic made for the project file `base`? */
export function isTempFileOf(base: string, name: string): boolean {
  return new RegExp(`^\\.${escapeRegExp(base)}\\.[0-9a-f]{1,64}\\.tmp$`).test(name);
}

export interface CleanStaleTempsOptions {
  /** Only temps last modified at least this long ago (default 60 s: another GainLab may be saving). */
  minAgeMs?: number;
  now?: () => number;
}

/**
 * Remove the temp files interrupted saves left beside the given project files (".NAME.gainlab.<hex>.tmp",
 * regular files only). For start-up with the recent projects' paths (ProjectService.save cleans
 * before each save of a file itself). Best effort: folders that cannot be listed are skipped.
 * Returns the removed paths.
 */
export async function cleanStaleTemps(paths: readonly string[], options: CleanStaleTempsOptions = {}): Promise<string[]> {
  const minAgeMs = options.minAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  const byFolder = new Map<string, Set<string>>();
  for (const file of paths) {
    if (typeof file !== 'string' || file.includes('\u0000')) continue;
    const resolved = path.resolve(file);
    const folder = path.dirname(resolved);
    if (!byFolder.has(folder)) byFolder.set(folder, new Set());
    byFolder.get(folder)!.add(path.basename(resolved));
  }
  const removed: string[] = [];
  for (const [folder, bases] of byFolder) {
    let names: string[];
    try {
      names = await fsp.readdir(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (![...bases].some((base) => isTempFileOf(base, name))) continue;
      const temp = path.join(folder, name);
      try {
        const stats = await fsp.lstat(temp);
        if (!stats.isFile() || now() - stats.mtimeMs < minAgeMs) continue;
        await fsp.unlink(temp);
        removed.push(temp);
      } catch {
        // gone meanwhile, or not ours to remove
      }
    }
  }
  return removed;
}
