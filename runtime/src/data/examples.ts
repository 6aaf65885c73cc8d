// Streams of (input, output) examples in the paper's setup.
//
// Inputs: `length` tokens drawn uniformly from the data's values (digits: the inclusive range; words: the
// tokens of the task's input language, English 1..N unless the task starts by translating from another
// language; in a mixture each example's input is drawn in the language of its own task). With `repeats` on, a draw holding more than length/2 distinct values is rejected
// with probability 1/2, which makes repeated values common (the histogram task needs them).
// Split: an input belongs to the train, validation or test side as its hash says (split.ts); each stream
// keeps only inputs of its own side, so training never sees a held-out input.
// Outputs that do not fit the vocabulary (e.g. a histogram count of 10 with vocabulary 0..9, which needs
// ten equal digits) are redrawn: the model could not emit them.
import { taskInputLang, wordLangRange } from '../../../grammar/src/catalogue/words.js';
import type { DataSpec, Lang, TaskSpec } from '../../../grammar/src/spec.js';
import { deriveSeed, Rng } from './rng.js';
import { splitSide, type SplitSide } from './split.js';
import { applyTask } from '../../../grammar/src/tasks/apply.js';

export type { SplitSide };

export interface Example {
  input: number[];
  output: number[];
  /** Index of the task (into the stream's task list) that produced the output. */
  task: number;
}

/**
 * Consecutive rejections after which a stream gives up: the data or task admits (almost) no examples. The
 * analysis refuses data whose split leaves a side too rare to be found within this many draws
 * (grammar/src/analysis/feasibility.ts, which keeps the same number).
 */
export const MAX_REJECTIONS = 100_000;

/** Inclusive range of input token ids; `lang` is the input language on word data (ignored for digits). */
export function inputRange(data: DataSpec, lang: Lang = 'en'): [number, number] {
  if (data.kind === 'words') return wordLangRange(lang, data.words);
  return [data.values[0], data.values[1]];
}

/** One input draw, with the paper's repeat bias. */
export function drawInput(rng: Rng, data: DataSpec, lang: Lang = 'en'): number[] {
  const [lo, hi] = inputRange(data, lang);
  for (;;) {
    const x: number[] = [];
    for (let i = 0; i < data.length; i++) x.push(rng.range(lo, hi));
    if (data.repeats && new Set(x).size > data.length / 2 && rng.next() < 0.5) continue;
    return x;
  }
}

/**
 * An endless, seeded stream of examples on one side of the split. With several tasks, each example's task
 * is drawn uniformly (pretraining on a mixture, no task token), then its input in that task's language.
 */
export class ExampleStream {
  private rng: Rng;
  /** Input language of each task (word data; English for digits, where it is unused). */
  private readonly langs: readonly Lang[];

  constructor(
    private readonly data: DataSpec,
    private readonly tasks: readonly TaskSpec[],
    private readonly side: SplitSide,
    rngState: number,
  ) {
    if (tasks.length === 0) throw new Error('an example stream needs at least one task');
    this.rng = Rng.fromState(rngState);
    this.langs = tasks.map((t) => taskInputLang(t.steps));
  }

  /** Generator state; a stream rebuilt with it continues with the same examples. */
  state(): number {
    return this.rng.state();
  }

  next(): Example {
    for (let tries = 0; tries < MAX_REJECTIONS; tries++) {
      const task = this.tasks.length === 1 ? 0 : this.rng.int(this.tasks.length);
      // Same draws in the same order as before input languages existed, so English-only streams (and the
      // stored runs trained on them) are unchanged.
      const input = drawInput(this.rng, this.data, this.langs[task]!);
      if (splitSide(input, this.data.test, this.data.validation) !== this.side) continue;
      const output = applyTask(this.tasks[task]!.steps, input, { words: this.data.words });
      if (output.some((t) => t < 0 || t >= this.data.vocab || !Number.isInteger(t))) continue;
      return { input, output, task };
    }
    const names = this.tasks.map((t) => t.name).join(', ');
    throw new Error(
      `data '${this.data.name}' with task ${names}: no ${this.side} example found in ${MAX_REJECTIONS} draws ` +
        `(held out ${this.data.test}, validation share ${this.data.validation}; outputs must lie in 0..${this.data.vocab - 1})`,
    );
  }

  take(n: number): Example[] {
    const out: Example[] = [];
    for (let i = 0; i < n; i++) out.push(this.next());
    return out;
  }
}

/** The training stream of a run: seeded by the run's seed, so a different seed sees different data. */
export function trainStream(data: DataSpec, tasks: readonly TaskSpec[], seed: number): ExampleStream {
  return new ExampleStream(data, tasks, 'train', deriveSeed(seed, 'train-data'));
}

/**
 * The test set: the first `n` examples of a stream with a fixed seed, so every run of the same data and
 * task is measured on the very same inputs whatever its own seed.
 */
export function testSet(data: DataSpec, task: TaskSpec, n: number): Example[] {
  return new ExampleStream(data, [task], 'test', deriveSeed(0, 'test-data')).take(n);
}

/** The validation sample of a task, fixed like the test set (evaluation during training, selection). */
export function validationSet(data: DataSpec, task: TaskSpec, n: number): Example[] {
  return new ExampleStream(data, [task], 'validation', deriveSeed(0, 'validation-data')).take(n);
}
