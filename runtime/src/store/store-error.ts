// A file-system failure in the store (read-only, full, no permission, `.ptx` being a file, …), carried as
// one line that names the path: `ptx run` prints it and exits 1 instead of an internal error with Node's
// raw message, and a failed write is never mistaken for a failed training run.
import { fsReason } from '../io/fs-reason.js';

export class StoreError extends Error {
  constructor(
    readonly path: string,
    /** What was being done, as a verb phrase: "write", "create the folder", "read". */
    action: string,
    cause: unknown,
  ) {
    super(`cannot ${action} ${path}: ${fsReason(cause)}`);
    this.name = 'StoreError';
  }
}

/** Runs `fn`; a file-system error in it becomes a StoreError about `path`. Other errors pass through. */
export function onPath<T>(path: string, action: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof StoreError) throw err;
    if ((err as NodeJS.ErrnoException | undefined)?.code) throw new StoreError(path, action, err);
    throw err;
  }
}
