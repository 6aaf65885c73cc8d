// parse(text): tokens → CST → AST, with every lexing and parsing problem as a located error.
// Never throws: any unexpected failure becomes an error on the whole text.
import type { IRecognitionException, IToken } from 'chevrotain';
import type { Comment, PtxFile, Range } from './ast.js';
import { buildBlock, realToken, subs, tokenEnd, tokenRange } from './build-ast.js';
import { getParser } from './parser.js';
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
  if (realToken(e.token) && e.token.tokenType.name !== 'EOF') return tokenRange(e.token);
  // At end of file: point just after the last real token.
  const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
  const last = prev && realToken(prev) ? prev : tokens[tokens.length - 1];
  if (last) {
    const end = tokenEnd(last);
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
  const cst = parser.file();
  for (const e of parser.errors) problems.push({ code: 'syntax-error', message: messageFor(e), range: problemRange(e, lexed.tokens, text) });

  const blocks = [];
  // Stray tokens at the top level: one problem per run of consecutive stray tokens.
  const strays = (cst.children['stray'] ?? []) as IToken[];
  let runStart: IToken | undefined;
  let runEnd: IToken | undefined;
  const flush = (): void => {
    if (!runStart || !runEnd) return;
    problems.push({
      code: 'stray-token',
      message: `unexpected ${describeToken(runStart)}: expected a block (data, model, task, pretrain, finetune, compare, evaluate)`,
      range: { start: tokenRange(runStart).start, end: tokenEnd(runEnd) },
    });
    runStart = runEnd = undefined;
  };
  const sortedStrays = strays.filter(realToken).sort((a, b) => a.startOffset - b.startOffset);
  const blockNodes = subs(cst, 'block');
  let bi = 0;
  const blockStarts = blockNodes.map((b) => firstOffset(b));
  for (const t of sortedStrays) {
    // A block between two stray tokens ends the run.
    while (bi < blockStarts.length && blockStarts[bi]! < t.startOffset) bi++;
    if (runEnd && bi > 0 && blockStarts[bi - 1]! > runEnd.startOffset) flush();
    if (!runStart) runStart = t;
    runEnd = t;
  }
  flush();
  for (const b of blockNodes) {
    const block = buildBlock(b);
    if (block) blocks.push(block);
  }
  const whole: Range = { start: { line: 0, character: 0 }, end: endOfText(text).end };
  problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { ast: { blocks, comments, range: whole }, problems, tokens: lexed.tokens };
}

function firstOffset(node: import('chevrotain').CstNode): number {
  let min = Infinity;
  const walk = (n: import('chevrotain').CstNode): void => {
    for (const k in n.children) {
      for (const c of n.children[k]!) {
        if ((c as IToken).image !== undefined) {
          const t = c as IToken;
          if (realToken(t) && t.startOffset < min) min = t.startOffset;
        } else walk(c as import('chevrotain').CstNode);
      }
    }
  };
  walk(node);
  return min;
}
