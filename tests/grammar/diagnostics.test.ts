// Every diagnostic code, triggered at the exact range it should point at.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyse, DIAGNOSTIC_CODES, type DiagnosticCode } from '../../grammar/src/index.js';
import { Span, type Range } from '../../grammar/src/syntax/ast.js';
import { expectDiagnostics, expectNoDiagnostics, mark, PREAMBLE } from './helpers.js';

const seen = new Set<DiagnosticCode>();
function check(name: string, source: string, expected: Parameters<typeof expectDiagnostics>[1]): void {
  test(name, () => {
    expectDiagnostics(source, expected);
  });
  for (const e of expected) seen.add(e.code);
}

test('the preamble and every example is free of errors', () => {
  expectNoDiagnostics(PREAMBLE);
});

// ---- syntax ----
check('unexpected character', 'data d { length: 4 <|@|> }', [{ code: 'unexpected-character', message: '"@"' }]);
check('a missing colon is a syntax error at the next token', 'data d { length <|4|> }', [{ code: 'syntax-error', message: "expected ':'" }]);
check('stray top-level text', '<|junk words|>\ndata d { length: 4 }', [{ code: 'stray-token', message: "'junk'" }]);
check('missing name', '<|data|> { length: 4 }', [{ code: 'missing-name' }]);
test('lists and calls nested deeper than 64 levels: the 65th bracket, with what it holds', () => {
  const at = 'data d { length: 4  values: '.length + 64;
  const text = `data d { length: 4  values: ${'['.repeat(64)}[[1]]${']'.repeat(64)} }`;
  const deep = analyse(text).diagnostics.filter((d) => d.code === 'nesting-too-deep');
  assert.deepEqual(deep.map((d) => d.range), [{ start: { line: 0, character: at }, end: { line: 0, character: at + '[[1]]'.length } }]);
});
seen.add('nesting-too-deep'); // range-checked above (the marker syntax cannot nest inside the brackets)

// ---- names ----
check('unknown model name with a suggestion', PREAMBLE + 'pretrain p { model: <|mm|>  data: digits  tasks: [asc] }', [{ code: 'unknown-name', message: "did you mean 'm'" }]);
check('a task where a model is expected', PREAMBLE + 'pretrain p { model: <|asc|>  data: digits  tasks: [asc] }', [{ code: 'wrong-kind', message: "'asc' is a task" }]);
check('duplicate names', PREAMBLE + 'task <|asc|> = copy', [{ code: 'duplicate-name', message: 'line 3' }]);
check('unknown task or primitive', PREAMBLE + 'task t = <|srot|>(ascending)', [{ code: 'unknown-name', message: "did you mean 'sort'" }]);
check('cyclic task definitions', 'task a = b\ntask b = <|a|>', [{ code: 'cyclic-dependency' }]);
check(
  'cyclic run dependencies',
  PREAMBLE + 'finetune f1 from <|f2|> on desc { method: full }\nfinetune f2 from <|f1|> on desc { method: full }',
  [
    { code: 'cyclic-dependency', message: "run 'f1' depends on itself" },
    { code: 'cyclic-dependency', message: "run 'f2' depends on itself" },
  ],
);
check('finetune from a prefix-tuned run', PREAMBLE + 'finetune p1 from base on asc { method: prefix(length: 2) }\nfinetune f from <|p1|> on inc1 { method: full }', [
  { code: 'from-context-run' },
]);

// ---- keys ----
check('unknown key with a suggestion', 'data d { <|lenght|>: 4 }', [{ code: 'unknown-key', message: "did you mean 'length'" }]);
check(
  'an unknown key lists every key of the block, also those already set (not just "clip")',
  PREAMBLE + 'pretrain p { model: m  data: digits  tasks: [asc]  steps: 1  batch: 4  seed: 0  optimizer: sgd  reserve: 0  <|hasOwnProperty|>: 1 }',
  [{ code: 'unknown-key', message: "unknown key of pretrain 'hasOwnProperty' (expected one of: model, data, tasks, steps, batch, seed, optimizer, clip, reserve)" }],
);
check('duplicate key', 'data d { length: 4  <|length|>: 5 }', [{ code: 'duplicate-key' }]);
check('missing required key', 'model <|m2|> { layers: 1 }', [{ code: 'missing-key', message: "'width'" }]);
check('a key with no effect on word data', 'data w { kind: words  <|vocab|>: 10 }', [{ code: 'ignored-key' }]);

// ---- calls and values ----
check('unknown method', PREAMBLE + 'finetune f from base on desc { method: <|prefx|>(length: 1) }', [{ code: 'unknown-function', message: "did you mean 'prefix'" }]);
check('unknown parameter', PREAMBLE + 'finetune f from base on desc { method: prefix(<|lenght|>: 1) }', [{ code: 'unknown-parameter', message: "'length'" }]);
check('too many arguments', 'task t = add(1, <|2|>)', [{ code: 'too-many-arguments' }]);
check('unknown enum value', 'task t = sort(<|ascnding|>)', [{ code: 'unknown-value', message: "did you mean 'ascending'" }]);
check('an integer where a fraction is written', 'data d { length: <|2.5|> }', [{ code: 'type-mismatch', message: 'integer' }]);
check('dropout out of range', 'model m { width: 8  dropout: <|1.5|> }', [{ code: 'out-of-range' }]);
check('a list where a single value is written', PREAMBLE + 'pretrain p { model: m  data: digits  tasks: <|asc|> }', [{ code: 'type-mismatch', message: 'list' }]);

// ---- cross-checks ----
check('heads must divide width', 'model m { width: 32  heads: <|3|> }', [{ code: 'heads-divide-width' }]);
check('LoRA rank above the width', PREAMBLE + 'finetune f from base on desc { method: <|lora(rank: 64)|> }', [{ code: 'lora-rank-too-large' }]);
check(
  'sequence longer than the context',
  'data d { length: 4 }\nmodel m { width: 8  context: 8 }\npretrain p { model: <|m|>  data: d  tasks: [copy]  reserve: 4 }',
  [{ code: 'sequence-exceeds-context', message: 'need 11 positions' }],
);
check('prefix longer than the reserve', PREAMBLE + 'finetune f from base on inc1 { method: <|prefix(length: 5)|> }', [{ code: 'prefix-exceeds-reserve', message: 'reserves 4' }]);
check('outputs beyond the vocabulary', 'data d { values: 0..7  vocab: 10 }\nmodel m { width: 8 }\npretrain p { model: m  data: d  tasks: [<|add(3)|>] }', [
  { code: 'vocab-too-small', message: 'up to 10' },
]);
check('translate on digits', 'data d { length: 2 }\nmodel m { width: 8 }\npretrain p { model: m  data: d  tasks: [<|translate(en, de)|>] }', [{ code: 'incompatible-data' }]);
check('probe of the wrong length', PREAMBLE + 'evaluate [base] on [asc] { probe: <|[1, 2]|> }', [{ code: 'invalid-probe', message: 'has 2 tokens' }]);

check(
  'a translate step after the first receives the language the first produced',
  'data w { kind: words  words: 8  length: 2 }\nmodel m { width: 8 }\npretrain p { model: m  data: w  tasks: [<|translate(es, de) then translate(es, en)|>] }',
  [{ code: 'incompatible-data', message: 'expects Spanish words but receives German words' }],
);
check(
  'a word probe outside the input languages of the evaluated tasks',
  'data w { kind: words  words: 8  length: 2 }\nmodel m { width: 8 }\ntask es_es = translate(es, es)\npretrain p { model: m  data: w  tasks: [es_es] }\nevaluate [p] on [es_es] { probe: <|[1, 2]|> }',
  [{ code: 'invalid-probe', message: '17..24 (Spanish words)' }],
);
check('an input space with no test input', 'data d { values: 0..1  length: 2  vocab: 4 }\nmodel m { width: 8 }\npretrain p { model: m  data: d  tasks: [<|copy|>] }', [
  { code: 'input-space-too-small', message: "none of the 4 possible inputs of data 'd' (length 2 over the values 0..1) is on the test side" },
]);
check('a run too big for the wasm backend', 'data d { length: 4 }\nmodel huge { width: 8192 }\npretrain p { model: <|huge|>  data: d  tasks: [copy] }', [
  { code: 'run-exceeds-memory', message: "run 'p' needs about" },
]);

// ---- theory ----
check('prefix for a new attention pattern', PREAMBLE + 'finetune f from base on desc { method: <|prefix(length: 2)|> }', [
  { code: 'novel-attention-pattern', message: "prefix cannot create the attention pattern 'largest value not yet written' (desc); 'base' implements only 'smallest value not yet written', 'aligned position'" },
]);
check('prompt for a new value map', PREAMBLE + 'finetune f from base on add(2) { method: <|prompt(length: 2)|> }', [{ code: 'novel-value-map', message: 'add 2' }]);

test('a composition of pretrained skills is not warned (the paper’s sort-then-add-1)', () => {
  expectNoDiagnostics(PREAMBLE + 'finetune f from base on sort(ascending) then add(1) { method: prefix(length: 4) }');
});

// ---- tasks by what they compute ----
check('a composition that computes a single primitive on its data', PREAMBLE + 'finetune f from base on <|sort(descending) then reverse|> { method: prefix(length: 4) }', [
  { code: 'simpler-task-form', message: '`sort(descending) then reverse` computes `sort(ascending)` on all 4,096 inputs of data \'digits\'' },
]);

test('a prefix for sort(descending) then reverse after sort(ascending) is not warned: it is sort ascending', () => {
  const { text } = mark(PREAMBLE + 'finetune f from base on sort(descending) then reverse { method: prefix(length: 4) }');
  const a = analyse(text);
  assert.deepEqual(a.diagnostics.map((d) => d.code), ['simpler-task-form']);
  // The quick fix writes the simpler form, and then nothing is left to say.
  const fix = a.diagnostics[0]!.data!.fixes![0]!;
  assert.equal(fix.title, 'Write sort(ascending)');
  const lines = text.split('\n');
  const e = fix.edits[0]!;
  const line = lines[e.range.start.line]!;
  lines[e.range.start.line] = line.slice(0, e.range.start.character) + e.newText + line.slice(e.range.end.character);
  expectNoDiagnostics(lines.join('\n'));
});

test('a declared task with a simpler form is reported once, at its declaration, naming the data', () => {
  const src = PREAMBLE + 'task desc_rev = <|sort(descending) then reverse|>\nfinetune f from base on desc_rev { method: prefix(length: 4) }\nfinetune g from base on desc_rev { method: full }';
  expectDiagnostics(src, [{ code: 'simpler-task-form', message: "task 'desc_rev' (`sort(descending) then reverse`) computes `sort(ascending)`" }]);
});

test('a spelling cannot hide a need: a pretraining task is judged by what it computes too', () => {
  // Pretrained on `sort(descending) then reverse` (= sort ascending), the model never learned descending order.
  const pre = PREAMBLE.replace('tasks: [asc, inc1]', 'tasks: [sort(descending) then reverse]');
  const a = analyse(pre + 'finetune f from base on desc { method: prefix(length: 4) }');
  assert.deepEqual(a.diagnostics.map((d) => d.code), ['simpler-task-form', 'novel-attention-pattern']);
  assert.match(a.diagnostics[1]!.message, /'largest value not yet written' \(desc\); 'base' implements only 'smallest value not yet written'/);
  // And sort(ascending) is covered: it is the task the model was pretrained on.
  assert.deepEqual(analyse(pre + 'finetune f from base on asc { method: prefix(length: 4) }').diagnostics.map((d) => d.code), ['simpler-task-form']);
});

test('a task equal to a pretraining task under another spelling is covered', () => {
  // add(1) then sort(ascending) computes sort(ascending) then add(1); neither has a shorter form.
  const pre = PREAMBLE.replace('tasks: [asc, inc1]', 'tasks: [add(1) then sort(ascending)]');
  expectNoDiagnostics(pre + 'finetune f from base on sort(ascending) then add(1) { method: prefix(length: 4) }');
});

test('a simpler form that needs a missing skill is warned, naming what the task computes', () => {
  const pre = PREAMBLE.replace('tasks: [asc, inc1]', 'tasks: [desc]');
  const a = analyse(pre + 'finetune f from base on reverse then sort(ascending) then add(1) { method: prefix(length: 4) }');
  const w = a.diagnostics.find((d) => d.code === 'novel-attention-pattern')!;
  assert.match(w.message, /\(reverse then sort\(ascending\) then add\(1\) computes sort\(ascending\) then add\(1\)\)/);
});

// The reproduction's translation setup: pretraining on English→German plus copying Spanish words trains the
// Spanish output rows without the English→Spanish table, which stays a novel map for a prefix.
const WORDS_PRE = `data w { kind: words  words: 32  length: 2 }
model lex { layers: 2  heads: 2  width: 48  mlp: 192  context: 20 }
task en_de = translate(en, de)
task es_es = translate(es, es)
task en_es = translate(en, es)
pretrain base { model: lex  data: w  tasks: [en_de, es_es]  reserve: 16 }
`;

test('words: a mixture of English→German and Spanish→Spanish is accepted, each task on its own input language', () => {
  const a = expectNoDiagnostics(WORDS_PRE + 'evaluate [base] on [en_de, es_es] { probe: [3, 17] }\nevaluate [base] on [es_es] { probe: [70, 80] }');
  assert.deepEqual(a.spec.pretrains.get('base')!.tasks.map((t) => t.name), ['en_de', 'es_es']);
});

check('a prefix for English→Spanish after English→German and Spanish copying', WORDS_PRE + 'finetune f from base on en_es { method: <|prefix(length: 16)|> }', [
  { code: 'novel-value-map', message: "the value map 'English→Spanish lookup' (en_es)" },
]);

test('translate(es, es) is the copy map: no lookup table, and a prefix for copying Spanish is not warned', () => {
  const a = analyse(WORDS_PRE + 'finetune f from base on en_es { method: prefix(length: 16) }');
  const d = a.diagnostics.find((x) => x.code === 'novel-value-map')!;
  assert.match(d.message, /implements only 'English→German lookup', 'copy'/);
  assert.doesNotMatch(d.message, /Spanish→Spanish/);
  expectNoDiagnostics(WORDS_PRE + 'finetune g from base on es_es { method: prefix(length: 16) }');
});

test('LoRA and full fine-tuning for English→Spanish from that mixture get no theory warning', () => {
  expectNoDiagnostics(WORDS_PRE + 'finetune f from base on en_es { method: lora(rank: 8, targets: [output]) }\nfinetune g from base on en_es { method: full }');
});

// ---- output tokens the pretraining never produced (a measured limit, not the theorem) ----
const EN_DE_ONLY = WORDS_PRE.replace('tasks: [en_de, es_es]', 'tasks: [en_de]');
check('LoRA for English→Spanish after English→German only: the frozen head never output Spanish', EN_DE_ONLY + 'finetune f from base on en_es { method: <|lora(rank: 8, targets: [output])|> }', [
  { code: 'untrained-output-tokens', message: 'task `en_es` outputs Spanish words (tokens 65..96)' },
]);
test('a prefix there gets both, at the method: the theory warning and the untrained head', () => {
  const { text, ranges } = mark(EN_DE_ONLY + 'finetune f from base on en_es { method: <|prefix(length: 16)|> }');
  const got = analyse(text).diagnostics.map((d) => ({ code: d.code, severity: d.severity, range: d.range }));
  assert.deepEqual(got, [
    { code: 'novel-value-map', severity: 'warning', range: ranges[0] },
    { code: 'untrained-output-tokens', severity: 'info', range: ranges[0] },
  ]);
});
check('digits: add(2) on 0..7 after ascending only outputs 8 and 9, never output before', PREAMBLE.replace('tasks: [asc, inc1]', 'tasks: [asc]') + 'finetune f from base on add(2) { method: <|lora(rank: 1)|> }', [
  { code: 'untrained-output-tokens', message: '2 tokens in 8..9' },
]);

test('no untrained-output message for full fine-tuning (it trains the head) or for a single new token', () => {
  expectNoDiagnostics(EN_DE_ONLY + 'finetune f from base on en_es { method: full }');
  // add(2) after [asc, inc1] on 0..7: only 9 is new (see the prefix-for-a-new-value-map case above).
  expectNoDiagnostics(PREAMBLE + 'finetune f from base on add(2) { method: lora(rank: 1) }');
});

test('full fine-tuning and LoRA never get theory warnings', () => {
  expectNoDiagnostics(PREAMBLE + 'finetune f from base on desc { method: full }\nfinetune g from base on histogram { method: lora(rank: 2) }');
});

test('a weight-changing finetune on the way adds its task to what the model knows', () => {
  expectNoDiagnostics(PREAMBLE + 'finetune f from base on desc { method: full }\nfinetune g from f on desc { method: prefix(length: 2) }');
});

test('the theory warning names the missing skill and what the pretrained run has, and offers three fixes', () => {
  const { text } = mark(PREAMBLE + 'finetune f from base on desc { method: prefix(length: 2) }');
  const a = analyse(text);
  const d = a.diagnostics.find((x) => x.code === 'novel-attention-pattern')!;
  assert.match(d.message, /largest value not yet written/);
  assert.match(d.message, /smallest value not yet written/);
  const titles = d.data!.fixes!.map((f) => f.title);
  assert.equal(titles.length, 3);
  // A new pattern needs LoRA on the attention weights (query and key), not the paper's output/MLP default.
  assert.match(titles[0]!, /^Switch to lora\(rank: 1, targets: \[query, key, value, output\]\)/);
  assert.match(titles[1]!, /full fine-tuning/);
  assert.match(titles[2]!, /Add desc to the tasks of pretraining run 'base'/);
  // Applying the LoRA fix removes the warning.
  const edit = d.data!.fixes![0]!.edits[0]!;
  const lines = text.split('\n');
  const line = lines[edit.range.start.line]!;
  lines[edit.range.start.line] = line.slice(0, edit.range.start.character) + edit.newText + line.slice(edit.range.end.character);
  expectNoDiagnostics(lines.join('\n'));
});

test('diagnostics and their fixes are plain data, though the fast path gives the AST Span ranges', () => {
  const text = PREAMBLE + 'finetune f from base on desc { method: prefix(length: 2) }\nmodel w { width: 32  heads: 3  widht: 1 }';
  const a = analyse(text);
  const methodValue = a.ast.blocks.find((b) => b.name?.text === 'f')!.body!.entries[0]!.value!;
  assert.ok(methodValue.range instanceof Span, 'well-formed text took the fast path');
  assert.deepEqual(methodValue.range.start, { line: methodValue.range.start.line, character: methodValue.range.start.character });
  const plain = (r: unknown): boolean => Object.getPrototypeOf(r) === Object.prototype && Object.getPrototypeOf((r as Range).start) === Object.prototype;
  assert.ok(a.diagnostics.length >= 3, a.diagnostics.map((d) => d.code).join());
  for (const d of a.diagnostics) {
    assert.ok(plain(d.range), `${d.code}: range`);
    for (const f of d.data?.fixes ?? []) for (const e of f.edits) assert.ok(plain(e.range), `${d.code}: ${f.title}`);
  }
  // The warning's range is the method value's, copied.
  const warning = a.diagnostics.find((d) => d.code === 'novel-attention-pattern')!;
  assert.deepStrictEqual(warning.range, JSON.parse(JSON.stringify(methodValue.range)));
});

// ---- sweeps ----
check('a sweep value given twice', PREAMBLE + 'compare c from base on desc { methods: [prefix(length: 2, lr: [1e-3, <|1e-3|>])] }', [{ code: 'duplicate-key', message: 'already in this sweep' }]);
check('a compare that expands to hundreds of runs', PREAMBLE + 'compare c from base on desc { methods: <|[lora(rank: [1, 2, 4], lr: [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2])]|>  seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14] }', [
  { code: 'large-sweep', message: '270 runs (18 configurations × 15 seeds)' },
]);

test('several errors in one file are all reported and the rest still yields an AST', () => {
  const a = analyse('data d { length 4 }\nmodel m { width: 32  heads: 3 }\njunk\ntask t = sort(ascending)\nmodel n { width: }\ntask u = add(1)');
  const codes = a.diagnostics.map((d) => d.code);
  assert.ok(codes.includes('syntax-error'));
  assert.ok(codes.includes('heads-divide-width'));
  assert.ok(codes.includes('stray-token'));
  assert.deepEqual(a.ast.blocks.map((b) => b.name?.text), ['d', 'm', 't', 'n', 'u']);
  assert.ok(a.spec.tasks.has('t') && a.spec.tasks.has('u'));
});

test('every diagnostic code except internal-error is exercised above', () => {
  const all = Object.keys(DIAGNOSTIC_CODES).filter((c) => c !== 'internal-error');
  assert.deepEqual(all.filter((c) => !seen.has(c as DiagnosticCode)), []);
});

test('an unfinished last block keeps every block before it (completion needs them while typing)', () => {
  const a = analyse('model m { width: 8 }\nfinetune f from ');
  assert.deepEqual(a.ast.blocks.map((b) => [b.kind, b.name?.text]), [
    ['model', 'm'],
    ['finetune', 'f'],
  ]);
  assert.ok(a.spec.models.has('m'));
});

test('a learned task that cannot run on the data (a finetune on the chain) is never evaluated: no internal error', () => {
  const a = analyse(PREAMBLE + 'finetune f from base on translate(en, de) then reverse { method: full }\nfinetune g from f on sort(descending) then reverse { method: prefix(length: 2) }');
  assert.deepEqual(a.diagnostics.map((d) => d.code), ['incompatible-data', 'simpler-task-form']);
});

test('theory warnings are one sentence short enough for the Problems view (the reasoning is in hover and docs)', () => {
  let seen = 0;
  for (const f of readdirSync('examples').filter((x) => x.endsWith('.ptx'))) {
    for (const d of analyse(readFileSync(join('examples', f), 'utf8')).diagnostics) {
      if (d.code !== 'novel-attention-pattern' && d.code !== 'novel-value-map') continue;
      seen++;
      assert.ok(d.message.length <= 300, `${f}: ${d.message.length} characters: ${d.message}`);
      assert.doesNotMatch(d.message, /\.\s|\n/, `${f}: one sentence`);
      assert.match(d.message, /trains [\d,]+ parameters/, `${f}: the numbers`);
    }
  }
  assert.ok(seen >= 5, `${seen} theory warnings in the examples`);
});
