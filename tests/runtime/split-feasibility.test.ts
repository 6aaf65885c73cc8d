// The analysis counts the train/test split the way the runtime draws: its exact counts equal the runtime's
// own split of every input, its shares match the runtime's repeat-biased draws, and where it refuses a data
// block the runtime's example streams really give up (and where it accepts one at the edge, they do not).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse } from '../../grammar/src/index.js';
import { countSplit, MAX_REJECTIONS, MIN_SIDE_SHARE } from '../../grammar/src/analysis/feasibility.js';
import { wordLangRange } from '../../grammar/src/catalogue/words.js';
import type { DataSpec, TaskSpec } from '../../grammar/src/spec.js';
import { drawInput, MAX_REJECTIONS as RUNTIME_MAX_REJECTIONS, testSet, trainStream, validationSet } from '../../runtime/src/data/examples.js';
import { Rng } from '../../runtime/src/data/rng.js';
import { inputHash, splitSide, type SplitSide } from '../../runtime/src/data/split.js';
import { digits } from './run-helpers.js';

const COPY: TaskSpec = { name: 'copy', steps: [{ kind: 'copy' }] };

/** Every input of `length` tokens over lo..hi. */
function allInputs(lo: number, hi: number, length: number): number[][] {
  let out: number[][] = [[]];
  for (let i = 0; i < length; i++) out = out.flatMap((x) => Array.from({ length: hi - lo + 1 }, (_, v) => [...x, lo + v]));
  return out;
}

test('the split hash is unchanged (stored runs and their test sets depend on it)', () => {
  // Values computed with the hash as it was in runtime/src/data/split.ts before it moved to grammar/src/split.ts.
  assert.equal(inputHash([0]), 0.42536149988882244);
  assert.equal(inputHash([1, 2, 3]), 0.4740968053229153);
  assert.equal(inputHash([5, 1, 7, 3, 0, 2]), 0.27715027262456715);
  assert.equal(inputHash([70000, 3]), 0.7196032721549273);
  assert.equal(inputHash([]), 0.6689221884589642);
});

test('the analysis gives up after as many draws as the runtime, and its minimum share makes that negligible', () => {
  assert.equal(MAX_REJECTIONS, RUNTIME_MAX_REJECTIONS);
  // 100,000 misses in a row at the smallest accepted share: below 10^-12 over the 4·10^9 examples of a
  // million steps at batch 4096.
  assert.ok(4e9 * Math.pow(1 - MIN_SIDE_SHARE, MAX_REJECTIONS) < 1e-12);
});

test('exact counts equal the runtime split of every input, for digit ranges and word blocks', () => {
  const [de0, de1] = wordLangRange('de', 5);
  for (const [lo, hi, length, t, v] of [
    [0, 1, 2, 0.2, 0.25],
    [0, 0, 3, 0.5, 0.5],
    [3, 5, 4, 0.3, 0.25],
    [0, 7, 5, 0.1, 0.4],
    [de0, de1, 3, 0.25, 0.1],
  ] as const) {
    const c = countSplit(lo, hi, length, t, v, false);
    const inputs = allInputs(lo, hi, length);
    assert.equal(c.exact, true);
    assert.equal(c.inputs, inputs.length);
    for (const side of ['train', 'validation', 'test'] as SplitSide[]) {
      assert.equal(c.counts[side], inputs.filter((x) => splitSide(x, t, v) === side).length, `${lo}..${hi} length ${length} test ${t} validation ${v}: ${side}`);
      // Without the repeat bias every input is equally likely.
      assert.equal(c.shares[side], c.counts[side] / c.inputs);
    }
  }
});

test("with the repeat bias, the counted shares match the runtime's draws", () => {
  const data = digits({ values: [0, 3], length: 4, vocab: 8, test: 0.3, validation: 0.4, repeats: true });
  const c = countSplit(0, 3, 4, 0.3, 0.4, true);
  const r = new Rng(7);
  const n = 40_000;
  const hits = { train: 0, validation: 0, test: 0 };
  for (let i = 0; i < n; i++) hits[splitSide(drawInput(r, data), data.test, data.validation)]++;
  for (const side of ['train', 'validation', 'test'] as SplitSide[]) {
    // 40,000 draws: the standard error of a share is below 0.0025.
    assert.ok(Math.abs(hits[side] / n - c.shares[side]) < 0.01, `${side}: drawn ${hits[side] / n}, counted ${c.shares[side]}`);
  }
  // And the bias matters here: the unweighted share differs.
  assert.notEqual(c.shares.test, c.counts.test / c.inputs);
});

/** Whether the runtime's streams on `data` can draw `n` examples of `side`. */
function draws(data: DataSpec, side: SplitSide, n: number): boolean {
  try {
    if (side === 'test') testSet(data, COPY, n);
    else if (side === 'validation') validationSet(data, COPY, n);
    else trainStream(data, [COPY], 0).take(n);
    return true;
  } catch (err) {
    assert.match((err as Error).message, new RegExp(`no ${side} example found in 100000 draws`));
    return false;
  }
}

for (const [what, data, side] of [
  ['values: 0..1  length: 2 (no test input)', 'values: 0..1  length: 2  vocab: 4', 'test'],
  ['values: 0..0 (a single input)', 'values: 0..0  length: 3  vocab: 4', 'test'],
  ['test: 1e-300', 'values: 0..7  length: 6  vocab: 8  test: 1e-300', 'test'],
  ['test: 0.9999999', 'values: 0..7  length: 6  vocab: 8  test: 0.9999999', 'train'],
] as const) {
  test(`issue 13: ${what} is refused by the check, and the runtime indeed cannot draw its ${side} examples`, () => {
    const a = analyse(`data d { ${data} }\nmodel m { width: 8  context: 12 }\npretrain p { model: m  data: d  tasks: [copy]  steps: 2 }`);
    const errors = a.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => d.code), ['input-space-too-small']);
    assert.match(errors[0]!.message, new RegExp(`${side === 'test' ? 'test' : 'training'} side`));
    assert.equal(draws(a.spec.data.get('d')!, side, 50), false);
  });
}

test('a side just above the minimum share is accepted and the runtime draws from it; one below it is refused', () => {
  // 0..1 at length 14: 16,384 inputs; test: 0.0006 with validation: 0.05 puts 11 on the test side (one draw
  // in ~1,500) and 2 on the validation side (one in ~8,000, too rare).
  const c = countSplit(0, 1, 14, 0.0006, 0.05, true);
  assert.deepEqual(c.counts, { train: 16371, validation: 2, test: 11 });
  assert.ok(c.shares.test >= MIN_SIDE_SHARE && c.shares.test < 2 * MIN_SIDE_SHARE, `share ${c.shares.test}`);
  const data = 'data d { values: 0..1  length: 14  vocab: 4  test: 0.0006  validation: 0.05 }\nmodel m { width: 8  context: 28 }\npretrain p { model: m  data: d  tasks: [copy] }';
  // A pretrain draws training and test inputs only: accepted.
  const a = analyse(data);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(draws(a.spec.data.get('d')!, 'test', 200), true);
  // A finetune also evaluates on the validation sample during training: refused (one draw in ~8,000 would
  // miss 100,000 times in a row with probability e^-12 per example: rarely, but a long run can hit it).
  assert.ok(c.shares.validation < MIN_SIDE_SHARE);
  const f = analyse(data + '\nfinetune f from p on reverse { method: full }');
  const errors = f.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => d.code), ['input-space-too-small']);
  assert.match(errors[0]!.message, /^only 2 of the 16,384 possible inputs of data 'd' .* are on the validation side .*run 'f''s evaluation during training draws validation inputs/);
});

test('word data is counted per input language: a task can lack inputs on one side that another language has', () => {
  // Few words at length 1: each language has a handful of inputs, and the split places each language's differently.
  const names = ['en', 'de', 'es'] as const;
  const ok = (words: number, l: (typeof names)[number]) => {
    const [lo, hi] = wordLangRange(l, words);
    const c = countSplit(lo, hi, 1, 0.5, 0.25, true);
    return c.counts.train > 0 && c.counts.test > 0;
  };
  const words = [2, 3, 4, 5, 6].find((n) => names.some((l) => ok(n, l)) && names.some((l) => !ok(n, l)))!;
  assert.ok(words, 'no word count where one language is usable and another is not');
  const usable = names.find((l) => ok(words, l))!;
  const lopsided = names.find((l) => !ok(words, l))!;
  const spec = (from: string) =>
    `data w { kind: words  words: ${words}  length: 1  test: 0.5 }\nmodel m { width: 8 }\npretrain p { model: m  data: w  tasks: [translate(${from}, en)] }`;
  assert.deepEqual(analyse(spec(usable)).diagnostics.filter((d) => d.code === 'input-space-too-small'), []);
  const refused = analyse(spec(lopsided)).diagnostics.filter((d) => d.code === 'input-space-too-small');
  assert.equal(refused.length, 1);
  const LANG = { en: 'English', de: 'German', es: 'Spanish' } as const;
  assert.match(refused[0]!.message, new RegExp(`over ${words} ${LANG[lopsided]} words`));
});
