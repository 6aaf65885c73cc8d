// A store entry: a folder of files plus a manifest that lists each file's sha256 and size. The manifest is
// written last (atomically), and carries a checksum of its own content, so an entry is complete exactly
// when the manifest parses, its checksum holds, and every listed file has the listed size and hash.
// A crash before the manifest leaves no manifest (not complete); a truncated or flipped byte anywhere
// fails a checksum (not complete, with the reason). Starting to write an entry deletes its old manifest
// first, so a half-rewritten entry can never pass for a finished one. Whatever is on disk, checking an
// entry never throws: a folder where a file should be, an unreadable file or a manifest listing paths
// outside the entry are reasons like any checksum mismatch.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fsReason } from '../io/fs-reason.js';
import { writeFileAtomic } from './atomic.js';
import { canonicalJson, sha256 } from './canonical.js';
import { makeFolder, onPath } from './store-error.js';

export const MANIFEST = 'manifest.json';

export interface ManifestFile {
  sha256: string;
  bytes: number;
}

export interface Manifest<Info = unknown> {
  format: 'ptx-entry/1';
  /** The object whose hash names the entry (kept for inspection: `cat manifest.json` says what this is). */
  key: unknown;
  /** Summary for tables and listings without reading the data files. */
  info: Info;
  files: Record<string, ManifestFile>;
  written: string;
  /** sha256 of the canonical JSON of every other field. */
  checksum: string;
}

export type EntryStatus<Info = unknown> =
  | { state: 'complete'; manifest: Manifest<Info> }
  | { state: 'missing' }
  | { state: 'invalid'; reason: string };

export class EntryWriter {
  private readonly files: Record<string, ManifestFile> = {};

  constructor(readonly dir: string) {
    makeFolder(dir);
    onPath(join(dir, MANIFEST), 'remove', () => rmSync(join(dir, MANIFEST), { force: true }));
  }

  write(name: string, data: string | Uint8Array): void {
    if (name === MANIFEST || name.includes('/')) throw new Error(`bad entry file name '${name}'`);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    writeFileAtomic(join(this.dir, name), bytes);
    this.files[name] = { sha256: sha256(bytes), bytes: bytes.length };
  }

  writeJson(name: string, value: unknown): void {
    this.write(name, JSON.stringify(value));
  }

  /** Seals the entry: from now on it counts as complete. */
  commit<Info>(key: unknown, info: Info): Manifest<Info> {
    const body = { format: 'ptx-entry/1' as const, key, info, files: this.files, written: new Date().toISOString() };
    const manifest: Manifest<Info> = { ...body, checksum: sha256(canonicalJson(body)) };
    writeFileAtomic(join(this.dir, MANIFEST), JSON.stringify(manifest, null, 1));
    return manifest;
  }
}

/** What is at `path`: nothing, a folder, a file, or something else (a reason). */
function kindAt(path: string): 'none' | 'folder' | 'file' | { reason: string } {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return 'folder';
    if (st.isFile()) return 'file';
    return { reason: 'is neither a file nor a folder' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'none';
    return { reason: `cannot be examined: ${fsReason(err)}` };
  }
}

function readBytes(path: string): Buffer | { reason: string } {
  try {
    return readFileSync(path);
  } catch (err) {
    return { reason: `cannot be read: ${fsReason(err)}` };
  }
}

/** A name the manifest may list: a plain file name inside the entry (no folders, no '..'). */
function plainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && name !== MANIFEST && !/[/\\\0]/.test(name);
}

function readManifest<Info>(dir: string): EntryStatus<Info> {
  const at = kindAt(dir);
  if (at === 'none') return { state: 'missing' };
  if (at === 'file') return { state: 'invalid', reason: 'the entry is a file, not a folder' };
  if (at !== 'folder') return { state: 'invalid', reason: `the entry ${at.reason}` };
  const path = join(dir, MANIFEST);
  const kind = kindAt(path);
  if (kind === 'none') return { state: 'missing' };
  if (kind === 'folder') return { state: 'invalid', reason: 'manifest.json is a folder, not a file' };
  if (kind !== 'file') return { state: 'invalid', reason: `manifest.json ${kind.reason}` };
  const bytes = readBytes(path);
  if ('reason' in bytes) return { state: 'invalid', reason: `manifest.json ${bytes.reason}` };
  let m: Manifest<Info>;
  try {
    m = JSON.parse(bytes.toString('utf8')) as Manifest<Info>;
  } catch {
    return { state: 'invalid', reason: 'manifest.json is not valid JSON' };
  }
  if (typeof m !== 'object' || m === null || m.format !== 'ptx-entry/1' || typeof m.files !== 'object' || m.files === null) {
    return { state: 'invalid', reason: 'manifest.json has an unknown format' };
  }
  for (const [name, f] of Object.entries(m.files)) {
    if (!plainName(name)) return { state: 'invalid', reason: `manifest.json lists ${JSON.stringify(name)}, which is not a file name in the entry` };
    if (typeof f !== 'object' || f === null || typeof f.sha256 !== 'string' || !Number.isInteger(f.bytes)) {
      return { state: 'invalid', reason: `manifest.json has no size and checksum for ${name}` };
    }
  }
  if (typeof m.info !== 'object' || m.info === null) return { state: 'invalid', reason: 'manifest.json has no summary (info)' };
  const { checksum, ...body } = m;
  let expected: string;
  try {
    expected = sha256(canonicalJson(body));
  } catch {
    return { state: 'invalid', reason: 'manifest.json holds values that are not plain data' };
  }
  if (checksum !== expected) return { state: 'invalid', reason: 'manifest.json checksum mismatch' };
  return { state: 'complete', manifest: m };
}

function checkFile(dir: string, name: string, f: ManifestFile): { data: Buffer } | { reason: string } {
  const path = join(dir, name);
  const kind = kindAt(path);
  if (kind === 'none') return { reason: `${name} is missing` };
  if (kind === 'folder') return { reason: `${name} is a folder, not a file` };
  if (kind !== 'file') return { reason: `${name} ${kind.reason}` };
  const data = readBytes(path);
  if ('reason' in data) return { reason: `${name} ${data.reason}` };
  if (data.length !== f.bytes) return { reason: `${name} has ${data.length} bytes, expected ${f.bytes} (truncated?)` };
  if (sha256(data) !== f.sha256) return { reason: `${name} checksum mismatch` };
  return { data };
}

/** Checks an entry completely (every file hashed). */
export function verifyEntry<Info = unknown>(dir: string): EntryStatus<Info> {
  const st = readManifest<Info>(dir);
  if (st.state !== 'complete') return st;
  for (const [name, f] of Object.entries(st.manifest.files)) {
    const r = checkFile(dir, name, f);
    if ('reason' in r) return { state: 'invalid', reason: r.reason };
  }
  return st;
}

export interface LoadedEntry<Info> {
  manifest: Manifest<Info>;
  files: Map<string, Buffer>;
}

/** Reads a complete entry's files, verifying each as it is read; throws with the reason otherwise. */
export function loadEntry<Info = unknown>(dir: string): LoadedEntry<Info> {
  const st = readManifest<Info>(dir);
  if (st.state === 'missing') throw new Error(`${dir}: no manifest (the entry was never completed)`);
  if (st.state === 'invalid') throw new Error(`${dir}: ${st.reason}`);
  const files = new Map<string, Buffer>();
  for (const [name, f] of Object.entries(st.manifest.files)) {
    const r = checkFile(dir, name, f);
    if ('reason' in r) throw new Error(`${dir}: ${r.reason}`);
    files.set(name, r.data);
  }
  return { manifest: st.manifest, files };
}
