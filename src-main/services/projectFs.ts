/**
 * The file-system functions the projects service needs, as an injectable interface (tests pass
 * fakes that fail at chosen points: a full disk, a process that dies before the rename), the Node
 * implementation, the atomic write (temp file in the same directory → fsync → rename → fsync the
 * directory) and the wording of I/O errors.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import { describeIoError, errnoCode } from './ioErrors.js';
import { readRegularFile } from './pathSafety.js';

export { describeIoError, errnoCode } from './ioErrors.js';

export interface ProjectFs {
  /** A regular file's bytes, bounded (pathSafety.ts readRegularFile: folders, devices, FIFOs refused unopened). */
  readFile(file: string): Promise<Uint8Array>;
  /** Create or truncate `file`, write all of `data`, fsync it, close it. */
  writeFileDurable(file: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  /** fsync a directory so a rename in it survives a power cut (best effort where unsupported). */
  fsyncDir(dir: string): Promise<void>;
  exists(file: string): Promise<boolean>;
  mkdirp(dir: string): Promise<void>;
  readdir(dir: string): Promise<string[]>;
}

export function nodeProjectFs(): ProjectFs {
  return {
    readFile: (file) => readRegularFile(file),
    async writeFileDurable(file, data) {
      const handle = await fsp.open(file, 'w', 0o644);
      try {
        let written = 0;
        while (written < data.length) {
          const { bytesWritten } = await handle.write(data, written, data.length - written);
          written += bytesWritten;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    rename: (from, to) => fsp.rename(from, to),
    unlink: (file) => fsp.unlink(file),
    async fsyncDir(dir) {
      let handle;
      try {
        handle = await fsp.open(dir, 'r');
        await handle.sync();
      } catch {
        // Windows cannot open or fsync directories; the rename is still atomic there.
      } finally {
        await handle?.close();
      }
    },
    async exists(file) {
      try {
        await fsp.access(file);
        return true;
      } catch {
        return false;
      }
    },
    async mkdirp(dir) {
      await fsp.mkdir(dir, { recursive: true });
    },
    readdir: (dir) => fsp.readdir(dir),
  };
}

export function isMissingFileError(error: unknown): boolean {
  return errnoCode(error) === 'ENOENT';
}

export function tempPathFor(file: string, random: () => string = () => randomBytes(6).toString('hex')): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${random()}.tmp`);
}

/**
 * Write `data` to `file` atomically: readers see either the old file or the complete new one,
 * never a half-written file, also if the process dies or the disk fills up midway. On failure the
 * temp file is removed (best effort) and the fs error is rethrown as is.
 */
export async function writeFileAtomic(
  fs: ProjectFs,
  file: string,
  data: Uint8Array,
  random?: () => string,
): Promise<void> {
  const temp = tempPathFor(file, random);
  try {
    await fs.writeFileDurable(temp, data);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  await fs.fsyncDir(path.dirname(file));
}

/** A ProjectFileError('io' or 'not-found') for a failed read or write of `file`. */
export function ioError(action: 'open' | 'save' | 'read' | 'write', file: string, error: unknown, suffix = ''): ProjectFileError {
  const code = isMissingFileError(error) && (action === 'open' || action === 'read') ? 'not-found' : 'io';
  const reason = code === 'not-found' ? 'the file does not exist' : describeIoError(error);
  return new ProjectFileError(code, `could not ${action} the file: ${reason}.${suffix ? ` ${suffix}` : ''}`, {
    fileName: path.basename(file),
    cause: error,
  });
}
