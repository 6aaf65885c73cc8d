// Block-level incremental parsing for the language server: one IncrementalParser per open document.
// The text is cut into top-level chunks at lines that start (column 0) with a block keyword followed by
// whitespace and a name or '[', outside block comments; each chunk is parsed with the normal parse()
// and cached by its exact text, so an edit re-parses only the chunk it touched.
//
// Why the combined result equals the full parse: a chunk that parses with no problem is a sequence of
// complete blocks, and no complete block can continue with a block keyword (a body ends at '}', a task
// value continues only with 'then', '(' or '..'), so the full parse reads the same blocks from the same
// tokens; lexing agrees because no token crosses a line start outside block comments. Whenever any chunk
// has a problem, or the text is unusual (lone CR line endings), the full parse() runs instead, so its
// problems, recovery and stray-token handling are always exactly those of parse().
import { Span, type Arg, type Block, type Body, type Comment, type Entry, type Ident, type NumberValue, type Position, type PtxFile, type Range, type Value } from './ast.js';
import { parse, type ParseResult, type SyntaxProblem } from './parse.js';

/** A line that begins a top-level chunk: a block keyword at column 0, whitespace, then a name or '['. */
const CHUNK_START = /(?:data|model|task|pretrain|finetune|compare|evaluate)[ \t]+[A-Za-z_[]/y;

/** The parse of one chunk, with positions relative to the chunk's first line. */
interface ChunkParse {
  blocks: Block[];
  comments: Comment[];
  /** False when the chunk had a problem: the whole text is then parsed in full. */
  clean: boolean;
  /** The latest parse that used this chunk. */
  generation: number;
}

/** A chunk's blocks and comments moved to the line where it is used (the result's objects). */
interface Placed {
  line: number;
  blocks: Block[];
  comments: Comment[];
}

/**
 * Where the blocks of an incremental parse come from, for callers that keep results per block (the
 * incremental analysis): block i was read from chunk `chunks[i]` (an opaque object, the same for as long as
 * that chunk's text is unchanged and cached), as its `indexes[i]`-th block, moved down by `lines[i]` lines.
 * Two blocks with the same chunk, index and line have the same text at the same position.
 */
export interface BlockOrigins {
  readonly chunks: readonly object[];
  readonly indexes: readonly number[];
  readonly lines: readonly number[];
}

/** The origins of an IncrementalParser result's blocks; undefined for any other parse result (a full parse). */
export function blockOrigins(result: ParseResult): BlockOrigins | undefined {
  return result instanceof IncrementalResult ? result.origins : undefined;
}

/** The incremental result: same AST and problems as parse(). */
class IncrementalResult implements ParseResult {
  readonly problems: SyntaxProblem[] = [];

  constructor(
    readonly ast: PtxFile,
    readonly origins: BlockOrigins,
  ) {}
}

/**
 * Parses one document version after another. Results are read-only: a block whose chunk text and line are
 * unchanged since the previous parse is the same object in both results (so an edit that keeps the line
 * count allocates only the blocks of the chunk it touched). Nothing may change an AST after parse()
 * returns it: the analysis, the services and the server's features only read it (parse() itself finishes a
 * recovered block before returning; tests/grammar/incremental.test.ts freezes results and runs the analysis
 * and the services on them).
 */
export class IncrementalParser {
  private cache = new Map<string, ChunkParse>();
  /**
   * The chunks of the latest text in order, with the blocks the result holds: most chunks of the next text
   * are the same, in the same order, and most at the same line (their blocks are then handed out again).
   */
  private previous: Array<{ text: string; chunk: ChunkParse; placed: Placed }> = [];
  /** Parse counter: chunks used by the latest parse carry its number, the others are evicted. */
  private generation = 0;

  /** Same AST and problems as `parse(text)`, re-parsing only the chunks that changed since the last call. */
  parse(text: string): ParseResult {
    // Chevrotain counts a lone CR as a line break; chunks are cut at '\n' only.
    if (text.indexOf('\r') !== -1 && /\r(?!\n)/.test(text)) return this.full(text);
    const gen = ++this.generation;
    const starts = chunkStarts(text);
    const blocks: Block[] = [];
    const comments: Comment[] = [];
    const origins = { chunks: [] as ChunkParse[], indexes: [] as number[], lines: [] as number[] };
    const previous = this.previous;
    const current: Array<{ text: string; chunk: ChunkParse; placed: Placed }> = [];
    // Unchanged chunks keep their order: compare with the previous text's chunks from either end first (a
    // string comparison) and look up the cache (which hashes the text) only for the others.
    const tail = starts.length - previous.length;
    for (let i = 0; i < starts.length; i++) {
      const { offset, line } = starts[i]!;
      const chunkText = text.slice(offset, i + 1 < starts.length ? starts[i + 1]!.offset : text.length);
      const same = previous[i]?.text === chunkText ? previous[i] : previous[i - tail]?.text === chunkText ? previous[i - tail] : undefined;
      let chunk = same?.chunk ?? this.cache.get(chunkText);
      if (!chunk) {
        chunk = parseChunk(chunkText);
        this.cache.set(chunkText, chunk);
      }
      chunk.generation = gen;
      if (!chunk.clean) {
        // Keep the cached chunks after this one too: the next edit usually fixes this chunk, and the
        // others should not all be parsed again then.
        for (let j = i + 1; j < starts.length; j++) {
          const later = text.slice(starts[j]!.offset, j + 1 < starts.length ? starts[j + 1]!.offset : text.length);
          const cached = this.cache.get(later);
          if (cached) cached.generation = gen;
        }
        this.evict(gen);
        this.previous = [];
        return parse(text);
      }
      const placed = same?.placed.line === line ? same.placed : place(chunk, line);
      current.push({ text: chunkText, chunk, placed });
      for (let k = 0; k < placed.blocks.length; k++) {
        blocks.push(placed.blocks[k]!);
        origins.chunks.push(chunk);
        origins.indexes.push(k);
        origins.lines.push(line);
      }
      for (const c of placed.comments) comments.push(c);
    }
    this.evict(gen);
    this.previous = current;
    const lastBreak = text.lastIndexOf('\n');
    const whole: Range = { start: { line: 0, character: 0 }, end: { line: countLines(text), character: text.length - lastBreak - 1 } };
    return new IncrementalResult({ blocks, comments, range: whole }, origins);
  }

  /** Drops the chunks the latest parse did not use (their keys' hashes are cached: no text is hashed again). */
  private evict(gen: number): void {
    for (const [key, chunk] of this.cache) if (chunk.generation !== gen) this.cache.delete(key);
  }

  /** How many chunk parses are cached (only those of the latest text are kept). */
  get cachedChunks(): number {
    return this.cache.size;
  }

  private full(text: string): ParseResult {
    this.cache.clear();
    this.previous = [];
    return parse(text);
  }
}

function parseChunk(chunkText: string): ChunkParse {
  const r = parse(chunkText);
  return { blocks: r.ast.blocks, comments: r.ast.comments, clean: r.problems.length === 0, generation: 0 };
}

/** A chunk's blocks and comments at `line` (the parse itself at line 0). */
function place(chunk: ChunkParse, line: number): Placed {
  if (line === 0) return { line, blocks: chunk.blocks, comments: chunk.comments };
  return {
    line,
    blocks: chunk.blocks.map((b) => shiftBlock(b, line)),
    comments: chunk.comments.map((c) => ({ text: c.text, range: shiftRange(c.range, line) })),
  };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Where each chunk starts (offset and 0-based line). The first chunk always starts at 0 and holds any
 * leading comments or whitespace; anything else before the first block makes that chunk unclean.
 */
function chunkStarts(text: string): { offset: number; line: number }[] {
  const starts = [{ offset: 0, line: 0 }];
  let inBlockComment = false;
  let line = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    if (!inBlockComment && lineStart > 0) {
      CHUNK_START.lastIndex = lineStart;
      if (CHUNK_START.test(text)) starts.push({ offset: lineStart, line });
    }
    inBlockComment = commentStateAfter(text, lineStart, lineEnd, inBlockComment);
    if (lineEnd === text.length) break;
    lineStart = lineEnd + 1;
    line++;
  }
  return starts;
}

/** Whether a block comment is still open at the end of the line [from, to), as the lexer reads it. */
function commentStateAfter(text: string, from: number, to: number, open: boolean): boolean {
  let i = from;
  while (i < to) {
    if (open) {
      const close = text.indexOf('*/', i);
      if (close === -1 || close + 2 > to) return true;
      open = false;
      i = close + 2;
      continue;
    }
    const slash = text.indexOf('/', i);
    if (slash === -1 || slash >= to - 1) return false;
    const c = text.charCodeAt(slash + 1);
    if (c === 0x2f) return false; // '//': a line comment to the end of the line
    if (c === 0x2a) {
      open = true; // '/*': the closing '*/' is searched from after the opener, as the lexer's pattern does
      i = slash + 2;
      continue;
    }
    i = slash + 1;
  }
  return open;
}

// Copies with every line moved by `dl` (a chunk's parse is at line 0; the copies are what results hold).

function shiftPos(p: Position, dl: number): Position {
  return { line: p.line + dl, character: p.character };
}

// Chunks that reach here were parsed by the fast path (a chunk with a problem sends the whole text to
// parse()), so their ranges are Spans, and so are the moved ones: a result equals the full parse's.
function shiftRange(r: Range, dl: number): Range {
  if (r instanceof Span) return new Span(r.startLine + dl, r.startCharacter, r.endLine + dl, r.endCharacter);
  return { start: shiftPos(r.start, dl), end: shiftPos(r.end, dl) };
}

function shiftIdent(id: Ident, dl: number): Ident {
  return { kind: 'ident', text: id.text, range: shiftRange(id.range, dl) };
}

function shiftNumber(n: NumberValue, dl: number): NumberValue {
  return { kind: 'number', value: n.value, text: n.text, range: shiftRange(n.range, dl) };
}

function shiftArg(a: Arg, dl: number): Arg {
  return { key: a.key && shiftIdent(a.key, dl), value: a.value && shiftValue(a.value, dl), range: shiftRange(a.range, dl) };
}

function shiftValue(v: Value, dl: number): Value {
  switch (v.kind) {
    case 'number':
      return shiftNumber(v, dl);
    case 'range':
      return { kind: 'range', lo: shiftNumber(v.lo, dl), hi: v.hi && shiftNumber(v.hi, dl), range: shiftRange(v.range, dl) };
    case 'list':
      return { kind: 'list', items: v.items.map((x) => shiftValue(x, dl)), range: shiftRange(v.range, dl) };
    case 'call':
      return {
        kind: 'call',
        name: shiftIdent(v.name, dl),
        args: v.args && v.args.map((a) => shiftArg(a, dl)),
        argsRange: v.argsRange && shiftRange(v.argsRange, dl),
        range: shiftRange(v.range, dl),
      };
    case 'then':
      return { kind: 'then', parts: v.parts.map((x) => shiftValue(x, dl)), range: shiftRange(v.range, dl) };
  }
}

function shiftEntry(e: Entry, dl: number): Entry {
  return { key: shiftIdent(e.key, dl), value: e.value && shiftValue(e.value, dl), range: shiftRange(e.range, dl) };
}

function shiftBody(b: Body, dl: number): Body {
  return { entries: b.entries.map((e) => shiftEntry(e, dl)), closed: b.closed, range: shiftRange(b.range, dl) };
}

function shiftBlock(b: Block, dl: number): Block {
  return {
    kind: b.kind,
    keywordRange: shiftRange(b.keywordRange, dl),
    name: b.name && shiftIdent(b.name, dl),
    from: b.from && shiftIdent(b.from, dl),
    target: b.target && shiftValue(b.target, dl),
    runs: b.runs && (shiftValue(b.runs, dl) as typeof b.runs),
    body: b.body && shiftBody(b.body, dl),
    range: shiftRange(b.range, dl),
  };
}
