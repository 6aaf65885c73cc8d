// Attention records for the probe: per-layer probabilities at the last decoding step, the prefix share α,
// and the largest change of *relative* attention over content positions against the pretrained model.
// The paper's layer-0 theorem (docs/diagnostics.md) says a prefix only rescales content attention by
// (1 − α) in layer 0, so the relative change there is 0 for context methods, while LoRA and full
// fine-tuning can change it.

/** Probabilities as nested arrays [layer][head][query][key]. */
export type AttentionMaps = number[][][][];

/** Converts a flat [H, T, Tk] block to nested arrays. */
export function nest(data: Float32Array, H: number, T: number, Tk: number): number[][][] {
  const out: number[][][] = [];
  for (let h = 0; h < H; h++) {
    const head: number[][] = [];
    for (let i = 0; i < T; i++) head.push(Array.from(data.subarray((h * T + i) * Tk, (h * T + i + 1) * Tk)));
    out.push(head);
  }
  return out;
}

/** α per [layer][head][query]: the attention mass on the first `prefixCols` key columns. */
export function prefixShare(maps: AttentionMaps, prefixCols: number): number[][][] {
  return maps.map((layer) => layer.map((head) => head.map((row) => row.slice(0, prefixCols).reduce((a, b) => a + b, 0))));
}

/**
 * Per layer, max over heads, content queries and content keys of |rel − relRef|, where rel is a row's
 * attention renormalised over the content keys j ∈ [start, i]. `keyOffset` is the number of kv-prefix
 * columns in front of the sequence keys (in `maps`; `refMaps` has none).
 */
export function relativeChange(maps: AttentionMaps, refMaps: AttentionMaps, start: number, keyOffset: number): number[] {
  return maps.map((layer, l) => {
    let worst = 0;
    layer.forEach((head, h) => {
      head.forEach((row, i) => {
        if (i < start) return;
        const ref = refMaps[l]![h]![i]!;
        let sum = 0;
        let sumRef = 0;
        for (let j = start; j <= i; j++) {
          sum += row[keyOffset + j]!;
          sumRef += ref[j]!;
        }
        for (let j = start; j <= i; j++) {
          const delta = Math.abs(row[keyOffset + j]! / sum - ref[j]! / sumRef);
          if (delta > worst) worst = delta;
        }
      });
    });
    return worst;
  });
}
