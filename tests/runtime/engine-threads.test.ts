// Data-parallel training threads (parallel.ts, worker.ts): a step split over two threads follows the same
// gradient as one thread (up to float rounding), is deterministic, and resumes bit-for-bit.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createTrainer, initBackend } from '../../runtime/src/engine/index.js';
import type { TrainerSnapshot } from '../../runtime/src/engine/types.js';
import { LAYOUT, METHODS, TINY, options, reverseBatch } from './engine-helpers.js';

before(async () => {
  await initBackend();
});

async function curve(threads: number, method = METHODS.full!, dropout = 0, steps = 4): Promise<number[]> {
  const t = await createTrainer({ ...options(method), model: { ...TINY, dropout }, threads });
  const out: number[] = [];
  for (let i = 0; i < steps; i++) out.push(await t.step(reverseBatch(LAYOUT, 9, 40 + i)));
  t.dispose();
  return out;
}

test('two threads follow the one-thread loss curve (no dropout), up to rounding', async () => {
  const one = await curve(1);
  const two = await curve(2);
  assert.ok(Math.abs(one[0]! - two[0]!) < 1e-6, `first losses ${one[0]} vs ${two[0]}`);
  one.forEach((l, i) => assert.ok(Math.abs(l - two[i]!) < 1e-4, `step ${i}: ${l} vs ${two[i]}`));
});

test('two threads are deterministic with dropout (here for a kv prefix)', async () => {
  assert.deepEqual(await curve(2, METHODS.prefix_kv!, 0.2), await curve(2, METHODS.prefix_kv!, 0.2));
});

test('two threads resume bit-for-bit from a snapshot', async () => {
  const opts = { ...options(METHODS.lora!), model: { ...TINY, dropout: 0.1 }, threads: 2 };
  const t = await createTrainer(opts);
  const losses: number[] = [];
  let snap: TrainerSnapshot | null = null;
  for (let i = 0; i < 4; i++) {
    if (i === 2) snap = structuredClone(await t.snapshot());
    losses.push(await t.step(reverseBatch(LAYOUT, 8, i)));
  }
  t.dispose();
  const r = await createTrainer(opts, snap!);
  const again = [await r.step(reverseBatch(LAYOUT, 8, 2)), await r.step(reverseBatch(LAYOUT, 8, 3))];
  // A batch smaller than the thread count still trains (the second thread sits this step out).
  assert.ok(Number.isFinite(await r.step(reverseBatch(LAYOUT, 1, 1))));
  r.dispose();
  assert.deepEqual(again, losses.slice(2));
});

test('bad thread counts are refused', async () => {
  await assert.rejects(createTrainer({ ...options(METHODS.full!), threads: 0 }), /threads must be a positive integer/);
  await assert.rejects(createTrainer({ ...options(METHODS.full!), threads: 1.5 }), /threads must be a positive integer/);
});
