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

test('theory agreement: the prefix is warned about, LoRA and full are not; outcomes decide agreement', () => {
  const text = readFileSync(SPEC, 'utf8');
  const seeds = [0, 1, 2];
  const outcome = (prefixExact: number) => [
    ...seeds.map((s) => result(`desc_methods/full/seed${s}`, 'desc', 0.99, s)),
    ...seeds.map((s) => result(`desc_methods/${LORA}/seed${s}`, 'desc', 0.9, s)),
    ...seeds.map((s) => result(`desc_methods/prefix(length: 8)/seed${s}`, 'desc', prefixExact, s)),
    ...seeds.map((s) => result(`desc_methods/prefix(length: 8)/seed${s}`, 'asc', 0.9, s)), // not its task: ignored
  ];
  const checks = theoryChecks(text, outcome(0));
  const byGroup = new Map(checks.map((c) => [c.group, c]));
  assert.deepEqual(byGroup.get('desc_methods/prefix(length: 8)')!.warnings, ['novel-attention-pattern']);
  assert.deepEqual(byGroup.get('desc_methods/full')!.warnings, []);
  assert.deepEqual(byGroup.get(`desc_methods/${LORA}`)!.warnings, []);
  assert.ok(checks.every((c) => c.agrees));
  const wrong = theoryChecks(text, outcome(0.8));
  assert.equal(wrong.find((c) => c.group === 'desc_methods/prefix(length: 8)')!.agrees, false, 'a warned run that learned disagrees');
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
