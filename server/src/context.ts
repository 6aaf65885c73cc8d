// What every feature module gets: the connection, the open documents, and where the docs live.
import type { Connection } from 'vscode-languageserver/node';
import type { DocumentStore } from './documentStore.js';

export interface ServerContext {
  connection: Connection;
  store: DocumentStore;
  /** file: URL of docs/diagnostics.md, the target of every diagnostic's codeDescription. */
  diagnosticsDocUrl: string;
  /** Folder where run results are stored, relative to a spec's folder (the `ptx.storeDirectory` setting). */
  storeDirectory: () => string;
}
