// State shared by the analysis passes of one file: the source, the diagnostics found so far, declarations
// and the references that resolved (or failed to).
import type { Block, Position, Range } from '../syntax/ast.js';
import { DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticCode, type Fix } from './diagnostics.js';
import { suggest } from './suggest.js';

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
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      }
    }
  }

  report(code: DiagnosticCode, range: Range, message: string, fixes?: Fix[]): void {
    const d: Diagnostic = { range, severity: DIAGNOSTIC_CODES[code].severity, code, message };
    if (fixes && fixes.length) d.data = { fixes };
    this.diagnostics.push(d);
  }

  /** Reports an unknown word, with a "did you mean" fix when a candidate is close. */
  reportUnknown(code: DiagnosticCode, range: Range, what: string, word: string, candidates: Iterable<string>): void {
    const list = [...candidates];
    const guess = suggest(word, list);
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
    const start = this.lineStarts[Math.min(p.line, this.lineStarts.length - 1)] ?? 0;
    return Math.min(start + p.character, this.text.length);
  }

  textOf(r: Range): string {
    return this.text.slice(this.offsetAt(r.start), this.offsetAt(r.end));
  }
}
