// The .ptx parser: a chevrotain EmbeddedActionsParser with error recovery on, building the typed AST
// directly (no concrete syntax tree: it was most of the parse time and garbage in the profile). Rules
// return null for parts the parser could not recover, and tokens the parser inserted during recovery
// (which have no position) never reach the AST. parse.ts wraps it so that parsing never throws.
import { EmbeddedActionsParser, type IToken } from 'chevrotain';
import type { Arg, Block, BlockKind, Body, CallValue, Entry, Ident, ListValue, NumberValue, Position, Range, Value } from './ast.js';
import type { LineStarts } from './lines.js';
import * as T from './tokens.js';

export function realToken(t: IToken | undefined): t is IToken {
  // Tokens inserted by recovery and the EOF token have no offset (NaN).
  return t !== undefined && t.startOffset >= 0 && t.isInsertedInRecovery !== true && t.tokenType !== undefined && t.tokenType.name !== 'EOF';
}

/**
 * The range of a token of the token vector (no line breaks inside: only comments span lines, and they are
 * not in the vector). The lexer tracks offsets only; `lines` turns them into positions.
 */
export function tokenRange(t: IToken, lines: LineStarts): Range {
  const start = lines.position(t.startOffset);
  return { start, end: { line: start.line, character: start.character + t.image.length } };
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
  /** Positions of the text being parsed (set by `load`). */
  private lines!: LineStarts;

  constructor() {
    super(T.ALL_TOKENS, { recoveryEnabled: true, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  // Anything that cannot start a block is consumed one token at a time as a stray token, so that one bad
  // line at the top level does not hide the blocks after it.
  public file = this.RULE('file', (): FileResult => {
    this.MANY(this.topLevel);
    return this.partial();
  });

  private readonly topLevelAlternatives = [
    { ALT: (): unknown => this.SUBRULE(this.namedBlock) },
    { ALT: (): unknown => this.SUBRULE(this.taskDecl) },
    { ALT: (): unknown => this.SUBRULE(this.runBlock) },
    { ALT: (): unknown => this.SUBRULE(this.evaluateBlock) },
    { ALT: (): unknown => this.strays.push(this.CONSUME(T.Stray)) },
  ];

  private readonly topLevel = (): void => {
    this.OR(this.topLevelAlternatives);
  };

  // Partial results live on the parser, not in rule return values: when recovery abandons a rule, what
  // it had built so far (a block with half its entries) is kept rather than lost.
  private blocks: Block[] = [];
  private strays: IToken[] = [];
  private currentBlock: Block | null = null;
  // Where the current block and body end so far. Their ranges are written once, when the block or body
  // is finished (or abandoned: at the next block and at the end), not re-spanned at every entry.
  private blockEnd: Position | null = null;
  private bodyEnd: Position | null = null;

  // Token positions. Position objects are shared where ranges meet: a token that starts where the last
  // token given a position ended (`add(1)`, `[a`) starts at that very object. Allocation of ranges is most
  // of the parser's garbage-collection time, so ranges are built only from the positions they need.
  private lastEndOffset = -1;
  private lastEnd: Position = { line: 0, character: 0 };

  private startOf(t: IToken): Position {
    return t.startOffset === this.lastEndOffset ? this.lastEnd : this.lines.position(t.startOffset);
  }

  private endOf(t: IToken): Position {
    const offset = t.startOffset + t.image.length;
    const line = this.lines.lineOf(t.startOffset);
    const end = { line, character: offset - this.lines.starts[line]! };
    this.lastEndOffset = offset;
    this.lastEnd = end;
    return end;
  }

  private tokenRange(t: IToken): Range {
    const start = this.startOf(t);
    const end = { line: start.line, character: start.character + t.image.length };
    this.lastEndOffset = t.startOffset + t.image.length;
    this.lastEnd = end;
    return { start, end };
  }

  private ident(t: IToken | undefined): Ident | null {
    return realToken(t) ? { kind: 'ident', text: t.image, range: this.tokenRange(t) } : null;
  }

  /** Starts a block as soon as its keyword and name are read, so that recovery cannot lose it. */
  private newBlock(kw: IToken, name: IToken | undefined): Block | null {
    this.finishBlock();
    const kind = realToken(kw) ? KIND_OF[kw.tokenType.name] : undefined;
    if (!kind) {
      this.currentBlock = null;
      return null;
    }
    const r = this.tokenRange(kw);
    const id = this.ident(name);
    // The block's range is the keyword's until `finishBlock` writes the final one.
    const b: Block = { kind, keywordRange: r, name: id, from: null, target: null, runs: null, body: null, range: r };
    this.blocks.push(b);
    this.currentBlock = b;
    if (id) this.blockEnd = id.range.end;
    return b;
  }

  /** The block now reaches to the end of `r`. */
  private extend(b: Block | null, r: Range | null | undefined): void {
    if (b && r) this.extendTo(b, r.end);
  }

  private extendTo(b: Block, end: Position): void {
    if (b === this.currentBlock) this.blockEnd = end;
    else b.range = { start: b.range.start, end };
  }

  private finishBody(): void {
    const body = this.currentBody;
    if (body && this.bodyEnd) body.range = { start: body.range.start, end: this.bodyEnd };
    this.currentBody = null;
    this.bodyEnd = null;
  }

  private finishBlock(): void {
    this.finishBody();
    const b = this.currentBlock;
    if (b && this.blockEnd) b.range = { start: b.range.start, end: this.blockEnd };
    this.currentBlock = null;
    this.blockEnd = null;
  }

  // data NAME { ... } | model NAME { ... } | pretrain NAME { ... }
  // Names are optional in the grammar so that a missing one is reported by the analysis, in its words.
  private readonly namedBlockAlternatives = [{ ALT: (): IToken => this.CONSUME(T.Data) }, { ALT: (): IToken => this.CONSUME(T.Model) }, { ALT: (): IToken => this.CONSUME(T.Pretrain) }];
  private readonly blockName = (): IToken => this.CONSUME(T.Identifier);

  private namedBlock = this.RULE('namedBlock', (): Block | null => {
    const kw = this.OR(this.namedBlockAlternatives);
    const name = this.OPTION(this.blockName);
    const b = this.newBlock(kw, name);
    this.SUBRULE(this.body);
    return b;
  });

  // task NAME = expr
  private taskDecl = this.RULE('taskDecl', (): Block | null => {
    const kw = this.CONSUME(T.Task);
    const name = this.OPTION(this.blockName);
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
  private readonly runBlockAlternatives = [{ ALT: (): IToken => this.CONSUME(T.Finetune) }, { ALT: (): IToken => this.CONSUME(T.Compare) }];

  private runBlock = this.RULE('runBlock', (): Block | null => {
    const kw = this.OR(this.runBlockAlternatives);
    const name = this.OPTION(this.blockName);
    const b = this.newBlock(kw, name);
    this.CONSUME(T.From);
    const from = this.ident(this.CONSUME2(T.Identifier));
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
    const name = this.OPTION(this.blockName);
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
    this.finishBody();
    const open = this.CONSUME(T.LCurly);
    const block = this.currentBlock;
    let body: Body | null = null;
    if (realToken(open)) {
      body = { entries: [], closed: false, range: this.tokenRange(open) };
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
      const end = this.endOf(close);
      this.bodyEnd = end;
      if (block) this.extendTo(block, end);
    }
    this.finishBody();
    return body;
  });

  // One `key: value` entry, attached to the current body as soon as its key is read, so that recovery
  // keeps it. Bodies do not nest, so one current body suffices.
  private readonly entry = (): void => {
    const body = this.currentBody;
    const block = this.currentBlock;
    const key = this.ident(this.CONSUME(T.Word));
    let entry: Entry | null = null;
    if (key) {
      entry = { key, value: null, range: key.range };
      if (body) {
        body.entries.push(entry);
        this.bodyEnd = key.range.end;
        this.extend(block, key.range);
      }
    }
    this.CONSUME(T.Colon);
    const value = this.SUBRULE(this.value);
    if (entry && value) {
      entry.value = value;
      entry.range = { start: key!.range.start, end: value.range.end };
      if (body) this.bodyEnd = value.range.end;
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

  // primary ('then' primary)*
  public value = this.RULE('value', (): Value | null => {
    const first = this.SUBRULE(this.primary);
    const mark = this.thenParts.length;
    // Most values have no 'then': skip the repetition then. This changes nothing: the repetition ends the
    // rule, so chevrotain has no token to expect after it and never attempts in-repetition recovery here.
    if (this.RECORDING_PHASE || this.LA(1).tokenType === T.Then) this.MANY(this.thenStep);
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

  private number(t: IToken): NumberValue {
    return { kind: 'number', value: Number(t.image), text: t.image, range: this.tokenRange(t) };
  }

  private readonly numberOrRange = (): Value | null => {
    const lo = this.CONSUME(T.NumberLit);
    const hi = this.OPTION(this.rangeEnd);
    if (!realToken(lo)) return null;
    const loValue = this.number(lo);
    if (hi === undefined) return loValue;
    const hiValue: NumberValue | null = realToken(hi) ? this.number(hi) : null;
    return { kind: 'range', lo: loValue, hi: hiValue, range: hiValue ? { start: loValue.range.start, end: hiValue.range.end } : loValue.range };
  };

  private readonly rangeEnd = (): IToken => {
    this.CONSUME(T.DotDot);
    return this.CONSUME2(T.NumberLit);
  };

  // name | name(args), inline in primary for speed.
  private readonly call = (): Value | null => {
    const nameToken = this.CONSUME(T.Identifier);
    // The name's range first, so that an adjacent '(' starts at its end position object.
    const name = this.ident(nameToken);
    const args = this.OPTION2(this.callParens);
    if (!name) return null;
    if (args === undefined) return { kind: 'call', name, args: null, argsRange: null, range: name.range };
    const argsRange = this.parensRange;
    const call: CallValue = { kind: 'call', name, args, argsRange, range: argsRange ? { start: name.range.start, end: argsRange.end } : name.range };
    return call;
  };

  /** The range of the parenthesised arguments `callParens` just read. */
  private parensRange: Range | null = null;

  private readonly callParens = (): Arg[] => {
    const open = this.CONSUME(T.LParen);
    const mark = this.callArgs.length;
    this.MANY_SEP(this.argList);
    const close = this.CONSUME(T.RParen);
    const args = this.callArgs.splice(mark);
    if (this.RECORDING_PHASE) return args; // the grammar is recorded with placeholder values
    const start = realToken(open) ? this.startOf(open) : undefined;
    const end = realToken(close) ? this.endOf(close) : args[args.length - 1]?.range.end;
    // As span(range of '(', range of ')' or of the last argument): the ends that exist.
    if (start && end) this.parensRange = { start, end };
    else if (start) this.parensRange = this.tokenRange(open);
    else if (end) this.parensRange = realToken(close) ? this.tokenRange(close) : args[args.length - 1]!.range;
    else this.parensRange = null;
    return args;
  };

  private readonly argList = {
    SEP: T.Comma,
    DEF: (): void => {
      const a = this.SUBRULE(this.arg);
      if (a) this.callArgs.push(a);
    },
  };

  // Nesting is bounded before the parser runs (nesting.ts), so these rules can recurse freely.
  private readonly primaryAlternatives = [{ ALT: this.numberOrRange }, { ALT: (): Value | null => this.SUBRULE(this.list) }, { ALT: this.call }];

  private primary = this.RULE('primary', (): Value | null => this.OR(this.primaryAlternatives));

  private list = this.RULE('list', (): ListValue | null => {
    const open = this.CONSUME(T.LSquare);
    const mark = this.listItems.length;
    this.OPTION(this.listItemsWithCommas);
    const close = this.CONSUME(T.RSquare);
    const items = this.listItems.splice(mark);
    if (!realToken(open) || this.RECORDING_PHASE) return null;
    const start = this.startOf(open);
    // As span(range of '[', range of ']' or of the last item).
    if (realToken(close)) return { kind: 'list', items, range: { start, end: this.endOf(close) } };
    if (items.length > 0) return { kind: 'list', items, range: { start, end: items[items.length - 1]!.range.end } };
    return { kind: 'list', items, range: this.tokenRange(open) };
  });

  // value (',' value)* ','? : the repetition looks two tokens ahead, so a comma followed by ']' ends the list
  // as a trailing comma. (MANY_SEP would take that comma as a separator and then demand another value.)
  private readonly listItemsWithCommas = (): void => {
    const v = this.SUBRULE(this.value);
    if (v) this.listItems.push(v);
    this.MANY(this.nextListItem);
    this.OPTION2(this.trailingComma);
  };

  private readonly nextListItem = (): void => {
    this.CONSUME(T.Comma);
    const v = this.SUBRULE2(this.value);
    if (v) this.listItems.push(v);
  };

  private readonly trailingComma = (): IToken => this.CONSUME2(T.Comma);

  // [name ':'] value
  private readonly argKey = (): IToken => {
    const k = this.CONSUME(T.Word);
    this.CONSUME(T.Colon);
    return k;
  };

  private arg = this.RULE('arg', (): Arg | null => {
    const keyToken = this.OPTION(this.argKey);
    const value = this.SUBRULE(this.value);
    const key = this.ident(keyToken);
    const range = span(key?.range, value?.range);
    if (!range) return null;
    return { key, value: value ?? null, range };
  });

  /** Blocks and stray tokens read so far: complete even when recovery abandoned the `file` rule itself. */
  public partial(): FileResult {
    this.finishBlock();
    return { blocks: this.blocks, strays: this.strays };
  }

  /** Load a token vector for a new parse; chevrotain parsers are reused across inputs. */
  public load(tokens: IToken[], lines: LineStarts): void {
    this.thenParts.length = 0;
    this.listItems.length = 0;
    this.callArgs.length = 0;
    this.currentBody = null;
    this.blocks = [];
    this.strays = [];
    this.currentBlock = null;
    this.blockEnd = null;
    this.bodyEnd = null;
    this.parensRange = null;
    this.lastEndOffset = -1;
    this.lines = lines;
    this.input = tokens;
  }
}

let shared: PtxParser | undefined;
/** One parser instance for the process: self-analysis is the expensive part. */
export function getParser(): PtxParser {
  shared ??= new PtxParser();
  return shared;
}
