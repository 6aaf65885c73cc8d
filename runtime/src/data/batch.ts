// Examples → the engine's batch layout (runtime/src/engine/types.ts): per row `reserve` pad tokens (id 0)
// where prefixes and prompts go, then the input tokens, then the output tokens.
import type { Batch, Layout } from '../engine/types.js';
import type { Example } from './examples.js';

export function sequenceLength(layout: Pick<Layout, 'reserve' | 'length'>): number {
  return layout.reserve + 2 * layout.length;
}

export function toBatch(examples: readonly Example[], layout: Pick<Layout, 'reserve' | 'length'>): Batch {
  const T = sequenceLength(layout);
  const tokens = new Int32Array(examples.length * T);
  examples.forEach((ex, row) => {
    if (ex.input.length !== layout.length || ex.output.length !== layout.length) {
      throw new Error(`example of length ${ex.input.length}/${ex.output.length} in a layout of length ${layout.length}`);
    }
    const base = row * T + layout.reserve;
    tokens.set(ex.input, base);
    tokens.set(ex.output, base + layout.length);
  });
  return { tokens, batch: examples.length };
}

/** Splits examples into batches of at most `size` rows (evaluation in bounded memory). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
