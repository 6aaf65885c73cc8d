// Discrete prompting: P real tokens at the first P (reserved) positions, found by greedy coordinate search.
// One iteration picks the next position (cyclically), scores every candidate token there by the training
// loss on the batch (all in one batched forward pass, in chunks), and keeps the best; the current token
// stays unless a candidate is strictly better. No gradients and no continuous parameters.
import * as tf from '@tensorflow/tfjs-core';
import { firstOutputLogit, splitBatch } from './batch.js';
import { oneHotFloat } from './model.js';
import type { Rng } from './rng.js';
import type { Batch, Layout } from './types.js';

/** Candidates per iteration when the vocabulary is larger than this (a seeded random subset + current). */
export const MAX_CANDIDATES = 64;
/** Rows per forward pass while scoring candidates (bounds memory). */
export const ROWS_PER_PASS = 2048;

/** Per-row mean cross-entropy over the output positions: logits [R, L, V], targets [R, L] → [R]. */
function rowLosses(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor1D {
  const V = logits.shape[2];
  const lse = tf.logSumExp(logits, -1);
  const picked = tf.sum(tf.mul(logits, oneHotFloat(targets, V)), -1);
  return tf.mean(tf.sub(lse, picked), -1) as tf.Tensor1D;
}

export interface SearchResult {
  prompt: number[];
  /** Mean loss of the returned prompt on the batch. */
  loss: number;
}

export function promptSearchStep(
  layout: Layout,
  batch: Batch,
  prompt: number[],
  iteration: number,
  rng: Rng,
  logitsOf: (tokens: tf.Tensor2D, from: number) => tf.Tensor3D,
): SearchResult {
  const P = prompt.length;
  const pos = iteration % P;
  const V = layout.vocab;
  let candidates: number[];
  if (V <= MAX_CANDIDATES) candidates = Array.from({ length: V }, (_, i) => i);
  else {
    const set = new Set<number>([prompt[pos]!]);
    while (set.size < MAX_CANDIDATES) set.add(rng.int(V));
    candidates = [...set];
  }
  const { inputs, targets } = splitBatch(layout, batch, prompt);
  const B = batch.batch;
  const rowLen = inputs.length / B;
  const L = layout.length;
  const perPass = Math.max(1, Math.floor(ROWS_PER_PASS / B));
  const losses: number[] = [];
  for (let c0 = 0; c0 < candidates.length; c0 += perPass) {
    const chunk = candidates.slice(c0, c0 + perPass);
    const rows = new Int32Array(chunk.length * inputs.length);
    chunk.forEach((tok, c) => {
      rows.set(inputs, c * inputs.length);
      for (let b = 0; b < B; b++) rows[c * inputs.length + b * rowLen + pos] = tok;
    });
    const tgt = new Int32Array(chunk.length * targets.length);
    chunk.forEach((_, c) => tgt.set(targets, c * targets.length));
    const chunkLosses = tf.tidy(() => {
      const logits = logitsOf(tf.tensor2d(rows, [chunk.length * B, rowLen], 'int32'), firstOutputLogit(layout));
      const perRow = rowLosses(logits, tf.tensor2d(tgt, [chunk.length * B, L], 'int32'));
      return tf.mean(tf.reshape(perRow, [chunk.length, B]), -1).dataSync() as Float32Array;
    });
    losses.push(...chunkLosses);
  }
  const current = candidates.indexOf(prompt[pos]!);
  let best = current;
  losses.forEach((l, i) => {
    if (l < losses[best]!) best = i;
  });
  const next = [...prompt];
  next[pos] = candidates[best]!;
  return { prompt: next, loss: losses[best]! };
}
