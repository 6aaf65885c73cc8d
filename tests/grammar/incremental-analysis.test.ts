// The incremental analysis gives exactly the full analysis' diagnostics: seeded random edit sequences fed one
// edit after another to one IncrementalParser and one IncrementalAnalyser (as the language server does), on
// the examples and on a generated spec of many independent groups; at every step the diagnostics deep-equal
// analyse(text)'s, spec, references and methods hold the same entries, and methods and references point at
// the blocks of the current version. Edits of one value re-analyse only the blocks linked to it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyse, type Analysis, type Block, type Range } from '../../grammar/src/index.js';
import { IncrementalAnalyser } from '../../grammar/src/analysis/incremental.js';
import { IncrementalParser } from '../../grammar/src/syntax/incremental.js';
import { generateSpec } from '../../bench/lib/generate-spec.js';
import { Rng } from '../../runtime/src/data/rng.js';

const EXAMPLES = readdirSync('examples')
  .filter((f) => f.endsWith('.ptx'))
  .sort()
  .map((f) => readFileSync(join('examples', f), 'utf8'));
const GENERATED = generateSpec(12_000);
const WORDS = [...EXAMPLES.join('\n').matchAll(/\b[a-z_][a-z_0-9]*\b/g)].map((m) => m[0]);
const INSERTS = ['}', '{', '\n', ' then reverse', ', ', '7', '..', ': ', 'lora(rank: 99)', 'prefix(length: 40)', 'x', 'data', 'task', 'histogram', 'kind: words ', 'translate(en, de)', 'add(-5)', '[', ']', 'seeds: [1, 2] ', 'probe: [1, 2] ', 'reserve: 0 ', 'vocab: 3 ', 'heads: 7 ', '\nevaluate [base] on [asc] { samples: 3 }\n', '\ntask extra = add(2)\n'];

const pick = (r: () => number, n: number): number => Math.floor(r() * n);

type Edit = (t: string, r: () => number) => string;
const EDITS: Edit[] = [
  // A new number where one was (the commonest edit; mostly leaves the text clean).
  (t, r) => {
    const nums = [...t.matchAll(/\b\d+\b/g)];
    if (nums.length === 0) return t;
    const m = nums[pick(r, nums.length)]!;
    return t.slice(0, m.index) + String([0, 1, 2, 3, 7, 12, 64, 100, 5000][pick(r, 9)]) + t.slice(m.index! + m[0].length);
  },
  // A word replaced by another of the examples (names, keys, methods, enum values).
  (t, r) => {
    const words = [...t.matchAll(/\b[a-z_][a-z_0-9]*\b/g)];
    if (words.length === 0) return t;
    const m = words[pick(r, words.length)]!;
    return t.slice(0, m.index) + WORDS[pick(r, WORDS.length)]! + t.slice(m.index! + m[0].length);
  },
  // A snippet inserted anywhere.
  (t, r) => {
    const at = pick(r, t.length + 1);
    return t.slice(0, at) + INSERTS[pick(r, INSERTS.length)]! + t.slice(at);
  },
  // A line deleted or duplicated.
  (t, r) => {
    const lines = t.split('\n');
    const i = pick(r, lines.length);
    if (r() < 0.5) lines.splice(i, 1);
    else lines.splice(i, 0, lines[pick(r, lines.length)]!);
    return lines.join('\n');
  },
];

const rs = (x: Range): string => `${x.start.line}:${x.start.character}-${x.end.line}:${x.end.character}`;
const bs = (b: Block | null): string => (b ? `${b.kind}@${rs(b.range)}` : 'null');

/** Everything but the diagnostics, order-free, with blocks by kind and position. */
function entries(a: Analysis, blocks: ReadonlySet<Block>): Record<string, string[]> {
  const spec: string[] = [];
  for (const [k, m] of Object.entries(a.spec)) for (const [n, v] of m as Map<string, unknown>) spec.push(`${k} ${n} ${JSON.stringify(v)}`);
  for (const r of a.references) assert.ok(r.target === null || blocks.has(r.target), 'a reference targets a block of this version');
  for (const m of a.methods) assert.ok(blocks.has(m.block), 'a method belongs to a block of this version');
  return {
    spec: spec.sort(),
    references: a.references.map((r) => `${r.name} ${rs(r.range)} ${r.expected} ${bs(r.target)}`).sort(),
    methods: a.methods.map((m) => `${m.run} ${bs(m.block)} ${rs(m.range)} ${JSON.stringify([m.method, m.model, m.vocab, m.count])}`).sort(),
    declarations: [...a.declarations].map(([n, b]) => `${n} ${bs(b)}`),
    blockNames: [...a.blockNames].map(([b, n]) => `${bs(b)} ${n}`),
  };
}

function check(text: string, inc: IncrementalParser, an: IncrementalAnalyser, label: string): void {
  const parsed = inc.parse(text);
  const got = an.analyse(text, parsed);
  const want = analyse(text);
  assert.deepStrictEqual(got.diagnostics, want.diagnostics, `${label}: diagnostics`);
  assert.deepStrictEqual(entries(got, new Set(parsed.ast.blocks)), entries(want, new Set(want.ast.blocks)), `${label}: spec, references, methods, names`);
}

test('seeded random edit sequences: every incremental analysis equals the full analysis', () => {
  let steps = 0;
  for (let seq = 0; seq < 60; seq++) {
    const r = Rng.stream(seq + 1);
    let text = seq % 3 === 0 ? GENERATED : EXAMPLES[seq % EXAMPLES.length]!;
    const inc = new IncrementalParser();
    const an = new IncrementalAnalyser();
    check(text, inc, an, `seed ${seq + 1} start`);
    for (let step = 0; step < 8; step++) {
      text = EDITS[pick(r, EDITS.length)]!(text, r);
      check(text, inc, an, `seed ${seq + 1} step ${step}`);
      steps++;
    }
  }
  assert.equal(steps, 480);
});

test('changing one value re-analyses only the blocks linked to it, with the same results', () => {
  const inc = new IncrementalParser();
  const an = new IncrementalAnalyser();
  let text = GENERATED;
  check(text, inc, an, 'start');
  const blocks = inc.parse(text).ast.blocks.length;
  assert.equal(an.lastAnalysed, blocks);
  const r = Rng.stream(7);
  const groupSize = 10; // blocks per group of the generated spec (bench/lib/generate-spec.ts)
  for (let k = 0; k < 20; k++) {
    const steps = [...text.matchAll(/steps: (\d+)/g)];
    const m = steps[pick(r, steps.length)]!;
    text = text.slice(0, m.index) + `steps: ${100 + pick(r, 9000)}` + text.slice(m.index! + m[0].length);
    check(text, inc, an, `edit ${k}`);
    assert.ok(an.lastAnalysed <= groupSize, `edit ${k} analysed ${an.lastAnalysed} of ${blocks} blocks`);
  }
  // A block with an unknown name is linked to nothing, but its "did you mean" depends on every name: a new
  // declaration elsewhere (on a line that was a comment, so no block moves) must change its diagnostic.
  text = text + 'finetune lone from bsae_new on sort(ascending) { method: full }\n';
  check(text, inc, an, 'unknown name');
  assert.ok(!analyse(text).diagnostics.some((d) => d.message.includes("did you mean 'base_new'")));
  text = text.replace('// generated benchmark spec\n', 'pretrain base_new { model: m_0  data: digits_0  tasks: [asc_0] }\n');
  check(text, inc, an, 'declaration that the typo now suggests');
  assert.ok(analyse(text).diagnostics.some((d) => d.message.includes("did you mean 'base_new'")));
  // A new name changes what every block may refer to: everything is analysed again.
  text = text.replace('task asc_0 = sort(ascending)', 'task asc_0 = sort(ascending)\ntask brand_new = reverse');
  check(text, inc, an, 'new declaration');
  assert.equal(an.lastAnalysed, blocks + 3);
});

test('adding or removing a line re-analyses only the blocks around it; the others move with their results', () => {
  const inc = new IncrementalParser();
  const an = new IncrementalAnalyser();
  let text = GENERATED;
  check(text, inc, an, 'start');
  const blocks = inc.parse(text).ast.blocks.length;
  const groupSize = 10;
  const r = Rng.stream(11);
  for (let k = 0; k < 12; k++) {
    // Enter at the start of a random line (every block below it moves down), then the line removed again.
    const lines = text.split('\n');
    const at = pick(r, lines.length);
    const before = text;
    lines.splice(at, 0, k % 2 ? '' : '// a new line');
    text = lines.join('\n');
    check(text, inc, an, `insert ${k} at line ${at}`);
    assert.ok(an.lastAnalysed <= 2 * groupSize, `insert ${k} at line ${at} analysed ${an.lastAnalysed} of ${blocks} blocks`);
    text = before;
    check(text, inc, an, `remove ${k}`);
    assert.ok(an.lastAnalysed <= 2 * groupSize, `remove ${k} analysed ${an.lastAnalysed} of ${blocks} blocks`);
  }
  // A message that quotes a line ("already declared ... on line N") must not be moved as it is: a duplicate
  // of the first group's task near the end, then lines added at the top move both declarations.
  text = text + 'task asc_0 = sort(descending)\n';
  check(text, inc, an, 'duplicate');
  assert.ok(analyse(text).diagnostics.some((d) => d.code === 'duplicate-name' && /on line \d+/.test(d.message)));
  for (let k = 0; k < 3; k++) {
    text = '// top\n' + text;
    check(text, inc, an, `line ${k} above the duplicate`);
  }
});

test('acknowledging a warning with a comment after a one-line block: the incremental analysis follows the comment', () => {
  const inc = new IncrementalParser();
  const an = new IncrementalAnalyser();
  const base = 'data d { values: 0..7  length: 4  vocab: 10 }\nmodel m { layers: 1  heads: 1  width: 16  context: 16 }\npretrain p { model: m  data: d  tasks: [sort(ascending)]  reserve: 4 }\n';
  const run = 'finetune f from p on sort(descending) { method: prefix(length: 2) }';
  for (const [suffix, acknowledged] of [['', undefined], ['  // expect: novel-attention-pattern', true], ['  // expect: novel-value-map', undefined], ['  // expect: novel-attention-pattern, novel-value-map — the control', true]] as const) {
    const text = base + run + suffix + '\n';
    check(text, inc, an, `comment '${suffix}'`);
    const w = an.analyse(text, inc.parse(text)).diagnostics.find((d) => d.code === 'novel-attention-pattern')!;
    assert.equal(w.acknowledged, acknowledged, suffix);
  }
});
