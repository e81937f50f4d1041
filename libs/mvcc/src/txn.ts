// Transactions (etcd etcdserver/apply.go applyTxn): compares decide a branch, then that branch's
// ops run in order inside one write txn. As in etcd, the whole decision path (nested txns
// included) is computed from the state before any op runs, then the path is checked, then it is
// executed, so a txn either applies completely or not at all.

import { compareBytes, spanContains, toBinaryString, toSpan, type KeySpan } from './bytes.js';
import type { Core } from './core.js';
import { fault, MvccErrorCode, toErrorResponse, type MvccFault } from './errors.js';
import { checkRevision, readRange } from './reads.js';
import type { Compare, KeyValue, PutRequest, RequestOp, TxnRequest, TxnResponse } from './types.js';
import { NO_LEASE } from './types.js';
import type { WriteTxn } from './write-txn.js';

const ZERO_KV: KeyValue = { key: new Uint8Array(0), value: new Uint8Array(0), createRevision: 0, modRevision: 0, version: 0, lease: 0 };

/** The branch decisions of a txn tree in pre-order, consumed by check and execute in the same order. */
interface PathCursor {
  readonly decisions: boolean[];
  next: number;
}

function compareKv(c: Compare, kv: KeyValue): boolean {
  const d = c.target === 'value' ? compareBytes(kv.value, c.value) : kv[c.target] - c.value;
  switch (c.result) {
    case '=':
      return d === 0;
    case '!=':
      return d !== 0;
    case '<':
      return d < 0;
    case '>':
      return d > 0;
  }
}

/** etcd applyCompare: all keys of the range must pass; no key compares a zero KeyValue, except that a value compare then fails. */
export function evaluateCompare(core: Core, c: Compare): boolean {
  let seen = false;
  let holds = true;
  core.index.forEachInSpan(toSpan(c.key, c.rangeEnd ?? undefined), (record) => {
    const kv = record.live;
    if (kv === null) return;
    seen = true;
    if (!compareKv(c, kv)) holds = false;
    return holds;
  });
  if (!seen) return c.target === 'value' ? false : compareKv(c, ZERO_KV);
  return holds;
}

function collectPath(core: Core, txn: TxnRequest, decisions: boolean[]): void {
  const succeeded = (txn.compare ?? []).every((c) => evaluateCompare(core, c));
  decisions.push(succeeded);
  for (const op of branch(txn, succeeded)) if (op.type === 'txn') collectPath(core, op, decisions);
}

export function txnPath(core: Core, txn: TxnRequest): PathCursor {
  const decisions: boolean[] = [];
  collectPath(core, txn, decisions);
  return { decisions, next: 0 };
}

function branch(txn: TxnRequest, succeeded: boolean): readonly RequestOp[] {
  return (succeeded ? txn.success : txn.failure) ?? [];
}

/** Checks a put against the state before the txn: the lease exists; ignoreValue/ignoreLease need a live key. */
export function checkPut(core: Core, put: PutRequest): MvccFault | undefined {
  const lease = put.lease ?? NO_LEASE;
  if (lease !== NO_LEASE && put.ignoreLease !== true && core.lessor.get(lease) === undefined) {
    return fault(MvccErrorCode.LeaseNotFound, `lease ${lease} not found`);
  }
  if ((put.ignoreValue === true || put.ignoreLease === true) && core.index.latest(toBinaryString(put.key)) === undefined) {
    return fault(MvccErrorCode.KeyNotFound, 'key not found (ignoreValue/ignoreLease need an existing key)');
  }
  return undefined;
}

function checkOps(core: Core, ops: readonly RequestOp[], cursor: PathCursor): MvccFault | undefined {
  for (const op of ops) {
    let f: MvccFault | undefined;
    if (op.type === 'put') f = checkPut(core, op);
    else if (op.type === 'range' && (op.revision ?? 0) > 0) f = checkRevision(core, op.revision as number);
    else if (op.type === 'txn') f = checkOps(core, branch(op, cursor.decisions[cursor.next++] as boolean), cursor);
    if (f !== undefined) return f;
  }
  return undefined;
}

/** Checks the ops on the decided path; the cursor is rewound for execution. */
export function checkTxnPath(core: Core, txn: TxnRequest, cursor: PathCursor): MvccFault | undefined {
  cursor.next = 1;
  const f = checkOps(core, branch(txn, cursor.decisions[0] as boolean), cursor);
  cursor.next = 0;
  return f;
}

interface Intervals {
  readonly puts: Set<string>;
  readonly dels: KeySpan[];
}

const duplicate = (): MvccFault => fault(MvccErrorCode.DuplicateKey, 'duplicate key given in txn request');
const inDels = (dels: readonly KeySpan[], key: string): boolean => dels.some((span) => spanContains(span, key));

/**
 * etcd checkIntervals: within one branch (nested txns included) a key is put at most once and
 * never inside a deleted range, so the ops' order inside a revision cannot matter. A key put in
 * both branches of a nested txn is fine: only one branch runs.
 */
export function checkIntervals(ops: readonly RequestOp[]): Intervals | MvccFault {
  const dels: KeySpan[] = [];
  for (const op of ops) if (op.type === 'deleteRange') dels.push(toSpan(op.key, op.rangeEnd ?? undefined));
  const puts = new Set<string>();
  for (const op of ops) {
    if (op.type !== 'txn') continue;
    const then = checkIntervals(op.success ?? []);
    if (!('puts' in then)) return then;
    const otherwise = checkIntervals(op.failure ?? []);
    if (!('puts' in otherwise)) return otherwise;
    for (const key of then.puts) {
      if (puts.has(key) || inDels(dels, key)) return duplicate();
      puts.add(key);
    }
    for (const key of otherwise.puts) {
      if ((puts.has(key) && !then.puts.has(key)) || inDels(dels, key)) return duplicate();
      puts.add(key);
    }
    dels.push(...then.dels, ...otherwise.dels);
  }
  for (const op of ops) {
    if (op.type !== 'put') continue;
    const key = toBinaryString(op.key);
    if (puts.has(key) || inDels(dels, key)) return duplicate();
    puts.add(key);
  }
  return { puts, dels };
}

/** Op responses are built with revision 0 and stamped once the txn knows its final revision. */
type Stampable = { revision: number };
type TxnOpResult = TxnResponse['responses'][number];

function executeOp(core: Core, w: WriteTxn, op: RequestOp, cursor: PathCursor, stamp: Stampable[]): TxnOpResult {
  let r: TxnOpResult;
  switch (op.type) {
    case 'range': {
      const read = readRange(core, op, w.changed);
      // A fault here only happens on a member restored without history (the path check passed).
      if (!('kvs' in read)) return toErrorResponse(read, core.revision);
      r = { type: 'range', revision: 0, kvs: read.kvs, more: read.more, count: read.count };
      break;
    }
    case 'put': {
      const prev = w.put(op);
      r = op.prevKv === true && prev !== undefined ? { type: 'put', revision: 0, prevKv: prev } : { type: 'put', revision: 0 };
      break;
    }
    case 'deleteRange': {
      const prevKvs = w.deleteRange(op);
      r = op.prevKv === true ? { type: 'deleteRange', revision: 0, deleted: prevKvs.length, prevKvs } : { type: 'deleteRange', revision: 0, deleted: prevKvs.length };
      break;
    }
    case 'txn':
      r = executeTxnNode(core, w, op, cursor, stamp);
      break;
  }
  stamp.push(r as Stampable);
  return r;
}

function executeTxnNode(core: Core, w: WriteTxn, txn: TxnRequest, cursor: PathCursor, stamp: Stampable[]): TxnResponse {
  const succeeded = cursor.decisions[cursor.next++] as boolean;
  const responses = branch(txn, succeeded).map((op) => executeOp(core, w, op, cursor, stamp));
  return { type: 'txn', revision: 0, succeeded, responses };
}

/**
 * Runs the decided path inside w and returns the txn response; every response in the tree
 * reports the revision the txn ends at (call after the path check passed, before w.commit()).
 */
export function executeTxn(core: Core, w: WriteTxn, txn: TxnRequest, cursor: PathCursor): TxnResponse {
  const stamp: Stampable[] = [];
  const top = executeTxnNode(core, w, txn, cursor, stamp);
  const revision = w.resultRevision;
  (top as Stampable).revision = revision;
  for (const r of stamp) r.revision = revision;
  return top;
}

/** A txn that cannot write whichever branch runs (no put or deleteRange anywhere in it). */
export function isReadOnlyTxn(txn: TxnRequest): boolean {
  const ops = [...(txn.success ?? []), ...(txn.failure ?? [])];
  return ops.every((op) => op.type === 'range' || (op.type === 'txn' && isReadOnlyTxn(op)));
}
