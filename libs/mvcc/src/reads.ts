// Range reads (etcd mvcc kvstore_txn.go rangeKeys): keys of a span in byte order, at the newest
// state or at a past revision, with limit, count, keysOnly and countOnly.

import { byteSpanContains, emptyBytes, toByteSpan, toSpan, type KeySpan } from './bytes.js';
import type { Core } from './core.js';
import { compactedFault, fault, MvccErrorCode, type MvccFault } from './errors.js';
import { kvAt } from './key-index.js';
import { EventType, type ChangeBatch, type KeyValue, type RangeRequest } from './types.js';

/** Is `revision` readable by the replicated rules (same answer on every member)? */
export function checkRevision(core: Core, revision: number): MvccFault | undefined {
  if (revision > core.revision) return fault(MvccErrorCode.FutureRevision, `required revision ${revision} is a future revision (current ${core.revision})`);
  if (revision < core.compactRevision) return compactedFault(core.compactRevision);
  return undefined;
}

/** The local rule on top: a member restored without history cannot read below its floor. */
export function checkLocalRevision(core: Core, revision: number): MvccFault | undefined {
  return checkRevision(core, revision) ?? (revision < core.historyFloor ? compactedFault(core.historyFloor) : undefined);
}

export interface RangeResult {
  readonly kvs: KeyValue[];
  readonly more: boolean;
  readonly count: number;
}

/**
 * Reads a range. Revision 0 reads the newest versions, including writes made earlier in the same
 * txn (etcd reads inside a write txn see its own writes); a revision > 0 reads that snapshot.
 * `pendingWrites` says the caller is inside a txn that already wrote (then the newest versions
 * are not those of core.revision).
 */
export function readRange(core: Core, req: RangeRequest, pendingWrites = false): RangeResult | MvccFault {
  const revision = req.revision ?? 0;
  if (revision > 0) {
    const f = checkLocalRevision(core, revision);
    if (f !== undefined) return f;
  }
  const span = toSpan(req.key, req.rangeEnd ?? undefined);
  const newest = revision === 0 || (revision === core.revision && !pendingWrites);
  const limit = req.countOnly === true ? 0 : (req.limit ?? 0);
  const keysOnly = req.keysOnly ?? false;
  if (limit > 0 || req.countOnly === true) {
    if (newest) return readNewestLimited(core, span, limit, keysOnly);
    if (!pendingWrites) {
      const past = readPastLimited(core, req, span, revision, limit, keysOnly);
      if (past !== undefined) return past;
    }
  }
  // A past revision (or no limit): visit every key of the span.
  const kvs: KeyValue[] = [];
  let count = 0;
  core.index.forEachInSpan(span, (record) => {
    const kv = newest ? record.live : kvAt(record, revision);
    if (kv === null) return;
    count++;
    if (req.countOnly === true || (limit > 0 && kvs.length >= limit)) return;
    kvs.push(keysOnly ? { ...kv, value: emptyBytes } : kv);
  });
  return { kvs, more: kvs.length < count && req.countOnly !== true, count };
}

/**
 * A past revision with a limit (a Kubernetes continue page): the count at `revision` is the count
 * now minus the live/dead transitions the retained history recorded since, so only `limit` keys
 * and the newer events are visited. undefined when there are more such events than live keys
 * (then visiting the keys is cheaper).
 */
function readPastLimited(core: Core, req: RangeRequest, span: KeySpan, revision: number, limit: number, keysOnly: boolean): RangeResult | undefined {
  const nowCount = core.index.countLive(span);
  const bytes = toByteSpan(req.key, req.rangeEnd ?? undefined);
  const history = core.history;
  let transitions = 0;
  let scanned = 0;
  for (let i = history.indexFrom(revision + 1); i < history.length; i++) {
    for (const e of (history.at(i) as ChangeBatch).events) {
      if (++scanned > nowCount) return undefined;
      if (!byteSpanContains(bytes, e.kv.key)) continue;
      if (e.type === EventType.Delete) transitions--;
      else if (e.prevKv === undefined) transitions++;
    }
  }
  const kvs: KeyValue[] = [];
  if (limit > 0) {
    core.index.forEachInSpan(span, (record) => {
      const kv = kvAt(record, revision);
      if (kv === null) return;
      kvs.push(keysOnly ? { ...kv, value: emptyBytes } : kv);
      return kvs.length < limit;
    });
  }
  const count = nowCount - transitions;
  return { kvs, more: kvs.length < count && limit > 0, count };
}

/** Newest versions with a limit (or none returned): kvs up to limit, count from the index's block counts. */
function readNewestLimited(core: Core, span: KeySpan, limit: number, keysOnly: boolean): RangeResult {
  const kvs: KeyValue[] = [];
  if (limit > 0) {
    core.index.forEachInSpan(span, (record) => {
      const kv = record.live;
      if (kv === null) return;
      kvs.push(keysOnly ? { ...kv, value: emptyBytes } : kv);
      return kvs.length < limit;
    });
  }
  const count = core.index.countLive(span);
  return { kvs, more: kvs.length < count && limit > 0, count };
}
