// SIGTERM (or a second Ctrl-C) while the step in progress never returns: the process still exits
// promptly, says why and how to resume, ends the event stream, and frees the store lock. A real child
// process and real signals (tests/runtime/hung-step-child.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

type Event = { event: string; message?: string; exitCode?: number; stopped?: boolean };

/** Starts the child, sends `signals` (ms after the step started, each) and returns how it ended. */
function hung(lock: string, graceMs: number, signals: Array<[NodeJS.Signals, number]>): Promise<{ code: number | null; events: Event[]; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/runtime/hung-step-child.ts', lock, String(graceMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const events: Event[] = [];
    let sentAt = 0;
    // Never hang the test itself: a child that ignores the signals is killed and reported.
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const e = JSON.parse(line) as Event;
      events.push(e);
      if (e.message === 'step 1 started') {
        sentAt = Date.now();
        for (const [sig, after] of signals) setTimeout(() => child.kill(sig), after);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, events, ms: Date.now() - sentAt });
    });
  });
}

test('SIGTERM while a step never returns: exit 143 after the grace period, with the reason and the resume command', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-hung-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lock = join(dir, '.ptx', 'lock');
  const r = await hung(lock, 1000, [['SIGTERM', 0]]);
  assert.equal(r.code, 143, `exited ${r.code} after ${r.ms} ms: ${JSON.stringify(r.events)}`);
  assert.ok(r.ms >= 1000 && r.ms < 10_000, `exited ${r.ms} ms after SIGTERM (grace 1 s)`);
  const error = r.events.find((e) => e.event === 'error')!;
  assert.equal(error.message, 'the step in progress did not finish within 1 s of SIGTERM: quitting now without waiting for the step; snapshots saved so far are kept. To resume, run: ptx run hung.ptx');
  assert.deepEqual(r.events.at(-1), { event: 'done', exitCode: 143, trained: 0, evaluated: 0, cached: 0, failed: 0, stopped: true });
  assert.equal(existsSync(lock), false, 'the store lock is released');
});

test('a second Ctrl-C while stopping: exit 130 at once, saying so', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-hung-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lock = join(dir, '.ptx', 'lock');
  const r = await hung(lock, 60_000, [['SIGINT', 0], ['SIGINT', 300]]);
  assert.equal(r.code, 130, `exited ${r.code}: ${JSON.stringify(r.events)}`);
  assert.ok(r.ms < 10_000, `exited ${r.ms} ms after the first Ctrl-C (grace 60 s)`);
  assert.ok(r.events.some((e) => e.event === 'info' && e.message!.startsWith('stopping at the next step boundary')));
  assert.match(r.events.find((e) => e.event === 'error')!.message!, /^a second SIGINT while stopping: quitting now/);
  assert.equal(existsSync(lock), false, 'the store lock is released');
});
