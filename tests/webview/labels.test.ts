// Short run labels (status bar, notifications, tables, legends), the log's wording, the legend's layout and
// the lens text of a block's results: pure functions, checked on the names and numbers users see.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ReportData } from '../../runtime/src/report/data.js';
import { blockResultText, summariseRun } from '../../client/src/results/summary.js';
import { backendLine, exitLine, infoLine, shortRun } from '../../client/src/runs/wording.js';
import { layoutLegend } from '../../client/webview/render/curves.js';
import { shortRunLabels } from '../../client/webview/render/labels.js';

const LORA = 'desc_methods/lora(rank: 1, targets: [query, key, value, output], lr: 0.02)/seed0';

test('short labels: compare runs lose the compare name and most arguments, as long as labels stay distinct', () => {
  assert.equal(shortRun(LORA), 'lora(rank: 1, …) · seed 0');
  assert.equal(shortRun('desc_methods/full/seed1'), 'full · seed 1');
  assert.equal(shortRun('base'), 'base');
  // Two LoRA runs that differ after the first argument keep their whole method.
  const two = shortRunLabels([LORA, LORA.replace('lr: 0.02', 'lr: 0.05')]);
  assert.deepEqual([...two.values()], ['lora(rank: 1, targets: [query, key, value, output], lr: 0.02) · seed 0', 'lora(rank: 1, targets: [query, key, value, output], lr: 0.05) · seed 0']);
  // The same method in two compare blocks: the full names.
  const clash = shortRunLabels(['a/full/seed0', 'b/full/seed0']);
  assert.deepEqual([...clash.values()], ['a/full/seed0', 'b/full/seed0']);
});

test('log wording: backends by what they are, no exit codes or terminal advice', () => {
  assert.equal(backendLine('wasm', ["node: @tensorflow/tfjs-node failed to load: Cannot find module '@tensorflow/tfjs-node'"]), 'backend: WebAssembly (tfjs-node is not installed)');
  assert.equal(backendLine('wasm', ['node: @tensorflow/tfjs-node failed to load: libtensorflow.so.2: cannot open shared object file']), 'backend: WebAssembly (tfjs-node is installed but does not load: libtensorflow.so.2: cannot open shared object file)');
  assert.equal(backendLine('cpu', []), 'backend: plain JavaScript');
  assert.equal(infoLine('stopping at the next step boundary (Ctrl-C again to quit at once)'), null);
  assert.equal(infoLine('long stopped at step 6 of 200000; its snapshot is saved. To resume, run: ptx run long.ptx'), null);
  assert.equal(infoLine('base: ignoring an unusable resume snapshot (bad checksum)'), 'base: ignoring an unusable resume snapshot (bad checksum)');
  assert.equal(exitLine('run a.ptx', 143, false), 'run a.ptx: stopped');
  assert.equal(exitLine('run a.ptx', 1, true), 'run a.ptx: stopped');
  assert.equal(exitLine('run a.ptx', 0, false), 'run a.ptx: finished');
  assert.equal(exitLine('train base', 1, false), 'train base: failed (exit status 1)');
});

test('legend layout: rows that fit the width, labels cut to the room there is', () => {
  const labels = ['base', 'full · seed 0', 'lora(rank: 1, …) · seed 0', 'prefix(length: 8) · seed 0'];
  const wide = layoutLegend(labels, 58, 1200);
  assert.equal(wide.rows, 1);
  const narrow = layoutLegend(labels, 58, 320);
  assert.ok(narrow.rows >= 2, `${narrow.rows} rows at 320 px`);
  for (const item of narrow.items) assert.ok(item.x + 28 + item.label.length * 6.4 <= 320, `${item.label} at ${item.x} fits`);
  const tiny = layoutLegend([LORA], 58, 280);
  assert.ok(tiny.items[0]!.label.endsWith('…') && tiny.items[0]!.label.length < LORA.length);
});

test('lens text from the report fixture: a trained run with its results, a compare block counted, nothing for unknown runs', () => {
  const data = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'report.json'), 'utf8')) as ReportData;
  const base = summariseRun(data, 'base');
  assert.equal(base.state, 'trained');
  const pretrain = data.blocks.find((b) => b.kind === 'pretrain')!;
  const text = blockResultText(data, pretrain)!;
  const asc = base.results.find((e) => e.task === 'asc')!;
  assert.match(text.text, new RegExp(`^✓ asc ${(100 * asc.exact).toFixed(1)}%`));
  assert.equal(text.attention, true);
  const compare = data.blocks.find((b) => b.kind === 'compare')!;
  assert.match(blockResultText(data, compare)!.text, new RegExp(`^✓ ${compare.runs.length}/${compare.runs.length} trained`));
  assert.equal(summariseRun(data, 'never_trained').state, 'none');
  // Only earlier versions stored: stale.
  const staleData: ReportData = { ...data, runs: data.runs.map((r) => ({ ...r, current: false })) };
  assert.equal(blockResultText(staleData, pretrain)!.state, 'stale');
});
