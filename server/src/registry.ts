// Where the feature modules register their request handlers: by LSP method, with the names and shapes of
// vscode-languageserver's Connection (`onHover`, `languages.inlayHint.on`, `console.error`,
// `sendDiagnostics`), so the features are written as against a connection. The same modules run on the
// main thread, for small documents, and in a big document's worker thread (worker.ts); the main thread
// routes every request to one or the other (main.ts), which a handler registered straight on the
// connection would not allow.
import type { PublishDiagnosticsParams } from 'vscode-languageserver/node';

/** A feature's request handler (params already checked by the router: see params.ts). */
export type Handler<P> = (params: P) => unknown;

/** Where a registry's log lines and diagnostics go (the connection, or the worker's port). */
export interface RegistrySink {
  log(message: string): void;
  publishDiagnostics(params: PublishDiagnosticsParams): void;
}

export class FeatureRegistry {
  /** Handlers by LSP request method. */
  readonly requests = new Map<string, Handler<never>>();
  readonly console: { error(message: string): void };
  readonly languages = {
    inlayHint: { on: <P>(h: Handler<P>): void => this.on('textDocument/inlayHint', h) },
    semanticTokens: { on: <P>(h: Handler<P>): void => this.on('textDocument/semanticTokens/full', h) },
  };

  constructor(private readonly sink: RegistrySink) {
    this.console = { error: (message) => sink.log(message) };
  }

  sendDiagnostics(params: PublishDiagnosticsParams): Promise<void> {
    this.sink.publishDiagnostics(params);
    return Promise.resolve();
  }

  private on<P>(method: string, h: Handler<P>): void {
    this.requests.set(method, h as Handler<never>);
  }

  onCompletion<P>(h: Handler<P>): void {
    this.on('textDocument/completion', h);
  }
  onHover<P>(h: Handler<P>): void {
    this.on('textDocument/hover', h);
  }
  onSignatureHelp<P>(h: Handler<P>): void {
    this.on('textDocument/signatureHelp', h);
  }
  onDefinition<P>(h: Handler<P>): void {
    this.on('textDocument/definition', h);
  }
  onReferences<P>(h: Handler<P>): void {
    this.on('textDocument/references', h);
  }
  onDocumentHighlight<P>(h: Handler<P>): void {
    this.on('textDocument/documentHighlight', h);
  }
  onPrepareRename<P>(h: Handler<P>): void {
    this.on('textDocument/prepareRename', h);
  }
  onRenameRequest<P>(h: Handler<P>): void {
    this.on('textDocument/rename', h);
  }
  onDocumentSymbol<P>(h: Handler<P>): void {
    this.on('textDocument/documentSymbol', h);
  }
  onFoldingRanges<P>(h: Handler<P>): void {
    this.on('textDocument/foldingRange', h);
  }
  onDocumentFormatting<P>(h: Handler<P>): void {
    this.on('textDocument/formatting', h);
  }
  onCodeAction<P>(h: Handler<P>): void {
    this.on('textDocument/codeAction', h);
  }
  onCodeLens<P>(h: Handler<P>): void {
    this.on('textDocument/codeLens', h);
  }
}
