// The deterministic train / validation / test split of the input space, shared by the runtime (which splits
// the examples it draws) and the analysis (which counts each side of a data block's inputs before anything
// trains). Each possible input sequence is held out from training when a fixed hash of its tokens falls below
// the data's `test` fraction; of the held-out inputs, those whose hash falls below test × validation form the
// validation split (early stopping, selection of a sweep's best configuration) and the rest the test split
// (reported numbers only). The split depends on no seed, run or task: a finetune and its pretrained model
// never see a held-out input during training, and the validation split is carved out of the held-out side,
// so training data does not depend on it. Stored runs depend on this hash (their data and test sets are
// drawn with it): it must never change.

/** Mixes a 32-bit value (murmur3's finaliser); the same function as runtime/src/data/rng.ts's mix32. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** FNV-1a state before the first token of a sequence of `length` tokens. */
export function hashStart(length: number): number {
  return 0x811c9dc5 ^ length;
}

/** The FNV-1a state after one more token (low and high 16 bits folded in separately). */
export function hashToken(h: number, t: number): number {
  h = Math.imul(h ^ (t & 0xffff), 0x01000193);
  return Math.imul(h ^ (t >>> 16), 0x01000193);
}

/** The 32-bit hash of a whole sequence from its final FNV-1a state: the input is on the test side when it is below ⌈test · 2³²⌉. */
export function hashEnd(h: number): number {
  return mix32(h >>> 0);
}

/** A fixed hash of a token sequence, uniform in [0, 1). */
export function inputHash(tokens: readonly number[]): number {
  let h = hashStart(tokens.length);
  for (const t of tokens) h = hashToken(h, t);
  return hashEnd(h) / 4294967296;
}

export type SplitSide = 'train' | 'validation' | 'test';

export function splitSide(tokens: readonly number[], test: number, validation: number): SplitSide {
  const u = inputHash(tokens);
  if (u >= test) return 'train';
  return u < test * validation ? 'validation' : 'test';
}
