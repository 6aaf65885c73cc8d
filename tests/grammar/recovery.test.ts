// Parsing never throws and every problem is located: truncations of every example, random token-level
// mutations, random bytes and a 5 MB file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyse, type Analysis } from '../../grammar/src/index.js';
import { ptxLexer } from '../../grammar/src/syntax/tokens.js';
import { Rng } from '../../runtime/src/data/rng.js';

const EXAMPLES = readdirSync('examples')
  .filter((f) => f.endsWith('.ptx'))
  .map((f) => [f, readFileSync(join('examples', f), 'utf8')] as const);

/** Seeded uniform draws (mulberry32, the runtime's generator), so a failure replays exactly. */
const rng = Rng.stream;

function lineLengths(text: string): number[] {
  return text.split(/\r\n|\r|\n/).map((l) => l.length);
}

/** Every diagnostic lies inside the document. */
function assertLocated(text: string, a: Analysis, label: string): void {
  const lens = lineLengths(text);
  for (const d of a.diagnostics) {
    for (const p of [d.range.start, d.range.end]) {
      assert.ok(p.line >= 0 && p.line < lens.length, `${label}: line ${p.line} outside 0..${lens.length - 1} (${d.code}: ${d.message})`);
      assert.ok(p.character >= 0 && p.character <= lens[p.line]!, `${label}: column ${p.character} beyond line ${p.line} (${d.code})`);
    }
    assert.ok(d.range.start.line < d.range.end.line || (d.range.start.line === d.range.end.line && d.range.start.character <= d.range.end.character), `${label}: inverted range`);
    assert.notEqual(d.code, 'internal-error', `${label}: ${d.message}`);
  }
}

test('every example parses without errors', () => {
  for (const [name, text] of EXAMPLES) {
    const a = analyse(text);
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], name);
  }
});

test('every truncation of every example analyses without throwing, with located diagnostics', () => {
  let truncations = 0;
  for (const [name, text] of EXAMPLES) {
    for (let cut = 0; cut <= text.length; cut++) {
      const t = text.slice(0, cut);
      const a = analyse(t);
      assertLocated(t, a, `${name}[:${cut}]`);
      truncations++;
    }
  }
  assert.ok(truncations > 3000);
});

test('a truncation inside a block is reported as an error', () => {
  const text = EXAMPLES.find(([n]) => n === 'figure1.ptx')![1];
  const cut = text.indexOf('reserve: 1') + 3;
  const a = analyse(text.slice(0, cut));
  assert.ok(a.diagnostics.some((d) => d.severity === 'error'));
});

test('random token-level mutations never throw and stay located', () => {
  const next = rng(20240501);
  const junk = ['{', '}', '[', ']', '(', ')', ':', ',', '=', '..', 'then', 'from', 'on', 'data', 'model', 'task', 'evaluate', '0', '-1', '1e9', '3.5', 'prefix', 'lora(', '@', '"', '/*', '*/', '//', '\n', 'é', '\u0000'];
  let mutants = 0;
  for (const [name, text] of EXAMPLES) {
    const tokens = ptxLexer.tokenize(text).tokens;
    for (let i = 0; i < 250; i++) {
      let t = text;
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const tok = tokens[Math.floor(next() * tokens.length)]!;
        const start = tok.startOffset;
        const end = tok.startOffset + tok.image.length;
        const r = next();
        if (r < 0.33) t = t.slice(0, start) + t.slice(end); // delete
        else if (r < 0.66) t = t.slice(0, start) + junk[Math.floor(next() * junk.length)] + t.slice(end); // replace
        else t = t.slice(0, start) + t.slice(start, end) + ' ' + t.slice(start, end) + t.slice(end); // duplicate
        if (t.length < text.length / 2) break;
      }
      const a = analyse(t);
      assertLocated(t, a, `${name} mutant ${i}`);
      mutants++;
    }
  }
  assert.equal(mutants, EXAMPLES.length * 250);
});

test('random bytes never throw', () => {
  const next = rng(7);
  for (let i = 0; i < 200; i++) {
    const n = Math.floor(next() * 2000);
    let s = '';
    for (let j = 0; j < n; j++) s += String.fromCharCode(Math.floor(next() * (next() < 0.8 ? 128 : 65536)));
    const a = analyse(s);
    assertLocated(s, a, `bytes ${i}`);
  }
});

test('deep nesting is an error, not a stack overflow', () => {
  const t = 'data d { values: ' + '['.repeat(100_000) + ' }';
  const a = analyse(t);
  assert.ok(a.diagnostics.some((d) => d.code === 'nesting-too-deep'));
  assertLocated(t, a, 'nesting');
});

test('20,000 nested calls: one located nesting-too-deep error, and the rest of the file keeps its diagnostics', () => {
  // [opening text, closing text, offset of the 65th bracket in the repeated text]
  const cases: Array<[string, string, number]> = [['f(', ')', 64 * 2 + 1], ['f(a: ', ')', 64 * 5 + 1], ['[', ']', 64], ['f([', '])', 32 * 3 + 1]];
  for (const [open, close, offset] of cases) {
    const deep = `${open.repeat(20_000)}1${close.repeat(20_000)}`;
    const t = `model m { layers: 1 }\ntask t = ${deep}\nmodel q { layrs: 2 }\n`;
    const a = analyse(t);
    assertLocated(t, a, `nested ${open}`);
    const nesting = a.diagnostics.filter((d) => d.code === 'nesting-too-deep');
    assert.equal(nesting.length, 1, `${open}: ${a.diagnostics.map((d) => d.code).join(', ')}`);
    assert.deepEqual(nesting[0]!.range.start, { line: 1, character: 'task t = '.length + offset }, open);
    const codes = a.diagnostics.map((d) => `${d.range.start.line}:${d.code}`);
    assert.ok(codes.includes("0:missing-key"), `the block before is analysed: ${codes}`);
    assert.ok(codes.includes('2:unknown-key'), `the block after is analysed: ${codes}`);
    assert.ok(!codes.some((c) => c.endsWith('syntax-error') || c.endsWith('stray-token')), `no cascade: ${codes}`);
  }
  // Unclosed: the cut stops at the next block's brace, which is still read as that block's body.
  const unclosed = `task t = ${'f('.repeat(20_000)}\nmodel q { layrs: 2 }\n`;
  const u = analyse(unclosed);
  assertLocated(unclosed, u, 'unclosed');
  assert.equal(u.diagnostics.filter((d) => d.code === 'nesting-too-deep').length, 1);
  assert.ok(u.ast.blocks.some((b) => b.kind === 'model' && b.body !== null), 'the model block after the cut keeps its body');
});

test('a 5 MB file analyses without throwing', () => {
  const base = EXAMPLES.map(([, t]) => t).join('\n');
  let big = '';
  let i = 0;
  while (big.length < 5_000_000) big += base.replace(/\b(data|model|task|pretrain|finetune|compare) (\w+)/g, `$1 $2_${i++}`) + '\n@@ junk ]]] \n';
  const started = performance.now();
  const a = analyse(big);
  const ms = performance.now() - started;
  assertLocated(big, a, '5MB');
  assert.ok(a.ast.blocks.length > 1000);
  console.log(`# 5 MB (${big.length} chars): ${a.ast.blocks.length} blocks, ${a.diagnostics.length} diagnostics in ${ms.toFixed(0)} ms`);
});
