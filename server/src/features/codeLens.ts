// Code lenses that name client commands with [document URI, block name]: "Train" above pretrain and
// finetune blocks, "Evaluate" above evaluate blocks, "Compare" above compare blocks, and "Show attention"
// above blocks whose runs have attention results in the store. The server never trains.
import type { CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import type { ServerContext } from '../context.js';
import { runsWithAttention, storeFolder } from '../runResults.js';
import { safe } from '../safe.js';

export const LENS_COMMANDS = { train: 'ptx.train', evaluate: 'ptx.evaluate', compare: 'ptx.compare', showAttention: 'ptx.showAttention' } as const;

export function registerCodeLens(ctx: ServerContext, workspaceFolders: () => string[]): void {
  ctx.connection.onCodeLens(
    safe(ctx.connection, 'codeLens', [], (params: CodeLensParams): CodeLens[] => {
      const snap = ctx.store.get(params.textDocument.uri);
      if (!snap) return [];
      const uri = params.textDocument.uri;
      const { ast, blockNames, spec } = snap.analysis;
      const store = storeFolder(uri, ctx.storeDirectory(), workspaceFolders());
      const withAttention = store ? runsWithAttention(store) : new Set<string>();
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
        else continue;
        const runs = b.kind === 'evaluate' ? (spec.evaluates.get(name)?.runs ?? []) : b.kind === 'compare' ? (spec.compares.get(name)?.runs.map((r) => r.name) ?? []) : [name];
        if (runs.some((r) => withAttention.has(r))) lens('Show attention', LENS_COMMANDS.showAttention);
      }
      return lenses;
    }),
  );
}
