// parse(text): tokens → AST, with every lexing and parsing problem as a located error.
// Never throws: any unexpected failure becomes an error on the whole text.
// Well-formed text takes the fast path (fast-parse.ts, the same AST); anything else goes through the
// chevrotain lexer and parser, whose error recovery and messages are the ones reported.
import type { IRecognitionException, IToken } from 'chevrotain';
import type { Comment, Position, PtxFile, Range } from './ast.js';
import type { FileResult } from './parser.js';
import { fastParse } from './fast-parse.js';
import { getParser, realToken, tokenRange } from './parser.js';
import { LineStarts } from './lines.js';
import { limitNesting } from './nesting.js';
import { ptxLexer, RCurly, UnterminatedComment } from './tokens.js';

export interface SyntaxProblem {
  code: 'unexpected-character' | 'syntax-error' | 'stray-token' | 'nesting-too-deep' | 'internal-error';
  message: string;
  range: Range;
}

export interface ParseResult {
  ast: PtxFile;
  problems: SyntaxProblem[];
}

const TOKEN_TEXT: Record<string, string> = {
  LCurly: "'{'",
  RCurly: "'}'",
  LSquare: "'['",
  RSquare: "']'",
  LParen: "'('",
  RParen: "')'",
  Colon: "':'",
  Comma: "','",
  Equals: "'='",
  DotDot: "'..'",
  NumberLit: 'a number',
  Identifier: 'a name',
  EOF: 'end of file',
};

function describeType(name: string): string {
  if (name.startsWith('Kw_')) return `'${name.slice(3)}'`;
  return TOKEN_TEXT[name] ?? name;
}

function describeToken(t: IToken): string {
  if (t.tokenType.name === 'EOF') return 'end of file';
  return `'${t.image.length > 24 ? t.image.slice(0, 24) + '…' : t.image}'`;
}

const RULE_TEXT: Record<string, string> = {
  block: 'a block (data, model, task, pretrain, finetune, compare, evaluate)',
  body: "a '{ key: value }' body",
  entry: "an entry 'key: value'",
  value: 'a value',
  primary: 'a value (a number, a list or a name)',
  word: 'a key',
  list: 'a list',
  call: 'a name',
  arg: 'an argument',
};

function messageFor(e: IRecognitionException): string {
  const found = describeToken(e.token);
  const rule = e.context.ruleStack[e.context.ruleStack.length - 1] ?? 'file';
  switch (e.name) {
    case 'MismatchedTokenException': {
      const m = /-->\s*(\S+)\s*<--/.exec(e.message);
      const expected = m ? describeType(m[1]!.replace(/^'|'$/g, '')) : 'something else';
      return `expected ${expected} but found ${found}`;
    }
    case 'NoViableAltException':
      return `expected ${RULE_TEXT[rule] ?? rule} but found ${found}`;
    case 'EarlyExitException':
      return `expected at least one ${RULE_TEXT[rule] ?? rule} but found ${found}`;
    case 'NotAllInputParsedException':
      return `unexpected ${found} after the end of the spec`;
    default:
      return `${e.name}: unexpected ${found}`;
  }
}

/**
 * The range of a comment token, as the lexer used to report it when it tracked lines itself: a comment that
 * ends with a line break ends before it on its last line, except that one with a single line break, at
 * its end, ends on its first line just after the break.
 */
function commentRange(t: IToken, lines: LineStarts): Range {
  const start = lines.position(t.startOffset);
  const endOffset = t.startOffset + t.image.length;
  const last = t.image.charCodeAt(t.image.length - 1);
  if (last !== 10 && last !== 13) return { start, end: lines.position(endOffset) };
  const breaks = lines.lineOf(endOffset) - start.line;
  if (breaks === 1) return { start, end: { line: start.line, character: start.character + t.image.length } };
  return { start, end: { line: start.line + breaks - 1, character: 1 } };
}

function problemRange(e: IRecognitionException, tokens: IToken[], lines: LineStarts): Range {
  if (realToken(e.token)) return tokenRange(e.token, lines);
  // At end of file: point just after the last real token.
  const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
  const last = prev && realToken(prev) ? prev : tokens[tokens.length - 1];
  if (last) {
    const end = tokenRange(last, lines).end;
    return { start: end, end };
  }
  const end = lines.end();
  return { start: end, end };
}

export function parse(text: string): ParseResult {
  try {
    const ast = fastParse(text);
    if (ast) return { ast, problems: [] };
    return parseWithChevrotain(text);
  } catch (err) {
    let end: Position;
    try {
      end = new LineStarts(text).end();
    } catch {
      end = { line: 0, character: 0 };
    }
    return {
      ast: { blocks: [], comments: [], range: { start: end, end } },
      problems: [{ code: 'internal-error', message: `the parser failed: ${err instanceof Error ? err.message : String(err)}`, range: { start: end, end } }],
    };
  }
}

/** The chevrotain path alone (may throw; parse() catches). Exported for the test that compares the two paths. */
export function parseWithChevrotain(text: string): ParseResult {
  const lexed = ptxLexer.tokenize(text);
  const lines = new LineStarts(text);
  const problems: SyntaxProblem[] = [];
  for (const e of lexed.errors) {
    const { line, character } = lines.position(e.offset);
    const snippet = text.substr(e.offset, Math.min(e.length, 12));
    problems.push({
      code: 'unexpected-character',
      message: `unexpected character${e.length > 1 ? 's' : ''} ${JSON.stringify(snippet)}${e.length > 12 ? '…' : ''}`,
      range: { start: { line, character }, end: { line, character: character + Math.max(1, Math.min(e.length, 1000)) } },
    });
  }
  const commentTokens = (lexed.groups['comments'] ?? []) as IToken[];
  const comments: Comment[] = new Array<Comment>(commentTokens.length);
  for (let i = 0; i < commentTokens.length; i++) {
    const t = commentTokens[i]!;
    const range = commentRange(t, lines);
    comments[i] = { text: t.image, range };
    if (t.tokenType === UnterminatedComment) {
      const start = range.start;
      problems.push({ code: 'syntax-error', message: "unterminated comment: '/*' has no closing '*/'", range: { start, end: { line: start.line, character: start.character + 2 } } });
    }
  }
  const nesting = limitNesting(lexed.tokens, lines);
  for (const cut of nesting.cuts) problems.push({ code: 'nesting-too-deep', message: cut.message, range: cut.range });
  const parser = getParser();
  parser.load(nesting.tokens, lines);
  parser.file();
  // Read the parser's partial results rather than the rule's return value: when recovery abandons the
  // top-level rule (an unfinished last block), the blocks before it must not vanish.
  const result: FileResult = parser.partial();
  for (const e of parser.errors) problems.push({ code: 'syntax-error', message: messageFor(e), range: problemRange(e, nesting.tokens, lines) });
  const blocks = result.blocks;

  // Stray tokens at the top level: one problem per run of consecutive stray tokens (a block between two
  // stray tokens ends the run).
  const strays = result.strays.filter(realToken);
  let bi = 0;
  let runStart: IToken | undefined;
  let runEnd: IToken | undefined;
  const flush = (): void => {
    if (!runStart || !runEnd) return;
    problems.push({
      code: 'stray-token',
      message: `unexpected ${describeToken(runStart)}: expected a block (data, model, task, pretrain, finetune, compare, evaluate)`,
      range: { start: tokenRange(runStart, lines).start, end: tokenRange(runEnd, lines).end },
    });
    runStart = runEnd = undefined;
  };
  for (const t of strays) {
    let blockBetween = false;
    while (bi < blocks.length && before(blocks[bi]!.range.start, t, lines)) {
      if (runEnd && !before(blocks[bi]!.range.start, runEnd, lines)) blockBetween = true;
      bi++;
    }
    if (blockBetween) flush();
    // Recovery abandoned a block before its closing brace: the brace belongs to that block.
    const owner = bi > 0 ? blocks[bi - 1] : undefined;
    if (t.tokenType === RCurly && !runStart && owner?.body && !owner.body.closed) {
      const end = tokenRange(t, lines).end;
      owner.body.closed = true;
      owner.body.range = { start: owner.body.range.start, end };
      owner.range = { start: owner.range.start, end };
      continue;
    }
    if (!runStart) runStart = t;
    runEnd = t;
  }
  flush();
  const whole: Range = { start: { line: 0, character: 0 }, end: lines.end() };
  if (problems.length > 1) problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { ast: { blocks, comments, range: whole }, problems };
}

/** Whether a position comes before a token's start. */
function before(p: Position, t: IToken, lines: LineStarts): boolean {
  const { line, character } = lines.position(t.startOffset);
  return p.line < line || (p.line === line && p.character < character);
}
