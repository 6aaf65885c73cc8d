// Whatever `ptx check` accepts, `ptx run` trains: 500 seeded random small specs (degenerate input spaces,
// test fractions at the hash's edges, tight contexts and reserves, every method) are checked, and every
// check-clean one is planned and run for a few steps and evaluated on a few samples on the wasm backend,
// through the same analysis, plan and executor as `ptx run`, against a real store. No run may fail.
// The specs the property found while the check still disagreed with the runtime are kept as regression
// cases in agreement-cases/ (with the failure each one had); the check must refuse them.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { initBackend } from '../../runtime/src/engine/index.js';
import { checkThenRun } from './agreement.js';
import { randomSpec } from './spec-generator.js';

const SEED = 1;
const SPECS = 500;
const CASES = join(import.meta.dirname, 'agreement-cases');

let root: string;
before(async () => {
  await initBackend('wasm');
  root = mkdtempSync(join(tmpdir(), 'ptx-agreement-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

test('every spec the property found failing at run time is now refused by the check, with a located error', async () => {
  const files = readdirSync(CASES).filter((f) => f.endsWith('.ptx'));
  assert.ok(files.length >= 10, `only ${files.length} regression cases`);
  for (const f of files) {
    const out = await checkThenRun(readFileSync(join(CASES, f), 'utf8'), 'wasm', join(root, f));
    assert.equal(out.kind, 'rejected', `${f}: the check accepted it`);
    if (out.kind !== 'rejected') continue;
    assert.ok(
      out.errors.some((e) => / (input-space-too-small|run-exceeds-memory): /.test(e)),
      `${f}: refused for another reason: ${out.errors.join('; ')}`,
    );
  }
});

test(`${SPECS} random small specs: every one the check accepts trains and evaluates`, async (t) => {
  const started = Date.now();
  let accepted = 0;
  let trained = 0;
  let evaluated = 0;
  const failures: string[] = [];
  for (let i = 0; i < SPECS; i++) {
    const text = randomSpec(SEED, i);
    const out = await checkThenRun(text, 'wasm', join(root, `spec-${i}`));
    if (out.kind === 'rejected') continue;
    accepted++;
    trained += out.trained;
    evaluated += out.evaluated;
    if (out.failures.length) failures.push(`spec ${i} (seed ${SEED}):\n${text}${out.failures.join('\n')}`);
  }
  t.diagnostic(`${SPECS} specs, ${accepted} accepted by the check, ${trained} runs trained, ${evaluated} evaluations, ${failures.length} failures, ${Date.now() - started} ms`);
  assert.deepEqual(failures, []);
  // The property says little unless the check accepts a good share of the specs and they really run.
  assert.ok(accepted >= SPECS / 4, `only ${accepted} of ${SPECS} specs were accepted`);
  assert.ok(trained >= accepted, `${trained} runs trained for ${accepted} accepted specs`);
});
