// Range reads (etcd mvcc kvstore_txn.go rangeKeys): keys of a span in byte order, at the newest
// state or at a past revision, with limit, count, keysOnly and countOnly.

import { emptyBytes, toSpan } from './bytes.js';
import type { Core } from './core.js';
import { compactedFault, fault, MvccErrorCode, type MvccFault } from './errors.js';
import { kvAt } from './key-index.js';
import type { KeyValue, RangeRequest } from './types.js';

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
 */
export function readRange(core: Core, req: RangeRequest): RangeResult | MvccFault {
  const revision = req.revision ?? 0;
  if (revision > 0) {
    const f = checkLocalRevision(core, revision);
    if (f !== undefined) return f;
  }
  const limit = req.limit ?? 0;
  const countOnly = req.countOnly ?? false;
  const keysOnly = req.keysOnly ?? false;
  const kvs: KeyValue[] = [];
  let count = 0;
  core.index.forEachInSpan(toSpan(req.key, req.rangeEnd ?? undefined), (record) => {
    const kv = revision > 0 ? kvAt(record, revision) : record.live;
    if (kv === null) return;
    count++;
    if (countOnly || (limit > 0 && kvs.length >= limit)) return;
    kvs.push(keysOnly ? { ...kv, value: emptyBytes } : kv);
  });
  return { kvs, more: kvs.length < count && !countOnly, count };
}
