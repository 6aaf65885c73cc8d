// The deterministic train / validation / test split of the input space. Each possible input sequence is
// held out from training when a fixed hash of its tokens falls below the data's `test` fraction; of the
// held-out inputs, those whose hash falls below test × validation form the validation split (early stopping,
// selection of a sweep's best configuration) and the rest the test split (reported numbers only). The split
// depends on no seed, run or task: a finetune and its pretrained model never see a held-out input during
// training, and the validation split is carved out of the held-out side, so training data does not depend
// on it.
import { mix32 } from './rng.js';

/** A fixed hash of a token sequence, uniform in [0, 1). */
export function inputHash(tokens: readonly number[]): number {
  let h = 0x811c9dc5 ^ tokens.length;
  for (const t of tokens) {
    h = Math.imul(h ^ (t & 0xffff), 0x01000193);
    h = Math.imul(h ^ (t >>> 16), 0x01000193);
  }
  return mix32(h >>> 0) / 4294967296;
}

export type SplitSide = 'train' | 'validation' | 'test';

export function splitSide(tokens: readonly number[], test: number, validation: number): SplitSide {
  const u = inputHash(tokens);
  if (u >= test) return 'train';
  return u < test * validation ? 'validation' : 'test';
}
