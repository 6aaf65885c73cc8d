// The PTX language server: wires the connection, the open documents and the features. The transport comes
// from the command line (`--node-ipc` from VS Code, `--stdio` from any other editor).
//
// Staying responsive: a document below BIG_DOCUMENT characters is served on this thread (its analysis
// takes a few milliseconds); a bigger one moves to a worker thread of its own (documentWorker.ts), which
// parses, analyses and answers every request about it, so a 1 MB paste never delays requests about other
// documents, and closing it terminates the worker and returns its memory. This thread keeps the text sync
// (applying edits is cheap), checks every request's params (params.ts) and routes it.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, createConnection, ProposedFeatures, ResponseError, TextDocuments, TextDocumentSyncKind, type Disposable, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_SETTINGS, parseSettings, type ServerContext } from './context.js';
import { DocumentStore } from './documentStore.js';
import { DocumentWorker } from './documentWorker.js';
import { registerFeatures, type ClientSettings } from './features/index.js';
import { collectSoon } from './memory.js';
import { SEMANTIC_LEGEND } from './features/semanticTokens.js';
import { checkParams, notificationProblem } from './params.js';
import { FeatureRegistry } from './registry.js';

/**
 * Documents of at least this many characters (~7,500 lines) are served by a worker thread. Below it a full
 * analysis (what renaming a block costs) takes tens of milliseconds, and serving the document here is
 * cheaper than the worker's two thread hops, which a loaded machine makes slow (one pair of bench runs at
 * load ~10 on 2 cores, the 5,000-line spec of 131 kB in a worker and then here: diagnostics p95 46 ms and
 * 21, completion p95 10 and 4; figures at that load vary up to 2× between runs).
 */
export const BIG_DOCUMENT = 192 * 1024;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const store = new DocumentStore();
const workers = new Map<string, DocumentWorker>();
const settings: ClientSettings = { snippetSupport: false, server: DEFAULT_SETTINGS };
const log = (message: string): void => connection.console.error(message);
const diagnosticsDocUrl = pathToFileURL(join(__dirname, '..', 'docs', 'diagnostics.md')).href;

/** Diagnostics are published only for the version the client has now (a worker's may be stale by then). */
const publish = (params: { uri: string; version?: number; diagnostics: unknown[] }): void => {
  const doc = documents.get(params.uri);
  if (params.version !== undefined && doc?.version !== params.version) return;
  void connection.sendDiagnostics(params as Parameters<typeof connection.sendDiagnostics>[0]);
};

const registry = new FeatureRegistry({
  log,
  // The local store's diagnostics, except the clearing of a document that just moved to a worker.
  publishDiagnostics: (params) => {
    if (!workers.has(params.uri)) publish(params);
  },
});
const ctx: ServerContext = {
  connection: registry,
  store,
  // dist/server.js → the extension's (or package's) docs/diagnostics.md.
  diagnosticsDocUrl,
  settings: () => settings.server,
};
registerFeatures(ctx, settings);

connection.onInitialize((params): InitializeResult => {
  settings.snippetSupport = params.capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
  settings.server = parseSettings(params.initializationOptions);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [':', '(', '[', ','], resolveProvider: false },
      hoverProvider: true,
      signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [':'] },
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true },
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'ptx-language-server', version: '0.1.0' },
  };
});

// Settings pushed by the client (client/src/settings.ts says which); hints are asked for again.
connection.onDidChangeConfiguration((change) => {
  settings.server = parseSettings((change.settings as { ptx?: unknown } | null | undefined)?.ptx);
  for (const w of workers.values()) w.settingsChanged();
  void connection.languages.inlayHint.refresh().catch(() => undefined);
});

documents.onDidChangeContent(({ document: doc }) => {
  const uri = doc.uri;
  const text = doc.getText();
  let w = workers.get(uri);
  if (!w && text.length >= BIG_DOCUMENT) {
    // Grown big: from now on (until it closes) the document lives in a worker.
    w = new DocumentWorker({ uri, diagnosticsDocUrl, settings: () => settings, onDiagnostics: publish, log });
    workers.set(uri, w);
    store.close(uri);
  }
  if (w) w.setText(doc.version, text);
  else store.set(uri, doc.version, text);
});

documents.onDidClose(({ document: doc }) => {
  const w = workers.get(doc.uri);
  if (!w) return store.close(doc.uri);
  workers.delete(doc.uri);
  w.dispose();
  void connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
  collectSoon();
});

// Every request: params checked, then answered by the document's worker or here. A feature's own failure
// is its empty answer (safe.ts); only deliberate errors (rename's "not a valid name") reach the client.
for (const [method, handler] of registry.requests) {
  connection.onRequest(method, async (params: unknown) => {
    const uri = checkParams(method, params);
    const w = workers.get(uri);
    if (w) return w.request(method, params);
    try {
      return handler(params as never) ?? null;
    } catch (err) {
      if (err instanceof ResponseError) throw err;
      log(`${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return null;
    }
  });
}

// The text sync, with malformed notifications dropped before the documents see them.
const checked =
  <P>(method: string, register: (h: (p: P) => void) => Disposable) =>
  (h: (p: P) => void): Disposable =>
    register((p) => {
      const problem = notificationProblem(method, p);
      if (problem) log(`${method} ignored: ${problem}`);
      else h(p);
    });
documents.listen({
  onDidOpenTextDocument: checked('textDocument/didOpen', (h) => connection.onDidOpenTextDocument(h)),
  onDidChangeTextDocument: checked('textDocument/didChange', (h) => connection.onDidChangeTextDocument(h)),
  onDidCloseTextDocument: checked('textDocument/didClose', (h) => connection.onDidCloseTextDocument(h)),
  onWillSaveTextDocument: checked('textDocument/willSave', (h) => connection.onWillSaveTextDocument(h)),
  onWillSaveTextDocumentWaitUntil: (h) => connection.onWillSaveTextDocumentWaitUntil(h),
  onDidSaveTextDocument: checked('textDocument/didSave', (h) => connection.onDidSaveTextDocument(h)),
});
connection.listen();
