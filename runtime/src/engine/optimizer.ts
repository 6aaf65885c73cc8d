// AdamW and SGD with momentum over one flat buffer holding every trainable scalar, plus global
// gradient-norm clipping. tfjs has no AdamW, and a per-tensor update costs ~12 kernels per tensor; on the
// flat buffer the whole update is a dozen kernels (PERF.md). The arithmetic follows PyTorch's AdamW and SGD
// (torch.optim, single-tensor path) and torch.nn.utils.clip_grad_norm_.
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerSpec } from '../../../grammar/src/spec.js';
import type { NamedTensors } from './types.js';

export interface FlatLayout {
  shapes: number[][];
  /** Whether weight decay applies, per tensor. */
  decay: boolean[];
}

export class FlatOptimizer {
  private readonly sizes: number[];
  private readonly total: number;
  /** 1 where weight decay applies, else 0 ([total]). */
  private readonly decayMask: tf.Tensor1D;
  /** AdamW: first and second moments; SGD: the momentum buffer in `m`. */
  private m: tf.Tensor1D;
  private v: tf.Tensor1D | null;
  private t: number;

  constructor(
    private readonly spec: OptimizerSpec,
    private readonly clip: number,
    private readonly layout: FlatLayout,
    state?: { step: number; data: NamedTensors },
  ) {
    this.sizes = layout.shapes.map((s) => s.reduce((a, b) => a * b, 1));
    this.total = this.sizes.reduce((a, b) => a + b, 0);
    const mask = new Float32Array(this.total);
    let off = 0;
    layout.decay.forEach((dec, i) => {
      if (dec) mask.fill(1, off, off + this.sizes[i]!);
      off += this.sizes[i]!;
    });
    this.decayMask = tf.tensor1d(mask);
    this.t = state?.step ?? 0;
    const restore = (key: string) => {
      const s = state?.data[key];
      if (!s) return tf.zeros([this.total]) as tf.Tensor1D;
      if (s.data.length !== this.total) throw new Error(`optimizer state ${key} has ${s.data.length} values, expected ${this.total}`);
      return tf.tensor1d(s.data);
    };
    this.m = restore(spec.kind === 'adamw' ? 'adamw.m' : 'sgd.momentum');
    this.v = spec.kind === 'adamw' ? restore('adamw.v') : null;
  }

  /** One step: returns the new parameter tensors (shapes as given); the caller disposes the old ones. */
  apply(params: tf.Tensor[], grads: tf.Tensor[]): tf.Tensor[] {
    this.t += 1;
    const { lr, weightDecay, beta1, beta2, momentum } = this.spec;
    const out = tf.tidy(() => {
      const flat = (ts: tf.Tensor[]) => (ts.length === 1 ? tf.reshape(ts[0]!, [-1]) : tf.concat(ts.map((x) => tf.reshape(x, [-1])), 0)) as tf.Tensor1D;
      let g = flat(grads);
      const theta = flat(params);
      if (this.clip > 0) {
        const norm = tf.sqrt(tf.sum(tf.square(g)));
        const coef = tf.minimum(tf.div(this.clip, tf.add(norm, 1e-6)), 1);
        g = tf.mul(g, coef);
      }
      let next: tf.Tensor1D;
      if (this.spec.kind === 'adamw') {
        const decayed = weightDecay > 0 ? tf.mul(theta, tf.sub(1, tf.mul(this.decayMask, lr * weightDecay))) : theta;
        const m = tf.add(tf.mul(this.m, beta1), tf.mul(g, 1 - beta1)) as tf.Tensor1D;
        const v = tf.add(tf.mul(this.v!, beta2), tf.mul(tf.square(g), 1 - beta2)) as tf.Tensor1D;
        const bc1 = 1 - Math.pow(beta1, this.t);
        const bc2 = 1 - Math.pow(beta2, this.t);
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), 1e-8);
        next = tf.sub(decayed, tf.mul(tf.div(m, denom), lr / bc1)) as tf.Tensor1D;
        this.swap(m, v);
      } else {
        const dp = weightDecay > 0 ? tf.add(g, tf.mul(tf.mul(this.decayMask, weightDecay), theta)) : g;
        const buf = momentum > 0 ? (tf.add(tf.mul(this.m, momentum), dp) as tf.Tensor1D) : (dp as tf.Tensor1D);
        next = tf.sub(theta, tf.mul(buf, lr)) as tf.Tensor1D;
        this.swap(buf, null);
      }
      const pieces = this.sizes.length === 1 ? [next] : tf.split(next, this.sizes, 0);
      return pieces.map((p, i) => tf.reshape(p, this.layout.shapes[i]!));
    });
    return out;
  }

  /** Keeps the new moments beyond the tidy and frees the old ones. */
  private swap(m: tf.Tensor1D, v: tf.Tensor1D | null): void {
    const oldM = this.m;
    const oldV = this.v;
    this.m = tf.keep(m);
    if (v) this.v = tf.keep(v);
    if (oldM !== this.m) oldM.dispose();
    if (oldV && oldV !== this.v) oldV.dispose();
  }

  async state(): Promise<NamedTensors> {
    const out: NamedTensors = {};
    const read = async (t: tf.Tensor1D) => ({ shape: [this.total], data: Float32Array.from((await t.data()) as Float32Array) });
    if (this.spec.kind === 'adamw') {
      out['adamw.m'] = await read(this.m);
      out['adamw.v'] = await read(this.v!);
    } else out['sgd.momentum'] = await read(this.m);
    return out;
  }

  dispose(): void {
    this.decayMask.dispose();
    this.m.dispose();
    this.v?.dispose();
  }
}
