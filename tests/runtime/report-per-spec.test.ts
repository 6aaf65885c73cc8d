// Specs in one folder share a store (content addressing makes that safe), and each spec's report holds
// only its own runs: the ones whose keys its blocks have now (whoever trained them, under its own names),
// and earlier versions of its own blocks, marked not current; never another spec's run of the same name,
// and nothing while the spec has errors. Real `ptx run` and `ptx report --json` on tiny specs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runReport } from '../../runtime/src/commands/report.js';
import { runRun } from '../../runtime/src/commands/run.js';
import type { ReportData } from '../../runtime/src/report/data.js';

const spec = (name: string, steps: number, extra = '') => `data d { values: 0..5  length: 4  vocab: 8 }
model m { layers: 1  heads: 1  width: 8  mlp: 16  dropout: 0  context: 12 }
task asc = sort(ascending)
pretrain ${name} { model: m  data: d  tasks: [asc]  steps: ${steps}  batch: 8  seed: 1  reserve: 1 }
evaluate [${name}] on [asc] { samples: 16 }
${extra}`;

const io = (sink: string[]) => ({ stdout: (t: string) => void sink.push(t), stderr: (t: string) => void sink.push(t), tty: false, env: {} });

async function train(file: string): Promise<void> {
  const out: string[] = [];
  assert.equal(await runRun([file, '--backend', 'cpu', '--quiet'], io(out)), 0, out.join(''));
}

async function report(file: string): Promise<ReportData> {
  const out: string[] = [];
  assert.equal(await runReport([file, '--json'], io(out)), 0, out.join(''));
  return JSON.parse(out.join('')) as ReportData;
}

test('a spec reports its own runs only: current, earlier versions of its blocks, never a namesake of another spec', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-report-spec-'));
  try {
    const a = join(dir, 'a.ptx');
    const b = join(dir, 'b.ptx');
    const c = join(dir, 'c.ptx');
    writeFileSync(a, spec('base', 6));
    writeFileSync(b, spec('base', 9)); // same name, another key: never trained
    writeFileSync(c, spec('pre', 6)); // another name, the same key as a's base
    await train(a);

    const ra = await report(a);
    assert.deepEqual(ra.runs.map((r) => [r.name, r.current]), [['base', true]]);
    assert.deepEqual(ra.blocks.map((x) => [x.kind, x.runs]), [['pretrain', ['base']], ['evaluate', ['base']]]);
    assert.equal(ra.specErrors, 0);

    const rb = await report(b);
    assert.deepEqual(rb.runs, [], 'b.ptx never trained its base: a.ptx base is not its result');
    assert.deepEqual(rb.evals, []);

    const rc = await report(c);
    assert.deepEqual(rc.runs.map((r) => [r.name, r.current, r.hash]), [['pre', true, ra.runs[0]!.hash]], 'same key: the same run, under c.ptx name');
    assert.ok(rc.evals.every((e) => e.run === 'pre'));

    // a.ptx changes its block and trains again: the first version stays as an earlier one.
    writeFileSync(a, spec('base', 8));
    await train(a);
    const ra2 = await report(a);
    assert.deepEqual(ra2.runs.map((r) => [r.name, r.current]).sort(), [['base', false], ['base', true]]);
    assert.equal(ra2.runs.find((r) => !r.current)!.hash, ra.runs[0]!.hash);
    // b.ptx still sees neither; c.ptx still its one current run.
    assert.deepEqual((await report(b)).runs, []);
    assert.deepEqual((await report(c)).runs.map((r) => r.name), ['pre']);

    // A spec with an error reports nothing as its own, and says why.
    writeFileSync(a, spec('base', 8, 'task broken = nope()\n'));
    const bad = await report(a);
    assert.ok(bad.specErrors > 0);
    assert.deepEqual(bad.runs, []);
    assert.deepEqual(bad.blocks, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
