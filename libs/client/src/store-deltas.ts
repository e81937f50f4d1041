// What a list or a watch event changes in the informer's store, and which handler calls that makes
// (client-go's DeltaFIFO + sharedIndexInformer.HandleDeltas, without the queue: the reflector
// hands one change at a time). Pure: reads the store, returns deltas; the informer applies them.
//
// - a relist removes the objects that are gone as DeletedFinalStateUnknown tombstones: the final
//   state of an object deleted while we were not watching is unknown, only its last known one;
// - an ADDED for a key we hold is an update, a MODIFIED for a key we lack an add (a resumed watch
//   may repeat or skip the first), a DELETED for a key we lack is dropped (already reported);
// - a relist reports an update only when the resourceVersion changed (client-go reports every
//   object again; Skiff's informers have no resync, and handlers only enqueue keys anyway).

import type { IndexerReader, KeyFunc } from './indexer.js';
import type { KubeObject, WatchEvent } from './types.js';

export interface DeletedFinalStateUnknown<T> {
  readonly type: 'DeletedFinalStateUnknown';
  readonly key: string;
  /** The last state the store knew. */
  readonly obj: T;
}

export function isDeletedFinalStateUnknown<T>(value: T | DeletedFinalStateUnknown<T>): value is DeletedFinalStateUnknown<T> {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'DeletedFinalStateUnknown' && 'key' in value;
}

/** The object of a delete notification, tombstone or not. */
export function finalStateOf<T>(value: T | DeletedFinalStateUnknown<T>): T {
  return isDeletedFinalStateUnknown(value) ? value.obj : value;
}

export type StoreDelta<T> =
  | { readonly type: 'added'; readonly key: string; readonly obj: T; readonly initial: boolean }
  | { readonly type: 'updated'; readonly key: string; readonly old: T; readonly obj: T }
  | { readonly type: 'unchanged'; readonly key: string; readonly obj: T }
  | { readonly type: 'deleted'; readonly key: string; readonly obj: T | DeletedFinalStateUnknown<T> };

const rvOf = (obj: KubeObject): string | undefined => obj.metadata.resourceVersion;

/** The deltas that turn the store into exactly `items`; `initial` marks the first list. */
export function replaceDeltas<T extends KubeObject>(store: IndexerReader<T>, keyOf: KeyFunc<T>, items: readonly T[], initial: boolean): StoreDelta<T>[] {
  const deltas: StoreDelta<T>[] = [];
  const seen = new Set<string>();
  for (const obj of items) {
    const key = keyOf(obj);
    seen.add(key);
    const old = store.getByKey(key);
    if (old === undefined) deltas.push({ type: 'added', key, obj, initial });
    else if (rvOf(old) !== rvOf(obj) || rvOf(obj) === undefined) deltas.push({ type: 'updated', key, old, obj });
    else deltas.push({ type: 'unchanged', key, obj });
  }
  for (const key of store.listKeys()) {
    if (seen.has(key)) continue;
    deltas.push({ type: 'deleted', key, obj: { type: 'DeletedFinalStateUnknown', key, obj: store.getByKey(key)! } });
  }
  return deltas;
}

/** The delta of one ADDED, MODIFIED or DELETED event ([] when it changes nothing). */
export function eventDeltas<T extends KubeObject>(store: IndexerReader<T>, keyOf: KeyFunc<T>, event: WatchEvent<T>): StoreDelta<T>[] {
  const obj = event.object;
  const key = keyOf(obj);
  const old = store.getByKey(key);
  switch (event.type) {
    case 'ADDED':
    case 'MODIFIED':
      return [old === undefined ? { type: 'added', key, obj, initial: false } : { type: 'updated', key, old, obj }];
    case 'DELETED':
      return old === undefined ? [] : [{ type: 'deleted', key, obj }];
    default:
      return [];
  }
}
