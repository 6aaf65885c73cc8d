// How much memory a run needs, estimated before it trains, against the limit of the smallest backend: the
// wasm backend addresses at most 4 GiB and aborts with "memory access out of bounds" past it (width 8192 with
// everything else tiny used to run 33 s and die at 6.6 GB). The check cannot know which backend `ptx run`
// will pick, so every run is held to the wasm limit, and the estimate counts everything the process holds
// for the run (the tensors and, conservatively, the engine's JavaScript-side buffers too).
//
// The figures follow the engine (runtime/src/engine/): float32 everywhere; the trainer keeps the base weights
// as tensors and, for full fine-tuning, a second copy being trained; the optimizer keeps the flat parameters,
// the flat gradient and its moments in JavaScript; a training step runs forward and backward inside one
// tf.tidy, so every intermediate of the step is alive at its end. The per-row coefficients below were
// measured with tf.profile on real steps (peak bytes over a step, per row × width, row × MLP width and
// logit × vocabulary) and rounded up; tests/runtime/memory-estimate.test.ts checks the estimate stays above
// what real steps, evaluations and prompt searches allocate, and not far above.
import type { Range } from '../syntax/ast.js';
import type { MethodSpec, ModelSpec, OptimizerSpec } from '../spec.js';
import { modelParameterCount } from '../params.js';
import type { AnalysisContext } from './context.js';

/** The wasm backend's address space. */
export const BACKEND_MEMORY_LIMIT = 4 * 2 ** 30;

/** Test examples per evaluation batch (runtime/src/commands/run/eval-job.ts, EVAL_BATCH). */
export const EVAL_ROWS = 256;
/** Rows per forward pass of the trainer's evaluate (runtime/src/engine/trainer.ts): the validation sample of a finetune is scored in passes of this many. */
export const TRAINER_EVAL_ROWS = 512;
/** Prompt search: candidate tokens per iteration at most, and rows per forward pass (runtime/src/engine/prompt-search.ts). */
export const PROMPT_CANDIDATES = 64;
export const PROMPT_ROWS_PER_PASS = 2048;

/** Floats alive per unit during a training step (forward + backward) and a forward pass alone. */
const TRAIN = { rowMlp: 28, rowWidth: 64, attention: 3, logit: 16, weights: 3 };
const FORWARD = { rowMlp: 10, rowWidth: 26, attention: 2, logit: 10, weights: 1 };

/** Bytes of one test example as JavaScript arrays (two arrays of `length` small integers, the object). */
function exampleBytes(length: number): number {
  return 16 * length + 112;
}

/** The shape of the sequences a run's model reads. */
export interface RunShape {
  model: ModelSpec;
  vocab: number;
  reserve: number;
  length: number;
}

export interface MemoryEstimate {
  /** Base weights (and the copy being trained), in bytes. */
  weights: number;
  /** The optimizer's flat parameters, gradient and moments. */
  optimizer: number;
  /** The largest phase: a training step's gradients and activations, an evaluation, or a prompt search. */
  working: number;
  /** Which phase `working` is, and its size in rows (training: the batch) or test examples (evaluation). */
  phase: 'training' | 'prompt search' | 'evaluation' | 'validation';
  rows: number;
  total: number;
}

/** How messages name a phase ("a training step at batch 64"); built only for a run that is reported. */
export function phaseText(e: MemoryEstimate): string {
  switch (e.phase) {
    case 'training':
      return `a training step at batch ${e.rows}`;
    case 'prompt search':
      return `a prompt search over ${e.rows} rows`;
    case 'evaluation':
      return `an evaluation on ${e.rows} test examples`;
    case 'validation':
      return `an evaluation during training on ${e.rows} validation examples`;
  }
}

/**
 * Floats alive during one pass over `rows` sequences of T positions (Tk keys) whose last R positions are
 * scored: the last layer computes everything after its attention for those positions only (model.ts), so
 * its MLP and half its width-sized work scale with R, not T.
 */
function passFloats(c: typeof TRAIN, s: RunShape, P: number, rows: number, T: number, Tk: number, R: number): number {
  const { layers, width, mlp, heads } = s.model;
  const attention = c.attention * rows * heads * T * Tk;
  const full = c.rowMlp * rows * T * mlp + c.rowWidth * rows * T * width + attention;
  const last = c.rowMlp * rows * R * mlp + (c.rowWidth * rows * (T + R) * width) / 2 + attention;
  return c.weights * P + (layers - 1) * full + last + c.logit * rows * R * s.vocab;
}

/**
 * The memory of one run: training with `method` (which trains `trainable` scalars, params.ts) at `batch`,
 * evaluating on a validation sample of `validation` examples during training (finetunes; 0 for none), then
 * its evaluation on `samples` test examples.
 */
export function runMemory(s: RunShape, method: MethodSpec, trainable: number, optimizerKind: OptimizerSpec['kind'], batch: number, samples: number, validation: number): MemoryEstimate {
  const P = modelParameterCount(s.model, s.vocab);
  const T = s.reserve + 2 * s.length - 1;
  const Tk = T + (method.kind === 'prefix' && method.space === 'kv' ? method.length : 0);
  // Tensors: the base and (full) the trained copy or (others) the trainable tensors; plus the base as
  // JavaScript data (a finetune's parent weights stay loaded for the session).
  const weights = 4 * ((method.kind === 'full' ? 2 * P : P + trainable) + P);
  const optimizer = 4 * trainable * optimizerBuffers(optimizerKind);
  // Runs are many in a large spec and almost all fit: plain numbers here, text only in checkRunMemory.
  let phase: MemoryEstimate['phase'] = 'training';
  let rows = batch;
  let working: number;
  if (method.kind === 'prompt') {
    const candidates = Math.min(s.vocab, PROMPT_CANDIDATES);
    phase = 'prompt search';
    rows = Math.min(candidates, Math.max(1, Math.floor(PROMPT_ROWS_PER_PASS / batch))) * batch;
    working = 4 * passFloats(FORWARD, s, P, rows, T, Tk, s.length);
  } else {
    working = 4 * passFloats(TRAIN, s, P, batch, T, Tk, s.length);
  }
  const evaluation = evaluationBytes(s, Tk, P, samples);
  if (evaluation > working) {
    phase = 'evaluation';
    rows = samples;
    working = evaluation;
  }
  // The validation sample is one batch for the trainer, which scores it TRAINER_EVAL_ROWS rows at a time.
  const validating = validation > 0 ? 4 * (passFloats(FORWARD, s, P, Math.min(validation, TRAINER_EVAL_ROWS), T, Tk, 1) + P) + validation * exampleBytes(s.length) : 0;
  if (validating > working) {
    phase = 'validation';
    rows = validation;
    working = validating;
  }
  return { weights, optimizer, working, phase, rows, total: weights + optimizer + working };
}

/** The memory of evaluating a run of this shape on `samples` test examples (the evaluate block's own check). */
export function evaluationMemory(s: RunShape, samples: number): MemoryEstimate {
  const P = modelParameterCount(s.model, s.vocab);
  const working = evaluationBytes(s, s.reserve + 2 * s.length - 1, P, samples);
  // A run loaded for evaluation: its base and trained weights, and its parent's weights kept for the session.
  const weights = 4 * 3 * P;
  return { weights, optimizer: 0, working, phase: 'evaluation', rows: samples, total: weights + working };
}

/** Greedy decoding of EVAL_ROWS test examples at a time (one scored position per step), and the test set itself. */
function evaluationBytes(s: RunShape, Tk: number, P: number, samples: number): number {
  const rows = Math.min(EVAL_ROWS, samples);
  const T = s.reserve + 2 * s.length - 1;
  // LoRA's merged weights are built for each pass: one more copy of the weights.
  return 4 * (passFloats(FORWARD, s, P, rows, T, Tk, 1) + P) + samples * exampleBytes(s.length);
}

/** Flat buffers of the optimizer per trainable scalar: parameters, gradient, and two moments (AdamW) or momentum (SGD). */
function optimizerBuffers(kind: OptimizerSpec['kind']): number {
  return kind === 'adamw' ? 4 : 3;
}

/** "6.4 GiB", "512 MiB", "3.1 KiB". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(n)} bytes` : `${n >= 100 ? Math.round(n) : n.toFixed(1).replace(/\.0$/, '')} ${units[i]}`;
}

/** Reports a run whose estimate exceeds the backend limit; `run` names it in the message. Returns true when it fits. */
export function checkRunMemory(ctx: AnalysisContext, estimate: MemoryEstimate, run: string, range: Range): boolean {
  if (estimate.total <= BACKEND_MEMORY_LIMIT) return true;
  const parts = [`weights ${formatBytes(estimate.weights)}`];
  if (estimate.optimizer > 0) parts.push(`optimizer state ${formatBytes(estimate.optimizer)}`);
  parts.push(`${phaseText(estimate)} ${formatBytes(estimate.working)}`);
  ctx.report(
    'run-exceeds-memory',
    range,
    `${run} needs about ${formatBytes(estimate.total)} (${parts.join(', ')}), more than the ${formatBytes(BACKEND_MEMORY_LIMIT)} the wasm backend can address; ` +
      `the check cannot know which backend will run, so it holds every run to that, the smallest limit; use a smaller width, mlp, layers, vocabulary or batch`,
  );
  return false;
}
