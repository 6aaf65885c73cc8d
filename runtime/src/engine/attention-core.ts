// The core of causal multi-head attention — scores, softmax, dropout, weighted values — and its backward
// pass, as plain loops over Float32Arrays. tfjs's wasm backend runs batched matMuls (one small product per
// sequence and head) through a scalar reference loop at ~1 GFLOP/s, which made attention most of a training
// step at small widths; these loops skip the masked half of every product, need no head transposes, and
// run several times faster. Inputs and outputs keep the [B, T, ...] row layout of the linear layers.
//
// Layout: qkv [B, T, 3d] (queries | keys | values, head h at columns h·hd..), optional kv-prefix keys and
// values [P, d] shared by every sequence, probabilities [B, H, T, Tk] with Tk = P + T (prefix keys first;
// masked entries 0). Dot products accumulate in float64. Each (sequence, head) is first copied into
// contiguous rows, so the inner loops run over short dense arrays (about 2× faster than strided reads).

export interface AttentionShape {
  B: number;
  T: number;
  H: number;
  hd: number;
  /** kv-prefix keys in front of the sequence (0 without a kv prefix). */
  P: number;
  /**
   * First query position computed (default 0). Keys and values still come from every position; outputs
   * and their gradients cover only positions Q0..T−1, [B, T − Q0, d]. The model's last layer needs no
   * more: only the output positions reach the logits there.
   */
  Q0?: number;
}

export interface AttentionForward {
  /** Merged head outputs [B, T − Q0, d]. */
  y: Float32Array;
  /** Softmax probabilities before dropout [B, H, T, Tk] (rows before Q0 are 0). */
  probs: Float32Array;
}

/**
 * Copies head h of sequence b into contiguous float64 rows: queries [T, hd] into q, keys and values [Tk, hd]
 * (kv-prefix rows first) into k and v. float32 → float64 is exact, so the products below are the same
 * numbers as when read in place; contiguous rows keep the inner loops short and free of index arithmetic.
 */
function loadHead(s: AttentionShape, b: number, h: number, qkv: Float32Array, prefixK: Float32Array | null, prefixV: Float32Array | null, q: Float64Array, k: Float64Array, v: Float64Array): void {
  const { T, H, hd, P } = s;
  const d = H * hd;
  const hoff = h * hd;
  for (let j = 0; j < P; j++) {
    const src = j * d + hoff;
    const dst = j * hd;
    for (let e = 0; e < hd; e++) {
      k[dst + e] = prefixK![src + e]!;
      v[dst + e] = prefixV![src + e]!;
    }
  }
  for (let i = 0; i < T; i++) {
    const src = (b * T + i) * 3 * d + hoff;
    const qd = i * hd;
    const kd = (P + i) * hd;
    for (let e = 0; e < hd; e++) {
      q[qd + e] = qkv[src + e]!;
      k[kd + e] = qkv[src + d + e]!;
      v[kd + e] = qkv[src + 2 * d + e]!;
    }
  }
}

/**
 * out[j] = Σ_e a[ao + e]·m[j·hd + e] for j < n, in float64, e in order. Four rows of m share each load of a
 * (register blocking); every dot product still sums its terms in the same order as a plain loop.
 */
function dots(a: Float64Array, ao: number, m: Float64Array, n: number, hd: number, out: Float64Array): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const m0 = j * hd;
    const m1 = m0 + hd;
    const m2 = m1 + hd;
    const m3 = m2 + hd;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let e = 0; e < hd; e++) {
      const x = a[ao + e]!;
      s0 += x * m[m0 + e]!;
      s1 += x * m[m1 + e]!;
      s2 += x * m[m2 + e]!;
      s3 += x * m[m3 + e]!;
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < n; j++) {
    const mo = j * hd;
    let s0 = 0;
    for (let e = 0; e < hd; e++) s0 += a[ao + e]! * m[mo + e]!;
    out[j] = s0;
  }
}

/**
 * acc[ao + e] += Σ_i C[i·stride + j]·m[i·hd + e] for i0 ≤ i < i1, rounding to float32 after every term in
 * i order: exactly what `acc[ao + e] += c * m[i·hd + e]` on a Float32Array does term by term, with four
 * terms per load and store of acc. (Adding a zero term changes nothing, so zero coefficients need no
 * skipping.) A row of coefficients is stride 1, column 0; a column of a row-major matrix is stride = width.
 */
function axpys(C: Float64Array, stride: number, j: number, i0: number, i1: number, m: Float64Array, hd: number, acc: Float32Array, ao: number): void {
  const f = Math.fround;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const c0 = C[i * stride + j]!;
    const c1 = C[(i + 1) * stride + j]!;
    const c2 = C[(i + 2) * stride + j]!;
    const c3 = C[(i + 3) * stride + j]!;
    const m0 = i * hd;
    const m1 = m0 + hd;
    const m2 = m1 + hd;
    const m3 = m2 + hd;
    for (let e = 0; e < hd; e++) {
      let t = acc[ao + e]!;
      t = f(t + c0 * m[m0 + e]!);
      t = f(t + c1 * m[m1 + e]!);
      t = f(t + c2 * m[m2 + e]!);
      acc[ao + e] = t + c3 * m[m3 + e]!;
    }
  }
  for (; i < i1; i++) {
    const ci = C[i * stride + j]!;
    const mo = i * hd;
    for (let e = 0; e < hd; e++) acc[ao + e] += ci * m[mo + e]!;
  }
}

export function attentionForward(
  s: AttentionShape,
  qkv: Float32Array,
  prefixK: Float32Array | null,
  prefixV: Float32Array | null,
  dropMask: Float32Array | null,
): AttentionForward {
  const { B, T, H, hd, P } = s;
  const Q0 = s.Q0 ?? 0;
  const R = T - Q0;
  const d = H * hd;
  const Tk = P + T;
  const scale = 1 / Math.sqrt(hd);
  const y = new Float32Array(B * R * d);
  const probs = new Float32Array(B * H * T * Tk);
  const row = new Float64Array(Tk);
  const q = new Float64Array(T * hd);
  const k = new Float64Array(Tk * hd);
  const v = new Float64Array(Tk * hd);
  // Accumulates in float32, as a Float32Array element updated in place would.
  const yrow = new Float32Array(hd);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      loadHead(s, b, h, qkv, prefixK, prefixV, q, k, v);
      for (let i = Q0; i < T; i++) {
        const qo = i * hd;
        const keys = P + i + 1;
        dots(q, qo, k, keys, hd, row);
        let max = -Infinity;
        for (let j = 0; j < keys; j++) {
          const acc = row[j]! * scale;
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
        for (let j = 0; j < keys; j++) {
          const p = row[j]! / z;
          probs[po + j] = p;
          row[j] = dropMask ? p * dropMask[po + j]! : p;
        }
        yrow.fill(0);
        axpys(row, 1, 0, 0, keys, v, hd, yrow, 0);
        y.set(yrow, (b * R + i - Q0) * d + h * hd);
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

/** Backward of `attentionForward`: dy [B, T − Q0, d] → dqkv [B, T, 3d], and the kv-prefix gradients. */
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
  const Q0 = s.Q0 ?? 0;
  const R = T - Q0;
  const d = H * hd;
  const Tk = P + T;
  const scale = 1 / Math.sqrt(hd);
  const dqkv = new Float32Array(B * T * 3 * d);
  const dPrefixK = P > 0 ? new Float32Array(P * d) : null;
  const dPrefixV = P > 0 ? new Float32Array(P * d) : null;
  const dp = new Float64Array(Tk);
  const q = new Float64Array(T * hd);
  const k = new Float64Array(Tk * hd);
  const v = new Float64Array(Tk * hd);
  const g = new Float64Array(T * hd);
  // Gradients of this head's queries and of its keys/values (prefix rows first), accumulated in float32 in
  // the same order as in-place updates of the output arrays would be; the prefix rows are added to the
  // batch-wide sums after each head, in the order the sums would have been updated in place.
  // pd_ij (probabilities after dropout) and ds_ij (score gradients) of this head, rows i, columns j < Tk.
  const pdM = new Float64Array(T * Tk);
  const dsM = new Float64Array(T * Tk);
  const dq = new Float32Array(T * hd);
  const dk = new Float32Array(Tk * hd);
  const dv = new Float32Array(Tk * hd);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const hoff = h * hd;
      loadHead(s, b, h, qkv, prefixK, prefixV, q, k, v);
      for (let i = Q0; i < T; i++) {
        const src = (b * R + i - Q0) * d + hoff;
        for (let e = 0; e < hd; e++) g[i * hd + e] = dy[src + e]!;
      }
      dq.fill(0);
      dk.fill(0);
      dv.fill(0);
      for (let i = Q0; i < T; i++) {
        const keys = P + i + 1;
        const po = ((b * H + h) * T + i) * Tk;
        const go = i * hd;
        const qo = i * hd;
        // d(p after dropout)_ij = dy_i · v_j, and dv_j += pd_ij · dy_i.
        dots(g, go, v, keys, hd, dp);
        let dot = 0;
        const ro = i * Tk;
        for (let j = 0; j < keys; j++) {
          const m = dropMask ? dropMask[po + j]! : 1;
          pdM[ro + j] = probs[po + j]! * m;
          const gj = dp[j]! * m;
          dp[j] = gj;
          dot += gj * probs[po + j]!;
        }
        // Softmax backward: ds_ij = p_ij (dp_ij − Σ_j' p_ij' dp_ij'); then the scores' products.
        for (let j = 0; j < keys; j++) {
          const ds = probs[po + j]! * (dp[j]! - dot) * scale;
          dp[j] = ds;
          dsM[ro + j] = ds;
        }
        axpys(dp, 1, 0, 0, keys, k, hd, dq, qo);
      }
      // dv_j += pd_ij · dy_i and dk_j += ds_ij · q_i, over the queries i that see key j, in i order.
      for (let j = 0; j < Tk; j++) {
        const i0 = Math.max(Q0, j < P ? 0 : j - P);
        axpys(pdM, Tk, j, i0, T, g, hd, dv, j * hd);
        axpys(dsM, Tk, j, i0, T, q, hd, dk, j * hd);
      }
      for (let i = 0; i < T; i++) {
        const dst = (b * T + i) * 3 * d + hoff;
        const so = i * hd;
        const ko = (P + i) * hd;
        for (let e = 0; e < hd; e++) {
          dqkv[dst + e] = dq[so + e]!;
          dqkv[dst + d + e] = dk[ko + e]!;
          dqkv[dst + 2 * d + e] = dv[ko + e]!;
        }
      }
      for (let j = 0; j < P; j++) {
        const dst = j * d + hoff;
        const so = j * hd;
        for (let e = 0; e < hd; e++) {
          dPrefixK![dst + e] += dk[so + e]!;
          dPrefixV![dst + e] += dv[so + e]!;
        }
      }
    }
  }
  return { dqkv, dPrefixK, dPrefixV };
}
