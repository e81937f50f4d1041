// @skiff/mvcc: the store's replicated state machine (etcd's MVCC keyspace, txns, leases,
// compaction, exactly-once sessions) and a pure watch registry over its history.

export * from './types.js';
export { MvccErrorCode, type ErrorResponse } from './errors.js';
export { MvccStore, DEFAULT_MAX_VALUE_BYTES, type ApplyResult, type MvccOptions, type RestoreResult } from './mvcc-store.js';
export type { SnapshotOptions } from './snapshot.js';
export type { HistoryView } from './history.js';
export { WatchRegistry, type WatchCreateRequest, type WatchCreateResult, type WatchDelivery, type WatchId, type WatchSource, type PollResult } from './watch-registry.js';
export { MAX_LEASE_TTL_SECONDS } from './lessor.js';
export { allKeysRangeEnd, bytesEqual, compareBytes, emptyBytes, fromUtf8, prefixRange, prefixRangeEnd, toBytes, utf8 } from './bytes.js';
export { isReadOnlyTxn } from './txn.js';
