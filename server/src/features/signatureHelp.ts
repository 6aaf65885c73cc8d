// Signature help inside the parentheses of a primitive, method or optimizer call.
import { MarkupKind, type SignatureHelp, type SignatureHelpParams } from 'vscode-languageserver/node';
import { describeType, formatDefault } from '../../../grammar/src/index.js';
import { completionSite } from '../../../grammar/src/services/completionContext.js';
import type { ServerContext } from '../context.js';
import { safe } from '../safe.js';
import { functionSignature } from './completion.js';

export function registerSignatureHelp(ctx: ServerContext): void {
  ctx.connection.onSignatureHelp(
    safe(ctx.connection, 'signatureHelp', null, (params: SignatureHelpParams): SignatureHelp | null => {
      const snap = ctx.store.get(params.textDocument.uri);
      if (!snap) return null;
      const site = completionSite(snap.text, snap.lines.offsetAt(params.position), snap.ast, snap.lines);
      if (!site.call) return null;
      const fn = site.call.fn;
      const label = functionSignature(fn);
      // Parameter labels as [start, end) offsets into the signature label, so clients highlight exactly.
      let cursor = fn.name.length + 1;
      const parameters = fn.params.map((p) => {
        const text = `${p.name}${p.default !== undefined ? ` = ${formatDefault(p.default)}` : ''}`;
        const start = label.indexOf(text, cursor);
        cursor = start + text.length;
        return { label: [start, start + text.length] as [number, number], documentation: { kind: MarkupKind.Markdown, value: `${p.doc} (${describeType(p.type)})` } };
      });
      return {
        signatures: [{ label, documentation: { kind: MarkupKind.Markdown, value: fn.doc }, parameters }],
        activeSignature: 0,
        activeParameter: site.call.activeParameter,
      };
    }),
  );
}
