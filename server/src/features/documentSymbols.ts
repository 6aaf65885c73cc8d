// The outline: one symbol per block (detail = its keyword, which the client's run commands use to pick
// blocks), with a finetune's method and a body's keys as children.
import { SymbolKind, type DocumentSymbol, type DocumentSymbolParams } from 'vscode-languageserver/node';
import type { Block } from '../../../grammar/src/index.js';
import type { ServerContext } from '../context.js';
import { safe } from '../safe.js';

const KIND: Record<Block['kind'], SymbolKind> = {
  data: SymbolKind.Struct,
  model: SymbolKind.Class,
  task: SymbolKind.Function,
  pretrain: SymbolKind.Event,
  finetune: SymbolKind.Event,
  compare: SymbolKind.Event,
  evaluate: SymbolKind.Event,
};

export function registerDocumentSymbols(ctx: ServerContext): void {
  ctx.connection.onDocumentSymbol(
    safe(ctx.connection, 'documentSymbol', [], (params: DocumentSymbolParams): DocumentSymbol[] => {
      const snap = ctx.store.get(params.textDocument.uri);
      if (!snap) return [];
      const { ast, blockNames } = snap.analysis;
      const out: DocumentSymbol[] = [];
      for (const b of ast.blocks) {
        const name = b.name?.text ?? blockNames.get(b) ?? b.kind;
        const children: DocumentSymbol[] = (b.body?.entries ?? []).map((e) => ({
          name: e.key.text,
          detail: e.value ? snap.text.slice(snap.lines.offsetAt(e.value.range.start), snap.lines.offsetAt(e.value.range.end)).slice(0, 80) : '',
          kind: SymbolKind.Property,
          range: e.range,
          selectionRange: e.key.range,
        }));
        out.push({ name, detail: b.kind, kind: KIND[b.kind], range: b.range, selectionRange: b.name?.range ?? b.keywordRange, children });
      }
      return out;
    }),
  );
}
