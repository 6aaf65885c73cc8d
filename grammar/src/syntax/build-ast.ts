// Concrete syntax tree → typed AST. Tolerant of recovered trees: a missing child becomes null, and tokens
// the parser inserted during recovery (they have no position) are ignored.
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type { Arg, Block, BlockKind, Body, CallValue, Entry, Ident, ListValue, NumberValue, Position, Range, RangeValue, Value } from './ast.js';

function isToken(e: CstElement): e is IToken {
  return (e as IToken).image !== undefined;
}

function realToken(t: IToken | undefined): t is IToken {
  return t !== undefined && !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
}

export function tokenStart(t: IToken): Position {
  return { line: (t.startLine ?? 1) - 1, character: (t.startColumn ?? 1) - 1 };
}
export function tokenEnd(t: IToken): Position {
  return { line: (t.endLine ?? 1) - 1, character: t.endColumn ?? 0 };
}
export function tokenRange(t: IToken): Range {
  return { start: tokenStart(t), end: tokenEnd(t) };
}

/** First and last real tokens under a CST element, in source order. */
function bounds(e: CstElement, acc: { first?: IToken; last?: IToken }): void {
  if (isToken(e)) {
    if (!realToken(e)) return;
    if (!acc.first || e.startOffset < acc.first.startOffset) acc.first = e;
    if (!acc.last || e.startOffset > acc.last.startOffset) acc.last = e;
    return;
  }
  for (const key in e.children) for (const c of e.children[key]!) bounds(c, acc);
}

function nodeRange(e: CstElement, fallback: Range): Range {
  const acc: { first?: IToken; last?: IToken } = {};
  bounds(e, acc);
  if (!acc.first || !acc.last) return fallback;
  return { start: tokenStart(acc.first), end: tokenEnd(acc.last) };
}

const EMPTY: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function tok(node: CstNode, label: string, i = 0): IToken | undefined {
  const t = node.children[label]?.[i];
  return t && isToken(t) && realToken(t) ? t : undefined;
}
function sub(node: CstNode, label: string, i = 0): CstNode | undefined {
  const n = node.children[label]?.[i];
  return n && !isToken(n) ? n : undefined;
}
function subs(node: CstNode, label: string): CstNode[] {
  return (node.children[label] ?? []).filter((n): n is CstNode => !isToken(n));
}

function ident(t: IToken | undefined): Ident | null {
  return t ? { kind: 'ident', text: t.image, range: tokenRange(t) } : null;
}

function word(node: CstNode | undefined): Ident | null {
  if (!node) return null;
  for (const key in node.children) {
    const t = node.children[key]![0];
    if (t && isToken(t) && realToken(t)) return ident(t);
  }
  return null;
}

function numberValue(t: IToken): NumberValue {
  return { kind: 'number', value: Number(t.image), text: t.image, range: tokenRange(t) };
}

export function buildValue(node: CstNode | undefined): Value | null {
  if (!node) return null;
  const parts = subs(node, 'primary').map(buildPrimary).filter((v): v is Value => v !== null);
  if (parts.length === 0) return null;
  if (parts.length === 1 && !node.children['Then']) return parts[0]!;
  return { kind: 'then', parts, range: nodeRange(node, parts[0]!.range) };
}

function buildPrimary(node: CstNode): Value | null {
  const nr = sub(node, 'numberOrRange');
  if (nr) {
    const lo = tok(nr, 'lo');
    if (!lo) return null;
    const loValue = numberValue(lo);
    if (!nr.children['DotDot']) return loValue;
    const hi = tok(nr, 'hi');
    const r: RangeValue = { kind: 'range', lo: loValue, hi: hi ? numberValue(hi) : null, range: nodeRange(nr, loValue.range) };
    return r;
  }
  const list = sub(node, 'list');
  if (list) return buildList(list);
  const call = sub(node, 'call');
  if (call) return buildCall(call);
  return null;
}

function buildList(node: CstNode): ListValue {
  const items = subs(node, 'value').map(buildValue).filter((v): v is Value => v !== null);
  return { kind: 'list', items, range: nodeRange(node, EMPTY) };
}

function buildCall(node: CstNode): CallValue | null {
  const name = ident(tok(node, 'name'));
  if (!name) return null;
  const lp = tok(node, 'LParen');
  let args: Arg[] | null = null;
  let argsRange: Range | null = null;
  if (node.children['LParen']) {
    args = subs(node, 'arg').map((a) => {
      const key = word(sub(a, 'key'));
      const value = buildValue(sub(a, 'value'));
      return { key, value, range: nodeRange(a, key?.range ?? value?.range ?? name.range) };
    });
    const rp = tok(node, 'RParen');
    const start = lp ? tokenStart(lp) : name.range.end;
    const end = rp ? tokenEnd(rp) : args.length ? args[args.length - 1]!.range.end : start;
    argsRange = { start, end };
  }
  return { kind: 'call', name, args, argsRange, range: nodeRange(node, name.range) };
}

function buildBody(node: CstNode | undefined): Body | null {
  if (!node) return null;
  const entries: Entry[] = [];
  for (const e of subs(node, 'entry')) {
    const key = word(sub(e, 'key'));
    if (!key) continue;
    entries.push({ key, value: buildValue(sub(e, 'value')), range: nodeRange(e, key.range) });
  }
  return { entries, closed: tok(node, 'RCurly') !== undefined, range: nodeRange(node, EMPTY) };
}

function keywordToken(node: CstNode): IToken | undefined {
  for (const key in node.children) {
    if (!key.startsWith('Kw_')) continue;
    const t = node.children[key]![0];
    if (t && isToken(t) && realToken(t)) return t;
  }
  return undefined;
}

const KIND_OF: Record<string, BlockKind> = {
  Kw_data: 'data',
  Kw_model: 'model',
  Kw_task: 'task',
  Kw_pretrain: 'pretrain',
  Kw_finetune: 'finetune',
  Kw_compare: 'compare',
  Kw_evaluate: 'evaluate',
};

export function buildBlock(node: CstNode): Block | null {
  const inner = sub(node, 'namedBlock') ?? sub(node, 'taskDecl') ?? sub(node, 'runBlock') ?? sub(node, 'evaluateBlock');
  if (!inner) return null;
  const kw = keywordToken(inner);
  if (!kw) return null;
  const kind = KIND_OF[kw.tokenType.name];
  if (!kind) return null;
  const block: Block = {
    kind,
    keywordRange: tokenRange(kw),
    name: ident(tok(inner, 'name')),
    from: ident(tok(inner, 'from')),
    target: null,
    runs: null,
    body: buildBody(sub(inner, 'body')),
    range: nodeRange(inner, tokenRange(kw)),
  };
  if (kind === 'task') block.target = buildValue(sub(inner, 'value'));
  if (kind === 'finetune' || kind === 'compare' || kind === 'evaluate') block.target = buildValue(sub(inner, 'on'));
  if (kind === 'evaluate') {
    const runs = sub(inner, 'runs');
    block.runs = runs ? buildList(runs) : null;
  }
  return block;
}

export { isToken, realToken, subs, tok };
