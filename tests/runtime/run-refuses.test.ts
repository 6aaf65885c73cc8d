// `ptx run` refuses, before training anything, the specs it used to train and then fail on (issue 13): the
// same analysis as `ptx check`, so each comes back at once with the located error, exit 1, and an empty store.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ptx } from './cli-process.js';

const CASES = join('tests', 'runtime', 'agreement-cases');

for (const [file, code] of [
  ['issue13-width-8192.ptx', 'run-exceeds-memory'],
  ['issue13-two-values-length-2.ptx', 'input-space-too-small'],
] as const) {
  test(`ptx run ${file}: refused with ${code} before anything trains`, () => {
    const store = mkdtempSync(join(tmpdir(), 'ptx-refuse-'));
    const started = Date.now();
    const r = ptx(['run', join(CASES, file), '--backend', 'wasm'], { PTX_STORE: store });
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`${file}:\\d+:\\d+: error ${code}: `));
    assert.match(r.err, /nothing was trained/);
    // Width 8192 used to run 33 s and die at 6.6 GB inside the wasm backend.
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
    assert.ok(!existsSync(store) || readdirSync(store).length === 0, 'the store was written to');
  });
}
