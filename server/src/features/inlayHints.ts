// Inlay hints: the trainable-parameter count beside every finetune and compare method, and after each
// block the values it gets by default (the keys it does not write).
import { InlayHintKind, type InlayHint, type InlayHintParams } from 'vscode-languageserver/node';
import { BLOCKS, formatCompact, formatCount, formatDefault } from '../../../grammar/src/index.js';
import { comparePositions } from '../../../grammar/src/services/lineIndex.js';
import type { ServerContext } from '../context.js';
import type { Snapshot } from '../documentStore.js';
import { safe } from '../safe.js';

export function inlayHints(snap: Snapshot, range: InlayHintParams['range']): InlayHint[] {
  const inRange = (p: { line: number; character: number }): boolean => comparePositions(range.start, p) <= 0 && comparePositions(p, range.end) <= 0;
  const out: InlayHint[] = [];
  for (const m of snap.analysis.methods) {
    if (!m.count || !inRange(m.range.end)) continue;
    out.push({
      position: m.range.end,
      label: `${m.count.total >= 1e5 ? formatCompact(m.count.total) : formatCount(m.count.total)} params`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: `Trainable parameters: ${m.count.formula}`,
    });
  }
  for (const b of snap.analysis.ast.blocks) {
    if (!b.body || !b.body.closed || !inRange(b.body.range.end)) continue;
    const def = BLOCKS.find((d) => d.keyword === b.kind);
    const written = new Set(b.body.entries.map((e) => e.key.text));
    const defaults = (def?.keys ?? [])
      .filter((k) => !written.has(k.name) && k.default !== undefined)
      .map((k) => `${k.name}: ${formatDefault(k.default)}`);
    if (defaults.length === 0) continue;
    // At most three in the text (a hint must not crowd the code); all of them in the tooltip.
    const shown = defaults.slice(0, 3).join(' · ') + (defaults.length > 3 ? ` · +${defaults.length - 3}` : '');
    out.push({ position: b.body.range.end, label: `defaults: ${shown}`, kind: InlayHintKind.Parameter, paddingLeft: true, tooltip: `Values taken by default:\n${defaults.join('\n')}` });
  }
  return out;
}

export function registerInlayHints(ctx: ServerContext): void {
  ctx.connection.languages.inlayHint.on(
    safe(ctx.connection, 'inlayHint', [], (params: InlayHintParams): InlayHint[] => {
      const snap = ctx.store.get(params.textDocument.uri);
      return snap ? inlayHints(snap, params.range) : [];
    }),
  );
}
