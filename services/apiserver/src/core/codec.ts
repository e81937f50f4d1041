// How objects sit in the store: JSON bytes without metadata.resourceVersion (Kubernetes' etcd3
// store does the same: the resourceVersion IS the key's modRevision, so storing it would be a lie
// after the write). Reading sets it back from the modRevision.

import type { KubeObject } from '@skiff/api';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeObject(obj: KubeObject): Uint8Array {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return encoder.encode(JSON.stringify({ ...obj, metadata }));
}

/** The stored object with metadata.resourceVersion = String(modRevision). Throws on corrupt bytes. */
export function decodeObject(value: Uint8Array, modRevision: number): KubeObject {
  const obj = JSON.parse(decoder.decode(value)) as KubeObject;
  if (typeof obj !== 'object' || obj === null || typeof obj.metadata !== 'object' || obj.metadata === null) {
    throw new Error('stored value is not an object with metadata');
  }
  obj.metadata.resourceVersion = String(modRevision);
  return obj;
}

/** A copy of `obj` with another resourceVersion (the object itself may be frozen). */
export function withResourceVersion(obj: KubeObject, revision: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}

/** Freezes an object graph: cached objects are shared by every reader and must never change. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

export function deepClone<T>(value: T): T {
  return structuredClone(value);
}
