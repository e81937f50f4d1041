// Listers (client-go's generated listers): reads from an informer's store, never from the server.
// What they return is shared with the store and the other readers: never change it; copy first.

import { labelSelectorMatches, parseLabelSelector, type LabelSelector } from '@skiff/apimachinery';
import { NAMESPACE_INDEX, type IndexerReader } from './indexer.js';
import type { KubeObject } from './types.js';

export interface NamespaceLister<T extends KubeObject> {
  list(selector?: string | LabelSelector): T[];
  get(name: string): T | undefined;
}

export interface Lister<T extends KubeObject> {
  /** Every object matching the label selector (all when absent). */
  list(selector?: string | LabelSelector): T[];
  /** A cluster-scoped object by name, or a namespaced one by `get(name, namespace)`. */
  get(name: string, namespace?: string): T | undefined;
  namespace(namespace: string): NamespaceLister<T>;
  byIndex(indexName: string, value: string): T[];
}

export function createLister<T extends KubeObject>(store: IndexerReader<T>): Lister<T> {
  const keyOf = (name: string, namespace: string | undefined): string => (namespace === undefined || namespace === '' ? name : `${namespace}/${name}`);
  return {
    list: (selector) => select(store.list(), selector),
    get: (name, namespace) => store.getByKey(keyOf(name, namespace)),
    namespace: (namespace) => ({
      list: (selector) => select(store.byIndex(NAMESPACE_INDEX, namespace), selector),
      get: (name) => store.getByKey(keyOf(name, namespace)),
    }),
    byIndex: (indexName, value) => store.byIndex(indexName, value),
  };
}

function select<T extends KubeObject>(items: T[], selector: string | LabelSelector | undefined): T[] {
  if (selector === undefined || selector === '') return items;
  const parsed = typeof selector === 'string' ? parseLabelSelector(selector) : selector;
  return items.filter((obj) => labelSelectorMatches(parsed, obj.metadata.labels));
}
