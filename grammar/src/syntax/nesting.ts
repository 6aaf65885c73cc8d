// Lists and calls nest (`f(g([h(1)]))`), and both parsers descend one level per bracket: thousands of
// levels would overflow the stack, which used to turn the whole file into one internal error. The limit is
// applied to the token vector before chevrotain sees it: the contents of a bracket opened deeper than
// MAX_NESTING are cut out (the brackets themselves stay, so `[a, <too deep>, b]` still parses as a list
// of three), the cut is one located `nesting-too-deep` problem, and everything around it, the rest of
// the file included, parses and is analysed as usual. The fast path gives up at the same depth.
import type { IToken, TokenType } from 'chevrotain';
import type { Range } from './ast.js';
import type { LineStarts } from './lines.js';
import { tokenRange } from './parser.js';
import { Colon, Compare, Data, Evaluate, Finetune, LCurly, LParen, LSquare, Model, Pretrain, RCurly, RParen, RSquare, Task } from './tokens.js';

/** The deepest nesting of lists and argument lists that is parsed. */
export const MAX_NESTING = 64;

export interface NestingCut {
  range: Range;
  message: string;
}

function opens(type: TokenType): boolean {
  return type === LSquare || type === LParen;
}

function closes(type: TokenType): boolean {
  return type === RSquare || type === RParen;
}

const BLOCK_KEYWORDS: ReadonlySet<TokenType> = new Set([Data, Model, Task, Pretrain, Finetune, Compare, Evaluate]);

/**
 * Where values cannot go on: a brace (bodies are never inside values) or a block keyword that is not an
 * argument's key (`f(data: 1)`). Nesting starts again from 0 there, so an unclosed bracket cannot make a
 * cut swallow the blocks after it.
 */
function endsValues(tokens: IToken[], i: number): boolean {
  const type = tokens[i]!.tokenType;
  return type === LCurly || type === RCurly || (BLOCK_KEYWORDS.has(type) && tokens[i + 1]?.tokenType !== Colon);
}

/** `tokens` without the contents of brackets nested deeper than MAX_NESTING, and where they were cut. */
export function limitNesting(tokens: IToken[], lines: LineStarts): { tokens: IToken[]; cuts: NestingCut[] } {
  let depth = 0;
  let i = 0;
  for (; i < tokens.length; i++) {
    const type = tokens[i]!.tokenType;
    if (opens(type)) {
      if (++depth > MAX_NESTING) break;
    } else if (closes(type)) {
      if (depth > 0) depth--;
    } else if (endsValues(tokens, i)) depth = 0;
  }
  if (i === tokens.length) return { tokens, cuts: [] }; // the common case: nothing copied

  const out = tokens.slice(0, i);
  const cuts: NestingCut[] = [];
  depth--;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (opens(t.tokenType) && depth === MAX_NESTING) {
      // Keep the opening bracket, skip to its partner (kept too), to where values end, or to the end.
      out.push(t);
      let inner = 0;
      let j = i + 1;
      for (; j < tokens.length; j++) {
        const k = tokens[j]!.tokenType;
        if (endsValues(tokens, j)) break;
        if (opens(k)) inner++;
        else if (closes(k) && inner-- === 0) break;
      }
      const last = tokens[Math.min(j, tokens.length) - 1]!;
      const closer = j < tokens.length && closes(tokens[j]!.tokenType) ? tokens[j]! : last;
      cuts.push({
        range: { start: tokenRange(t, lines).start, end: tokenRange(closer, lines).end },
        message: `lists and calls nest more than ${MAX_NESTING} levels deep here; what is inside this bracket is skipped`,
      });
      i = j;
      if (j < tokens.length && closes(tokens[j]!.tokenType)) {
        out.push(tokens[j]!);
        i++;
      }
      continue;
    }
    if (opens(t.tokenType)) depth++;
    else if (closes(t.tokenType)) {
      if (depth > 0) depth--;
    } else if (endsValues(tokens, i)) depth = 0;
    out.push(t);
    i++;
  }
  return { tokens: out, cuts };
}
