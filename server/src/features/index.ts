// Every feature, registered the same way on the main thread and in a document worker.
import type { ServerContext, ServerSettings } from '../context.js';
import { registerCodeActions } from './codeActions.js';
import { registerCodeLens } from './codeLens.js';
import { registerCompletion } from './completion.js';
import { registerDefinition } from './definition.js';
import { registerDiagnostics } from './diagnostics.js';
import { registerDocumentSymbols } from './documentSymbols.js';
import { registerFolding } from './folding.js';
import { registerFormatting } from './formatting.js';
import { registerHover } from './hover.js';
import { registerInlayHints } from './inlayHints.js';
import { registerReferences } from './references.js';
import { registerRename } from './rename.js';
import { registerSemanticTokens } from './semanticTokens.js';
import { registerSignatureHelp } from './signatureHelp.js';

/** What the client told the server (initialize, configuration changes); read on every request. */
export interface ClientSettings {
  snippetSupport: boolean;
  /** The `ptx.*` settings (context.ts). */
  server: ServerSettings;
}

export function registerFeatures(ctx: ServerContext, settings: ClientSettings): void {
  registerDiagnostics(ctx);
  registerCompletion(ctx, () => settings.snippetSupport);
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
}
