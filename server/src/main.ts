// The PTX language server: wires the connection, the open documents and one module per feature. The
// transport comes from the command line (`--node-ipc` from VS Code, `--stdio` from any other editor).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, createConnection, ProposedFeatures, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS, parseSettings, type ServerContext, type ServerSettings } from './context.js';
import { DocumentStore } from './documentStore.js';
import { registerCodeActions } from './features/codeActions.js';
import { registerCodeLens } from './features/codeLens.js';
import { registerCompletion } from './features/completion.js';
import { registerDefinition } from './features/definition.js';
import { registerDiagnostics } from './features/diagnostics.js';
import { registerDocumentSymbols } from './features/documentSymbols.js';
import { registerFolding } from './features/folding.js';
import { registerFormatting } from './features/formatting.js';
import { registerHover } from './features/hover.js';
import { registerInlayHints } from './features/inlayHints.js';
import { registerReferences } from './features/references.js';
import { registerRename } from './features/rename.js';
import { registerSemanticTokens, SEMANTIC_LEGEND } from './features/semanticTokens.js';
import { registerSignatureHelp } from './features/signatureHelp.js';

const connection = createConnection(ProposedFeatures.all);
const store = new DocumentStore();
let snippetSupport = false;
let settings: ServerSettings = DEFAULT_SETTINGS;

const ctx: ServerContext = {
  connection,
  store,
  // dist/server.js → the extension's (or package's) docs/diagnostics.md.
  diagnosticsDocUrl: pathToFileURL(join(__dirname, '..', 'docs', 'diagnostics.md')).href,
  settings: () => settings,
};

connection.onInitialize((params): InitializeResult => {
  snippetSupport = params.capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
  settings = parseSettings(params.initializationOptions);
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

// Settings pushed by the client (`synchronize.configurationSection: 'ptx'`); hints are asked for again.
connection.onDidChangeConfiguration((change) => {
  settings = parseSettings((change.settings as { ptx?: unknown } | undefined)?.ptx);
  void connection.languages.inlayHint.refresh().catch(() => undefined);
});

registerDiagnostics(ctx);
registerCompletion(ctx, () => snippetSupport);
registerHover(ctx);
registerSignatureHelp(ctx);
registerDefinition(ctx);
registerReferences(ctx);
registerRename(ctx);
registerDocumentSymbols(ctx);
registerFolding(ctx);
registerSemanticTokens(ctx);
registerFormatting(ctx);
registerCodeActions(ctx);
registerInlayHints(ctx);
registerCodeLens(ctx);

store.documents.listen(connection);
connection.listen();
