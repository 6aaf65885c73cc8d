// The tuning methods as data for the trainer: which tensors are trainable (names, initial values, whether
// weight decay applies) and how they enter the forward pass. The discrete `prompt` method has no trainable
// tensors; its search lives in prompt-search.ts.
import * as tf from '@tensorflow/tfjs-core';
import type { LoraTarget, MethodSpec } from '../../../grammar/src/spec.js';
import { loraTargetShape, modelParameterShapes } from '../../../grammar/src/params.js';
import { mmT, mTm } from './matmul.js';
import { forward, modelSpecOf, type ContextParams, type GPTConfig, type Gradients, type Weights } from './model.js';
import type { Rng } from './rng.js';
import type { NamedTensors } from './types.js';

export interface ForwardInputs {
  weights: Weights;
  ctx: ContextParams;
  /** Which weights need gradients (the rest are constants of the step). */
  wantWeight: (name: string) => boolean;
}

export interface MethodPlan {
  /** Trainable tensors in a fixed order: names, initial values, and whether AdamW's weight decay applies. */
  trainables: Array<{ name: string; init: { shape: number[]; data: Float32Array }; decay: boolean }>;
  /** Builds the forward inputs from the current trainable tensors (same order as `trainables`). */
  build(values: tf.Tensor[]): ForwardInputs;
  /** The gradients of the trainable tensors (same order) from the model's gradients. */
  grads(values: tf.Tensor[], g: Gradients): tf.Tensor[];
}

/** The weight matrix a LoRA target adapts, and for query/key/value which [d, d] row block of c_attn. */
export function loraWeightOf(target: LoraTarget, layer: number): { name: string; block: number | null } {
  const p = `transformer.h.${layer}.`;
  switch (target) {
    case 'query':
      return { name: p + 'attn.c_attn.weight', block: 0 };
    case 'key':
      return { name: p + 'attn.c_attn.weight', block: 1 };
    case 'value':
      return { name: p + 'attn.c_attn.weight', block: 2 };
    case 'output':
      return { name: p + 'attn.c_proj.weight', block: null };
    case 'mlp_in':
      return { name: p + 'mlp.c_fc.weight', block: null };
    case 'mlp_out':
      return { name: p + 'mlp.c_proj.weight', block: null };
  }
}

/** Linear weights (the only ones AdamW decays): 2-D weights except the embeddings. */
function isLinearWeight(name: string, shape: number[]): boolean {
  return shape.length === 2 && name.endsWith('.weight') && !name.includes('.wte.') && !name.includes('.wpe.');
}

/** Context methods place their P positions on the reserved pad positions at the front of each sequence. */
export function checkContextLength(method: MethodSpec, reserve: number): void {
  if (method.kind === 'full' || method.kind === 'lora') return;
  if (method.length < 1) throw new Error(`${method.kind} length must be at least 1, got ${method.length}`);
  const usesReserve = method.kind !== 'prefix' || method.space === 'residual';
  if (usesReserve && method.length > reserve) {
    throw new Error(`${method.kind} of length ${method.length} needs ${method.length} reserved positions, the data has reserve ${reserve}`);
  }
}

/**
 * Residual-stream inputs and keys/values of every layer at the first P positions of an all-pad sequence:
 * what the pretrained model itself computes where a prefix goes. Prefixes start there, so a residual prefix
 * begins as exactly the unprefixed model. A kv prefix has no positions and may be longer than the context
 * (the analysis allows it): its rows beyond the context repeat the pad states cyclically, since the model
 * cannot be run on more positions than it has.
 */
function padStates(cfg: GPTConfig, base: Weights, P: number): Array<{ input: Float32Array; key: Float32Array; value: Float32Array }> {
  return tf.tidy(() => {
    const T = Math.min(P, cfg.context);
    const pads = tf.zeros([1, T], 'int32') as tf.Tensor2D;
    const { trace } = forward(cfg, base, pads, {}, { train: false, dropoutSeed: 0, logitsFrom: T - 1, trace: true });
    const d = cfg.width;
    const rows = (data: Float32Array): Float32Array => {
      if (T === P) return data;
      const out = new Float32Array(P * d);
      for (let t = 0; t < P; t++) out.set(data.subarray((t % T) * d, (t % T + 1) * d), t * d);
      return out;
    };
    const flat = (t: tf.Tensor4D) => rows(tf.reshape(tf.transpose(t, [0, 2, 1, 3]), [T, d]).dataSync() as Float32Array);
    return trace!.map((lt) => ({
      input: rows(tf.reshape(lt.input, [T, d]).dataSync() as Float32Array),
      key: flat(lt.k),
      value: flat(lt.v),
    }));
  });
}

export function planMethod(cfg: GPTConfig, method: MethodSpec, base: Weights, rng: Rng): MethodPlan {
  const d = cfg.width;
  const spec = modelSpecOf(cfg);
  const frozen = () => false;
  switch (method.kind) {
    case 'full': {
      const shapes = modelParameterShapes(spec, cfg.vocab);
      return {
        trainables: shapes.map(([name, shape]) => ({
          name,
          init: { shape, data: base[name]!.dataSync() as Float32Array },
          decay: isLinearWeight(name, shape),
        })),
        build: (values) => {
          const weights: Weights = {};
          shapes.forEach(([name], i) => (weights[name] = values[i]!));
          return { weights, ctx: {}, wantWeight: () => true };
        },
        grads: (_values, g) => shapes.map(([name]) => g.weights[name]!),
      };
    }
    case 'lora': {
      const { rank, alpha } = method;
      const scale = alpha / rank;
      const targets = [...method.targets];
      const trainables: MethodPlan['trainables'] = [];
      for (let l = 0; l < cfg.layers; l++) {
        for (const t of targets) {
          const [inp, out] = loraTargetShape(t, spec);
          // A as in the LoRA paper's reference code (Kaiming-uniform bound 1/√in); B = 0 so training starts
          // from exactly the pretrained model.
          trainables.push({ name: `lora.h.${l}.${t}.A`, init: { shape: [rank, inp], data: rng.uniformArray(rank * inp, 1 / Math.sqrt(inp)) }, decay: true });
          trainables.push({ name: `lora.h.${l}.${t}.B`, init: { shape: [out, rank], data: new Float32Array(out * rank) }, decay: true });
        }
      }
      const adapted = new Set<string>();
      for (let l = 0; l < cfg.layers; l++) for (const t of targets) adapted.add(loraWeightOf(t, l).name);
      return {
        trainables,
        build: (values) => {
          const weights: Weights = { ...base };
          // ΔW = B·A·alpha/rank per target; query/key/value deltas fill their block of the fused c_attn.
          const deltas = new Map<string, Array<tf.Tensor | null>>();
          let i = 0;
          for (let l = 0; l < cfg.layers; l++) {
            for (const t of targets) {
              const A = values[i++] as tf.Tensor2D;
              const B = values[i++] as tf.Tensor2D;
              const delta = tf.mul(tf.matMul(B, A), scale);
              const { name, block } = loraWeightOf(t, l);
              const parts = deltas.get(name) ?? [null, null, null];
              parts[block ?? 0] = delta;
              deltas.set(name, parts);
            }
          }
          for (const [name, parts] of deltas) {
            let delta: tf.Tensor;
            if (name.endsWith('attn.c_attn.weight')) delta = tf.concat(parts.map((p) => p ?? tf.zeros([d, d])), 0);
            else delta = parts[0]!;
            weights[name] = tf.add(base[name]!, delta);
          }
          return { weights, ctx: {}, wantWeight: (n) => adapted.has(n) };
        },
        grads: (values, g) => {
          // W' = W + s·B·A  ⇒  dB = s·dW'·Aᵀ, dA = s·Bᵀ·dW' (dW' restricted to the target's block).
          const out: tf.Tensor[] = [];
          let i = 0;
          for (let l = 0; l < cfg.layers; l++) {
            for (const t of targets) {
              const A = values[i++]!;
              const B = values[i++]!;
              const { name, block } = loraWeightOf(t, l);
              let dW = g.weights[name]!;
              if (block !== null) dW = tf.slice(dW, [block * d, 0], [d, d]);
              out.push(tf.mul(mTm(B, dW), scale), tf.mul(mmT(dW, A), scale));
            }
          }
          return out;
        },
      };
    }
    case 'prefix': {
      const P = method.length;
      const states = padStates(cfg, base, P);
      if (method.space === 'residual') {
        return {
          trainables: states.map((s, l) => ({ name: `prefix.h.${l}`, init: { shape: [P, d], data: s.input }, decay: false })),
          build: (values) => ({ weights: base, ctx: { prefixResidual: values as tf.Tensor2D[] }, wantWeight: frozen }),
          grads: (_values, g) => g.prefixResidual!,
        };
      }
      const trainables: MethodPlan['trainables'] = [];
      states.forEach((s, l) => {
        trainables.push({ name: `prefix.h.${l}.key`, init: { shape: [P, d], data: s.key }, decay: false });
        trainables.push({ name: `prefix.h.${l}.value`, init: { shape: [P, d], data: s.value }, decay: false });
      });
      return {
        trainables,
        build: (values) => {
          const prefixKV: NonNullable<ContextParams['prefixKV']> = [];
          for (let l = 0; l < cfg.layers; l++) prefixKV.push({ key: values[2 * l] as tf.Tensor2D, value: values[2 * l + 1] as tf.Tensor2D });
          return { weights: base, ctx: { prefixKV }, wantWeight: frozen };
        },
        grads: (_values, g) => g.prefixKV!.flatMap((kv) => [kv.key, kv.value]),
      };
    }
    case 'soft_prompt': {
      const P = method.length;
      // Start from the pad token's embedding at every prompt position: exactly the unprompted model.
      const pad = tf.tidy(() => tf.tile(tf.slice(base['transformer.wte.weight']!, [0, 0], [1, d]), [P, 1]).dataSync() as Float32Array);
      return {
        trainables: [{ name: 'soft_prompt', init: { shape: [P, d], data: pad }, decay: false }],
        build: (values) => ({ weights: base, ctx: { softPrompt: values[0] as tf.Tensor2D }, wantWeight: frozen }),
        grads: (_values, g) => [g.softPrompt!],
      };
    }
    case 'prompt':
      return { trainables: [], build: () => ({ weights: base, ctx: {}, wantWeight: frozen }), grads: () => [] };
  }
}

/** Model weights as tensors, checked against the names and shapes of params.ts. */
export function weightsFromNamed(cfg: GPTConfig, named: NamedTensors): Weights {
  const out: Weights = {};
  for (const [name, shape] of modelParameterShapes(modelSpecOf(cfg), cfg.vocab)) {
    const t = named[name];
    if (!t) throw new Error(`weights lack ${name}`);
    if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
      throw new Error(`weight ${name} has shape [${t.shape.join(', ')}], the model needs [${shape.join(', ')}]`);
    }
    out[name] = tf.tensor(t.data, shape, 'float32');
  }
  return out;
}

/** Reads tensors back into plain named data (copies). */
export async function namedFromTensors(names: string[], tensors: tf.Tensor[]): Promise<NamedTensors> {
  const out: NamedTensors = {};
  for (let i = 0; i < names.length; i++) {
    const t = tensors[i]!;
    out[names[i]!] = { shape: [...t.shape], data: Float32Array.from((await t.data()) as Float32Array) };
  }
  return out;
}
