// The compare hover's time estimate from the store: a real tiny spec trained by `ptx run`, then the
// estimate of another compare on the same model read back from the store's manifests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyse } from '../../grammar/src/index.js';
import { compareEstimate, storedSpeeds } from '../../server/src/runSpeed.js';
import { runCaptured } from '../runtime/run-capture.js';
import { pathToFileURL } from 'node:url';
import type { Hover } from 'vscode-languageserver-protocol';
import { LspClient } from './helpers.js';

const SPEC = `
data d { values: 0..3  length: 3  vocab: 5 }
model m { layers: 1  heads: 1  width: 16  mlp: 32  dropout: 0  context: 10 }
model wide { layers: 1  heads: 1  width: 32  mlp: 64  dropout: 0  context: 10 }
task asc = sort(ascending)
task desc = sort(descending)
pretrain base { model: m  data: d  tasks: [asc]  steps: 30  batch: 16  reserve: 2 }
compare c from base on desc { methods: [full, prefix(length: 2)]  steps: 20  batch: 16  stop_at: 1 }
`;

test('compare estimate: each run at the stored speed of its model and method; none for a model never trained here', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-speed-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'spec.ptx');
  writeFileSync(file, SPEC);
  const r = await runCaptured([file, '--backend', 'wasm']);
  assert.equal(r.code, 0, r.err);
  const samples = storedSpeeds(join(dir, '.ptx'));
  assert.equal(samples.length, 3, JSON.stringify(samples)); // base, c/full, c/prefix
  assert.ok(samples.every((s) => s.secondsPerStep > 0 && s.secondsPerStep < 5));

  const later = analyse(SPEC + 'compare k from base on desc { methods: [prefix(length: 2, lr: [1e-3, 1e-2, 1e-1])]  seeds: [0, 1]  steps: 100  batch: 16 }\n').spec;
  const k = later.compares.get('k')!;
  const base = later.pretrains.get('base')!;
  const est = compareEstimate(k, base.model, base.reserve + 2 * base.data.length, samples)!;
  const prefix = samples.find((s) => s.method === 'prefix')!;
  // 3 configurations × 2 seeds × 100 steps at the one stored prefix run's speed.
  assert.ok(Math.abs(est.seconds - 600 * prefix.secondsPerStep) < 1e-9, JSON.stringify(est));
  assert.equal(est.basis, 1);
  assert.equal(compareEstimate(k, later.models.get('wide')!, 8, samples), null);

  // Over LSP: the compare block's hover states the time beside its grid, for a spec whose store has the speed.
  const client = await LspClient.start();
  try {
    const text = SPEC + 'compare k from base on desc { methods: [prefix(length: 2, lr: [1e-3, 1e-2, 1e-1])]  seeds: [0, 1]  steps: 100  batch: 16 }\n';
    const uri = client.open(text, pathToFileURL(join(dir, 'spec.ptx')).href);
    await client.waitForDiagnostics(uri, 1);
    const line = text.split('\n').findIndex((l) => l.startsWith('compare k'));
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: 'compare '.length } });
    const value = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    assert.match(value, /3 configurations × 2 seeds = 6 runs/);
    assert.match(value, /At most about \*\*\d+ s\*\* of training here, one run after another \(at the speed of 1 stored run of this model/);
    // Elsewhere (no store beside the spec), no estimate.
    const other = client.open(text, 'file:///tmp/ptx-no-store-here/spec.ptx');
    await client.waitForDiagnostics(other, 1);
    const h2 = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: other }, position: { line, character: 'compare '.length } });
    assert.doesNotMatch(h2 && typeof h2.contents === 'object' && 'value' in h2.contents ? h2.contents.value : '', /At most about/);
  } finally {
    await client.stop();
  }
});
