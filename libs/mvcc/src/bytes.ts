// Keys are bytes compared bytewise (etcd's keyspace is a flat byte-ordered map). Inside the store
// a key is also held as a "binary string": one UTF-16 code unit per byte (0..255). For such
// strings JavaScript's `<` and Map hashing agree exactly with bytewise order and equality, so the
// index gets native comparisons and O(1) point lookups without a custom comparator.

const EMPTY = new Uint8Array(0);
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** The empty byte string (shared; never mutate it). */
export const emptyBytes: Uint8Array = EMPTY;

/** etcd's range_end `\0`: with it, a range means "every key >= key". */
export const allKeysRangeEnd: Uint8Array = Uint8Array.of(0);

/** Bytewise comparison: negative, zero or positive like a sort comparator. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** UTF-8 bytes of a string key or value. */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Decodes UTF-8 bytes (for display and tests; keys stay bytes inside the store). */
export function fromUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

const CHUNK = 8192;

/** Bytes -> binary string (one code unit per byte). Injective and order-preserving. */
export function toBinaryString(bytes: Uint8Array): string {
  if (bytes.length <= CHUNK) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let out = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return out;
}

/** Binary string -> bytes; inverse of toBinaryString. */
export function fromBinaryString(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * The range_end that selects every key starting with `prefix` (etcd clientv3 GetPrefixRangeEnd):
 * the prefix with its last byte below 0xff incremented and the rest cut. A prefix of only 0xff
 * bytes (or an empty one) has no such bound, so it returns `\0`, etcd's "all keys >= key".
 */
export function prefixRangeEnd(prefix: Uint8Array): Uint8Array {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const b = prefix[i] as number;
    if (b < 0xff) {
      const end = prefix.slice(0, i + 1);
      end[i] = b + 1;
      return end;
    }
  }
  return allKeysRangeEnd;
}

/** A key range in binary-string form: `end` undefined means the single key `start`; null means unbounded. */
export interface KeySpan {
  readonly start: string;
  /** Exclusive upper bound; null = no upper bound (range_end `\0`); undefined = single key. */
  readonly end: string | null | undefined;
}

/** Turns an etcd (key, range_end) pair into a span: empty range_end = one key, `\0` = unbounded. */
export function toSpan(key: Uint8Array, rangeEnd: Uint8Array | undefined): KeySpan {
  const start = toBinaryString(key);
  if (rangeEnd === undefined || rangeEnd.length === 0) return { start, end: undefined };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { start, end: null };
  return { start, end: toBinaryString(rangeEnd) };
}

export function spanContains(span: KeySpan, key: string): boolean {
  if (span.end === undefined) return key === span.start;
  if (key < span.start) return false;
  return span.end === null || key < span.end;
}

/** A range whose range_end sorts at or before its key selects nothing (etcd returns no keys). */
export function spanIsEmpty(span: KeySpan): boolean {
  return typeof span.end === 'string' && span.end <= span.start;
}

/** A key range kept as bytes (watch filters test event keys without converting them). */
export interface ByteSpan {
  readonly start: Uint8Array;
  /** Exclusive upper bound; null = unbounded; undefined = the single key `start`. */
  readonly end: Uint8Array | null | undefined;
}

export function toByteSpan(key: Uint8Array, rangeEnd: Uint8Array | undefined): ByteSpan {
  const start = key.slice();
  if (rangeEnd === undefined || rangeEnd.length === 0) return { start, end: undefined };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { start, end: null };
  return { start, end: rangeEnd.slice() };
}

export function byteSpanContains(span: ByteSpan, key: Uint8Array): boolean {
  if (span.end === undefined) return bytesEqual(key, span.start);
  if (compareBytes(key, span.start) < 0) return false;
  return span.end === null || compareBytes(key, span.end) < 0;
}

/** Bytes as given, or a string's UTF-8 bytes: the helper for string keys and values. */
export function toBytes(x: string | Uint8Array): Uint8Array {
  return typeof x === 'string' ? utf8(x) : x;
}

/** {key, rangeEnd} selecting every key that starts with prefix (spread it into a range, delete or watch). */
export function prefixRange(prefix: string | Uint8Array): { key: Uint8Array; rangeEnd: Uint8Array } {
  const key = toBytes(prefix);
  // The empty prefix is every key: etcd spells it key `\0`, range_end `\0`.
  if (key.length === 0) return { key: allKeysRangeEnd, rangeEnd: allKeysRangeEnd };
  return { key, rangeEnd: prefixRangeEnd(key) };
}
