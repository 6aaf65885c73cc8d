// A stored run's weights as safetensors files for other tools:
//   <name>.safetensors          the model the run computes with, by the PyTorch reference's names
//                               (bench/reference/gpt.py loads it with load_state_dict): the trained weights
//                               of a pretrain or full finetune, the merged weights (adapters folded in) of
//                               a LoRA run, the frozen base of a prefix / soft prompt / prompt run
//   <name>.adapter.safetensors  the method's own tensors when it has any: LoRA's A and B per target,
//                               prefix vectors, soft-prompt embeddings, prompt token ids (as floats)
// The adapter's metadata says how to apply it; for LoRA `targets` maps each adapter to the reference
// weight and the rows it changes (W[rows] += B·A·alpha/rank).
import type { MethodSpec, ModelSpec } from '../../../grammar/src/spec.js';
import { loraWeightOf } from '../engine/methods.js';
import type { NamedTensors } from '../engine/types.js';
import type { StoredRun } from '../store/run-store.js';
import { encodeSafetensors } from './safetensors.js';

export const ADAPTER_FORMAT = 'ptx-adapter/1';

export interface LoraTargetMap {
  /** Adapter tensors `<adapter>.A` [rank, in] and `<adapter>.B` [out, rank]. */
  adapter: string;
  /** The reference weight it changes. */
  weight: string;
  /** Rows [begin, end) of that weight (query/key/value are blocks of the fused c_attn), or all. */
  rows: [number, number] | null;
}

export function loraTargets(method: Extract<MethodSpec, { kind: 'lora' }>, model: ModelSpec): LoraTargetMap[] {
  const out: LoraTargetMap[] = [];
  for (let l = 0; l < model.layers; l++) {
    for (const t of method.targets) {
      const { name, block } = loraWeightOf(t, l);
      out.push({ adapter: `lora.h.${l}.${t}`, weight: name, rows: block === null ? null : [block * model.width, (block + 1) * model.width] });
    }
  }
  return out;
}

export interface WeightFiles {
  model: Buffer;
  adapter: Buffer | null;
}

export function runWeightFiles(run: StoredRun, ctx: { name: string; method: MethodSpec; model: ModelSpec; base: string | null }): WeightFiles {
  const modelWeights: NamedTensors = run.merged ?? run.snapshot.weights;
  const common = { format: 'pt', run: ctx.name, method: JSON.stringify(ctx.method), backend: run.info.backend, seed: String(run.info.seed), steps: String(run.info.steps) };
  const model = encodeSafetensors(modelWeights, common);
  if (Object.keys(run.snapshot.adapter).length === 0) return { model, adapter: null };
  const meta: Record<string, string> = { ...common, ptx: ADAPTER_FORMAT, ...(ctx.base ? { base_run: ctx.base } : {}) };
  if (ctx.method.kind === 'lora') {
    meta.scale = String(ctx.method.alpha / ctx.method.rank);
    meta.targets = JSON.stringify(loraTargets(ctx.method, ctx.model));
  }
  return { model, adapter: encodeSafetensors(run.snapshot.adapter, meta) };
}

/** A file name for a run name (`cmp/lora(rank: 1)/seed0` → `cmp_lora_rank_1_seed0`). */
export function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|_+$/g, '') || 'run';
}
