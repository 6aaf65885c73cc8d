// The .ptx parser: a chevrotain CstParser with error recovery on. It never throws on any input (see
// parse.ts); the concrete syntax tree is turned into the typed AST by build-ast.ts.
import { CstParser, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';

/** Lists and calls nest; beyond this depth the parser stops descending (a located error, not a stack overflow). */
export const MAX_NESTING = 64;

export class PtxParser extends CstParser {
  private depth = 0;

  constructor() {
    super(T.ALL_TOKENS, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: 'none' });
    this.performSelfAnalysis();
  }

  // Anything that cannot start a block is consumed one token at a time as a stray token, so that one bad
  // line at the top level does not hide the blocks after it.
  public file = this.RULE('file', () => {
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.block) }, ...STRAY_TOKENS.map((t) => ({ ALT: () => this.CONSUME(t, { LABEL: 'stray' }) }))]);
    });
  });

  private block = this.RULE('block', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.namedBlock) },
      { ALT: () => this.SUBRULE(this.taskDecl) },
      { ALT: () => this.SUBRULE(this.runBlock) },
      { ALT: () => this.SUBRULE(this.evaluateBlock) },
    ]);
  });

  // data NAME { ... } | model NAME { ... } | pretrain NAME { ... }
  private namedBlock = this.RULE('namedBlock', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Data) }, { ALT: () => this.CONSUME(T.Model) }, { ALT: () => this.CONSUME(T.Pretrain) }]);
    // Names are optional in the grammar so that a missing one is reported by the analysis, in its words.
    this.OPTION(() => this.CONSUME(T.Identifier, { LABEL: 'name' }));
    this.SUBRULE(this.body);
  });

  // task NAME = expr
  private taskDecl = this.RULE('taskDecl', () => {
    this.CONSUME(T.Task);
    this.OPTION(() => this.CONSUME(T.Identifier, { LABEL: 'name' }));
    this.CONSUME(T.Equals);
    this.SUBRULE(this.value);
  });

  // finetune NAME from RUN on TASK { ... } | compare NAME from RUN on TASK { ... }
  private runBlock = this.RULE('runBlock', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Finetune) }, { ALT: () => this.CONSUME(T.Compare) }]);
    this.OPTION(() => this.CONSUME(T.Identifier, { LABEL: 'name' }));
    this.CONSUME(T.From);
    this.CONSUME2(T.Identifier, { LABEL: 'from' });
    this.CONSUME(T.On);
    this.SUBRULE(this.value, { LABEL: 'on' });
    this.SUBRULE(this.body);
  });

  // evaluate [NAME] [runs] on [tasks] { ... }
  private evaluateBlock = this.RULE('evaluateBlock', () => {
    this.CONSUME(T.Evaluate);
    this.OPTION(() => this.CONSUME(T.Identifier, { LABEL: 'name' }));
    this.SUBRULE(this.list, { LABEL: 'runs' });
    this.CONSUME(T.On);
    this.SUBRULE2(this.value, { LABEL: 'on' });
    this.SUBRULE(this.body);
  });

  private body = this.RULE('body', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.SUBRULE(this.entry);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RCurly);
  });

  private entry = this.RULE('entry', () => {
    this.SUBRULE(this.word, { LABEL: 'key' });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.value);
  });

  // Any word: identifiers and keywords (keys such as `model:` and `data:` are keywords elsewhere).
  private word = this.RULE('word', () => {
    this.OR(WORD_TOKENS.map((t) => ({ ALT: () => this.CONSUME(t) })));
  });

  // primary ('then' primary)*
  public value = this.RULE('value', () => {
    this.SUBRULE(this.primary);
    this.MANY(() => {
      this.CONSUME(T.Then);
      this.SUBRULE2(this.primary);
    });
  });

  private primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.numberOrRange) },
      { GATE: () => this.depth < MAX_NESTING, ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.call) },
    ]);
  });

  private numberOrRange = this.RULE('numberOrRange', () => {
    this.CONSUME(T.NumberLit, { LABEL: 'lo' });
    this.OPTION(() => {
      this.CONSUME(T.DotDot);
      this.CONSUME2(T.NumberLit, { LABEL: 'hi' });
    });
  });

  private list = this.RULE('list', () => {
    this.CONSUME(T.LSquare);
    this.ACTION(() => this.depth++);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.value) });
    this.OPTION(() => this.CONSUME2(T.Comma));
    this.ACTION(() => this.depth--);
    this.CONSUME(T.RSquare);
  });

  // name | name(args)
  private call = this.RULE('call', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.ACTION(() => this.depth++);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.arg) });
      this.ACTION(() => this.depth--);
      this.CONSUME(T.RParen);
    });
  });

  // [name ':'] value
  private arg = this.RULE('arg', () => {
    this.OPTION(() => {
      this.SUBRULE(this.word, { LABEL: 'key' });
      this.CONSUME(T.Colon);
    });
    this.OR([
      { GATE: () => this.depth < MAX_NESTING, ALT: () => this.SUBRULE(this.value) },
    ]);
  });

  /** Reset per-parse state; chevrotain parsers are reused across inputs. */
  public load(tokens: IToken[]): void {
    this.depth = 0;
    this.input = tokens;
  }
}

const WORD_TOKENS: TokenType[] = [T.Identifier, ...T.KEYWORDS];
const STRAY_TOKENS: TokenType[] = [T.Identifier, T.From, T.On, T.Then, T.NumberLit, T.DotDot, T.LCurly, T.RCurly, T.LSquare, T.RSquare, T.LParen, T.RParen, T.Colon, T.Comma, T.Equals];

let shared: PtxParser | undefined;
/** One parser instance for the process: self-analysis is the expensive part. */
export function getParser(): PtxParser {
  shared ??= new PtxParser();
  return shared;
}
