// A small seeded random number generator (xoshiro128**) whose whole state is four 32-bit words, so a
// checkpoint can store it and a resumed run continues the very same stream. Everything random in the
// engine (initialisation, dropout seeds, prompt-search candidates) draws from one of these, never from
// Math.random, so runs are reproducible across processes and backends.

export class Rng {
  private s: Uint32Array;

  constructor(seedOrState: number | number[]) {
    if (typeof seedOrState === 'number') {
      // splitmix32 expands one seed into four well-mixed words (an all-zero state would be stuck).
      this.s = new Uint32Array(4);
      let x = seedOrState >>> 0;
      for (let i = 0; i < 4; i++) {
        x = (x + 0x9e3779b9) >>> 0;
        let z = x;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        this.s[i] = (z ^ (z >>> 16)) >>> 0;
      }
      if (this.s.every((w) => w === 0)) this.s[0] = 1;
    } else {
      if (seedOrState.length !== 4) throw new Error(`rng state must have 4 words, got ${seedOrState.length}`);
      this.s = Uint32Array.from(seedOrState);
    }
  }

  /** The state, for checkpoints. */
  state(): number[] {
    return Array.from(this.s);
  }

  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller; one value per call keeps the state simple to store). */
  normal(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A Float32Array of n draws from N(0, std²). */
  normalArray(n: number, std: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal() * std;
    return out;
  }

  /** A Float32Array of n draws from U(-bound, bound). */
  uniformArray(n: number, bound: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (this.uniform() * 2 - 1) * bound;
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
