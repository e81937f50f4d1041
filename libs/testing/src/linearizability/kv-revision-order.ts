// Cross-key revision checks that a per-key partition cannot see. etcd numbers every write txn with
// the next revision of one global counter in commit order, so in a linearizable store:
//  - two successful writes never share a revision (each op here writes one key in its own txn);
//  - a write that starts after another operation returned has a higher revision than any revision
//    that operation wrote or observed (real-time order implies commit order).

import { isPending, returnTimeOf, type Operation } from './history.js';
import type { KvInput, KvOutput, KvRecord } from './kv-types.js';
import { describeKvOperation } from './kv-model.js';

export type KvOperation = Operation<KvInput, KvOutput>;

export type RevisionOrderViolation =
  | { readonly type: 'duplicate-revision'; readonly revision: number; readonly first: KvOperation; readonly second: KvOperation; readonly explanation: string }
  | { readonly type: 'revision-order'; readonly earlier: KvOperation; readonly later: KvOperation; readonly explanation: string };

/** Violations in time order; empty when the revisions are consistent. At most `limit` are reported. */
export function checkKvRevisionOrder(history: readonly KvOperation[], limit = 10): RevisionOrderViolation[] {
  const violations: RevisionOrderViolation[] = [];
  const writes = history
    .filter((op) => !isPending(op) && writeRevision(op) !== undefined)
    .sort((a, b) => a.callTime - b.callTime);
  findDuplicates(writes, violations, limit);
  const finished = history.filter((op) => !isPending(op) && highestRevision(op) !== undefined).sort((a, b) => returnTimeOf(a) - returnTimeOf(b));
  let next = 0;
  let highest: { revision: number; op: KvOperation } | undefined;
  for (const write of writes) {
    if (violations.length >= limit) break;
    while (next < finished.length && returnTimeOf(finished[next]!) < write.callTime) {
      const op = finished[next++]!;
      const revision = highestRevision(op)!;
      if (highest === undefined || revision > highest.revision) highest = { revision, op };
    }
    const revision = writeRevision(write)!;
    if (highest !== undefined && revision <= highest.revision) {
      violations.push({
        type: 'revision-order',
        earlier: highest.op,
        later: write,
        explanation: `${describe(write)} wrote revision ${revision}, but it started after ${describe(highest.op)} had returned revision ${highest.revision}`,
      });
    }
  }
  return violations;
}

function findDuplicates(writes: readonly KvOperation[], violations: RevisionOrderViolation[], limit: number): void {
  const byRevision = new Map<number, KvOperation>();
  for (const op of writes) {
    const revision = writeRevision(op)!;
    const first = byRevision.get(revision);
    if (first === undefined) {
      byRevision.set(revision, op);
      continue;
    }
    if (violations.length >= limit) return;
    const explanation = `${describe(first)} and ${describe(op)} both wrote revision ${revision}`;
    violations.push({ type: 'duplicate-revision', revision, first, second: op, explanation });
  }
}

/** The revision a returned operation wrote, if it wrote and revealed one. */
export function writeRevision(op: KvOperation): number | undefined {
  const output = op.output;
  if (output === undefined || isPending(op)) return undefined;
  if (output.type !== 'txn') return writtenBy(output);
  if (op.input.type !== 'txn') return undefined;
  const branch = output.succeeded ? op.input.success : op.input.failure;
  return branch.type === 'put' || branch.type === 'delete' ? writtenBy(output.response) : undefined;
}

function writtenBy(output: KvOutput | undefined): number | undefined {
  if (output === undefined) return undefined;
  if (output.type === 'put') return output.revision;
  if (output.type === 'delete') return output.deleted === 1 ? output.revision : undefined;
  return undefined;
}

/** The highest revision a returned operation wrote or observed. */
function highestRevision(op: KvOperation): number | undefined {
  const seen = [writeRevision(op), ...observedRecords(op.output).map((kv) => kv.modRevision)].filter((r): r is number => r !== undefined);
  return seen.length === 0 ? undefined : Math.max(...seen);
}

function observedRecords(output: KvOutput | undefined): KvRecord[] {
  if (output === undefined) return [];
  switch (output.type) {
    case 'get':
      return output.kv === null ? [] : [output.kv];
    case 'put':
    case 'delete':
      return output.prevKv === undefined || output.prevKv === null ? [] : [output.prevKv];
    case 'txn':
      return observedRecords(output.response);
  }
}

function describe(op: KvOperation): string {
  return `client ${String(op.clientId)} [${op.callTime}, ${returnTimeOf(op)}] ${describeKvOperation(op.input, op.output)}`;
}
