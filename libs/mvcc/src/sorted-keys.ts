// An ordered collection of entries keyed by a binary string `name`: a sorted list of sorted
// blocks (a two-level B-tree). Insert and delete cost O(log n + blockSize) instead of a flat
// array's O(n) shift, and a range scan walks the blocks in order and hands out the entries
// themselves, so a scan does no per-key hash lookup.

const BLOCK_MAX = 512;

export interface Named {
  readonly name: string;
}

export class SortedIndex<T extends Named> {
  private blocks: T[][] = [];
  private total = 0;

  get size(): number {
    return this.total;
  }

  /** Adds entry; false if an entry with its name was already there. */
  insert(entry: T): boolean {
    if (this.blocks.length === 0) {
      this.blocks.push([entry]);
      this.total = 1;
      return true;
    }
    const b = this.blockFor(entry.name);
    const block = this.blocks[b] as T[];
    const i = lowerBound(block, entry.name);
    if (i < block.length && (block[i] as T).name === entry.name) return false;
    block.splice(i, 0, entry);
    this.total++;
    if (block.length > BLOCK_MAX) this.blocks.splice(b + 1, 0, block.splice(BLOCK_MAX >> 1));
    return true;
  }

  /** Removes the entry named name; false if there was none. */
  delete(name: string): boolean {
    if (this.blocks.length === 0) return false;
    const b = this.blockFor(name);
    const block = this.blocks[b] as T[];
    const i = lowerBound(block, name);
    if (i >= block.length || (block[i] as T).name !== name) return false;
    block.splice(i, 1);
    this.total--;
    if (block.length === 0) this.blocks.splice(b, 1);
    return true;
  }

  /**
   * Calls visit(entry) for names in [start, end) in order (end null = no bound) until visit
   * returns false. Entries must not be inserted or deleted during the walk.
   */
  forEachInRange(start: string, end: string | null, visit: (entry: T) => boolean | void): void {
    if (this.blocks.length === 0) return;
    let b = this.blockFor(start);
    let i = lowerBound(this.blocks[b] as T[], start);
    for (; b < this.blocks.length; b++, i = 0) {
      const block = this.blocks[b] as T[];
      for (; i < block.length; i++) {
        const entry = block[i] as T;
        if (end !== null && entry.name >= end) return;
        if (visit(entry) === false) return;
      }
    }
  }

  /** Index of the first block whose last name is >= name, or the last block. */
  private blockFor(name: string): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const block = this.blocks[mid] as T[];
      if ((block[block.length - 1] as T).name < name) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** First index i with sorted[i].name >= name. */
function lowerBound(sorted: readonly Named[], name: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as Named).name < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
