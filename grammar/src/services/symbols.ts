// The symbol index of one file: which block declares each name and every place a name is referred to.
// Built from the AST alone (no analysis needed), so go-to-definition, references, rename, highlighting and
// completion work in files with errors. A name in a reference position is a reference exactly when the
// analysis would resolve it as one: model/data keys, task expressions, `from` and evaluate's run list.
import { findBlock } from '../catalogue/blocks.js';
import { findFunction } from '../catalogue/functions.js';
import type { ValueType } from '../catalogue/types.js';
import type { Block, BlockKind, Ident, Position, PtxFile, Range, Value } from '../syntax/ast.js';
import { rangeContains } from './lineIndex.js';

/** What a reference position expects. `run` is a pretrain, finetune or compare block. */
export type ExpectedKind = 'model' | 'data' | 'task' | 'run';

export interface Declaration {
  name: string;
  kind: BlockKind;
  block: Block;
  nameRange: Range;
}

export interface SymbolReference {
  name: string;
  range: Range;
  expected: ExpectedKind;
  /** The first declaration of that name, or null when nothing declares it. */
  target: Declaration | null;
}

export interface SymbolIndex {
  /** First declaration of each name (all blocks share one namespace). */
  declarations: Map<string, Declaration>;
  /** Every declaration, including duplicates, in source order. */
  all: Declaration[];
  references: SymbolReference[];
}

export const RUN_KINDS: readonly BlockKind[] = ['pretrain', 'finetune', 'compare'];

export function matchesExpected(kind: BlockKind, expected: ExpectedKind): boolean {
  return expected === 'run' ? RUN_KINDS.includes(kind) : kind === expected;
}

export interface Declarations {
  /** First declaration of each name (all blocks share one namespace). */
  declarations: Map<string, Declaration>;
  /** Every declaration, including duplicates, in source order. */
  all: Declaration[];
}

/** The declared names of a file: one pass over its blocks, no values visited. */
export function collectDeclarations(ast: PtxFile): Declarations {
  const declarations = new Map<string, Declaration>();
  const all: Declaration[] = [];
  for (const block of ast.blocks) {
    if (!block.name) continue;
    const d: Declaration = { name: block.name.text, kind: block.kind, block, nameRange: block.name.range };
    all.push(d);
    if (!declarations.has(d.name)) declarations.set(d.name, d);
  }
  return { declarations, all };
}

/** The references written inside one block. */
export function blockReferences(block: Block, declarations: Map<string, Declaration>): SymbolReference[] {
  const references: SymbolReference[] = [];
  const add = (id: Ident, expected: ExpectedKind): void => {
    references.push({ name: id.text, range: id.range, expected, target: declarations.get(id.text) ?? null });
  };
  const visitTask = (v: Value | null): void => {
    if (!v) return;
    if (v.kind === 'then') v.parts.forEach(visitTask);
    else if (v.kind === 'call') {
      const primitive = findFunction(v.name.text, 'primitive');
      const declared = declarations.has(v.name.text);
      // Same rule as the analysis: a declared name wins unless it is written as a primitive call.
      if ((declared && !(primitive && v.args !== null)) || (!declared && !primitive)) add(v.name, 'task');
    }
  };
  const visitTyped = (v: Value | null, t: ValueType): void => {
    if (!v) return;
    if (t.kind === 'ref' && v.kind === 'call' && v.args === null) add(v.name, t.target);
    else if (t.kind === 'task') visitTask(v);
    else if (t.kind === 'list' && v.kind === 'list') v.items.forEach((item) => visitTyped(item, t.of));
  };
  if (block.from) add(block.from, 'run');
  if (block.kind === 'task' || block.kind === 'finetune' || block.kind === 'compare') visitTask(block.target);
  if (block.kind === 'evaluate') {
    for (const item of block.runs?.items ?? []) if (item.kind === 'call' && item.args === null) add(item.name, 'run');
    if (block.target?.kind === 'list') block.target.items.forEach(visitTask);
    else visitTask(block.target);
  }
  const def = findBlock(block.kind);
  for (const entry of block.body?.entries ?? []) {
    const key = def?.keys.find((k) => k.name === entry.key.text);
    if (key) visitTyped(entry.value, key.type);
  }
  return references;
}

export function indexSymbols(ast: PtxFile, decls: Declarations = collectDeclarations(ast)): SymbolIndex {
  const references: SymbolReference[] = [];
  for (const block of ast.blocks) references.push(...blockReferences(block, decls.declarations));
  return { declarations: decls.declarations, all: decls.all, references };
}

export interface SymbolAt {
  name: string;
  range: Range;
  /** The declaration the name refers to (or declares), if any. */
  declaration: Declaration | null;
  isDeclaration: boolean;
}

/**
 * The declared name or reference under the cursor. Only the block under the cursor is visited, so this is
 * cheap on large files (hover and definition call it on every request).
 */
export function symbolAt(ast: PtxFile, decls: Declarations, p: Position): SymbolAt | undefined {
  const block = ast.blocks.find((b) => rangeContains(b.range, p));
  if (!block) return undefined;
  if (block.name && rangeContains(block.name.range, p)) {
    return { name: block.name.text, range: block.name.range, declaration: decls.declarations.get(block.name.text) ?? null, isDeclaration: true };
  }
  for (const r of blockReferences(block, decls.declarations)) {
    if (rangeContains(r.range, p)) return { name: r.name, range: r.range, declaration: r.target, isDeclaration: false };
  }
  return undefined;
}

/** Every occurrence of a name: its declarations (optionally) and its references. */
export function occurrences(index: SymbolIndex, name: string, includeDeclarations: boolean): Range[] {
  const out: Range[] = [];
  if (includeDeclarations) for (const d of index.all) if (d.name === name) out.push(d.nameRange);
  for (const r of index.references) if (r.name === name) out.push(r.range);
  return out;
}
