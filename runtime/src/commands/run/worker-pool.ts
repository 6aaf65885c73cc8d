// Units side by side: the wasm backend is single-threaded, so a second core helps only through a second
// process with its own backend (PERF.md: two processes nearly double a compare's throughput). The pool
// runs one unit in this process and the others in worker processes (job-worker.ts), started when a second
// unit is ready and kept for the next ones; a plan that is one chain of runs never starts a worker.
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { BackendName } from '../../engine/types.js';
import { InProcessExecutor, type ExecutorOptions, type JobExecutor, type UnitEvents } from './executor.js';
import { UnitTracker } from './unit-tracker.js';
import { StoreError } from '../../store/store-error.js';
import { message, type RunState, type UnitResult, type UnitWork } from './unit.js';

export type ToWorker =
  | { type: 'init'; backend: BackendName; storeRoot: string; snapshotEveryMs: number; spec?: string }
  | { type: 'unit'; work: UnitWork }
  | { type: 'stop' };

/** Reporter calls the unit's code makes (backend and done are the scheduler's own). */
export type ReportMethod = 'info' | 'notice' | 'jobStart' | 'progress' | 'validation' | 'jobEnd' | 'result' | 'error';

export type FromWorker =
  | { type: 'ready' }
  | { type: 'init-failed'; message: string }
  | { type: 'report'; method: ReportMethod; args: unknown[] }
  | { type: 'trained'; state: RunState }
  | { type: 'unit-done'; result: UnitResult }
  /** The unit ended by an error that is not a job's (the store cannot be written): the plan ends. */
  | { type: 'unit-error'; message: string; path: string | null }
  /** A training reached its step boundary after the stop request. */
  | { type: 'acknowledged' };

/**
 * The worker script: job-worker.js beside the bundle, or job-worker.ts through tsx when running from
 * source (the tests). The source paths come from a module imported by a computed name, so the CommonJS
 * bundle never contains `import.meta`.
 */
async function workerEntry(): Promise<{ path: string; execArgv: string[] }> {
  if (typeof __filename === 'string') return { path: join(dirname(__filename), 'job-worker.js'), execArgv: [] };
  const helper = './job-worker-url.js';
  const { jobWorkerSourcePath, tsxLoaderUrl } = (await import(helper)) as { jobWorkerSourcePath: string; tsxLoaderUrl: string };
  return { path: jobWorkerSourcePath, execArgv: ['--import', tsxLoaderUrl] };
}

/** One worker process, running one unit at a time; a new process replaces one that died. */
export class WorkerProcess implements JobExecutor {
  readonly capacity = 1;
  private child: ChildProcess | null = null;
  private started: Promise<void> | null = null;
  private current: { tracker: UnitTracker; resolve: (r: UnitResult) => void; reject: (err: Error) => void } | null = null;
  private cancelled = false;

  constructor(private readonly opts: ExecutorOptions) {}

  private start(): Promise<void> {
    this.started ??= (async () => {
      const entry = await workerEntry();
      // stdout is the parent's (JSON events with --events): anything a library prints goes to stderr.
      const child = fork(entry.path, [], { execArgv: entry.execArgv, serialization: 'advanced', stdio: ['ignore', 2, 2, 'ipc'] });
      this.child = child;
      await new Promise<void>((resolve, reject) => {
        child.on('message', (m: FromWorker) => {
          if (m.type === 'ready') resolve();
          else if (m.type === 'init-failed') reject(new Error(m.message));
          else this.onMessage(m);
        });
        child.on('error', reject);
        child.on('exit', (code, signal) => {
          const why = `the worker process exited (${signal ?? `code ${code}`})`;
          reject(new Error(why));
          this.child = null;
          this.started = null;
          const cur = this.current;
          this.current = null;
          cur?.resolve(cur.tracker.lost(why));
        });
        const init: ToWorker = {
          type: 'init',
          backend: this.opts.backend,
          storeRoot: this.opts.store.root,
          snapshotEveryMs: this.opts.snapshotEveryMs,
          ...(this.opts.spec ? { spec: this.opts.spec } : {}),
        };
        child.send(init);
      });
    })();
    return this.started;
  }

  private onMessage(m: Exclude<FromWorker, { type: 'ready' | 'init-failed' }>): void {
    if (m.type === 'acknowledged') return this.opts.acknowledge?.();
    const cur = this.current;
    if (!cur) return;
    const ev = cur.tracker.events;
    if (m.type === 'report') (ev.reporter[m.method] as (...args: unknown[]) => void)(...m.args);
    else if (m.type === 'trained') ev.onTrained(m.state);
    else if (m.type === 'unit-error') {
      this.current = null;
      cur.reject(m.path !== null ? storeError(m.path, m.message) : new Error(m.message));
    } else {
      this.current = null;
      cur.resolve(m.result);
    }
  }

  async submit(work: UnitWork, events: UnitEvents): Promise<UnitResult> {
    if (this.current) throw new Error('internal: a worker process got two units at once');
    const tracker = new UnitTracker(work, events);
    try {
      await this.start();
    } catch (err) {
      this.child?.kill('SIGKILL');
      return tracker.lost(`a worker process could not start: ${message(err)}`);
    }
    const child = this.child!;
    return new Promise<UnitResult>((resolve, reject) => {
      this.current = { tracker, resolve, reject };
      child.send({ type: 'unit', work } satisfies ToWorker);
      if (this.cancelled) child.send({ type: 'stop' } satisfies ToWorker);
    });
  }

  cancel(): void {
    this.cancelled = true;
    if (this.child?.connected) this.child.send({ type: 'stop' } satisfies ToWorker);
  }

  /** Disconnecting ends the worker (job-worker.ts exits when its parent goes). */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      if (child.connected) child.disconnect();
      else child.kill('SIGKILL');
    });
  }
}

/** The worker's StoreError again, with its one-line message, so that `ptx run` reports it as its own. */
function storeError(path: string, text: string): StoreError {
  const err = new StoreError(path, 'use', null);
  err.message = text;
  return err;
}

/** Several runners as one: a unit goes to the first idle one, this process first. */
export class PoolExecutor implements JobExecutor {
  readonly capacity: number;
  private readonly idle: boolean[];

  constructor(private readonly slots: JobExecutor[]) {
    this.capacity = slots.length;
    this.idle = slots.map(() => true);
  }

  async submit(work: UnitWork, events: UnitEvents): Promise<UnitResult> {
    const i = this.idle.indexOf(true);
    if (i < 0) throw new Error('internal: more units submitted than the pool runs at once');
    this.idle[i] = false;
    try {
      return await this.slots[i]!.submit(work, events);
    } finally {
      this.idle[i] = true;
    }
  }

  cancel(): void {
    for (const s of this.slots) s.cancel();
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.close()));
  }
}

/** `--jobs N`: this process alone for 1, else this process and N − 1 worker processes. */
export function createExecutor(jobs: number, opts: ExecutorOptions): JobExecutor {
  const local = new InProcessExecutor(opts);
  if (jobs <= 1) return local;
  return new PoolExecutor([local, ...Array.from({ length: jobs - 1 }, () => new WorkerProcess(opts))]);
}
