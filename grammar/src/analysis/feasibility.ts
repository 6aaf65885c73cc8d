// Can the runtime draw the examples a run needs? Its example streams (runtime/src/data/examples.ts) draw
// inputs uniformly from the input values (with the repeat bias: a draw holding more than length/2 distinct
// values is rejected half the time), keep only those on the wanted side of the hash split (grammar/src/split.ts:
// training, validation or test) and give up after 100,000 draws in a row without one. An input space too
// small for its split (4 inputs, none of them on the test side) or a test fraction at the edge of the hash's
// resolution (test: 1e-300, test: 0.9999999) passes every other check and then fails in the middle of
// `ptx run`; this check finds it first.
//
// Small spaces (at most ENUMERATION_LIMIT inputs) are counted exactly: every input is hashed and weighted by
// how often a draw yields it. Larger spaces hold so many inputs that each side's share is the share of 32-bit
// hash values that fall on it (below ⌈test · validation · 2³²⌉ for validation, below ⌈test · 2³²⌉ for the
// held-out side, the rest for training). A side is usable when a draw lands on it with probability at
// least MIN_SIDE_SHARE: then 100,000 draws all missing it has probability below e^-50, and even over the
// 4·10⁹ examples of the longest run the catalogue allows (10⁶ steps at batch 4096) below 10⁻¹². A smaller
// share would accept sides a long run can miss; a larger one would refuse spaces the runtime reliably draws
// from. A large space's share is what the hash gives on average; its real share varies with the inputs there
// are (at 65,536 inputs and twice the minimum share, 65 expected on a side and rarely fewer than 40), so it
// must reach twice the minimum.
import { wordLangRange } from '../catalogue/words.js';
import { formatCount } from '../params.js';
import type { Range } from '../syntax/ast.js';
import type { DataSpec, Lang } from '../spec.js';
import { hashEnd, hashStart, hashToken, type SplitSide } from '../split.js';
import type { AnalysisContext } from './context.js';

/** Inputs counted one by one up to this many (about a millisecond for 65,536 once compiled; results are cached). */
export const ENUMERATION_LIMIT = 65_536;
/** The smallest usable probability that a draw lands on a side (see the file comment). */
export const MIN_SIDE_SHARE = 5e-4;
/** Draws in a row after which a runtime example stream gives up (runtime/src/data/examples.ts). */
export const MAX_REJECTIONS = 100_000;

/** What the split does to one input space: values lo..hi at each of `length` positions. */
export interface SplitCount {
  /** Number of distinct inputs, values^length (may be Infinity as a float for huge spaces). */
  inputs: number;
  /** Whether every input was hashed (then the input counts are exact). */
  exact: boolean;
  /** Inputs on each side (exact counts only). */
  counts: Record<SplitSide, number>;
  /** Probability that one draw (with the repeat bias) is on each side. */
  shares: Record<SplitSide, number>;
}

const cache = new Map<string, SplitCount>();

/** The split of inputs of `length` tokens drawn from lo..hi, as the runtime draws them. */
export function countSplit(lo: number, hi: number, length: number, test: number, validation: number, repeats: boolean): SplitCount {
  const key = `${lo},${hi},${length},${test},${validation},${repeats}`;
  let c = cache.get(key);
  if (!c) {
    c = computeSplit(lo, hi, length, test, validation, repeats);
    // Specs use a handful of data blocks; the bound only keeps a long editing session from growing it.
    if (cache.size > 512) cache.clear();
    cache.set(key, c);
  }
  return c;
}

function computeSplit(lo: number, hi: number, length: number, test: number, validation: number, repeats: boolean): SplitCount {
  const values = hi - lo + 1;
  const inputs = Math.pow(values, length);
  // An input is held out when its hash h (an integer below 2³²) has h / 2³² < test, i.e. h < ⌈test · 2³²⌉
  // (scaling by a power of two is exact), and in the validation split when h / 2³² < test · validation, the
  // product as the runtime computes it.
  const held = Math.ceil(test * 4294967296);
  const val = Math.ceil(test * validation * 4294967296);
  if (inputs > ENUMERATION_LIMIT) {
    const shares = { train: 1 - held / 4294967296, validation: val / 4294967296, test: (held - val) / 4294967296 };
    return { inputs, exact: false, counts: { train: 0, validation: 0, test: 0 }, shares };
  }
  // Every input, in odometer order, with the hash state after each prefix and the count of each value, so
  // one step costs one token's hash and the distinct count is kept up to date.
  const digits = new Array<number>(length).fill(0);
  const states = new Array<number>(length + 1);
  states[0] = hashStart(length);
  for (let i = 0; i < length; i++) states[i + 1] = hashToken(states[i]!, lo);
  const seen = new Array<number>(values).fill(0);
  seen[0] = length;
  let distinct = 1;
  const counts = { train: 0, validation: 0, test: 0 };
  const weights = { train: 0, validation: 0, test: 0 };
  for (;;) {
    // The runtime rejects half the draws with more than length/2 distinct values.
    const weight = repeats && distinct > length / 2 ? 0.5 : 1;
    const h = hashEnd(states[length]!);
    const side: SplitSide = h >= held ? 'train' : h < val ? 'validation' : 'test';
    counts[side]++;
    weights[side] += weight;
    let i = length - 1;
    while (i >= 0 && digits[i] === values - 1) i--;
    if (i < 0) break;
    for (let j = i; j < length; j++) {
      const from = digits[j]!;
      const to = j === i ? from + 1 : 0;
      if (--seen[from]! === 0) distinct--;
      if (seen[to]!++ === 0) distinct++;
      digits[j] = to;
      states[j + 1] = hashToken(states[j]!, lo + to);
    }
  }
  const total = weights.train + weights.validation + weights.test;
  return { inputs, exact: true, counts, shares: { train: weights.train / total, validation: weights.validation / total, test: weights.test / total } };
}

/** The input values of `data` for a task reading language `lang` (words), as an inclusive range. */
export function inputValues(data: DataSpec, lang: Lang): [number, number] {
  return data.kind === 'words' ? wordLangRange(lang, data.words) : [data.values[0], data.values[1]];
}

const LANG_NAME: Record<Lang, string> = { en: 'English', de: 'German', es: 'Spanish' };

const SIDE_NAME: Record<SplitSide, string> = { train: 'training', validation: 'validation', test: 'test' };

/** What moves inputs onto a side that has too few. */
function remedy(data: DataSpec, side: SplitSide): string {
  const more = `use more ${data.kind === 'words' ? 'words' : 'values'} or a longer length`;
  if (side === 'train') return `${more}, or lower test`;
  if (side === 'test') return `${more}, or raise test or lower validation`;
  return `${more}, or raise test or validation`;
}

/**
 * Reports when a run cannot draw inputs on `side` of `data`'s split (inputs in language `lang` on word
 * data). `need` says who needs them ("run 'base' trains on", "the evaluation of run 'base' draws"). Returns
 * true when the side is usable.
 */
export function checkSplitSide(ctx: AnalysisContext, data: DataSpec, lang: Lang, side: SplitSide, need: string, range: Range): boolean {
  const [lo, hi] = inputValues(data, lang);
  const c = countSplit(lo, hi, data.length, data.test, data.validation, data.repeats);
  const share = c.shares[side];
  const needed = c.exact ? MIN_SIDE_SHARE : 2 * MIN_SIDE_SHARE;
  if (share >= needed) return true;
  const values = hi - lo + 1;
  const space = data.kind === 'words' ? `length ${data.length} over ${values} ${LANG_NAME[lang]} words` : `length ${data.length} over the values ${lo}..${hi}`;
  const sideName = SIDE_NAME[side];
  const split = `test: ${data.test}, validation: ${data.validation}`;
  let what: string;
  if (c.exact) {
    const onSide = c.counts[side];
    what =
      onSide === 0 && c.inputs === 1
        ? `the one possible input of data '${data.name}' (${space}) is not on the ${sideName} side of the split (${split})`
        : onSide === 0
          ? `none of the ${formatCount(c.inputs)} possible inputs of data '${data.name}' (${space}) is on the ${sideName} side of the split (${split})`
          : `only ${formatCount(onSide)} of the ${formatCount(c.inputs)} possible inputs of data '${data.name}' (${space}) ${onSide === 1 ? 'is' : 'are'} on the ${sideName} side of the split (${split}), so a draw finds one with probability ${share.toPrecision(2)}`;
  } else {
    what = `${split} puts a share of ${share.toPrecision(2)} of the inputs of data '${data.name}' (${space}) on the ${sideName} side (the split hashes each input to 32 bits)`;
  }
  ctx.report(
    'input-space-too-small',
    range,
    `${what}; ${need} ${sideName} inputs and gives up after ${formatCount(MAX_REJECTIONS)} draws without one (a side needs a share of at least ${needed}); ${remedy(data, side)}`,
  );
  return false;
}
