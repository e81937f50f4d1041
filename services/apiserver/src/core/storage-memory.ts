// Storage over an in-process MvccStore: the same revisions, CAS txns, history and compaction as
// the replicated store, without Raft or NATS. For unit tests and single-process simulations.
// Watches replay the retained history (changesSince) and then receive every later change batch,
// which apply() hands back synchronously, so nothing committed in between can be missed.

import { MvccErrorCode, MvccStore, fromUtf8, utf8, type ChangeBatch, type Command, type ErrorResponse, type KeyValue, type RangeRequest, type RequestOp } from '@skiff/mvcc';
import { AsyncQueue } from './async-queue.js';
import {
  prefixEnd,
  StorageCompactedError,
  type ListOptions,
  type ListResult,
  type Storage,
  type StorageBatch,
  type StorageKV,
  type StorageWatch,
  type WriteResult,
} from './storage.js';

interface Subscriber {
  readonly prefix: string;
  readonly queue: AsyncQueue<StorageBatch>;
}

export class MemoryStorage implements Storage {
  readonly mvcc: MvccStore;
  private readonly subscribers = new Set<Subscriber>();

  constructor(
    mvcc: MvccStore = new MvccStore(),
    private readonly watchQueueMax = 100_000,
  ) {
    this.mvcc = mvcc;
  }

  async get(key: string, opts: { readonly revision?: number } = {}): Promise<{ kv: StorageKV | undefined; revision: number }> {
    const r = this.read({ key: utf8(key), ...(opts.revision ? { revision: opts.revision } : {}) });
    return { kv: r.kvs[0] === undefined ? undefined : toKV(r.kvs[0]), revision: r.revision };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const r = this.read({
      key: utf8(opts.startKey ?? prefix),
      rangeEnd: utf8(prefixEnd(prefix)),
      ...(opts.limit ? { limit: opts.limit } : {}),
      ...(opts.revision ? { revision: opts.revision } : {}),
    });
    return { kvs: r.kvs.map(toKV), revision: r.revision, more: r.more, remaining: r.count - r.kvs.length };
  }

  async create(key: string, value: Uint8Array): Promise<WriteResult> {
    return this.cas(key, 0, [{ type: 'put', key: utf8(key), value }]);
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<WriteResult> {
    return this.cas(key, expectedModRevision, [{ type: 'put', key: utf8(key), value }]);
  }

  async delete(key: string, expectedModRevision?: number): Promise<WriteResult> {
    if (expectedModRevision === undefined) {
      const r = this.apply({ type: 'deleteRange', key: utf8(key) });
      if (r.type !== 'deleteRange') throw unexpected(r);
      return r.deleted > 0 ? { ok: true, revision: r.revision } : { ok: false, current: undefined };
    }
    return this.cas(key, expectedModRevision, [{ type: 'deleteRange', key: utf8(key) }]);
  }

  watch(prefix: string, fromRevision?: number): StorageWatch {
    const sub: Subscriber = { prefix, queue: new AsyncQueue<StorageBatch>(this.watchQueueMax, { overflow: 'throw', onClose: () => this.subscribers.delete(sub) }) };
    if (fromRevision !== undefined && fromRevision <= this.mvcc.revision) this.replay(sub, fromRevision);
    if (!sub.queue.ended) this.subscribers.add(sub);
    return { [Symbol.asyncIterator]: () => sub.queue[Symbol.asyncIterator](), cancel: () => sub.queue.cancel() };
  }

  async currentRevision(): Promise<number> {
    return this.mvcc.revision;
  }

  /** Test helper: etcd compaction; watches and reads below `revision` then fail. */
  compact(revision: number): void {
    this.apply({ type: 'compact', revision });
  }

  /** Ends every watch with an error (tests of the cache's relist path). */
  breakWatches(error: Error): void {
    for (const s of [...this.subscribers]) s.queue.end(error);
  }

  private replay(sub: Subscriber, fromRevision: number): void {
    let next = fromRevision;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const batches = this.mvcc.changesSince(next);
      if (!Array.isArray(batches)) {
        sub.queue.end(new StorageCompactedError(batches.compactRevision ?? this.mvcc.compactRevision, this.mvcc.revision));
        return;
      }
      if (batches.length === 0) return;
      for (const b of batches) this.deliver(sub, b);
      next = (batches[batches.length - 1] as ChangeBatch).revision + 1;
    }
  }

  private deliver(sub: Subscriber, batch: ChangeBatch): void {
    const events = batch.events
      .map((e) => ({ key: fromUtf8(e.kv.key), e }))
      .filter(({ key }) => key.startsWith(sub.prefix))
      .map(({ key, e }) => (e.type === 'PUT' ? { type: 'put' as const, kv: toKV(e.kv) } : { type: 'delete' as const, key, revision: batch.revision }));
    if (events.length > 0) sub.queue.push({ revision: batch.revision, events });
  }

  private cas(key: string, expected: number, success: readonly RequestOp[]): WriteResult {
    const r = this.apply({
      type: 'txn',
      compare: [{ target: 'modRevision', result: '=', key: utf8(key), value: expected }],
      success,
      failure: [{ type: 'range', key: utf8(key) }],
    });
    if (r.type !== 'txn') throw unexpected(r);
    if (r.succeeded) return { ok: true, revision: r.revision };
    const got = r.responses[0];
    const kv = got !== undefined && got.type === 'range' ? got.kvs[0] : undefined;
    return { ok: false, current: kv === undefined ? undefined : toKV(kv) };
  }

  private apply(command: Command) {
    const { response, change } = this.mvcc.apply(command);
    if (change !== undefined) for (const s of [...this.subscribers]) this.deliver(s, change);
    return response;
  }

  private read(req: RangeRequest) {
    const r = this.mvcc.range(req);
    if (r.type === 'error') throw fromError(r, this.mvcc.compactRevision);
    return r;
  }
}

function toKV(kv: KeyValue): StorageKV {
  return { key: fromUtf8(kv.key), value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision };
}

function fromError(r: ErrorResponse, compactRevision: number): Error {
  if (r.code === MvccErrorCode.Compacted) return new StorageCompactedError(r.compactRevision ?? compactRevision, r.revision);
  return new Error(`store: ${r.code}: ${r.message}`);
}

function unexpected(r: { type: string }): Error {
  return r.type === 'error' ? fromError(r as ErrorResponse, 0) : new Error(`store: unexpected response ${r.type}`);
}
