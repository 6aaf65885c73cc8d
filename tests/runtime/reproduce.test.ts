// The reproduction's bookkeeping (scripts/reproduce/): compare run names, mean ± std over seeds, the
// conclusions and directions, the theory-warning agreement on a real spec's analysis, and the markdown.
// The experiments themselves run in reproduce-quick.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyse } from '../../grammar/src/index.js';
import { EXPERIMENTS } from '../../scripts/reproduce/experiments.js';
import { attentionChanges, claimHolds, directionHolds, mean, parseCompareRun, rowOutcome, std } from '../../scripts/reproduce/outcomes.js';
import type { SpecResult } from '../../scripts/reproduce/run-spec.js';
import { theoryChecks } from '../../scripts/reproduce/theory.js';
import { compareVerdicts, type RunEvidence } from '../../runtime/src/evidence/verdict.js';

const SPEC = 'examples/paper/sort-descending.ptx';
const LORA = 'lora(rank: 1, targets: [query, key, value, output], lr: 0.02)';

function result(run: string, task: string, exact: number, seed: number, relativeChange: number[] | null = null): SpecResult {
  return {
    run,
    task,
    exact,
    perToken: exact,
    samples: 1000,
    trainable: 256,
    trainSeconds: 10,
    backend: 'wasm',
    seed,
    cached: false,
    attention: relativeChange ? { tokens: [], prefixKeys: 0, attention: [], alpha: null, relativeChange } : null,
  } as SpecResult;
}

test('compare run names split into compare, method, kind and seed', () => {
  assert.deepEqual(parseCompareRun(`desc_methods/${LORA}/seed2`), { compare: 'desc_methods', method: LORA, kind: 'lora', seed: 2 });
  assert.deepEqual(parseCompareRun('desc_methods/full/seed0'), { compare: 'desc_methods', method: 'full', kind: 'full', seed: 0 });
  assert.equal(parseCompareRun('base'), null);
});

test('mean and sample standard deviation; claims', () => {
  assert.equal(mean([0.9, 0.8, 1]), 0.9);
  assert.ok(Math.abs(std([0.9, 0.8, 1]) - 0.1) < 1e-12);
  assert.equal(std([0.5]), 0);
  assert.equal(claimHolds({ op: '>=', value: 0.8 }, 0.8), true);
  assert.equal(claimHolds({ op: '>=', value: 0.8 }, 0.79), false);
  assert.equal(claimHolds({ op: '<=', value: 0.1 }, 0.11), false);
});

test('rows select every seed of a compare method on its task, once per run', () => {
  const text = readFileSync(SPEC, 'utf8');
  const { spec } = analyse(text);
  const exp = EXPERIMENTS.find((e) => e.spec === SPEC)!;
  const results = [
    result('desc_methods/full/seed0', 'desc', 0.99, 0),
    result('desc_methods/full/seed0', 'desc', 0.5, 0), // the same run evaluated again by another block
    result('desc_methods/full/seed1', 'desc', 0.97, 1),
    result('desc_methods/full/seed2', 'desc', 0.95, 2),
    result('desc_methods/full/seed0', 'asc', 0, 0),
    result('desc_methods/prefix(length: 8)/seed0', 'desc', 0.2, 0),
  ];
  const full = rowOutcome(exp.rows.find((r) => r.id === 'desc-full')!, results, spec);
  assert.deepEqual(full.exact, [0.99, 0.97, 0.95]);
  assert.equal(full.steps, 500);
  assert.equal(full.holds, true);
  const prefix = rowOutcome(exp.rows.find((r) => r.id === 'desc-prefix')!, results, spec);
  assert.equal(prefix.holds, false, '20% is above the ≤ 10% conclusion');
  const d = directionHolds(exp.directions[0]!, new Map([[full.row.id, full], [prefix.row.id, prefix]]));
  assert.equal(d.holds, true);
  assert.throws(() => rowOutcome(exp.rows.find((r) => r.id === 'desc-lora')!, results, spec), /no result/);
});

test('a compare row reports the configuration its verdict selected; an inconclusive verdict leaves the conclusion undecided', () => {
  const text = `data d { values: 0..3  length: 3  vocab: 5 }
model m { layers: 1  heads: 1  width: 16  mlp: 32  dropout: 0  context: 10 }
task asc = sort(ascending)
task desc = sort(descending)
pretrain base { model: m  data: d  tasks: [asc]  reserve: 2 }
compare desc_methods from base on desc { methods: [prefix(length: 2, lr: [1e-3, 1e-2])]  seeds: [0, 1]  steps: 600 }`;
  const { spec } = analyse(text);
  const c = spec.compares.get('desc_methods')!;
  const row = { id: 'p', label: 'prefix', select: { compare: 'desc_methods', method: 'prefix', task: 'desc' }, paper: null, claim: { op: '<=' as const, value: 0.1 } };
  const steps = [100, 200, 300, 400, 500, 600];
  const ev = (level: number, rising: boolean): RunEvidence => ({
    steps: 600,
    validation: steps.map((step, i) => ({ step, exact: rising ? level * i : level, perToken: level, loss: rising ? 2 - i / 5 : 1 })),
    stopped: null,
    test: level,
  });
  const results = c.runs.map((r) => result(r.name, 'desc', r.name.includes('lr: 0.01') ? 0.05 : 0.01, r.schedule.seed));
  const converged = compareVerdicts(c, (run) => ev(run.includes('lr: 0.01') ? 0.05 : 0.01, false));
  const o = rowOutcome(row, results, spec, converged);
  assert.equal(o.method, 'prefix(length: 2, lr: 0.01)', 'the better validation curve is selected');
  assert.deepEqual([o.exact, o.holds, o.verdict!.kind, o.verdict!.configurations], [[0.05, 0.05], true, 'not-learned', 2]);
  const still = compareVerdicts(c, (run) => ev(run.includes('lr: 0.01') ? 0.05 : 0.01, run.endsWith('seed1')));
  const u = rowOutcome(row, results, spec, still);
  assert.deepEqual([u.verdict!.kind, u.holds], ['inconclusive', null]);
});

test('theory agreement: the prefix is warned about, LoRA and full are not; verdicts decide agreement, inconclusive is neither', () => {
  const text = readFileSync(SPEC, 'utf8');
  const c = analyse(text).spec.compares.get('desc_methods')!;
  const steps = [100, 200, 300, 400, 500, 600];
  const flat = (level: number, test: number): RunEvidence => ({
    steps: 600,
    validation: steps.map((step) => ({ step, exact: level, perToken: level, loss: 1 })),
    stopped: null,
    test,
  });
  const verdicts = (prefix: RunEvidence) => compareVerdicts(c, (run) => (run.includes('/prefix') ? prefix : flat(0.99, 0.99)));
  const checks = theoryChecks(text, verdicts(flat(0, 0)));
  const byKind = new Map(checks.map((x, i) => [c.groups[i]!.kind, x]));
  assert.deepEqual(byKind.get('prefix')!.warnings, ['novel-attention-pattern']);
  assert.deepEqual(byKind.get('full')!.warnings, []);
  assert.deepEqual(byKind.get('lora')!.warnings, []);
  assert.ok(checks.every((x) => x.agrees === true), JSON.stringify(checks));
  assert.equal(theoryChecks(text, verdicts(flat(0.95, 0.95))).find((x) => x.warnings.length)!.agrees, false, 'a warned method that learned disagrees');
  const rising: RunEvidence = { ...flat(0, 0), validation: steps.map((step, i) => ({ step, exact: i / 10, perToken: i / 10, loss: 2 - i / 5 })) };
  const undecided = theoryChecks(text, verdicts(rising)).find((x) => x.warnings.length)!;
  assert.deepEqual([undecided.verdict, undecided.agrees], ['inconclusive', null]);
});

test('attention changes come from the run’s own task when it has one', () => {
  const { spec } = analyse(readFileSync(SPEC, 'utf8'));
  const changes = attentionChanges(
    [result('desc_methods/full/seed0', 'asc', 0, 0, [0.3]), result('desc_methods/full/seed0', 'desc', 0.99, 0, [0.4]), result('base', 'asc', 1, 1, null)],
    spec,
  );
  assert.deepEqual(changes, [{ run: 'desc_methods/full/seed0', method: 'full', task: 'desc', perLayer: [0.4], movesLayer0: true }]);
  const lora = attentionChanges([result(`desc_methods/${LORA}/seed1`, 'desc', 0.9, 1, [0.5])], spec);
  assert.equal(lora[0]!.movesLayer0, true, 'LoRA on query and key can move the layer-0 pattern');
  const prefix = attentionChanges([result('desc_methods/prefix(length: 8)/seed1', 'desc', 0, 1, [1e-8])], spec);
  assert.equal(prefix[0]!.movesLayer0, false);
});

test('every experiment names specs that analyse without errors and rows with known ids', () => {
  for (const exp of EXPERIMENTS) {
    for (const file of [exp.spec, exp.quickSpec].filter((f): f is string => f !== null)) {
      const errors = analyse(readFileSync(file, 'utf8')).diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors, [], file);
    }
    const ids = new Set(exp.rows.map((r) => r.id));
    for (const d of exp.directions) assert.ok(ids.has(d.higher) && ids.has(d.lower), `${exp.id}: ${d.text}`);
  }
});
