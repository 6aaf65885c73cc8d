// Reading a spec file, for `ptx check`, `ptx run` and `ptx report` alike: only a regular file is read (a
// FIFO would block the command forever, a device like /dev/zero would never end), and only up to
// MAX_SPEC_BYTES (a spec is a few KB; a huge file is a mistake, and it would be read whole into memory
// and parsed). Every refusal is one line that names the file; nothing here throws.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { fsReason } from './fs-reason.js';

export const MAX_SPEC_BYTES = 16 * 1024 * 1024;

export type SpecFile = { ok: true; text: string } | { ok: false; message: string };

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The file's text (UTF-8), or the one-line reason it cannot be read (`cannot read F: …`). */
export function readSpecFile(path: string): SpecFile {
  const fail = (why: string): SpecFile => ({ ok: false, message: `cannot read ${path}: ${why}` });
  const tooBig = `spec files are limited to ${megabytes(MAX_SPEC_BYTES)}`;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO that has no writer returns at once instead of waiting for one; the
    // fstat below then refuses it. (The flag does nothing to regular files; Windows has no such flag.)
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return fail(fsReason(err));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return fail(`it is ${kindOf(st)}; a spec must be a regular file`);
    if (st.size > MAX_SPEC_BYTES) return fail(`it has ${megabytes(st.size)}; ${tooBig}`);
    // Read to the end rather than to the size fstat gave (the file may be growing), and stop one byte
    // past the limit: that is enough to refuse it.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, MAX_SPEC_BYTES + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > MAX_SPEC_BYTES) return fail(`it has more than ${megabytes(MAX_SPEC_BYTES)}; ${tooBig}`);
    }
    return { ok: true, text: Buffer.concat(chunks, total).toString('utf8') };
  } catch (err) {
    return fail(fsReason(err));
  } finally {
    closeSync(fd);
  }
}
