// The contract between the tfjs engine (runtime/src/engine/) and the orchestration around it (plan, store,
// `ptx run`). Plain data crosses this boundary, never tf.Tensor, so checkpoints serialise directly.
import type { MethodSpec, ModelSpec, ScheduleSpec } from '../../../grammar/src/spec.js';

/** Named float tensors, e.g. PyTorch-style weight names → values (row-major, PyTorch shapes). */
export type NamedTensors = Record<string, { shape: number[]; data: Float32Array }>;

export type BackendName = 'node' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** The backend that is actually running. */
  name: BackendName;
  /** Why preferred backends were skipped, e.g. "node: @tensorflow/tfjs-node failed to load: ...". */
  skipped: string[];
}

/**
 * A batch of sequences in the paper's layout: `reserve` pad tokens (id 0), `length` input tokens,
 * `length` output tokens. The model reads tokens[:, :-1]; the loss is on the output positions only.
 */
export interface Batch {
  /** Row-major [batch, reserve + 2 * length]. */
  tokens: Int32Array;
  batch: number;
}

export interface Layout {
  reserve: number;
  /** Input length = output length. */
  length: number;
  vocab: number;
}

export interface TrainerOptions {
  model: ModelSpec;
  layout: Layout;
  method: MethodSpec;
  schedule: ScheduleSpec;
  /** Model weights to start from (finetunes); null means a fresh seeded initialisation (pretraining). */
  base: NamedTensors | null;
  /**
   * Training threads (default 1). With n > 1 each batch is split into n shards computed in parallel, each
   * thread with its own backend, gradients averaged: faster on several cores, and numerically a different
   * (but equally deterministic) run than with another n, so record it with the results.
   */
  threads?: number;
}

/** Everything needed to continue training bit-for-bit after a stop. */
export interface TrainerSnapshot {
  step: number;
  /** Model weights (for full/pretrain: the trained weights; otherwise the frozen base). */
  weights: NamedTensors;
  /** Method parameters: LoRA A/B, prefix vectors, soft-prompt embeddings; prompt token ids as floats. */
  adapter: NamedTensors;
  /** Optimizer moments etc. */
  optimizer: NamedTensors;
  /** RNG state (dropout, prompt search), so a resumed run continues the same stream. */
  rng: number[];
}

export interface EvalResult {
  /** Fraction of test sequences whose every output token is right under greedy decoding. */
  exact: number;
  /** Fraction of output tokens that are right. */
  perToken: number;
  samples: number;
}

export interface AttentionRecord {
  /** Token sequence the last decoding step reads, one per query: reserve (pads or prompt tokens), input, greedy output but the last. */
  tokens: number[];
  /** Number of prefix key positions in front of the content (kv prefix length), else 0. */
  prefixKeys: number;
  /** [layer][head][query][key] attention probabilities at the last decoding step (keys incl. kv prefix). */
  attention: number[][][][];
  /** Prefix share α per [layer][head][query], for prefix runs; null otherwise. */
  alpha: number[][][] | null;
  /** Per layer: largest |Δ| of relative attention over content positions vs. the pretrained model; null for a pretrain. */
  relativeChange: number[] | null;
}

/** Counts from greedy decoding of one batch (sum them over batches, then divide). */
export interface EvalCounts {
  /** Rows whose every output token is right. */
  exact: number;
  /** Output tokens that are right, and all output tokens. */
  tokenCorrect: number;
  tokenTotal: number;
}

/**
 * Teacher-forced counts of one batch: the model reads the true outputs and is scored at every output
 * position (sum them over batches, then divide). A row is exact when the argmax is right at every output
 * position, which is exactly when greedy decoding reproduces it (decoding agrees with teacher forcing up
 * to the first wrong token), so exact match equals evaluate()'s at the cost of one forward pass. Per-token
 * accuracy is the teacher-forced one, which counts tokens after a first error that decoding would not.
 */
export interface ScoreCounts {
  exact: number;
  tokenCorrect: number;
  tokenTotal: number;
  /** Sum of the cross-entropy over output tokens (nats). */
  lossSum: number;
}

/** A model being trained by one method (runtime/src/engine/trainer.ts). */
export interface Trainer {
  /** Trainable scalars; equals grammar/src/params.ts trainableParameters(method, model, vocab).total. */
  readonly trainableCount: number;
  /** Steps taken so far (including those before a resume). */
  readonly stepsDone: number;
  /** One optimizer step (`prompt`: one greedy-coordinate-search iteration); returns the batch's mean loss over output tokens. */
  step(batch: Batch): Promise<number>;
  snapshot(): Promise<TrainerSnapshot>;
  /** Model weights with the method folded in (full: the weights; LoRA: W + B·A·alpha/rank); throws for context methods. */
  mergedWeights(): Promise<NamedTensors>;
  /** Teacher-forced exact match, per-token accuracy and loss of a batch in evaluation mode (no dropout). */
  score(batch: Batch): Promise<ScoreCounts>;
  /** Greedy decoding of all output tokens from reserve + input. */
  evaluate(batch: Batch): Promise<EvalCounts>;
  /** Attention at the last decoding step of the probe; relative change vs. `reference` weights when given. */
  attention(probeInput: number[], reference: NamedTensors | null): Promise<AttentionRecord>;
  dispose(): void;
}
