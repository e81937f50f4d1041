// The multi-version keyspace: for each key, its versions in revision order (etcd's keyIndex +
// backend rolled into one). A version is a KeyValue or a tombstone. Records are found by their
// binary-string name (Map, O(1)) and scanned in byte order through SortedIndex.
//
// Invariants: a record's versions are sorted by (rev, sub) and never empty; `live` is the last
// version's kv (null after a delete); a key leaves the index only when compaction removes its
// last version.

import { spanIsEmpty, type KeySpan } from './bytes.js';
import { SortedIndex } from './sorted-keys.js';
import type { KeyValue } from './types.js';

export interface Version {
  readonly rev: number;
  /** Position of the write inside its revision (etcd sub-revision). */
  readonly sub: number;
  /** null = tombstone (the key was deleted at rev). */
  readonly kv: KeyValue | null;
}

export interface KeyRecord {
  /** The key as a binary string (index order). */
  readonly name: string;
  /** The key's bytes, shared by all its KeyValues. */
  readonly key: Uint8Array;
  readonly versions: Version[];
  /** The newest version's kv; null when the key is deleted. */
  live: KeyValue | null;
}

export class KeyIndex {
  private readonly records = new Map<string, KeyRecord>();
  private readonly sorted = new SortedIndex<KeyRecord>((record) => record.live !== null);
  /** Keys with something to compact away: more than one version, or a tombstone. */
  private readonly compactable = new Set<KeyRecord>();

  get keyCount(): number {
    return this.records.size;
  }

  get(name: string): KeyRecord | undefined {
    return this.records.get(name);
  }

  /** The live KeyValue of a key at the newest revision, if any. */
  latest(name: string): KeyValue | undefined {
    return this.records.get(name)?.live ?? undefined;
  }

  /** Appends a version; creates the record (with `keyBytes`) for a new key. Returns the record. */
  append(name: string, keyBytes: Uint8Array, version: Version): KeyRecord {
    let record = this.records.get(name);
    if (record === undefined) {
      record = { name, key: keyBytes, versions: [version], live: version.kv };
      this.records.set(name, record);
      this.sorted.insert(record);
      if (version.kv === null) this.compactable.add(record);
      return record;
    }
    const wasLive = record.live !== null;
    record.versions.push(version);
    record.live = version.kv;
    if (wasLive !== (version.kv !== null)) this.sorted.recount(name, wasLive ? -1 : 1);
    this.compactable.add(record);
    return record;
  }

  /** Visits the records of the span in key order until visit returns false. */
  forEachInSpan(span: KeySpan, visit: (record: KeyRecord) => boolean | void): void {
    if (span.end === undefined) {
      const record = this.records.get(span.start);
      if (record !== undefined) visit(record);
      return;
    }
    if (spanIsEmpty(span)) return;
    this.sorted.forEachInRange(span.start, span.end, visit);
  }

  /** Live keys in the span at the newest revision, without visiting them one by one. */
  countLive(span: KeySpan): number {
    if (span.end === undefined) return this.records.get(span.start)?.live ? 1 : 0;
    if (spanIsEmpty(span)) return 0;
    return this.sorted.countInRange(span.start, span.end);
  }

  /** Every record in key order (snapshots). */
  forEach(visit: (record: KeyRecord) => void): void {
    this.sorted.forEachInRange('', null, (record) => {
      visit(record);
    });
  }

  /**
   * Drops what no read at a revision >= atRev can see (etcd keyIndex.compact): versions older
   * than the newest one at or below atRev, and that one too if it is a tombstone.
   */
  compact(atRev: number): void {
    for (const record of this.compactable) {
      const versions = record.versions;
      let keepFrom = versionIndexAt(versions, atRev);
      if (keepFrom < 0) continue;
      if ((versions[keepFrom] as Version).kv === null) keepFrom++;
      if (keepFrom > 0) versions.splice(0, keepFrom);
      if (versions.length === 0) {
        this.records.delete(record.name);
        this.sorted.delete(record.name);
        this.compactable.delete(record);
      } else if (versions.length === 1 && record.live !== null) {
        this.compactable.delete(record);
      }
    }
  }
}

/** Index of the newest version with rev <= atRev, or -1. */
export function versionIndexAt(versions: readonly Version[], atRev: number): number {
  let lo = 0;
  let hi = versions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((versions[mid] as Version).rev <= atRev) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The live KeyValue of a record as of revision atRev, if any. */
export function kvAt(record: KeyRecord, atRev: number): KeyValue | null {
  const versions = record.versions;
  if ((versions[versions.length - 1] as Version).rev <= atRev) return record.live;
  const i = versionIndexAt(versions, atRev);
  return i < 0 ? null : (versions[i] as Version).kv;
}
