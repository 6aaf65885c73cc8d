// Greedy decoding in the paper's layout: from reserve + input, predict each output token from the tokens
// before it (the model's own previous predictions, not the truth).
import * as tf from '@tensorflow/tfjs-core';
import { sequenceLength } from './batch.js';
import type { Layout } from './types.js';

/** Logits [B, len − from, V] for int32 tokens [B, len]. */
export type LogitsFn = (tokens: tf.Tensor2D, from: number) => tf.Tensor3D;

/**
 * Decodes the `length` output tokens of B sequences (row-major [B, S]; only reserve + input are read).
 * `prompt` overwrites the first positions. Returns the full decoded sequences [B, S].
 */
export function greedyDecode(layout: Layout, rows: Int32Array, B: number, prompt: number[] | null, logitsOf: LogitsFn): Int32Array {
  const S = sequenceLength(layout);
  const work = new Int32Array(B * S);
  for (let b = 0; b < B; b++) {
    work.set(rows.subarray(b * S, b * S + layout.reserve + layout.length), b * S);
    if (prompt) work.set(prompt, b * S);
  }
  for (let k = 0; k < layout.length; k++) {
    const len = layout.reserve + layout.length + k;
    const input = new Int32Array(B * len);
    for (let b = 0; b < B; b++) input.set(work.subarray(b * S, b * S + len), b * len);
    const next = tf.tidy(() => {
      const logits = logitsOf(tf.tensor2d(input, [B, len], 'int32'), len - 1);
      return tf.argMax(tf.reshape(logits, [B, layout.vocab]), -1).dataSync() as Int32Array;
    });
    for (let b = 0; b < B; b++) work[b * S + len] = next[b]!;
  }
  return work;
}
