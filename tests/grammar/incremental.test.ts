// The incremental parser gives exactly the full parse: for every example, and for seeded random edit
// sequences on all examples concatenated, fed one edit after another to one IncrementalParser, the AST and
// the problems deep-equal parse()'s, and the analysis of the incremental parse equals analyse(text).
// Results are read-only and reused: a block keeps its object while its chunk keeps its text and line, and
// frozen results go through the analysis and the services unchanged (nothing writes to an AST).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyse, parse, type Block, type ParseResult } from '../../grammar/src/index.js';
import { IncrementalAnalyser } from '../../grammar/src/analysis/incremental.js';
import { completionSite } from '../../grammar/src/services/completionContext.js';
import { LineIndex } from '../../grammar/src/services/lineIndex.js';
import { nodeAt } from '../../grammar/src/services/nodeAt.js';
import { collectDeclarations, indexSymbols, symbolAt } from '../../grammar/src/services/symbols.js';
import { blockOrigins, IncrementalParser, type BlockOrigins } from '../../grammar/src/syntax/incremental.js';
import { Rng } from '../../runtime/src/data/rng.js';

const EXAMPLES = readdirSync('examples')
  .filter((f) => f.endsWith('.ptx'))
  .sort()
  .map((f) => [f, readFileSync(join('examples', f), 'utf8')] as const);
const ALL = EXAMPLES.map(([, t]) => t).join('\n');

function assertSameParse(text: string, got: ParseResult, label: string): ParseResult {
  const want = parse(text);
  assert.deepStrictEqual(got.problems, want.problems, `${label}: problems`);
  assert.deepStrictEqual(got.ast, want.ast, `${label}: ast`);
  assert.deepStrictEqual(analyse(text, got).diagnostics, analyse(text).diagnostics, `${label}: diagnostics`);
  return want;
}

/** Snippets a user types: block openers and closers, comment markers, whole blocks, line breaks, junk. */
const INSERTS = [
  '}',
  '{',
  '\n',
  '\r\n',
  '\r',
  '/*',
  '*/',
  '// note\n',
  '/* a\ndata q { values: 0..3 length: 2 vocab: 4 }\n*/',
  ' then reverse',
  ', ',
  '7',
  '..',
  '@',
  '\ndata extra { values: 0..3  length: 2  vocab: 5 }\n',
  '\ntask extra_t = sort(ascending)\n',
  'task dangling = ',
  '\nmodel m2 {\n  layers: 1\n',
  '\nevaluate [a, b] on [c] {\n  samples: 3\n}\n',
  'data ',
  '\ncompare',
];

type Edit = (text: string, r: () => number) => string;

const pick = (r: () => number, n: number): number => Math.floor(r() * n);

/** A line start chosen at random (edits at column 0 move chunk boundaries). */
function lineStart(text: string, r: () => number): number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts[pick(r, starts.length)]!;
}

const EDITS: Edit[] = [
  // Change a number, as when typing a value: the text usually stays clean (the incremental path).
  (t, r) => {
    const nums = [...t.matchAll(/\b\d+\b/g)];
    if (nums.length === 0) return t;
    const m = nums[pick(r, nums.length)]!;
    return t.slice(0, m.index) + String(pick(r, 500)) + t.slice(m.index! + m[0].length);
  },
  // Rename a word (may break or fix references, never syntax unless it becomes a keyword).
  (t, r) => {
    const words = [...t.matchAll(/\b[a-z_]+\b/g)];
    if (words.length === 0) return t;
    const m = words[pick(r, words.length)]!;
    const repl = ['data', 'model', 'task', 'from', 'on', 'then', 'x_' + pick(r, 9), m[0] + 'z'][pick(r, 8)]!;
    return t.slice(0, m.index) + repl + t.slice(m.index! + m[0].length);
  },
  // Insert a snippet anywhere, or at a line start.
  (t, r) => {
    const at = r() < 0.5 ? pick(r, t.length + 1) : lineStart(t, r);
    return t.slice(0, at) + INSERTS[pick(r, INSERTS.length)]! + t.slice(at);
  },
  // Delete a short range.
  (t, r) => {
    const at = pick(r, t.length + 1);
    return t.slice(0, at) + t.slice(at + 1 + pick(r, 12));
  },
  // Delete, duplicate or move a whole line.
  (t, r) => {
    const lines = t.split('\n');
    const i = pick(r, lines.length);
    const op = pick(r, 3);
    if (op === 0) lines.splice(i, 1);
    else if (op === 1) lines.splice(i, 0, lines[i]!);
    else lines.splice(pick(r, lines.length), 0, ...lines.splice(i, 1));
    return lines.join('\n');
  },
  // Undo a break: paste back a line of the original text.
  (t, r) => {
    const src = ALL.split('\n');
    const lines = t.split('\n');
    lines.splice(pick(r, lines.length + 1), 0, src[pick(r, src.length)]!);
    return lines.join('\n');
  },
  // Switch line endings of the whole document.
  (t, r) => (r() < 0.5 ? t.replace(/\r?\n/g, '\r\n') : t.replace(/\r\n/g, '\n')),
];

test('every example and their concatenation parse incrementally exactly as in full', () => {
  for (const [name, text] of [...EXAMPLES, ['all', ALL] as const]) {
    const inc = new IncrementalParser();
    assertSameParse(text, inc.parse(text), name);
    assertSameParse(text, inc.parse(text), `${name} (cached)`);
    assertSameParse(text.replace(/\n/g, '\r\n'), inc.parse(text.replace(/\n/g, '\r\n')), `${name} (CRLF)`);
  }
});

test('300 seeded random edit sequences: every incremental parse equals the full parse', () => {
  const SEQUENCES = 300;
  const STEPS = 6;
  let clean = 0;
  let total = 0;
  for (let seq = 0; seq < SEQUENCES; seq++) {
    const r = Rng.stream(seq + 1);
    const inc = new IncrementalParser();
    let text = ALL;
    inc.parse(text);
    for (let step = 0; step < STEPS; step++) {
      text = EDITS[pick(r, EDITS.length)]!(text, r);
      const want = assertSameParse(text, inc.parse(text), `seed ${seq + 1} step ${step}`);
      total++;
      if (want.problems.length === 0) clean++;
    }
  }
  // Both paths must be exercised: chunks combined (clean text) and the fallback (text with problems).
  assert.ok(clean > total * 0.2 && clean < total * 0.9, `${clean} of ${total} edited texts were clean`);
});

/** Freezes an AST and everything in it: any later write to it throws (ES modules are strict). */
function deepFreeze(x: unknown): void {
  if (x === null || typeof x !== 'object' || Object.isFrozen(x)) return;
  Object.freeze(x);
  for (const v of Object.values(x)) deepFreeze(v);
}

test('a block is the same object in consecutive results exactly when its chunk kept its text and line', () => {
  const inc = new IncrementalParser();
  const r = Rng.stream(5);
  let text = ALL;
  let prev = inc.parse(text);
  let reused = 0;
  let moved = 0;
  for (let step = 0; step < 20; step++) {
    // Alternate value edits (line count kept) with comment lines inserted (the blocks below move).
    if (step % 2 === 0) text = EDITS[0]!(text, r);
    else {
      const at = lineStart(text, r);
      text = text.slice(0, at) + '// note\n' + text.slice(at);
    }
    const next = inc.parse(text);
    assertSameParse(text, next, `step ${step}`);
    const was = blockOrigins(prev);
    const now = blockOrigins(next);
    if (was && now) {
      const before = new Map<string, Block>();
      const ids = new Map<object, number>();
      const key = (o: BlockOrigins, i: number): string => {
        const c = o.chunks[i]!;
        if (!ids.has(c)) ids.set(c, ids.size);
        return `${ids.get(c)}:${o.indexes[i]}:${o.lines[i]}`;
      };
      prev.ast.blocks.forEach((blk, i) => before.set(key(was, i), blk));
      const old = new Set(prev.ast.blocks);
      const oldChunks = new Set(was.chunks);
      next.ast.blocks.forEach((blk, i) => {
        const same = before.get(key(now, i));
        if (same) {
          assert.equal(blk, same, `step ${step}: block ${i} (same chunk and line) is reused`);
          reused++;
        } else {
          assert.ok(!old.has(blk), `step ${step}: block ${i} (new chunk or line) is a new object`);
          if (oldChunks.has(now.chunks[i]!)) moved++;
        }
      });
    }
    prev = next;
  }
  assert.ok(reused > 500 && moved > 100, `${reused} blocks reused, ${moved} moved`);
});

test('results are read-only and nothing writes to them: frozen results analyse, index and answer queries as fresh parses do', () => {
  const inc = new IncrementalParser();
  const analyser = new IncrementalAnalyser();
  const r = Rng.stream(17);
  let text = ALL;
  let clean = 0;
  for (let step = 0; step < 12; step++) {
    const got = inc.parse(text);
    deepFreeze(got.ast);
    // analyse() reports a write to a frozen node (a TypeError) as an internal-error diagnostic.
    const want = analyse(text).diagnostics;
    assert.ok(!want.some((d) => d.code === 'internal-error'));
    assert.deepStrictEqual(analyse(text, got).diagnostics, want, `step ${step}: analyse`);
    assert.deepStrictEqual(analyser.analyse(text, got).diagnostics, want, `step ${step}: IncrementalAnalyser`);
    const decls = collectDeclarations(got.ast);
    indexSymbols(got.ast, decls);
    const index = new LineIndex(text);
    for (let k = 0; k < 40; k++) {
      const offset = pick(r, text.length + 1);
      const p = index.positionAt(offset);
      nodeAt(got.ast, p);
      symbolAt(got.ast, decls, p);
      completionSite(text, offset, got.ast, index);
    }
    if (got.problems.length === 0) clean++;
    // Alternate value edits (blocks reused in place) with inserted lines (blocks below moved).
    text = step % 2 === 0 ? EDITS[0]!(text, r) : text.replace(/\n/, '\n// note\n');
  }
  assert.ok(clean >= 10, `${clean} of 12 texts were clean (the incremental path)`);
});

test('only the chunks of the latest text stay cached', () => {
  const inc = new IncrementalParser();
  const blocks = parse(ALL).ast.blocks.length;
  inc.parse(ALL);
  // One chunk per block that starts a line, plus the leading one (comments before the first block).
  assert.ok(inc.cachedChunks > blocks / 2 && inc.cachedChunks <= blocks + 1, `${inc.cachedChunks} chunks for ${blocks} blocks`);
  const other = 'data d { values: 0..3  length: 2  vocab: 5 }\nmodel m { layers: 1 }\n';
  assertSameParse(other, inc.parse(other), 'small text');
  assert.equal(inc.cachedChunks, 2);
  inc.parse('');
  assert.equal(inc.cachedChunks, 1);
});

test('a block keyword line inside a block comment starts no chunk', () => {
  // Were the commented-out line a chunk start, the first chunk would hold an unterminated comment and the
  // parse would fall back to the full parser, keeping only that chunk cached.
  const text = '/* old:\ndata q {\n*/\ndata z { values: 0..3  length: 2  vocab: 5 }\n// data w {\nmodel m { layers: 1 }\n';
  const inc = new IncrementalParser();
  const want = assertSameParse(text, inc.parse(text), 'commented-out block');
  assert.equal(want.problems.length, 0);
  assert.equal(inc.cachedChunks, 3);
});
