// Ctrl-C during `ptx run` (a real child process and a real SIGINT): the run stops at a step boundary with
// exit 130, leaves no complete-looking run but a verified resumable snapshot, and the next `ptx run`
// resumes from it and ends with exactly the loss curve of an uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { analyse } from '../../grammar/src/index.js';
import { buildPlan } from '../../runtime/src/plan/plan.js';
import { RunStore, type StoredRun } from '../../runtime/src/store/run-store.js';
import { verifyEntry } from '../../runtime/src/store/entry.js';
import { runRun } from '../../runtime/src/commands/run.js';

const SPEC = `
data d { values: 0..3  length: 3  vocab: 5  test: 0.2 }
model m { layers: 1  heads: 1  width: 16  mlp: 32  dropout: 0.1  context: 10 }
task asc = sort(ascending)
pretrain base {
  model: m  data: d  tasks: [asc]
  steps: 100  batch: 16  seed: 7
  optimizer: adamw(lr: 3e-3, weight_decay: 0.1)
  reserve: 0
}
evaluate [base] on [asc] { samples: 16 }
`;

type Event = { event: string; status?: string; step?: number; resumedFrom?: number; exitCode?: number; kind?: string };

/** Runs `ptx run --events` in a child; sends SIGINT once a progress event reports `interruptAtStep`. */
function runChild(spec: string, interruptAtStep: number | null, opts: { signal?: NodeJS.Signals; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; events: Event[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/src/cli.ts', 'run', spec, '--backend', 'wasm', '--events'], {
      cwd: process.cwd(),
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: Event[] = [];
    let sent = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const e = JSON.parse(line) as Event;
      events.push(e);
      if (interruptAtStep !== null && !sent && e.event === 'progress' && (e.step ?? 0) >= interruptAtStep) {
        sent = true;
        child.kill(opts.signal ?? 'SIGINT');
      }
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === null && signal !== opts.signal ? reject(new Error(`killed by ${signal}; stderr: ${stderr}`)) : resolve({ code, events }),
    );
  });
}

test('SIGINT: resumable snapshot, exit 130, nothing complete-looking; the next run resumes bit-for-bit', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-int-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const text = SPEC;
  assert.deepEqual(analyse(text).diagnostics.filter((d) => d.severity === 'error'), []);
  const spec = join(dir, 'int.ptx');
  writeFileSync(spec, text);
  const hash = buildPlan(analyse(text).spec, { backend: 'wasm' }).runs.get('base')!.hash;
  const store = RunStore.besideSpec(spec);

  const stopped = await runChild(spec, 2);
  assert.equal(stopped.code, 130);
  const end = stopped.events.find((e) => e.event === 'job-end' && e.kind === 'train')!;
  assert.equal(end.status, 'stopped');
  assert.deepEqual(stopped.events[stopped.events.length - 1], { event: 'done', exitCode: 130, trained: 0, evaluated: 0, cached: 0, failed: 0, stopped: true });
  assert.notEqual(store.runStatus(hash).state, 'complete', 'a stopped run never looks complete');
  assert.equal(verifyEntry(store.resumeDir(hash)).state, 'complete', 'the snapshot is sealed');
  const saved = store.loadResume(hash)!;
  assert.ok(saved.snapshot.step >= 2 && saved.snapshot.step < 100, `stopped at ${saved.snapshot.step}`);
  assert.equal(saved.losses.length, saved.snapshot.step);
  console.log(`stopped at step ${saved.snapshot.step} of 100`);

  const resumed = await runChild(spec, null);
  assert.equal(resumed.code, 0);
  const start = resumed.events.find((e) => e.event === 'job-start' && e.kind === 'train')!;
  assert.equal(start.resumedFrom, saved.snapshot.step);
  assert.equal(store.runStatus(hash).state, 'complete');
  const interrupted = store.loadRun(hash);
  assert.deepEqual(interrupted.metrics.resumedAt, [saved.snapshot.step]);

  // The same spec trained in one go elsewhere: the same loss curve, step for step (dropout is on).
  const straight = await straightRun(t);
  assert.deepEqual(interrupted.metrics.losses, straight.metrics.losses);
  assert.deepEqual(interrupted.snapshot.weights, straight.snapshot.weights);
});

let straightCache: Promise<StoredRun> | null = null;
/** The spec trained in one go, in this process (once per file). */
function straightRun(t: { after: (fn: () => void) => void }): Promise<StoredRun> {
  straightCache ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptx-int-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'int.ptx'), SPEC);
    const code = await runRun([join(dir, 'int.ptx'), '--backend', 'wasm', '--quiet'], { stdout: () => {}, stderr: () => {}, tty: false, env: {} });
    assert.equal(code, 0);
    const hash = buildPlan(analyse(SPEC).spec, { backend: 'wasm' }).runs.get('base')!.hash;
    return RunStore.besideSpec(join(dir, 'int.ptx')).loadRun(hash);
  })();
  return straightCache;
}

test('kill -9: the periodic snapshot survives and the next run resumes from it bit-for-bit', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-kill-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, 'int.ptx');
  writeFileSync(spec, SPEC);
  const hash = buildPlan(analyse(SPEC).spec, { backend: 'wasm' }).runs.get('base')!.hash;
  const store = RunStore.besideSpec(spec);

  const killed = await runChild(spec, 2, { signal: 'SIGKILL', env: { PTX_SNAPSHOT_EVERY: '0.1' } });
  assert.equal(killed.code, null);
  assert.equal(store.runStatus(hash).state, 'missing');
  const saved = store.loadResume(hash);
  assert.ok(saved && saved.snapshot.step > 0, 'a periodic snapshot was saved before the kill');

  const resumed = await runChild(spec, null);
  assert.equal(resumed.code, 0);
  const start = resumed.events.find((e) => e.event === 'job-start' && e.kind === 'train')!;
  assert.equal(start.resumedFrom, saved.snapshot.step);
  const run = store.loadRun(hash);
  assert.deepEqual(run.metrics.losses, (await straightRun(t)).metrics.losses);
});
