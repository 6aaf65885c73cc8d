// Random small specs for the check/run agreement property (check-run-agreement.test.ts): seeded, so a
// failure is reproducible from its index, and biased towards the edges where the check and the runtime
// used to disagree: one-value and two-value ranges, length 1, test fractions at the hash's resolution,
// two-word vocabularies, reserves and contexts just big enough or just too small. Every run is tiny (width
// ≤ 16, at most 3 steps at batch ≤ 6) and every run is evaluated on at most 12 samples, so a clean spec
// trains and evaluates in milliseconds.
import { Rng } from '../../runtime/src/data/rng.js';

/** Test fractions: the hash's edges (where the check must refuse) one time in three, usual ones otherwise. */
const EDGE_TESTS = [1e-300, 1e-9, 1e-6, 2e-4, 0.001, 0.002, 0.01, 0.99, 0.998, 0.999, 0.9999999];
const USUAL_TESTS = [0.1, 0.2, 0.3, 0.5, 0.8];
const LANGS = ['en', 'de', 'es'];

function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[r.int(xs.length)]!;
}

/** A digit task: one primitive or a composition of two. */
function digitTask(r: Rng): string {
  const one = (): string => {
    switch (r.int(6)) {
      case 0:
        return `sort(${pick(r, ['ascending', 'descending'])})`;
      case 1:
        return `add(${r.int(5) - 1})`;
      case 2:
        return 'histogram';
      case 3:
        return 'copy';
      case 4:
        return 'reverse';
      default:
        return 'sort(ascending) then add(1)';
    }
  };
  return r.int(4) === 0 ? `${one()} then ${one()}` : one();
}

/** A word task: translations from one language, copies and reversals. */
function wordTask(r: Rng): string {
  const from = pick(r, LANGS);
  const to = pick(r, LANGS);
  switch (r.int(4)) {
    case 0:
      return 'copy';
    case 1:
      return 'reverse';
    case 2:
      return `translate(${from}, ${to}) then reverse`;
    default:
      return `translate(${from}, ${to})`;
  }
}

function method(r: Rng, reserve: number): string {
  // Now and then one position longer than the reserve (the check must refuse it).
  const len = Math.max(1, reserve) + (r.int(5) === 0 ? 1 : -r.int(Math.max(1, reserve)));
  switch (r.int(6)) {
    case 0:
      return 'full';
    case 1:
      return `lora(rank: ${1 + r.int(3)}, targets: [${pick(r, ['query', 'output', 'mlp_in', 'value, mlp_out'])}])`;
    case 2:
      return `prefix(length: ${len})`;
    case 3:
      return `prefix(length: ${1 + r.int(3)}, space: kv)`;
    case 4:
      return `soft_prompt(length: ${len})`;
    default:
      return `prompt(length: ${len})`;
  }
}

/** The text of random spec number `index` of the sequence seeded by `seed`. */
export function randomSpec(seed: number, index: number): string {
  const r = new Rng((seed * 1_000_003 + index * 7919) >>> 0);
  // Extras (a second finetune in a chain, a probe, several seeds) come from their own stream, so adding them
  // left every spec's other blocks as they were when the regression cases were found.
  const x = new Rng((seed * 1_000_033 + index * 104_729) >>> 0);
  // Early-stopping keys and sweeps (main's later features) from a third stream, likewise.
  const y = new Rng((seed * 1_000_037 + index * 15_485_863) >>> 0);
  const stopping = (): string =>
    y.int(3) === 0 ? `  eval_every: ${1 + y.int(3)}  stop_at: ${pick(y, [0.01, 0.5, 1])}  patience: ${y.int(3)}` : '';
  // The validation share of the held-out inputs: the default (0.25) two times in three.
  const validation = x.int(3) === 0 ? `  validation: ${pick(x, [0.01, 0.5, 0.75, 0.99])}` : '';
  const words = r.int(3) === 0;
  const length = 1 + r.int(5);
  const test = r.int(3) === 0 ? pick(r, EDGE_TESTS) : pick(r, USUAL_TESTS);
  const repeats = r.int(3) > 0;
  const lines: string[] = [];
  /** Input token range for the probe: English words, or the digit values. */
  let inputRange: [number, number];
  if (words) {
    const n = 2 + r.int(6);
    inputRange = [1, n];
    lines.push(`data d { kind: words  words: ${n}  length: ${length}  test: ${test}${validation}  repeats: ${repeats} }`);
  } else {
    const lo = r.int(3);
    const hi = lo + pick(r, [0, 0, 1, 1, 2, 3, 5, 7]);
    // Mostly enough vocabulary for the tasks, sometimes not (the check must say so).
    const vocab = Math.max(2, hi + 1 + r.int(4) + (r.int(4) === 0 ? -1 : length));
    lines.push(`data d { values: ${lo}..${hi}  length: ${length}  vocab: ${vocab}  test: ${test}${validation}  repeats: ${repeats} }`);
    inputRange = [lo, hi];
  }
  const heads = pick(r, [1, 1, 2, 4]);
  const width = pick(r, [4, 8, 8, 12, 16]);
  const reserve = r.int(4);
  const need = reserve + 2 * length - 1;
  const context = Math.max(2, need + pick(r, [0, 0, 0, 1, 3, 3, -1]));
  lines.push(
    `model m { layers: ${1 + r.int(2)}  heads: ${heads}  width: ${width}  mlp: ${pick(r, [4, 8, 16, 32])}  dropout: ${pick(r, [0, 0, 0.1])}  context: ${context}  norm: ${pick(r, ['pre', 'post'])} }`,
  );
  const tasks = Array.from({ length: 1 + r.int(2) }, () => (words ? wordTask(r) : digitTask(r)));
  tasks.forEach((t, i) => lines.push(`task t${i} = ${t}`));
  const taskNames = tasks.map((_, i) => `t${i}`);
  const optimizer = r.int(2) === 0 ? `adamw(lr: 1e-3, weight_decay: ${pick(r, [0, 0.1])})` : 'sgd(lr: 0.05)';
  lines.push(
    `pretrain p { model: m  data: d  tasks: [${taskNames.join(', ')}]  steps: ${1 + r.int(3)}  batch: ${1 + r.int(6)}  seed: ${r.int(5)}  optimizer: ${optimizer}  clip: ${pick(r, [0, 1])}  reserve: ${reserve} }`,
  );
  const runs = ['p'];
  const target = r.int(2) === 0 ? pick(r, taskNames) : words ? wordTask(r) : digitTask(r);
  const tuning = r.int(3);
  if (tuning === 1) {
    lines.push(`finetune f from p on ${target} { method: ${method(r, reserve)}  steps: ${1 + r.int(2)}  batch: ${1 + r.int(4)}${stopping()} }`);
    runs.push('f');
    if (x.int(2) === 0) {
      // Starts from f: refused when f is context-tuned, trained from f's weights when it is full or LoRA.
      lines.push(`finetune g from f on ${pick(x, taskNames)} { method: ${method(x, reserve)}  steps: 1  batch: ${1 + x.int(3)} }`);
      runs.push('g');
    }
  } else if (tuning === 2) {
    const seeds = x.int(3) === 0 ? '[0, 1]' : '[0]';
    const methods = `${method(r, reserve)}, ${method(r, reserve)}`;
    // Now and then a sweep: an argument given as a list is a grid of configurations.
    const sweep = y.int(3) === 0 ? `, ${pick(y, ['full(lr: [1e-3, 3e-3])', 'lora(rank: [1, 2], targets: [output])', `prefix(length: [1, ${Math.max(1, reserve)}], space: kv)`])}` : '';
    lines.push(`compare c from p on ${target} { methods: [${methods}${sweep}]  steps: ${1 + r.int(2)}  batch: ${1 + r.int(4)}  seeds: ${seeds}${stopping()} }`);
    runs.push('c');
  }
  // A probe of the data's length with tokens near its input values (sometimes outside: the check must say so).
  const [plo, phi] = inputRange;
  const probe = x.int(3) === 0 ? `  probe: [${Array.from({ length }, () => plo + x.int(phi - plo + 1 + (x.int(5) === 0 ? 1 : 0))).join(', ')}]` : '';
  lines.push(`evaluate [${runs.join(', ')}] on [${taskNames.join(', ')}] { samples: ${1 + r.int(12)}${probe} }`);
  return lines.join('\n') + '\n';
}
