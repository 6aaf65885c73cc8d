// `ptx run --jobs N`: independent runs side by side in worker processes (real processes, the real wasm
// backend, real files). Two jobs store exactly what one stores, bit for bit; a failing run or a worker that
// dies takes down only its own jobs; SIGTERM (the editor's Cancel) stops every running job with a resumable
// snapshot, and the next run resumes each of them to the results of an uninterrupted run.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { analyse } from '../../grammar/src/index.js';
import { buildPlan } from '../../runtime/src/plan/plan.js';
import { RunStore } from '../../runtime/src/store/run-store.js';
import { verifyEntry } from '../../runtime/src/store/entry.js';
import { runCaptured } from './run-capture.js';

const SPEC = `
data d { values: 0..3  length: 3  vocab: 5  test: 0.2 }
model m { layers: 1  heads: 1  width: 16  mlp: 32  dropout: 0.1  context: 10 }
task asc = sort(ascending)
task desc = sort(descending)
pretrain base {
  model: m  data: d  tasks: [asc]
  steps: 60  batch: 16  seed: 7
  optimizer: adamw(lr: 3e-3, weight_decay: 0.1)
  reserve: 2
}
compare c from base on desc {
  methods: [full, lora(rank: 1), prefix(length: 2)]
  steps: 300  batch: 16
  optimizer: adamw(lr: 3e-3, weight_decay: 0)
  seeds: [0, 1]
}
evaluate [base, c] on [asc, desc] { samples: 32  probe: [1, 0, 3] }
`;

const CLI = resolve('bin/ptx.js');
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function specIn(text = SPEC): string {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-jobs-'));
  dirs.push(dir);
  const spec = join(dir, 'jobs.ptx');
  writeFileSync(spec, text);
  return spec;
}

type Event = { event: string; id?: string; kind?: string; run?: string; status?: string; reason?: string; step?: number; steps?: number; resumedFrom?: number; message?: string; trained?: number; stopped?: boolean; exitCode?: number };

const parse = (out: string): Event[] =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Event);

function trainStatuses(evs: Event[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of evs) if (e.event === 'job-end' && e.kind === 'train') out[e.run!] = e.status!;
  return out;
}

/** The most training jobs that had started and not yet ended at any one time. */
function mostAtOnce(evs: Event[]): number {
  const running = new Set<string>();
  let most = 0;
  for (const e of evs) {
    if (e.kind !== 'train') continue;
    if (e.event === 'job-start') running.add(e.id!);
    if (e.event === 'job-end') running.delete(e.id!);
    most = Math.max(most, running.size);
  }
  return most;
}

/** Everything a store holds that must not depend on --jobs: loss curves, tensors' bytes, evaluation numbers. */
function storedResults(spec: string): Map<string, string> {
  const runs = join(RunStore.besideSpec(spec).root, 'runs');
  const out = new Map<string, string>();
  for (const run of readdirSync(runs)) {
    const dir = join(runs, run);
    out.set(`${run} losses`, JSON.stringify((JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { losses: number[] }).losses));
    for (const f of ['checkpoint.bin', 'merged.bin']) if (existsSync(join(dir, f))) out.set(`${run} ${f}`, readFileSync(join(dir, f)).toString('base64'));
    for (const ev of existsSync(join(dir, 'evals')) ? readdirSync(join(dir, 'evals')) : []) {
      // The training's wall time is the one field that two identical runs do not share.
      const { trainMs: _t, ...info } = JSON.parse(readFileSync(join(dir, 'evals', ev, 'result.json'), 'utf8')) as Record<string, unknown>;
      out.set(`${run} eval ${ev}`, JSON.stringify(info));
      const att = join(dir, 'evals', ev, 'attention.json');
      if (existsSync(att)) out.set(`${run} attention ${ev}`, readFileSync(att, 'utf8'));
    }
  }
  return out;
}

let straight: Promise<string> | null = null;
/** The spec run with --jobs 1 (once per file): the reference every other run must reproduce. */
function straightStore(): Promise<string> {
  straight ??= (async () => {
    const spec = specIn();
    const r = await runCaptured([spec, '--backend', 'wasm', '--jobs', '1', '--quiet']);
    assert.equal(r.code, 0, r.err);
    return spec;
  })();
  return straight;
}

test('--jobs 2 runs the finetunes side by side and stores exactly what --jobs 1 stores', async () => {
  const one = await straightStore();
  const spec = specIn();
  const two = await runCaptured([spec, '--backend', 'wasm', '--jobs', '2', '--events']);
  assert.equal(two.code, 0, two.err);
  const evs = parse(two.out);
  assert.equal(mostAtOnce(evs), 2, 'two trainings ran at once');
  assert.deepEqual(evs[evs.length - 1], { event: 'done', exitCode: 0, trained: 7, evaluated: 14, cached: 0, failed: 0, stopped: false });
  const a = storedResults(one);
  assert.equal(a.size, 7 * 2 + 2 + 14 * 2, 'losses and checkpoints of 7 runs, merged weights of 2 LoRA runs, 14 evaluations with attention');
  assert.deepEqual(storedResults(spec), a, 'the same folders (keys) holding the same bytes');
});

test('--jobs 2: a failing run skips only what starts from it; its sibling finishes', async () => {
  const text = SPEC.replace(/compare c[^}]*}/, 'finetune bad from base on desc { method: full  steps: 40  optimizer: adamw(lr: 1e9) }\nfinetune after_bad from bad on desc { method: full  steps: 20 }\nfinetune good from base on desc { method: lora(rank: 1)  steps: 200 }').replace('evaluate [base, c]', 'evaluate [base, bad, after_bad, good]');
  assert.deepEqual(analyse(text).diagnostics.filter((d) => d.severity === 'error'), []);
  const spec = specIn(text);
  const r = await runCaptured([spec, '--backend', 'wasm', '--jobs', '2', '--events']);
  assert.equal(r.code, 1);
  const evs = parse(r.out);
  assert.deepEqual(trainStatuses(evs), { base: 'done', bad: 'failed', after_bad: 'skipped', good: 'done' });
  assert.ok(evs.some((e) => e.event === 'error' && e.run === 'bad' && /the loss became/.test(e.message!)));
  assert.equal(evs.find((e) => e.event === 'job-end' && e.run === 'after_bad' && e.kind === 'train')!.reason, 'it starts from bad, which did not finish');
  const plan = buildPlan(analyse(text).spec, { backend: 'wasm' });
  assert.equal(RunStore.besideSpec(spec).runStatus(plan.runs.get('good')!.hash).state, 'complete');
});

/** `ptx run --jobs 2 --events` of the built CLI in a child; `onEvent` may act on the child as events arrive. */
function runChild(spec: string, onEvent: (e: Event, child: ReturnType<typeof spawn>, all: Event[]) => void = () => {}): Promise<{ code: number | null; events: Event[] }> {
  return new Promise((resolvePromise, reject) => {
    // Its own process group, as a terminal gives a command: a Ctrl-C there signals the whole group.
    const child = spawn(process.execPath, [CLI, 'run', spec, '--backend', 'wasm', '--jobs', '2', '--events'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const events: Event[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const e = JSON.parse(line) as Event;
      events.push(e);
      onEvent(e, child, events);
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => (signal ? reject(new Error(`killed by ${signal}; stderr: ${stderr}`)) : resolvePromise({ code, events })));
  });
}

/** The ids of the training jobs that are between their start and end and have reported step 2 or later. */
function midway(events: Event[]): string[] {
  const running = new Map<string, number>();
  for (const e of events) {
    if (e.event === 'job-start' && e.kind === 'train') running.set(e.id!, 0);
    if (e.event === 'job-end') running.delete(e.id!);
    if (e.event === 'progress' && running.has(e.id!)) running.set(e.id!, e.step! < e.steps! ? e.step! : -1);
  }
  return [...running].filter(([, step]) => step >= 2).map(([id]) => id);
}

// The editor's Cancel sends SIGTERM to `ptx run` alone; a terminal's Ctrl-C sends SIGINT to the worker too.
for (const stop of [
  { signal: 'SIGTERM', group: false, code: 143, how: 'SIGTERM to ptx run (Cancel)' },
  { signal: 'SIGINT', group: true, code: 130, how: 'SIGINT to the process group (Ctrl-C)' },
] as const) {
  test(`${stop.how} with --jobs 2: every running job saves its snapshot; the next run resumes them to the same results`, async () => {
    const spec = specIn();
    let sent = false;
    const stopped = await runChild(spec, (_e, child, all) => {
      if (!sent && midway(all).length === 2) {
        sent = true;
        process.kill(stop.group ? -child.pid! : child.pid!, stop.signal);
      }
    });
    assert.ok(sent, 'two trainings were seen running at once');
    assert.equal(stopped.code, stop.code);
    const ends = stopped.events.filter((e) => e.event === 'job-end' && e.kind === 'train' && e.status === 'stopped');
    assert.equal(ends.length, 2, 'both running trainings stopped');
    assert.deepEqual(stopped.events[stopped.events.length - 1]!.stopped, true);
    const plan = buildPlan(analyse(SPEC).spec, { backend: 'wasm' });
    const store = RunStore.besideSpec(spec);
    const saved = new Map<string, number>();
    for (const e of ends) {
      const hash = plan.runs.get(e.run!)!.hash;
      assert.notEqual(store.runStatus(hash).state, 'complete');
      assert.equal(verifyEntry(store.resumeDir(hash)).state, 'complete', `${e.run}: the snapshot is sealed`);
      saved.set(e.run!, store.loadResume(hash)!.snapshot.step);
    }

    const resumed = await runChild(spec);
    assert.equal(resumed.code, 0);
    for (const [run, step] of saved) {
      const start = resumed.events.find((e) => e.event === 'job-start' && e.kind === 'train' && e.run === run)!;
      assert.equal(start.resumedFrom, step, `${run} resumed where it stopped`);
    }
    assert.deepEqual(storedResults(spec), storedResults(await straightStore()));
  });
}

test('a worker process that dies fails only its own jobs; the next run completes them to the same results', async () => {
  const spec = specIn();
  let killed = 0;
  const first = await runChild(spec, (_e, child, all) => {
    if (killed || midway(all).length < 2) return;
    // The worker is the run's only child process (this process trains the other unit itself).
    const ps = spawnSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' });
    const pids = ps.stdout.trim().split(/\s+/).filter(Boolean).map(Number);
    assert.equal(pids.length, 1, `one worker process (ps: ${ps.stdout})`);
    killed = pids[0]!;
    process.kill(killed, 'SIGKILL');
  });
  assert.ok(killed > 0);
  assert.equal(first.code, 1);
  const failed = first.events.filter((e) => e.event === 'job-end' && e.kind === 'train' && e.status === 'failed');
  assert.equal(failed.length, 1, 'one training failed');
  assert.equal(failed[0]!.reason, 'the worker process exited (SIGKILL)');
  const statuses = trainStatuses(first.events);
  assert.deepEqual(
    Object.values(statuses).filter((s) => s !== 'done'),
    ['failed'],
    `every other run finished: ${JSON.stringify(statuses)}`,
  );

  const second = await runChild(spec);
  assert.equal(second.code, 0);
  assert.deepEqual(
    Object.entries(trainStatuses(second.events)).filter(([, s]) => s === 'done').map(([run]) => run),
    [failed[0]!.run],
    'only the lost run is trained again',
  );
  assert.deepEqual(storedResults(spec), storedResults(await straightStore()));
});
