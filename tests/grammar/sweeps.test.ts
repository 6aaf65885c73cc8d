// Sweeps in compare blocks: a method argument given as a list is a grid of configurations, each run once
// per seed; the spec keeps the grid per method item for selection and verdicts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse } from '../../grammar/src/index.js';
import { PREAMBLE } from './helpers.js';

const SWEEP = PREAMBLE + `compare c from base on desc {
  methods: [full, prefix(length: [2, 4], lr: [1e-3, 1e-2]), lora(rank: 1, targets: [[query, key], [output]])]
  seeds: [0, 1]
  steps: 200
}`;

test('a sweep expands to the cross product of its lists, each point once per seed', () => {
  const a = analyse(SWEEP);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  const c = a.spec.compares.get('c')!;
  assert.deepEqual(
    c.groups.map((g) => [g.label, g.kind, g.swept, g.points.length]),
    [
      ['full', 'full', [], 1],
      ['prefix(length: [2, 4], lr: [0.001, 0.01])', 'prefix', ['length', 'lr'], 4],
      ['lora(rank: 1, targets: [[query, key], [output]])', 'lora', ['targets'], 2],
    ],
  );
  // The first argument varies slowest; run names carry each point's own values.
  assert.deepEqual(c.groups[1]!.points.map((p) => p.label), [
    'prefix(length: 2, lr: 0.001)',
    'prefix(length: 2, lr: 0.01)',
    'prefix(length: 4, lr: 0.001)',
    'prefix(length: 4, lr: 0.01)',
  ]);
  assert.deepEqual(c.groups[1]!.points[1]!.runs, ['c/prefix(length: 2, lr: 0.01)/seed0', 'c/prefix(length: 2, lr: 0.01)/seed1']);
  assert.equal(c.runs.length, (1 + 4 + 2) * 2);
  assert.equal(new Set(c.runs.map((r) => r.name)).size, c.runs.length);
  const r = c.runs.find((x) => x.name === 'c/prefix(length: 4, lr: 0.01)/seed1')!;
  assert.deepEqual([r.method, r.schedule.optimizer.lr, r.schedule.seed], [{ kind: 'prefix', length: 4, space: 'residual' }, 0.01, 1]);
  assert.deepEqual(c.groups[2]!.points.map((p) => p.method), [
    { kind: 'lora', rank: 1, alpha: 1, targets: ['query', 'key'] },
    { kind: 'lora', rank: 1, alpha: 1, targets: ['output'] },
  ]);
});

test('every grid point has its own parameter count; a plain list argument is not a sweep', () => {
  const a = analyse(SWEEP);
  const prefix = a.methods.filter((m) => m.method.kind === 'prefix');
  assert.deepEqual(prefix.map((m) => [m.count?.total, m.point, m.points]), [
    [2 * 2 * 32, 0, 4],
    [2 * 2 * 32, 1, 4],
    [2 * 4 * 32, 2, 4],
    [2 * 4 * 32, 3, 4],
  ]);
  // targets: [query, key] is one value of a list-typed argument, not two configurations.
  const one = analyse(PREAMBLE + 'compare c from base on desc { methods: [lora(rank: 1, targets: [query, key])] }').spec.compares.get('c')!;
  assert.deepEqual([one.groups[0]!.swept, one.groups[0]!.points.length, one.runs.length], [[], 1, 1]);
});

test('evaluation during training and early stopping: defaults, overrides and their range checks', () => {
  const c = analyse(SWEEP).spec.compares.get('c')!;
  assert.deepEqual(c.runs[0]!.stopping, { evalEvery: 10, samples: 512, stopAt: 0.99, patience: 0, delta: 0.005 });
  assert.equal(c.learnedAt, 0.9);
  // A point with its own steps gets its own default evaluation interval.
  const own = analyse(PREAMBLE + 'compare c from base on desc { methods: [prefix(length: 2, steps: [100, 400])]  stop_at: 0.95  patience: 50  learned_at: 0.8 }').spec.compares.get('c')!;
  assert.deepEqual(own.runs.map((r) => [r.schedule.steps, r.stopping.evalEvery, r.stopping.stopAt, r.stopping.patience]), [
    [100, 5, 0.95, 50],
    [400, 20, 0.95, 50],
  ]);
  assert.equal(own.learnedAt, 0.8);
  const f = analyse(PREAMBLE + 'finetune f from base on desc { method: full  steps: 300  eval_every: 7 }').spec.finetunes.get('f')!;
  assert.deepEqual([f.stopping.evalEvery, f.stopping.stopAt], [7, 0.99]);
  const bad = analyse(PREAMBLE + 'finetune f from base on desc { method: full  eval_every: 0  stop_at: 1.5 }');
  assert.deepEqual(bad.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), ['out-of-range', 'out-of-range']);
});

test('the validation split is a share of the held-out inputs, 0 < share < 1', () => {
  assert.equal(analyse(PREAMBLE).spec.data.get('digits')!.validation, 0.25);
  assert.equal(analyse('data d { validation: 0.5 }').spec.data.get('d')!.validation, 0.5);
  assert.deepEqual(analyse('data d { validation: 1 }').diagnostics.map((d) => d.code), ['out-of-range']);
});
