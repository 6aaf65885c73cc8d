// The analysis' memory estimate (grammar/src/analysis/memory.ts) against what real runs allocate on the wasm
// backend: for models that stress each term (layers, MLP width, vocabulary, attention over a kv prefix,
// LoRA, prompt search, evaluation), the peak of tensor memory over a training step, an evaluation of 256
// test examples and one of a finetune's 512-example validation sample, plus the optimizer's JavaScript buffers, must stay below the estimate, and the estimate
// must not be far above it (a check that refuses runs that fit is wrong too).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { runMemory, EVAL_ROWS, PROMPT_CANDIDATES, PROMPT_ROWS_PER_PASS, TRAINER_EVAL_ROWS, formatBytes } from '../../grammar/src/analysis/memory.js';
import { VALIDATION_SAMPLES } from '../../grammar/src/analysis/analyse.js';
import { trainableParameters } from '../../grammar/src/params.js';
import type { MethodSpec, ModelSpec } from '../../grammar/src/spec.js';
import { EVAL_BATCH } from '../../runtime/src/commands/run/eval-job.js';
import { createTrainer, initBackend } from '../../runtime/src/engine/index.js';
import { EVAL_ROWS as TRAINER_ROWS } from '../../runtime/src/engine/trainer.js';
import { MAX_CANDIDATES, ROWS_PER_PASS } from '../../runtime/src/engine/prompt-search.js';
import { Rng } from '../../runtime/src/data/rng.js';
import { schedule } from './run-helpers.js';

interface Case {
  what: string;
  model: Partial<ModelSpec>;
  vocab: number;
  length: number;
  reserve: number;
  method: MethodSpec;
  batch: number;
}

const CASES: Case[] = [
  { what: 'two layers, pretraining', model: { layers: 2, width: 64, mlp: 256 }, vocab: 10, length: 8, reserve: 0, method: { kind: 'full' }, batch: 64 },
  { what: 'a wide MLP', model: { layers: 1, width: 32, mlp: 1024 }, vocab: 10, length: 6, reserve: 0, method: { kind: 'full' }, batch: 32 },
  { what: 'a large vocabulary', model: { layers: 1, width: 32, mlp: 128 }, vocab: 2000, length: 6, reserve: 0, method: { kind: 'full' }, batch: 32 },
  { what: 'four heads, post-norm, three layers', model: { layers: 3, heads: 4, width: 32, mlp: 128, norm: 'post', dropout: 0.1 }, vocab: 10, length: 6, reserve: 2, method: { kind: 'full' }, batch: 16 },
  { what: 'LoRA', model: { layers: 2, width: 64, mlp: 256 }, vocab: 10, length: 8, reserve: 0, method: { kind: 'lora', rank: 4, alpha: 1, targets: ['query', 'output', 'mlp_in', 'mlp_out'] }, batch: 64 },
  { what: 'a long kv prefix', model: { layers: 2, width: 32, mlp: 128 }, vocab: 10, length: 6, reserve: 0, method: { kind: 'prefix', length: 48, space: 'kv' }, batch: 32 },
  { what: 'a prompt search', model: { layers: 1, width: 32, mlp: 128 }, vocab: 200, length: 6, reserve: 2, method: { kind: 'prompt', length: 2 }, batch: 16 },
];

test('the estimate uses the engine constants it copies', () => {
  assert.equal(EVAL_ROWS, EVAL_BATCH);
  assert.equal(PROMPT_CANDIDATES, MAX_CANDIDATES);
  assert.equal(PROMPT_ROWS_PER_PASS, ROWS_PER_PASS);
  assert.equal(TRAINER_EVAL_ROWS, TRAINER_ROWS);
});

test('the memory estimate bounds what real training steps and evaluations allocate, within a small factor', async (t) => {
  await initBackend('wasm');
  for (const c of CASES) {
    const model: ModelSpec = { name: 'm', layers: 1, heads: 1, width: 16, mlp: 64, dropout: 0, context: c.reserve + 2 * c.length, norm: 'pre', ...c.model };
    const layout = { reserve: c.reserve, length: c.length, vocab: c.vocab };
    const S = c.reserve + 2 * c.length;
    const r = new Rng(3);
    const rows = (n: number) => {
      const tokens = new Int32Array(n * S);
      for (let i = 0; i < tokens.length; i++) tokens[i] = i % S < c.reserve ? 0 : 1 + r.int(c.vocab - 1);
      return { tokens, batch: n };
    };
    const before = tf.memory().numBytes;
    const trainer = await createTrainer({ model, layout, method: c.method, schedule: schedule({ batch: c.batch }), base: null });
    // tf.profile returns one shared record, overwritten by the next profile: keep the peak at once.
    const stepPeak = (
      await tf.profile(async () => {
        await trainer.step(rows(c.batch));
      })
    ).peakBytes;
    const evaluationPeak = (
      await tf.profile(async () => {
        await trainer.evaluate(rows(EVAL_ROWS));
      })
    ).peakBytes;
    const validationPeak = (
      await tf.profile(async () => {
        await trainer.evaluate(rows(VALIDATION_SAMPLES));
      })
    ).peakBytes;
    trainer.dispose();
    // Tensors at their peak, and the optimizer's flat buffers in JavaScript (parameters, gradient, moments).
    const trainable = trainableParameters(c.method, model, c.vocab).total;
    const measured = Math.max(stepPeak, evaluationPeak, validationPeak) - before + 4 * 4 * trainable;
    const estimate = runMemory({ model, vocab: c.vocab, reserve: c.reserve, length: c.length }, c.method, trainable, 'adamw', c.batch, EVAL_ROWS, VALIDATION_SAMPLES).total;
    t.diagnostic(`${c.what}: step ${formatBytes(stepPeak - before)}, evaluation ${formatBytes(evaluationPeak - before)}, validation ${formatBytes(validationPeak - before)}; measured ${formatBytes(measured)}, estimated ${formatBytes(estimate)} (${(estimate / measured).toFixed(2)}×)`);
    assert.ok(estimate >= measured, `${c.what}: estimated ${estimate} bytes, but the run allocated ${measured}`);
    assert.ok(estimate <= 3 * measured, `${c.what}: estimated ${estimate} bytes, more than 3× the ${measured} the run allocated`);
  }
});
