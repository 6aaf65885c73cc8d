// One `ptx run` at a time per store: two processes training the same runs would waste the machine and
// overwrite each other's resumable snapshots.
//
// The lock is the file `.ptx/lock` holding its owner (pid, host, process start time, a random token).
// - Taking it is atomic with the owner already inside: the owner is written to a temporary file, which
//   link(2) puts in place only if no lock exists. Nobody can see an empty or half-written lock.
// - Releasing it removes it only while it still holds our token.
// - A lock whose owner is gone (killed, crashed; the start time catches a reused pid) is stale. Breaking
//   it first takes an exclusive claim named after that lock's token (`lock.break-<token>`, also by link),
//   then re-reads the lock and removes it only if it still holds that token. Only one process can hold
//   the claim for a given lock, a token is never reused, and while a stale lock exists nobody else can
//   create one (link fails), so a process that judged a lock stale a moment too late can only find its
//   token gone, never remove a newer live lock. A claim left by a breaker that died is stale in turn and
//   broken the same way.
// - File systems without hard links fall back to exclusive creation (see linkIfAbsent).
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { makeFolder, StoreError } from './store-error.js';

export interface LockOwner {
  pid: number;
  host: string;
  /** The process's start time as the kernel counts it (Linux), so a reused pid is not taken for the owner. */
  started: string | null;
  token: string;
  /** When the lock was taken (ISO time). */
  since: string;
}

export type LockResult = { ok: true; release: () => void } | { ok: false; holder: LockOwner | null };

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot), or null where there is no /proc. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // a process on another machine cannot be checked: assume it runs
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.started === null) return true;
  const now = startTimeOf(owner.pid);
  return now === null || now === owner.started;
}

/** A lock file's owner; a lock from before owners were JSON (just a pid) gets a token made of its text. */
function parseOwner(text: string): LockOwner | null {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o === 'object' && o !== null && Number.isInteger(o.pid) && typeof o.token === 'string' && typeof o.host === 'string') {
      return { pid: o.pid!, host: o.host, started: typeof o.started === 'string' ? o.started : null, token: o.token, since: String(o.since ?? '') };
    }
  } catch {
    // not JSON: maybe the old format
  }
  const pid = Number(text.trim());
  if (Number.isInteger(pid) && pid > 0) return { pid, host: hostname(), started: null, token: `pid-${pid}`, since: '' };
  return null;
}

type Seen = { state: 'absent' } | { state: 'owned'; owner: LockOwner; raw: string } | { state: 'garbage'; raw: string; ageMs: number };

function look(path: string): Seen {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'absent' };
    throw new StoreError(path, 'read the lock', err);
  }
  const owner = parseOwner(raw);
  if (owner) return { state: 'owned', owner, raw };
  let ageMs = 0;
  try {
    ageMs = Date.now() - statSync(path).mtimeMs;
  } catch {
    // gone meanwhile: age 0, retried
  }
  return { state: 'garbage', raw, ageMs };
}

/**
 * What names a lock generation, safe as part of a file name: its owner's token, or a hash of the text
 * (a token that is not plain letters and digits, or text that is no owner at all).
 */
function identity(seen: Exclude<Seen, { state: 'absent' }>): string {
  if (seen.state === 'owned' && /^[A-Za-z0-9_-]{1,64}$/.test(seen.owner.token)) return seen.owner.token;
  return `h${createHash('sha256').update(seen.raw).digest('hex').slice(0, 32)}`;
}

/** Text that is no owner at all is taken for stale once it is this old (nothing writes locks slowly). */
const GARBAGE_STALE_MS = 5000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** File systems without hard links (FAT, exFAT, some network mounts) say so with one of these. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

/**
 * link(2) `from` to `to`: true if created, false if `to` exists; any other failure is a StoreError.
 * Where the file system has no hard links, `to` is created exclusively and then written: still only one
 * creator wins, and the moment it is empty reads as an owner-less lock too young to be stale.
 */
function linkIfAbsent(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (!code || !NO_HARD_LINKS.has(code)) throw new StoreError(to, 'create', err);
  }
  let fd: number;
  try {
    fd = openSync(to, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreError(to, 'create', err);
  }
  try {
    writeSync(fd, readFileSync(from));
    fsyncSync(fd);
  } catch (err) {
    rmSync(to, { force: true });
    throw new StoreError(to, 'write', err);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes the lock (or claim) at `path` if it is still the generation `id`, under the exclusive claim
 * `path.break-<id>`. `mine` is a file holding our owner, linked as the claim. Returns when the attempt is
 * over, whatever its outcome: the caller looks again.
 */
function breakStale(path: string, id: string, mine: string, depth = 0): void {
  const claim = `${path}.break-${id}`;
  if (!linkIfAbsent(mine, claim)) {
    const other = look(claim);
    if (other.state === 'absent') return;
    // Someone else is breaking it right now (that takes microseconds), or is still writing its claim.
    if ((other.state === 'owned' && alive(other.owner)) || (other.state === 'garbage' && other.ageMs < GARBAGE_STALE_MS)) {
      sleep(5);
      return;
    }
    // A breaker died holding the claim: break the claim the same way (bounded: each level needs a death).
    if (depth < 8) breakStale(claim, identity(other), mine, depth + 1);
    return;
  }
  try {
    const now = look(path);
    if (now.state !== 'absent' && identity(now) === id) rmSync(path, { force: true });
  } finally {
    rmSync(claim, { force: true });
  }
}

export function acquireLock(path: string): LockResult {
  const dir = dirname(path);
  makeFolder(dir, 'create the store folder');
  const me: LockOwner = { pid: process.pid, host: hostname(), started: startTimeOf(process.pid), token: randomBytes(12).toString('hex'), since: new Date().toISOString() };
  const mine = `${path}.new-${me.token}`;
  try {
    const fd = openSync(mine, 'wx');
    try {
      writeSync(fd, JSON.stringify(me) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    rmSync(mine, { force: true });
    throw new StoreError(mine, 'write', err);
  }
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      if (linkIfAbsent(mine, path)) {
        let released = false;
        return {
          ok: true,
          release: () => {
            if (released) return;
            released = true;
            // Only while it is still ours: a lock that was (wrongly) broken belongs to someone else now.
            const now = look(path);
            if (now.state === 'owned' && now.owner.token === me.token) rmSync(path, { force: true });
          },
        };
      }
      const seen = look(path);
      if (seen.state === 'absent') continue; // released meanwhile: try again
      if (seen.state === 'owned' && alive(seen.owner)) return { ok: false, holder: seen.owner };
      if (seen.state === 'garbage' && seen.ageMs < GARBAGE_STALE_MS) return { ok: false, holder: null };
      breakStale(path, identity(seen), mine);
    }
    const last = look(path);
    return { ok: false, holder: last.state === 'owned' ? last.owner : null };
  } finally {
    rmSync(mine, { force: true });
  }
}

/**
 * The live owner of the lock at `path`, if any, without taking it or creating anything: lets a second
 * `ptx run` refuse before it loads a backend. Errors count as no owner (acquireLock reports them).
 */
export function lockHolder(path: string): LockOwner | null {
  try {
    const seen = look(path);
    return seen.state === 'owned' && alive(seen.owner) ? seen.owner : null;
  } catch {
    return null;
  }
}

/** "pid 1234, since 03:40:12 UTC" — for the message that the store is busy. */
export function describeHolder(holder: LockOwner | null): string {
  if (!holder) return 'another process';
  const since = holder.since ? `, since ${holder.since.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}` : '';
  const where = holder.host !== hostname() ? ` on ${holder.host}` : '';
  return `ptx run pid ${holder.pid}${where}${since}`;
}
