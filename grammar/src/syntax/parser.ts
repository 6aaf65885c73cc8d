// The .ptx parser: a chevrotain EmbeddedActionsParser with error recovery on, building the typed AST
// directly (no concrete syntax tree: it was most of the parse time and garbage in the profile). Rules
// return null for parts the parser could not recover, and tokens the parser inserted during recovery
// (which have no position) never reach the AST. parse.ts wraps it so that parsing never throws.
import { EmbeddedActionsParser, type IToken } from 'chevrotain';
import type { Arg, Block, BlockKind, Body, CallValue, Entry, Ident, ListValue, NumberValue, Range, Value } from './ast.js';
import * as T from './tokens.js';

/** Lists and calls nest; beyond this depth the parser stops descending (a located error, not a stack overflow). */
export const MAX_NESTING = 64;

export function realToken(t: IToken | undefined): t is IToken {
  return t !== undefined && !t.isInsertedInRecovery && Number.isFinite(t.startOffset) && t.tokenType !== undefined && t.tokenType.name !== 'EOF';
}

export function tokenRange(t: IToken): Range {
  return {
    start: { line: (t.startLine ?? 1) - 1, character: (t.startColumn ?? 1) - 1 },
    end: { line: (t.endLine ?? 1) - 1, character: t.endColumn ?? 0 },
  };
}

function ident(t: IToken | undefined): Ident | null {
  return realToken(t) ? { kind: 'ident', text: t.image, range: tokenRange(t) } : null;
}

function span(first: Range | null | undefined, last: Range | null | undefined): Range | null {
  if (!first) return last ?? null;
  if (!last) return first;
  return { start: first.start, end: last.end };
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

export interface FileResult {
  blocks: Block[];
  strays: IToken[];
}

export class PtxParser extends EmbeddedActionsParser {
  private depth = 0;

  constructor() {
    super(T.ALL_TOKENS, { recoveryEnabled: true, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  // Anything that cannot start a block is consumed one token at a time as a stray token, so that one bad
  // line at the top level does not hide the blocks after it.
  public file = this.RULE('file', (): FileResult => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.namedBlock) },
        { ALT: () => this.SUBRULE(this.taskDecl) },
        { ALT: () => this.SUBRULE(this.runBlock) },
        { ALT: () => this.SUBRULE(this.evaluateBlock) },
        { ALT: () => this.strays.push(this.CONSUME(T.Stray)) },
      ]);
    });
    return { blocks: this.blocks, strays: this.strays };
  });

  // Partial results live on the parser, not in rule return values: when recovery abandons a rule, what
  // it had built so far (a block with half its entries) is kept rather than lost.
  private blocks: Block[] = [];
  private strays: IToken[] = [];
  private currentBlock: Block | null = null;

  /** Starts a block as soon as its keyword and name are read, so that recovery cannot lose it. */
  private newBlock(kw: IToken, name: IToken | undefined): Block | null {
    const kind = realToken(kw) ? KIND_OF[kw.tokenType.name] : undefined;
    if (!kind) {
      this.currentBlock = null;
      return null;
    }
    const r = tokenRange(kw);
    const b: Block = { kind, keywordRange: r, name: ident(name), from: null, target: null, runs: null, body: null, range: span(r, ident(name)?.range)! };
    this.blocks.push(b);
    this.currentBlock = b;
    return b;
  }

  private extend(b: Block | null, r: Range | null | undefined): void {
    if (b && r) b.range = span(b.range, r)!;
  }

  // data NAME { ... } | model NAME { ... } | pretrain NAME { ... }
  // Names are optional in the grammar so that a missing one is reported by the analysis, in its words.
  private namedBlock = this.RULE('namedBlock', (): Block | null => {
    const kw = this.OR([{ ALT: () => this.CONSUME(T.Data) }, { ALT: () => this.CONSUME(T.Model) }, { ALT: () => this.CONSUME(T.Pretrain) }]);
    const name = this.OPTION(() => this.CONSUME(T.Identifier));
    const b = this.newBlock(kw, name);
    this.SUBRULE(this.body);
    return b;
  });

  // task NAME = expr
  private taskDecl = this.RULE('taskDecl', (): Block | null => {
    const kw = this.CONSUME(T.Task);
    const name = this.OPTION(() => this.CONSUME(T.Identifier));
    const b = this.newBlock(kw, name);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.value);
    if (b && value) {
      b.target = value;
      this.extend(b, value.range);
    }
    return b;
  });

  // finetune NAME from RUN on TASK { ... } | compare NAME from RUN on TASK { ... }
  private runBlock = this.RULE('runBlock', (): Block | null => {
    const kw = this.OR([{ ALT: () => this.CONSUME(T.Finetune) }, { ALT: () => this.CONSUME(T.Compare) }]);
    const name = this.OPTION(() => this.CONSUME(T.Identifier));
    const b = this.newBlock(kw, name);
    this.CONSUME(T.From);
    const from = ident(this.CONSUME2(T.Identifier));
    if (b && from) {
      b.from = from;
      this.extend(b, from.range);
    }
    this.CONSUME(T.On);
    const target = this.SUBRULE(this.value);
    if (b && target) {
      b.target = target;
      this.extend(b, target.range);
    }
    this.SUBRULE(this.body);
    return b;
  });

  // evaluate [NAME] [runs] on [tasks] { ... }
  private evaluateBlock = this.RULE('evaluateBlock', (): Block | null => {
    const kw = this.CONSUME(T.Evaluate);
    const name = this.OPTION(() => this.CONSUME(T.Identifier));
    const b = this.newBlock(kw, name);
    const runs = this.SUBRULE(this.list);
    if (b && runs) {
      b.runs = runs;
      this.extend(b, runs.range);
    }
    this.CONSUME(T.On);
    const target = this.SUBRULE2(this.value);
    if (b && target) {
      b.target = target;
      this.extend(b, target.range);
    }
    this.SUBRULE(this.body);
    return b;
  });

  // The body is attached to its block as soon as '{' is read and each entry as soon as its key is read.
  // Entries are parsed inline (no rule of their own): rule invocations dominate chevrotain's parse time.
  private currentBody: Body | null = null;

  private body = this.RULE('body', (): Body | null => {
    const open = this.CONSUME(T.LCurly);
    const block = this.currentBlock;
    let body: Body | null = null;
    if (realToken(open)) {
      body = { entries: [], closed: false, range: tokenRange(open) };
      if (block) {
        block.body = body;
        this.extend(block, body.range);
      }
    }
    this.currentBody = body;
    this.MANY(this.entry);
    const close = this.CONSUME(T.RCurly);
    if (body && realToken(close)) {
      body.closed = true;
      body.range = span(body.range, tokenRange(close))!;
      this.extend(block, body.range);
    }
    return body;
  });

  // One `key: value` entry, attached to the current body as soon as its key is read, so that recovery
  // keeps it. Bodies do not nest, so one current body suffices.
  private readonly entry = (): void => {
    const body = this.currentBody;
    const block = this.currentBlock;
    const key = ident(this.CONSUME(T.Word));
    let entry: Entry | null = null;
    if (key) {
      entry = { key, value: null, range: key.range };
      if (body) {
        body.entries.push(entry);
        body.range = span(body.range, key.range)!;
        this.extend(block, key.range);
      }
    }
    this.CONSUME(T.Colon);
    const value = this.SUBRULE(this.value);
    if (entry && value) {
      entry.value = value;
      entry.range = span(key!.range, value.range)!;
      if (body) body.range = span(body.range, value.range)!;
      this.extend(block, value.range);
    }
    this.OPTION(this.optionalComma);
  };

  private readonly optionalComma = (): IToken => this.CONSUME(T.Comma);

  // Hot rules allocate no closures per invocation: their sub-parsers are cached arrow functions and
  // partial lists live on stacks on the parser (the profile showed closure and array garbage from
  // per-call `OR([...])`, `MANY(() => …)` and `MANY_SEP({…})` as the largest cost after the lexer).
  private readonly thenParts: Value[] = [];
  private readonly listItems: Value[] = [];
  private readonly callArgs: Arg[] = [];
  private readonly incDepth = (): void => {
    this.depth++;
  };
  private readonly decDepth = (): void => {
    this.depth--;
  };

  // primary ('then' primary)*
  public value = this.RULE('value', (): Value | null => {
    const first = this.SUBRULE(this.primary);
    const mark = this.thenParts.length;
    this.MANY(this.thenStep);
    if (this.thenParts.length === mark) return first ?? null;
    const rest = this.thenParts.splice(mark);
    const parts = first ? [first, ...rest] : rest;
    return { kind: 'then', parts, range: span(parts[0]!.range, parts[parts.length - 1]!.range)! };
  });

  private readonly thenStep = (): void => {
    this.CONSUME(T.Then);
    const next = this.SUBRULE2(this.primary);
    if (next) this.thenParts.push(next);
  };

  private readonly numberOrRange = (): Value | null => {
    const lo = this.CONSUME(T.NumberLit);
    const hi = this.OPTION(this.rangeEnd);
    if (!realToken(lo)) return null;
    const loValue: NumberValue = { kind: 'number', value: Number(lo.image), text: lo.image, range: tokenRange(lo) };
    if (hi === undefined) return loValue;
    const hiValue: NumberValue | null = realToken(hi) ? { kind: 'number', value: Number(hi.image), text: hi.image, range: tokenRange(hi) } : null;
    return { kind: 'range', lo: loValue, hi: hiValue, range: span(loValue.range, hiValue?.range)! };
  };

  private readonly rangeEnd = (): IToken => {
    this.CONSUME(T.DotDot);
    return this.CONSUME2(T.NumberLit);
  };

  // name | name(args), inline in primary for speed.
  private readonly call = (): Value | null => {
    const nameToken = this.CONSUME(T.Identifier);
    const parens = this.OPTION2(this.callParens);
    const name = ident(nameToken);
    if (!name) return null;
    const args = parens ? parens.args : null;
    const argsRange = parens ? parens.range : null;
    const call: CallValue = { kind: 'call', name, args, argsRange, range: span(name.range, argsRange) ?? name.range };
    return call;
  };

  private readonly callParens = (): { args: Arg[]; range: Range | null } => {
    const open = this.CONSUME(T.LParen);
    const mark = this.callArgs.length;
    this.ACTION(this.incDepth);
    this.MANY_SEP(this.argList);
    this.ACTION(this.decDepth);
    const close = this.CONSUME(T.RParen);
    const args = this.callArgs.splice(mark);
    const start = realToken(open) ? tokenRange(open) : null;
    const end = realToken(close) ? tokenRange(close) : args[args.length - 1]?.range;
    return { args, range: span(start, end) };
  };

  private readonly argList = {
    SEP: T.Comma,
    DEF: (): void => {
      const a = this.SUBRULE(this.arg);
      if (a) this.callArgs.push(a);
    },
  };

  private readonly primaryAlternatives = [
    { ALT: this.numberOrRange },
    { GATE: (): boolean => this.depth < MAX_NESTING, ALT: (): Value | null => this.SUBRULE(this.list) },
    { ALT: this.call },
  ];

  private primary = this.RULE('primary', (): Value | null => this.OR(this.primaryAlternatives));

  private list = this.RULE('list', (): ListValue | null => {
    const open = this.CONSUME(T.LSquare);
    const mark = this.listItems.length;
    this.ACTION(this.incDepth);
    this.MANY_SEP(this.listItemList);
    this.OPTION(this.trailingComma);
    this.ACTION(this.decDepth);
    const close = this.CONSUME(T.RSquare);
    const items = this.listItems.splice(mark);
    if (!realToken(open)) return null;
    const last = realToken(close) ? tokenRange(close) : items[items.length - 1]?.range;
    return { kind: 'list', items, range: span(tokenRange(open), last)! };
  });

  private readonly listItemList = {
    SEP: T.Comma,
    DEF: (): void => {
      const v = this.SUBRULE(this.value);
      if (v) this.listItems.push(v);
    },
  };

  private readonly trailingComma = (): IToken => this.CONSUME2(T.Comma);

  // [name ':'] value
  private arg = this.RULE('arg', (): Arg | null => {
    const keyToken = this.OPTION(() => {
      const k = this.CONSUME(T.Word);
      this.CONSUME(T.Colon);
      return k;
    });
    const value = this.SUBRULE(this.value);
    const key = ident(keyToken);
    const range = span(key?.range, value?.range);
    if (!range) return null;
    return { key, value: value ?? null, range };
  });

  /** Blocks and stray tokens read so far: complete even when recovery abandoned the `file` rule itself. */
  public partial(): FileResult {
    return { blocks: this.blocks, strays: this.strays };
  }

  /** Load a token vector for a new parse; chevrotain parsers are reused across inputs. */
  public load(tokens: IToken[]): void {
    this.depth = 0;
    this.thenParts.length = 0;
    this.listItems.length = 0;
    this.callArgs.length = 0;
    this.currentBody = null;
    this.blocks = [];
    this.strays = [];
    this.currentBlock = null;
    this.input = tokens;
  }
}

let shared: PtxParser | undefined;
/** One parser instance for the process: self-analysis is the expensive part. */
export function getParser(): PtxParser {
  shared ??= new PtxParser();
  return shared;
}
