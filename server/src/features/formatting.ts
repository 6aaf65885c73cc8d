// Document formatting through the language's formatter (grammar/src/services/format.ts): idempotent,
// keeps comments, and leaves text it cannot lex untouched.
import type { DocumentFormattingParams, TextEdit } from 'vscode-languageserver/node';
import { formatText } from '../../../grammar/src/services/format.js';
import type { ServerContext } from '../context.js';
import { safe } from '../safe.js';

export function registerFormatting(ctx: ServerContext): void {
  ctx.connection.onDocumentFormatting(
    safe(ctx.connection, 'formatting', [], (params: DocumentFormattingParams): TextEdit[] => {
      const snap = ctx.store.get(params.textDocument.uri);
      if (!snap) return [];
      const formatted = formatText(snap.text, { indent: params.options.tabSize, useTabs: !params.options.insertSpaces });
      if (formatted === null || formatted === snap.text) return [];
      return [{ range: { start: { line: 0, character: 0 }, end: snap.lines.positionAt(snap.text.length) }, newText: formatted }];
    }),
  );
}
