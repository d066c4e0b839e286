/**
 * The wording of file-system errors: every errno GainLab meets while opening or saving a project
 * becomes a short reason a user can act on ("the disk is full (ENOSPC)"), never Node's raw
 * "ENOSPC: no space left on device, write" with a path in it.
 */

export function errnoCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** "the disk is full (ENOSPC)" — a short reason for an fs error. */
export function describeIoError(error: unknown): string {
  const code = errnoCode(error);
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is used up (EDQUOT)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'EROFS':
      return 'the disk is read-only (EROFS)';
    case 'ENOENT':
      return 'the file or folder does not exist (ENOENT)';
    case 'EISDIR':
      return 'it is a folder, not a file (EISDIR)';
    case 'ENOTDIR':
      return 'a part of the path is not a folder (ENOTDIR)';
    case 'EIO':
      return 'the disk reported an I/O error (EIO)';
    case 'ENAMETOOLONG':
      return 'the path or a name in it is too long (ENAMETOOLONG)';
    case 'ELOOP':
      return 'the path has too many symbolic links, or a loop of them (ELOOP)';
    case 'EEXIST':
      return 'something of that name is already there (EEXIST)';
    case 'EBUSY':
      return 'the file or folder is in use by the system (EBUSY)';
    case 'ETXTBSY':
      return 'the file is in use by a running program (ETXTBSY)';
    case 'EMFILE':
    case 'ENFILE':
      return `too many files are open (${code}); close some and try again`;
    case 'EFBIG':
      return 'the file would be larger than the file system allows (EFBIG)';
    case 'EINVAL':
      return 'the file system does not accept this name or operation (EINVAL)';
    case 'EXDEV':
      return 'the temp file and the target are on different disks (EXDEV)';
    case 'ENXIO':
    case 'ENODEV':
      return `no device is there to read or write (${code})`;
    case 'EAGAIN':
      return 'the file is not ready; try again (EAGAIN)';
    case 'ENOTEMPTY':
      return 'a folder of that name is there and not empty (ENOTEMPTY)';
    default: {
      // an errno without its own sentence: say which, without Node's raw "ECODE: ..., open '/path'" text
      if (code && /^E[A-Z0-9]+$/.test(code)) return `the operating system refused (${code})`;
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200);
      return code ? `${message} (${code})` : message;
    }
  }
}

