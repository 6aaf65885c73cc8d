// The store's quarantine: `.ptx/quarantine/<name>-<time>/` receives whatever did not verify (a corrupt
// checkpoint, a folder where a file should be, the files of an interrupted save), moved there by rename
// (same file system, so nothing is copied and nothing is lost), with `reason.txt` saying what was wrong,
// where it was and when. Users look there, or delete it; the store itself never reads it again.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { makeFolder, onPath } from './store-error.js';

/**
 * Moves `path` (or only its children `names`) into a new folder under `root`; returns that folder.
 * The reason file is written first, so a crash half-way leaves an explained folder.
 */
export function quarantine(root: string, path: string, reason: string, names?: readonly string[]): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = join(root, `${basename(path)}-${stamp}-${randomBytes(2).toString('hex')}`);
  makeFolder(target);
  const what = names ? `${names.join(', ')} from ${path}` : path;
  onPath(join(target, 'reason.txt'), 'write', () => writeFileSync(join(target, 'reason.txt'), `${what}\nmoved here at ${new Date().toISOString()} because: ${reason}\n`));
  if (names) {
    const inner = join(target, basename(path));
    onPath(inner, 'create the folder', () => mkdirSync(inner));
    for (const n of names) onPath(join(path, n), 'move into the quarantine', () => renameSync(join(path, n), join(inner, n)));
  } else {
    onPath(path, 'move into the quarantine', () => renameSync(path, join(target, basename(path))));
  }
  return target;
}
