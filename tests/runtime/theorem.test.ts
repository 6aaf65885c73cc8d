// The paper's theorem, numerically: in layer 0, a prefix only rescales the content
// attention, A^pt_ij = (1 − α_i)·A_ij, and a head's output is the blend
// t^pt_i = (1 − α_i)·t_i + α_i·Σ_r B_ir v'_r, for a random model and random prefixes in both spaces.
// Also: LoRA with B = 0 is exactly the base model, and a soft prompt equals a residual prefix in layer 0.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/src/engine/backend.js';
import { planMethod, weightsFromNamed } from '../../runtime/src/engine/methods.js';
import { forward, gptConfig, initWeights, type ContextParams, type GPTConfig, type Weights } from '../../runtime/src/engine/model.js';
import { Rng } from '../../runtime/src/engine/rng.js';
import type { ModelSpec } from '../../grammar/src/spec.js';

before(async () => {
  await initBackend();
});

const SPEC: ModelSpec = { name: 'th', layers: 2, heads: 2, width: 16, mlp: 32, dropout: 0.1, context: 16, norm: 'pre' };
const V = 9;
const B = 2;
const T = 12;
const P = 3;
const H = SPEC.heads;
const hd = SPEC.width / SPEC.heads;

function randomModel(seed: number): { cfg: GPTConfig; w: Weights; rng: Rng } {
  const cfg = gptConfig(SPEC, V);
  const rng = new Rng(seed);
  const named = initWeights(cfg, rng);
  // Scale up so attention is far from uniform and the check is not vacuous.
  for (const t of Object.values(named)) if (t.shape.length === 2) for (let i = 0; i < t.data.length; i++) t.data[i] = t.data[i]! * 25;
  return { cfg, w: weightsFromNamed(cfg, named), rng };
}

interface Layer0 {
  probs: Float32Array; // [B, H, T, Tk]
  heads: Float32Array; // [B, H, T, hd]
  q: Float32Array; // [B, H, T, hd]
  k: Float32Array; // [B, H, Tk, hd]
  v: Float32Array;
}

function layer0(cfg: GPTConfig, w: Weights, tokens: Int32Array, ctx: ContextParams): Layer0 {
  return tf.tidy(() => {
    const { trace } = forward(cfg, w, tf.tensor2d(tokens, [B, T], 'int32'), ctx, { train: false, dropoutSeed: 0, logitsFrom: T - 1, trace: true });
    const l = trace![0]!;
    const get = (x: tf.Tensor) => x.dataSync() as Float32Array;
    return { probs: get(l.probs), heads: get(l.heads), q: get(l.q), k: get(l.k), v: get(l.v) };
  });
}

/**
 * Checks both statements of the theorem for every row, head and content query.
 * `offset`: key columns in front of the sequence (kv prefix); `start`: first content position.
 */
function checkTheorem(plain: Layer0, pre: Layer0, offset: number, start: number): { maxAlpha: number } {
  const Tk = offset + T;
  const scale = 1 / Math.sqrt(hd);
  let maxAlpha = 0;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = start; i < T; i++) {
        const row = ((b * H + h) * T + i) * Tk;
        // α_i: attention mass on the prefix keys (kv columns, or the replaced first positions).
        const prefixCols = offset > 0 ? Array.from({ length: offset }, (_, r) => r) : Array.from({ length: start }, (_, r) => r);
        const alpha = prefixCols.reduce((a, r) => a + pre.probs[row + r]!, 0);
        maxAlpha = Math.max(maxAlpha, alpha);
        // A_ij of the unprefixed model over the content keys j ∈ [start, i], from its own queries and keys.
        const qOf = (src: Layer0, keys: number) => (j: number) => {
          let s = 0;
          for (let e = 0; e < hd; e++) s += src.q[((b * H + h) * T + i) * hd + e]! * src.k[((b * H + h) * keys + j) * hd + e]!;
          return s * scale;
        };
        const plainScore = qOf(plain, T);
        const scores = [];
        for (let j = start; j <= i; j++) scores.push(plainScore(j));
        const mx = Math.max(...scores);
        const ex = scores.map((s) => Math.exp(s - mx));
        const z = ex.reduce((a, c) => a + c, 0);
        const A = ex.map((e) => e / z);
        for (let j = start; j <= i; j++) {
          const got = pre.probs[row + offset + j]!;
          assert.ok(Math.abs(got - (1 - alpha) * A[j - start]!) < 1e-5, `b${b} h${h} i${i} j${j}: ${got} vs (1−α)A = ${(1 - alpha) * A[j - start]!}`);
        }
        // Blend: (1 − α)·t_i + α·Σ_r B_ir v'_r, with B the softmax over the prefix scores alone.
        const preScore = qOf(pre, Tk);
        const pScores = prefixCols.map((r) => preScore(r));
        const pmx = Math.max(...pScores);
        const pex = pScores.map((s) => Math.exp(s - pmx));
        const pz = pex.reduce((a, c) => a + c, 0);
        for (let e = 0; e < hd; e++) {
          let t = 0;
          for (let j = start; j <= i; j++) t += A[j - start]! * plain.v[((b * H + h) * T + j) * hd + e]!;
          let pv = 0;
          prefixCols.forEach((r, n) => (pv += (pex[n]! / pz) * pre.v[((b * H + h) * Tk + r) * hd + e]!));
          const want = (1 - alpha) * t + alpha * pv;
          const got = pre.heads[((b * H + h) * T + i) * hd + e]!;
          assert.ok(Math.abs(got - want) < 1e-5, `head output b${b} h${h} i${i} e${e}: ${got} vs blend ${want}`);
        }
      }
    }
  }
  return { maxAlpha };
}

function randomTokens(rng: Rng): Int32Array {
  const tokens = Int32Array.from({ length: B * T }, () => 1 + rng.int(V - 1));
  for (let b = 0; b < B; b++) tokens.fill(0, b * T, b * T + P); // reserved pad positions
  return tokens;
}

test('theorem, residual prefix: layer-0 content attention is (1 − α)·A and head outputs are the blend', () => {
  const { cfg, w, rng } = randomModel(1);
  const tokens = randomTokens(rng);
  const plain = layer0(cfg, w, tokens, {});
  const prefixes = Array.from({ length: cfg.layers }, () => tf.tensor2d(rng.normalArray(P * cfg.width, 1), [P, cfg.width]));
  const pre = layer0(cfg, w, tokens, { prefixResidual: prefixes });
  const { maxAlpha } = checkTheorem(plain, pre, 0, P);
  assert.ok(maxAlpha > 0.05, `the prefixes should take a visible share of attention (max α ${maxAlpha})`);
  tf.dispose([...prefixes, ...Object.values(w)]);
});

test('theorem, kv prefix: layer-0 content attention is (1 − α)·A and head outputs are the blend', () => {
  const { cfg, w, rng } = randomModel(2);
  const tokens = randomTokens(rng);
  const plain = layer0(cfg, w, tokens, {});
  const prefixKV = Array.from({ length: cfg.layers }, () => ({
    key: tf.tensor2d(rng.normalArray(P * cfg.width, 3), [P, cfg.width]),
    value: tf.tensor2d(rng.normalArray(P * cfg.width, 1), [P, cfg.width]),
  }));
  const pre = layer0(cfg, w, tokens, { prefixKV });
  const { maxAlpha } = checkTheorem(plain, pre, P, 0);
  assert.ok(maxAlpha > 0.05, `the prefixes should take a visible share of attention (max α ${maxAlpha})`);
  tf.dispose([...prefixKV.flatMap((p) => [p.key, p.value]), ...Object.values(w)]);
});

test('the theorem check fails for a weight change (LoRA-like perturbation of W_K): it has teeth', () => {
  const { cfg, w, rng } = randomModel(3);
  const tokens = randomTokens(rng);
  const plain = layer0(cfg, w, tokens, {});
  const name = 'transformer.h.0.attn.c_attn.weight';
  const changed = { ...w, [name]: tf.add(w[name]!, tf.randomNormal(w[name]!.shape, 0, 0.5, 'float32', 5)) };
  const prefixes = Array.from({ length: cfg.layers }, () => tf.tensor2d(rng.normalArray(P * cfg.width, 1), [P, cfg.width]));
  const pre = layer0(cfg, changed, tokens, { prefixResidual: prefixes });
  assert.throws(() => checkTheorem(plain, pre, 0, P), /vs \(1−α\)A/);
  tf.dispose([...prefixes, changed[name]!, ...Object.values(w)]);
});

test('LoRA with B = 0 gives exactly the base logits', () => {
  const { cfg, w, rng } = randomModel(4);
  const plan = planMethod(cfg, { kind: 'lora', rank: 2, alpha: 8, targets: ['query', 'key', 'value', 'output', 'mlp_in', 'mlp_out'] }, w, rng);
  const values = plan.trainables.map((t) => tf.tensor(t.init.data, t.init.shape));
  // A is random, B is zero.
  assert.ok(plan.trainables.some((t) => t.name.endsWith('.A') && t.init.data.some((x) => x !== 0)));
  assert.ok(plan.trainables.filter((t) => t.name.endsWith('.B')).every((t) => t.init.data.every((x) => x === 0)));
  const tokens = randomTokens(rng);
  const run = (weights: Weights) =>
    tf.tidy(() => forward(cfg, weights, tf.tensor2d(tokens, [B, T], 'int32'), {}, { train: false, dropoutSeed: 0, logitsFrom: 0, trace: false }).logits.dataSync() as Float32Array);
  const base = run(w);
  const lora = tf.tidy(() => run(plan.build(values).weights));
  assert.deepEqual(Array.from(lora), Array.from(base));
  // …and a non-zero B changes them.
  const moved = values.map((v, i) => (plan.trainables[i]!.name.endsWith('.B') ? tf.onesLike(v) : v));
  const changed = tf.tidy(() => run(plan.build(moved).weights));
  assert.notDeepEqual(Array.from(changed), Array.from(base));
  tf.dispose([...values, ...moved, ...Object.values(w)]);
});

test('a soft prompt equals a residual prefix of (prompt + position embeddings) in layer 0 at content positions', () => {
  const { cfg, w, rng } = randomModel(5);
  const tokens = randomTokens(rng);
  const soft = tf.tensor2d(rng.normalArray(P * cfg.width, 1), [P, cfg.width]);
  const asPrefix = tf.add(soft, tf.slice(w['transformer.wpe.weight']!, [0, 0], [P, cfg.width])) as tf.Tensor2D;
  // Later layers' prefixes do not matter for layer 0; give them random values.
  const prefixes = [asPrefix, ...Array.from({ length: cfg.layers - 1 }, () => tf.tensor2d(rng.normalArray(P * cfg.width, 1), [P, cfg.width]))];
  const a = layer0(cfg, w, tokens, { softPrompt: soft });
  const b = layer0(cfg, w, tokens, { prefixResidual: prefixes });
  let worst = 0;
  for (let r = 0; r < B * H; r++) {
    for (let i = P; i < T; i++) {
      for (let e = 0; e < hd; e++) worst = Math.max(worst, Math.abs(a.heads[(r * T + i) * hd + e]! - b.heads[(r * T + i) * hd + e]!));
    }
  }
  assert.ok(worst < 1e-5, `layer-0 head outputs differ by ${worst}`);
  // Not vacuous: the prompt changes the layer-0 output compared with no prompt at all.
  const none = layer0(cfg, w, tokens, {});
  let moved = 0;
  for (let x = 0; x < none.heads.length; x++) moved = Math.max(moved, Math.abs(none.heads[x]! - a.heads[x]!));
  assert.ok(moved > 1e-3);
  tf.dispose([soft, ...prefixes, ...Object.values(w)]);
});
