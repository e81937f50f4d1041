// The set of operations linearized so far, with a Zobrist hash kept up to date on every set/clear so
// that the WGL memo (Lowe 2017, "Testing for linearizability", §3) costs O(1) to probe instead of
// O(n/32) to serialise the set.

export class LinearizedSet {
  private readonly words: Uint32Array;
  private hashValue = 0;

  constructor(readonly size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  get hash(): number {
    return this.hashValue;
  }

  has(index: number): boolean {
    return (this.words[index >>> 5]! & (1 << (index & 31))) !== 0;
  }

  set(index: number): void {
    this.words[index >>> 5]! |= 1 << (index & 31);
    this.hashValue = (this.hashValue ^ zobrist(index)) >>> 0;
  }

  clear(index: number): void {
    this.words[index >>> 5]! &= ~(1 << (index & 31));
    this.hashValue = (this.hashValue ^ zobrist(index)) >>> 0;
  }

  snapshot(): Uint32Array {
    return this.words.slice();
  }

  equals(words: Uint32Array): boolean {
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== words[i]) return false;
    return true;
  }
}

/** A fixed pseudo-random 32-bit value per operation index (the splitmix32 finaliser). */
function zobrist(index: number): number {
  let z = (Math.imul(index + 1, 0x9e3779b9) >>> 0) ^ 0x5bd1e995;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

interface Visited {
  readonly stateHash: string;
  readonly words: Uint32Array;
}

/**
 * Visited (linearized set, state) pairs. Exact: pairs whose sets share a hash are told apart by
 * comparing the sets. Keyed by a 30-bit number so that V8 keeps the keys as small integers.
 */
export class VisitedCache {
  private readonly seen = new Map<number, Visited[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Records the pair; false when it had been visited already. */
  add(linearized: LinearizedSet, stateHash: string): boolean {
    const key = linearized.hash & 0x3fffffff;
    const bucket = this.seen.get(key);
    if (bucket === undefined) {
      this.seen.set(key, [{ stateHash, words: linearized.snapshot() }]);
      this.count++;
      return true;
    }
    for (const visited of bucket) {
      if (visited.stateHash === stateHash && linearized.equals(visited.words)) return false;
    }
    bucket.push({ stateHash, words: linearized.snapshot() });
    this.count++;
    return true;
  }
}
