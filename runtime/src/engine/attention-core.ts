// The core of causal multi-head attention — scores, softmax, dropout, weighted values — and its backward
// pass, as plain loops over Float32Arrays. tfjs's wasm backend runs batched matMuls (one small product per
// sequence and head) through a scalar reference loop at ~1 GFLOP/s, which made attention most of a training
// step at small widths; these loops skip the masked half of every product, need no head transposes, and
// run several times faster. Inputs and outputs keep the [B, T, ...] row layout of the linear layers.
//
// Layout: qkv [B, T, 3d] (queries | keys | values, head h at columns h·hd..), optional kv-prefix keys and
// values [P, d] shared by every sequence, probabilities [B, H, T, Tk] with Tk = P + T (prefix keys first;
// masked entries 0). Dot products accumulate in float64.

export interface AttentionShape {
  B: number;
  T: number;
  H: number;
  hd: number;
  /** kv-prefix keys in front of the sequence (0 without a kv prefix). */
  P: number;
}

export interface AttentionForward {
  /** Merged head outputs [B, T, d]. */
  y: Float32Array;
  /** Softmax probabilities before dropout [B, H, T, Tk]. */
  probs: Float32Array;
}

export function attentionForward(
  s: AttentionShape,
  qkv: Float32Array,
  prefixK: Float32Array | null,
  prefixV: Float32Array | null,
  dropMask: Float32Array | null,
): AttentionForward {
  const { B, T, H, hd, P } = s;
  const d = H * hd;
  const Tk = P + T;
  const scale = 1 / Math.sqrt(hd);
  const y = new Float32Array(B * T * d);
  const probs = new Float32Array(B * H * T * Tk);
  const row = new Float64Array(Tk);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const hoff = h * hd;
      for (let i = 0; i < T; i++) {
        const qo = (b * T + i) * 3 * d + hoff;
        const keys = P + i + 1;
        let max = -Infinity;
        for (let j = 0; j < keys; j++) {
          let acc = 0;
          if (j < P) {
            const ko = j * d + hoff;
            for (let e = 0; e < hd; e++) acc += qkv[qo + e]! * prefixK![ko + e]!;
          } else {
            const ko = (b * T + (j - P)) * 3 * d + d + hoff;
            for (let e = 0; e < hd; e++) acc += qkv[qo + e]! * qkv[ko + e]!;
          }
          acc *= scale;
          row[j] = acc;
          if (acc > max) max = acc;
        }
        let z = 0;
        for (let j = 0; j < keys; j++) {
          const ex = Math.exp(row[j]! - max);
          row[j] = ex;
          z += ex;
        }
        const po = ((b * H + h) * T + i) * Tk;
        const yo = (b * T + i) * d + hoff;
        for (let j = 0; j < keys; j++) {
          const p = row[j]! / z;
          probs[po + j] = p;
          const pd = dropMask ? p * dropMask[po + j]! : p;
          if (pd === 0) continue;
          if (j < P) {
            const vo = j * d + hoff;
            for (let e = 0; e < hd; e++) y[yo + e] += pd * prefixV![vo + e]!;
          } else {
            const vo = (b * T + (j - P)) * 3 * d + 2 * d + hoff;
            for (let e = 0; e < hd; e++) y[yo + e] += pd * qkv[vo + e]!;
          }
        }
      }
    }
  }
  return { y, probs };
}

export interface AttentionBackward {
  /** Gradient of qkv [B, T, 3d]. */
  dqkv: Float32Array;
  /** Gradients of the kv-prefix keys and values [P, d], summed over the batch (null without a prefix). */
  dPrefixK: Float32Array | null;
  dPrefixV: Float32Array | null;
}

/** Backward of `attentionForward`: dy [B, T, d] → dqkv, and the kv-prefix gradients. */
export function attentionBackward(
  s: AttentionShape,
  dy: Float32Array,
  qkv: Float32Array,
  prefixK: Float32Array | null,
  prefixV: Float32Array | null,
  probs: Float32Array,
  dropMask: Float32Array | null,
): AttentionBackward {
  const { B, T, H, hd, P } = s;
  const d = H * hd;
  const Tk = P + T;
  const scale = 1 / Math.sqrt(hd);
  const dqkv = new Float32Array(B * T * 3 * d);
  const dPrefixK = P > 0 ? new Float32Array(P * d) : null;
  const dPrefixV = P > 0 ? new Float32Array(P * d) : null;
  const dp = new Float64Array(Tk);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const hoff = h * hd;
      for (let i = 0; i < T; i++) {
        const keys = P + i + 1;
        const po = ((b * H + h) * T + i) * Tk;
        const yo = (b * T + i) * d + hoff;
        const qo = (b * T + i) * 3 * d + hoff;
        // d(p after dropout)_ij = dy_i · v_j, and dv_j += pd_ij · dy_i.
        let dot = 0;
        for (let j = 0; j < keys; j++) {
          const m = dropMask ? dropMask[po + j]! : 1;
          const pd = probs[po + j]! * m;
          let acc = 0;
          if (j < P) {
            const vo = j * d + hoff;
            for (let e = 0; e < hd; e++) {
              acc += dy[yo + e]! * prefixV![vo + e]!;
              dPrefixV![vo + e] += pd * dy[yo + e]!;
            }
          } else {
            const vo = (b * T + (j - P)) * 3 * d + 2 * d + hoff;
            for (let e = 0; e < hd; e++) {
              acc += dy[yo + e]! * qkv[vo + e]!;
              dqkv[vo + e] += pd * dy[yo + e]!;
            }
          }
          const g = acc * m;
          dp[j] = g;
          dot += g * probs[po + j]!;
        }
        // Softmax backward: ds_ij = p_ij (dp_ij − Σ_j' p_ij' dp_ij'); then the scores' products.
        for (let j = 0; j < keys; j++) {
          const ds = probs[po + j]! * (dp[j]! - dot) * scale;
          if (ds === 0) continue;
          if (j < P) {
            const ko = j * d + hoff;
            for (let e = 0; e < hd; e++) {
              dqkv[qo + e] += ds * prefixK![ko + e]!;
              dPrefixK![ko + e] += ds * qkv[qo + e]!;
            }
          } else {
            const ko = (b * T + (j - P)) * 3 * d + d + hoff;
            for (let e = 0; e < hd; e++) {
              dqkv[qo + e] += ds * qkv[ko + e]!;
              dqkv[ko + e] += ds * qkv[qo + e]!;
            }
          }
        }
      }
    }
  }
  return { dqkv, dPrefixK, dPrefixV };
}
