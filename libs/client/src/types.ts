// The object shapes the client hands out. Objects travel as plain JSON values (msgpack maps of their
// JSON form); @skiff/api's kind types give precise shapes where a caller wants them.

import type { KubeObject } from '@skiff/api';

export type { KubeObject } from '@skiff/api';

export interface ListMeta {
  readonly resourceVersion?: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: ListMeta;
  readonly items: T[];
}

export const WATCH_EVENT_TYPES = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'] as const;
export type WatchEventType = (typeof WATCH_EVENT_TYPES)[number];

/** One watch event; for ERROR the object is a Status, for BOOKMARK only metadata.resourceVersion counts. */
export interface WatchEvent<T extends KubeObject = KubeObject> {
  readonly type: WatchEventType;
  readonly object: T;
}

/** `namespace/name`, or `name` for cluster-scoped objects: client-go's MetaNamespaceKeyFunc. */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return ns === undefined || ns === '' ? obj.metadata.name ?? '' : `${ns}/${obj.metadata.name ?? ''}`;
}

/** Splits a `namespace/name` key (client-go's SplitMetaNamespaceKey). */
export function splitObjectKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** True for a value shaped like an object with metadata (what every API object has). */
export function isKubeObject(value: unknown): value is KubeObject {
  return isPlainMap(value) && isPlainMap(value['metadata']);
}
