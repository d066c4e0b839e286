/**
 * The one error type of project files. Every way a .gainlab file can be unreadable has its own
 * `code`, and the message is the sentence the app (and `gainlab inspect`) shows: it names the file
 * when known and says what is wrong in words a user can act on.
 */

export type ProjectFileErrorCode =
  /** The bytes are not a zip archive at all. */
  | 'not-zip'
  /** A zip archive, but damaged: incomplete, or an entry fails its CRC check. */
  | 'corrupt-zip'
  /** A zip archive using what GainLab does not read: zip64, several disks, encryption, a compression other than deflate. */
  | 'unsupported-zip'
  /** An entry name that could write outside a folder or is ambiguous: "..", an absolute path, a backslash, a duplicate. */
  | 'unsafe-entry'
  /** Beyond a bound of the format (limits.ts): a size, a count, a nesting depth. */
  | 'too-large'
  /** A valid zip that is not a GainLab project (no project.json, or project.json of another kind). */
  | 'not-gainlab'
  /** project.json is not valid JSON. */
  | 'invalid-json'
  /** project.json does not match the schema (the message names the field). */
  | 'invalid-schema'
  /** Written by a newer GainLab (schemaVersion above what this app reads). Never overwrite such a file. */
  | 'newer-version'
  /** project.json refers to an array file that is not in the archive. */
  | 'missing-array'
  /** An array file is cut short. */
  | 'truncated-array'
  /** An array file is not a readable .npy (bad magic, unsupported dtype, ...). */
  | 'bad-array'
  /** An array's shape disagrees with project.json. */
  | 'shape-mismatch'
  /** An array holds NaN or ±Infinity. */
  | 'non-finite'
  /** Ids that must be unique are not, or a reference points at an id that does not exist. */
  | 'bad-reference'
  /** Reading or writing the file failed (permissions, disk full, ...). */
  | 'io'
  /** The path itself cannot be used: not a regular file (a folder, device, FIFO), a NUL byte, too long, a trailing separator. */
  | 'bad-path'
  /** The file does not exist. */
  | 'not-found';

/** The IPC error code (src-shared/ipc/contract.ts ERROR_CODES) each project error maps to. */
export type ProjectErrorCategory = 'bad-file' | 'io' | 'not-found';

/** A file name as messages quote it: control characters escaped (a name may hold a newline), long names cut. */
function printableFileName(fileName: string): string {
  const escaped = fileName.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > 120 ? `${escaped.slice(0, 119)}…` : escaped;
}

export class ProjectFileError extends Error {
  readonly code: ProjectFileErrorCode;
  /** What is wrong, without the file-name prefix. */
  readonly detail: string;
  readonly fileName: string | null;

  constructor(code: ProjectFileErrorCode, detail: string, options: { fileName?: string | null; cause?: unknown } = {}) {
    const fileName = options.fileName ?? null;
    super(fileName ? `"${printableFileName(fileName)}": ${detail}` : detail);
    this.name = 'ProjectFileError';
    this.code = code;
    this.detail = detail;
    this.fileName = fileName;
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }

  /** The same error, naming `fileName` (used when the archive decoder did not know it). */
  withFileName(fileName: string): ProjectFileError {
    if (this.fileName === fileName) return this;
    return new ProjectFileError(this.code, this.detail, { fileName, cause: (this as { cause?: unknown }).cause });
  }

  get category(): ProjectErrorCategory {
    if (this.code === 'io' || this.code === 'bad-path') return 'io';
    if (this.code === 'not-found') return 'not-found';
    return 'bad-file';
  }
}

export function isProjectFileError(error: unknown): error is ProjectFileError {
  return error instanceof ProjectFileError;
}
