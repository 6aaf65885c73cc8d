// Messages between the main thread and a document worker (documentWorker.ts ↔ worker.ts).
import type { PublishDiagnosticsParams } from 'vscode-languageserver/node';
import type { ClientSettings } from './features/index.js';

export interface WorkerData {
  uri: string;
  diagnosticsDocUrl: string;
  settings: ClientSettings;
  /** Int32Array[1]: the newest version of the document, written by the main thread before it posts it. */
  newest: SharedArrayBuffer;
}

export type ToWorker =
  | { type: 'text'; version: number; text: string }
  | { type: 'settings'; settings: ClientSettings }
  | { type: 'request'; id: number; method: string; params: unknown };

export type FromWorker =
  | { type: 'response'; id: number; result: unknown }
  /** A ResponseError a feature threw on purpose (rename's "not a valid name"): passed on as it is. */
  | { type: 'response'; id: number; error: { code: number; message: string } }
  | { type: 'diagnostics'; params: PublishDiagnosticsParams }
  | { type: 'log'; message: string };
