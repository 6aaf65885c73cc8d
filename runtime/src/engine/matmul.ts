// Matrix products that stay on tfjs's fast path. On the wasm backend a plain (untransposed) matMul runs
// through XNNPACK (~25 GFLOP/s here) while a transposed matMul falls back to a reference loop (~2 GFLOP/s),
// so we transpose explicitly and then multiply plainly (see /work/shared/design/PERF.md).
import * as tf from '@tensorflow/tfjs-core';

/** a·b */
export function mm<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  return tf.matMul(a as unknown as tf.Tensor3D, b as tf.Tensor3D) as unknown as T;
}

/** Swaps the last two axes. */
export function t<T extends tf.Tensor>(a: T): T {
  const r = a.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 1] = r - 2;
  perm[r - 2] = r - 1;
  return tf.transpose(a, perm) as T;
}

/** a·bᵀ */
export function mmT<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  return mm(a, t(b));
}

/** aᵀ·b */
export function mTm<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  return mm(t(a), b);
}
