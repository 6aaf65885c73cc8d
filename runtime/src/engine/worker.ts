// Entry point of a data-parallel training thread (worker_threads): its own tfjs backend and copy of the
// model; per step it reads the parameters from shared memory, computes the loss and gradient of its shard
// of the batch, and writes the gradient into shared memory. See parallel.ts for the protocol.
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { planMethod, weightsFromNamed, type MethodPlan } from './methods.js';
import type { GPTConfig } from './model.js';
import { Rng } from './rng.js';
import { shardStep } from './gradients.js';
import type { InitMessage, StepMessage, WorkerReply } from './parallel.js';

interface State {
  cfg: GPTConfig;
  plan: MethodPlan;
  theta: Float32Array;
  grad: Float32Array;
  offsets: number[];
  shapes: number[][];
}

let state: State | null = null;

function reply(r: WorkerReply): void {
  parentPort!.postMessage(r);
}

async function init(m: InitMessage): Promise<void> {
  await initBackend(m.backend);
  const base = weightsFromNamed(m.cfg, m.base);
  // The initial values the plan draws are not used: parameters always come from shared memory.
  const plan = planMethod(m.cfg, m.method, base, new Rng(0));
  const shapes = plan.trainables.map((t) => t.init.shape);
  const offsets: number[] = [];
  let off = 0;
  for (const s of shapes) {
    offsets.push(off);
    off += s.reduce((a, b) => a * b, 1);
  }
  state = { cfg: m.cfg, plan, theta: new Float32Array(m.theta), grad: new Float32Array(m.grad), offsets, shapes };
}

function step(m: StepMessage): number {
  const s = state!;
  const values = s.shapes.map((shape, i) => tf.tensor(s.theta.slice(s.offsets[i], s.offsets[i]! + shape.reduce((a, b) => a * b, 1)), shape, 'float32'));
  try {
    return shardStep(s.cfg, s.plan, values, m.shard, s.grad, s.offsets);
  } finally {
    tf.dispose(values);
  }
}

parentPort!.on('message', (m: InitMessage | StepMessage) => {
  if (m.kind === 'init') {
    init(m).then(
      () => reply({ kind: 'ready' }),
      (e: unknown) => reply({ kind: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
    return;
  }
  try {
    reply({ kind: 'loss', loss: step(m) });
  } catch (e) {
    reply({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
