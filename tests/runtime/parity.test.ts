// Parity with PyTorch: the same weights in our tfjs model and in bench/reference/gpt.py (Debian's
// python3-torch) give the same logits (1e-4), loss, and weight gradients (our backward is hand-written).
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

const PYTHON = process.env.PTX_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const REFERENCE = resolve('bench/reference');

function torchMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.status === 0) return null;
  return `${PYTHON} cannot import torch (apt-get install -y python3-torch python3-numpy libopenblas0-pthread)`;
}

function perturb(named: ReturnType<typeof initWeights>, rng: Rng): void {
  // Non-trivial LayerNorm parameters and biases, so every weight matters.
  for (const [name, t] of Object.entries(named)) {
    if (name.includes('ln_') || name.endsWith('.bias')) for (let i = 0; i < t.data.length; i++) t.data[i] = t.data[i]! + rng.normal() * 0.2;
    else for (let i = 0; i < t.data.length; i++) t.data[i] = t.data[i]! * 10;
  }
}

for (const norm of ['pre', 'post'] as const) {
  test(`logits, loss and gradients match PyTorch (${norm}-LayerNorm)`, async (t) => {
    const missing = torchMissing();
    if (missing) {
      if (process.env.CI) assert.fail(`CI is set but ${missing}`);
      t.skip(missing);
      console.log(`# skipped parity: ${missing}`);
      return;
    }
    await initBackend();
    const spec: ModelSpec = { name: 'p', layers: 2, heads: 2, width: 16, mlp: 24, dropout: 0, context: 12, norm };
    const cfg = gptConfig(spec, 7);
    const rng = new Rng(11);
    const named = initWeights(cfg, rng);
    perturb(named, rng);
    const B = 3;
    const T = 10;
    const from = 4;
    const tokens = Array.from({ length: B }, () => Array.from({ length: T }, () => rng.int(7)));
    const targets = Array.from({ length: B }, () => Array.from({ length: T - from }, () => rng.int(7)));

    const w = weightsFromNamed(cfg, named);
    const ours = tf.tidy(() => {
      const { logits, cache } = forward(cfg, w, tf.tensor2d(tokens, [B, T], 'int32'), {}, { train: false, dropoutSeed: 0, logitsFrom: from, trace: false });
      const V = cfg.vocab;
      const { loss, dlogits } = crossEntropy(tf.reshape(logits, [-1, V]) as tf.Tensor2D, tf.tensor1d(targets.flat(), 'int32'));
      const g = backward(cfg, w, {}, cache, tf.reshape(dlogits, logits.shape) as tf.Tensor3D, () => true);
      return {
        logits: logits.dataSync() as Float32Array,
        loss: loss.dataSync()[0]!,
        grads: Object.fromEntries(Object.entries(g.weights).map(([n, x]) => [n, x.dataSync() as Float32Array])),
      };
    });
    tf.dispose(Object.values(w));

    const dir = mkdtempSync(join(tmpdir(), 'ptx-parity-'));
    try {
      const file = join(dir, 'job.json');
      const weights = Object.fromEntries(Object.entries(named).map(([n, x]) => [n, { shape: x.shape, data: Array.from(x.data) }]));
      writeFileSync(file, JSON.stringify({ config: { ...spec, vocab: 7 }, weights, tokens, logitsFrom: from, targets }));
      const r = spawnSync(PYTHON, [join(REFERENCE, 'parity.py'), file], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONPATH: REFERENCE } });
      assert.equal(r.status, 0, r.stderr);
      const ref = JSON.parse(r.stdout) as { logits: number[]; loss: number; grads: Record<string, number[]> };
      assert.equal(ref.logits.length, ours.logits.length);
      let worst = 0;
      ref.logits.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - ours.logits[i]!))));
      assert.ok(worst < 1e-4, `largest logit difference ${worst}`);
      // The logits are not trivially small (weights were scaled up), so the comparison has teeth.
      assert.ok(Math.max(...ref.logits.map(Math.abs)) > 0.1);
      assert.ok(Math.abs(ref.loss - ours.loss) < 1e-5, `loss ${ours.loss} vs ${ref.loss}`);
      assert.deepEqual(Object.keys(ours.grads).sort(), Object.keys(ref.grads).sort());
      for (const [name, g] of Object.entries(ref.grads)) {
        const mine = ours.grads[name]!;
        const scale = Math.max(1e-3, ...g.map(Math.abs));
        let diff = 0;
        g.forEach((x, i) => (diff = Math.max(diff, Math.abs(x - mine[i]!))));
        assert.ok(diff / scale < 1e-3, `gradient of ${name}: max difference ${diff} (scale ${scale})`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
