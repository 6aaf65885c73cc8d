// Find references (and document highlights): every place a declared name is used, optionally with its
// declarations.
import { DocumentHighlightKind, type DocumentHighlight, type DocumentHighlightParams, type Location, type ReferenceParams } from 'vscode-languageserver/node';
import { occurrences, symbolAt } from '../../../grammar/src/services/symbols.js';
import type { ServerContext } from '../context.js';
import { safe } from '../safe.js';

export function registerReferences(ctx: ServerContext): void {
  ctx.connection.onReferences(
    safe(ctx.connection, 'references', [], (params: ReferenceParams): Location[] => {
      const snap = ctx.store.get(params.textDocument.uri);
      if (!snap) return [];
      const sym = symbolAt(snap.ast, snap.declarations, params.position);
      if (!sym) return [];
      return occurrences(snap.symbols, sym.name, params.context.includeDeclaration).map((range) => ({ uri: params.textDocument.uri, range }));
    }),
  );
  ctx.connection.onDocumentHighlight(
    safe(ctx.connection, 'documentHighlight', [], (params: DocumentHighlightParams): DocumentHighlight[] => {
      const snap = ctx.store.get(params.textDocument.uri);
      if (!snap) return [];
      const sym = symbolAt(snap.ast, snap.declarations, params.position);
      if (!sym) return [];
      const decls = new Set(snap.symbols.all.filter((d) => d.name === sym.name).map((d) => d.nameRange));
      return occurrences(snap.symbols, sym.name, true).map((range) => ({ range, kind: decls.has(range) ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }));
    }),
  );
}
