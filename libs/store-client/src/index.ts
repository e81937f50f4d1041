// @skiff/store-client: the store's client (etcd clientv3's role) over the Bus: KV, txns with CAS
// helpers, leases with keep-alive loops, watches merged from store.events and history,
// maintenance; exactly-once writes and bounded retries.

export * from './protocol.js';
export * from './errors.js';
export { createStoreClient, randomClientId } from './store-client.js';
export type {
  CallOptions,
  CasResult,
  DeleteOptions,
  MemberStatusResult,
  PutOptions,
  RangeOptions,
  ReadOptions,
  StoreClient,
  StoreClientOptions,
  WatchOptions,
} from './store-client.js';
export { compare, op, txnRequest, casPutRequest, casDeleteRequest, selectKeys, type KeyLike, type KeySelector } from './txn.js';
export type { KeepAliveEnd, KeepAliveLoop, KeepAliveOptions } from './keep-alive.js';
export type { StoreWatch, WatchBatch, WatchTuning } from './watch.js';
export { WatchCursor, type CursorStep, type HistoryOutcome } from './watch-cursor.js';
export { filterEvents, keyInRange, type WatchFilter } from './watch-filter.js';
export { DEFAULT_RETRY_POLICY, backoffMs, isRetryable, type RetryPolicy } from './retry.js';
