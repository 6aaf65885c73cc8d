// Data parallelism over worker threads: the wasm backend is single-threaded under Node, so a second core
// can only help by training on part of each batch in a second thread with its own backend. The main thread
// computes one shard itself while each worker computes another; gradients are averaged by token count and
// the optimizer (main thread) updates the parameters in shared memory that the workers read.
import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import type { MethodSpec } from '../../../grammar/src/spec.js';
import type { GPTConfig } from './model.js';
import type { ShardInput } from './gradients.js';
import type { BackendName, NamedTensors } from './types.js';

export interface InitMessage {
  kind: 'init';
  backend: BackendName;
  cfg: GPTConfig;
  method: MethodSpec;
  base: NamedTensors;
  /** Shared parameters (float32, flat) and this worker's gradient buffer. */
  theta: SharedArrayBuffer;
  grad: SharedArrayBuffer;
}

export interface StepMessage {
  kind: 'step';
  shard: ShardInput;
}

export type WorkerReply = { kind: 'ready' } | { kind: 'loss'; loss: number } | { kind: 'error'; message: string };

/**
 * Starts the worker script: beside the bundle (dist/engine-worker.js), or worker.ts when running from
 * source, where the thread first registers tsx's loader (module hooks are per thread, and `--import tsx`
 * in a worker's execArgv does not register them).
 */
async function spawnWorker(): Promise<Worker> {
  if (typeof __filename === 'string') return new Worker(join(dirname(__filename), 'engine-worker.js'));
  const helper = './worker-url.js';
  const { workerSourceUrl, tsxApiUrl } = (await import(helper)) as { workerSourceUrl: string; tsxApiUrl: string };
  const boot = `import(${JSON.stringify(tsxApiUrl)}).then((api) => { api.register(); return import(${JSON.stringify(workerSourceUrl)}); });`;
  return new Worker(boot, { eval: true });
}

/** One worker thread and its gradient buffer. */
export class ShardWorker {
  readonly grad: Float32Array;
  private pending: { resolve: (r: WorkerReply) => void } | null = null;
  private failure: string | null = null;

  private constructor(
    private readonly worker: Worker,
    gradBuffer: SharedArrayBuffer,
  ) {
    this.grad = new Float32Array(gradBuffer);
    worker.on('message', (r: WorkerReply) => {
      const p = this.pending;
      this.pending = null;
      p?.resolve(r);
    });
    worker.on('error', (e) => this.fail(`worker thread failed: ${e.message}`));
    worker.on('exit', (code) => this.fail(`worker thread exited (code ${code})`));
    worker.unref();
  }

  private fail(message: string): void {
    this.failure ??= message;
    const p = this.pending;
    this.pending = null;
    p?.resolve({ kind: 'error', message });
  }

  static async start(init: Omit<InitMessage, 'kind' | 'grad'>, total: number): Promise<ShardWorker> {
    const gradBuffer = new SharedArrayBuffer(total * 4);
    const worker = await spawnWorker();
    const w = new ShardWorker(worker, gradBuffer);
    const r = await w.request({ kind: 'init', ...init, grad: gradBuffer });
    if (r.kind === 'error') {
      await worker.terminate();
      throw new Error(`a training thread could not start: ${r.message}`);
    }
    return w;
  }

  /** Sends a message and waits for the reply (the thread keeps the process alive only meanwhile). */
  request(m: InitMessage | StepMessage): Promise<WorkerReply> {
    if (this.failure) return Promise.resolve({ kind: 'error', message: this.failure });
    if (this.pending) throw new Error('internal: a training thread got two requests at once');
    return new Promise((resolve) => {
      this.worker.ref();
      this.pending = {
        resolve: (r) => {
          this.worker.unref();
          resolve(r);
        },
      };
      this.worker.postMessage(m);
    });
  }

  async step(shard: ShardInput): Promise<number> {
    const r = await this.request({ kind: 'step', shard });
    if (r.kind !== 'loss') throw new Error(r.kind === 'error' ? r.message : `internal: unexpected reply ${r.kind}`);
    return r.loss;
  }

  terminate(): void {
    this.failure ??= 'the trainer was disposed';
    void this.worker.terminate();
  }
}
