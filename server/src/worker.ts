// A document worker: one big document's text, snapshots and analysis, and every feature, in a thread of its
// own, so analysing it never delays requests about other documents (and a newer version of it, announced
// through shared memory, makes the analysis of an older one stop at the next step). The main thread owns
// the LSP connection and posts the document's versions and the requests about it (documentWorker.ts);
// terminating the worker when the document closes returns all of its memory.
import { parentPort, workerData } from 'node:worker_threads';
import { ResponseError } from 'vscode-languageserver/node';
import { DocumentStore } from './documentStore.js';
import { registerFeatures, type ClientSettings } from './features/index.js';
import { FeatureRegistry } from './registry.js';
import type { FromWorker, ToWorker, WorkerData } from './workerProtocol.js';

const port = parentPort!;
const data = workerData as WorkerData;
const newest = new Int32Array(data.newest);
const post = (m: FromWorker): void => port.postMessage(m);
const settings: ClientSettings = { ...data.settings };
const store = new DocumentStore((uri) => (uri === data.uri ? Atomics.load(newest, 0) : undefined));
const registry = new FeatureRegistry({
  log: (message) => post({ type: 'log', message }),
  publishDiagnostics: (params) => post({ type: 'diagnostics', params }),
});
registerFeatures({ connection: registry, store, diagnosticsDocUrl: data.diagnosticsDocUrl, settings: () => settings.server }, settings);

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'text':
      store.set(data.uri, m.version, m.text);
      return;
    case 'settings':
      Object.assign(settings, m.settings);
      return;
    case 'request': {
      const handler = registry.requests.get(m.method);
      try {
        post({ type: 'response', id: m.id, result: handler ? (handler(m.params as never) ?? null) : null });
      } catch (err) {
        if (err instanceof ResponseError) {
          post({ type: 'response', id: m.id, error: { code: err.code, message: err.message } });
        } else {
          post({ type: 'log', message: `${m.method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` });
          post({ type: 'response', id: m.id, result: null });
        }
      }
      return;
    }
  }
});
