// Parity with PyTorch: the same weights in our tfjs model and in bench/reference/gpt.py (Debian's
// python3-torch) give the same logits (1e-4), loss, and weight gradients (our backward is hand-written),
// for pre- and post-LayerNorm models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/src/engine/backend.js';
import { backward, crossEntropy, forward, gptConfig, initWeights } from '../../runtime/src/engine/model.js';
import { weightsFromNamed } from '../../runtime/src/engine/methods.js';
import { Rng } from '../../runtime/src/engine/rng.js';
import type { ModelSpec } from '../../grammar/src/spec.js';
import type { NamedTensors } from '../../runtime/src/engine/types.js';

const PYTHON = process.env.PTX_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const REFERENCE = resolve('bench/reference');
const VOCAB = 7;
const B = 3;
const T = 10;
const FROM = 4;

interface Job {
  spec: ModelSpec;
  named: NamedTensors;
  tokens: number[][];
  targets: number[][];
}

interface Result {
  logits: ArrayLike<number>;
  loss: number;
  grads: Record<string, ArrayLike<number>>;
}

function makeJob(norm: 'pre' | 'post', seed: number): Job {
  const spec: ModelSpec = { name: 'p', layers: 2, heads: 2, width: 16, mlp: 24, dropout: 0, context: 12, norm };
  const rng = new Rng(seed);
  const named = initWeights(gptConfig(spec, VOCAB), rng);
  // Non-trivial LayerNorm parameters and biases, larger weights, so every weight matters.
  for (const [name, t] of Object.entries(named)) {
    const shift = name.includes('ln_') || name.endsWith('.bias');
    for (let i = 0; i < t.data.length; i++) t.data[i] = shift ? t.data[i]! + rng.normal() * 0.2 : t.data[i]! * 10;
  }
  const tokens = Array.from({ length: B }, () => Array.from({ length: T }, () => rng.int(VOCAB)));
  const targets = Array.from({ length: B }, () => Array.from({ length: T - FROM }, () => rng.int(VOCAB)));
  return { spec, named, tokens, targets };
}

function ours(job: Job): Result {
  const cfg = gptConfig(job.spec, VOCAB);
  const w = weightsFromNamed(cfg, job.named);
  try {
    return tf.tidy(() => {
      const { logits, cache } = forward(cfg, w, tf.tensor2d(job.tokens, [B, T], 'int32'), {}, { train: false, dropoutSeed: 0, logitsFrom: FROM, trace: false });
      const { loss, dlogits } = crossEntropy(tf.reshape(logits, [-1, VOCAB]) as tf.Tensor2D, tf.tensor1d(job.targets.flat(), 'int32'));
      const g = backward(cfg, w, {}, cache, tf.reshape(dlogits, logits.shape) as tf.Tensor3D, () => true);
      return {
        logits: logits.dataSync() as Float32Array,
        loss: loss.dataSync()[0]!,
        grads: Object.fromEntries(Object.entries(g.weights).map(([n, x]) => [n, x.dataSync() as Float32Array])),
      };
    });
  } finally {
    tf.dispose(Object.values(w));
  }
}

/** Runs the PyTorch reference on all jobs in one process; null with a reason when torch is not installed. */
function reference(jobs: Job[]): Result[] | { missing: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-parity-'));
  try {
    const files = jobs.map((job, i) => {
      const file = join(dir, `job${i}.json`);
      const weights = Object.fromEntries(Object.entries(job.named).map(([n, x]) => [n, { shape: x.shape, data: Array.from(x.data) }]));
      writeFileSync(file, JSON.stringify({ config: { ...job.spec, vocab: VOCAB }, weights, tokens: job.tokens, logitsFrom: FROM, targets: job.targets }));
      return file;
    });
    const r = spawnSync(PYTHON, [join(REFERENCE, 'parity.py'), ...files], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONPATH: REFERENCE } });
    if (r.status !== 0 && /No module named 'torch'|ENOENT/.test(r.stderr + String(r.error ?? ''))) {
      return { missing: `${PYTHON} cannot import torch (apt-get install -y python3-torch python3-numpy libopenblas0-pthread)` };
    }
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split('\n').map((line) => JSON.parse(line) as Result);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('logits, loss and gradients match PyTorch, pre- and post-LayerNorm', async (t) => {
  await initBackend();
  const jobs = [makeJob('pre', 11), makeJob('post', 12)];
  const refs = reference(jobs);
  if ('missing' in refs) {
    if (process.env.CI) assert.fail(`CI is set but ${refs.missing}`);
    console.log(`# skipped parity: ${refs.missing}`);
    t.skip(refs.missing);
    return;
  }
  jobs.forEach((job, k) => {
    const mine = ours(job);
    const ref = refs[k]!;
    const label = job.spec.norm;
    assert.equal(ref.logits.length, mine.logits.length);
    let worst = 0;
    for (let i = 0; i < ref.logits.length; i++) worst = Math.max(worst, Math.abs(ref.logits[i]! - mine.logits[i]!));
    assert.ok(worst < 1e-4, `${label}: largest logit difference ${worst}`);
    // The logits are not trivially small (weights were scaled up), so the comparison has teeth.
    assert.ok(Math.max(...Array.from(ref.logits, Math.abs)) > 0.1);
    assert.ok(Math.abs(ref.loss - mine.loss) < 1e-5, `${label}: loss ${mine.loss} vs ${ref.loss}`);
    assert.deepEqual(Object.keys(mine.grads).sort(), Object.keys(ref.grads).sort());
    for (const [name, g] of Object.entries(ref.grads)) {
      const m = mine.grads[name]!;
      let scale = 1e-3;
      let diff = 0;
      for (let i = 0; i < g.length; i++) {
        scale = Math.max(scale, Math.abs(g[i]!));
        diff = Math.max(diff, Math.abs(g[i]! - m[i]!));
      }
      assert.ok(diff / scale < 1e-3, `${label}: gradient of ${name}: max difference ${diff} (scale ${scale})`);
    }
  });
});
