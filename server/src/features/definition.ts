// Go to definition: from a reference (or a declaration) to the block that declares the name.
import type { DefinitionParams, Location } from 'vscode-languageserver/node';
import { symbolAt } from '../../../grammar/src/services/symbols.js';
import type { ServerContext } from '../context.js';
import { safe } from '../safe.js';

export function registerDefinition(ctx: ServerContext): void {
  ctx.connection.onDefinition(
    safe(ctx.connection, 'definition', null, (params: DefinitionParams): Location | null => {
      const snap = ctx.store.get(params.textDocument.uri);
      if (!snap) return null;
      const sym = symbolAt(snap.ast, snap.declarations, params.position);
      if (!sym?.declaration) return null;
      return { uri: params.textDocument.uri, range: sym.declaration.nameRange };
    }),
  );
}
