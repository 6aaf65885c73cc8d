// What each task primitive computes. A task is a list of steps applied left to right: the output of one
// step is the input of the next (`sort(ascending) then add(1)` sorts, then adds one to every token).
// Every primitive maps `length` tokens to `length` tokens, so input and output have the same length.
// One function for both sides: the runtime's data generator makes its examples with it, and the analysis
// evaluates tasks with it to find which tasks compute the same thing (tasks/forms.ts).
import { tokenWord, wordLangStart } from '../catalogue/words.js';
import type { TaskStep } from '../spec.js';

/** What the steps need to know about the data: the number of words in use, for translation. */
export interface TaskContext {
  words: number;
}

export function applyStep(step: TaskStep, input: readonly number[], ctx: TaskContext): number[] {
  switch (step.kind) {
    case 'sort':
      return [...input].sort((a, b) => (step.order === 'ascending' ? a - b : b - a));
    case 'add':
      return input.map((x) => x + step.k);
    case 'histogram': {
      // The paper's "double histogram": position i gets how many times input[i] occurs in the input.
      const counts = new Map<number, number>();
      for (const x of input) counts.set(x, (counts.get(x) ?? 0) + 1);
      return input.map((x) => counts.get(x)!);
    }
    case 'copy':
      return [...input];
    case 'reverse':
      return [...input].reverse();
    case 'translate':
      return input.map((t) => {
        const w = tokenWord(t, ctx.words);
        if (!w || w.lang !== step.from) {
          throw new Error(`translate(${step.from}, ${step.to}): token ${t} is not a word of language '${step.from}'`);
        }
        return wordLangStart(step.to, ctx.words) + w.index;
      });
  }
}

export function applyTask(steps: readonly TaskStep[], input: readonly number[], ctx: TaskContext): number[] {
  let x: number[] = [...input];
  for (const step of steps) x = applyStep(step, x, ctx);
  return x;
}
