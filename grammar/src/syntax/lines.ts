// Line starts of one text, and the (line, UTF-16 character) position of an offset, as LSP and the lexer
// count lines (\n, \r\n and \r each end one). The lexer tracks offsets only; the parser turns offsets into
// positions here. Lookups come mostly in text order, so a cursor remembers the last line and moves
// forward from it; anything else falls back to a binary search.
import type { Position } from './ast.js';

export class LineStarts {
  /** Offset at which each line starts; the first is 0. */
  readonly starts: number[] = [0];
  private cursor = 0;

  constructor(readonly text: string) {
    const starts = this.starts;
    if (text.indexOf('\r') === -1) {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
  }

  /** The line holding `offset` (0 ≤ offset ≤ text length). */
  lineOf(offset: number): number {
    const starts = this.starts;
    const n = starts.length;
    let line = this.cursor;
    if (offset >= starts[line]!) {
      // Forward: a few steps from the cursor, then a binary search for long jumps.
      let steps = 0;
      while (line + 1 < n && starts[line + 1]! <= offset) {
        line++;
        if (++steps === 8 && line + 1 < n && starts[line + 1]! <= offset) {
          line = this.search(offset, line + 1, n - 1);
          break;
        }
      }
    } else {
      line = this.search(offset, 0, line - 1);
    }
    this.cursor = line;
    return line;
  }

  position(offset: number): Position {
    const line = this.lineOf(offset);
    return { line, character: offset - this.starts[line]! };
  }

  /** The position just after the last character. */
  end(): Position {
    return this.position(this.text.length);
  }

  /** The last line whose start is ≤ offset, within [lo, hi] (starts[lo] ≤ offset is known). */
  private search(offset: number, lo: number, hi: number): number {
    const starts = this.starts;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
