// Seeded randomness for data generation. mulberry32 (Tommy Ettinger's 32-bit generator, public domain):
// one uint32 of state, full 2^32 period, passes the usual statistical batteries well enough for sampling
// training data, and its state is a single number, so a stopped run can store it and continue the exact
// same stream after a resume.

/** Mixes a 32-bit value (murmur3's finaliser): nearby inputs give unrelated outputs. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** FNV-1a over the UTF-16 code units of a label, then mixed: a stable 32-bit hash of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h >>> 0);
}

/**
 * An independent seed for one purpose of one run: the training-data stream of seed 0 must not be the same
 * numbers as, say, the initialisation of seed 0, so every consumer derives its own seed from a label.
 */
export function deriveSeed(seed: number, label: string): number {
  return mix32((hashString(label) ^ mix32(seed >>> 0)) >>> 0);
}

export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** A bare `() => number` stream, for callers (tests, benchmarks) that only need uniform draws. */
  static stream(seed: number): () => number {
    const r = new Rng(seed);
    return () => r.next();
  }

  /** Continues a stream from a stored `state()`. */
  static fromState(state: number): Rng {
    return new Rng(state);
  }

  /** The whole generator state (a uint32); `Rng.fromState(r.state())` continues identically. */
  state(): number {
    return this.s;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), 1 | this.s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in the inclusive range [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
}
