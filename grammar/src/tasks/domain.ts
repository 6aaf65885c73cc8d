// The inputs on which the analysis evaluates tasks: every input of a data block when there are few, else a
// fixed deterministic sample. Tasks compared on these inputs are "equal on these inputs" (tasks/forms.ts).
//
// Why this sample is enough: the primitives see their input only through the order of its values and which
// values are equal (sort, reverse, histogram) and through per-token maps (add, translate). Uniform draws
// exercise order and value range, but on a wide range they almost never repeat a value (0..999, length 3:
// 0.3% of draws), so two forms that differ only on ties (`sort(ascending) then histogram` and
// `histogram then sort(ascending)`) would look equal. So half the sample is built from one to three
// distinct values, where ties of every shape are common. On the spaces where both can be computed, the
// equalities found on this sample are exactly those found on every input (tests/grammar/task-forms).
import { taskInputLang, wordLangRange } from '../catalogue/words.js';
import type { DataSpec, Lang, TaskStep } from '../spec.js';

/** Spaces of at most this many inputs are enumerated; larger ones are sampled. */
export const EXHAUSTIVE_INPUTS = 4096;
/** Inputs in the sample of a larger space: half uniform, half made of few distinct values. */
export const SAMPLED_INPUTS = 4096;

export interface TaskDomain {
  /** The inputs, each `length` tokens in the data's input range (in the task's input language on words). */
  inputs: readonly (readonly number[])[];
  /** Whether `inputs` is the whole input space. */
  exhaustive: boolean;
}

/** Domains by data shape and input language: every task of a spec on the same data shares one. */
const domains = new Map<string, TaskDomain>();

/** The evaluation inputs of tasks reading `steps`' input language on `data`. */
export function taskDomain(data: DataSpec, steps: readonly TaskStep[]): TaskDomain {
  const lang: Lang = data.kind === 'words' ? taskInputLang(steps) : 'en';
  const [lo, hi] = data.kind === 'words' ? wordLangRange(lang, data.words) : data.values;
  const key = `${lo},${hi},${data.length}`;
  let d = domains.get(key);
  if (!d) {
    d = buildDomain(lo, hi, data.length);
    // Bounded like the analysis' other caches: the shapes come from the file being edited.
    if (domains.size >= 64) domains.clear();
    domains.set(key, d);
  }
  return d;
}

/** The key of the domain taskDomain returns (tasks with the same key are evaluated on the same inputs). */
export function domainKey(data: DataSpec, steps: readonly TaskStep[]): string {
  const lang: Lang = data.kind === 'words' ? taskInputLang(steps) : 'en';
  const [lo, hi] = data.kind === 'words' ? wordLangRange(lang, data.words) : data.values;
  return `${lo},${hi},${data.length},${data.vocab},${data.words}`;
}

function buildDomain(lo: number, hi: number, length: number): TaskDomain {
  const n = hi - lo + 1;
  if (n >= 1 && n ** length <= EXHAUSTIVE_INPUTS) {
    const inputs: number[][] = [];
    const total = n ** length;
    for (let i = 0; i < total; i++) {
      const x: number[] = [];
      for (let j = 0, r = i; j < length; j++, r = Math.floor(r / n)) x.push(lo + (r % n));
      inputs.push(x);
    }
    return { inputs, exhaustive: true };
  }
  // A fixed seed: the same data shape always gets the same sample, whatever the runs' seeds.
  const next = mulberry32(0x5eed);
  const pick = (a: number, b: number): number => a + Math.floor(next() * (b - a + 1));
  const inputs: number[][] = [];
  for (let i = 0; i < SAMPLED_INPUTS; i++) {
    const x: number[] = [];
    if (i % 2 === 0) {
      for (let j = 0; j < length; j++) x.push(pick(lo, hi));
    } else {
      const values: number[] = [];
      const m = pick(1, Math.min(3, n));
      for (let v = 0; v < m; v++) values.push(pick(lo, hi));
      for (let j = 0; j < length; j++) x.push(values[pick(0, m - 1)]!);
    }
    inputs.push(x);
  }
  return { inputs, exhaustive: false };
}

/** A small, fast seeded generator (Mulberry32); the sample only needs to be fixed and well spread. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
