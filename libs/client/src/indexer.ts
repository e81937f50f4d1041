// The informer's local cache: objects by key plus secondary indexes (client-go's cache.Indexer,
// thread_safe_store.go). Pure data structure: no I/O, no clock. Keys are `namespace/name`
// (objectKey); an index maps one value (a namespace, a node name, ...) to the keys whose object
// yields it, and is kept exact on every add, update and delete.

import { objectKey, type KubeObject } from './types.js';

export type KeyFunc<T> = (obj: T) => string;
/** The values an object is indexed under (none, one or several). */
export type IndexFunc<T> = (obj: T) => readonly string[];
export type Indexers<T> = Readonly<Record<string, IndexFunc<T>>>;

export const NAMESPACE_INDEX = 'namespace';

/** client-go's MetaNamespaceIndexFunc. */
export const namespaceIndexFunc: IndexFunc<KubeObject> = (obj) => [obj.metadata.namespace ?? ''];

/** A read-only view: what listers and handlers get. */
export interface IndexerReader<T> {
  readonly size: number;
  getByKey(key: string): T | undefined;
  has(key: string): boolean;
  list(): T[];
  listKeys(): string[];
  /** Objects indexed under `value` by the index `indexName`. */
  byIndex(indexName: string, value: string): T[];
  indexKeys(indexName: string, value: string): string[];
  /** Every value the index holds. */
  listIndexValues(indexName: string): string[];
}

export class UnknownIndexError extends Error {
  override readonly name = 'UnknownIndexError';
  constructor(readonly indexName: string) {
    super(`index ${JSON.stringify(indexName)} does not exist`);
  }
}

export class Indexer<T> implements IndexerReader<T> {
  private readonly items = new Map<string, T>();
  private readonly funcs = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(
    readonly keyOf: KeyFunc<T>,
    indexers: Indexers<T> = {},
  ) {
    this.addIndexers(indexers);
  }

  get size(): number {
    return this.items.size;
  }

  /** Adds indexes (built at once from the current objects). A name already in use is an error. */
  addIndexers(indexers: Indexers<T>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.funcs.has(name)) throw new Error(`index ${JSON.stringify(name)} already exists`);
      this.funcs.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, obj] of this.items) for (const value of fn(obj)) addTo(index, value, key);
    }
  }

  /** Inserts or replaces; returns the previous object under the key. */
  upsert(obj: T): T | undefined {
    const key = this.keyOf(obj);
    const old = this.items.get(key);
    if (old !== undefined) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  /** Removes the object under the key; returns it. */
  deleteByKey(key: string): T | undefined {
    const old = this.items.get(key);
    if (old === undefined) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  delete(obj: T): T | undefined {
    return this.deleteByKey(this.keyOf(obj));
  }

  /** Holds exactly `items` afterwards. */
  replace(items: readonly T[]): void {
    this.items.clear();
    for (const index of this.indices.values()) index.clear();
    for (const obj of items) this.upsert(obj);
  }

  getByKey(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  byIndex(indexName: string, value: string): T[] {
    return this.indexKeys(indexName, value).map((key) => this.items.get(key) as T);
  }

  indexKeys(indexName: string, value: string): string[] {
    const index = this.indices.get(indexName);
    if (index === undefined) throw new UnknownIndexError(indexName);
    return [...(index.get(value) ?? [])];
  }

  listIndexValues(indexName: string): string[] {
    const index = this.indices.get(indexName);
    if (index === undefined) throw new UnknownIndexError(indexName);
    return [...index.keys()];
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of this.funcs) for (const value of fn(obj)) addTo(this.indices.get(name)!, value, key);
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.funcs) {
      const index = this.indices.get(name)!;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}

function addTo(index: Map<string, Set<string>>, value: string, key: string): void {
  const keys = index.get(value);
  if (keys === undefined) index.set(value, new Set([key]));
  else keys.add(key);
}

/** An indexer of API objects keyed `namespace/name`, with the namespace index. */
export function objectIndexer<T extends KubeObject>(indexers: Indexers<T> = {}): Indexer<T> {
  return new Indexer<T>(objectKey, { [NAMESPACE_INDEX]: namespaceIndexFunc, ...indexers });
}
