// One write transaction: every change it makes shares one revision (core.revision + 1) and gets
// the next sub-revision, so a txn with several puts is one revision (etcd storeTxnWrite). The
// revision is bumped and the events recorded only at commit, and only if something changed.
// Callers validate first: nothing in here can fail halfway.

import { emptyBytes, toBinaryString, toSpan } from './bytes.js';
import type { Core } from './core.js';
import type { Version } from './key-index.js';
import { EventType, NO_LEASE, type ChangeBatch, type DeleteRangeRequest, type KeyValue, type MvccEvent, type PutRequest } from './types.js';

export class WriteTxn {
  readonly rev: number;
  private sub = 0;
  private readonly events: MvccEvent[] = [];

  constructor(private readonly core: Core) {
    this.rev = core.revision + 1;
  }

  /** Applies a validated put; returns the previous live version, if any. */
  put(req: PutRequest): KeyValue | undefined {
    const { index, lessor } = this.core;
    const key = toBinaryString(req.key);
    const record = index.get(key);
    const prev = record?.live ?? undefined;
    // ignoreValue / ignoreLease were checked to have a live key.
    const value = req.ignoreValue === true && prev !== undefined ? prev.value : req.value.slice();
    const lease = req.ignoreLease === true && prev !== undefined ? prev.lease : (req.lease ?? NO_LEASE);
    const kv: KeyValue = {
      key: record?.key ?? req.key.slice(),
      value,
      createRevision: prev?.createRevision ?? this.rev,
      modRevision: this.rev,
      version: (prev?.version ?? 0) + 1,
      lease,
    };
    index.append(key, kv.key, this.version(kv));
    if (prev !== undefined && prev.lease !== lease) lessor.detach(prev.lease, key);
    if (lease !== NO_LEASE) lessor.attach(lease, key);
    this.events.push(prev === undefined ? { type: EventType.Put, kv } : { type: EventType.Put, kv, prevKv: prev });
    return prev;
  }

  /** Deletes every live key of the range in key order; returns their last versions. */
  deleteRange(req: DeleteRangeRequest): KeyValue[] {
    const live: string[] = [];
    this.core.index.forEachInSpan(toSpan(req.key, req.rangeEnd ?? undefined), (record) => {
      if (record.live !== null) live.push(record.name);
    });
    return live.map((key) => this.deleteKey(key) as KeyValue);
  }

  /** Deletes one key (binary string) if live; returns its last version. */
  deleteKey(key: string): KeyValue | undefined {
    const { index, lessor } = this.core;
    const prev = index.latest(key);
    if (prev === undefined) return undefined;
    index.append(key, prev.key, this.version(null));
    if (prev.lease !== NO_LEASE) lessor.detach(prev.lease, key);
    const kv: KeyValue = { key: prev.key, value: emptyBytes, createRevision: 0, modRevision: this.rev, version: 0, lease: NO_LEASE };
    this.events.push({ type: EventType.Delete, kv, prevKv: prev });
    return prev;
  }

  get changed(): boolean {
    return this.events.length > 0;
  }

  /** The revision the txn's responses report: the new one if it wrote, else the current one. */
  get resultRevision(): number {
    return this.changed ? this.rev : this.core.revision;
  }

  /** Makes the writes the new revision and records their events; undefined if nothing changed. */
  commit(): ChangeBatch | undefined {
    if (!this.changed) return undefined;
    const batch: ChangeBatch = { revision: this.rev, events: this.events };
    this.core.revision = this.rev;
    this.core.history.append(batch);
    return batch;
  }

  private version(kv: KeyValue | null): Version {
    return { rev: this.rev, sub: this.sub++, kv };
  }
}
