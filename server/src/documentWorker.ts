// The main thread's side of a document worker (worker.ts): posts the document's versions (writing each
// version number to shared memory first, so the worker drops work for older ones without waiting for the
// message) and the requests about it, and hands back the answers and diagnostics. A worker that dies (out
// of memory, a crash) answers its pending requests with null; the next message starts a new one with the
// latest text.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ResponseError, type PublishDiagnosticsParams } from 'vscode-languageserver/node';
import type { ClientSettings } from './features/index.js';
import type { FromWorker, ToWorker, WorkerData } from './workerProtocol.js';

export interface DocumentWorkerOptions {
  uri: string;
  diagnosticsDocUrl: string;
  settings: () => ClientSettings;
  onDiagnostics: (params: PublishDiagnosticsParams) => void;
  log: (message: string) => void;
}

export class DocumentWorker {
  private worker: Worker | undefined;
  private readonly newest = new Int32Array(new SharedArrayBuffer(4));
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private nextId = 1;
  private latest: { version: number; text: string } | undefined;
  private disposed = false;

  constructor(private readonly options: DocumentWorkerOptions) {}

  setText(version: number, text: string): void {
    this.latest = { version, text };
    Atomics.store(this.newest, 0, version);
    if (this.disposed) return;
    if (this.worker) this.worker.postMessage({ type: 'text', version, text } satisfies ToWorker);
    else this.start();
  }

  settingsChanged(): void {
    if (this.worker) this.post({ type: 'settings', settings: this.options.settings() });
  }

  request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type: 'request', id, method, params });
    });
  }

  dispose(): void {
    this.disposed = true;
    const w = this.worker;
    this.worker = undefined;
    this.settle();
    if (w) void w.terminate();
  }

  private post(m: ToWorker): void {
    if (this.disposed) return;
    (this.worker ?? this.start()).postMessage(m);
  }

  private start(): Worker {
    const data: WorkerData = { uri: this.options.uri, diagnosticsDocUrl: this.options.diagnosticsDocUrl, settings: this.options.settings(), newest: this.newest.buffer as SharedArrayBuffer };
    // dist/server.js starts dist/server-worker.js beside it (scripts/build.mjs bundles both).
    const w = new Worker(join(__dirname, 'server-worker.js'), { workerData: data });
    this.worker = w;
    w.on('message', (m: FromWorker) => this.receive(m));
    w.on('error', (err) => this.options.log(`document worker for ${this.options.uri} failed: ${err.stack ?? err.message}`));
    w.on('exit', () => {
      if (this.worker !== w) return;
      // Died on its own: whatever it was asked is answered with nothing; the next version or request starts
      // a new one (not at once: a text that kills a worker would kill the next one too).
      this.worker = undefined;
      this.settle();
    });
    if (this.latest) w.postMessage({ type: 'text', ...this.latest } satisfies ToWorker);
    return w;
  }

  private settle(): void {
    for (const p of this.pending.values()) p.resolve(null);
    this.pending.clear();
  }

  private receive(m: FromWorker): void {
    // Messages already on their way when the document closed are about a document that is gone.
    if (this.disposed) return;
    switch (m.type) {
      case 'response': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if ('error' in m) p.reject(new ResponseError(m.error.code, m.error.message));
        else p.resolve(m.result);
        return;
      }
      case 'diagnostics':
        this.options.onDiagnostics(m.params);
        return;
      case 'log':
        this.options.log(m.message);
        return;
    }
  }
}
