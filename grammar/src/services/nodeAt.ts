// What the cursor is on, in terms of the AST and the catalogue: a block keyword, a block's name, a key, a
// call (primitive, method, optimizer or bare word) with the type its position expects, or an argument name.
// Hover, signature help and semantic features share this one walk.
import { findBlock } from '../catalogue/blocks.js';
import { findFunction } from '../catalogue/functions.js';
import type { FunctionDef, ParamDef, ValueType } from '../catalogue/types.js';
import type { Arg, Block, CallValue, Entry, Position, PtxFile, Value } from '../syntax/ast.js';
import type { ExpectedValue } from './completionContext.js';
import { rangeContains } from './lineIndex.js';

export type NodeAt =
  | { kind: 'keyword'; block: Block }
  | { kind: 'block-name'; block: Block }
  /** The run name after `from`. */
  | { kind: 'from'; block: Block }
  | { kind: 'key'; block: Block; entry: Entry; param: ParamDef | null }
  /** A name (with or without arguments) in a value position expecting `expected`. */
  | { kind: 'call'; block: Block; call: CallValue; expected: ExpectedValue | null; fn: FunctionDef | null; owner: ParamDef | null }
  | { kind: 'argument-name'; block: Block; call: CallValue; arg: Arg; fn: FunctionDef | null; param: ParamDef | null }
  | { kind: 'number'; block: Block; expected: ExpectedValue | null; owner: ParamDef | null };

/** The function a call names, given what its position expects. */
export function functionFor(call: CallValue, expected: ExpectedValue | null): FunctionDef | null {
  const name = call.name.text;
  switch (expected?.kind) {
    case 'task':
      return findFunction(name, 'primitive') ?? null;
    case 'method':
      return findFunction(name, 'method') ?? null;
    case 'optimizer':
      return findFunction(name, 'optimizer') ?? null;
    default:
      return null;
  }
}

function itemType(t: ExpectedValue | null): ExpectedValue | null {
  return t && t.kind === 'list' ? t.of : null;
}

function inValue(block: Block, v: Value | null, expected: ExpectedValue | null, owner: ParamDef | null, p: Position): NodeAt | undefined {
  if (!v || !rangeContains(v.range, p)) return undefined;
  switch (v.kind) {
    case 'number':
    case 'range':
      return { kind: 'number', block, expected, owner };
    case 'list':
      for (const item of v.items) {
        const found = inValue(block, item, itemType(expected), owner, p);
        if (found) return found;
      }
      return undefined;
    case 'then':
      for (const part of v.parts) {
        const found = inValue(block, part, { kind: 'task' }, owner, p);
        if (found) return found;
      }
      return undefined;
    case 'call': {
      const fn = functionFor(v, expected);
      if (rangeContains(v.name.range, p)) return { kind: 'call', block, call: v, expected, fn, owner };
      for (const arg of v.args ?? []) {
        const param = paramOf(fn, v, arg);
        if (arg.key && rangeContains(arg.key.range, p)) return { kind: 'argument-name', block, call: v, arg, fn, param };
        const found = inValue(block, arg.value, param?.type ?? null, param, p);
        if (found) return found;
      }
      return undefined;
    }
  }
}

/** The parameter an argument binds to: by name, or by position among the positional arguments. */
export function paramOf(fn: FunctionDef | null, call: CallValue, arg: Arg): ParamDef | null {
  if (!fn) return null;
  if (arg.key) return fn.params.find((p) => p.name === arg.key!.text) ?? null;
  const positional = (call.args ?? []).filter((a) => !a.key);
  return fn.params[positional.indexOf(arg)] ?? null;
}

export function nodeAt(ast: PtxFile, p: Position): NodeAt | undefined {
  for (const block of ast.blocks) {
    if (!rangeContains(block.range, p)) continue;
    if (rangeContains(block.keywordRange, p)) return { kind: 'keyword', block };
    if (block.name && rangeContains(block.name.range, p)) return { kind: 'block-name', block };
    if (block.from && rangeContains(block.from.range, p)) return { kind: 'from', block };
    const targetType: ValueType = block.kind === 'evaluate' && block.target?.kind === 'list' ? { kind: 'list', of: { kind: 'task' } } : { kind: 'task' };
    const inTarget = inValue(block, block.target, targetType, null, p);
    if (inTarget) return inTarget;
    for (const item of block.runs?.items ?? []) {
      const inRun = inValue(block, item, { kind: 'runs' }, null, p);
      if (inRun) return inRun;
    }
    const def = findBlock(block.kind);
    for (const entry of block.body?.entries ?? []) {
      const param = def?.keys.find((k) => k.name === entry.key.text) ?? null;
      if (rangeContains(entry.key.range, p)) return { kind: 'key', block, entry, param };
      const found = inValue(block, entry.value, param?.type ?? null, param, p);
      if (found) return found;
    }
    return undefined;
  }
  return undefined;
}
