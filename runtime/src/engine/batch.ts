// The paper's sequence layout: `reserve` pad positions (id 0, where prefixes and prompts go), `length` input
// tokens, `length` output tokens. The model reads tokens[:, :-1] and is scored on the output positions.
import type { Batch, Layout } from './types.js';

export function sequenceLength(layout: Layout): number {
  return layout.reserve + 2 * layout.length;
}

/** First position (of the model's input) whose prediction is an output token. */
export function firstOutputLogit(layout: Layout): number {
  return layout.reserve + layout.length - 1;
}

export function checkBatch(layout: Layout, batch: Batch): void {
  const S = sequenceLength(layout);
  if (!Number.isInteger(batch.batch) || batch.batch < 1) throw new Error(`batch size must be a positive integer, got ${batch.batch}`);
  if (batch.tokens.length !== batch.batch * S) {
    throw new Error(`batch holds ${batch.tokens.length} tokens, expected ${batch.batch} × ${S} (reserve ${layout.reserve} + 2 × ${layout.length})`);
  }
  for (let i = 0; i < batch.tokens.length; i++) {
    const t = batch.tokens[i]!;
    if (t < 0 || t >= layout.vocab) throw new Error(`token ${t} at index ${i} is outside the vocabulary 0..${layout.vocab - 1}`);
  }
}

/** Model inputs [B, S − 1] and targets [B, length] of a batch; `prompt` overwrites the first positions. */
export function splitBatch(layout: Layout, batch: Batch, prompt: number[] | null): { inputs: Int32Array; targets: Int32Array } {
  const S = sequenceLength(layout);
  const B = batch.batch;
  const L = layout.length;
  const inputs = new Int32Array(B * (S - 1));
  const targets = new Int32Array(B * L);
  for (let b = 0; b < B; b++) {
    inputs.set(batch.tokens.subarray(b * S, b * S + S - 1), b * (S - 1));
    if (prompt) inputs.set(prompt, b * (S - 1));
    targets.set(batch.tokens.subarray(b * S + S - L, b * S + S), b * L);
  }
  return { inputs, targets };
}
