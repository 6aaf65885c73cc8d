// Inlay hints, each kind behind its own setting (`ptx.inlayHints.*`): the trainable-parameter count beside
// every finetune and compare method (on by default; a sweep gets one hint with the range over its grid), and the values a block takes by default (off by
// default; "collapsed" shows how many with the list in the tooltip, "all" lists them). A hint never moves
// code that follows it on its line: a method followed by more entries (keys aligned in columns) gets its
// count at the end of the line instead.
import { InlayHintKind, type InlayHint, type InlayHintParams } from 'vscode-languageserver/node';
import { BLOCKS, formatCompact, formatCount, formatDefault } from '../../../grammar/src/index.js';
import { comparePositions } from '../../../grammar/src/services/lineIndex.js';
import { DEFAULT_SETTINGS, type ServerContext, type ServerSettings } from '../context.js';
import type { Snapshot } from '../documentStore.js';
import { safe } from '../safe.js';

export function inlayHints(snap: Snapshot, range: InlayHintParams['range'], settings: ServerSettings = DEFAULT_SETTINGS): InlayHint[] {
  const inRange = (p: { line: number; character: number }): boolean => comparePositions(range.start, p) <= 0 && comparePositions(p, range.end) <= 0;
  const out: InlayHint[] = [];
  if (settings.parameterCounts) {
    const methods = snap.analysis.methods;
    for (let i = 0; i < methods.length; i++) {
      const m = methods[i]!;
      if (!m.count || !inRange(m.range.end) || (m.point ?? 0) > 0) continue;
      const size = (n: number) => (n >= 1e5 ? formatCompact(n) : formatCount(n));
      // A sweep is one hint for all its grid points: the range of their counts.
      const points = methods.slice(i, i + (m.points ?? 1)).flatMap((p) => (p.count ? [p.count] : []));
      const lo = Math.min(...points.map((c) => c.total));
      const hi = Math.max(...points.map((c) => c.total));
      const end = m.range.end;
      const line = snap.lines.lineText(end.line).replace(/\r?\n$/, '');
      const rest = line.slice(end.character);
      // Only a comment or spaces after the method: the hint goes right after it; otherwise at the line end.
      const position = /^\s*(#.*)?$/.test(rest) || rest.trimStart().startsWith('}') ? end : { line: end.line, character: line.trimEnd().length };
      out.push({
        position,
        label: `${lo === hi ? size(lo) : `${size(lo)}–${size(hi)}`} params${m.points ? ` × ${m.points} configs` : ''}`,
        kind: InlayHintKind.Type,
        paddingLeft: true,
        tooltip: `Trainable parameters: ${[...new Set(points.map((c) => c.formula))].join('; ')}`,
      });
    }
  }
  if (settings.defaults !== 'off') {
    for (const b of snap.analysis.ast.blocks) {
      if (!b.body || !b.body.closed || !inRange(b.body.range.end)) continue;
      const def = BLOCKS.find((d) => d.keyword === b.kind);
      const written = new Set(b.body.entries.map((e) => e.key.text));
      const defaults = (def?.keys ?? []).filter((k) => !written.has(k.name) && k.default !== undefined).map((k) => `${k.name}: ${formatDefault(k.default)}`);
      if (defaults.length === 0) continue;
      const label = settings.defaults === 'all' ? `defaults: ${defaults.join(' · ')}` : `+${defaults.length} default${defaults.length === 1 ? '' : 's'}`;
      out.push({ position: b.body.range.end, label, kind: InlayHintKind.Parameter, paddingLeft: true, tooltip: `Values taken by default:\n${defaults.join('\n')}` });
    }
  }
  return out;
}

export function registerInlayHints(ctx: ServerContext): void {
  ctx.connection.languages.inlayHint.on(
    safe(ctx.connection, 'inlayHint', [], (params: InlayHintParams): InlayHint[] => {
      const snap = ctx.store.get(params.textDocument.uri);
      return snap ? inlayHints(snap, params.range, ctx.settings()) : [];
    }),
  );
}
