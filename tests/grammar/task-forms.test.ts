// Tasks by what they compute: equality on a data block's inputs and the simplest equal form.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataSpec, Lang, TaskSpec, TaskStep } from '../../grammar/src/spec.js';
import { applyTask } from '../../grammar/src/tasks/apply.js';
import { EXHAUSTIVE_INPUTS, SAMPLED_INPUTS, taskDomain } from '../../grammar/src/tasks/domain.js';
import { sameTask, simplerForm, stepsText } from '../../grammar/src/tasks/forms.js';

const ASC: TaskStep = { kind: 'sort', order: 'ascending' };
const DESC: TaskStep = { kind: 'sort', order: 'descending' };
const REV: TaskStep = { kind: 'reverse' };
const HIST: TaskStep = { kind: 'histogram' };
const COPY: TaskStep = { kind: 'copy' };
const add = (k: number): TaskStep => ({ kind: 'add', k });
const tr = (from: Lang, to: Lang): TaskStep => ({ kind: 'translate', from, to });
const task = (...steps: TaskStep[]): TaskSpec => ({ name: stepsText(steps), steps });

function digits(lo: number, hi: number, length: number, vocab: number): DataSpec {
  return { name: 'd', kind: 'digits', values: [lo, hi], length, vocab, test: 0.2, validation: 0.5, repeats: true, words: 0 };
}
const WORDS: DataSpec = { name: 'w', kind: 'words', values: [1, 32], length: 3, vocab: 97, test: 0.2, validation: 0.5, repeats: false, words: 32 };
// The quickstart's data: 8^6 = 262,144 inputs, so the analysis samples.
const QUICK = digits(0, 7, 6, 9);

test('sort(descending) then reverse is sort(ascending), on every input of a small space and on the sample of a large one', () => {
  for (const data of [digits(0, 7, 4, 8), QUICK]) {
    const f = simplerForm(task(DESC, REV), data);
    assert.ok(f, `a simpler form on ${data.values.join('..')} × ${data.length}`);
    assert.equal(stepsText(f.form.steps), 'sort(ascending)');
    assert.equal(f.exhaustive, data === QUICK ? false : true);
    assert.equal(f.inputs, data === QUICK ? SAMPLED_INPUTS : 4096);
    assert.ok(sameTask(task(DESC, REV), task(ASC), data));
    assert.ok(sameTask(task(ASC), task(DESC, REV), data));
  }
});

test('sort(ascending) then add(1) equals no single primitive', () => {
  assert.equal(simplerForm(task(ASC, add(1)), QUICK), null);
  const singles = [ASC, DESC, REV, HIST, COPY, ...Array.from({ length: 19 }, (_, i) => add(i - 9)).filter((s) => s.kind === 'add' && s.k !== 0)];
  for (const s of singles) assert.equal(sameTask(task(ASC, add(1)), task(s), QUICK), false, stepsText([s]));
  // But it is add(1) then sort(ascending): equal, though neither is shorter.
  assert.ok(sameTask(task(ASC, add(1)), task(add(1), ASC), QUICK));
});

test('simplest forms: the shortest equal task, spelled with the task’s own steps when it can be', () => {
  const cases: Array<[TaskStep[], string | null]> = [
    [[REV, REV], 'copy'],
    [[add(1), add(2)], 'add(3)'],
    [[add(3), HIST], 'histogram'],
    [[REV, ASC, add(1)], 'sort(ascending) then add(1)'],
    [[DESC, REV, add(2), add(-2)], 'sort(ascending)'],
    [[HIST, REV], null],
    [[ASC, HIST], null],
    [[HIST, ASC], null],
    [[REV, HIST, REV], 'histogram'],
  ];
  for (const [steps, want] of cases) {
    const f = simplerForm(task(...steps), QUICK);
    assert.equal(f ? stepsText(f.form.steps) : null, want, stepsText(steps));
  }
});

test('a task of one step is its own simplest form: copy stays copy', () => {
  for (const s of [COPY, ASC, REV, HIST, add(1)]) assert.equal(simplerForm(task(s), QUICK), null);
});

test('words: translations chain into one, and a form must read the same input language', () => {
  assert.equal(stepsText(simplerForm(task(tr('en', 'de'), tr('de', 'es')), WORDS)!.form.steps), 'translate(en, es)');
  assert.equal(stepsText(simplerForm(task(REV, tr('en', 'de'), REV), WORDS)!.form.steps), 'translate(en, de)');
  assert.equal(stepsText(simplerForm(task(tr('en', 'en'), REV), WORDS)!.form.steps), 'reverse');
  // Reversing Spanish words reads Spanish inputs; `reverse` alone would read English ones.
  assert.equal(simplerForm(task(tr('es', 'es'), REV), WORDS), null);
  assert.equal(sameTask(task(tr('es', 'es')), task(COPY), WORDS), false);
});

test('only inputs whose output fits the vocabulary are compared', () => {
  // On 0..7 with vocabulary 9, add(1) then add(1) keeps only inputs up to 6: there it is add(2).
  const f = simplerForm(task(add(1), add(1)), digits(0, 7, 4, 9));
  assert.equal(stepsText(f!.form.steps), 'add(2)');
  assert.equal(f!.compared, 7 ** 4);
  assert.equal(f!.inputs, 8 ** 4);
});

test('ties on a wide range: forms that differ only on repeated values are told apart by the sample', () => {
  const wide = digits(0, 999, 3, 1000);
  assert.ok(taskDomain(wide, []).exhaustive === false);
  // They agree whenever the values are distinct (99.7% of uniform draws) and differ on [3, 3, 5].
  assert.deepEqual(applyTask([ASC, HIST], [3, 3, 5], { words: 0 }), [2, 2, 1]);
  assert.deepEqual(applyTask([HIST, ASC], [3, 3, 5], { words: 0 }), [1, 2, 2]);
  assert.equal(sameTask(task(ASC, HIST), task(HIST, ASC), wide), false);
  assert.equal(sameTask(task(HIST, ASC), task(ASC, HIST), wide), false);
});

test('on a space too large to enumerate in the analysis, the sample finds exactly the equalities of every input', () => {
  // 5^6 = 15,625 inputs: sampled by the analysis, enumerated here. Every pair of forms of up to two steps.
  const data = digits(0, 4, 6, 7);
  assert.ok(5 ** 6 > EXHAUSTIVE_INPUTS && taskDomain(data, []).exhaustive === false);
  const inner = [ASC, DESC, REV, HIST, add(1), add(2), add(-1), add(-2)];
  const forms: TaskStep[][] = [...inner.map((s) => [s]), [COPY]];
  for (const a of inner) for (const b of inner) forms.push([a, b]);
  // Every input, each output encoded as one number (-1: outside the vocabulary, never generated).
  const all: number[][] = [];
  for (let i = 0; i < 5 ** 6; i++) all.push(Array.from({ length: 6 }, (_, j) => Math.floor(i / 5 ** j) % 5));
  const encode = (y: number[]): number => (y.every((t) => t >= 0 && t < data.vocab) ? y.reduce((n, t) => n * data.vocab + t, 0) : -1);
  const table = forms.map((f) => Float64Array.from(all, (x) => encode(applyTask(f, x, { words: 0 }))));
  let equal = 0;
  let pairs = 0;
  for (let i = 0; i < forms.length; i++) {
    for (let j = 0; j < forms.length; j++) {
      const a = table[i]!;
      const b = table[j]!;
      let everywhere = a.some((v) => v >= 0);
      for (let k = 0; everywhere && k < a.length; k++) if (a[k]! >= 0 && a[k] !== b[k]) everywhere = false;
      assert.equal(sameTask(task(...forms[i]!), task(...forms[j]!), data), everywhere, `${stepsText(forms[i]!)} vs ${stepsText(forms[j]!)}`);
      pairs++;
      if (everywhere) equal++;
    }
  }
  // Not a vacuous check: many pairs are equal (sort then reverse, add then sort, adds that chain…).
  assert.ok(equal > forms.length, `${equal} equal pairs of ${pairs}`);
});

test('a task that cannot run on the data is never evaluated: no form, equal to nothing, no exception', () => {
  assert.equal(simplerForm(task(tr('en', 'de'), REV), QUICK), null);
  assert.equal(simplerForm(task(ASC, REV), WORDS), null);
  assert.equal(simplerForm(task(tr('en', 'de'), tr('en', 'es')), WORDS), null);
  assert.equal(sameTask(task(ASC), task(tr('en', 'de')), QUICK), false);
  assert.equal(sameTask(task(tr('en', 'de'), tr('en', 'es')), task(tr('en', 'es')), WORDS), false);
});

test('a form is only suggested with arguments the language accepts: add(k) for |k| ≤ 1000', () => {
  const wide = digits(0, 9, 3, 2100);
  assert.equal(stepsText(simplerForm(task(add(400), add(600)), wide)!.form.steps), 'add(1000)');
  assert.equal(simplerForm(task(add(600), add(600)), wide), null);
});
