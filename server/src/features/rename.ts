// Rename a declared name everywhere it is used. prepareRename refuses keywords, built-in names (primitives,
// methods, optimizers, enum values, keys) and names that no block declares; the new name must be an
// identifier that is not a keyword and not already declared.
import { ResponseError, type PrepareRenameParams, type Range, type RenameParams, type WorkspaceEdit } from 'vscode-languageserver/node';
import { occurrences, symbolAt } from '../../../grammar/src/services/symbols.js';
import type { ServerContext } from '../context.js';
import type { Snapshot } from '../documentStore.js';

const KEYWORDS = new Set(['data', 'model', 'task', 'pretrain', 'finetune', 'compare', 'evaluate', 'from', 'on', 'then']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function target(snap: Snapshot, position: { line: number; character: number }): { name: string; range: Range } {
  const sym = symbolAt(snap.ast, snap.declarations, position);
  if (!sym || !sym.declaration) throw new ResponseError(0, 'Only names declared in this file (data, model, task and run blocks) can be renamed; keywords and built-in names cannot.');
  return { name: sym.name, range: sym.range };
}

export function registerRename(ctx: ServerContext): void {
  ctx.connection.onPrepareRename((params: PrepareRenameParams) => {
    const snap = ctx.store.get(params.textDocument.uri);
    if (!snap) return null;
    const t = target(snap, params.position);
    return { range: t.range, placeholder: t.name };
  });
  ctx.connection.onRenameRequest((params: RenameParams): WorkspaceEdit | null => {
    const snap = ctx.store.get(params.textDocument.uri);
    if (!snap) return null;
    const t = target(snap, params.position);
    const newName = params.newName.trim();
    if (!IDENT.test(newName)) throw new ResponseError(0, `'${newName}' is not a valid name (letters, digits and '_', not starting with a digit).`);
    if (KEYWORDS.has(newName)) throw new ResponseError(0, `'${newName}' is a keyword.`);
    if (newName !== t.name && snap.declarations.declarations.has(newName)) throw new ResponseError(0, `'${newName}' is already declared in this file.`);
    const edits = occurrences(snap.symbols, t.name, true).map((range) => ({ range, newText: newName }));
    return { changes: { [params.textDocument.uri]: edits } };
  });
}
