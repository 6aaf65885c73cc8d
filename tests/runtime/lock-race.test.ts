// Eight `ptx run` of one spec started at once on one store, 20 times (the built CLI, real processes, a
// real tiny training run): the run trains exactly once, every other process either finds it trained or
// says which pid holds the store, and the store verifies afterwards with no lock or temporary file left.
// Every other round starts with a stale lock (a pid that has exited) that all eight try to break at once:
// the race in which two takers used to both remove it and both train.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyse } from '../../grammar/src/index.js';
import { buildPlan } from '../../runtime/src/plan/plan.js';
import { RunStore } from '../../runtime/src/store/run-store.js';

const SPEC = `
data d { values: 0..3  length: 3  vocab: 5  test: 0.2 }
model m { layers: 1  heads: 1  width: 8  mlp: 16  dropout: 0  context: 10 }
task asc = sort(ascending)
pretrain base {
  model: m  data: d  tasks: [asc]
  steps: 2  batch: 2  seed: 7
  optimizer: adamw(lr: 3e-3)
  reserve: 0
}
`;
const PROCESSES = 8;
const ROUNDS = 20;

type Outcome = { pid: number; code: number | null; trained: number; cached: number; errors: string[] };

function ptxRun(spec: string, store: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/ptx.js', 'run', spec, '--backend', 'wasm', '--events'], {
      env: { ...process.env, PTX_STORE: store },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const events = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; message?: string; trained?: number; cached?: number });
      const done = events.find((e) => e.event === 'done');
      resolve({ pid: child.pid!, code, trained: done?.trained ?? -1, cached: done?.cached ?? -1, errors: events.filter((e) => e.event === 'error').map((e) => e.message!) });
    });
  });
}

test(`${PROCESSES} ptx run at once, ${ROUNDS} times: trained exactly once each round, the others wait their turn or name the holder`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-race-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, 'race.ptx');
  writeFileSync(spec, SPEC);
  const hash = buildPlan(analyse(SPEC).spec, { backend: 'wasm' }).runs.get('base')!.hash;
  const deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
  const started = Date.now();
  let refused = 0;
  let cachedLate = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const store = join(dir, `store-${round}`);
    if (round % 2 === 1) {
      mkdirSync(store);
      // Stale: its process has exited. The start time is one no process has, so that the pid being reused
      // by then (the machine runs other work) cannot make it look alive.
      writeFileSync(join(store, 'lock'), JSON.stringify({ pid: deadPid, host: hostname(), started: 'exited', token: `stale-${round}`, since: '' }));
    }
    const outcomes = await Promise.all(Array.from({ length: PROCESSES }, () => ptxRun(spec, store)));
    const pids = new Set(outcomes.map((o) => o.pid));
    const label = `round ${round}: ${JSON.stringify(outcomes)}`;
    assert.equal(outcomes.reduce((n, o) => n + Math.max(o.trained, 0), 0), 1, `trained exactly once; ${label}`);
    for (const o of outcomes) {
      if (o.trained === 1) assert.equal(o.code, 0, label);
      else if (o.code === 0) {
        assert.ok(o.trained === 0 && o.cached >= 1, `came after the training and found it stored; ${label}`);
        cachedLate++;
      } else {
        assert.equal(o.code, 1, label);
        assert.equal(o.errors.length, 1, label);
        const m = /^(\S+) is in use by ptx run pid (\d+), since .+ UTC; wait for it to finish or stop it$/.exec(o.errors[0]!);
        assert.ok(m, `says who holds the store: ${o.errors[0]}`);
        assert.equal(m[1], store);
        assert.ok(pids.has(Number(m[2])), `the holder is one of the ${PROCESSES}; ${label}`);
        refused++;
      }
    }
    assert.equal(new RunStore(store).runStatus(hash).state, 'complete', label);
    assert.deepEqual(readdirSync(store).sort(), ['.gitignore', 'runs'], `no lock, claim or temporary file is left; ${label}`);
  }
  const uptime = spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();
  console.log(`# ${ROUNDS} rounds × ${PROCESSES} processes in ${((Date.now() - started) / 1000).toFixed(1)} s (${refused} refused, ${cachedLate} found it stored); ${uptime}`);
});
