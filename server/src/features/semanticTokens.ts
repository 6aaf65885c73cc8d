// Semantic tokens: what TextMate cannot know. Declared names and references coloured by what they name
// (model, data, task, run), keys as properties, built-in primitives/methods/optimizers as default-library
// functions, argument names as parameters, enum words as enum members.
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend, type SemanticTokensParams } from 'vscode-languageserver/node';
import { findBlock, type Block, type BlockKind, type Range, type Value, type ValueType } from '../../../grammar/src/index.js';
import { functionFor, paramOf } from '../../../grammar/src/services/nodeAt.js';
import type { ExpectedValue } from '../../../grammar/src/services/completionContext.js';
import type { ServerContext } from '../context.js';
import { safe } from '../safe.js';

const TYPES = ['keyword', 'class', 'struct', 'function', 'method', 'variable', 'property', 'parameter', 'enumMember'] as const;
const MODIFIERS = ['declaration', 'defaultLibrary'] as const;
type TokenType = (typeof TYPES)[number];

export const SEMANTIC_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

const KIND_TYPE: Record<BlockKind, TokenType> = {
  model: 'class',
  data: 'struct',
  task: 'function',
  pretrain: 'variable',
  finetune: 'variable',
  compare: 'variable',
  evaluate: 'variable',
};

interface Tok {
  line: number;
  char: number;
  length: number;
  type: number;
  mods: number;
}

export function semanticTokens(ast: { blocks: Block[] }, symbols: import('../../../grammar/src/services/symbols.js').SymbolIndex): Tok[] {
  const out = new Map<string, Tok>();
  const add = (r: Range, type: TokenType, mods: Array<(typeof MODIFIERS)[number]> = []): void => {
    if (r.end.line !== r.start.line || r.end.character <= r.start.character) return;
    const key = `${r.start.line}:${r.start.character}`;
    if (out.has(key)) return;
    out.set(key, { line: r.start.line, char: r.start.character, length: r.end.character - r.start.character, type: TYPES.indexOf(type), mods: mods.reduce((m, x) => m | (1 << MODIFIERS.indexOf(x)), 0) });
  };
  // Names first, so a reference is coloured by what it names rather than as a plain word.
  for (const d of symbols.all) add(d.nameRange, KIND_TYPE[d.kind], ['declaration']);
  for (const r of symbols.references) if (r.target) add(r.range, KIND_TYPE[r.target.kind]);

  const value = (v: Value | null, expected: ExpectedValue | null): void => {
    if (!v) return;
    if (v.kind === 'list') v.items.forEach((i) => value(i, expected?.kind === 'list' ? expected.of : null));
    else if (v.kind === 'then') v.parts.forEach((p) => value(p, { kind: 'task' }));
    else if (v.kind === 'call') {
      const fn = functionFor(v, expected);
      if (fn) add(v.name.range, fn.category === 'method' ? 'method' : 'function', ['defaultLibrary']);
      else if (expected?.kind === 'enum' || expected?.kind === 'bool') add(v.name.range, 'enumMember');
      for (const a of v.args ?? []) {
        const p = paramOf(fn, v, a);
        if (a.key) add(a.key.range, 'parameter');
        value(a.value, (p?.type as ValueType | undefined) ?? null);
      }
    }
  };
  for (const b of ast.blocks) {
    add(b.keywordRange, 'keyword');
    const def = findBlock(b.kind);
    value(b.target, b.kind === 'evaluate' && b.target?.kind === 'list' ? { kind: 'list', of: { kind: 'task' } } : { kind: 'task' });
    for (const e of b.body?.entries ?? []) {
      const key = def?.keys.find((k) => k.name === e.key.text);
      add(e.key.range, 'property');
      value(e.value, key?.type ?? null);
    }
  }
  return [...out.values()].sort((a, b) => a.line - b.line || a.char - b.char);
}

export function registerSemanticTokens(ctx: ServerContext): void {
  ctx.connection.languages.semanticTokens.on(
    safe(ctx.connection, 'semanticTokens', { data: [] }, (params: SemanticTokensParams): SemanticTokens => {
      const snap = ctx.store.get(params.textDocument.uri);
      if (!snap) return { data: [] };
      const builder = new SemanticTokensBuilder();
      for (const t of semanticTokens(snap.ast, snap.symbols)) builder.push(t.line, t.char, t.length, t.type, t.mods);
      return builder.build();
    }),
  );
}
