// The .ptx formatter: keeps the author's line breaks (at most one blank line in a row) and comments, and
// normalises everything else: indentation by bracket depth, one space after ':' and ',', none inside
// brackets or around '..', spaces around '=' and before '{', two spaces between entries on one line and
// before a trailing line comment. Idempotent by construction (its output is a fixed point of its rules),
// and it refuses text it cannot lex, or any output that would not lex to the same tokens.
import type { IToken } from 'chevrotain';
import { ptxLexer } from '../syntax/tokens.js';

export interface FormatOptions {
  /** Spaces per indentation level (LSP's tabSize). */
  indent: number;
  /** Indent with tabs instead of spaces. */
  useTabs: boolean;
}

const OPENERS = new Set(['LCurly', 'LSquare', 'LParen']);
const CLOSERS = new Set(['RCurly', 'RSquare', 'RParen']);
const COMMENTS = new Set(['LineComment', 'BlockComment', 'UnterminatedComment']);

function allTokens(text: string): IToken[] | null {
  const lexed = ptxLexer.tokenize(text);
  if (lexed.errors.length > 0) return null;
  const comments = (lexed.groups['comments'] ?? []) as IToken[];
  return [...lexed.tokens, ...comments].sort((a, b) => a.startOffset - b.startOffset);
}

function isWord(t: IToken | undefined): boolean {
  return !!t && (t.tokenType.name === 'Identifier' || t.tokenType.name.startsWith('Kw_'));
}

/** Spaces between two tokens on the same line. */
function gap(prev: IToken, cur: IToken, next: IToken | undefined, inBody: boolean): string {
  const p = prev.tokenType.name;
  const c = cur.tokenType.name;
  if (c === 'LineComment') return '  ';
  if (c === 'BlockComment' || c === 'UnterminatedComment' || COMMENTS.has(p)) return ' ';
  if (c === 'Colon' || c === 'Comma' || c === 'DotDot' || p === 'DotDot') return '';
  if (p === 'LParen' || p === 'LSquare' || c === 'RParen' || c === 'RSquare') return '';
  if (c === 'LParen') return isWord(prev) ? '' : ' ';
  if (p === 'LCurly' || c === 'RCurly' || c === 'LCurly' || c === 'Equals' || p === 'Equals') return ' ';
  if (p === 'Colon' || p === 'Comma') return ' ';
  // A key that starts another entry on the same line: two spaces, as in `{ layers: 1  heads: 1 }`.
  if (inBody && isWord(cur) && next?.tokenType.name === 'Colon') return '  ';
  return ' ';
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 10) n++;
    else if (ch === 13) {
      if (s.charCodeAt(i + 1) === 10) i++;
      n++;
    }
  }
  return n;
}

/** The formatted text, or null when the text cannot be formatted safely (it does not lex). */
export function formatText(text: string, options: FormatOptions = { indent: 2, useTabs: false }): string | null {
  const tokens = allTokens(text);
  if (!tokens) return null;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const unit = options.useTabs ? '\t' : ' '.repeat(Math.max(0, options.indent));
  const out: string[] = [];
  const stack: string[] = [];
  let line = '';
  const flush = (): void => {
    out.push(line.replace(/[ \t]+$/, ''));
    line = '';
  };
  let prev: IToken | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const name = t.tokenType.name;
    const between = prev ? text.slice(prev.startOffset + prev.image.length, t.startOffset) : '';
    const breaks = prev ? countNewlines(between) : 0;
    if (!prev || breaks > 0) {
      if (prev) {
        flush();
        if (breaks > 1) out.push('');
      }
      // A line that starts with closers is indented at the depth they return to.
      let depth = stack.length;
      for (let j = i; j < tokens.length && CLOSERS.has(tokens[j]!.tokenType.name) && depth > 0; j++) {
        const before = j === i ? '' : text.slice(tokens[j - 1]!.startOffset + tokens[j - 1]!.image.length, tokens[j]!.startOffset);
        if (countNewlines(before) > 0) break;
        depth--;
      }
      line = unit.repeat(depth);
    } else {
      line += gap(prev, t, tokens[i + 1], stack[stack.length - 1] === 'LCurly');
    }
    line += t.image;
    if (OPENERS.has(name)) stack.push(name);
    else if (CLOSERS.has(name)) {
      const want = name === 'RCurly' ? 'LCurly' : name === 'RSquare' ? 'LSquare' : 'LParen';
      const at = stack.lastIndexOf(want);
      if (at >= 0) stack.length = at;
    }
    prev = t;
  }
  if (prev) flush();
  const result = out.length ? out.join(eol) + eol : '';
  // Never change meaning: the output must lex to exactly the same tokens.
  const again = allTokens(result);
  if (!again || again.length !== tokens.length || again.some((t, k) => t.image !== tokens[k]!.image || t.tokenType !== tokens[k]!.tokenType)) return null;
  return result;
}
