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
});
