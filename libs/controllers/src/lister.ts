// The read side a sync gets: a structural subset of @skiff/client's Lister, so the service passes
// its informer listers as they are, and tests fill a `listerOf([...])` directly (client-go's
// "tests fill the informer caches directly"). What a lister returns is shared: never mutate it.
import type { KubeObject } from '@skiff/api';

export interface NamespaceListerView<T> {
  list(): T[];
  get(name: string): T | undefined;
}

export interface ListerView<T> {
  list(): T[];
  /** A cluster-scoped object by name, or a namespaced one with its namespace. */
  get(name: string, namespace?: string): T | undefined;
  namespace(namespace: string): NamespaceListerView<T>;
}

function keyOf(name: string, namespace: string | undefined): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

/** `namespace/name`, or `name` for a cluster-scoped object (MetaNamespaceKeyFunc). */
export function objectKey(obj: KubeObject): string {
  return keyOf(obj.metadata.name ?? '', obj.metadata.namespace);
}

/** SplitMetaNamespaceKey. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** An in-memory lister over a fixed list of objects. */
export function listerOf<T extends KubeObject>(objects: readonly T[]): ListerView<T> {
  const byKey = new Map<string, T>();
  for (const obj of objects) byKey.set(objectKey(obj), obj);
  return {
    list: () => [...objects],
    get: (name, namespace) => byKey.get(keyOf(name, namespace)),
    namespace: (namespace) => ({
      list: () => objects.filter((o) => (o.metadata.namespace ?? '') === namespace),
      get: (name) => byKey.get(keyOf(name, namespace)),
    }),
  };
}
