// An ordered collection of entries keyed by a binary string `name`: a sorted list of sorted
// blocks (a two-level B-tree). Insert and delete cost O(log n + blockSize) instead of a flat
// array's O(n) shift; a range scan walks the blocks in order and hands out the entries
// themselves, so a scan does no per-key hash lookup. Each block also counts its entries that
// satisfy `counted` (for the store: live keys), so counting a range costs O(blocks + blockSize)
// instead of touching every entry (etcd returns a count with every limited range).

const BLOCK_MAX = 512;

export interface Named {
  readonly name: string;
}

interface Block<T> {
  readonly entries: T[];
  counted: number;
}

export class SortedIndex<T extends Named> {
  private blocks: Block<T>[] = [];
  private total = 0;

  constructor(private readonly counted: (entry: T) => boolean) {}

  get size(): number {
    return this.total;
  }

  /** Adds entry; false if an entry with its name was already there. */
  insert(entry: T): boolean {
    if (this.blocks.length === 0) {
      this.blocks.push({ entries: [entry], counted: this.counted(entry) ? 1 : 0 });
      this.total = 1;
      return true;
    }
    const b = this.blockFor(entry.name);
    const block = this.blocks[b] as Block<T>;
    const i = lowerBound(block.entries, entry.name);
    if (i < block.entries.length && (block.entries[i] as T).name === entry.name) return false;
    block.entries.splice(i, 0, entry);
    if (this.counted(entry)) block.counted++;
    this.total++;
    if (block.entries.length > BLOCK_MAX) this.split(b);
    return true;
  }

  /** Removes the entry named name; false if there was none. */
  delete(name: string): boolean {
    if (this.blocks.length === 0) return false;
    const b = this.blockFor(name);
    const block = this.blocks[b] as Block<T>;
    const i = lowerBound(block.entries, name);
    if (i >= block.entries.length || (block.entries[i] as T).name !== name) return false;
    const [entry] = block.entries.splice(i, 1);
    if (this.counted(entry as T)) block.counted--;
    this.total--;
    if (block.entries.length === 0) this.blocks.splice(b, 1);
    return true;
  }

  /** The entry named name changed whether it is counted: delta is +1 or -1. */
  recount(name: string, delta: number): void {
    if (this.blocks.length > 0) (this.blocks[this.blockFor(name)] as Block<T>).counted += delta;
  }

  /**
   * Calls visit(entry) for names in [start, end) in order (end null = no bound) until visit
   * returns false. Entries must not be inserted or deleted during the walk.
   */
  forEachInRange(start: string, end: string | null, visit: (entry: T) => boolean | void): void {
    if (this.blocks.length === 0) return;
    let b = this.blockFor(start);
    let i = lowerBound((this.blocks[b] as Block<T>).entries, start);
    for (; b < this.blocks.length; b++, i = 0) {
      const entries = (this.blocks[b] as Block<T>).entries;
      for (; i < entries.length; i++) {
        const entry = entries[i] as T;
        if (end !== null && entry.name >= end) return;
        if (visit(entry) === false) return;
      }
    }
  }

  /** How many counted entries have names in [start, end) (end null = no bound). */
  countInRange(start: string, end: string | null): number {
    if (this.blocks.length === 0) return 0;
    let n = 0;
    let b = this.blockFor(start);
    let i = lowerBound((this.blocks[b] as Block<T>).entries, start);
    for (; b < this.blocks.length; b++, i = 0) {
      const block = this.blocks[b] as Block<T>;
      const last = block.entries[block.entries.length - 1] as T;
      if (i === 0 && (end === null || last.name < end)) {
        n += block.counted;
        continue;
      }
      for (; i < block.entries.length; i++) {
        const entry = block.entries[i] as T;
        if (end !== null && entry.name >= end) return n;
        if (this.counted(entry)) n++;
      }
    }
    return n;
  }

  private split(b: number): void {
    const block = this.blocks[b] as Block<T>;
    const moved = block.entries.splice(BLOCK_MAX >> 1);
    let movedCount = 0;
    for (const entry of moved) if (this.counted(entry)) movedCount++;
    block.counted -= movedCount;
    this.blocks.splice(b + 1, 0, { entries: moved, counted: movedCount });
  }

  /** Index of the first block whose last name is >= name, or the last block. */
  private blockFor(name: string): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const entries = (this.blocks[mid] as Block<T>).entries;
      if ((entries[entries.length - 1] as T).name < name) lo = mid + 1;
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
