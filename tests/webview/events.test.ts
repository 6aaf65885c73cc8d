// The extension's reading of `ptx run --events`: the events of a real run (a tiny spec through the CLI in
// this process) all parse, lines split across chunks are joined, and malformed lines are not events.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runRun } from '../../runtime/src/commands/run.js';
import { LineSplitter, parseEvent } from '../../client/src/runs/events.js';
import { formatEta } from '../../client/src/runs/format.js';

const SPEC = `data d { values: 0..5  length: 4  vocab: 8 }
model m { layers: 1  heads: 1  width: 8  mlp: 16  dropout: 0  context: 12 }
task asc = sort(ascending)
pretrain base { model: m  data: d  tasks: [asc]  steps: 6  batch: 8  seed: 1  reserve: 1 }
evaluate [base] on [asc] { samples: 16  probe: [1, 2, 3, 0] }
`;

test('every line of a real --events run parses, through a splitter fed in odd-sized chunks', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-events-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 's.ptx'), SPEC);
  let out = '';
  const code = await runRun([join(dir, 's.ptx'), '--events', '--backend', 'wasm'], { stdout: (s) => void (out += s), stderr: () => undefined, tty: false, env: {} });
  assert.equal(code, 0);
  const splitter = new LineSplitter();
  const lines: string[] = [];
  for (let i = 0; i < out.length; i += 37) lines.push(...splitter.push(out.slice(i, i + 37)));
  lines.push(...splitter.flush());
  assert.equal(lines.length, out.trim().split('\n').length);
  const events = lines.map(parseEvent);
  assert.ok(events.every((e) => e !== null), lines.filter((_, i) => !events[i]).join('\n'));
  const kinds = events.map((e) => e!.event);
  for (const k of ['backend', 'job-start', 'progress', 'job-end', 'result', 'done']) assert.ok(kinds.includes(k as never), `no ${k} event`);
  assert.equal(kinds[kinds.length - 1], 'done');
  const result = events.find((e) => e!.event === 'result' && e!.attention);
  assert.ok(result, 'the evaluate block recorded attention');
});

test('malformed lines are not events', () => {
  for (const line of ['', 'not json', '[]', '{"event":"progress","id":"x"}', '{"event":"done","exitCode":"0"}', '{"event":"unknown"}', '{"event":"job-end","id":"a","run":"r","hash":"h","status":"exploded","seconds":1}']) {
    assert.equal(parseEvent(line), null, line);
  }
  assert.deepEqual(parseEvent('{"event":"info","message":"hi"}'), { event: 'info', message: 'hi' });
  assert.equal(formatEta(5), '5s left');
  assert.equal(formatEta(125), '2m05s left');
  assert.equal(formatEta(119.6), '2m00s left');
  assert.equal(formatEta(Infinity), '');
});
