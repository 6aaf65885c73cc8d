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
    this.MANY(() => {
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
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    const close = this.CONSUME(T.RCurly);
    if (body && realToken(close)) {
      body.closed = true;
      body.range = span(body.range, tokenRange(close))!;
      this.extend(block, body.range);
    }
    return body;
  });

  // primary ('then' primary)*
  public value = this.RULE('value', (): Value | null => {
    const first = this.SUBRULE(this.primary);
    let parts: Value[] | undefined;
    this.MANY(() => {
      this.CONSUME(T.Then);
      const next = this.SUBRULE2(this.primary);
      parts ??= first ? [first] : [];
      if (next) parts.push(next);
    });
    if (!parts) return first ?? null;
    if (parts.length === 0) return null;
    return { kind: 'then', parts, range: span(parts[0]!.range, parts[parts.length - 1]!.range)! };
  });

  private primary = this.RULE('primary', (): Value | null =>
    this.OR([
      {
        ALT: (): Value | null => {
          const lo = this.CONSUME(T.NumberLit);
          const hi = this.OPTION(() => {
            this.CONSUME(T.DotDot);
            return this.CONSUME2(T.NumberLit);
          });
          if (!realToken(lo)) return null;
          const loValue: NumberValue = { kind: 'number', value: Number(lo.image), text: lo.image, range: tokenRange(lo) };
          if (hi === undefined) return loValue;
          const hiValue: NumberValue | null = realToken(hi) ? { kind: 'number', value: Number(hi.image), text: hi.image, range: tokenRange(hi) } : null;
          return { kind: 'range', lo: loValue, hi: hiValue, range: span(loValue.range, hiValue?.range)! };
        },
      },
      { GATE: () => this.depth < MAX_NESTING, ALT: () => this.SUBRULE(this.list) },
      {
        // name | name(args), inline for speed.
        ALT: (): Value | null => {
          const nameToken = this.CONSUME(T.Identifier);
          let args: Arg[] | null = null;
          let argsRange: Range | null = null;
          this.OPTION2(() => {
            const open = this.CONSUME(T.LParen);
            const list: Arg[] = [];
            args = list;
            this.ACTION(() => this.depth++);
            this.MANY_SEP({
              SEP: T.Comma,
              DEF: () => {
                const a = this.SUBRULE(this.arg);
                if (a) list.push(a);
              },
            });
            this.ACTION(() => this.depth--);
            const close = this.CONSUME(T.RParen);
            const start = realToken(open) ? tokenRange(open) : null;
            const end = realToken(close) ? tokenRange(close) : list[list.length - 1]?.range;
            argsRange = span(start, end);
          });
          const name = ident(nameToken);
          if (!name) return null;
          const call: CallValue = { kind: 'call', name, args, argsRange, range: span(name.range, argsRange) ?? name.range };
          return call;
        },
      },
    ]),
  );

  private list = this.RULE('list', (): ListValue | null => {
    const open = this.CONSUME(T.LSquare);
    const items: Value[] = [];
    this.ACTION(() => this.depth++);
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        const v = this.SUBRULE(this.value);
        if (v) items.push(v);
      },
    });
    this.OPTION(() => this.CONSUME2(T.Comma));
    this.ACTION(() => this.depth--);
    const close = this.CONSUME(T.RSquare);
    if (!realToken(open)) return null;
    const last = realToken(close) ? tokenRange(close) : items[items.length - 1]?.range;
    return { kind: 'list', items, range: span(tokenRange(open), last)! };
  });

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
