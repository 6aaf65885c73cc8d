// The deterministic train/test split of the input space. Each possible input sequence is assigned to the
// test side when a fixed hash of its tokens falls below the test fraction, so the split does not depend on
// any seed, run or task: a finetune and its pretrained model never see a test input during training, and
// every run of a spec is evaluated on inputs no run of that data was trained on.
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

export function isTestInput(tokens: readonly number[], testFraction: number): boolean {
  return inputHash(tokens) < testFraction;
}
