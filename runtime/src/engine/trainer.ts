// A Trainer: one model, one tuning method, one schedule. Holds the frozen base weights and the trainable
// tensors as tfjs tensors, takes optimizer steps, evaluates by greedy decoding, records attention, and
// snapshots everything needed to resume bit-for-bit.
import * as tf from '@tensorflow/tfjs-core';
import { CONTEXT_METHODS } from '../../../grammar/src/spec.js';
import { trainableParameters } from '../../../grammar/src/params.js';
import { nest, prefixShare, relativeChange, type AttentionMaps } from './attention.js';
import { checkBatch, firstOutputLogit, sequenceLength, splitBatch } from './batch.js';
import { greedyDecode } from './decode.js';
import { checkContextLength, namedFromTensors, planMethod, weightsFromNamed, type MethodPlan } from './methods.js';
import { forward, gptConfig, initWeights, type GPTConfig, type Weights } from './model.js';
import { lossAndGrads, shardStep, type ShardInput } from './gradients.js';
import { ShardWorker } from './parallel.js';
import { currentBackend } from './backend.js';
import { FlatOptimizer } from './optimizer.js';
import { promptSearchStep } from './prompt-search.js';
import { Rng } from './rng.js';
import type { AttentionRecord, Batch, EvalCounts, NamedTensors, ScoreCounts, Trainer, TrainerOptions, TrainerSnapshot } from './types.js';

/** Rows per forward pass during evaluation (bounds memory on large test sets). */
export const EVAL_ROWS = 512;

export async function createTrainer(opts: TrainerOptions, resume?: TrainerSnapshot): Promise<Trainer> {
  await tf.ready();
  const t = new TfTrainer(opts, resume);
  try {
    await t.startThreads();
  } catch (e) {
    t.dispose();
    throw e;
  }
  return t;
}

class TfTrainer implements Trainer {
  readonly trainableCount: number;
  private readonly cfg: GPTConfig;
  private readonly rng: Rng;
  private readonly base: Weights;
  private readonly plan: MethodPlan;
  private values: tf.Tensor[];
  private readonly optimizer: FlatOptimizer | null;
  private prompt: number[] | null;
  private steps: number;
  private disposed = false;
  /** Data-parallel threads beyond the main one (parallel.ts), and the main thread's shard gradient. */
  private workers: ShardWorker[] = [];
  private mainGrad: Float32Array | null = null;
  private baseForThreads: NamedTensors | null;

  constructor(private readonly opts: TrainerOptions, resume?: TrainerSnapshot) {
    const { model, layout, method, schedule } = opts;
    this.cfg = gptConfig(model, layout.vocab);
    if (sequenceLength(layout) - 1 > model.context) {
      throw new Error(`the model reads ${sequenceLength(layout) - 1} tokens (reserve ${layout.reserve} + 2 × ${layout.length} − 1) but its context is ${model.context}`);
    }
    checkContextLength(method, layout.reserve);
    this.rng = new Rng(schedule.seed);
    const baseNamed = resume?.weights ?? opts.base ?? initWeights(this.cfg, this.rng);
    this.baseForThreads = baseNamed;
    this.base = weightsFromNamed(this.cfg, baseNamed);
    this.plan = planMethod(this.cfg, method, this.base, this.rng);
    this.values = this.plan.trainables.map((tr) => {
      const saved = resume?.adapter[tr.name];
      const src = method.kind === 'full' ? tr.init : (saved ?? tr.init);
      if (resume && method.kind !== 'full' && !saved) throw new Error(`snapshot lacks adapter tensor ${tr.name}`);
      return tf.tensor(src.data, tr.init.shape, 'float32');
    });
    this.trainableCount = this.values.reduce((a, v) => a + v.size, 0);
    const expected = trainableParameters(method, model, layout.vocab).total;
    if (this.trainableCount !== expected) {
      throw new Error(`internal: ${method.kind} trains ${this.trainableCount} scalars but params.ts counts ${expected}`);
    }
    this.prompt = method.kind === 'prompt' ? new Array<number>(method.length).fill(0) : null;
    if (resume && this.prompt) {
      const saved = resume.adapter['prompt'];
      if (!saved || saved.data.length !== this.prompt.length) throw new Error('snapshot lacks the prompt tokens');
      this.prompt = Array.from(saved.data, (x) => Math.round(x));
    }
    this.optimizer =
      this.values.length > 0
        ? new FlatOptimizer(
            schedule.optimizer,
            schedule.clip,
            { shapes: this.plan.trainables.map((tr) => tr.init.shape), decay: this.plan.trainables.map((tr) => tr.decay) },
            this.values.map((v) => v.dataSync() as Float32Array),
            resume ? { step: resume.step, data: resume.optimizer } : undefined,
          )
        : null;
    this.steps = resume?.step ?? 0;
    if (resume) this.rng = new Rng(resume.rng);
  }

  /** Starts the extra training threads asked for (opts.threads), each with the running backend. */
  async startThreads(): Promise<void> {
    const threads = this.opts.threads ?? 1;
    const base = this.baseForThreads;
    this.baseForThreads = null;
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer, got ${threads}`);
    if (threads === 1 || !this.optimizer) return;
    const backend = currentBackend();
    if (!backend) throw new Error(`training threads need a backend chosen by initBackend (running: ${tf.getBackend()})`);
    const total = this.trainableCount;
    for (let i = 1; i < threads; i++) {
      this.workers.push(
        await ShardWorker.start({ backend, cfg: this.cfg, method: this.opts.method, base: base!, theta: this.optimizer.parameters.buffer as SharedArrayBuffer }, total),
      );
    }
    this.mainGrad = new Float32Array(total);
  }

  get stepsDone(): number {
    return this.steps;
  }

  private live(): void {
    if (this.disposed) throw new Error('trainer was disposed');
  }

  /** Logits in evaluation mode (no dropout) for the current trainable values. */
  private logitsOf = (tokens: tf.Tensor2D, from: number): tf.Tensor3D => {
    const { weights, ctx } = this.plan.build(this.values);
    return forward(this.cfg, weights, tokens, ctx, { train: false, dropoutSeed: 0, logitsFrom: from, trace: false }).logits;
  };

  async step(batch: Batch): Promise<number> {
    this.live();
    const { layout } = this.opts;
    checkBatch(layout, batch);
    const seed = this.rng.nextUint32();
    if (this.prompt) {
      const r = promptSearchStep(layout, batch, this.prompt, this.steps, this.rng, this.logitsOf);
      this.prompt = r.prompt;
      this.steps += 1;
      return r.loss;
    }
    const { inputs, targets } = splitBatch(layout, batch, null);
    const B = batch.batch;
    const from = firstOutputLogit(layout);
    if (this.workers.length > 0) return this.parallelStep(inputs, targets, B, from, seed);
    const { loss: value, grads } = tf.tidy(() => {
      const x = tf.tensor2d(inputs, [B, inputs.length / B], 'int32');
      const y = tf.tensor1d(targets, 'int32');
      return lossAndGrads(this.cfg, this.plan, this.values, x, y, from, true, seed);
    });
    const next = await this.optimizer!.apply(grads);
    tf.dispose(grads);
    tf.dispose(this.values);
    this.values = next;
    const loss = (await value.data())[0]!;
    value.dispose();
    this.steps += 1;
    return loss;
  }

  /**
   * A step split over the main thread and the workers: shard i gets a contiguous block of rows and dropout
   * seed + i; the gradient and loss are the token-weighted means of the shards'.
   */
  private async parallelStep(inputs: Int32Array, targets: Int32Array, B: number, from: number, seed: number): Promise<number> {
    const threads = this.workers.length + 1;
    const inRow = inputs.length / B;
    const outRow = targets.length / B;
    const shards: ShardInput[] = [];
    let r0 = 0;
    for (let i = 0; i < threads; i++) {
      const rows = Math.floor(B / threads) + (i < B % threads ? 1 : 0);
      shards.push({
        inputs: inputs.slice(r0 * inRow, (r0 + rows) * inRow),
        targets: targets.slice(r0 * outRow, (r0 + rows) * outRow),
        rows,
        logitsFrom: from,
        dropoutSeed: (seed + i) >>> 0,
      });
      r0 += rows;
    }
    const offsets = this.optimizer!.layoutOffsets;
    const pending = this.workers.map((w, i) => (shards[i + 1]!.rows > 0 ? w.step(shards[i + 1]!) : Promise.resolve(0)));
    let mainLoss = 0;
    try {
      mainLoss = shardStep(this.cfg, this.plan, this.values, shards[0]!, this.mainGrad!, offsets);
    } finally {
      // Always collect the workers' replies, so none is left with a request in flight.
      await Promise.allSettled(pending);
    }
    const workerLosses = await Promise.all(pending);
    const g = this.mainGrad!;
    const w0 = shards[0]!.rows / B;
    let loss = mainLoss * w0;
    for (let k = 0; k < g.length; k++) g[k] = g[k]! * w0;
    this.workers.forEach((w, i) => {
      const wi = shards[i + 1]!.rows / B;
      if (wi === 0) return;
      loss += workerLosses[i]! * wi;
      const wg = w.grad;
      for (let k = 0; k < g.length; k++) g[k] = g[k]! + wg[k]! * wi;
    });
    const next = this.optimizer!.applyFlat(g);
    tf.dispose(this.values);
    this.values = next;
    this.steps += 1;
    return loss;
  }

  async snapshot(): Promise<TrainerSnapshot> {
    this.live();
    const names = this.plan.trainables.map((t) => t.name);
    const trained = await namedFromTensors(names, this.values);
    const full = this.opts.method.kind === 'full';
    const weights = full ? trained : await namedFromTensors(Object.keys(this.base), Object.values(this.base));
    const adapter: NamedTensors = full ? {} : trained;
    if (this.prompt) adapter['prompt'] = { shape: [this.prompt.length], data: Float32Array.from(this.prompt) };
    return {
      step: this.steps,
      weights,
      adapter,
      optimizer: this.optimizer ? this.optimizer.state() : {},
      rng: this.rng.state(),
    };
  }

  async mergedWeights(): Promise<NamedTensors> {
    this.live();
    const kind = this.opts.method.kind;
    if (CONTEXT_METHODS.includes(kind)) {
      throw new Error(`a ${kind} run changes no weights: a finetune cannot start from it`);
    }
    let names: string[] = [];
    const merged = tf.tidy(() => {
      const w = this.plan.build(this.values).weights;
      names = Object.keys(w);
      return names.map((n) => tf.clone(w[n]!));
    });
    const out = await namedFromTensors(names, merged);
    tf.dispose(merged);
    return out;
  }

  async score(batch: Batch): Promise<ScoreCounts> {
    this.live();
    const { layout } = this.opts;
    checkBatch(layout, batch);
    const S = sequenceLength(layout);
    const L = layout.length;
    const from = firstOutputLogit(layout);
    const counts: ScoreCounts = { exact: 0, tokenCorrect: 0, tokenTotal: 0, lossSum: 0 };
    for (let r0 = 0; r0 < batch.batch; r0 += EVAL_ROWS) {
      const B = Math.min(EVAL_ROWS, batch.batch - r0);
      const { inputs, targets } = splitBatch(layout, { tokens: batch.tokens.subarray(r0 * S, (r0 + B) * S), batch: B }, this.prompt);
      const logits = tf.tidy(() => this.logitsOf(tf.tensor2d(inputs, [B, S - 1], 'int32'), from));
      const V = logits.shape[2];
      const z = (await logits.data()) as Float32Array;
      logits.dispose();
      // Log-softmax and argmax in float64 on the host: [B × L, V] is small next to a forward pass.
      for (let b = 0; b < B; b++) {
        let right = 0;
        for (let k = 0; k < L; k++) {
          const row = (b * L + k) * V;
          let best = 0;
          let max = -Infinity;
          for (let v = 0; v < V; v++) if (z[row + v]! > max) (max = z[row + v]!), (best = v);
          let sum = 0;
          for (let v = 0; v < V; v++) sum += Math.exp(z[row + v]! - max);
          const target = targets[b * L + k]!;
          counts.lossSum += Math.log(sum) + max - z[row + target]!;
          if (best === target) right++;
        }
        counts.tokenCorrect += right;
        counts.tokenTotal += L;
        if (right === L) counts.exact++;
      }
    }
    return counts;
  }

  async evaluate(batch: Batch): Promise<EvalCounts> {
    this.live();
    const { layout } = this.opts;
    checkBatch(layout, batch);
    const S = sequenceLength(layout);
    const L = layout.length;
    const counts: EvalCounts = { exact: 0, tokenCorrect: 0, tokenTotal: 0 };
    for (let r0 = 0; r0 < batch.batch; r0 += EVAL_ROWS) {
      const B = Math.min(EVAL_ROWS, batch.batch - r0);
      const rows = batch.tokens.subarray(r0 * S, (r0 + B) * S);
      const decoded = greedyDecode(layout, rows, B, this.prompt, this.logitsOf);
      for (let b = 0; b < B; b++) {
        let right = 0;
        for (let k = S - L; k < S; k++) if (decoded[b * S + k] === rows[b * S + k]) right++;
        counts.tokenCorrect += right;
        counts.tokenTotal += L;
        if (right === L) counts.exact++;
      }
    }
    return counts;
  }

  async attention(probeInput: number[], reference: NamedTensors | null): Promise<AttentionRecord> {
    this.live();
    const { layout, method } = this.opts;
    const S = sequenceLength(layout);
    if (probeInput.length !== layout.length) throw new Error(`probe has ${probeInput.length} tokens, the data's input length is ${layout.length}`);
    const probe = new Int32Array(S);
    probe.set(probeInput, layout.reserve);
    checkBatch(layout, { tokens: probe, batch: 1 });
    const decoded = greedyDecode(layout, probe, 1, this.prompt, this.logitsOf);
    const seq = decoded.subarray(0, S - 1); // what the last decoding step reads
    const maps = this.attentionMaps(() => this.plan.build(this.values), seq);

    const P = method.kind === 'full' || method.kind === 'lora' ? 0 : method.length;
    const kv = method.kind === 'prefix' && method.space === 'kv';
    const prefixKeys = kv ? P : 0;
    const alpha = method.kind === 'prefix' ? prefixShare(maps, P) : null;
    let change: number[] | null = null;
    if (reference) {
      const refWeights = weightsFromNamed(this.cfg, reference);
      try {
        // The pretrained model sees the same sequence with plain pads where prompts/prefixes go.
        const refSeq = Int32Array.from(seq);
        refSeq.fill(0, 0, layout.reserve);
        const refMaps = this.attentionMaps(() => ({ weights: refWeights, ctx: {}, wantWeight: () => false }), refSeq);
        change = relativeChange(maps, refMaps, kv ? 0 : P, prefixKeys);
      } finally {
        tf.dispose(Object.values(refWeights));
      }
    }
    return { tokens: Array.from(seq), prefixKeys, attention: maps, alpha, relativeChange: change };
  }

  /** Attention maps of one sequence; `inputs` runs inside the tidy, so LoRA's merged weights are freed. */
  private attentionMaps(inputs: () => ReturnType<MethodPlan['build']>, seq: Int32Array): AttentionMaps {
    return tf.tidy(() => {
      const inp = inputs();
      const T = seq.length;
      const { trace } = forward(this.cfg, inp.weights, tf.tensor2d(seq, [1, T], 'int32'), inp.ctx, {
        train: false,
        dropoutSeed: 0,
        logitsFrom: T - 1,
        trace: true,
      });
      return trace!.map((lt) => {
        const [, H, , Tk] = lt.probs.shape;
        return nest(lt.probs.dataSync() as Float32Array, H, T, Tk);
      });
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(this.values);
    tf.dispose(Object.values(this.base));
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }
}
