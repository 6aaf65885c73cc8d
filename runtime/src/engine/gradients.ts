// The loss of a batch and its gradient with respect to the trainable tensors: forward, cross-entropy on the
// output positions, hand-written backward (model.ts). Also the same for one data-parallel shard, written
// into a flat buffer (used by the main thread and the worker threads alike).
import * as tf from '@tensorflow/tfjs-core';
import type { MethodPlan } from './methods.js';
import { backward, crossEntropy, forward, type GPTConfig } from './model.js';

/**
 * Loss and gradients of the trainable tensors for one batch: forward, cross-entropy on the output
 * positions, hand-written backward (model.ts). Exported for the gradient checks.
 */
export function lossAndGrads(
  cfg: GPTConfig,
  plan: MethodPlan,
  values: tf.Tensor[],
  inputs: tf.Tensor2D,
  targets: tf.Tensor1D,
  logitsFrom: number,
  train: boolean,
  dropoutSeed: number,
): { loss: tf.Scalar; grads: tf.Tensor[] } {
  const { weights, ctx, wantWeight } = plan.build(values);
  const { logits, cache } = forward(cfg, weights, inputs, ctx, { train, dropoutSeed, logitsFrom, trace: false });
  const [B, L, V] = logits.shape;
  const { loss, dlogits } = crossEntropy(tf.reshape(logits, [B * L, V]) as tf.Tensor2D, targets);
  const g = backward(cfg, weights, ctx, cache, tf.reshape(dlogits, [B, L, V]) as tf.Tensor3D, wantWeight);
  return { loss, grads: plan.grads(values, g) };
}

export interface ShardInput {
  /** Model inputs [rows, S − 1] and targets [rows, length]. */
  inputs: Int32Array;
  targets: Int32Array;
  rows: number;
  logitsFrom: number;
  dropoutSeed: number;
}

/** Mean loss over the shard's output tokens; writes the gradient into `out` at the parameters' offsets. */
export function shardStep(cfg: GPTConfig, plan: MethodPlan, values: tf.Tensor[], shard: ShardInput, out: Float32Array, offsets: number[]): number {
  return tf.tidy(() => {
    const x = tf.tensor2d(shard.inputs, [shard.rows, shard.inputs.length / shard.rows], 'int32');
    const y = tf.tensor1d(shard.targets, 'int32');
    const { loss, grads } = lossAndGrads(cfg, plan, values, x, y, shard.logitsFrom, true, shard.dropoutSeed);
    grads.forEach((g, i) => out.set(g.dataSync() as Float32Array, offsets[i]));
    return loss.dataSync()[0]!;
  });
}
