// Quick fixes: the ready-made fixes the analysis attaches to its diagnostics (switch a context method to
// LoRA of the same budget or to full fine-tuning, add the target task to pretraining, "did you mean",
// insert missing required keys). The server's own analysis of the current version is the source, so a
// client that does not send diagnostics' `data` back still gets the fixes.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { Diagnostic } from '../../../grammar/src/index.js';
import { comparePositions } from '../../../grammar/src/services/lineIndex.js';
import type { ServerContext } from '../context.js';
import { toLspDiagnostic } from '../convert.js';
import { safe } from '../safe.js';

function overlaps(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return comparePositions(a.start, b.end) <= 0 && comparePositions(b.start, a.end) <= 0;
}

export function registerCodeActions(ctx: ServerContext): void {
  ctx.connection.onCodeAction(
    safe(ctx.connection, 'codeAction', [], (params: CodeActionParams): CodeAction[] => {
      const snap = ctx.store.get(params.textDocument.uri);
      if (!snap) return [];
      const only = params.context.only;
      if (only && !only.some((k) => k === CodeActionKind.QuickFix || k === CodeActionKind.Empty || CodeActionKind.QuickFix.startsWith(`${k}.`))) return [];
      const actions: CodeAction[] = [];
      for (const d of snap.analysis.diagnostics) {
        if (!overlaps(d.range, params.range)) continue;
        const fixes = d.data?.fixes ?? [];
        if (fixes.length === 0) continue;
        const lsp: LspDiagnostic = toLspDiagnostic(d, ctx.diagnosticsDocUrl);
        for (const fix of fixes) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [lsp],
            isPreferred: fix.preferred === true,
            edit: { changes: { [params.textDocument.uri]: fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
          });
        }
      }
      return actions;
    }),
  );
}
