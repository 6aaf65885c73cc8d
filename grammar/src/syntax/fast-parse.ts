// The fast path of parse(): a hand-written scanner and recursive-descent parser for text without any lexing
// or syntax problem. It builds exactly the AST that the chevrotain parser (parser.ts) builds for such text,
// several times faster, and gives up (returns undefined) at the first character or token that the
// chevrotain lexer or parser would report or recover from; parse() then runs chevrotain, whose recovery and
// messages stay the only source of syntax errors. So the grammar has one definition of record (parser.ts),
// and this file must accept exactly the text it accepts without errors: tests/grammar/fast-parse.test.ts
// checks both directions on every example, every golden input and thousands of mutations of them.
//
// Why a second parser: on a 10,000-line spec chevrotain spent ~2/3 of the whole analysis time lexing and
// parsing (token objects, recovery bookkeeping, rule invocation), while a spec that is being checked,
// run or benchmarked is nearly always well formed.
import { Span, type Arg, type Block, type BlockKind, type Body, type CallValue, type Comment, type Entry, type Ident, type ListValue, type NumberValue, type Position, type PtxFile, type Range, type Value } from './ast.js';
import { MAX_NESTING } from './nesting.js';

// Token kinds. Keywords are words too (they may be keys), so every kind up to THEN is a word.
const EOF = 0;
const IDENT = 1;
const DATA = 2;
const MODEL = 3;
const TASK = 4;
const PRETRAIN = 5;
const FINETUNE = 6;
const COMPARE = 7;
const EVALUATE = 8;
const FROM = 9;
const ON = 10;
const THEN = 11;
const NUMBER = 12;
const DOTDOT = 13;
const LCURLY = 14;
const RCURLY = 15;
const LSQUARE = 16;
const RSQUARE = 17;
const LPAREN = 18;
const RPAREN = 19;
const COLON = 20;
const COMMA = 21;
const EQUALS = 22;

const KEYWORD_TEXT = ['', '', 'data', 'model', 'task', 'pretrain', 'finetune', 'compare', 'evaluate', 'from', 'on', 'then'];
const BLOCK_KIND: Record<number, BlockKind> = { [DATA]: 'data', [MODEL]: 'model', [TASK]: 'task', [PRETRAIN]: 'pretrain', [FINETUNE]: 'finetune', [COMPARE]: 'compare', [EVALUATE]: 'evaluate' };

/** Punctuation by character code (0: not punctuation). */
const PUNCT = new Uint8Array(128);
PUNCT[0x7b] = LCURLY;
PUNCT[0x7d] = RCURLY;
PUNCT[0x5b] = LSQUARE;
PUNCT[0x5d] = RSQUARE;
PUNCT[0x28] = LPAREN;
PUNCT[0x29] = RPAREN;
PUNCT[0x3a] = COLON;
PUNCT[0x2c] = COMMA;
PUNCT[0x3d] = EQUALS;

/** Character classes for ASCII: 1 starts a word, 2 continues one (letters, digits, '_'). */
const WORD_START = 1;
const WORD_PART = 2;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) CLASS[c] = WORD_START | WORD_PART;
  else if (/[0-9]/.test(ch)) CLASS[c] = WORD_PART;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The keyword spelled by text[start, end), or IDENT. */
function wordKind(text: string, start: number, end: number): number {
  const n = end - start;
  if (n < 2 || n > 8) return IDENT;
  switch (text.charCodeAt(start)) {
    case 0x64: // d
      return n === 4 && text.startsWith('data', start) ? DATA : IDENT;
    case 0x6d: // m
      return n === 5 && text.startsWith('model', start) ? MODEL : IDENT;
    case 0x74: // t
      return n === 4 ? (text.startsWith('task', start) ? TASK : text.startsWith('then', start) ? THEN : IDENT) : IDENT;
    case 0x70: // p
      return n === 8 && text.startsWith('pretrain', start) ? PRETRAIN : IDENT;
    case 0x66: // f
      return n === 8 ? (text.startsWith('finetune', start) ? FINETUNE : IDENT) : n === 4 && text.startsWith('from', start) ? FROM : IDENT;
    case 0x63: // c
      return n === 7 && text.startsWith('compare', start) ? COMPARE : IDENT;
    case 0x65: // e
      return n === 8 && text.startsWith('evaluate', start) ? EVALUATE : IDENT;
    case 0x6f: // o
      return n === 2 && text.startsWith('on', start) ? ON : IDENT;
    default:
      return IDENT;
  }
}

/**
 * Strings of recent names and numbers, one per slot by a hash of their characters (a direct-mapped cache:
 * a collision replaces the older string, so memory stays bounded however many names pass through). Keys,
 * enum words and common numbers then come out of the parse as the same string objects, parse after parse:
 * no copy per occurrence, and the analysis's Map lookups find their hash already computed.
 */
const INTERN_SLOTS = 4096;
const interned: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);

function intern(text: string, start: number, end: number): string {
  let h = end - start;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  const slot = (h ^ (h >>> 12)) & (INTERN_SLOTS - 1);
  const s = interned[slot];
  if (s !== undefined && s.length === end - start && text.startsWith(s, start)) return s;
  const fresh = text.slice(start, end);
  interned[slot] = fresh;
  return fresh;
}

/** Thrown to give up; caught by fastParse only. */
const GIVE_UP = new Error('not for the fast path');

/**
 * The token vector of one text, as parallel arrays (no object per token). Tokens never span lines (only
 * comments do, and they are not in the vector), so a token's end is on its start line.
 */
class Tokens {
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  line: Int32Array;
  column: Int32Array;

  constructor(capacity: number) {
    this.kind = new Uint8Array(capacity);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
    this.line = new Int32Array(capacity);
    this.column = new Int32Array(capacity);
  }

  /** A copy with twice the capacity, holding the first `count` tokens. */
  grown(count: number): Tokens {
    const g = new Tokens(this.kind.length * 2);
    g.kind.set(this.kind.subarray(0, count));
    g.start.set(this.start.subarray(0, count));
    g.end.set(this.end.subarray(0, count));
    g.line.set(this.line.subarray(0, count));
    g.column.set(this.column.subarray(0, count));
    return g;
  }
}

/**
 * The arrays are reused from one parse to the next (the language server parses on every edit), up to this
 * many tokens (~9 MB); a bigger text gets arrays of its own, which go with it.
 */
const KEPT_CAPACITY = 1 << 19;
let buffers = new Tokens(4096);

/** The tokens, the comments and the end of the text. */
interface Scanned {
  tokens: Tokens;
  comments: Comment[];
  end: Position;
}

/**
 * Scans `text` into token arrays as the chevrotain lexer (tokens.ts) reads it: its patterns are tried in their
 * order and the first that matches wins. Gives up at any character the lexer would report and at an
 * unterminated block comment. Lines end at \n, \r\n and \r, as LineStarts counts them.
 */
function scan(text: string): Scanned {
  const n = text.length;
  let tokens = buffers;
  let { kind, start, end, line: lineOf, column } = tokens;
  const comments: Comment[] = [];
  let count = 0;
  let line = 0;
  let lineStart = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // Whitespace: [ \t\r\n\f\v\u00a0\ufeff]
    if (c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === 10) {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === 13) {
      i += text.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
      lineStart = i;
      continue;
    }
    const from = i;
    let k: number;
    if (c < 128 && (CLASS[c]! & WORD_START) !== 0) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d >= 128 || (CLASS[d]! & WORD_PART) === 0) break;
        i++;
      }
      k = wordKind(text, from, i);
    } else if (c < 128 && PUNCT[c] !== 0) {
      k = PUNCT[c]!;
      i++;
    } else if (c === 0x2f /* / */) {
      const d = text.charCodeAt(i + 1);
      const startLine = line;
      const startCharacter = i - lineStart;
      if (d === 0x2f) {
        // Line comment: up to, not including, the line break.
        i += 2;
        while (i < n) {
          const e = text.charCodeAt(i);
          if (e === 10 || e === 13) break;
          i++;
        }
      } else if (d === 0x2a) {
        const close = text.indexOf('*/', i + 2);
        if (close === -1) throw GIVE_UP; // unterminated: chevrotain reports it
        const stop = close + 2;
        for (let j = i + 2; j < close; j++) {
          const e = text.charCodeAt(j);
          if (e === 10) {
            line++;
            lineStart = j + 1;
          } else if (e === 13) {
            if (text.charCodeAt(j + 1) === 10) j++;
            line++;
            lineStart = j + 1;
          }
        }
        i = stop;
      } else {
        throw GIVE_UP;
      }
      comments.push({ text: text.slice(from, i), range: new Span(startLine, startCharacter, line, i - lineStart) });
      continue;
    } else if (c === 0x2e /* . */ && text.charCodeAt(i + 1) === 0x2e) {
      k = DOTDOT;
      i += 2;
    } else if (c === 0x2d /* - */ || c === 0x2e || isDigit(c)) {
      // -?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?
      if (c === 0x2d) i++;
      if (isDigit(text.charCodeAt(i))) {
        while (isDigit(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) === 0x2e && isDigit(text.charCodeAt(i + 1))) {
          i += 2;
          while (isDigit(text.charCodeAt(i))) i++;
        }
      } else if (text.charCodeAt(i) === 0x2e && isDigit(text.charCodeAt(i + 1))) {
        i += 2;
        while (isDigit(text.charCodeAt(i))) i++;
      } else {
        throw GIVE_UP;
      }
      const e = text.charCodeAt(i);
      if (e === 0x65 || e === 0x45) {
        // An exponent only when digits follow (`1e` is the number 1 and the name e).
        const s = text.charCodeAt(i + 1);
        const digits = isDigit(s) ? i + 1 : (s === 0x2b || s === 0x2d) && isDigit(text.charCodeAt(i + 2)) ? i + 2 : -1;
        if (digits !== -1) {
          i = digits;
          while (isDigit(text.charCodeAt(i))) i++;
        }
      }
      k = NUMBER;
    } else {
      throw GIVE_UP;
    }
    if (count + 1 === kind.length) {
      // Full (one slot stays free for EOF): double.
      tokens = tokens.grown(count);
      ({ kind, start, end, line: lineOf, column } = tokens);
    }
    kind[count] = k;
    start[count] = from;
    end[count] = i;
    lineOf[count] = line;
    column[count] = from - lineStart;
    count++;
  }
  kind[count] = EOF;
  start[count] = n;
  end[count] = n;
  lineOf[count] = line;
  column[count] = n - lineStart;
  if (tokens.kind.length <= KEPT_CAPACITY) buffers = tokens;
  return { tokens, comments, end: { line, character: n - lineStart } };
}

/** Recursive descent over the scanned tokens; every method consumes what it parses or gives up. */
class FastParser {
  private t = 0;
  private depth = 0;
  /**
   * Items of the lists being read (entries, list items, arguments, `then` parts), nested ones above outer
   * ones: each list is copied out at its exact length when it ends. Arrays grown by push keep room for 17
   * items or more, most of it unused here (lists of 1 to 5 items): ~10% of a large file's AST.
   */
  private readonly pending: unknown[] = [];
  private top = 0;
  private readonly kind: Uint8Array;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly line: Int32Array;
  private readonly column: Int32Array;

  constructor(
    private readonly text: string,
    tokens: Tokens,
  ) {
    this.kind = tokens.kind;
    this.start = tokens.start;
    this.end = tokens.end;
    this.line = tokens.line;
    this.column = tokens.column;
  }

  file(): Block[] {
    const blocks: Block[] = [];
    for (;;) {
      switch (this.kind[this.t]) {
        case EOF:
          return blocks;
        case DATA:
        case MODEL:
        case PRETRAIN:
          blocks.push(this.namedBlock());
          break;
        case TASK:
          blocks.push(this.taskDecl());
          break;
        case FINETUNE:
        case COMPARE:
          blocks.push(this.runBlock());
          break;
        case EVALUATE:
          blocks.push(this.evaluateBlock());
          break;
        default:
          throw GIVE_UP; // a stray token
      }
    }
  }

  // ---- positions -------------------------------------------------------------------------------------

  private tokenRange(t: number): Span {
    const l = this.line[t]!;
    const c = this.column[t]!;
    return new Span(l, c, l, c + this.end[t]! - this.start[t]!);
  }

  /** From the start of token a to the end of token b. */
  private between(a: number, b: number): Span {
    return new Span(this.line[a]!, this.column[a]!, this.line[b]!, this.column[b]! + this.end[b]! - this.start[b]!);
  }

  // ---- lists of children ---------------------------------------------------------------------------------

  private add(x: unknown): void {
    this.pending[this.top++] = x;
  }

  /** The items added since `base`, as an array of exactly their number. */
  private itemsSince<T>(base: number): T[] {
    const out = this.pending.slice(base, this.top) as T[];
    this.top = base;
    return out;
  }

  // ---- tokens ------------------------------------------------------------------------------------------

  /** Consumes a token of kind `k` and returns its index. */
  private expect(k: number): number {
    if (this.kind[this.t] !== k) throw GIVE_UP;
    return this.t++;
  }

  private ident(t: number): Ident {
    const k = this.kind[t]!;
    const text = k === IDENT ? intern(this.text, this.start[t]!, this.end[t]!) : KEYWORD_TEXT[k]!;
    return { kind: 'ident', text, range: this.tokenRange(t) };
  }

  /** An optional block name: a name token (not a keyword). */
  private blockName(): Ident | null {
    return this.kind[this.t] === IDENT ? this.ident(this.t++) : null;
  }

  private newBlock(kw: number): Block {
    const keywordRange = this.tokenRange(kw);
    const name = this.blockName();
    return { kind: BLOCK_KIND[this.kind[kw]!]!, keywordRange, name, from: null, target: null, runs: null, body: null, range: keywordRange };
  }

  // ---- blocks --------------------------------------------------------------------------------------------

  // data NAME { ... } | model NAME { ... } | pretrain NAME { ... }
  private namedBlock(): Block {
    return this.withBody(this.newBlock(this.t++));
  }

  // task NAME = value
  private taskDecl(): Block {
    const b = this.newBlock(this.t++);
    this.expect(EQUALS);
    const value = this.value();
    b.target = value;
    b.range = join(b.keywordRange, value.range);
    return b;
  }

  // finetune NAME from RUN on TASK { ... } | compare NAME from RUN on TASK { ... }
  private runBlock(): Block {
    const b = this.newBlock(this.t++);
    this.expect(FROM);
    b.from = this.ident(this.expect(IDENT));
    this.expect(ON);
    b.target = this.value();
    return this.withBody(b);
  }

  // evaluate [NAME] [runs] on [tasks] { ... }
  private evaluateBlock(): Block {
    const b = this.newBlock(this.t++);
    if (this.kind[this.t] !== LSQUARE) throw GIVE_UP;
    b.runs = this.list();
    this.expect(ON);
    b.target = this.value();
    return this.withBody(b);
  }

  /** Reads the block's body, which ends the block. */
  private withBody(b: Block): Block {
    b.body = this.body();
    b.range = join(b.keywordRange, b.body.range);
    return b;
  }

  // '{' (key ':' value ','?)* '}'
  private body(): Body {
    const open = this.expect(LCURLY);
    const base = this.top;
    while (isWord(this.kind[this.t]!)) {
      const key = this.ident(this.t++);
      this.expect(COLON);
      const value = this.value();
      this.add({ key, value, range: join(key.range, value.range) } satisfies Entry);
      if (this.kind[this.t] === COMMA) this.t++;
    }
    const close = this.expect(RCURLY);
    return { entries: this.itemsSince<Entry>(base), closed: true, range: this.between(open, close) };
  }

  // ---- values --------------------------------------------------------------------------------------------

  // primary ('then' primary)*
  private value(): Value {
    const first = this.primary();
    if (this.kind[this.t] !== THEN) return first;
    const base = this.top;
    this.add(first);
    while (this.kind[this.t] === THEN) {
      this.t++;
      this.add(this.primary());
    }
    const parts = this.itemsSince<Value>(base);
    return { kind: 'then', parts, range: join(first.range, parts[parts.length - 1]!.range) };
  }

  private primary(): Value {
    switch (this.kind[this.t]) {
      case NUMBER:
        return this.numberOrRange();
      case LSQUARE:
        // Deeper than MAX_NESTING: the chevrotain path reports it (nesting.ts).
        if (this.depth >= MAX_NESTING) throw GIVE_UP;
        return this.list();
      case IDENT:
        return this.call();
      default:
        throw GIVE_UP;
    }
  }

  private number(t: number): NumberValue {
    const text = intern(this.text, this.start[t]!, this.end[t]!);
    return { kind: 'number', value: Number(text), text, range: this.tokenRange(t) };
  }

  // number ('..' number)?
  private numberOrRange(): Value {
    const lo = this.number(this.t++);
    if (this.kind[this.t] !== DOTDOT) return lo;
    this.t++;
    const hi = this.number(this.expect(NUMBER));
    return { kind: 'range', lo, hi, range: join(lo.range, hi.range) };
  }

  // '[' (value (',' value)* ','?)? ']': a trailing comma after the last item, not in an empty list.
  private list(): ListValue {
    const open = this.t++;
    this.depth++;
    const base = this.top;
    if (startsValue(this.kind[this.t]!)) {
      this.add(this.value());
      while (this.kind[this.t] === COMMA && startsValue(this.kind[this.t + 1]!)) {
        this.t++;
        this.add(this.value());
      }
      if (this.kind[this.t] === COMMA) this.t++;
    }
    this.depth--;
    const close = this.expect(RSQUARE);
    return { kind: 'list', items: this.itemsSince<Value>(base), range: this.between(open, close) };
  }

  // name | name '(' (arg (',' arg)*)? ')'
  private call(): Value {
    const name = this.ident(this.t++);
    if (this.kind[this.t] !== LPAREN) return { kind: 'call', name, args: null, argsRange: null, range: name.range };
    if (this.depth >= MAX_NESTING) throw GIVE_UP; // as for lists
    const open = this.t++;
    this.depth++;
    const base = this.top;
    if (startsArg(this.kind[this.t]!)) {
      this.add(this.arg());
      while (this.kind[this.t] === COMMA) {
        this.t++;
        this.add(this.arg());
      }
    }
    this.depth--;
    const close = this.expect(RPAREN);
    const args = this.itemsSince<Arg>(base);
    const argsRange = this.between(open, close);
    const call: CallValue = { kind: 'call', name, args, argsRange, range: join(name.range, argsRange) };
    return call;
  }

  // (word ':')? value
  private arg(): Arg {
    let key: Ident | null = null;
    if (isWord(this.kind[this.t]!) && this.kind[this.t + 1] === COLON) {
      key = this.ident(this.t);
      this.t += 2;
    }
    const value = this.value();
    return { key, value, range: key ? join(key.range, value.range) : value.range };
  }
}

/** From the start of a to the end of b (both made by this parser). */
function join(a: Range, b: Range): Span {
  return new Span((a as Span).startLine, (a as Span).startCharacter, (b as Span).endLine, (b as Span).endCharacter);
}

/** A name or a keyword: what may be a key. */
function isWord(k: number): boolean {
  return k >= IDENT && k <= THEN;
}

function startsValue(k: number): boolean {
  return k === NUMBER || k === LSQUARE || k === IDENT;
}

function startsArg(k: number): boolean {
  return startsValue(k) || isWord(k);
}

/**
 * The AST of `text` when it has no lexing or syntax problem at all (the same AST parser.ts builds); undefined
 * when it may have one, for parse() to run chevrotain.
 */
export function fastParse(text: string): PtxFile | undefined {
  try {
    const { tokens, comments, end } = scan(text);
    const blocks = new FastParser(text, tokens).file();
    return { blocks, comments, range: { start: { line: 0, character: 0 }, end } };
  } catch {
    // GIVE_UP, or a RangeError when nesting is too deep for the stack, or a bug here: in every case the
    // chevrotain path, the grammar of record, parses the text instead.
    return undefined;
  }
}
