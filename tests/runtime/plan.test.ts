import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan, DEFAULT_SAMPLES, PlanError, type EvalJob, type TrainJob } from '../../runtime/src/plan/plan.js';
import type { CompareSpec } from '../../grammar/src/spec.js';
import { ADD1, ASC, DESC, evaluate, finetune, pretrain, schedule, specOf } from './run-helpers.js';

const LORA = { kind: 'lora' as const, rank: 1, alpha: 1, targets: ['output' as const] };
const PREFIX = { kind: 'prefix' as const, length: 1, space: 'residual' as const };

function figure1() {
  return specOf({
    pretrains: [pretrain('base')],
    finetunes: [finetune('desc_full', 'base', { kind: 'full' }), finetune('desc_prefix', 'base', PREFIX), finetune('again', 'desc_full', LORA, { root: 'base' })],
    evaluates: [evaluate('ev', ['base', 'desc_prefix'], [ASC, DESC], { samples: 64, probe: [1, 2, 3, 0] })],
  });
}

const ids = (jobs: { kind: string; run: string; task?: { name: string } }[]) =>
  jobs.map((j) => (j.kind === 'train' ? `train ${j.run}` : `eval ${j.run} ${j.task!.name}`));

test('plan: dependency order, own evaluations after training, evaluate blocks last', () => {
  const plan = buildPlan(figure1(), { backend: 'cpu' });
  assert.deepEqual(ids(plan.jobs), [
    'train base',
    'train desc_full',
    'eval desc_full desc',
    'train desc_prefix',
    'train again',
    'eval again desc',
    'eval base asc',
    'eval base desc',
    'eval desc_prefix asc',
    'eval desc_prefix desc',
  ]);
  const again = plan.runs.get('again')!;
  assert.equal(again.parent!.run, 'desc_full');
  assert.equal(again.root.run, 'base');
  assert.deepEqual(again.layout, { reserve: 1, length: 4, vocab: 8 });
});

test('plan: sample counts: 3200 by default, an evaluate block’s count for the runs it names', () => {
  const plan = buildPlan(figure1(), { backend: 'cpu' });
  const own = plan.jobs.filter((j): j is EvalJob => j.kind === 'evaluate' && j.block === null);
  assert.equal(own.find((j) => j.run === 'desc_full')!.samples, DEFAULT_SAMPLES);
  // desc_prefix's own evaluation (64 samples, named by `ev`) is covered by the block's, which adds attention.
  assert.equal(own.find((j) => j.run === 'desc_prefix'), undefined);
  const alone = buildPlan(figure1(), { backend: 'cpu', only: 'desc_prefix' }).jobs.filter((j): j is EvalJob => j.kind === 'evaluate');
  assert.deepEqual(alone.map((j) => [j.run, j.samples, j.probe]), [['desc_prefix', 64, null]]);
  const block = plan.jobs.filter((j): j is EvalJob => j.kind === 'evaluate' && j.block === 'ev');
  assert.ok(block.every((j) => j.probe !== null && j.samples === 64));
  assert.equal(block.find((j) => j.run === 'base')!.reference, null, 'a pretrain has no reference');
  assert.equal(block.find((j) => j.run === 'desc_prefix')!.reference!.run, 'base');
});

test('plan: an evaluation identical to a run’s own one is planned once', () => {
  const spec = specOf({
    pretrains: [pretrain('base')],
    finetunes: [finetune('ft', 'base', LORA)],
    evaluates: [evaluate('ev', ['ft'], [DESC], { samples: 100 })],
  });
  const evals = buildPlan(spec, { backend: 'cpu' }).jobs.filter((j) => j.kind === 'evaluate' && j.run === 'ft');
  assert.equal(evals.length, 1);
});

test('hashes: names do not matter; an edit re-keys that run and what depends on it, nothing else', () => {
  const base = buildPlan(figure1(), { backend: 'cpu' }).runs;
  const renamed = specOf({
    pretrains: [pretrain('base2', { model: { ...pretrain('x').model, name: 'other' } })],
    finetunes: [finetune('full2', 'base2', { kind: 'full' })],
  });
  const r = buildPlan(renamed, { backend: 'cpu' }).runs;
  assert.equal(r.get('base2')!.hash, base.get('base')!.hash);
  assert.equal(r.get('full2')!.hash, base.get('desc_full')!.hash);

  const edited = figure1();
  edited.finetunes.set('desc_full', finetune('desc_full', 'base', { kind: 'full' }, { schedule: schedule({ steps: 6 }) }));
  const e = buildPlan(edited, { backend: 'cpu' }).runs;
  assert.equal(e.get('base')!.hash, base.get('base')!.hash);
  assert.equal(e.get('desc_prefix')!.hash, base.get('desc_prefix')!.hash);
  assert.notEqual(e.get('desc_full')!.hash, base.get('desc_full')!.hash);
  assert.notEqual(e.get('again')!.hash, base.get('again')!.hash, 'a child of an edited run is re-keyed');

  const seed = figure1();
  seed.pretrains.set('base', pretrain('base', { schedule: schedule({ seed: 2 }) }));
  const s = buildPlan(seed, { backend: 'cpu' }).runs;
  for (const name of ['base', 'desc_full', 'desc_prefix', 'again']) assert.notEqual(s.get(name)!.hash, base.get(name)!.hash);

  const two = buildPlan(figure1(), { backend: 'cpu', threads: 2 }).runs;
  assert.notEqual(two.get('base')!.hash, base.get('base')!.hash, 'several training threads are part of the key');
  assert.equal(two.get('base')!.threads, 2);
  assert.equal(buildPlan(figure1(), { backend: 'cpu', threads: 1 }).runs.get('base')!.hash, base.get('base')!.hash, 'one thread is the default key');

  const wasm = buildPlan(figure1(), { backend: 'wasm' }).runs;
  assert.notEqual(wasm.get('base')!.hash, base.get('base')!.hash, 'the backend is part of the key');
});

test('--only: a finetune brings its ancestors’ training, not their evaluations', () => {
  const plan = buildPlan(figure1(), { backend: 'cpu', only: 'again' });
  assert.deepEqual(ids(plan.jobs), ['train base', 'train desc_full', 'train again', 'eval again desc']);
  const ev = buildPlan(figure1(), { backend: 'cpu', only: 'ev' });
  assert.deepEqual(ids(ev.jobs), ['train base', 'train desc_prefix', 'eval base asc', 'eval base desc', 'eval desc_prefix asc', 'eval desc_prefix desc']);
  assert.deepEqual(ids(buildPlan(figure1(), { backend: 'cpu', only: 'base' }).jobs), ['train base', 'eval base asc']);
  assert.throws(() => buildPlan(figure1(), { backend: 'cpu', only: 'nope' }), (e: unknown) => e instanceof PlanError && /no block of that name.*base/.test(e.message));
});

test('--only: a compare block is all its runs', () => {
  const spec = specOf({ pretrains: [pretrain('base', { tasks: [ASC, ADD1] })] });
  const runs = [0, 1].map((seed) => finetune(`cmp/lora/seed${seed}`, 'base', LORA, { schedule: schedule({ seed }), compare: 'cmp' }));
  const groups = [{ label: 'lora', kind: 'lora' as const, swept: [], points: [{ label: 'lora', method: LORA, runs: runs.map((r) => r.name) }] }];
  const cmp: CompareSpec = { kind: 'compare', name: 'cmp', from: 'base', task: DESC, methods: [LORA], groups, seeds: [0, 1], learnedAt: 0.9, runs };
  spec.compares.set('cmp', cmp);
  const plan = buildPlan(spec, { backend: 'cpu', only: 'cmp' });
  assert.deepEqual(ids(plan.jobs), ['train base', 'train cmp/lora/seed0', 'eval cmp/lora/seed0 desc', 'train cmp/lora/seed1', 'eval cmp/lora/seed1 desc']);
  const [a, b] = [plan.runs.get('cmp/lora/seed0')!, plan.runs.get('cmp/lora/seed1')!] as TrainJob[];
  assert.notEqual(a!.hash, b!.hash);
  assert.deepEqual(ids(buildPlan(spec, { backend: 'cpu' }).jobs).slice(0, 3), ['train base', 'eval base asc', 'eval base add1']);
  // An evaluate block may name the compare block: that stands for all its runs.
  spec.evaluates.set('ev', evaluate('ev', ['cmp'], [ASC]));
  assert.deepEqual(ids(buildPlan(spec, { backend: 'cpu', only: 'ev' }).jobs).slice(-2), ['eval cmp/lora/seed0 asc', 'eval cmp/lora/seed1 asc']);
});

test('plan: unknown parents and cycles are errors, not hangs', () => {
  const cyc = specOf({ pretrains: [pretrain('base')], finetunes: [finetune('a', 'b', LORA), finetune('b', 'a', LORA)] });
  assert.throws(() => buildPlan(cyc, { backend: 'cpu' }), /depends on itself/);
  const orphan = specOf({ finetunes: [finetune('a', 'missing', LORA)] });
  assert.throws(() => buildPlan(orphan, { backend: 'cpu' }), /unknown run 'missing'/);
});
