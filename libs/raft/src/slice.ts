// An immutable view on a shared, append-only backing array: Go's slice, made safe for
// immutable use. Appending to the newest view writes in place (O(batch)); appending to an older
// or truncated view copies first, so a view, once made, never sees its elements change. This is
// what lets the Raft state be a value (XState snapshots stay valid) without copying the log on
// every step.

export interface Slice<T> {
  readonly buf: T[];
  readonly start: number;
  readonly end: number;
}

export function emptySlice<T>(): Slice<T> {
  return { buf: [], start: 0, end: 0 };
}

export function sliceOf<T>(items: readonly T[]): Slice<T> {
  return { buf: items.slice(), start: 0, end: items.length };
}

export function sliceLength<T>(s: Slice<T>): number {
  return s.end - s.start;
}

/** Element at position `i` of the view (0-based), or undefined when out of range. */
export function sliceAt<T>(s: Slice<T>, i: number): T | undefined {
  return i >= 0 && i < s.end - s.start ? s.buf[s.start + i] : undefined;
}

export function slicePush<T>(s: Slice<T>, items: readonly T[]): Slice<T> {
  if (items.length === 0) return s;
  // Only the view that ends at the backing array's end may write in place.
  const buf = s.end === s.buf.length ? s.buf : s.buf.slice(s.start, s.end);
  const start = buf === s.buf ? s.start : 0;
  for (const item of items) buf.push(item);
  return { buf, start, end: buf.length };
}

/** The first `length` elements. */
export function sliceTruncate<T>(s: Slice<T>, length: number): Slice<T> {
  return { buf: s.buf, start: s.start, end: s.start + Math.max(0, Math.min(length, s.end - s.start)) };
}

/** Drops the first `count` elements; compacts the backing array once more than half of it is dead. */
export function sliceDropFront<T>(s: Slice<T>, count: number): Slice<T> {
  const start = Math.min(s.end, s.start + Math.max(0, count));
  if (start <= s.end - start) return { buf: s.buf, start, end: s.end };
  const buf = s.buf.slice(start, s.end);
  return { buf, start: 0, end: buf.length };
}

/** A copy of positions [lo, hi) of the view. */
export function sliceRange<T>(s: Slice<T>, lo: number, hi: number): T[] {
  const from = s.start + Math.max(0, lo);
  const to = s.start + Math.min(hi, s.end - s.start);
  return to > from ? s.buf.slice(from, to) : [];
}
