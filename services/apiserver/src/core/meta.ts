// Small pure helpers over object metadata: timestamps, UIDs, finalizers, equality. Time and
// randomness come in as arguments (the core's injected Clock and Random).

import type { KubeObject } from '@skiff/api';
import type { Random } from '@skiff/core';

/** Kubernetes' metav1.Time: RFC 3339 with second precision, UTC. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A random (version 4) UUID drawn from the injected Random. */
export function randomUuid(random: Random): string {
  const b = Array.from({ length: 16 }, () => random.int(0, 255));
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';
/** The namespace controller's finalizer, in spec.finalizers of a Namespace. */
export const FINALIZER_KUBERNETES = 'kubernetes';

export function finalizersOf(obj: KubeObject): string[] {
  const f = obj.metadata.finalizers;
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}

export function labelsOf(obj: KubeObject): Record<string, string> {
  const l = obj.metadata.labels;
  return typeof l === 'object' && l !== null ? (l as Record<string, string>) : {};
}

export function isBeingDeleted(obj: KubeObject): boolean {
  return typeof obj.metadata.deletionTimestamp === 'string' && obj.metadata.deletionTimestamp !== '';
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => jsonEqual(ao[k], bo[k]));
}

/** A JSON-safe deep copy (drops undefined fields, as the wire would). */
export function cloneObject<T>(obj: T): T {
  return JSON.parse(JSON.stringify(obj)) as T;
}

/** obj[path[0]][path[1]]... or undefined. */
export function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** The object's spec-like fields, as a plain record (absent: {}). */
export function recordAt(obj: unknown, key: string): Record<string, unknown> {
  const v = typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** A Namespace's spec.finalizers (`kubernetes` until the namespace controller emptied it). */
export function namespaceFinalizers(ns: KubeObject): string[] {
  const f = getPath(ns, ['spec', 'finalizers']);
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}
