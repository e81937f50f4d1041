// Which events of a committed revision a watch wants: those whose key falls in the watched range
// (etcd semantics: no range_end = the key itself, `\0` = every key >= key, else [key, range_end)),
// with the previous version only when asked for (it is always on the wire for store.events).

import { bytesEqual, compareBytes, type ChangeBatch, type MvccEvent } from '@skiff/mvcc';

export interface WatchFilter {
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  readonly prevKv: boolean;
}

export function keyInRange(filter: WatchFilter, key: Uint8Array): boolean {
  const end = filter.rangeEnd;
  if (end === undefined || end.length === 0) return bytesEqual(key, filter.key);
  if (compareBytes(key, filter.key) < 0) return false;
  return (end.length === 1 && end[0] === 0) || compareBytes(key, end) < 0;
}

/** The events of `batch` the watch delivers, in sub-revision order. */
export function filterEvents(batch: ChangeBatch, filter: WatchFilter): MvccEvent[] {
  const out: MvccEvent[] = [];
  for (const e of batch.events) {
    if (!keyInRange(filter, e.kv.key)) continue;
    out.push(filter.prevKv || e.prevKv === undefined || e.prevKv === null ? e : { type: e.type, kv: e.kv });
  }
  return out;
}
