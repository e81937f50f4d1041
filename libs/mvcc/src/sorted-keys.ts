// An ordered set of binary-string keys: a sorted list of sorted blocks (a two-level B-tree).
// Insert and delete cost O(log n + blockSize) instead of a flat array's O(n) shift, and a range
// scan walks blocks in order. Block size 512 keeps a block's splice inside a few cache lines.

const BLOCK_MAX = 512;

export class SortedKeys {
  private blocks: string[][] = [];
  private total = 0;

  get size(): number {
    return this.total;
  }

  /** Adds key; false if it was already there. */
  insert(key: string): boolean {
    if (this.blocks.length === 0) {
      this.blocks.push([key]);
      this.total = 1;
      return true;
    }
    const b = this.blockFor(key);
    const block = this.blocks[b] as string[];
    const i = lowerBound(block, key);
    if (block[i] === key) return false;
    block.splice(i, 0, key);
    this.total++;
    if (block.length > BLOCK_MAX) this.blocks.splice(b + 1, 0, block.splice(BLOCK_MAX >> 1));
    return true;
  }

  /** Removes key; false if it was not there. */
  delete(key: string): boolean {
    if (this.blocks.length === 0) return false;
    const b = this.blockFor(key);
    const block = this.blocks[b] as string[];
    const i = lowerBound(block, key);
    if (block[i] !== key) return false;
    block.splice(i, 1);
    this.total--;
    if (block.length === 0) this.blocks.splice(b, 1);
    return true;
  }

  /**
   * Calls visit(key) for keys in [start, end) in order (end null = no bound) until visit returns
   * false. Keys must not be inserted or deleted during the walk.
   */
  forEachInRange(start: string, end: string | null, visit: (key: string) => boolean | void): void {
    if (this.blocks.length === 0) return;
    let b = this.blockFor(start);
    let i = lowerBound(this.blocks[b] as string[], start);
    for (; b < this.blocks.length; b++, i = 0) {
      const block = this.blocks[b] as string[];
      for (; i < block.length; i++) {
        const key = block[i] as string;
        if (end !== null && key >= end) return;
        if (visit(key) === false) return;
      }
    }
  }

  /** All keys in order (for snapshots and tests). */
  toArray(): string[] {
    return this.blocks.flat();
  }

  /** Index of the first block whose last key is >= key, or the last block. */
  private blockFor(key: string): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const block = this.blocks[mid] as string[];
      if ((block[block.length - 1] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** First index i with sorted[i] >= key. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
