// examples/quickstart.ptx through `ptx run`, shortened (every `steps:` cut to a few, fewer samples) so it
// takes seconds: the printed table has every run on every task with its parameter count, and the store
// holds one complete, verified folder per run. The full-length run is the README's main job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyse, trainableParameters, formatCount } from '../../grammar/src/index.js';
import { buildPlan } from '../../runtime/src/plan/plan.js';
import { RunStore } from '../../runtime/src/store/run-store.js';
import { runCaptured } from './run-capture.js';

test('quickstart, shortened: table rows for every run and task; a verified store folder per run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-qs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const text = readFileSync('examples/quickstart.ptx', 'utf8')
    .replace(/steps: \d+/g, 'steps: 12')
    .replace(/samples: \d+/g, 'samples: 40');
  const spec = join(dir, 'quickstart.ptx');
  writeFileSync(spec, text);
  const analysis = analyse(text);
  assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
  const plan = buildPlan(analysis.spec, { backend: 'wasm' });

  const r = await runCaptured([spec, '--backend', 'wasm']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n'); // stdout is the table alone
  assert.match(lines[0]!, /^run +task +exact match +per-token +trainable params +time +backend +seed$/);
  const evaluate = [...analysis.spec.evaluates.values()][0]!;
  const store = RunStore.besideSpec(spec);
  for (const [name, job] of plan.runs) {
    const count = formatCount(trainableParameters(job.method, job.model, job.layout.vocab).total);
    for (const task of evaluate.tasks) {
      const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.ok(
        lines.some((l) => new RegExp(`^${esc} +${task.name} +\\d+\\.\\d% +\\d+\\.\\d% +${count} +\\S+ +wasm +${job.seed}$`).test(l)),
        `no row for ${name} on ${task.name} with ${count} parameters:\n${lines.join('\n')}`,
      );
    }
    assert.equal(store.runStatus(job.hash).state, 'complete', name);
  }
});
