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
  const methods = snap.analysis.methods;
  for (let i = 0; i < methods.length; i++) {
    const m = methods[i]!;
    if (!m.count || !inRange(m.range.end) || (m.point ?? 0) > 0) continue;
    const size = (n: number) => (n >= 1e5 ? formatCompact(n) : formatCount(n));
    // A sweep is one hint for all its grid points: the range of their counts.
    const points = methods.slice(i, i + (m.points ?? 1)).flatMap((p) => (p.count ? [p.count] : []));
    const lo = Math.min(...points.map((c) => c.total));
    const hi = Math.max(...points.map((c) => c.total));
    out.push({
      position: m.range.end,
      label: `${lo === hi ? size(lo) : `${size(lo)}–${size(hi)}`} params${m.points ? ` × ${m.points} configs` : ''}`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: `Trainable parameters: ${[...new Set(points.map((c) => c.formula))].join('; ')}`,
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
