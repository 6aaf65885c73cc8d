// parse(text): tokens → CST → AST, with every lexing and parsing problem as a located error.
// Never throws: any unexpected failure becomes an error on the whole text.
import type { IRecognitionException, IToken } from 'chevrotain';
import type { Comment, PtxFile, Range } from './ast.js';
import type { FileResult } from './parser.js';
import { getParser, realToken, tokenRange } from './parser.js';
import { ptxLexer } from './tokens.js';

export interface SyntaxProblem {
  code: 'unexpected-character' | 'syntax-error' | 'stray-token' | 'internal-error';
  message: string;
  range: Range;
}

export interface ParseResult {
  ast: PtxFile;
  problems: SyntaxProblem[];
  tokens: IToken[];
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

function endOfText(text: string): Range {
  const lines = text.split(/\r\n|\r|\n/);
  const pos = { line: lines.length - 1, character: lines[lines.length - 1]!.length };
  return { start: pos, end: pos };
}

function problemRange(e: IRecognitionException, tokens: IToken[], text: string): Range {
  if (realToken(e.token)) return tokenRange(e.token);
  // At end of file: point just after the last real token.
  const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
  const last = prev && realToken(prev) ? prev : tokens[tokens.length - 1];
  if (last) {
    const end = tokenRange(last).end;
    return { start: end, end };
  }
  return endOfText(text);
}

export function parse(text: string): ParseResult {
  try {
    return parseUnsafe(text);
  } catch (err) {
    return {
      ast: { blocks: [], comments: [], range: endOfText(text) },
      problems: [{ code: 'internal-error', message: `the parser failed: ${err instanceof Error ? err.message : String(err)}`, range: endOfText(text) }],
      tokens: [],
    };
  }
}

function parseUnsafe(text: string): ParseResult {
  const lexed = ptxLexer.tokenize(text);
  const problems: SyntaxProblem[] = [];
  for (const e of lexed.errors) {
    const line = (e.line ?? 1) - 1;
    const character = (e.column ?? 1) - 1;
    const snippet = text.substr(e.offset, Math.min(e.length, 12));
    problems.push({
      code: 'unexpected-character',
      message: `unexpected character${e.length > 1 ? 's' : ''} ${JSON.stringify(snippet)}${e.length > 12 ? '…' : ''}`,
      range: { start: { line, character }, end: { line, character: character + Math.max(1, Math.min(e.length, 1000)) } },
    });
  }
  const commentTokens = (lexed.groups['comments'] ?? []) as IToken[];
  const comments: Comment[] = commentTokens.map((t) => ({ text: t.image, range: tokenRange(t) }));
  for (const t of commentTokens) {
    if (t.tokenType.name === 'UnterminatedComment') {
      const start = tokenRange(t).start;
      problems.push({ code: 'syntax-error', message: "unterminated comment: '/*' has no closing '*/'", range: { start, end: { line: start.line, character: start.character + 2 } } });
    }
  }
  const parser = getParser();
  parser.load(lexed.tokens);
  parser.file();
  // Read the parser's partial results rather than the rule's return value: when recovery abandons the
  // top-level rule (an unfinished last block), the blocks before it must not vanish.
  const result: FileResult = parser.partial();
  for (const e of parser.errors) problems.push({ code: 'syntax-error', message: messageFor(e), range: problemRange(e, lexed.tokens, text) });
  const blocks = (result?.blocks ?? []).filter((b) => b !== null);

  // Stray tokens at the top level: one problem per run of consecutive stray tokens (a block between two
  // stray tokens ends the run).
  const strays = (result?.strays ?? []).filter(realToken);
  let bi = 0;
  let runStart: IToken | undefined;
  let runEnd: IToken | undefined;
  const flush = (): void => {
    if (!runStart || !runEnd) return;
    problems.push({
      code: 'stray-token',
      message: `unexpected ${describeToken(runStart)}: expected a block (data, model, task, pretrain, finetune, compare, evaluate)`,
      range: { start: tokenRange(runStart).start, end: tokenRange(runEnd).end },
    });
    runStart = runEnd = undefined;
  };
  for (const t of strays) {
    let blockBetween = false;
    while (bi < blocks.length && before(blocks[bi]!.range.start, t)) {
      if (runEnd && !before(blocks[bi]!.range.start, runEnd)) blockBetween = true;
      bi++;
    }
    if (blockBetween) flush();
    // Recovery abandoned a block before its closing brace: the brace belongs to that block.
    const owner = bi > 0 ? blocks[bi - 1] : undefined;
    if (t.tokenType.name === 'RCurly' && !runStart && owner?.body && !owner.body.closed) {
      owner.body.closed = true;
      owner.body.range = { start: owner.body.range.start, end: tokenRange(t).end };
      owner.range = { start: owner.range.start, end: tokenRange(t).end };
      continue;
    }
    if (!runStart) runStart = t;
    runEnd = t;
  }
  flush();
  const whole: Range = { start: { line: 0, character: 0 }, end: endOfText(text).end };
  problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { ast: { blocks, comments, range: whole }, problems, tokens: lexed.tokens };
}

/** Whether a position comes before a token's start. */
function before(p: { line: number; character: number }, t: IToken): boolean {
  const line = (t.startLine ?? 1) - 1;
  return p.line < line || (p.line === line && p.character < (t.startColumn ?? 1) - 1);
}
