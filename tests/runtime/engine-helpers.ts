// Shared fixtures for the engine tests: a tiny model, schedules and batches of a simple task.
import type { MethodSpec, ModelSpec, ScheduleSpec } from '../../grammar/src/spec.js';
import { Rng } from '../../runtime/src/engine/rng.js';
import type { Batch, Layout, TrainerOptions } from '../../runtime/src/engine/types.js';

export const TINY: ModelSpec = { name: 'tiny', layers: 2, heads: 2, width: 16, mlp: 32, dropout: 0, context: 16, norm: 'pre' };
export const LAYOUT: Layout = { reserve: 3, length: 4, vocab: 8 };

export function schedule(over: Partial<ScheduleSpec> = {}): ScheduleSpec {
  return {
    steps: 10,
    batch: 8,
    clip: 1,
    seed: 7,
    optimizer: { kind: 'adamw', lr: 3e-3, weightDecay: 0.1, beta1: 0.9, beta2: 0.95, momentum: 0.9 },
    ...over,
  };
}

export const METHODS: Record<string, MethodSpec> = {
  full: { kind: 'full' },
  lora: { kind: 'lora', rank: 2, alpha: 2, targets: ['query', 'key', 'value', 'output', 'mlp_in', 'mlp_out'] },
  prefix_residual: { kind: 'prefix', length: 2, space: 'residual' },
  prefix_kv: { kind: 'prefix', length: 2, space: 'kv' },
  soft_prompt: { kind: 'soft_prompt', length: 2 },
  prompt: { kind: 'prompt', length: 2 },
};

export function options(method: MethodSpec, over: Partial<TrainerOptions> = {}): TrainerOptions {
  return { model: TINY, layout: LAYOUT, method, schedule: schedule(), base: null, ...over };
}

/** Sequences of the layout: pads, random input from 1..vocab-1, then the input reversed. */
export function reverseBatch(layout: Layout, batch: number, seed: number): Batch {
  const rng = new Rng(seed);
  const S = layout.reserve + 2 * layout.length;
  const tokens = new Int32Array(batch * S);
  for (let b = 0; b < batch; b++) {
    const input = Array.from({ length: layout.length }, () => 1 + rng.int(layout.vocab - 1));
    tokens.set(input, b * S + layout.reserve);
    tokens.set([...input].reverse(), b * S + layout.reserve + layout.length);
  }
  return { tokens, batch };
}
