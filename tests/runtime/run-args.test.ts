import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandLine, parseRunArgs } from '../../runtime/src/commands/run/args.js';
import { EventReporter, HumanReporter } from '../../runtime/src/commands/run/reporter.js';
import { formatSeconds, textTable } from '../../runtime/src/commands/run/format.js';
import { resultTable } from '../../runtime/src/commands/run/table.js';

test('run args: file, --only, --backend, flags; errors are one line', () => {
  assert.deepEqual(parseRunArgs(['a.ptx', '--only', 'x', '--backend', 'wasm', '--events']), { file: 'a.ptx', only: 'x', backend: 'wasm', events: true, format: 'text', quiet: false, threads: 1 });
  assert.deepEqual(parseRunArgs(['--backend=cpu', 'a.ptx', '--quiet', '--format=json']), { file: 'a.ptx', backend: 'cpu', events: false, format: 'json', quiet: true, threads: 1 });
  assert.equal((parseRunArgs(['a.ptx', '-q']) as { quiet: boolean }).quiet, true);
  assert.equal((parseRunArgs(['a.ptx', '--threads', '2']) as { threads: number }).threads, 2);
  assert.deepEqual(parseRunArgs(['a.ptx', '--threads', '1.5']), { error: '--threads needs a whole number from 1 to 64' });
  assert.deepEqual(parseRunArgs(['a.ptx', '--threads', '']), { error: '--threads needs a whole number from 1 to 64' });
  assert.deepEqual(parseRunArgs(['a.ptx', '--backend', 'gpu']), { error: '--backend must be one of node, wasm, cpu' });
  assert.deepEqual(parseRunArgs([]), { error: 'no spec file given' });
  assert.deepEqual(parseRunArgs(['a.ptx', 'b.ptx']), { error: "one spec file at a time (got 'a.ptx' and 'b.ptx')" });
  assert.deepEqual(parseRunArgs(['a.ptx', '--only']), { error: '--only needs a NAME' });
  assert.deepEqual(parseRunArgs(['a.ptx', '--only', '--quiet']), { error: '--only needs a NAME' }, 'a flag is not taken as the value');
  assert.deepEqual(parseRunArgs(['a.ptx', '--fast']), { error: "unknown option '--fast'" });
  assert.deepEqual(parseRunArgs(['a.ptx', '--threds', '2']), { error: "unknown option '--threds' (did you mean --threads?)" });
  assert.deepEqual(parseRunArgs(['a.ptx', '--qiet']), { error: "unknown option '--qiet' (did you mean --quiet?)" });
  assert.deepEqual(parseRunArgs(['a.ptx', '--back', 'wasm']), { error: "unknown option '--back' (did you mean --backend?)" });
  assert.deepEqual(parseRunArgs(['a.ptx', '--only', 'x', '--only=y']), { error: '--only was given twice; give it once' });
  assert.deepEqual(parseRunArgs(['a.ptx', '--quiet', '-q']), { error: '-q/--quiet was given twice; give it once' });
  assert.deepEqual(parseRunArgs(['a.ptx', '--events=yes']), { error: "--events takes no value (got 'yes')" });
  assert.deepEqual(parseRunArgs(['a.ptx', '--events', '--format', 'json']), { error: 'give --events or --format json, not both' });
  assert.deepEqual(parseRunArgs(['--', '--odd.ptx']), { file: '--odd.ptx', events: false, format: 'text', quiet: false, threads: 1 }, '-- ends the flags');
  assert.deepEqual(parseRunArgs(['--help']), { help: true });
  assert.deepEqual(parseRunArgs(['a.ptx', '-h']), { help: true });
  assert.equal(commandLine({ file: 'my spec.ptx', only: 'desc', backend: 'wasm', events: true, format: 'text', quiet: false, threads: 2 }), "ptx run 'my spec.ptx' --only desc --backend wasm --threads 2");
});

const job = { id: 'train:base', kind: 'train' as const, run: 'base', hash: 'h' };

test('events: JSON lines only, progress throttled but the last step always sent', () => {
  const lines: string[] = [];
  const r = new EventReporter((t) => lines.push(t));
  r.jobStart(job, { steps: 1000 });
  for (let s = 1; s <= 1000; s++) r.progress(job, { step: s, steps: 1000, loss: 1 / s, stepsPerSecond: 1e6, etaSeconds: 0 });
  r.jobEnd(job, { status: 'done', seconds: 1, finalLoss: 0.001 });
  r.done({ exitCode: 0, trained: 1, evaluated: 0, cached: 0, failed: 0, stopped: false });
  const events = lines.map((l) => {
    assert.ok(l.endsWith('\n') && !l.slice(0, -1).includes('\n'));
    return JSON.parse(l) as { event: string; step?: number };
  });
  assert.equal(events[0]!.event, 'job-start');
  const progress = events.filter((e) => e.event === 'progress');
  assert.ok(progress.length >= 1 && progress.length < 10, `${progress.length} progress events`);
  assert.equal(progress[progress.length - 1]!.step, 1000);
  assert.deepEqual(events.slice(-2).map((e) => e.event), ['job-end', 'done']);
});

test('human progress: redrawn in place on a TTY, plain lines otherwise', () => {
  let tty = '';
  const r = new HumanReporter((t) => (tty += t), { tty: true, quiet: false, columns: 200 });
  r.progress(job, { step: 5, steps: 10, loss: 0.5, stepsPerSecond: 2, etaSeconds: 2.5 });
  r.jobEnd(job, { status: 'done', seconds: 5, finalLoss: 0.25 });
  assert.match(tty, /^\r\x1b\[2K {2}base \[#{10}\.{10}\] step 5\/10 {2}loss 0\.5000 {2}2\.0 steps\/s {2}ETA 2\.5s\r\x1b\[2K {2}done in 5\.0s, final loss 0\.2500\n$/);
  let plain = '';
  const p = new HumanReporter((t) => (plain += t), { tty: false, quiet: false, plainEverySeconds: 3600 });
  for (let s = 1; s <= 10; s++) p.progress(job, { step: s, steps: 10, loss: 0.5, stepsPerSecond: 2, etaSeconds: 1 });
  assert.ok(!plain.includes('\r'));
  assert.equal(plain.trim().split('\n').length, 1, 'only the final step within the period');
  assert.match(plain, /step 10\/10/);
});

test('table: every column, numbers right-aligned', () => {
  const t = resultTable([
    { run: 'desc_full', task: 'desc', exact: 0.849, perToken: 0.97, samples: 3200, trainable: 123456, trainSeconds: 75, backend: 'wasm', seed: 0, cached: false, block: null, hash: 'x', attention: null },
    { run: 'desc_prefix', task: 'desc', exact: 0, perToken: 0.2, samples: 3200, trainable: 96, trainSeconds: 5, backend: 'wasm', threads: 2, seed: 0, cached: true, block: null, hash: 'y', attention: null },
  ]);
  const lines = t.trimEnd().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^run +task +exact match +per-token +trainable params +time +backend +seed$/);
  assert.match(lines[2]!, /^desc_full +desc +84\.9% +97\.0% +123,456 +1m15s +wasm +0$/);
  assert.match(lines[3]!, /^desc_prefix +desc +0\.0% +20\.0% +96 +5\.0s +wasm×2 +0$/);
  assert.equal(formatSeconds(3725), '1h02m');
  assert.equal(textTable(['a'], [['x']], [true]), 'a\n-\nx\n');
});
