// Trainable-parameter counts: the one formula shared by the language server (hover, inlay hints, theory
// quick fixes) and the runtime (which asserts that what it trains has exactly this many parameters).
import type { LoraTarget, MethodSpec, ModelSpec } from './spec.js';

export interface ParamCount {
  /** Number of trainable scalars. */
  total: number;
  /** Human-readable formula with the numbers substituted, e.g. "4 × 12 × 256 = 12,288". */
  formula: string;
}

/** 12288 → "12,288" (by hand: toLocaleString is slow enough to show in the analysis profile). */
export function formatCount(n: number): string {
  const s = String(Math.abs(Math.trunc(n)));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return (n < 0 ? '-' : '') + out;
}

/** Short form for large counts: 3,214,080 → "3.2M". */
export function formatCompact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return formatCount(n);
}

/** Input and output sizes of the weight matrix a LoRA target adapts. */
export function loraTargetShape(target: LoraTarget, model: Pick<ModelSpec, 'width' | 'mlp'>): [number, number] {
  const d = model.width;
  switch (target) {
    case 'query':
    case 'key':
    case 'value':
    case 'output':
      return [d, d];
    case 'mlp_in':
      return [d, model.mlp];
    case 'mlp_out':
      return [model.mlp, d];
  }
}

/**
 * Every parameter of the minGPT model, by its PyTorch name and shape (Linear weights as [out, in]).
 * The runtime creates exactly these tensors; the reference model in bench/reference uses the same names.
 */
export function modelParameterShapes(model: ModelSpec, vocab: number): Array<[string, number[]]> {
  const d = model.width;
  const m = model.mlp;
  const out: Array<[string, number[]]> = [
    ['transformer.wte.weight', [vocab, d]],
    ['transformer.wpe.weight', [model.context, d]],
  ];
  for (let i = 0; i < model.layers; i++) {
    const p = `transformer.h.${i}.`;
    out.push(
      [p + 'ln_1.weight', [d]],
      [p + 'ln_1.bias', [d]],
      [p + 'attn.c_attn.weight', [3 * d, d]],
      [p + 'attn.c_attn.bias', [3 * d]],
      [p + 'attn.c_proj.weight', [d, d]],
      [p + 'attn.c_proj.bias', [d]],
      [p + 'ln_2.weight', [d]],
      [p + 'ln_2.bias', [d]],
      [p + 'mlp.c_fc.weight', [m, d]],
      [p + 'mlp.c_fc.bias', [m]],
      [p + 'mlp.c_proj.weight', [d, m]],
      [p + 'mlp.c_proj.bias', [d]],
    );
  }
  out.push(['transformer.ln_f.weight', [d]], ['transformer.ln_f.bias', [d]], ['lm_head.weight', [vocab, d]]);
  return out;
}

const countCache = new WeakMap<ModelSpec, Map<number, number>>();

export function modelParameterCount(model: ModelSpec, vocab: number): number {
  let byVocab = countCache.get(model);
  if (!byVocab) countCache.set(model, (byVocab = new Map()));
  const cached = byVocab.get(vocab);
  if (cached !== undefined) return cached;
  let n = 0;
  for (const [, shape] of modelParameterShapes(model, vocab)) n += shape.reduce((a, b) => a * b, 1);
  byVocab.set(vocab, n);
  return n;
}

/** Trainable parameters of a tuning method on a model (full fine-tuning trains the whole model). */
export function trainableParameters(method: MethodSpec, model: ModelSpec, vocab: number): ParamCount {
  const L = model.layers;
  const d = model.width;
  switch (method.kind) {
    case 'full': {
      const total = modelParameterCount(model, vocab);
      return { total, formula: `all weights = ${formatCount(total)}` };
    }
    case 'lora': {
      const r = method.rank;
      const perLayer = method.targets.map((t) => {
        const [i, o] = loraTargetShape(t, model);
        return { t, n: r * (i + o), text: `${r} × (${i} + ${o})` };
      });
      const layerTotal = perLayer.reduce((a, b) => a + b.n, 0);
      const total = L * layerTotal;
      const inner = perLayer.map((p) => p.text).join(' + ');
      return { total, formula: `${L} × (${inner || '0'}) = ${formatCount(total)}` };
    }
    case 'prefix': {
      const P = method.length;
      if (method.space === 'residual') {
        const total = L * P * d;
        return { total, formula: `${L} × ${P} × ${d} = ${formatCount(total)}` };
      }
      const total = L * P * 2 * d;
      return { total, formula: `${L} × ${P} × 2 × ${d} = ${formatCount(total)}` };
    }
    case 'soft_prompt': {
      const total = method.length * d;
      return { total, formula: `${method.length} × ${d} = ${formatCount(total)}` };
    }
    case 'prompt':
      return { total: 0, formula: `${method.length} discrete tokens, 0 continuous parameters` };
  }
}

/** Rank-1 LoRA parameters per layer on the given targets; used to match a budget. */
export function loraRankForBudget(budget: number, model: ModelSpec, targets: LoraTarget[]): number {
  const perRank = model.layers * targets.reduce((a, t) => a + loraTargetShape(t, model).reduce((x, y) => x + y, 0), 0);
  if (perRank <= 0) return 1;
  return Math.max(1, Math.round(budget / perRank));
}
