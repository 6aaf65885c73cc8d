// The fast path of parse() (fast-parse.ts) against the chevrotain parser it stands in for, in both
// directions: whenever the fast path gives an AST, chevrotain reports no problem and builds the same AST;
// whenever chevrotain reports no problem, the fast path gives an AST (so well-formed text never pays for
// chevrotain). The corpus: every .ptx in the repository, every truncation of the examples, their CRLF and
// CR variants, seeded token-level mutations, edge cases of the lexer and a generated spec.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateSpec } from '../../bench/lib/generate-spec.js';
import { fastParse } from '../../grammar/src/syntax/fast-parse.js';
import { parse, parseWithChevrotain } from '../../grammar/src/syntax/parse.js';
import { ptxLexer } from '../../grammar/src/syntax/tokens.js';
import { Rng } from '../../runtime/src/data/rng.js';

function ptxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? ptxFiles(join(dir, e.name)) : e.name.endsWith('.ptx') ? [join(dir, e.name)] : [],
  );
}

const FILES = [...ptxFiles('examples'), ...ptxFiles('tests')].map((f) => [f, readFileSync(f, 'utf8')] as const);

/** Texts at the edges of the lexer and the grammar. */
const EDGE_CASES = [
  '', ' ', '\n', '\r', '\r\n', '\ufeffdata d { values: 0..7 }', '\u00a0data\fd\v{}', 'data d { a: 1 }\r\rmodel m {}\r',
  '/*', '/* a\n', '/* a\nb */ data d {}', '/* x */\r\n/* y\r\n z */ data d {}', '// c\rdata d {}', '//', '/',
  'data d { x: 1..5 y: .5 z: -.5 w: -1e-3 v: 1e v2: 1E+2 u: 1.e3 t: 1..-2 s: ...5 r: 1.2.3 }',
  'data d { x: - }', 'data d { x: 1. }', 'data d { x: 2abc }', 'data d { x: 1e5x }',
  'task t = a then b then c(1, k: [2, 3]) then d()', 'task t = ( then add(1)', 'task t = a then then b', 'task = a', 'task t a',
  'data d { x: [,] }', 'data d { y: [] z: [1,] v: [[1, 2,], [3],] }', 'data d { w: [1,,2] }', 'data d { u: [1,] ] }', 'data d { t: [1, } }', 'data d { x: f(a: , b: 2) y: f(1,) z: f(,) }', 'data d { x: f(data: 1, on: 2, then: 3) }',
  'data d { x: f(data) }', 'data d { data: 1 model: 2 from: 3 on: 4 then: 5 evaluate: 6, }', 'data d { x: 1, , y: 2 }',
  'evaluate [a] on [b] { x: 1 }', 'evaluate e [a, b] on c { }', 'evaluate e a on [b] {}', 'evaluate [a, b on [c] { x: 1 }',
  'finetune f from b on t { method: lora(rank: 1, targets: [attn_out, mlp_in]) }', 'finetune f from on [a] {', 'finetune from b on t {}',
  'finetune f from data on t {}', 'compare c from b on sort(ascending) then add(1) { methods: [full] seeds: [0, 1] }',
  'model data { }', 'model { }', 'data d { x: 1 } }', 'data d { x: 1 ', 'data d x: 1 }', '} data d {}', 'é data d {}', 'data d { x: é }',
  'data d {}\n@', 'data d { x: "a" }', 'data d { x: 1 } 5', 'pretrain p { tasks: [a(b(c(d(1))))] }',
];
for (let d = 60; d < 68; d++) {
  EDGE_CASES.push('task t = ' + '['.repeat(d) + '1' + ']'.repeat(d) + '\ndata x { a: 1 }');
  EDGE_CASES.push('data q { x: ' + '[f(a: '.repeat(d >> 1) + '1' + ')]'.repeat(d >> 1) + ' }');
  EDGE_CASES.push('evaluate e ' + '['.repeat(d) + ']'.repeat(d) + ' on [a] { }');
}

/** The two paths agree on `text` (see the top of the file). Returns whether it was well formed. */
function agree(text: string, label: string): boolean {
  const slow = parseWithChevrotain(text);
  const fast = fastParse(text);
  if (slow.problems.length === 0) assert.ok(fast, `${label}: chevrotain reports no problem but the fast path gave up`);
  if (fast) {
    assert.deepEqual(slow.problems, [], `${label}: the fast path accepted text chevrotain reports`);
    // JSON, as the golden files see the AST (key order included).
    assert.equal(JSON.stringify(fast), JSON.stringify(slow.ast), `${label}: different ASTs`);
  }
  return fast !== undefined;
}

test('the fast path agrees with chevrotain on every .ptx file, in LF, CRLF and CR', () => {
  assert.ok(FILES.length >= 15, `${FILES.length} files`);
  for (const [name, text] of FILES) {
    assert.ok(agree(text, name) || /golden|fixtures/.test(name), `${name} should be well formed`);
    agree(text.replace(/\n/g, '\r\n'), `${name} (CRLF)`);
    agree(text.replace(/\n/g, '\r'), `${name} (CR)`);
  }
});

test('the fast path agrees with chevrotain on edge cases of the lexer and the grammar', () => {
  let accepted = 0;
  for (const [i, text] of EDGE_CASES.entries()) if (agree(text, `edge case ${i}: ${JSON.stringify(text.slice(0, 60))}`)) accepted++;
  // Both outcomes are exercised.
  assert.ok(accepted >= 10 && accepted <= EDGE_CASES.length - 20, `${accepted} of ${EDGE_CASES.length} accepted`);
});

test('the fast path agrees with chevrotain on every truncation of the examples', () => {
  let accepted = 0;
  let texts = 0;
  for (const [name, text] of FILES.filter(([n]) => n.startsWith('examples'))) {
    for (let cut = 0; cut <= text.length; cut += 3) {
      if (agree(text.slice(0, cut), `${name}[:${cut}]`)) accepted++;
      texts++;
    }
  }
  assert.ok(texts > 3000 && accepted > 100, `${accepted} of ${texts} truncations accepted`);
});

test('the fast path agrees with chevrotain on seeded token-level mutations', () => {
  const next = Rng.stream(20261126);
  const junk = ['{', '}', '[', ']', '(', ')', ':', ',', '=', '..', 'then', 'from', 'on', 'data', 'model', 'task', 'evaluate', 'x', '0', '-1', '1e9', '.5', '3.5', '@', '/* c */', '// c\n', '\n', '\r', 'é'];
  const NUMBERS = ['0', '7', '12', '-2', '.5', '1e-3', '2.5E+2', '1..3'];
  const NAMES = ['x', 'y_1', 'lr', 'from', 'then', 'data', 'f()', 'g(1, k: 2)'];
  const SPACES = [' ', '\n', '\r\n', '\t', ' /* c */ ', '// c\n', '\u00a0'];
  let accepted = 0;
  let texts = 0;
  for (const [name, text] of FILES.filter(([n]) => n.startsWith('examples'))) {
    const tokens = ptxLexer.tokenize(text).tokens;
    for (let i = 0; i < 150; i++) {
      let t = text;
      const edits = 1 + Math.floor(next() * 3);
      for (let e = 0; e < edits; e++) {
        const tok = tokens[Math.floor(next() * tokens.length)]!;
        const start = tok.startOffset;
        const end = start + tok.image.length;
        if (end > t.length) break;
        const r = next();
        const pick = (xs: string[]): string => xs[Math.floor(next() * xs.length)]!;
        if (r < 0.2) t = t.slice(0, start) + t.slice(end); // delete
        else if (r < 0.45) t = t.slice(0, start) + pick(junk) + t.slice(end); // replace with anything
        else if (r < 0.55) t = t.slice(0, end) + ' ' + t.slice(start, end) + t.slice(end); // duplicate
        // Edits that usually keep the text well formed, so that the fast path's acceptance is exercised too.
        else if (r < 0.8) t = t.slice(0, start) + pick(tok.tokenType.name === 'NumberLit' ? NUMBERS : /^[A-Za-z_]/.test(tok.image) ? NAMES : SPACES) + t.slice(end);
        else t = t.slice(0, start) + pick(SPACES) + t.slice(start);
      }
      if (agree(t, `${name} mutation ${i}`)) accepted++;
      texts++;
    }
  }
  assert.ok(accepted > texts / 10 && accepted < texts, `${accepted} of ${texts} mutations accepted`);
});

test('a generated 100 kB spec takes the fast path, and parse() returns its AST', () => {
  const spec = generateSpec(100_000);
  assert.ok(agree(spec, 'generated spec'));
  assert.equal(JSON.stringify(parse(spec).ast), JSON.stringify(parseWithChevrotain(spec).ast));
});

test('a list may end with a comma after its last item (docs/language.md), on both paths; an empty list may not', () => {
  for (const text of ['data d { x: [1, 2,] }', 'pretrain p { tasks: [a, b,\n] }', 'data d { v: [[1, 2,], [3],] }']) {
    assert.deepEqual(parseWithChevrotain(text).problems, [], text);
    assert.ok(fastParse(text), text);
  }
  const items = (parse('data d { x: [1, 2,] }').ast.blocks[0]!.body!.entries[0]!.value as { items: unknown[] }).items;
  assert.equal(items.length, 2);
  for (const text of ['data d { x: [,] }', 'data d { x: [1,,2] }', 'data d { x: [1 2] }']) {
    assert.ok(parseWithChevrotain(text).problems.length > 0, text);
    assert.equal(fastParse(text), undefined, text);
  }
});
