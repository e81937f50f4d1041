// The Storage port: the little the REST core needs from the store (Kubernetes' storage.Interface
// reduced to etcd3 primitives). Keys are strings, values opaque bytes; revisions are the store's
// (a modRevision becomes an object's resourceVersion). Two implementations:
// - storage-store-client.ts: over @skiff/store-client (NATS, the Raft store);
// - storage-memory.ts: over @skiff/mvcc's MvccStore in this process (fast unit tests).
//
// Writes are compare-and-swap on modRevision, the shapes Kubernetes' etcd3 store uses:
//   create: If(ModRevision(key) == 0) Then(Put)
//   update: If(ModRevision(key) == rev) Then(Put) Else(Get)
//   delete: If(ModRevision(key) == rev) Then(Delete) Else(Get)   (rev absent: unconditional)
// A refused write returns the key's current version so the caller can retry or answer 409.

export interface StorageKV {
  readonly key: string;
  readonly value: Uint8Array;
  readonly createRevision: number;
  readonly modRevision: number;
}

export type StorageEvent =
  | { readonly type: 'put'; readonly kv: StorageKV }
  /** `revision` is the revision of the delete. */
  | { readonly type: 'delete'; readonly key: string; readonly revision: number };

/** Every event of one revision under the watched prefix; no events = a progress notification. */
export interface StorageBatch {
  readonly revision: number;
  readonly events: readonly StorageEvent[];
}

/** Ends with StorageCompactedError when fromRevision is no longer in the store's history. */
export interface StorageWatch extends AsyncIterable<StorageBatch> {
  cancel(): void;
}

export interface ListOptions {
  /** At most this many keys (absent or 0: all). */
  readonly limit?: number;
  /** First key to return (inclusive; a continue token's position); default the prefix itself. */
  readonly startKey?: string;
  /** Read at this revision (absent or 0: current, linearizable). */
  readonly revision?: number;
}

export interface ListResult {
  readonly kvs: readonly StorageKV[];
  /** The revision the read observed. */
  readonly revision: number;
  /** More keys follow the last one returned. */
  readonly more: boolean;
  /** Keys after the returned ones (Kubernetes' remainingItemCount). */
  readonly remaining: number;
}

export type WriteResult =
  | { readonly ok: true; readonly revision: number }
  | { readonly ok: false; readonly current: StorageKV | undefined };

export interface Storage {
  /** A linearizable read of one key (or at `revision`). */
  get(key: string, opts?: { readonly revision?: number }): Promise<{ readonly kv: StorageKV | undefined; readonly revision: number }>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Puts only if the key does not exist. */
  create(key: string, value: Uint8Array): Promise<WriteResult>;
  /** Puts only if the key's modRevision is `expectedModRevision`. */
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<WriteResult>;
  /** Deletes (only if the modRevision matches, when given); ok false with current undefined: no such key. */
  delete(key: string, expectedModRevision?: number): Promise<WriteResult>;
  /** Batches under `prefix` from `fromRevision` (inclusive) on; absent: from now. */
  watch(prefix: string, fromRevision?: number): StorageWatch;
  /** The store's current revision (linearizable). */
  currentRevision(): Promise<number>;
}

/** The revision asked for is compacted away (Kubernetes answers 410 Gone / Expired). */
export class StorageCompactedError extends Error {
  override readonly name = 'StorageCompactedError';
  constructor(
    /** Oldest readable revision is compactRevision + 1. */
    readonly compactRevision: number,
    readonly currentRevision: number,
  ) {
    super(`required revision has been compacted (compact revision ${compactRevision})`);
  }
}

/** The store did not answer (no leader, timeouts): Kubernetes answers 500/504. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
}

/** The exclusive end of the key range with this prefix (etcd's GetPrefixRangeEnd), as a string. */
export function prefixEnd(prefix: string): string {
  // Keys here are ASCII paths, so incrementing the last code unit is the byte-wise rule.
  if (prefix.length === 0) return '\0';
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
