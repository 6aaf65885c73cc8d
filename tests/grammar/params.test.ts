// The trainable-parameter formula: the paper's numbers, and agreement with the listed weight shapes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, formatCount, modelParameterCount, modelParameterShapes, trainableParameters, type ModelSpec } from '../../grammar/src/index.js';

const paper: ModelSpec = { name: 'paper', layers: 4, heads: 4, width: 256, mlp: 1024, dropout: 0.1, context: 32, norm: 'pre' };

test("the paper's rank-1 LoRA and length-12 residual prefix both train 12,288 parameters", () => {
  const lora = trainableParameters({ kind: 'lora', rank: 1, alpha: 1, targets: ['output', 'mlp_in', 'mlp_out'] }, paper, 10);
  const prefix = trainableParameters({ kind: 'prefix', length: 12, space: 'residual' }, paper, 10);
  assert.equal(lora.total, 12_288);
  assert.equal(prefix.total, 12_288);
  assert.equal(prefix.formula, '4 × 12 × 256 = 12,288');
  assert.equal(trainableParameters({ kind: 'prefix', length: 10, space: 'residual' }, paper, 10).total, 10_240);
});

test('kv prefixes, soft prompts and prompts', () => {
  assert.equal(trainableParameters({ kind: 'prefix', length: 3, space: 'kv' }, paper, 10).total, 4 * 3 * 2 * 256);
  assert.equal(trainableParameters({ kind: 'soft_prompt', length: 5 }, paper, 10).total, 5 * 256);
  assert.equal(trainableParameters({ kind: 'prompt', length: 5 }, paper, 10).total, 0);
});

test('full fine-tuning counts every listed weight; the closed form in docs/language.md agrees', () => {
  const V = 10;
  const { width: d, mlp: m, layers: L, context: C } = paper;
  const closedForm = V * d + C * d + L * (4 * d * d + 2 * d * m + 9 * d + m) + 2 * d + V * d;
  assert.equal(modelParameterCount(paper, V), closedForm);
  assert.equal(trainableParameters({ kind: 'full' }, paper, V).total, closedForm);
  const names = modelParameterShapes(paper, V).map(([n]) => n);
  assert.equal(new Set(names).size, names.length, 'weight names are unique');
  assert.ok(names.includes('transformer.h.3.attn.c_attn.weight') && names.includes('lm_head.weight'));
});

test('LoRA on query/key/value adapts d×d slices', () => {
  const c = trainableParameters({ kind: 'lora', rank: 2, alpha: 1, targets: ['query', 'key', 'value'] }, paper, 10);
  assert.equal(c.total, 4 * 3 * 2 * (256 + 256));
});

test('formatCount groups thousands', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(999), '999');
  assert.equal(formatCount(12288), '12,288');
  assert.equal(formatCount(3214080), '3,214,080');
});

test('the analysis reports the count of every finetune and compare method', () => {
  const a = analyse(`data d { values: 0..7  length: 10  vocab: 11 }
model paper { layers: 4  heads: 4  width: 256  context: 32 }
pretrain base { model: paper  data: d  tasks: [sort(ascending), add(1)]  reserve: 12 }
finetune f from base on histogram { method: lora(rank: 1) }
compare c from base on histogram { methods: [prefix(length: 12), lora(rank: 1)]  seeds: [0, 1] }`);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(
    a.methods.map((m) => [m.run, m.count!.total]),
    [
      ['f', 12288],
      ['c/prefix(length: 12)/seed0', 12288],
      ['c/lora(rank: 1)/seed0', 12288],
    ],
  );
  assert.equal(a.spec.compares.get('c')!.runs.length, 4);
});
