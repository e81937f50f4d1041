// Storage over @skiff/store-client: the Raft store over NATS. Reads without a revision are
// linearizable ranges through the leader; writes are the CAS txns of storage.ts; a watch is the
// client's gap-free store watch (store.events merged with paged history), ending with
// StorageCompactedError when its start revision is compacted away.

import { fromUtf8, utf8, type KeyValue, type TxnResponse } from '@skiff/mvcc';
import { CompactedError, StoreUnavailableError, casDeleteRequest, casPutRequest, type StoreClient } from '@skiff/store-client';
import {
  prefixEnd,
  StorageCompactedError,
  StorageUnavailableError,
  type ListOptions,
  type ListResult,
  type Storage,
  type StorageBatch,
  type StorageKV,
  type StorageWatch,
  type WriteResult,
} from './storage.js';

export interface StoreClientStorageOptions {
  /** Idle time after which a watch asks the store for progress (and yields an empty batch). Default 5,000 ms. */
  readonly progressIntervalMs?: number;
}

export function storeClientStorage(client: StoreClient, opts: StoreClientStorageOptions = {}): Storage {
  return {
    get: (key, o = {}) => mapErrors(async () => {
      const r = await client.range(key, o.revision ? { revision: o.revision } : {});
      return { kv: r.kvs[0] === undefined ? undefined : toKV(r.kvs[0]), revision: r.revision };
    }),
    list: (prefix, o: ListOptions = {}) => mapErrors(async (): Promise<ListResult> => {
      const r = await client.range(o.startKey ?? prefix, {
        rangeEnd: prefixEnd(prefix),
        ...(o.limit ? { limit: o.limit } : {}),
        ...(o.revision ? { revision: o.revision } : {}),
      });
      return { kvs: r.kvs.map(toKV), revision: r.revision, more: r.more, remaining: r.count - r.kvs.length };
    }),
    create: (key, value) => mapErrors(async () => casOutcome(await client.txn(casPutRequest(key, 0, value)))),
    update: (key, value, expected) => mapErrors(async () => casOutcome(await client.txn(casPutRequest(key, expected, value)))),
    delete: (key, expected) => mapErrors(async (): Promise<WriteResult> => {
      if (expected === undefined) {
        const r = await client.delete(key);
        return r.deleted > 0 ? { ok: true, revision: r.revision } : { ok: false, current: undefined };
      }
      return casOutcome(await client.txn(casDeleteRequest(key, expected)));
    }),
    watch: (prefix, fromRevision) => watchPrefix(client, prefix, fromRevision, opts),
    // A one-key count is the cheapest linearizable read that reports the store's revision.
    currentRevision: () => mapErrors(async () => (await client.range(utf8('/registry/'), { countOnly: true })).revision),
  };
}

function watchPrefix(client: StoreClient, prefix: string, fromRevision: number | undefined, opts: StoreClientStorageOptions): StorageWatch {
  const w = client.watch(prefix, {
    prefix: true,
    progressNotify: true,
    ...(fromRevision === undefined ? {} : { fromRevision }),
    ...(opts.progressIntervalMs === undefined ? {} : { progressIntervalMs: opts.progressIntervalMs }),
  });
  async function* batches(): AsyncGenerator<StorageBatch> {
    try {
      for await (const b of w) {
        yield {
          revision: b.revision,
          events: b.events.map((e) => (e.type === 'PUT' ? { type: 'put' as const, kv: toKV(e.kv) } : { type: 'delete' as const, key: fromUtf8(e.kv.key), revision: b.revision })),
        };
      }
    } catch (err) {
      throw mapError(err);
    }
  }
  return { [Symbol.asyncIterator]: () => batches(), cancel: () => w.cancel() };
}

function casOutcome(r: TxnResponse): WriteResult {
  if (r.succeeded) return { ok: true, revision: r.revision };
  const got = r.responses[0];
  const kv = got !== undefined && got.type === 'range' ? got.kvs[0] : undefined;
  return { ok: false, current: kv === undefined ? undefined : toKV(kv) };
}

function toKV(kv: KeyValue): StorageKV {
  return { key: fromUtf8(kv.key), value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision };
}

async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapError(err);
  }
}

function mapError(err: unknown): unknown {
  if (err instanceof CompactedError) return new StorageCompactedError(err.compactRevision, err.revision);
  if (err instanceof StoreUnavailableError) return new StorageUnavailableError(err.message, { cause: err });
  return err;
}
