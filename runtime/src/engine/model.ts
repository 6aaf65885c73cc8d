// The transformer: minGPT as the paper used it (Petrov, Torr, Bibi 2024, after Karpathy's minGPT).
// Token + learned position embeddings → `layers` blocks (LayerNorm, multi-head causal self-attention, MLP
// with tanh-GELU; pre-LayerNorm by default, post-LayerNorm as an option) → final LayerNorm → untied head.
// Weights use PyTorch's names and shapes (Linear weight = [out, in]) so bench/reference/gpt.py loads them.
//
// The backward pass is written out by hand (as in llm.c), not taken from tfjs's autodiff: tfjs-core ships
// its gradient functions only as ES modules that Node cannot load without the @tensorflow/tfjs umbrella, and
// a hand-written backward is also the fast path (every product a plain matMul, frozen weights cost no
// weight-gradient products, a fraction of the kernels). tests/runtime/engine-gradients.test.ts checks it
// against finite differences for every method.
//
// What the context-based tuning methods add to the forward pass:
//  - prefixResidual: per layer, P vectors [P, d] that replace the residual stream at the first P positions
//    as the block's input (so the attention sublayer's LayerNorm and frozen projections see them);
//  - prefixKV: per layer, P keys and P values [P, d] joined in front of the content's keys/values;
//  - softPrompt: P input embeddings [P, d] replacing the token embedding of the first P positions
//    (position embeddings are still added).
// LoRA changes weights, not the forward pass: see methods.ts.
//
// Shapes: B batch, T sequence, N = B·T rows, d width, H heads, hd = d / H, m MLP width, V vocab,
// P prefix length, Tk keys (T, or P + T with a kv prefix), M rows that get logits.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelSpec } from '../../../grammar/src/spec.js';
import { modelParameterShapes } from '../../../grammar/src/params.js';
import { attentionBackward, attentionForward } from './attention-core.js';
import { mm, mTm, t as tr } from './matmul.js';
import { Rng } from './rng.js';
import type { NamedTensors } from './types.js';

export interface GPTConfig {
  vocab: number;
  /** Number of learned positions (maximum sequence length). */
  context: number;
  layers: number;
  heads: number;
  width: number;
  mlp: number;
  dropout: number;
  norm: 'pre' | 'post';
}

export function gptConfig(model: ModelSpec, vocab: number): GPTConfig {
  if (model.width % model.heads !== 0) throw new Error(`width ${model.width} is not divisible by heads ${model.heads}`);
  const { context, layers, heads, width, mlp, dropout, norm } = model;
  return { vocab, context, layers, heads, width, mlp, dropout, norm };
}

/** The spec-shaped view of a config (params.ts works on ModelSpec). */
export function modelSpecOf(cfg: GPTConfig): ModelSpec {
  const { context, layers, heads, width, mlp, dropout, norm } = cfg;
  return { name: 'model', context, layers, heads, width, mlp, dropout, norm };
}

/** Model weights by PyTorch name. */
export type Weights = Record<string, tf.Tensor>;

/** minGPT's initialisation: N(0, 0.02) for linear and embedding weights, N(0, 0.02/√(2·layers)) for the
 * residual output projections (c_proj), zero biases, LayerNorm weight 1. Drawn in JS from a seeded Rng, so
 * it is the same on every backend. */
export function initWeights(cfg: GPTConfig, rng: Rng): NamedTensors {
  const out: NamedTensors = {};
  for (const [name, shape] of modelParameterShapes(modelSpecOf(cfg), cfg.vocab)) {
    const n = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (name.endsWith('.bias')) data = new Float32Array(n);
    else if (/ln_\d\.weight$|ln_f\.weight$/.test(name)) data = new Float32Array(n).fill(1);
    else if (name.endsWith('c_proj.weight')) data = rng.normalArray(n, 0.02 / Math.sqrt(2 * cfg.layers));
    else data = rng.normalArray(n, 0.02);
    out[name] = { shape, data };
  }
  return out;
}

/** What a context-based tuning method adds to the forward pass (see the file comment). */
export interface ContextParams {
  prefixResidual?: tf.Tensor2D[];
  prefixKV?: Array<{ key: tf.Tensor2D; value: tf.Tensor2D }>;
  softPrompt?: tf.Tensor2D;
}

export interface ForwardOptions {
  /** Training mode: dropout on. */
  train: boolean;
  /** Seed of this pass's dropout masks (each dropout site uses seed + its index). */
  dropoutSeed: number;
  /** Compute logits only for positions ≥ this (the loss needs only the output positions). */
  logitsFrom: number;
  /** Record per-layer internals (attention maps, theorem tests). */
  trace: boolean;
}

/** Internals of one layer's attention, recorded when `trace` is set. */
export interface LayerTrace {
  /** Residual-stream input of the block after prefix replacement [B, T, d]. */
  input: tf.Tensor3D;
  /** Per head: queries [B, H, T, hd]; keys and values [B, H, Tk, hd] including a kv prefix. */
  q: tf.Tensor4D;
  k: tf.Tensor4D;
  v: tf.Tensor4D;
  /** Attention probabilities [B, H, T, Tk] (before dropout). */
  probs: tf.Tensor4D;
  /** Per-head outputs Σ_j a_ij v_j [B, H, T, hd] (before the output projection; dropout applied when training). */
  heads: tf.Tensor4D;
}

/** LayerNorm intermediates kept for the backward pass. */
interface LNCache {
  xhat: tf.Tensor2D;
  rstd: tf.Tensor2D;
}

/** Everything a block's backward pass needs. */
interface BlockCache {
  /** First position whose attention output, MLP and residual this block computed (rows R = T − q0 per
   * sequence; 0 except in the last layer, where only the logit positions are needed). */
  q0: number;
  xin: tf.Tensor2D; // block input after prefix replacement [N, d]
  ln1: LNCache | null; // pre-norm: LN of xin; post-norm: LN of xin + attn
  attnIn: tf.Tensor2D; // input of c_attn [N, d]
  qkv: Float32Array; // c_attn output [N, 3d]
  prefixK: Float32Array | null; // kv prefix [P, d]
  prefixV: Float32Array | null;
  probs: Float32Array; // softmax [B, H, T, Tk]
  attnMask: Float32Array | null; // dropout on probs
  ym: tf.Tensor2D; // merged heads [B·R, d]; R-row tensors below likewise
  residMask1: tf.Tensor | null;
  ln2: LNCache | null;
  mlpIn: tf.Tensor2D; // input of c_fc [N, d]
  f: tf.Tensor2D; // c_fc output [N, m]
  gs: tf.Tensor2D; // σ(2u) of the GELU [N, m]
  g: tf.Tensor2D; // gelu(f) [N, m]
  residMask2: tf.Tensor | null;
}

export interface ForwardCache {
  B: number;
  T: number;
  tokens: Int32Array; // [N]
  embMask: tf.Tensor | null;
  blocks: BlockCache[];
  lnf: LNCache;
  hf: tf.Tensor2D; // final LN output of the logit rows [M, d]
  from: number;
}

export interface ForwardResult {
  /** [B, T − logitsFrom, V] */
  logits: tf.Tensor3D;
  trace: LayerTrace[] | null;
  cache: ForwardCache;
}

const LN_EPS = 1e-5;
const GELU_C = Math.sqrt(2 / Math.PI);

function layerNorm(x: tf.Tensor2D, g: tf.Tensor, b: tf.Tensor): { y: tf.Tensor2D; cache: LNCache } {
  const { mean, variance } = tf.moments(x, -1, true);
  const rstd = tf.rsqrt(tf.add(variance, LN_EPS)) as tf.Tensor2D;
  const xhat = tf.mul(tf.sub(x, mean), rstd) as tf.Tensor2D;
  return { y: tf.add(tf.mul(xhat, g), b) as tf.Tensor2D, cache: { xhat, rstd } };
}

/** dx of LayerNorm, and dγ, dβ when wanted: dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = dy·γ. */
function layerNormBack(dy: tf.Tensor2D, c: LNCache, g: tf.Tensor, wantParams: boolean): { dx: tf.Tensor2D; dg?: tf.Tensor; db?: tf.Tensor } {
  const dxhat = tf.mul(dy, g);
  const m1 = tf.mean(dxhat, -1, true);
  const m2 = tf.mean(tf.mul(dxhat, c.xhat), -1, true);
  const dx = tf.mul(tf.sub(tf.sub(dxhat, m1), tf.mul(c.xhat, m2)), c.rstd) as tf.Tensor2D;
  if (!wantParams) return { dx };
  return { dx, dg: rowSum(tf.mul(dy, c.xhat) as tf.Tensor2D), db: rowSum(dy) };
}

/**
 * Σ over the rows of x [n, k] → [k], in JavaScript (float64 accumulation). The wasm backend reduces over the
 * first axis by transposing first: 0.3–1.2 ms per call at these sizes, against a copy and a short loop.
 */
export function rowSum(x: tf.Tensor2D): tf.Tensor1D {
  const [n, k] = x.shape;
  const data = x.dataSync() as Float32Array;
  const acc = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    const o = r * k;
    for (let c = 0; c < k; c++) acc[c] += data[o + c]!;
  }
  return tf.tensor1d(Float32Array.from(acc));
}

/**
 * aᵀ·b for a [n, p] and b [n, q], with the smaller of the two as XNNPACK's packed operand. The wasm
 * backend packs the right-hand matrix of every product as a weight matrix (a copy into its own layout) and
 * at n = B·T rows that packing costs more than the product itself; so when b is the wider one we compute
 * (bᵀ·a)ᵀ and pack a instead.
 */
function gradProduct(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return b.shape[1] > a.shape[1] ? (tr(mTm(b, a)) as tf.Tensor2D) : mTm(a, b);
}

/** Embedding rows table[tokens] [n, d], gathered in JavaScript (wasm's GatherV2 takes ~5 ms for 1,200 rows). */
function embedRows(table: tf.Tensor, tokens: Int32Array): tf.Tensor2D {
  const d = table.shape[1]!;
  const t = table.dataSync() as Float32Array;
  const out = new Float32Array(tokens.length * d);
  for (let r = 0; r < tokens.length; r++) out.set(t.subarray(tokens[r]! * d, tokens[r]! * d + d), r * d);
  return tf.tensor2d(out, [tokens.length, d]);
}

/** Gradient of `embedRows` w.r.t. the table [V, d]: dy's rows added into their tokens' rows (float64). */
function embedRowsBack(dy: tf.Tensor2D, tokens: Int32Array, vocab: number): tf.Tensor2D {
  const d = dy.shape[1];
  const g = dy.dataSync() as Float32Array;
  const acc = new Float64Array(vocab * d);
  for (let r = 0; r < tokens.length; r++) {
    const o = tokens[r]! * d;
    const src = r * d;
    for (let c = 0; c < d; c++) acc[o + c] += g[src + c]!;
  }
  return tf.tensor2d(Float32Array.from(acc), [vocab, d]);
}

/**
 * tanh-GELU as GPT-2/minGPT: ½x(1 + tanh(u)), u = c(x + 0.044715x³). Since ½(1 + tanh(u)) = σ(2u) this is
 * x·σ(2u), and we compute it that way: wasm's Sigmoid is ~25× faster than its Tanh (and x·x·x beats pow).
 * Returns the output and σ(2u), which the backward pass reuses.
 */
function gelu(x: tf.Tensor2D): { y: tf.Tensor2D; s: tf.Tensor2D } {
  const s = tf.sigmoid(tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), 2 * GELU_C)) as tf.Tensor2D;
  return { y: tf.mul(x, s) as tf.Tensor2D, s };
}

/** d(x·σ(2u))/dx = σ + x·σ(1 − σ)·2c(1 + 3·0.044715x²). */
function geluBack(dy: tf.Tensor2D, x: tf.Tensor2D, s: tf.Tensor2D): tf.Tensor2D {
  const du = tf.mul(tf.add(tf.mul(tf.mul(x, x), 3 * 0.044715), 1), 2 * GELU_C);
  return tf.mul(dy, tf.add(s, tf.mul(tf.mul(tf.mul(x, s), tf.sub(1, s)), du))) as tf.Tensor2D;
}

/**
 * Inverted-dropout masks (keep / (1 − p)), drawn in JS from a seeded generator per site (seed + site index)
 * and uploaded: several times faster on wasm than randomUniform + compare + cast kernels. null outside
 * training.
 */
class DropoutMasks {
  private site = 0;
  constructor(
    private readonly p: number,
    private readonly active: boolean,
    private readonly seed: number,
  ) {}
  /** The next site's mask as a tensor of the given shape. */
  next(shape: number[]): tf.Tensor | null {
    const data = this.nextArray(shape.reduce((a, b) => a * b, 1));
    return data ? tf.tensor(data, shape, 'float32') : null;
  }
  /** The next site's mask for rows [B, T, k] drawn in full (so the stream does not depend on q0), keeping
   * positions ≥ q0 of each sequence: [B·(T − q0), k]. */
  nextRows(B: number, T: number, k: number, q0: number): tf.Tensor | null {
    const data = this.nextArray(B * T * k);
    if (!data) return null;
    if (q0 === 0) return tf.tensor(data, [B * T, k], 'float32');
    const R = T - q0;
    const out = new Float32Array(B * R * k);
    for (let b = 0; b < B; b++) out.set(data.subarray((b * T + q0) * k, (b + 1) * T * k), b * R * k);
    return tf.tensor(out, [B * R, k], 'float32');
  }
  /** The next site's mask as plain data (for the attention core). */
  nextArray(n: number): Float32Array | null {
    if (!this.active || this.p <= 0) return null;
    const data = new Float32Array(n);
    const keep = 1 / (1 - this.p);
    const threshold = Math.floor(this.p * 4294967296);
    // mulberry32: a small, fast 32-bit generator; one stream per dropout site.
    let a = (this.seed + Math.imul(this.site++, 0x9e3779b9)) >>> 0;
    for (let i = 0; i < n; i++) {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      if (((t ^ (t >>> 14)) >>> 0) >= threshold) data[i] = keep;
    }
    return data;
  }
}

function applyMask<T extends tf.Tensor>(x: T, mask: tf.Tensor | null): T {
  return mask ? (tf.mul(x, mask) as T) : x;
}

/** Positions ≥ q0 of every sequence: x [B·T, d] → [B·(T − q0), d]. */
function rowsFrom(x: tf.Tensor2D, B: number, T: number, q0: number): tf.Tensor2D {
  const d = x.shape[1];
  return tf.reshape(tf.slice(tf.reshape(x, [B, T, d]), [0, q0, 0], [B, T - q0, d]), [B * (T - q0), d]) as tf.Tensor2D;
}

/** The inverse placement: rows [B·(T − q0), d] at positions ≥ q0, zeros before: [B·T, d]. */
function rowsInto(x: tf.Tensor2D, B: number, T: number, q0: number): tf.Tensor2D {
  const d = x.shape[1];
  return tf.reshape(tf.concat([tf.zeros([B, q0, d]), tf.reshape(x, [B, T - q0, d])], 1), [B * T, d]) as tf.Tensor2D;
}

/** [T, 1] with 0 at the first P positions and 1 after: keeps content rows, clears the rows a prefix replaces. */
function contentMask(T: number, P: number): tf.Tensor2D {
  const data = new Float32Array(T).fill(1);
  data.fill(0, 0, P);
  return tf.tensor2d(data, [T, 1]);
}

/** Rows [N, d] holding the P vectors at the first P positions of every sequence and zeros elsewhere. */
function prefixRows(vectors: tf.Tensor2D, B: number, T: number): tf.Tensor2D {
  const [P, d] = vectors.shape;
  const one = P < T ? tf.concat([vectors, tf.zeros([T - P, d])], 0) : vectors;
  return tf.reshape(tf.tile(tf.expandDims(one, 0), [B, 1, 1]), [B * T, d]) as tf.Tensor2D;
}

/** x with its first P positions (per sequence) replaced by `vectors`. x: [N, d]. */
function replaceFront(x: tf.Tensor2D, vectors: tf.Tensor2D, B: number, T: number): tf.Tensor2D {
  const d = x.shape[1];
  const kept = tf.mul(tf.reshape(x, [B, T, d]), contentMask(T, vectors.shape[0]));
  return tf.add(tf.reshape(kept, [B * T, d]), prefixRows(vectors, B, T)) as tf.Tensor2D;
}

/** Σ over the batch of dx [B·T, d] at positions < upTo → [upTo, d] (JavaScript, float64 accumulation). */
function batchSum(dx: tf.Tensor2D, B: number, T: number, upTo: number): tf.Tensor2D {
  const d = dx.shape[1];
  const data = dx.dataSync() as Float32Array;
  const acc = new Float64Array(upTo * d);
  for (let b = 0; b < B; b++) {
    const o = b * T * d;
    for (let k = 0; k < upTo * d; k++) acc[k] += data[o + k]!;
  }
  return tf.tensor2d(Float32Array.from(acc), [upTo, d]);
}

/** Gradient of `replaceFront` w.r.t. the vectors: Σ over the batch of dx at the first P positions. */
function frontGrad(dx: tf.Tensor2D, P: number, B: number, T: number): tf.Tensor2D {
  return batchSum(dx, B, T, P);
}

/** Gradient of `replaceFront` w.r.t. x: dx with the replaced rows zeroed. */
function frontClear(dx: tf.Tensor2D, P: number, B: number, T: number): tf.Tensor2D {
  const d = dx.shape[1];
  return tf.reshape(tf.mul(tf.reshape(dx, [B, T, d]), contentMask(T, P)), [B * T, d]) as tf.Tensor2D;
}

/** y = x·Wᵀ + b.  x: [N, in], w: [out, in], b: [out]. */
function linear(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor | null): tf.Tensor2D {
  // The bias rides along in the same XNNPACK call (one kernel instead of two).
  return tf.fused.matMul({ a: x, b: tr(w) as tf.Tensor2D, bias: b ?? undefined }) as tf.Tensor2D;
}

/** One-hot rows as float32. (The wasm backend's OneHot returns zeros when asked for float32 directly.) */
export function oneHotFloat(ids: tf.Tensor, depth: number): tf.Tensor {
  return tf.cast(tf.oneHot(ids as tf.Tensor1D, depth), 'float32');
}

export function weight(w: Weights, name: string): tf.Tensor {
  const t = w[name];
  if (!t) throw new Error(`missing weight ${name}`);
  return t;
}

/**
 * The forward pass. tokens: int32 [B, T] (T ≤ context). Returns logits for positions ≥ opts.logitsFrom and
 * the cache for `backward`.
 */
export function forward(cfg: GPTConfig, w: Weights, tokens: tf.Tensor2D, ctx: ContextParams, opts: ForwardOptions): ForwardResult {
  const [B, T] = tokens.shape;
  const N = B * T;
  const d = cfg.width;
  const H = cfg.heads;
  const hd = d / H;
  if (T > cfg.context) throw new Error(`sequence of ${T} tokens exceeds the model's context of ${cfg.context}`);
  const W = (name: string) => weight(w, name);
  const drop = new DropoutMasks(cfg.dropout, opts.train, opts.dropoutSeed);
  const trace: LayerTrace[] | null = opts.trace ? [] : null;

  // Embeddings [N, d]: token rows (soft prompt in front), plus positions, then dropout.
  const flatTokens = tokens.dataSync() as Int32Array;
  let x = embedRows(W('transformer.wte.weight'), flatTokens);
  if (ctx.softPrompt) x = replaceFront(x, ctx.softPrompt, B, T);
  const pos = tf.slice(W('transformer.wpe.weight'), [0, 0], [T, d]);
  x = tf.reshape(tf.add(tf.reshape(x, [B, T, d]), pos), [N, d]) as tf.Tensor2D;
  const embMask = drop.next([N, d]);
  x = applyMask(x, embMask);

  const kvP = ctx.prefixKV ? ctx.prefixKV[0]!.key.shape[0] : 0;
  const Tk = kvP + T;
  const blocks: BlockCache[] = [];

  const from = opts.logitsFrom;
  for (let l = 0; l < cfg.layers; l++) {
    const p = `transformer.h.${l}.`;
    const prefix = ctx.prefixResidual?.[l];
    const xin = prefix ? replaceFront(x, prefix, B, T) : x;
    // The last layer's outputs matter only at the logit positions: keys and values come from every
    // position, everything after them only from positions ≥ from (all of them when tracing).
    const q0 = l === cfg.layers - 1 && !trace ? from : 0;
    const R = T - q0;

    // Attention sublayer.
    let ln1: LNCache | null = null;
    let attnIn = xin;
    if (cfg.norm === 'pre') {
      const n = layerNorm(xin, W(p + 'ln_1.weight'), W(p + 'ln_1.bias'));
      attnIn = n.y;
      ln1 = n.cache;
    }
    const qkv = linear(attnIn, W(p + 'attn.c_attn.weight'), W(p + 'attn.c_attn.bias')); // [N, 3d]
    const kv = ctx.prefixKV?.[l];
    const prefixK = kv ? (kv.key.dataSync() as Float32Array) : null;
    const prefixV = kv ? (kv.value.dataSync() as Float32Array) : null;
    const qkvData = qkv.dataSync() as Float32Array;
    const attnMask = drop.nextArray(B * H * T * Tk);
    const core = attentionForward({ B, T, H, hd, P: kvP, Q0: q0 }, qkvData, prefixK, prefixV, attnMask);
    const ym = tf.tensor2d(core.y, [B * R, d]);
    const residMask1 = drop.nextRows(B, T, d, q0);
    const a = applyMask(linear(ym, W(p + 'attn.c_proj.weight'), W(p + 'attn.c_proj.bias')), residMask1);
    if (trace) {
      // [N, d] → [B, H, T, hd]
      const heads4 = (z: tf.Tensor) => tf.transpose(tf.reshape(z, [B, T, H, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
      const [qf, kf, vf] = tf.split(qkv, 3, 1);
      const withPrefix = (z: tf.Tensor4D, pre: tf.Tensor2D | undefined) =>
        pre ? (tf.concat([tf.tile(tf.transpose(tf.reshape(pre, [1, kvP, H, hd]), [0, 2, 1, 3]), [B, 1, 1, 1]), z], 2) as tf.Tensor4D) : z;
      trace.push({
        input: tf.reshape(xin, [B, T, d]) as tf.Tensor3D,
        q: heads4(qf!),
        k: withPrefix(heads4(kf!), kv?.key),
        v: withPrefix(heads4(vf!), kv?.value),
        probs: tf.tensor4d(core.probs, [B, H, T, Tk]),
        heads: heads4(ym),
      });
    }
    let x1 = tf.add(q0 > 0 ? rowsFrom(xin, B, T, q0) : xin, a) as tf.Tensor2D;
    if (cfg.norm === 'post') {
      const n = layerNorm(x1, W(p + 'ln_1.weight'), W(p + 'ln_1.bias'));
      x1 = n.y;
      ln1 = n.cache;
    }

    // MLP sublayer.
    let ln2: LNCache | null = null;
    let mlpIn = x1;
    if (cfg.norm === 'pre') {
      const n = layerNorm(x1, W(p + 'ln_2.weight'), W(p + 'ln_2.bias'));
      mlpIn = n.y;
      ln2 = n.cache;
    }
    const f = linear(mlpIn, W(p + 'mlp.c_fc.weight'), W(p + 'mlp.c_fc.bias')); // [N, m]
    const { y: g, s: gs } = gelu(f);
    const residMask2 = drop.nextRows(B, T, d, q0);
    const o = applyMask(linear(g, W(p + 'mlp.c_proj.weight'), W(p + 'mlp.c_proj.bias')), residMask2);
    let x2 = tf.add(x1, o) as tf.Tensor2D;
    if (cfg.norm === 'post') {
      const n = layerNorm(x2, W(p + 'ln_2.weight'), W(p + 'ln_2.bias'));
      x2 = n.y;
      ln2 = n.cache;
    }
    blocks.push({ q0, xin, ln1, attnIn, qkv: qkvData, prefixK, prefixV, probs: core.probs, attnMask, ym, residMask1, ln2, mlpIn, f, gs, g, residMask2 });
    x = x2;
  }

  const M = B * (T - from);
  // x holds positions ≥ q0 of the last layer: exactly the logit rows, or all rows when tracing.
  const tail = blocks[blocks.length - 1]!.q0 === from ? x : rowsFrom(x, B, T, from);
  const lnf = layerNorm(tail, W('transformer.ln_f.weight'), W('transformer.ln_f.bias'));
  const logits = tf.reshape(linear(lnf.y, W('lm_head.weight'), null), [B, T - from, cfg.vocab]) as tf.Tensor3D;
  return { logits, trace, cache: { B, T, tokens: flatTokens, embMask, blocks, lnf: lnf.cache, hf: lnf.y, from } };
}

/** Gradients of the loss: by weight name (only those asked for) and for the context parameters. */
export interface Gradients {
  weights: Record<string, tf.Tensor>;
  prefixResidual?: tf.Tensor2D[];
  prefixKV?: Array<{ key: tf.Tensor2D; value: tf.Tensor2D }>;
  softPrompt?: tf.Tensor2D;
}

/**
 * Backpropagates dlogits [B, T − from, V] through the pass recorded in `cache`. `wantWeight(name)` says which
 * weight gradients to compute (frozen weights cost no products); context gradients are computed when the
 * context holds the parameter.
 */
export function backward(cfg: GPTConfig, w: Weights, ctx: ContextParams, cache: ForwardCache, dlogits: tf.Tensor3D, wantWeight: (name: string) => boolean): Gradients {
  const { B, T, from } = cache;
  const N = B * T;
  const d = cfg.width;
  const H = cfg.heads;
  const hd = d / H;
  const W = (name: string) => weight(w, name);
  const grads: Gradients = { weights: {} };
  const put = (name: string, g: () => tf.Tensor) => {
    if (wantWeight(name)) grads.weights[name] = g();
  };
  /** Backward of y = x·Wᵀ + b: returns dx, records dW (= dyᵀ·x) and db (= Σ dy) when wanted. */
  const linearBack = (dy: tf.Tensor2D, x: tf.Tensor2D, name: string, bias: boolean): tf.Tensor2D => {
    put(name + '.weight', () => gradProduct(dy, x));
    if (bias) put(name + '.bias', () => rowSum(dy));
    return mm(dy, W(name + '.weight'));
  };
  const lnBack = (dy: tf.Tensor2D, c: LNCache, name: string): tf.Tensor2D => {
    const want = wantWeight(name + '.weight');
    const r = layerNormBack(dy, c, W(name + '.weight'), want);
    if (want) {
      grads.weights[name + '.weight'] = r.dg!;
      grads.weights[name + '.bias'] = r.db!;
    }
    return r.dx;
  };
  // Head and final LayerNorm; logits came from positions ≥ from only.
  const M = B * (T - from);
  const dl = tf.reshape(dlogits, [M, cfg.vocab]) as tf.Tensor2D;
  const dhf = linearBack(dl, cache.hf, 'lm_head', false);
  const dtail = lnBack(dhf, cache.lnf, 'transformer.ln_f');
  // Gradient of the last block's output rows (positions ≥ its q0).
  const lastQ0 = cache.blocks[cfg.layers - 1]!.q0;
  let dx2 = lastQ0 === from ? dtail : rowsFrom(rowsInto(dtail, B, T, from), B, T, lastQ0);

  const kvP = ctx.prefixKV ? ctx.prefixKV[0]!.key.shape[0] : 0;
  if (ctx.prefixResidual) grads.prefixResidual = new Array(cfg.layers);
  if (ctx.prefixKV) grads.prefixKV = new Array(cfg.layers);

  for (let l = cfg.layers - 1; l >= 0; l--) {
    const p = `transformer.h.${l}.`;
    const c = cache.blocks[l]!;

    // MLP sublayer: x2 = x1 + o (pre) or LN2(x1 + o) (post).
    const dsum2 = cfg.norm === 'post' ? lnBack(dx2, c.ln2!, p + 'ln_2') : dx2;
    const dout = applyMask(dsum2, c.residMask2);
    const dg = linearBack(dout, c.g, p + 'mlp.c_proj', true);
    const df = geluBack(dg, c.f, c.gs);
    const dmlpIn = linearBack(df, c.mlpIn, p + 'mlp.c_fc', true);
    const dx1 = tf.add(dsum2, cfg.norm === 'pre' ? lnBack(dmlpIn, c.ln2!, p + 'ln_2') : dmlpIn) as tf.Tensor2D;

    // Attention sublayer: x1 = xin + a (pre) or LN1(xin + a) (post).
    const dsum1 = cfg.norm === 'post' ? lnBack(dx1, c.ln1!, p + 'ln_1') : dx1;
    const da = applyMask(dsum1, c.residMask1);
    const dym = linearBack(da, c.ym, p + 'attn.c_proj', true);
    const core = attentionBackward({ B, T, H, hd, P: kvP, Q0: c.q0 }, dym.dataSync() as Float32Array, c.qkv, c.prefixK, c.prefixV, c.probs, c.attnMask);
    if (ctx.prefixKV) grads.prefixKV![l] = { key: tf.tensor2d(core.dPrefixK!, [kvP, d]), value: tf.tensor2d(core.dPrefixV!, [kvP, d]) };
    const dqkv = tf.tensor2d(core.dqkv, [N, 3 * d]);
    const dattnIn = linearBack(dqkv, c.attnIn, p + 'attn.c_attn', true);
    const dres = c.q0 > 0 ? rowsInto(dsum1, B, T, c.q0) : dsum1;
    let dxin = tf.add(dres, cfg.norm === 'pre' ? lnBack(dattnIn, c.ln1!, p + 'ln_1') : dattnIn) as tf.Tensor2D;

    const prefix = ctx.prefixResidual?.[l];
    if (prefix) {
      const P = prefix.shape[0];
      grads.prefixResidual![l] = frontGrad(dxin, P, B, T);
      dxin = frontClear(dxin, P, B, T);
    }
    dx2 = dxin;
  }

  // Embeddings.
  const demb = applyMask(dx2, cache.embMask);
  put('transformer.wpe.weight', () => {
    const dpos = batchSum(demb, B, T, T);
    return T < cfg.context ? tf.concat([dpos, tf.zeros([cfg.context - T, d])], 0) : dpos;
  });
  let dtok = demb;
  if (ctx.softPrompt) {
    const P = ctx.softPrompt.shape[0];
    grads.softPrompt = frontGrad(demb, P, B, T);
    dtok = frontClear(demb, P, B, T);
  }
  // d wte: the scatter-add of gather (which the wasm backend lacks as UnsortedSegmentSum), in JavaScript.
  put('transformer.wte.weight', () => embedRowsBack(dtok, cache.tokens, cfg.vocab));
  return grads;
}

/** Mean cross-entropy of logits [M, V] against int32 targets [M], and its gradient w.r.t. the logits. */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): { loss: tf.Scalar; dlogits: tf.Tensor2D } {
  const [M, V] = logits.shape;
  const onehot = oneHotFloat(targets, V);
  const lse = tf.logSumExp(logits, -1);
  const loss = tf.mean(tf.sub(lse, tf.sum(tf.mul(logits, onehot), -1))) as tf.Scalar;
  const dlogits = tf.div(tf.sub(tf.softmax(logits), onehot), M) as tf.Tensor2D;
  return { loss, dlogits };
}
