// The typed AST of a .ptx file. Every node keeps its source range (0-based lines and UTF-16 columns, as in
// LSP). Nodes that the parser had to recover may have missing parts: those fields are null, never absent.

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

export interface Node {
  range: Range;
}

export interface Ident extends Node {
  kind: 'ident';
  text: string;
}

export interface NumberValue extends Node {
  kind: 'number';
  value: number;
  text: string;
}

export interface RangeValue extends Node {
  kind: 'range';
  lo: NumberValue;
  hi: NumberValue | null;
}

export interface ListValue extends Node {
  kind: 'list';
  items: Value[];
}

export interface Arg extends Node {
  /** Named argument key, or null for a positional argument. */
  key: Ident | null;
  value: Value | null;
}

/** `name` or `name(args)`: a reference, an enum word, a primitive, a method or an optimizer. */
export interface CallValue extends Node {
  kind: 'call';
  name: Ident;
  /** null when written without parentheses. */
  args: Arg[] | null;
  /** Range of the parenthesised argument list, when present. */
  argsRange: Range | null;
}

/** `a then b then c`: a composition of task expressions. */
export interface ThenValue extends Node {
  kind: 'then';
  parts: Value[];
}

export type Value = NumberValue | RangeValue | ListValue | CallValue | ThenValue;

export interface Entry extends Node {
  key: Ident;
  value: Value | null;
}

export interface Body extends Node {
  entries: Entry[];
  /** False when the closing brace was missing and the parser inserted it. */
  closed: boolean;
}

export type BlockKind = 'data' | 'model' | 'task' | 'pretrain' | 'finetune' | 'compare' | 'evaluate';

export interface Block extends Node {
  kind: BlockKind;
  /** Range of the leading keyword. */
  keywordRange: Range;
  name: Ident | null;
  /** finetune/compare: the run it starts from. */
  from: Ident | null;
  /** finetune/compare: the target task; evaluate: the tasks (a list). task: its definition. */
  target: Value | null;
  /** evaluate: the runs list. */
  runs: ListValue | null;
  body: Body | null;
}

export interface Comment extends Node {
  text: string;
}

export interface PtxFile extends Node {
  blocks: Block[];
  comments: Comment[];
}

/**
 * The range of a node made by the fast parser (fast-parse.ts): four numbers, its positions made when read.
 * Most ranges of a large file are never read, and a range with two position objects was two thirds of the
 * AST's objects (a 10,000-line spec: 259k of 379k; parsing it is ~15% faster with Spans). It serialises to
 * `{start, end}` like any Range. Code that keeps a range beyond the AST (diagnostics, see
 * analysis/context.ts) copies it with `plainRange`.
 */
export class Span implements Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}

  get start(): Position {
    return { line: this.startLine, character: this.startCharacter };
  }

  get end(): Position {
    return { line: this.endLine, character: this.endCharacter };
  }

  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}

/** A range as a plain `{start, end}` object (a copy). */
export function plainRange(r: Range): Range {
  return { start: r.start, end: r.end };
}
