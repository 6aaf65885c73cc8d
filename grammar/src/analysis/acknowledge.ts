// Acknowledged warnings: a comment `// expect: <code>[, <code>…]` on a warning's line says the warning is
// intended (the prefix that is a comparison's control). The warning is still reported, marked
// `acknowledged`, so `ptx check` can count it apart and the editor can show it as a hint. Applied to a
// whole file's final diagnostics (analyse() and the incremental analyser's combined list), since the
// comment may lie outside the block the warning is about.
import { LineIndex } from '../services/lineIndex.js';
import type { Diagnostic } from './diagnostics.js';

/** The directive: `expect:` after `//`, then codes separated by commas; anything after them is free text. */
const DIRECTIVE = /\/\/\s*expect:\s*([a-z]+(?:-[a-z]+)*(?:\s*,\s*[a-z]+(?:-[a-z]+)*)*)/;
const MARK = 'expect:';

/** `diagnostics` with every warning whose line acknowledges its code marked; the input is not changed. */
export function acknowledge(text: string, diagnostics: Diagnostic[]): Diagnostic[] {
  // Most files have no directive, or no warning: nothing to index.
  if (!text.includes(MARK) || !diagnostics.some((d) => d.severity === 'warning')) return diagnostics;
  const lines = new LineIndex(text);
  const codesOn = new Map<number, string[]>();
  return diagnostics.map((d) => {
    if (d.severity !== 'warning') return d;
    const line = d.range.start.line;
    let codes = codesOn.get(line);
    if (!codes) {
      const lineText = text.slice(lines.offsetAt({ line, character: 0 }), lines.offsetAt({ line: line + 1, character: 0 }));
      const m = DIRECTIVE.exec(lineText);
      codes = m ? m[1]!.split(',').map((c) => c.trim()) : [];
      codesOn.set(line, codes);
    }
    return codes.includes(d.code) ? { ...d, acknowledged: true } : d;
  });
}
