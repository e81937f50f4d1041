// The multi-version keyspace: for each key, its versions in revision order (etcd's keyIndex +
// backend rolled into one). A version is a KeyValue or a tombstone. Keys are looked up by their
// binary string (Map, O(1)) and scanned in byte order through SortedKeys.
//
// Invariants: a record's versions are sorted by (rev, sub), never empty, and a tombstone never
// follows a tombstone. A key leaves the index only when compaction removes its last version.

import { spanIsEmpty, type KeySpan } from './bytes.js';
import { SortedKeys } from './sorted-keys.js';
import type { KeyValue } from './types.js';

export interface Version {
  readonly rev: number;
  /** Position of the write inside its revision (etcd sub-revision). */
  readonly sub: number;
  /** null = tombstone (the key was deleted at rev). */
  readonly kv: KeyValue | null;
}

export interface KeyRecord {
  /** The key's bytes, shared by all its KeyValues. */
  readonly key: Uint8Array;
  readonly versions: Version[];
}

export class KeyIndex {
  private readonly records = new Map<string, KeyRecord>();
  private readonly sorted = new SortedKeys();
  /** Keys with something to compact away: more than one version, or a tombstone. */
  private readonly compactable = new Set<string>();

  get keyCount(): number {
    return this.records.size;
  }

  get(key: string): KeyRecord | undefined {
    return this.records.get(key);
  }

  /** The live KeyValue of key at the newest revision, if any. */
  latest(key: string): KeyValue | undefined {
    const record = this.records.get(key);
    if (record === undefined) return undefined;
    return (record.versions[record.versions.length - 1] as Version).kv ?? undefined;
  }

  /** Appends a version; creates the record (with `keyBytes`) for a new key. */
  append(key: string, keyBytes: Uint8Array, version: Version): void {
    const record = this.records.get(key);
    if (record === undefined) {
      this.records.set(key, { key: keyBytes, versions: [version] });
      this.sorted.insert(key);
      if (version.kv === null) this.compactable.add(key);
      return;
    }
    record.versions.push(version);
    this.compactable.add(key);
  }

  /** Visits the records of the span in key order until visit returns false. */
  forEachInSpan(span: KeySpan, visit: (key: string, record: KeyRecord) => boolean | void): void {
    if (span.end === undefined) {
      const record = this.records.get(span.start);
      if (record !== undefined) visit(span.start, record);
      return;
    }
    if (spanIsEmpty(span)) return;
    this.sorted.forEachInRange(span.start, span.end, (key) => visit(key, this.records.get(key) as KeyRecord));
  }

  /** Every record in key order (snapshots). */
  forEach(visit: (key: string, record: KeyRecord) => void): void {
    this.sorted.forEachInRange('', null, (key) => {
      visit(key, this.records.get(key) as KeyRecord);
    });
  }

  /**
   * Drops what no read at a revision >= atRev can see (etcd keyIndex.compact): versions older
   * than the newest one at or below atRev, and that one too if it is a tombstone.
   */
  compact(atRev: number): void {
    for (const key of this.compactable) {
      const record = this.records.get(key) as KeyRecord;
      const versions = record.versions;
      let keepFrom = versionIndexAt(versions, atRev);
      if (keepFrom < 0) continue;
      if ((versions[keepFrom] as Version).kv === null) keepFrom++;
      if (keepFrom > 0) versions.splice(0, keepFrom);
      if (versions.length === 0) {
        this.records.delete(key);
        this.sorted.delete(key);
        this.compactable.delete(key);
      } else if (versions.length === 1 && (versions[0] as Version).kv !== null) {
        this.compactable.delete(key);
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
export function kvAt(record: KeyRecord, atRev: number): KeyValue | undefined {
  const versions = record.versions;
  const last = versions[versions.length - 1] as Version;
  if (last.rev <= atRev) return last.kv ?? undefined;
  const i = versionIndexAt(versions, atRev);
  return i < 0 ? undefined : ((versions[i] as Version).kv ?? undefined);
}
