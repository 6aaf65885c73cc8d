// AdamW and SGD with momentum over one flat Float32Array holding every trainable scalar, plus global
// gradient-norm clipping, computed in JavaScript. On the wasm backend a per-tensor update costs ~12 kernels
// per tensor, and splitting a flat tensor back into parameters costs more than the update itself (Slice and
// SplitV copy through JS there); a plain loop over the flat buffer is a few milliseconds even at 3M
// parameters. The arithmetic follows PyTorch's AdamW and SGD (torch.optim, single-tensor path) and
// torch.nn.utils.clip_grad_norm_; the state is float32, so a resumed run continues bit-for-bit.
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
  private readonly offsets: number[];
  private readonly total: number;
  private readonly theta: Float32Array;
  private readonly grad: Float32Array;
  /** 1 where weight decay applies. */
  private readonly decayMask: Uint8Array;
  /** AdamW: first moment; SGD: momentum buffer. */
  private readonly m: Float32Array;
  /** AdamW: second moment (empty for SGD). */
  private readonly v: Float32Array;
  private t: number;

  constructor(
    private readonly spec: OptimizerSpec,
    private readonly clip: number,
    private readonly layout: FlatLayout,
    initial: Float32Array[],
    state?: { step: number; data: NamedTensors },
  ) {
    this.sizes = layout.shapes.map((s) => s.reduce((a, b) => a * b, 1));
    this.offsets = [];
    let off = 0;
    for (const n of this.sizes) {
      this.offsets.push(off);
      off += n;
    }
    this.total = off;
    // Shared memory, so data-parallel worker threads read the parameters without copies (parallel.ts).
    this.theta = new Float32Array(new SharedArrayBuffer(this.total * 4));
    initial.forEach((data, i) => {
      if (data.length !== this.sizes[i]) throw new Error(`parameter ${i} has ${data.length} values, expected ${this.sizes[i]}`);
      this.theta.set(data, this.offsets[i]);
    });
    this.grad = new Float32Array(this.total);
    this.decayMask = new Uint8Array(this.total);
    layout.decay.forEach((dec, i) => dec && this.decayMask.fill(1, this.offsets[i], this.offsets[i]! + this.sizes[i]!));
    this.t = state?.step ?? 0;
    const restore = (key: string, n: number) => {
      const s = state?.data[key];
      if (!state) return new Float32Array(n);
      if (!s || s.data.length !== n) throw new Error(`optimizer state ${key} is missing or has the wrong size (expected ${n})`);
      return Float32Array.from(s.data);
    };
    this.m = restore(spec.kind === 'adamw' ? 'adamw.m' : 'sgd.momentum', this.total);
    this.v = spec.kind === 'adamw' ? restore('adamw.v', this.total) : new Float32Array(0);
  }

  /** The parameters, flat, in shared memory (read-only for others). */
  get parameters(): Float32Array {
    return this.theta;
  }

  /** Offsets of each parameter tensor in the flat buffers. */
  get layoutOffsets(): number[] {
    return this.offsets;
  }

  /** One step from the gradients (same order and shapes as the parameters); returns the new parameters. */
  async apply(grads: tf.Tensor[]): Promise<tf.Tensor[]> {
    for (let i = 0; i < grads.length; i++) this.grad.set((await grads[i]!.data()) as Float32Array, this.offsets[i]);
    return this.applyFlat(this.grad);
  }

  /** One step from a flat gradient; returns the new parameter tensors. */
  applyFlat(g: Float32Array): tf.Tensor[] {
    if (g.length !== this.total) throw new Error(`gradient has ${g.length} values, expected ${this.total}`);
    this.t += 1;
    const { lr, weightDecay, beta1, beta2, momentum } = this.spec;
    const theta = this.theta;
    const n = this.total;
    let coef = 1;
    if (this.clip > 0) {
      let sq = 0;
      for (let i = 0; i < n; i++) sq += g[i]! * g[i]!;
      coef = Math.min(1, this.clip / (Math.sqrt(sq) + 1e-6));
    }
    const mask = this.decayMask;
    const m = this.m;
    if (this.spec.kind === 'adamw') {
      const v = this.v;
      const decay = 1 - lr * weightDecay;
      const stepSize = lr / (1 - Math.pow(beta1, this.t));
      const bc2sqrt = Math.sqrt(1 - Math.pow(beta2, this.t));
      for (let i = 0; i < n; i++) {
        const gi = g[i]! * coef;
        const mi = (m[i] = beta1 * m[i]! + (1 - beta1) * gi);
        const vi = (v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi);
        const p = mask[i] ? theta[i]! * decay : theta[i]!;
        theta[i] = p - (stepSize * mi) / (Math.sqrt(vi) / bc2sqrt + 1e-8);
      }
    } else {
      for (let i = 0; i < n; i++) {
        let d = g[i]! * coef;
        if (mask[i]) d += weightDecay * theta[i]!;
        const b = momentum > 0 ? (m[i] = momentum * m[i]! + d) : d;
        theta[i] = theta[i]! - lr * b;
      }
    }
    return this.layout.shapes.map((shape, i) => tf.tensor(theta.slice(this.offsets[i], this.offsets[i]! + this.sizes[i]!), shape, 'float32'));
  }

  state(): NamedTensors {
    const out: NamedTensors = {};
    if (this.spec.kind === 'adamw') {
      out['adamw.m'] = { shape: [this.total], data: Float32Array.from(this.m) };
      out['adamw.v'] = { shape: [this.total], data: Float32Array.from(this.v) };
    } else out['sgd.momentum'] = { shape: [this.total], data: Float32Array.from(this.m) };
    return out;
  }
}
