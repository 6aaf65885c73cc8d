// Folding ranges: block bodies, multi-line lists and argument lists, and runs of comments.
import { FoldingRangeKind, type FoldingRange, type FoldingRangeParams } from 'vscode-languageserver/node';
import type { Range, Value } from '../../../grammar/src/index.js';
import type { ServerContext } from '../context.js';
import { safe } from '../safe.js';

function multiLine(r: Range): boolean {
  return r.end.line > r.start.line;
}

function valueFolds(v: Value | null, out: FoldingRange[]): void {
  if (!v) return;
  if (v.kind === 'list') {
    if (multiLine(v.range)) out.push({ startLine: v.range.start.line, endLine: v.range.end.line - 1 });
    v.items.forEach((i) => valueFolds(i, out));
  } else if (v.kind === 'then') v.parts.forEach((p) => valueFolds(p, out));
  else if (v.kind === 'call' && v.argsRange && multiLine(v.argsRange)) {
    out.push({ startLine: v.argsRange.start.line, endLine: v.argsRange.end.line - 1 });
    v.args?.forEach((a) => valueFolds(a.value, out));
  }
}

export function registerFolding(ctx: ServerContext): void {
  ctx.connection.onFoldingRanges(
    safe(ctx.connection, 'foldingRange', [], (params: FoldingRangeParams): FoldingRange[] => {
      const snap = ctx.store.get(params.textDocument.uri);
      if (!snap) return [];
      const ast = snap.ast;
      const out: FoldingRange[] = [];
      for (const b of ast.blocks) {
        // Keep the closing brace visible: fold up to the line before it when it sits on its own line.
        if (b.body && multiLine(b.body.range)) out.push({ startLine: b.body.range.start.line, endLine: b.body.closed ? b.body.range.end.line - 1 : b.body.range.end.line });
        for (const e of b.body?.entries ?? []) valueFolds(e.value, out);
        valueFolds(b.target, out);
      }
      // Consecutive line comments, and multi-line block comments.
      let run: { start: number; end: number } | undefined;
      for (const c of ast.comments) {
        if (c.text.startsWith('/*')) {
          if (multiLine(c.range)) out.push({ startLine: c.range.start.line, endLine: c.range.end.line, kind: FoldingRangeKind.Comment });
          continue;
        }
        // A comment after code on its line is not part of a foldable comment run.
        if (snap.lines.lineText(c.range.start.line).slice(0, c.range.start.character).trim() !== '') continue;
        if (run && c.range.start.line === run.end + 1) run.end = c.range.start.line;
        else {
          if (run && run.end > run.start) out.push({ startLine: run.start, endLine: run.end, kind: FoldingRangeKind.Comment });
          run = { start: c.range.start.line, end: c.range.start.line };
        }
      }
      if (run && run.end > run.start) out.push({ startLine: run.start, endLine: run.end, kind: FoldingRangeKind.Comment });
      return out.filter((f) => f.endLine > f.startLine);
    }),
  );
}
