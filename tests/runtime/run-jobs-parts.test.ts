// The pieces of `ptx run --jobs` that need no training: how a plan is cut into units and ordered, the
// --jobs flag, and reporters that show several jobs running at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan } from '../../runtime/src/plan/plan.js';
import { evalCost, planUnits, trainCost } from '../../runtime/src/commands/run/units.js';
import { commandLine, parseRunArgs } from '../../runtime/src/commands/run/args.js';
import { EventReporter, HumanReporter, type JobRef } from '../../runtime/src/commands/run/reporter.js';
import { ASC, DESC, evaluate, finetune, pretrain, schedule, specOf } from './run-helpers.js';

test('units: one per run with all its evaluations, linked to the runs that start from it, longest chain first', () => {
  const spec = specOf({
    pretrains: [pretrain('base', { schedule: schedule({ steps: 100, batch: 8 }) })],
    finetunes: [
      finetune('ft_full', 'base', { kind: 'full' }, { schedule: schedule({ steps: 50, batch: 8 }) }),
      finetune('ft_prefix', 'base', { kind: 'prefix', length: 1, space: 'kv' }, { schedule: schedule({ steps: 50, batch: 8 }) }),
      finetune('ft_chain', 'ft_prefix', { kind: 'full' }, { schedule: schedule({ steps: 50, batch: 8 }) }),
    ],
    evaluates: [evaluate('ev', ['base', 'ft_full', 'ft_chain'], [ASC, DESC], { samples: 30, probe: [1, 2, 3, 0] })],
  });
  const plan = buildPlan(spec, { backend: 'wasm' });
  const units = planUnits(plan);
  assert.deepEqual(
    units.map((u) => [u.train.run, u.evals.map((e) => `${e.task.name}${e.block ? `@${e.block}` : ''}`), u.children.map((c) => c.train.run)]),
    [
      ['base', ['asc@ev', 'desc@ev'], ['ft_full', 'ft_prefix']],
      ['ft_full', ['asc@ev', 'desc@ev'], []],
      ['ft_prefix', ['desc'], ['ft_chain']],
      ['ft_chain', ['asc@ev', 'desc@ev'], []],
    ],
    'every evaluation of the plan lands in its run’s unit',
  );
  assert.equal(units.reduce((n, u) => n + 1 + u.evals.length, 0), plan.jobs.length);
  const [base, full, prefix, chain] = units;
  assert.ok(trainCost(prefix!.train) < trainCost(full!.train), 'a prefix step costs less than a full one');
  assert.equal(full!.cost, trainCost(full!.train) + full!.evals.reduce((c, e) => c + evalCost(e, full!.train), 0));
  assert.equal(chain!.priority, chain!.cost);
  assert.equal(prefix!.priority, prefix!.cost + chain!.cost);
  assert.ok(prefix!.priority > full!.priority, 'the chain of two starts before the single finetune');
  assert.equal(base!.priority, base!.cost + prefix!.priority);
});

test('--jobs N: a whole number from 1 to 64, absent by default, repeated in the resume line', () => {
  assert.equal((parseRunArgs(['a.ptx', '--jobs', '3']) as { jobs?: number }).jobs, 3);
  assert.equal((parseRunArgs(['a.ptx', '--jobs=1']) as { jobs?: number }).jobs, 1);
  assert.equal('jobs' in (parseRunArgs(['a.ptx']) as object), false);
  for (const bad of ['0', '65', '1.5', 'many']) assert.deepEqual(parseRunArgs(['a.ptx', '--jobs', bad]), { error: '--jobs needs a whole number from 1 to 64' });
  assert.deepEqual(parseRunArgs(['a.ptx', '--jobs']), { error: '--jobs needs a whole number from 1 to 64' });
  assert.equal(commandLine({ file: 'a.ptx', events: false, format: 'text', quiet: false, threads: 1, jobs: 2 }), 'ptx run a.ptx --jobs 2');
});

const a: JobRef = { id: 'train:a', kind: 'train', run: 'a', hash: 'ha' };
const b: JobRef = { id: 'train:b', kind: 'train', run: 'b', hash: 'hb' };
const at = (step: number) => ({ step, steps: 10, loss: 0.5, stepsPerSecond: 2, etaSeconds: 1 });

test('events: progress is throttled per job, so a second running job is not silenced by the first', () => {
  const lines: string[] = [];
  const r = new EventReporter((t) => lines.push(t));
  r.progress(a, at(1));
  r.progress(b, at(1));
  r.progress(a, at(2));
  const progress = lines.map((l) => JSON.parse(l) as { event: string; id: string; step: number }).filter((e) => e.event === 'progress');
  assert.deepEqual(progress.map((e) => [e.id, e.step]), [['train:a', 1], ['train:b', 1]]);
});

test('human progress on a TTY: one live line per running job; an end after another job’s lines names its job', () => {
  let out = '';
  const r = new HumanReporter((t) => (out += t), { tty: true, quiet: false, columns: 200 });
  r.jobStart(a, { steps: 10 });
  r.jobStart(b, { steps: 10 });
  r.progress(a, at(5));
  r.progress(b, at(10)); // the last step is always drawn
  const live = out.slice(out.lastIndexOf('\r'));
  assert.match(live, /^\r\x1b\[2K {2}a \[#{10}\.{10}\] step 5\/10 .*\n {2}b \[#{20}\] step 10\/10 /, 'both jobs drawn, a above b');
  r.jobEnd(b, { status: 'done', seconds: 5, finalLoss: 0.25 });
  assert.ok(out.endsWith('\r\x1b[2K\x1b[1A\x1b[2K  done in 5.0s, final loss 0.2500\n'), `both live lines erased; b's end under b's line: ${JSON.stringify(out.slice(-60))}`);
  r.progress(a, at(10));
  assert.ok(out.endsWith('\r\x1b[2K  a [####################] step 10/10  loss 0.5000  2.0 steps/s  ETA 1.0s'), 'the remaining job alone in the live area');
  r.jobEnd(a, { status: 'done', seconds: 6, finalLoss: 0.5 });
  assert.ok(out.endsWith('\r\x1b[2Ktrain a: done in 6.0s, final loss 0.5000\n'), `a's end, after b's lines, names a: ${JSON.stringify(out.slice(-60))}`);
});
