// Builders for transactions (etcd clientv3's Compare/Op helpers, as plain data): keys and values
// are strings (UTF-8) or bytes; the result is the mvcc TxnRequest the store applies. The CAS
// shapes are the ones Kubernetes' etcd3 storage uses for optimistic concurrency:
//   update: If(ModRevision(key) == rev) Then(Put) Else(Get)
//   delete: If(ModRevision(key) == rev) Then(Delete) Else(Get)
// with rev 0 meaning "the key must not exist" (a missing key compares as a zero KeyValue).

import {
  prefixRange,
  toBytes,
  type Compare,
  type CompareResult,
  type DeleteRangeRequest,
  type PutRequest,
  type RangeRequest,
  type RequestOp,
  type TxnRequest,
} from '@skiff/mvcc';

export type KeyLike = string | Uint8Array;

/** Which keys: one key, every key with the prefix, or [key, rangeEnd). */
export interface KeySelector {
  /** Every key that starts with `key`. */
  readonly prefix?: boolean;
  /** Explicit exclusive end (`\0` = every key >= key); ignored when prefix is set. */
  readonly rangeEnd?: KeyLike;
}

/** {key, rangeEnd?} in bytes for a key and a selector. */
export function selectKeys(key: KeyLike, sel: KeySelector = {}): { key: Uint8Array; rangeEnd?: Uint8Array } {
  if (sel.prefix === true) return prefixRange(key);
  const k = toBytes(key);
  return sel.rangeEnd === undefined ? { key: k } : { key: k, rangeEnd: toBytes(sel.rangeEnd) };
}

type NumberTarget = 'version' | 'createRevision' | 'modRevision' | 'lease';

function numeric(target: NumberTarget) {
  return (key: KeyLike, result: CompareResult, value: number, sel: KeySelector = {}): Compare => ({ target, result, ...selectKeys(key, sel), value });
}

/** Compare builders: `compare.modRevision('/a', '=', 42)`. */
export const compare = {
  value: (key: KeyLike, result: CompareResult, value: KeyLike, sel: KeySelector = {}): Compare => ({
    target: 'value',
    result,
    ...selectKeys(key, sel),
    value: toBytes(value),
  }),
  version: numeric('version'),
  createRevision: numeric('createRevision'),
  modRevision: numeric('modRevision'),
  lease: numeric('lease'),
} as const;

export type RangeOpOptions = KeySelector & Omit<RangeRequest, 'key' | 'rangeEnd'>;
export type PutOpOptions = Omit<PutRequest, 'key' | 'value'>;
export type DeleteOpOptions = KeySelector & Omit<DeleteRangeRequest, 'key' | 'rangeEnd'>;

function rangeFields(opts: RangeOpOptions): Omit<RangeRequest, 'key' | 'rangeEnd'> {
  const { prefix: _p, rangeEnd: _r, ...rest } = opts;
  return rest;
}

/** Operation builders for txn branches: `op.put('/a', 'v')`, `op.get('/a')`, `op.delete('/p/', { prefix: true })`. */
export const op = {
  get: (key: KeyLike, opts: RangeOpOptions = {}): RequestOp => ({ type: 'range', ...selectKeys(key, opts), ...rangeFields(opts) }),
  put: (key: KeyLike, value: KeyLike, opts: PutOpOptions = {}): RequestOp => ({ type: 'put', key: toBytes(key), value: toBytes(value), ...opts }),
  delete: (key: KeyLike, opts: DeleteOpOptions = {}): RequestOp => {
    const { prefix: _p, rangeEnd: _r, ...rest } = opts;
    return { type: 'deleteRange', ...selectKeys(key, opts), ...rest };
  },
  txn: (request: TxnRequest): RequestOp => ({ type: 'txn', ...request }),
} as const;

/** A txn as plain data; branches default to empty. */
export function txnRequest(parts: { compare?: readonly Compare[]; success?: readonly RequestOp[]; failure?: readonly RequestOp[] }): TxnRequest {
  return { compare: parts.compare ?? [], success: parts.success ?? [], failure: parts.failure ?? [] };
}

/** Put `value` at `key` only if its modRevision is `expectedModRevision` (0: only if absent); else read it. */
export function casPutRequest(key: KeyLike, expectedModRevision: number, value: KeyLike, opts: PutOpOptions = {}): TxnRequest {
  return txnRequest({
    compare: [compare.modRevision(key, '=', expectedModRevision)],
    success: [op.put(key, value, opts)],
    failure: [op.get(key)],
  });
}

/** Delete `key` only if its modRevision is `expectedModRevision`; else read it. */
export function casDeleteRequest(key: KeyLike, expectedModRevision: number, opts: { prevKv?: boolean } = {}): TxnRequest {
  return txnRequest({
    compare: [compare.modRevision(key, '=', expectedModRevision)],
    success: [op.delete(key, opts)],
    failure: [op.get(key)],
  });
}
