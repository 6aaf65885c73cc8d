// The deterministic train / validation / test split of the input space lives in grammar/src/split.ts, where
// the analysis counts each side of a data block's inputs with the very same hash the runtime splits by.
export { inputHash, splitSide, type SplitSide } from '../../../grammar/src/split.js';
