// The Trainer API on a real tfjs backend: parameter counts, determinism, bit-for-bit resume, merged
// weights, greedy evaluation, prompt search, attention records, backend choice and input checks.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { trainableParameters } from '../../grammar/src/params.js';
import type { MethodSpec } from '../../grammar/src/spec.js';
import { createTrainer, currentBackend, initBackend } from '../../runtime/src/engine/index.js';
import type { NamedTensors, TrainerSnapshot } from '../../runtime/src/engine/types.js';
import { LAYOUT, METHODS, TINY, options, reverseBatch, schedule } from './engine-helpers.js';

let pretrained: NamedTensors;

before(async () => {
  await initBackend();
  // A small model pretrained to reverse its input: the base of the tuning tests.
  const t = await createTrainer(options(METHODS.full!));
  for (let i = 0; i < 150; i++) await t.step(reverseBatch(LAYOUT, 16, i));
  pretrained = await t.mergedWeights();
  t.dispose();
});

function copySnapshot(s: TrainerSnapshot): TrainerSnapshot {
  // What a store round trip gives: fresh arrays, no shared memory with the trainer.
  return structuredClone(s);
}

test('initBackend runs the backend it names; an unavailable explicit choice is a one-line error', async () => {
  const info = await initBackend('cpu');
  assert.equal(info.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.equal(currentBackend(), 'cpu');
  let nodeError: Error | null = null;
  try {
    await initBackend('node');
  } catch (e) {
    nodeError = e as Error;
  }
  if (nodeError) {
    assert.match(nodeError.message, /^backend 'node' is not available: /);
    assert.ok(!nodeError.message.includes('\n'));
    console.log(`# tfjs-node is absent here: ${nodeError.message}`);
  } else assert.equal(tf.getBackend(), 'tensorflow');
  const auto = await initBackend();
  assert.equal(tf.getBackend(), auto.name === 'node' ? 'tensorflow' : auto.name);
  if (auto.name !== 'node') assert.ok(auto.skipped.some((s) => s.startsWith('node: ')));
});

test('trainableCount equals the params.ts formula and the trainable tensors actually held', async () => {
  const methods: Record<string, MethodSpec> = { ...METHODS, lora_subset: { kind: 'lora', rank: 3, alpha: 1, targets: ['value', 'mlp_in'] } };
  for (const [label, method] of Object.entries(methods)) {
    const t = await createTrainer(options(method, { base: pretrained }));
    const formula = trainableParameters(method, TINY, LAYOUT.vocab).total;
    const snap = await t.snapshot();
    const held =
      method.kind === 'full'
        ? Object.values(snap.weights).reduce((a, x) => a + x.data.length, 0)
        : Object.entries(snap.adapter).reduce((a, [n, x]) => a + (n === 'prompt' ? 0 : x.data.length), 0);
    assert.equal(t.trainableCount, formula, label);
    assert.equal(held, formula, label);
    t.dispose();
  }
});

test('same seed and backend twice give the same loss curve (dropout on); another seed does not', async () => {
  const opts = options(METHODS.full!, { model: { ...TINY, dropout: 0.2 } });
  const curve = async (seed: number) => {
    const t = await createTrainer({ ...opts, schedule: schedule({ seed }) });
    const out: number[] = [];
    for (let i = 0; i < 6; i++) out.push(await t.step(reverseBatch(LAYOUT, 8, i)));
    t.dispose();
    return out;
  };
  const a = await curve(1);
  const b = await curve(1);
  const c = await curve(2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

for (const [label, method] of Object.entries(METHODS)) {
  test(`resuming from a snapshot continues bit-for-bit: ${label}`, async () => {
    const opts = options(method, { base: pretrained, model: { ...TINY, dropout: 0.1 } });
    const straight = await createTrainer(opts);
    const losses: number[] = [];
    let snap: TrainerSnapshot | null = null;
    for (let i = 0; i < 6; i++) {
      if (i === 3) snap = copySnapshot(await straight.snapshot());
      losses.push(await straight.step(reverseBatch(LAYOUT, 8, 500 + i)));
    }
    straight.dispose();
    const resumed = await createTrainer(opts, snap!);
    assert.equal(resumed.stepsDone, 3);
    const after: number[] = [];
    for (let i = 3; i < 6; i++) after.push(await resumed.step(reverseBatch(LAYOUT, 8, 500 + i)));
    resumed.dispose();
    assert.deepEqual(after, losses.slice(3));
  });
}

test('SGD with momentum trains, and resumes bit-for-bit too', async () => {
  const opts = options(METHODS.full!, { schedule: schedule({ optimizer: { kind: 'sgd', lr: 0.5, weightDecay: 0.01, beta1: 0.9, beta2: 0.95, momentum: 0.9 } }) });
  const t = await createTrainer(opts);
  const losses: number[] = [];
  let snap: TrainerSnapshot | null = null;
  for (let i = 0; i < 40; i++) {
    if (i === 20) snap = copySnapshot(await t.snapshot());
    losses.push(await t.step(reverseBatch(LAYOUT, 16, i)));
  }
  t.dispose();
  assert.ok(losses[39]! < losses[0]! - 0.1, `loss ${losses[0]} → ${losses[39]}`);
  const r = await createTrainer(opts, snap!);
  const again: number[] = [];
  for (let i = 20; i < 40; i++) again.push(await r.step(reverseBatch(LAYOUT, 16, i)));
  r.dispose();
  assert.deepEqual(again, losses.slice(20));
});

test('evaluate: greedy decoding of all outputs; a pretrained model gets the task right, a fresh one does not', async () => {
  const test = reverseBatch(LAYOUT, 40, 12345);
  const good = await createTrainer(options(METHODS.full!, { base: pretrained }));
  const r = await good.evaluate(test);
  assert.equal(r.tokenTotal, 40 * LAYOUT.length);
  assert.ok(r.exact >= 36, `exact ${r.exact}/40`);
  assert.ok(r.tokenCorrect >= r.exact * LAYOUT.length && r.tokenCorrect <= r.tokenTotal);
  good.dispose();
  const fresh = await createTrainer(options(METHODS.full!));
  const f = await fresh.evaluate(test);
  assert.ok(f.exact <= 2, `an untrained model got ${f.exact}/40 right`);
  fresh.dispose();
});

test('mergedWeights: LoRA folds B·A·alpha/rank into W; context methods refuse', async () => {
  const method = { kind: 'lora' as const, rank: 2, alpha: 4, targets: ['key' as const, 'mlp_out' as const] };
  const t = await createTrainer(options(method, { base: pretrained }));
  for (let i = 0; i < 3; i++) await t.step(reverseBatch(LAYOUT, 8, i));
  const merged = await t.mergedWeights();
  const { adapter } = await t.snapshot();
  const d = TINY.width;
  // Key block (rows d..2d) of layer 1's c_attn.
  const A = adapter['lora.h.1.key.A']!;
  const Bm = adapter['lora.h.1.key.B']!;
  const W = pretrained['transformer.h.1.attn.c_attn.weight']!;
  const M = merged['transformer.h.1.attn.c_attn.weight']!;
  let worst = 0;
  let moved = 0;
  for (let o = 0; o < d; o++) {
    for (let i = 0; i < d; i++) {
      let ba = 0;
      for (let r = 0; r < 2; r++) ba += Bm.data[o * 2 + r]! * A.data[r * d + i]!;
      const want = W.data[(d + o) * d + i]! + ba * (4 / 2);
      worst = Math.max(worst, Math.abs(M.data[(d + o) * d + i]! - want));
      moved = Math.max(moved, Math.abs(ba));
    }
  }
  assert.ok(worst < 1e-6, `merged differs by ${worst}`);
  assert.ok(moved > 1e-5, 'B should have moved from 0');
  // Untargeted weights stay the pretrained ones exactly.
  assert.deepEqual(merged['transformer.h.0.mlp.c_fc.weight']!.data, pretrained['transformer.h.0.mlp.c_fc.weight']!.data);
  t.dispose();
  for (const m of [METHODS.prefix_residual!, METHODS.soft_prompt!, METHODS.prompt!]) {
    const c = await createTrainer(options(m, { base: pretrained }));
    await assert.rejects(c.mergedWeights(), /cannot start from it/);
    c.dispose();
  }
});

test('prompt search never increases the loss on the batch it searches, and changes prompt tokens', async () => {
  const t = await createTrainer(options(METHODS.prompt!, { base: pretrained }));
  const batch = reverseBatch(LAYOUT, 16, 77);
  const losses: number[] = [];
  for (let i = 0; i < 4; i++) losses.push(await t.step(batch));
  for (let i = 1; i < losses.length; i++) assert.ok(losses[i]! <= losses[i - 1]!, `loss rose: ${losses.join(', ')}`);
  const { adapter } = await t.snapshot();
  assert.equal(adapter['prompt']!.data.length, 2);
  assert.ok(adapter['prompt']!.data.every((x) => Number.isInteger(x) && x >= 0 && x < LAYOUT.vocab));
  t.dispose();
});

test('attention records: shapes, α for prefixes, and zero layer-0 relative change for context methods only', async () => {
  const probe = [1, 5, 2, 7];
  const S = LAYOUT.reserve + 2 * LAYOUT.length;
  for (const [label, method] of Object.entries(METHODS)) {
    const t = await createTrainer(options(method, { base: pretrained, schedule: schedule({ optimizer: { kind: 'adamw', lr: 0.05, weightDecay: 0, beta1: 0.9, beta2: 0.95, momentum: 0 } }) }));
    for (let i = 0; i < 5; i++) await t.step(reverseBatch(LAYOUT, 16, 900 + i));
    const rec = await t.attention(probe, pretrained);
    const kv = method.kind === 'prefix' && method.space === 'kv';
    assert.equal(rec.tokens.length, S - 1, label);
    assert.deepEqual(rec.tokens.slice(LAYOUT.reserve, LAYOUT.reserve + 4), probe);
    assert.equal(rec.prefixKeys, kv ? 2 : 0);
    assert.equal(rec.attention.length, TINY.layers);
    assert.equal(rec.attention[0]!.length, TINY.heads);
    assert.equal(rec.attention[0]![0]!.length, S - 1);
    assert.equal(rec.attention[0]![0]![0]!.length, S - 1 + rec.prefixKeys);
    for (const row of rec.attention[1]![1]!) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    if (method.kind === 'prefix') {
      assert.ok(rec.alpha, label);
      assert.ok(rec.alpha!.flat(2).every((a) => a >= 0 && a <= 1 + 1e-6));
    } else assert.equal(rec.alpha, null);
    const change = rec.relativeChange!;
    assert.equal(change.length, TINY.layers);
    if (method.kind === 'full' || method.kind === 'lora') assert.ok(change[0]! > 1e-4, `${label}: layer-0 change ${change[0]}`);
    else assert.ok(change[0]! < 1e-5, `${label}: layer-0 change ${change[0]} should be 0 (theorem)`);
    const none = await t.attention(probe, null);
    assert.equal(none.relativeChange, null);
    t.dispose();
  }
});

test('input checks: context longer than the reserve, wrong batch size, probe length, out-of-vocabulary tokens', async () => {
  await assert.rejects(createTrainer(options({ kind: 'prefix', length: 4, space: 'residual' })), /needs 4 reserved positions/);
  // A kv prefix adds keys and needs no reserved positions.
  (await createTrainer(options({ kind: 'prefix', length: 4, space: 'kv' }))).dispose();
  // ...and its keys have no positions, so it may even be longer than the context (16): it starts from the
  // pad states repeated, and trains.
  const long = await createTrainer(options({ kind: 'prefix', length: TINY.context + 5, space: 'kv' }));
  assert.ok(Number.isFinite(await long.step(reverseBatch(LAYOUT, 2, 1))));
  long.dispose();
  await assert.rejects(createTrainer(options(METHODS.full!, { model: { ...TINY, context: 8 } })), /context is 8/);
  const t = await createTrainer(options(METHODS.full!));
  await assert.rejects(t.step({ tokens: new Int32Array(10), batch: 2 }), /expected 2 × 11/);
  const bad = reverseBatch(LAYOUT, 2, 1);
  bad.tokens[5] = LAYOUT.vocab;
  await assert.rejects(t.step(bad), /outside the vocabulary/);
  await assert.rejects(t.attention([1, 2], null), /probe has 2 tokens/);
  t.dispose();
  await assert.rejects(t.step(reverseBatch(LAYOUT, 2, 1)), /disposed/);
});

test('tensors are released: many steps and a dispose leave no tensors behind', async () => {
  const before = tf.memory().numTensors;
  const t = await createTrainer(options(METHODS.lora!, { base: pretrained }));
  await t.step(reverseBatch(LAYOUT, 8, 1));
  const during = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) await t.step(reverseBatch(LAYOUT, 8, i));
  await t.evaluate(reverseBatch(LAYOUT, 8, 3));
  await t.attention([1, 2, 3, 4], pretrained);
  assert.equal(tf.memory().numTensors, during);
  t.dispose();
  assert.equal(tf.memory().numTensors, before);
});
