import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, hashKey } from '../../runtime/src/store/canonical.js';
import { writeFileAtomic } from '../../runtime/src/store/atomic.js';
import { decodeTensors, encodeTensors } from '../../runtime/src/store/tensors.js';
import { EntryWriter, loadEntry, verifyEntry } from '../../runtime/src/store/entry.js';
import { RunStore } from '../../runtime/src/store/run-store.js';
import type { TrainerSnapshot } from '../../runtime/src/engine/types.js';
import type { RunInfo } from '../../runtime/src/store/records.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), 'ptx-store-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function flipByte(path: string, at: number): void {
  const b = readFileSync(path);
  b[at] = b[at]! ^ 0x01;
  writeFileSync(path, b);
}

function snapshot(step: number, scale = 1): TrainerSnapshot {
  return {
    step,
    weights: { 'transformer.wte.weight': { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6].map((x) => x * scale)) } },
    adapter: { prefix: { shape: [1, 3], data: Float32Array.from([0.5, -0.25, 1e-7]) } },
    optimizer: { 'm/transformer.wte.weight': { shape: [2, 3], data: new Float32Array(6).fill(step) } },
    rng: [123, step],
  };
}

const INFO: RunInfo = { name: 'base', kind: 'pretrain', method: 'full', backend: 'cpu', seed: 1, steps: 3, trainable: 6, elapsedMs: 10, finalLoss: 0.5 };

test('canonical JSON: key order does not matter, nested too; non-data is rejected', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, 2], c: 'x' } }), '{"a":{"c":"x","d":[1,2]},"b":1}');
  assert.equal(hashKey({ x: 1, y: [1, { q: 2, p: 3 }] }), hashKey({ y: [1, { p: 3, q: 2 }], x: 1 }));
  assert.notEqual(hashKey({ x: 1 }), hashKey({ x: 2 }));
  assert.equal(canonicalJson({ a: undefined, b: 2 }), '{"b":2}');
  assert.throws(() => canonicalJson({ a: NaN }));
  assert.throws(() => canonicalJson({ a: new Map() }));
  assert.throws(() => canonicalJson([undefined]));
  assert.match(hashKey({}), /^[0-9a-f]{64}$/);
});

test('atomic write: replaces the file and leaves no temporary behind', (t) => {
  const d = tempDir(t);
  const p = join(d, 'f.json');
  writeFileAtomic(p, 'one');
  writeFileAtomic(p, 'two');
  assert.equal(readFileSync(p, 'utf8'), 'two');
  assert.deepEqual(readdirSync(d), ['f.json']);
});

test('tensors: float32 round trip, exact; a mismatched binary is an error', () => {
  const ts = { b: { shape: [2, 2], data: Float32Array.from([1.5, -2, 3e-8, 7]) }, a: { shape: [3], data: Float32Array.from([0, 1, 2]) } };
  const { index, bin } = encodeTensors(ts);
  assert.equal(bin.length, 7 * 4);
  const back = decodeTensors(index, bin);
  assert.deepEqual(back.b!.data, ts.b.data);
  assert.deepEqual(back.a!.shape, [3]);
  assert.throws(() => decodeTensors(index, bin.subarray(0, 20)), /index says 28/);
  assert.throws(() => encodeTensors({ x: { shape: [2], data: new Float32Array(3) } }), /3 values for shape \[2\]/);
});

test('entry: complete only after commit; truncation, a flipped byte, or an edited manifest are detected', (t) => {
  const d = join(tempDir(t), 'e');
  const w = new EntryWriter(d);
  w.write('data.bin', new Uint8Array(1000).fill(7));
  w.writeJson('meta.json', { a: 1 });
  assert.equal(verifyEntry(d).state, 'missing', 'no manifest yet: not complete');
  w.commit({ k: 1 }, { note: 'x' });
  const ok = verifyEntry<{ note: string }>(d);
  assert.equal(ok.state, 'complete');
  assert.equal(loadEntry(d).files.get('data.bin')!.length, 1000);

  flipByte(join(d, 'data.bin'), 500);
  assert.deepEqual(verifyEntry(d), { state: 'invalid', reason: 'data.bin checksum mismatch' });
  assert.throws(() => loadEntry(d), /data.bin checksum mismatch/);
  flipByte(join(d, 'data.bin'), 500);
  assert.equal(verifyEntry(d).state, 'complete');

  truncateSync(join(d, 'data.bin'), 999);
  const tr = verifyEntry(d);
  assert.equal(tr.state, 'invalid');
  assert.match((tr as { reason: string }).reason, /999 bytes, expected 1000/);

  const w2 = new EntryWriter(d);
  w2.write('data.bin', 'fresh');
  w2.commit({ k: 2 }, {});
  const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
  m.info = { note: 'tampered' };
  writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
  assert.deepEqual(verifyEntry(d), { state: 'invalid', reason: 'manifest.json checksum mismatch' });
  writeFileSync(join(d, 'manifest.json'), '{"format": "ptx-entry/1", "fil');
  assert.equal(verifyEntry(d).state, 'invalid');
});

test('entry: starting a rewrite removes the old manifest first', (t) => {
  const d = join(tempDir(t), 'e');
  const w = new EntryWriter(d);
  w.write('a', 'x');
  w.commit({}, {});
  assert.equal(verifyEntry(d).state, 'complete');
  new EntryWriter(d).write('a', 'half-written replacement');
  assert.equal(verifyEntry(d).state, 'missing');
});

test('run store: a run round-trips; its folder is .ptx/runs/<hash> beside the spec', (t) => {
  const d = tempDir(t);
  const store = RunStore.besideSpec(join(d, 'exp.ptx'));
  assert.equal(store.root, join(d, '.ptx'));
  const hash = hashKey({ run: 'base' });
  assert.equal(store.runStatus(hash).state, 'missing');
  store.saveRun(hash, { run: 'base' }, { snapshot: snapshot(3), merged: null, metrics: { losses: [3, 2, 1], elapsedMs: 10, stepsPerSecond: 300, resumedAt: [] }, info: INFO });
  const st = store.runStatus(hash);
  assert.equal(st.state, 'complete');
  assert.equal(st.state === 'complete' && st.manifest.info.trainable, 6);
  const run = store.loadRun(hash);
  assert.equal(run.snapshot.step, 3);
  assert.deepEqual(run.snapshot.rng, [123, 3]);
  assert.deepEqual(run.snapshot.adapter.prefix!.data, Float32Array.from([0.5, -0.25, 1e-7]));
  assert.deepEqual(run.snapshot.optimizer['m/transformer.wte.weight']!.data, new Float32Array(6).fill(3));
  assert.deepEqual(run.metrics.losses, [3, 2, 1]);
  assert.equal(run.merged, null);
  assert.deepEqual(store.loadModelWeights(hash), run.snapshot.weights);
  assert.deepEqual(readdirSync(store.runDir(hash)).sort(), ['checkpoint.bin', 'checkpoint.json', 'manifest.json', 'metrics.json']);
  assert.equal(readFileSync(join(store.root, '.gitignore'), 'utf8'), '*\n');

  flipByte(join(store.runDir(hash), 'checkpoint.bin'), 9);
  assert.deepEqual(store.runStatus(hash), { state: 'invalid', reason: 'checkpoint.bin checksum mismatch' });
  assert.throws(() => store.loadRun(hash), /checksum mismatch/);
});

test('run store: evaluations live under the run and verify on their own', (t) => {
  const store = new RunStore(join(tempDir(t), '.ptx'));
  const ev = { run: 'base', task: 'asc', exact: 0.5, perToken: 0.9, samples: 10, backend: 'cpu' as const, seed: 1, trainable: 6, trainMs: 10, hasAttention: true };
  const attention = { tokens: [0, 1, 2], prefixKeys: 0, attention: [[[[1]]]], alpha: null, relativeChange: null };
  store.saveEval('r', 'e', { e: 1 }, { info: ev, attention });
  assert.equal(store.evalStatus('r', 'e').state, 'complete');
  assert.deepEqual(store.loadEval('r', 'e'), { info: ev, attention });
  store.saveEval('r', 'n', { e: 2 }, { info: { ...ev, hasAttention: false }, attention: null });
  assert.equal(store.loadEval('r', 'n').attention, null);
  // Preparing the run for a fresh attempt drops its evaluations (they described the old result).
  store.prepareRun('r');
  assert.equal(store.evalStatus('r', 'e').state, 'missing');
});

test('resume: saved atomically, newest valid one wins, corrupt ones are reported, cleared when the run completes', (t) => {
  const store = new RunStore(join(tempDir(t), '.ptx'));
  const h = 'abc';
  assert.equal(store.loadResume(h), null);
  const state = (step: number) => ({ snapshot: snapshot(step), dataState: 99 + step, losses: [1, 0.5], elapsedMs: 1234, resumedAt: [] });
  store.saveResume(h, state(2));
  store.saveResume(h, state(4));
  assert.deepEqual(readdirSync(store.runDir(h)), ['resume']);
  const r = store.loadResume(h)!;
  assert.equal(r.snapshot.step, 4);
  assert.equal(r.dataState, 103);
  assert.deepEqual(r.snapshot.weights['transformer.wte.weight']!.data, Float32Array.from([1, 2, 3, 4, 5, 6]));

  // A crash between sealing a new snapshot and swapping it in leaves a sealed resume-* folder: it is used.
  store.saveResume(h, state(6));
  const tmpName = join(store.runDir(h), 'resume-deadbeef');
  mkdirSync(tmpName);
  for (const f of readdirSync(store.resumeDir(h))) writeFileSync(join(tmpName, f), readFileSync(join(store.resumeDir(h), f)));
  store.saveResume(h, state(5));
  assert.equal(store.loadResume(h)!.snapshot.step, 6);

  // Corrupt snapshot: reported and ignored.
  rmSync(tmpName, { recursive: true });
  flipByte(join(store.resumeDir(h), 'snapshot.bin'), 3);
  const reasons: string[] = [];
  assert.equal(store.loadResume(h, (r) => reasons.push(r)), null);
  assert.deepEqual(reasons, ['resume: snapshot.bin checksum mismatch']);

  // prepareRun keeps the snapshot; saveRun removes it.
  store.saveResume(h, state(2));
  store.prepareRun(h);
  assert.ok(store.loadResume(h));
  store.saveRun(h, {}, { snapshot: snapshot(3), merged: snapshot(3, 2).weights, metrics: { losses: [], elapsedMs: 0, stepsPerSecond: 0, resumedAt: [] }, info: INFO });
  assert.equal(existsSync(store.resumeDir(h)), false);
  assert.deepEqual(store.loadModelWeights(h)['transformer.wte.weight']!.data, Float32Array.from([2, 4, 6, 8, 10, 12]), 'merged weights win');
  assert.deepEqual(store.loadRun(h).snapshot.weights['transformer.wte.weight']!.data, Float32Array.from([1, 2, 3, 4, 5, 6]));
});

test('lock: one holder at a time, its owner inside; released only by its owner; stale locks and abandoned claims are taken over', async (t) => {
  const { acquireLock } = await import('../../runtime/src/store/lock.js');
  const { StoreError } = await import('../../runtime/src/store/store-error.js');
  const { spawnSync } = await import('node:child_process');
  const dir = join(tempDir(t), '.ptx');
  const path = join(dir, 'lock');
  const a = acquireLock(path);
  assert.ok(a.ok);
  const owner = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(owner.pid, process.pid);
  assert.match(owner.token, /^[0-9a-f]{24}$/);
  assert.deepEqual(readdirSync(dir), ['lock'], 'no temporary file is left beside the lock');
  const again = acquireLock(path);
  assert.ok(!again.ok && again.holder?.token === owner.token, 'a second taker in the same process is refused too');
  a.release();
  assert.equal(existsSync(path), false);

  // Release only by the owner: a lock that is no longer ours stays.
  const c = acquireLock(path);
  assert.ok(c.ok);
  const someoneElse = JSON.stringify({ pid: process.ppid, host: owner.host, started: null, token: 'f'.repeat(24), since: '' });
  writeFileSync(path, someoneElse);
  c.release();
  assert.equal(readFileSync(path, 'utf8'), someoneElse, 'release left the other owner in place');
  const held = acquireLock(path);
  assert.ok(!held.ok && held.holder?.pid === process.ppid, 'held by the live parent');

  // Stale: the old plain-pid format and the JSON one, of a process that has exited.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  for (const text of [dead.stdout, JSON.stringify({ pid: Number(dead.stdout), host: owner.host, started: '1', token: 'd'.repeat(24), since: '' })]) {
    writeFileSync(path, text);
    const b = acquireLock(path);
    assert.ok(b.ok, `stale lock ${text} taken over`);
    b.release();
  }
  // A live pid with another start time is a reused pid: stale.
  writeFileSync(path, JSON.stringify({ pid: process.ppid, host: owner.host, started: 'not-its-start', token: 'e'.repeat(24), since: '' }));
  const reused = acquireLock(path);
  assert.ok(reused.ok, 'a reused pid does not keep the lock');
  reused.release();

  // A breaker that died holding its claim: the claim is broken in turn, then the stale lock.
  const staleToken = 'a'.repeat(24);
  writeFileSync(path, JSON.stringify({ pid: Number(dead.stdout), host: owner.host, started: null, token: staleToken, since: '' }));
  writeFileSync(`${path}.break-${staleToken}`, JSON.stringify({ pid: Number(dead.stdout), host: owner.host, started: null, token: 'b'.repeat(24), since: '' }));
  const d = acquireLock(path);
  assert.ok(d.ok, 'taken over past an abandoned claim');
  d.release();
  assert.deepEqual(readdirSync(dir), [], 'claims are cleaned up');

  // A token that is no file name (a hand-made lock) cannot steer the claim's path out of the store.
  writeFileSync(path, JSON.stringify({ pid: Number(dead.stdout), host: owner.host, started: null, token: '../../escape', since: '' }));
  const e = acquireLock(path);
  assert.ok(e.ok, 'taken over');
  e.release();
  assert.deepEqual(readdirSync(dir), []);
  assert.equal(existsSync(join(dir, '..', '..', 'escape')), false);

  // A folder where the lock should be: one line naming it.
  mkdirSync(path);
  assert.throws(() => acquireLock(path), (err: unknown) => err instanceof StoreError && err.message === `cannot read the lock ${path}: it is a folder, not a file`);
});
