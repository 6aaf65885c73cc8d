// The words a user reads for a file-system error, instead of Node's "EISDIR: illegal operation on a
// directory, read" with a stack: `cannot write X: the disk is full`. Errors without a known code keep
// their own message, without the path Node appends (the caller names the path itself).

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EEXIST: 'something else already has that name',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  EBUSY: 'it is busy',
};

export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && REASONS[code]) return REASONS[code]!;
  const message = err instanceof Error ? err.message : String(err);
  // "ENOSYS: function not implemented, open '/x'" → "function not implemented (ENOSYS)"
  const m = /^([A-Z0-9_]+): ([^,]+)/.exec(message);
  return m ? `${m[2]} (${m[1]})` : message;
}

