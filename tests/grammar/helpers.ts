// Test helpers for the language core, in Langium's style: a document with `<|` … `|>` markers around the
// ranges where diagnostics are expected.
import assert from 'node:assert/strict';
import { analyse, type Analysis, type Diagnostic, type DiagnosticCode, type Range } from '../../grammar/src/index.js';

export interface Marked {
  text: string;
  ranges: Range[];
}

/** Removes `<|` and `|>` markers, returning the clean text and the marked ranges in order. */
export function mark(source: string): Marked {
  const ranges: Range[] = [];
  let text = '';
  let line = 0;
  let character = 0;
  const open: Array<{ line: number; character: number }> = [];
  for (let i = 0; i < source.length; i++) {
    if (source.startsWith('<|', i)) {
      open.push({ line, character });
      i++;
      continue;
    }
    if (source.startsWith('|>', i)) {
      const start = open.pop();
      if (!start) throw new Error('unbalanced |> marker');
      ranges.push({ start, end: { line, character } });
      i++;
      continue;
    }
    const c = source[i]!;
    text += c;
    if (c === '\n') {
      line++;
      character = 0;
    } else character++;
  }
  if (open.length) throw new Error('unbalanced <| marker');
  return { text, ranges };
}

export interface Expected {
  code: DiagnosticCode;
  /** A substring the message must contain. */
  message?: string | RegExp;
}

function show(d: Diagnostic): string {
  return `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`;
}

/**
 * Analyses the marked document and asserts that exactly the expected diagnostics appear, the i-th one at
 * the i-th marked range (in document order).
 */
export function expectDiagnostics(source: string, expected: Expected[]): Analysis {
  const { text, ranges } = mark(source);
  assert.equal(ranges.length, expected.length, 'one marker per expected diagnostic');
  const a = analyse(text);
  const got = a.diagnostics.map(show);
  assert.equal(a.diagnostics.length, expected.length, `diagnostics:\n  ${got.join('\n  ') || '(none)'}`);
  // Pair in order of ranges (diagnostics are sorted by position).
  const order = ranges.map((r, i) => ({ r, e: expected[i]! })).sort((x, y) => x.r.start.line - y.r.start.line || x.r.start.character - y.r.start.character);
  order.forEach(({ r, e }, i) => {
    const d = a.diagnostics[i]!;
    assert.equal(d.code, e.code, `diagnostic ${i}: ${show(d)}`);
    assert.deepEqual(d.range, r, `range of ${show(d)}`);
    if (e.message) {
      if (typeof e.message === 'string') assert.ok(d.message.includes(e.message), `message of ${show(d)} should contain ${JSON.stringify(e.message)}`);
      else assert.match(d.message, e.message);
    }
  });
  return a;
}

export function expectNoDiagnostics(text: string): Analysis {
  const a = analyse(text);
  assert.deepEqual(a.diagnostics.map(show), []);
  return a;
}

/** A complete valid preamble most tests build on. */
export const PREAMBLE = `data digits { values: 0..7  length: 4  vocab: 10 }
model m { layers: 2  heads: 2  width: 32  context: 16 }
task asc = sort(ascending)
task desc = sort(descending)
task inc1 = add(1)
pretrain base { model: m  data: digits  tasks: [asc, inc1]  reserve: 4 }
`;
