// Code lenses that name client commands with [document URI, block name]: "Train" above pretrain and
// finetune blocks, "Evaluate" above evaluate blocks, "Compare" above compare blocks. The server never
// trains and does not read the results store: what a block's results are depends on its store key, which
// the runtime computes, so the VS Code client adds the result lenses ("✓ asc 99.6% · 6 s", "stale",
// "Show attention") from `ptx report --json` (client/src/results/).
import type { CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import type { ServerContext } from '../context.js';
import { safe } from '../safe.js';

export const LENS_COMMANDS = { train: 'ptx.train', evaluate: 'ptx.evaluate', compare: 'ptx.compare' } as const;

export function registerCodeLens(ctx: ServerContext): void {
  ctx.connection.onCodeLens(
    safe(ctx.connection, 'codeLens', [], (params: CodeLensParams): CodeLens[] => {
      const snap = ctx.store.get(params.textDocument.uri);
      if (!snap) return [];
      const uri = params.textDocument.uri;
      const { ast, blockNames } = snap.analysis;
      const lenses: CodeLens[] = [];
      for (const b of ast.blocks) {
        const name = b.name?.text ?? blockNames.get(b);
        if (!name) continue;
        const range = { start: b.keywordRange.start, end: b.keywordRange.start };
        const lens = (title: string, command: string): void => {
          lenses.push({ range, command: { title, command, arguments: [uri, name] } });
        };
        if (b.kind === 'pretrain' || b.kind === 'finetune') lens('▷ Train', LENS_COMMANDS.train);
        else if (b.kind === 'evaluate') lens('▷ Evaluate', LENS_COMMANDS.evaluate);
        else if (b.kind === 'compare') lens('▷ Compare', LENS_COMMANDS.compare);
      }
      return lenses;
    }),
  );
}
