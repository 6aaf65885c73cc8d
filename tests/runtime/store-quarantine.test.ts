// A stored run or evaluation that does not verify, whatever is wrong with it on disk, is moved to
// .ptx/quarantine/ with a reason file (nothing deleted) and redone with a one-line message; `ptx report`
// leaves it out with one line. Never an internal error. Real files, real training (3 tiny steps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyse } from '../../grammar/src/index.js';
import { buildPlan } from '../../runtime/src/plan/plan.js';
import { RunStore } from '../../runtime/src/store/run-store.js';
import { runReport } from '../../runtime/src/commands/report.js';
import { runCaptured } from './run-capture.js';

const SPEC = `
data d { values: 0..3  length: 3  vocab: 5  test: 0.2 }
model m { layers: 1  heads: 1  width: 8  mlp: 16  dropout: 0  context: 10 }
task asc = sort(ascending)
pretrain base {
  model: m  data: d  tasks: [asc]
  steps: 3  batch: 4  seed: 7
  optimizer: adamw(lr: 3e-3)
  reserve: 0
}
evaluate [base] on [asc] { samples: 8 }
`;

const plan = buildPlan(analyse(SPEC).spec, { backend: 'wasm' });
const RUN = plan.runs.get('base')!.hash;
const EVAL = plan.jobs.find((j) => j.kind === 'evaluate')!.hash;

type Event = { event: string; message?: string; trained?: number; evaluated?: number; exitCode?: number };

async function run(dir: string): Promise<{ code: number; events: Event[] }> {
  const r = await runCaptured([join(dir, 'q.ptx'), '--backend', 'wasm', '--events']);
  return { code: r.code, events: r.out.trim().split('\n').map((l) => JSON.parse(l) as Event) };
}

let trained: string | null = null;
/** A folder with the spec and its store, trained once per file and copied for each case. */
async function freshCopy(t: { after: (fn: () => void) => void }): Promise<{ dir: string; store: RunStore }> {
  if (!trained) {
    trained = mkdtempSync(join(tmpdir(), 'ptx-q-base-'));
    writeFileSync(join(trained, 'q.ptx'), SPEC);
    const first = await run(trained);
    assert.equal(first.code, 0);
  }
  const dir = mkdtempSync(join(tmpdir(), 'ptx-q-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(trained, dir, { recursive: true });
  return { dir, store: RunStore.besideSpec(join(dir, 'q.ptx')) };
}

test.after(() => {
  if (trained) rmSync(trained, { recursive: true, force: true });
});

const RUN_CASES: Array<[string, (runDir: string) => void, RegExp]> = [
  ['a folder where the checkpoint should be', (d) => { rmSync(join(d, 'checkpoint.bin')); mkdirSync(join(d, 'checkpoint.bin')); }, /checkpoint\.bin is a folder, not a file/],
  ['a folder where the manifest should be', (d) => { rmSync(join(d, 'manifest.json')); mkdirSync(join(d, 'manifest.json')); }, /manifest\.json is a folder, not a file/],
  ['a missing file', (d) => rmSync(join(d, 'metrics.json')), /metrics\.json is missing/],
  ['a truncated checkpoint', (d) => truncateSync(join(d, 'checkpoint.bin'), 10), /checkpoint\.bin has 10 bytes/],
  ['a flipped byte', (d) => { const b = readFileSync(join(d, 'checkpoint.json')); b[5] ^= 1; writeFileSync(join(d, 'checkpoint.json'), b); }, /checkpoint\.json checksum mismatch/],
  ['a manifest that lists a path outside the entry', (d) => {
    const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
    m.files['../../../elsewhere'] = { sha256: 'x', bytes: 1 };
    writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
  }, /manifest\.json lists "\.\.\/\.\.\/\.\.\/elsewhere", which is not a file name in the entry/],
  ['the run folder being a file', (d) => { rmSync(d, { recursive: true }); writeFileSync(d, 'not a folder'); }, /the entry is a file, not a folder/],
];

for (const [name, corrupt, reason] of RUN_CASES) {
  test(`run: ${name} → quarantined with its reason, retrained, report leaves it out`, async (t) => {
    const { dir, store } = await freshCopy(t);
    corrupt(store.runDir(RUN));

    let err = '';
    const rep = await runReport([join(dir, 'q.ptx'), '--json'], { stdout: () => {}, stderr: (s) => void (err += s), env: {} });
    assert.equal(rep, 0);
    assert.match(err, new RegExp(`^ptx report: left out ${store.runDir(RUN)}: ${reason.source}.*\\n$`));

    const r = await run(dir);
    assert.equal(r.code, 0, JSON.stringify(r.events));
    const infos = r.events.filter((e) => e.event === 'info').map((e) => e.message!);
    const line = infos.find((m) => m.startsWith('base: the stored run is unusable'));
    assert.ok(line, `one line says so: ${infos.join(' | ')}`);
    assert.match(line, reason);
    assert.ok(!line.includes('\n'));
    assert.deepEqual(r.events.filter((e) => e.event === 'error'), []);
    assert.equal(r.events.at(-1)!.trained, 1, 'trained again');
    assert.equal(store.runStatus(RUN).state, 'complete', 'the store verifies afterwards');
    assert.equal(store.evalStatus(RUN, EVAL).state, 'complete');

    const moved = /moved it to (\S+) and training it again/.exec(line)![1]!;
    assert.ok(moved.startsWith(join(store.root, 'quarantine')));
    assert.match(readFileSync(join(moved, 'reason.txt'), 'utf8'), reason);
    assert.ok(existsSync(join(moved, RUN)), 'the unusable run is kept, not deleted');
  });
}

test('evaluation: a folder where result.json should be → quarantined and evaluated again', async (t) => {
  const { dir, store } = await freshCopy(t);
  const evalDir = store.evalDir(RUN, EVAL);
  rmSync(join(evalDir, 'result.json'));
  mkdirSync(join(evalDir, 'result.json'));
  const r = await run(dir);
  assert.equal(r.code, 0);
  const line = r.events.find((e) => e.event === 'info' && e.message!.includes('the stored evaluation is unusable'))!.message!;
  assert.match(line, /result\.json is a folder, not a file\); moved it to \S+quarantine\S+ and evaluating again/);
  assert.equal(r.events.at(-1)!.trained, 0, 'the run itself is fine and not retrained');
  assert.equal(r.events.at(-1)!.evaluated, 1);
  assert.equal(store.evalStatus(RUN, EVAL).state, 'complete');
});

test('partial: files of an interrupted save (no manifest) go to the quarantine, a resumable snapshot stays', async (t) => {
  const { dir, store } = await freshCopy(t);
  rmSync(join(store.runDir(RUN), 'manifest.json'));
  const r = await run(dir);
  assert.equal(r.code, 0);
  const line = r.events.find((e) => e.event === 'info' && e.message!.includes('interrupted save'))!.message!;
  const moved = /left to (\S+)$/.exec(line)![1]!;
  assert.deepEqual(readdirSync(join(moved, RUN)).sort(), ['checkpoint.bin', 'checkpoint.json', 'evals', 'metrics.json']);
  assert.equal(store.runStatus(RUN).state, 'complete');
});

test('run: an unreadable checkpoint (ptx run as an unprivileged user) → quarantined, retrained', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to run the child as another user');
  const { dir, store } = await freshCopy(t);
  const nobody = 65534;
  spawnSync('chown', ['-R', `${nobody}:${nobody}`, dir]);
  chmodSync(dir, 0o755);
  chmodSync(join(store.runDir(RUN), 'checkpoint.bin'), 0o000); // root reads anything; nobody cannot
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'runtime/src/cli.ts', 'run', join(dir, 'q.ptx'), '--backend', 'wasm', '--events'], {
    uid: nobody,
    gid: nobody,
    encoding: 'utf8',
    env: { ...process.env, HOME: dir },
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Event);
  const line = events.find((e) => e.event === 'info' && e.message!.startsWith('base: the stored run is unusable'))?.message;
  assert.match(line ?? '', /checkpoint\.bin cannot be read: permission denied\); moved it to \S+ and training it again/);
  assert.equal(events.at(-1)!.trained, 1);
  assert.equal(store.runStatus(RUN).state, 'complete');
});
