// The hand-written backward pass against finite differences, for every method with trainable tensors,
// pre- and post-LayerNorm, with dropout on (the masks are seeded, so the loss is a fixed function).
// For each trainable tensor: the directional derivative along a random direction, by central differences.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/src/engine/backend.js';
import { planMethod, weightsFromNamed } from '../../runtime/src/engine/methods.js';
import { gptConfig, initWeights } from '../../runtime/src/engine/model.js';
import { lossAndGrads } from '../../runtime/src/engine/gradients.js';
import { Rng } from '../../runtime/src/engine/rng.js';
import type { MethodSpec, ModelSpec } from '../../grammar/src/spec.js';
import { METHODS } from './engine-helpers.js';

before(async () => {
  await initBackend();
});

function check(method: MethodSpec, norm: 'pre' | 'post'): void {
  const spec: ModelSpec = { name: 'g', layers: 2, heads: 2, width: 8, mlp: 12, dropout: 0.1, context: 10, norm };
  const V = 6;
  const cfg = gptConfig(spec, V);
  const rng = new Rng(3);
  const named = initWeights(cfg, rng);
  // Larger weights than the init so attention patterns and LayerNorms are far from trivial.
  for (const t of Object.values(named)) {
    for (let i = 0; i < t.data.length; i++) t.data[i] = t.shape.length === 2 ? t.data[i]! * 10 : t.data[i]! + rng.normal() * 0.1;
  }
  const base = weightsFromNamed(cfg, named);
  const plan = planMethod(cfg, method, base, rng);
  // Random trainable values (LoRA's B = 0 would hide A's gradient).
  const values = plan.trainables.map((t) => tf.tensor(rng.normalArray(t.init.data.length, 0.2), t.init.shape));
  const B = 3;
  const T = 9;
  const from = 4;
  const x = tf.tensor2d(Int32Array.from({ length: B * T }, () => rng.int(V)), [B, T], 'int32');
  const y = tf.tensor1d(Int32Array.from({ length: B * (T - from) }, () => rng.int(V)), 'int32');
  const lossAt = (vals: tf.Tensor[]) => tf.tidy(() => lossAndGrads(cfg, plan, vals, x, y, from, true, 99).loss.dataSync()[0]!);
  const grads = tf.tidy(() => lossAndGrads(cfg, plan, values, x, y, from, true, 99).grads.map((g) => g.dataSync() as Float32Array));
  const eps = 1e-2;
  plan.trainables.forEach((tr, i) => {
    const dir = rng.normalArray(values[i]!.size, 1);
    const norm2 = Math.sqrt(dir.reduce((a, b) => a + b * b, 0));
    for (let k = 0; k < dir.length; k++) dir[k] = dir[k]! / norm2;
    const shifted = (sign: number) =>
      values.map((v, j) => (j === i ? tf.add(v, tf.mul(tf.tensor(dir, v.shape), sign * eps)) : v));
    const plus = shifted(1);
    const minus = shifted(-1);
    const fd = (lossAt(plus) - lossAt(minus)) / (2 * eps);
    tf.dispose([plus[i]!, minus[i]!]);
    const analytic = grads[i]!.reduce((a, g, k) => a + g * dir[k]!, 0);
    const tol = 2e-4 + 1e-2 * Math.abs(fd);
    assert.ok(Math.abs(fd - analytic) < tol, `${method.kind} ${tr.name}: finite difference ${fd}, backward ${analytic}`);
  });
  tf.dispose([...values, x, y, ...Object.values(base)]);
}

for (const [label, method] of Object.entries(METHODS)) {
  if (method.kind === 'prompt') continue; // no continuous parameters
  for (const norm of ['pre', 'post'] as const) {
    test(`backward matches finite differences: ${label}, ${norm}-LayerNorm`, () => check(method, norm));
  }
}

test('a LoRA on a subset of targets gets gradients only for its own A and B', () => {
  check({ kind: 'lora', rank: 1, alpha: 4, targets: ['key', 'mlp_out'] }, 'pre');
});
