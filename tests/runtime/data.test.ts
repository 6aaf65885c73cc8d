import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveSeed, Rng } from '../../runtime/src/data/rng.js';
import { inputHash, splitSide } from '../../runtime/src/data/split.js';
import { applyTask } from '../../grammar/src/tasks/apply.js';
import { drawInput, ExampleStream, testSet, trainStream, validationSet } from '../../runtime/src/data/examples.js';
import { toBatch } from '../../runtime/src/data/batch.js';
import { ADD1, ASC, DESC, digits, task } from './run-helpers.js';

test('rng: same seed same stream; a stored state continues it exactly', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const xs = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.next()));
  const c = new Rng(7);
  for (let i = 0; i < 13; i++) c.next();
  const d = Rng.fromState(c.state());
  assert.deepEqual(Array.from({ length: 20 }, () => c.int(1000)), Array.from({ length: 20 }, () => d.int(1000)));
  assert.notEqual(new Rng(1).next(), new Rng(2).next());
  assert.notEqual(deriveSeed(0, 'train-data'), deriveSeed(0, 'test-data'));
});

test('rng: range is inclusive and roughly uniform', () => {
  const r = new Rng(3);
  const counts = new Array(8).fill(0);
  for (let i = 0; i < 80_000; i++) counts[r.range(0, 7)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `count ${c}`);
});

test('tasks: every primitive', () => {
  const x = [3, 1, 3, 0, 5];
  const ctx = { words: 0 };
  assert.deepEqual(applyTask([{ kind: 'sort', order: 'ascending' }], x, ctx), [0, 1, 3, 3, 5]);
  assert.deepEqual(applyTask([{ kind: 'sort', order: 'descending' }], x, ctx), [5, 3, 3, 1, 0]);
  assert.deepEqual(applyTask([{ kind: 'add', k: 2 }], x, ctx), [5, 3, 5, 2, 7]);
  assert.deepEqual(applyTask([{ kind: 'histogram' }], x, ctx), [2, 1, 2, 1, 1]);
  assert.deepEqual(applyTask([{ kind: 'copy' }], x, ctx), x);
  assert.deepEqual(applyTask([{ kind: 'reverse' }], x, ctx), [5, 0, 3, 1, 3]);
  assert.deepEqual(x, [3, 1, 3, 0, 5], 'the input is not modified');
});

test('tasks: steps compose left to right', () => {
  const ctx = { words: 0 };
  // sort then add: sorted, then +1. reverse then histogram vs histogram then reverse differ on this input.
  assert.deepEqual(applyTask([{ kind: 'sort', order: 'ascending' }, { kind: 'add', k: 1 }], [2, 0, 1], ctx), [1, 2, 3]);
  assert.deepEqual(applyTask([{ kind: 'add', k: 1 }, { kind: 'histogram' }], [2, 2, 1], ctx), [2, 2, 1]);
  assert.deepEqual(applyTask([{ kind: 'histogram' }, { kind: 'add', k: 1 }], [2, 2, 1], ctx), [3, 3, 2]);
  assert.deepEqual(applyTask([{ kind: 'sort', order: 'ascending' }, { kind: 'reverse' }], [2, 0, 1], ctx), [2, 1, 0]);
});

test('tasks: translation is a block offset, and composes en→de→es = en→es', () => {
  const N = 5;
  const ctx = { words: N };
  const en = [1, 3, 5];
  assert.deepEqual(applyTask([{ kind: 'translate', from: 'en', to: 'de' }], en, ctx), [6, 8, 10]);
  assert.deepEqual(applyTask([{ kind: 'translate', from: 'en', to: 'es' }], en, ctx), [11, 13, 15]);
  assert.deepEqual(
    applyTask([{ kind: 'translate', from: 'en', to: 'de' }, { kind: 'translate', from: 'de', to: 'es' }], en, ctx),
    [11, 13, 15],
  );
  assert.throws(() => applyTask([{ kind: 'translate', from: 'de', to: 'es' }], en, ctx), /not a word of language 'de'/);
});

test('split: train, validation and test streams keep to their own side; validation is carved out of the held-out side', () => {
  const data = digits({ test: 0.3, validation: 0.25 });
  const side = (input: number[]) => splitSide(input, data.test, data.validation);
  const train = trainStream(data, [ASC], 5).take(5000);
  assert.ok(train.every((e) => side(e.input) === 'train'));
  const tst = testSet(data, ASC, 500);
  assert.equal(tst.length, 500);
  assert.ok(tst.every((e) => side(e.input) === 'test'));
  const val = validationSet(data, ASC, 300);
  assert.ok(val.every((e) => side(e.input) === 'validation'));
  // About 30% of raw draws are held out, a quarter of those (7.5%) for validation.
  const r = new Rng(9);
  const n = { train: 0, validation: 0, test: 0 };
  for (let i = 0; i < 20_000; i++) n[side(drawInput(r, data))]++;
  assert.ok(Math.abs((n.validation + n.test) / 20_000 - 0.3) < 0.02, `held-out share ${(n.validation + n.test) / 20_000}`);
  assert.ok(Math.abs(n.validation / 20_000 - 0.075) < 0.01, `validation share ${n.validation / 20_000}`);
  // The training stream does not depend on the validation share (pretrain keys leave it out).
  assert.deepEqual(trainStream(digits({ test: 0.3, validation: 0.5 }), [ASC], 5).take(200), train.slice(0, 200));
  assert.equal(inputHash([1, 2, 3]), inputHash([1, 2, 3]));
  assert.notEqual(inputHash([1, 2, 3]), inputHash([3, 2, 1]));
});

test('test set: fixed by the data, not by any seed; training data depends on the seed', () => {
  const data = digits();
  assert.deepEqual(testSet(data, ASC, 50).map((e) => e.input), testSet(data, DESC, 50).map((e) => e.input));
  assert.deepEqual(testSet(data, ASC, 50), testSet(data, ASC, 50));
  assert.notDeepEqual(trainStream(data, [ASC], 1).take(5), trainStream(data, [ASC], 2).take(5));
  assert.deepEqual(trainStream(data, [ASC], 1).take(5), trainStream(data, [ASC], 1).take(5));
});

test('stream state: a rebuilt stream continues with the same examples', () => {
  const data = digits();
  const a = trainStream(data, [ASC, DESC], 3);
  a.take(17);
  const b = new ExampleStream(data, [ASC, DESC], 'train', a.state());
  assert.deepEqual(a.take(10), b.take(10));
});

test('repeats: draws with more than length/2 distinct values are halved', () => {
  const count = (repeats: boolean) => {
    const r = new Rng(11);
    const data = digits({ repeats });
    let many = 0;
    const N = 40_000;
    for (let i = 0; i < N; i++) if (new Set(drawInput(r, data)).size > 5) many++;
    return many / N;
  };
  const p = count(false); // 10 draws from 8 values: most have 6+ distinct values
  const q = count(true);
  const expected = p / 2 / (p / 2 + (1 - p));
  assert.ok(p > 0.5, `p ${p}`);
  assert.ok(Math.abs(q - expected) < 0.015, `with repeats ${q}, expected ${expected}`);
});

test('pretraining mixture: tasks drawn uniformly per example, outputs match the task', () => {
  const data = digits();
  const tasks = [ASC, DESC, ADD1];
  const ex = trainStream(data, tasks, 4).take(6000);
  const counts = [0, 0, 0];
  for (const e of ex) {
    counts[e.task]!++;
    assert.deepEqual(e.output, applyTask(tasks[e.task]!.steps, e.input, { words: 0 }));
  }
  for (const c of counts) assert.ok(Math.abs(c - 2000) < 150, `task count ${c}`);
});

test('outputs outside the vocabulary are redrawn; an impossible task is a clear error', () => {
  const data = digits({ values: [0, 7], vocab: 8 });
  const ex = trainStream(data, [ADD1], 1).take(500);
  assert.ok(ex.every((e) => e.output.every((t) => t < 8)));
  assert.ok(ex.some((e) => e.input.includes(7)) === false);
  const bad = task('add5', { kind: 'add', k: 5 });
  assert.throws(() => trainStream(digits({ values: [5, 7], length: 2 }), [bad], 1).next(), /no train example found/);
});

test('words: inputs are English tokens, translation lands in the target block', () => {
  const N = 20;
  const data = digits({ kind: 'words', words: N, vocab: 3 * N + 1, length: 3, values: [0, 0] });
  const en2de = task('en2de', { kind: 'translate', from: 'en', to: 'de' });
  const ex = trainStream(data, [en2de], 1).take(300);
  for (const e of ex) {
    assert.ok(e.input.every((t) => t >= 1 && t <= N));
    assert.deepEqual(e.output, e.input.map((t) => t + N));
  }
});

test('words: a mixture draws each input in its own task’s language (en→de gets English, es→es Spanish)', () => {
  const N = 20;
  const data = digits({ kind: 'words', words: N, vocab: 3 * N + 1, length: 2, values: [0, 0] });
  const enDe = task('en_de', { kind: 'translate', from: 'en', to: 'de' });
  const esEs = task('es_es', { kind: 'translate', from: 'es', to: 'es' });
  const ex = trainStream(data, [enDe, esEs], 5).take(2000);
  const counts = [0, 0];
  for (const e of ex) {
    counts[e.task]!++;
    if (e.task === 0) {
      assert.ok(e.input.every((t) => t >= 1 && t <= N), `en_de input ${e.input}`);
      assert.ok(e.output.every((t) => t >= N + 1 && t <= 2 * N), `en_de output ${e.output}`);
      assert.deepEqual(e.output, e.input.map((t) => t + N));
    } else {
      assert.ok(e.input.every((t) => t >= 2 * N + 1 && t <= 3 * N), `es_es input ${e.input}`);
      assert.deepEqual(e.output, e.input);
    }
  }
  for (const c of counts) assert.ok(Math.abs(c - 1000) < 100, `task count ${c}`);
  // The test set of each task is drawn in its own language and holds only test inputs of that language.
  const esTest = testSet(data, esEs, 50);
  assert.ok(esTest.every((e) => e.input.every((t) => t > 2 * N) && splitSide(e.input, data.test, data.validation) === 'test'));
  // A later step keeps the language: reverse then translate(de, en) reads German words.
  const deRev = task('de_rev', { kind: 'reverse' }, { kind: 'translate', from: 'de', to: 'en' });
  for (const e of trainStream(data, [deRev], 2).take(100)) {
    assert.ok(e.input.every((t) => t >= N + 1 && t <= 2 * N));
    assert.deepEqual(e.output, [...e.input].reverse().map((t) => t - N));
  }
});

test('words: English-only streams draw exactly what they drew before input languages (stored runs stay valid)', () => {
  // Before input languages, every word input came from drawInput(rng, data) over the English block.
  const N = 20;
  const data = digits({ kind: 'words', words: N, vocab: 3 * N + 1, length: 2, values: [0, 0] });
  const enEs = task('en_es', { kind: 'translate', from: 'en', to: 'es' });
  const rng = Rng.fromState(deriveSeed(9, 'train-data'));
  const expected: number[][] = [];
  while (expected.length < 50) {
    const x = drawInput(rng, data);
    if (inputHash(x) >= data.test) expected.push(x);
  }
  assert.deepEqual(trainStream(data, [enEs], 9).take(50).map((e) => e.input), expected);
});

test('batch: reserve pads, input, output', () => {
  const b = toBatch(
    [
      { input: [1, 2], output: [3, 4], task: 0 },
      { input: [5, 6], output: [7, 1], task: 0 },
    ],
    { reserve: 2, length: 2 },
  );
  assert.equal(b.batch, 2);
  assert.deepEqual([...b.tokens], [0, 0, 1, 2, 3, 4, 0, 0, 5, 6, 7, 1]);
  assert.throws(() => toBatch([{ input: [1], output: [2], task: 0 }], { reserve: 0, length: 2 }));
});
