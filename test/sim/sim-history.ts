// The history the linearizability checker reads: each client operation with its call and return
// times on the simulated clock, in the KV model's terms (@skiff/testing kv-types.ts). An operation
// whose outcome is unknown (the call gave up, the client closed) is pending: it may take effect at
// any time after its call, or never. One known not to have taken effect is discarded.

import type { KvDeleteOutput, KvGetOutput, KvInput, KvOutput, KvPutOutput, KvRecord, Operation } from '@skiff/testing';
import type { Clock } from '@skiff/core';
import type { DeleteRangeResponse, KeyValue, PutResponse, RangeResponse, TxnResponse } from '@skiff/mvcc';
import type { SimTrace } from './sim-trace.js';
import { describeKvOperation } from '@skiff/testing';

export type KvOp = Operation<KvInput, KvOutput>;

interface OpenCall {
  readonly clientId: string;
  readonly input: KvInput;
  readonly callTime: number;
}

export class SimHistory {
  private readonly done: KvOp[] = [];
  private readonly open = new Map<number, OpenCall>();
  private nextId = 0;
  pendingCount = 0;

  get recorded(): number {
    return this.done.length;
  }

  constructor(
    private readonly clock: Clock,
    private readonly trace: SimTrace,
  ) {}

  call(clientId: string, input: KvInput): number {
    const id = ++this.nextId;
    this.open.set(id, { clientId, input, callTime: this.clock.now() });
    return id;
  }

  ok(id: number, output: KvOutput): void {
    const call = this.take(id);
    this.add({ ...call, output, returnTime: this.clock.now() });
  }

  /** The outcome is unknown: the operation may have taken effect, once, at any time after its call. */
  pending(id: number, why: string): void {
    const call = this.take(id);
    this.add(call, why);
  }

  /** The store refused it: it took no effect, so it is no part of the history. */
  discard(id: number, why: string): void {
    const call = this.take(id);
    this.trace.note('op', `${call.clientId} ${describeKvOperation(call.input, undefined)} refused: ${why}`);
  }

  /** An operation the harness knows of without a client call (a lease revoke or expiry deleting a key). */
  add(op: KvOp, why = ''): void {
    this.done.push(op);
    if (op.returnTime === undefined) this.pendingCount++;
    const span = `[${op.callTime}, ${op.returnTime ?? '?'}]`;
    this.trace.note('op', `${String(op.clientId)} ${span} ${describeKvOperation(op.input, op.output)}${why === '' ? '' : ` (${why})`}`);
  }

  /** Every recorded operation; calls still open count as pending. */
  operations(): KvOp[] {
    for (const id of [...this.open.keys()]) this.pending(id, 'still open at the end');
    return [...this.done];
  }

  private take(id: number): OpenCall {
    const call = this.open.get(id);
    if (call === undefined) throw new Error(`history: no open call ${id}`);
    this.open.delete(id);
    return call;
  }
}

// ---- store responses -> KV model outputs ------------------------------------------------------

const text = new TextDecoder();

export function kvRecord(kv: KeyValue | undefined): KvRecord | null {
  if (kv === undefined) return null;
  return { value: text.decode(kv.value), version: kv.version, createRevision: kv.createRevision, modRevision: kv.modRevision };
}

export function putOutput(r: PutResponse, askedPrevKv: boolean): KvPutOutput {
  return askedPrevKv ? { type: 'put', revision: r.revision, prevKv: kvRecord(r.prevKv) } : { type: 'put', revision: r.revision };
}

export function getOutput(r: RangeResponse): KvGetOutput {
  return { type: 'get', kv: kvRecord(r.kvs[0]) };
}

export function deleteOutput(r: DeleteRangeResponse, askedPrevKv: boolean): KvDeleteOutput {
  const base = { type: 'delete' as const, deleted: r.deleted, revision: r.revision };
  return askedPrevKv ? { ...base, prevKv: kvRecord(r.prevKvs?.[0]) } : base;
}

/** The branch's single op response, in the model's terms (none for an empty branch). */
export function txnOutput(r: TxnResponse): KvOutput {
  const first = r.responses[0];
  if (first === undefined) return { type: 'txn', succeeded: r.succeeded };
  switch (first.type) {
    case 'put':
      return { type: 'txn', succeeded: r.succeeded, response: putOutput(first, false) };
    case 'range':
      return { type: 'txn', succeeded: r.succeeded, response: getOutput(first) };
    case 'deleteRange':
      return { type: 'txn', succeeded: r.succeeded, response: deleteOutput(first, false) };
    default:
      throw new Error(`txn answered with a ${first.type} response`);
  }
}
