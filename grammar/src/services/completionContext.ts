// Where the cursor is, for completion and signature help: at the top level, in a block header, at a key,
// at a value of a known type, or inside a call's arguments. Robust to broken text: it re-lexes only the
// current top-level block up to the cursor and tracks brackets, so unfinished input still answers.
import type { IToken } from 'chevrotain';
import { findBlock } from '../catalogue/blocks.js';
import { findFunction } from '../catalogue/functions.js';
import type { BlockKeyword, FunctionDef, ParamDef, ValueType } from '../catalogue/types.js';
import type { Block, BlockKind, PtxFile } from '../syntax/ast.js';
import { ptxLexer } from '../syntax/tokens.js';
import type { LineIndex } from './lineIndex.js';

/** The type expected at a value position; `runs` is a run name (pretrain, finetune or compare). */
export type ExpectedValue = ValueType | { kind: 'runs' };

export type CursorContext =
  /** Between blocks: block keywords; `then` too right after a task declaration's value. */
  | { kind: 'top'; allowThen: boolean }
  /** In a block header at the given slot. */
  | { kind: 'header'; block: BlockKind; slot: 'name' | 'from-keyword' | 'on-keyword' }
  /** At the start of an entry in a block body: the keys the block accepts and has not got yet. */
  | { kind: 'key'; block: BlockKeyword; present: string[]; afterValue: ExpectedValue | null }
  /** Where a value of this type goes. `inList`: inside the brackets of a list of such values. */
  | { kind: 'value'; expected: ExpectedValue; inList: boolean; owner: ParamDef | null }
  /** At an argument of a call: parameter names not given yet, and values for the next positional one. */
  | { kind: 'argument'; fn: FunctionDef; present: string[]; positional: ParamDef | null }
  | { kind: 'none' };

export interface CompletionSite {
  context: CursorContext;
  /** The partial word before the cursor (replaced by the completion). */
  prefix: string;
  /** Offset where the partial word starts. */
  wordStart: number;
  /** The innermost call whose argument list holds the cursor, for signature help. */
  call: { fn: FunctionDef; activeParameter: number } | null;
}

type Frame =
  | { open: '{'; block: BlockKeyword; key: string | null; keyType: ExpectedValue | null }
  | { open: '('; fn: FunctionDef | null; param: ParamDef | null; named: string[]; positional: number; sawColon: boolean }
  | { open: '['; item: ExpectedValue | null; owner: ParamDef | null };

const WORD = /[A-Za-z0-9_]/;

/** The top-level block whose text starts before `offset` (the last one), by AST ranges. */
function enclosingBlock(ast: PtxFile, lines: LineIndex, offset: number): Block | undefined {
  let found: Block | undefined;
  for (const b of ast.blocks) {
    if (lines.offsetAt(b.range.start) <= offset) found = b;
    else break;
  }
  return found;
}

function isKeyword(t: IToken, name: string): boolean {
  return t.tokenType.name === `Kw_${name}`;
}
function isBlockKeyword(t: IToken): BlockKind | undefined {
  const n = t.tokenType.name;
  if (!n.startsWith('Kw_')) return undefined;
  const k = n.slice(3);
  return ['data', 'model', 'task', 'pretrain', 'finetune', 'compare', 'evaluate'].includes(k) ? (k as BlockKind) : undefined;
}
function isWord(t: IToken): boolean {
  return t.tokenType.name === 'Identifier' || t.tokenType.name.startsWith('Kw_');
}

function listItem(t: ExpectedValue | null): ExpectedValue | null {
  return t && t.kind === 'list' ? t.of : null;
}

export function completionSite(text: string, offset: number, ast: PtxFile, lines: LineIndex): CompletionSite {
  let wordStart = offset;
  while (wordStart > 0 && WORD.test(text[wordStart - 1]!)) wordStart--;
  const prefix = text.slice(wordStart, offset);
  const none: CompletionSite = { context: { kind: 'none' }, prefix, wordStart, call: null };
  if (/^[0-9]/.test(prefix)) return none;

  const block = enclosingBlock(ast, lines, wordStart);
  const start = block ? lines.offsetAt(block.range.start) : 0;
  const lexed = ptxLexer.tokenize(text.slice(start, wordStart));
  // Inside a comment: the slice ends inside a line comment or an unclosed block comment.
  const rel = wordStart - start;
  for (const c of (lexed.groups['comments'] ?? []) as IToken[]) {
    const kind = c.tokenType.name;
    if (kind === 'UnterminatedComment' || (kind === 'LineComment' && c.startOffset + c.image.length >= rel)) return none;
  }
  const tokens = lexed.tokens;

  const stack: Frame[] = [];
  let topBlock: BlockKind | undefined;
  let headerLists = 0; // evaluate header: lists opened at depth 0 (runs, then tasks)
  let afterOn = false;
  let afterEquals = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const name = t.tokenType.name;
    const top = stack[stack.length - 1];
    if (!top) {
      const kw = isBlockKeyword(t);
      if (kw && tokens[i + 1]?.tokenType.name !== 'Colon') {
        topBlock = kw;
        headerLists = 0;
        afterOn = false;
        afterEquals = false;
        continue;
      }
      if (isKeyword(t, 'on')) afterOn = true;
      if (name === 'Equals') afterEquals = true;
    }
    switch (name) {
      case 'LCurly': {
        if (!top && topBlock && topBlock !== 'task') stack.push({ open: '{', block: topBlock, key: null, keyType: null });
        else stack.push({ open: '{', block: 'data', key: null, keyType: null });
        break;
      }
      case 'LParen': {
        const prev = tokens[i - 1];
        const fn = prev && isWord(prev) ? findFunction(prev.image) ?? null : null;
        stack.push({ open: '(', fn, param: null, named: [], positional: 0, sawColon: false });
        break;
      }
      case 'LSquare': {
        let item: ExpectedValue | null = null;
        let owner: ParamDef | null = null;
        if (!top) {
          headerLists++;
          if (topBlock === 'evaluate') item = headerLists === 1 && !afterOn ? { kind: 'runs' } : { kind: 'task' };
        } else if (top.open === '{') item = listItem(top.keyType);
        else if (top.open === '(') {
          owner = top.param;
          // A list given to a method's non-list parameter is a sweep of its values (compare blocks).
          const type = top.param?.type ?? null;
          item = listItem(type) ?? (top.fn?.category === 'method' ? type : null);
        } else {
          owner = top.owner;
          // A list inside the list of a list-typed method parameter is one value of a sweep (`targets: [[query, key], …]`).
          item = listItem(top.item) ?? (top.owner?.type.kind === 'list' ? top.item : null);
        }
        stack.push({ open: '[', item, owner });
        break;
      }
      case 'RCurly':
      case 'RParen':
      case 'RSquare': {
        const want = name === 'RCurly' ? '{' : name === 'RParen' ? '(' : '[';
        // Pop up to the matching bracket; an unmatched closer is ignored.
        const idx = stack.map((f) => f.open).lastIndexOf(want);
        if (idx >= 0) stack.length = idx;
        if (name === 'RCurly' && stack.length === 0) {
          topBlock = undefined;
        }
        break;
      }
      case 'Colon': {
        const prev = tokens[i - 1];
        if (top?.open === '{' && prev && isWord(prev)) {
          top.key = prev.image;
          const def = findBlock(top.block)?.keys.find((k) => k.name === prev.image);
          top.keyType = def?.type ?? null;
        } else if (top?.open === '(' && prev && isWord(prev)) {
          top.param = top.fn?.params.find((p) => p.name === prev.image) ?? null;
          top.named.push(prev.image);
          top.sawColon = true;
        }
        break;
      }
      case 'Comma': {
        if (top?.open === '(') {
          if (!top.sawColon) top.positional++;
          top.sawColon = false;
          top.param = null;
        }
        break;
      }
      default:
        break;
    }
  }

  const prev = tokens[tokens.length - 1];
  const prevName = prev?.tokenType.name;
  const frame = stack[stack.length - 1];
  // The innermost call, for signature help.
  let call: CompletionSite['call'] = null;
  for (let i = stack.length - 1; i >= 0; i--) {
    const f = stack[i]!;
    if (f.open === '(' && f.fn) {
      const named = f.sawColon && f.param ? f.fn.params.indexOf(f.param) : -1;
      // After named arguments, the next one is the first parameter not given yet.
      const next = f.named.length ? f.fn.params.findIndex((p) => !f.named.includes(p.name)) : f.positional;
      call = { fn: f.fn, activeParameter: named >= 0 ? named : Math.max(0, Math.min(next, f.fn.params.length - 1)) };
      break;
    }
    if (f.open === '{') break;
  }
  const site = (context: CursorContext): CompletionSite => ({ context, prefix, wordStart, call });

  if (!frame) {
    if (!topBlock || prevName === 'RCurly' || !prev) return site({ kind: 'top', allowThen: false });
    if (prev && isBlockKeyword(prev) && topBlock !== 'evaluate') return site({ kind: 'header', block: topBlock, slot: 'name' });
    if (prev && isKeyword(prev, 'from')) return site({ kind: 'value', expected: { kind: 'runs' }, inList: false, owner: null });
    if (prev && (isKeyword(prev, 'on') || prevName === 'Equals' || isKeyword(prev, 'then'))) {
      if (topBlock === 'evaluate' && isKeyword(prev, 'on')) return site({ kind: 'value', expected: { kind: 'list', of: { kind: 'task' } }, inList: false, owner: null });
      return site({ kind: 'value', expected: { kind: 'task' }, inList: false, owner: null });
    }
    const beforePrev = tokens[tokens.length - 2];
    if ((topBlock === 'finetune' || topBlock === 'compare') && prevName === 'Identifier') {
      if (beforePrev && isBlockKeyword(beforePrev)) return site({ kind: 'header', block: topBlock, slot: 'from-keyword' });
      if (beforePrev && isKeyword(beforePrev, 'from')) return site({ kind: 'header', block: topBlock, slot: 'on-keyword' });
    }
    if (topBlock === 'evaluate' && prevName === 'RSquare' && !afterOn) return site({ kind: 'header', block: topBlock, slot: 'on-keyword' });
    if (topBlock === 'task' && afterEquals) return site({ kind: 'top', allowThen: true });
    return site({ kind: 'none' });
  }

  if (frame.open === '{') {
    const present = presentKeys(block, frame.block, wordStart, lines, prefix);
    if (prevName === 'Colon' && frame.key) {
      return site(frame.keyType ? { kind: 'value', expected: frame.keyType, inList: false, owner: findBlock(frame.block)?.keys.find((k) => k.name === frame.key) ?? null } : { kind: 'none' });
    }
    if (prev && isKeyword(prev, 'then')) return site({ kind: 'value', expected: { kind: 'task' }, inList: false, owner: null });
    const afterValue = prevName === 'LCurly' || prevName === 'Comma' ? null : frame.keyType;
    return site({ kind: 'key', block: frame.block, present, afterValue });
  }
  if (frame.open === '[') {
    if (prevName === 'LSquare' || prevName === 'Comma' || (prev && isKeyword(prev, 'then'))) {
      const item = prev && isKeyword(prev, 'then') ? ({ kind: 'task' } as const) : frame.item;
      return site(item ? { kind: 'value', expected: item, inList: true, owner: frame.owner } : { kind: 'none' });
    }
    return site({ kind: 'none' });
  }
  // Inside a call's parentheses.
  if (!frame.fn) return site({ kind: 'none' });
  if (prevName === 'Colon') return site(frame.param ? { kind: 'value', expected: frame.param.type, inList: false, owner: frame.param } : { kind: 'none' });
  if (prevName === 'LParen' || prevName === 'Comma') {
    const positional = frame.named.length === 0 ? frame.fn.params[frame.positional] ?? null : null;
    return site({ kind: 'argument', fn: frame.fn, present: frame.named, positional });
  }
  return site({ kind: 'none' });
}

/** Keys already written in the block (anywhere in its body), except the one being typed. */
function presentKeys(block: Block | undefined, kind: BlockKeyword, wordStart: number, lines: LineIndex, prefix: string): string[] {
  if (!block || block.kind !== kind) return [];
  const out: string[] = [];
  for (const e of block.body?.entries ?? []) {
    if (lines.offsetAt(e.key.range.start) === wordStart && e.key.text === prefix) continue;
    out.push(e.key.text);
  }
  return out;
}
