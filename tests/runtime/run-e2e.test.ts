// `ptx run` end to end on real files: a tiny spec trained with the real engine (wasm backend), then the
// store's promises checked: nothing re-trained when unchanged, one edit re-runs one run, corruption is
// detected and re-run (to the same bytes: training is deterministic), errors train nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { analyse } from '../../grammar/src/index.js';
import { buildPlan } from '../../runtime/src/plan/plan.js';
import { RunStore } from '../../runtime/src/store/run-store.js';
import { sha256 } from '../../runtime/src/store/canonical.js';
import { runCaptured } from './run-capture.js';

const TINY_SPEC = `
data d { values: 0..3  length: 3  vocab: 5  test: 0.2 }
model m { layers: 1  heads: 1  width: 16  mlp: 32  dropout: 0  context: 10 }
task asc = sort(ascending)
task desc = sort(descending)
pretrain base {
  model: m  data: d  tasks: [asc]
  steps: 40  batch: 16  seed: 1
  optimizer: adamw(lr: 3e-3, weight_decay: 0.1)
  reserve: 2
}
finetune ft_full from base on desc { method: full  steps: 20 }
finetune ft_lora from base on desc { method: lora(rank: 1)  steps: 20 }
finetune ft_prefix from base on desc { method: prefix(length: 2)  steps: 20 }
evaluate [base, ft_full, ft_lora, ft_prefix] on [desc] { samples: 64  probe: [3, 1, 2] }
`;

function tfjsNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

type Event = { event: string; run?: string; kind?: string; status?: string; message?: string; exact?: number; task?: string; attention?: unknown };

function events(out: string): Event[] {
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Event);
}

function trainStatuses(evs: Event[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of evs) if (e.event === 'job-end' && e.kind === 'train') out[e.run!] = e.status!;
  return out;
}

function hashes(text: string): Map<string, string> {
  const plan = buildPlan(analyse(text).spec, { backend: 'wasm' });
  return new Map([...plan.runs].map(([name, job]) => [name, job.hash]));
}

test('ptx run: trains, caches, re-runs only what changed, detects corruption', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-run-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, 'tiny.ptx');
  writeFileSync(spec, TINY_SPEC);
  const store = RunStore.besideSpec(spec);
  const h = hashes(TINY_SPEC);

  const first = await runCaptured([spec, '--backend', 'wasm']);
  assert.equal(first.code, 0, first.err);
  assert.match(first.err, /^backend: wasm$/m);
  assert.match(first.err, /warning novel-attention-pattern/, 'the same warnings as ptx check');
  const table = first.out;
  assert.match(table, /^run +task +exact match +per-token +trainable params +time +backend +seed$/m);
  for (const [run, params] of [['base', '2,576'], ['ft_full', '2,576'], ['ft_lora', '128'], ['ft_prefix', '32']]) {
    assert.match(table, new RegExp(`^${run} +desc +\\d+\\.\\d% +\\d+\\.\\d% +${params} +[\\d.]+s +wasm +\\d+$`, 'm'));
  }
  for (const [name, hash] of h) assert.equal(store.runStatus(hash).state, 'complete', name);
  assert.deepEqual(readdirSync(join(dir, '.ptx', 'runs')).sort(), [...h.values()].sort());
  const loraRun = store.loadRun(h.get('ft_lora')!);
  assert.equal(loraRun.metrics.losses.length, 20);
  assert.ok(loraRun.merged, 'a LoRA run stores its merged weights');
  const prefixEval = readdirSync(join(store.runDir(h.get('ft_prefix')!), 'evals'));
  assert.equal(prefixEval.length, 1);
  const attention = JSON.parse(readFileSync(join(store.evalDir(h.get('ft_prefix')!, prefixEval[0]!), 'attention.json'), 'utf8'));
  assert.equal(attention.relativeChange.length, 1, 'one layer compared with the pretrained model');
  assert.ok(attention.alpha, 'a prefix run records its prefix share');

  const second = await runCaptured([spec, '--backend', 'wasm']);
  assert.equal(second.code, 0);
  assert.match(second.err, /^nothing to train: 4 runs up to date$/m);
  assert.equal(second.out, table, 'the same table from the store');

  // Editing one finetune re-runs only that one.
  const edited = TINY_SPEC.replace('method: lora(rank: 1)  steps: 20', 'method: lora(rank: 1)  steps: 21');
  writeFileSync(spec, edited);
  const third = await runCaptured([spec, '--backend', 'wasm', '--events']);
  assert.equal(third.code, 0);
  const evs = events(third.out);
  assert.deepEqual(trainStatuses(evs), { base: 'cached', ft_full: 'cached', ft_lora: 'done', ft_prefix: 'cached' });
  assert.equal(evs[evs.length - 1]!.event, 'done');
  assert.equal(evs.filter((e) => e.event === 'result').length, 5, 'results of cached evaluations are reported too (base on asc, all four on desc)');
  const withProbe = evs.find((e) => e.event === 'result' && e.run === 'ft_prefix')!;
  assert.ok(withProbe.attention, 'result events carry the attention record');

  // A flipped byte in a checkpoint: reported, re-trained, and training reproduces the same bytes.
  const ckpt = join(store.runDir(h.get('ft_full')!), 'checkpoint.bin');
  const original = readFileSync(ckpt);
  const bad = Buffer.from(original);
  bad[100] = bad[100]! ^ 0x10;
  writeFileSync(ckpt, bad);
  const fourth = await runCaptured([spec, '--backend', 'wasm', '--events']);
  assert.equal(fourth.code, 0);
  const evs4 = events(fourth.out);
  assert.ok(evs4.some((e) => e.event === 'info' && /ft_full: the stored run is unusable \(checkpoint\.bin checksum mismatch\)/.test(e.message!)));
  assert.deepEqual(trainStatuses(evs4), { base: 'cached', ft_full: 'done', ft_lora: 'cached', ft_prefix: 'cached' });
  assert.equal(sha256(readFileSync(ckpt)), sha256(original), 'deterministic: the same checkpoint bytes again');
});

test('ptx run: a spec with errors trains nothing; bad arguments are usage errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-run-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, 'broken.ptx');
  writeFileSync(spec, TINY_SPEC.replace('heads: 1', 'heads: 3'));
  const r = await runCaptured([spec, '--backend', 'wasm']);
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.match(r.err, new RegExp(`^${spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: error heads-divide-width: `, 'm'));
  assert.match(r.err, /1 error in .*broken\.ptx; nothing was trained/);
  assert.equal(existsSync(join(dir, '.ptx')), false);

  const ev = await runCaptured([spec, '--events']);
  assert.equal(ev.code, 1);
  const evs = events(ev.out);
  assert.equal(evs[0]!.event, 'diagnostics');
  assert.deepEqual(evs.slice(-2).map((e) => e.event), ['error', 'done']);

  writeFileSync(spec, TINY_SPEC);
  assert.equal((await runCaptured([spec, '--only', 'nope', '--backend', 'wasm'])).code, 2);
  assert.equal((await runCaptured([join(dir, 'missing.ptx')])).code, 2);
  if (tfjsNodeInstalled()) {
    t.diagnostic('@tensorflow/tfjs-node is installed: the unavailable-backend case is not exercised');
  } else {
    const node = await runCaptured([spec, '--backend', 'node']);
    assert.equal(node.code, 1);
    assert.match(node.err, /backend 'node' is not available/);
  }
  assert.equal(existsSync(join(dir, '.ptx')), false);

  // A job that fails (the loss diverges): exit 1, the error reported, what depends on it skipped.
  writeFileSync(spec, TINY_SPEC.replace('lr: 3e-3', 'lr: 1e9'));
  const failed = await runCaptured([spec, '--backend', 'wasm', '--events']);
  assert.equal(failed.code, 1);
  const fe = events(failed.out);
  assert.ok(fe.some((e) => e.event === 'error' && e.run === 'base' && /the loss became (NaN|-?Infinity) at step \d+/.test(e.message!)));
  assert.deepEqual(trainStatuses(fe), { base: 'failed', ft_full: 'skipped', ft_lora: 'skipped', ft_prefix: 'skipped' });
  assert.equal(fe[fe.length - 1]!.event, 'done');
  assert.equal((fe[fe.length - 1] as { exitCode?: number }).exitCode, 1);
  const failedHash = hashes(TINY_SPEC.replace('lr: 3e-3', 'lr: 1e9')).get('base')!;
  assert.equal(RunStore.besideSpec(spec).runStatus(failedHash).state, 'missing', 'a failed run is not stored as complete');
  rmSync(join(dir, '.ptx'), { recursive: true });
  writeFileSync(spec, TINY_SPEC);

  // Another live `ptx run` holds the store: refuse rather than train the same runs twice.
  mkdirSync(join(dir, '.ptx'));
  writeFileSync(join(dir, '.ptx', 'lock'), String(process.ppid));
  const locked = await runCaptured([spec, '--backend', 'wasm']);
  assert.equal(locked.code, 1);
  assert.match(locked.err, new RegExp(`\\.ptx is in use by ptx run pid ${process.ppid}; wait for it to finish or stop it`));
  assert.equal(existsSync(join(dir, '.ptx', 'runs')), false);

  // PTX_STORE (the editor's store setting) puts the store elsewhere.
  const elsewhere = join(dir, 'elsewhere');
  const moved = await runCaptured([spec, '--backend', 'wasm', '--only', 'base', '--quiet'], { PTX_STORE: elsewhere });
  assert.equal(moved.code, 0, moved.err);
  assert.equal(new RunStore(elsewhere).runStatus(hashes(TINY_SPEC).get('base')!).state, 'complete');
  assert.equal(existsSync(join(dir, '.ptx', 'runs')), false);

  // Two training threads: a run of its own (another key), recorded with the result.
  const threaded = await runCaptured([spec, '--backend', 'wasm', '--only', 'base', '--threads', '2', '--events'], { PTX_STORE: elsewhere });
  assert.equal(threaded.code, 0, threaded.err);
  const te = events(threaded.out);
  assert.deepEqual(trainStatuses(te), { base: 'done' }, 'not the single-threaded run from the cache');
  const result = te.find((e) => e.event === 'result') as Event & { threads?: number; backend?: string };
  assert.equal(result.threads, 2);
  assert.equal(result.backend, 'wasm');
});
