// Tokens of the .ptx language. Keywords are also valid as keys and argument names (`model: tiny`), so the
// parser accepts any word token where a key is expected.
import { createToken, Lexer, type ILexingResult, type TokenType } from 'chevrotain';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });
/** A block comment that never closes: kept as a comment (so nothing after it is misread) and reported. */
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, group: 'comments', line_breaks: true });

/** Category of every word token: keys and argument names may be keywords (`model: tiny`). */
export const Word = createToken({ name: 'Word', pattern: Lexer.NA });
/** Category of tokens that cannot start a block: consumed one by one at the top level after an error. */
export const Stray = createToken({ name: 'Stray', pattern: Lexer.NA });

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Word, Stray] });

// Keywords are not patterns of their own: the lexer reads every word as an Identifier and `tokenize` below
// retypes the ones that are keywords (one table lookup per word, instead of a keyword pattern and a second
// Identifier match with `longer_alt` for every word that starts like a keyword). The token types stay in the
// vocabulary with their categories, so the parser matches them as before.
function keyword(name: string, stray = false): TokenType {
  return createToken({ name: `Kw_${name}`, pattern: Lexer.NA, categories: stray ? [Word, Stray] : [Word] });
}

export const Data = keyword('data');
export const Model = keyword('model');
export const Task = keyword('task');
export const Pretrain = keyword('pretrain');
export const Finetune = keyword('finetune');
export const Compare = keyword('compare');
export const Evaluate = keyword('evaluate');
export const From = keyword('from', true);
export const On = keyword('on', true);
export const Then = keyword('then', true);

export const BLOCK_KEYWORDS = [Data, Model, Task, Pretrain, Finetune, Compare, Evaluate];
export const KEYWORDS = [...BLOCK_KEYWORDS, From, On, Then];

export const NumberLit = createToken({ name: 'NumberLit', categories: [Stray], pattern: /-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/ });
export const DotDot = createToken({ name: 'DotDot', categories: [Stray], pattern: /\.\./ });
export const LCurly = createToken({ name: 'LCurly', categories: [Stray], pattern: /\{/ });
export const RCurly = createToken({ name: 'RCurly', categories: [Stray], pattern: /\}/ });
export const LSquare = createToken({ name: 'LSquare', categories: [Stray], pattern: /\[/ });
export const RSquare = createToken({ name: 'RSquare', categories: [Stray], pattern: /\]/ });
export const LParen = createToken({ name: 'LParen', categories: [Stray], pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', categories: [Stray], pattern: /\)/ });
export const Colon = createToken({ name: 'Colon', categories: [Stray], pattern: /:/ });
export const Comma = createToken({ name: 'Comma', categories: [Stray], pattern: /,/ });
export const Equals = createToken({ name: 'Equals', categories: [Stray], pattern: /=/ });

// Order matters: comments before anything starting with '/', DotDot before numbers.
export const ALL_TOKENS: TokenType[] = [
  Word,
  Stray,
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  ...KEYWORDS,
  Identifier,
  DotDot,
  NumberLit,
  LCurly,
  RCurly,
  LSquare,
  RSquare,
  LParen,
  RParen,
  Colon,
  Comma,
  Equals,
];

// Keywords by length and first character: no string hashing on the hot path (a Map lookup hashed every
// word the lexer read, which cost as much as matching it).
const LONGEST_KEYWORD = Math.max(...KEYWORDS.map((k) => k.name.length - 3));
const KEYWORD_SLOTS = new Array<(readonly [string, TokenType])[] | undefined>((LONGEST_KEYWORD + 1) << 7).fill(undefined);
for (const k of KEYWORDS) {
  const text = k.name.slice(3);
  (KEYWORD_SLOTS[(text.length << 7) | text.charCodeAt(0)] ??= []).push([text, k]);
}

/** The keyword spelled `word`, if any: [its text, its token type]. */
function keywordOf(word: string): readonly [string, TokenType] | undefined {
  if (word.length > LONGEST_KEYWORD) return undefined;
  const slot = KEYWORD_SLOTS[(word.length << 7) | (word.charCodeAt(0) & 127)];
  if (slot === undefined) return undefined;
  for (const kw of slot) if (word === kw[0]) return kw;
  return undefined;
}

/** The chevrotain lexer, with keywords told apart from names after matching (see `keyword`). */
class PtxLexer extends Lexer {
  override tokenize(text: string, initialMode?: string): ILexingResult {
    const result = super.tokenize(text, initialMode);
    const tokens = result.tokens;
    const identifier = Identifier.tokenTypeIdx!;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.tokenTypeIdx !== identifier) continue;
      const kw = keywordOf(t.image);
      if (kw !== undefined) {
        // The keyword's own string replaces the copy the lexer cut from the text (one less string kept).
        t.image = kw[0];
        t.tokenType = kw[1];
        t.tokenTypeIdx = kw[1].tokenTypeIdx!;
      }
    }
    return result;
  }
}

// Offsets only: tracking lines made the lexer scan every run of whitespace for line breaks and build tokens
// twice the size, for positions the parser computes from offsets anyway (lines.ts). Tokens carry `image`,
// `startOffset` and their type; a token ends at `startOffset + image.length`.
export const ptxLexer: Lexer = new PtxLexer(ALL_TOKENS, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
});
