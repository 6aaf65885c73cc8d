// State shared by the analysis passes of one file: the source, the diagnostics found so far, declarations
// and the references that resolved (or failed to).
import { plainRange, type Block, type Position, type Range } from '../syntax/ast.js';
import { DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticCode, type Fix } from './diagnostics.js';
import { suggest } from './suggest.js';
import { LineIndex } from '../services/lineIndex.js';

export type RefKind = 'model' | 'data' | 'task' | 'run' | 'any';

export interface Reference {
  name: string;
  range: Range;
  /** What kind of block the position expects. */
  expected: RefKind;
  /** The declaration it resolves to, if any. */
  target: Block | null;
}

export class AnalysisContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly references: Reference[] = [];
  /** First declaration of each name (all blocks share one namespace). */
  readonly declarations = new Map<string, Block>();
  /** Built on first use: most analyses never need a source position turned into text. */
  private lines: LineIndex | undefined;

  constructor(readonly text: string) {}

  /** Diagnostics are plain data: AST ranges (Spans) in them and in their fixes' edits are copied. */
  report(code: DiagnosticCode, range: Range, message: string, fixes?: Fix[]): void {
    const d: Diagnostic = { range: plainRange(range), severity: DIAGNOSTIC_CODES[code].severity, code, message };
    if (fixes && fixes.length) {
      for (const f of fixes) for (const e of f.edits) e.range = plainRange(e.range);
      d.data = { fixes };
    }
    this.diagnostics.push(d);
  }

  private readonly suggestions = new Map<string, { guess: string | undefined; list: string[] }>();

  /**
   * Reports an unknown word, with a "did you mean" fix when a candidate is close. `candidates` is called
   * once per distinct (what, word): a large file repeating one typo must not redo the search each time.
   */
  reportUnknown(code: DiagnosticCode, range: Range, what: string, word: string, candidates: Iterable<string> | (() => Iterable<string>)): void {
    const memoKey = `${what}\u0000${word}`;
    let memo = this.suggestions.get(memoKey);
    if (!memo) {
      const list = [...(typeof candidates === 'function' ? candidates() : candidates)];
      memo = { guess: suggest(word, list), list: list.slice(0, 13) };
      this.suggestions.set(memoKey, memo);
    }
    const { guess, list } = memo;
    if (guess) {
      this.report(code, range, `unknown ${what} '${word}'; did you mean '${guess}'?`, [
        { title: `Change to '${guess}'`, edits: [{ range, newText: guess }], preferred: true },
      ]);
    } else {
      const shown = list.slice(0, 12).join(', ');
      this.report(code, range, `unknown ${what} '${word}'${shown ? ` (expected one of: ${shown}${list.length > 12 ? ', …' : ''})` : ''}`);
    }
  }

  offsetAt(p: Position): number {
    this.lines ??= new LineIndex(this.text);
    return this.lines.offsetAt(p);
  }

  textOf(r: Range): string {
    return this.text.slice(this.offsetAt(r.start), this.offsetAt(r.end));
  }
}
