// A file-system failure in the store (read-only, full, no permission, `.ptx` being a file, …), carried as
// one line that names the path: `ptx run` prints it and exits 1 instead of an internal error with Node's
// raw message, and a failed write is never mistaken for a failed training run.
import { mkdirSync } from 'node:fs';
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

/**
 * mkdir -p, failing with the real reason: Node's recursive mkdir reports ENOENT when a missing folder
 * cannot be created (on a read-only file system, say), so the failing level is tried again on its own.
 */
export function makeFolder(dir: string, action = 'create the folder'): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      try {
        mkdirSync(dir);
      } catch (precise) {
        if ((precise as NodeJS.ErrnoException).code !== 'ENOENT') throw new StoreError(dir, action, precise);
      }
    }
    throw new StoreError(dir, action, err);
  }
}
