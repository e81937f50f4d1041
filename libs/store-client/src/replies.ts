// Boundary checks on what the store sends back (DESIGN.md §3: every receiver validates what it
// decodes). A reply that does not fit is a StoreProtocolError; an mvcc ErrorResponse becomes a
// typed StoreError. Checks are shallow where the data is large (key-values are checked by the
// fields the client reads: keys and revisions).

import type { Envelope } from '@skiff/bus';
import type { ChangeBatch, CommandResponse, ErrorResponse, LeaseStatus, LeaseTimeToLive } from '@skiff/mvcc';
import { fromErrorResponse, StoreProtocolError } from './errors.js';
import type { HistoryReply, MemberStatus } from './protocol.js';

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
const isOptInt = (x: unknown): boolean => x === undefined || x === null || isInt(x);

function expectType(env: Envelope, type: string, operation: string): void {
  if (env.type !== type) throw new StoreProtocolError(`${operation}: expected a ${type} reply, got ${JSON.stringify(env.type)}`);
}

function isErrorResponse(r: Obj): r is Obj & ErrorResponse {
  return r['type'] === 'error' && typeof r['code'] === 'string' && typeof r['message'] === 'string' && isInt(r['revision']) && isOptInt(r['compactRevision']);
}

/** A `store.response` carrying the response of a command of type `commandType`. */
export function commandResponse<T extends CommandResponse>(env: Envelope, commandType: T['type'], operation: string): T {
  expectType(env, 'store.response', operation);
  const r = env['response'];
  if (!isObj(r)) throw new StoreProtocolError(`${operation}: store.response without a response`);
  if (r['type'] === 'error') {
    if (!isErrorResponse(r)) throw new StoreProtocolError(`${operation}: malformed error response`);
    throw fromErrorResponse(r);
  }
  if (r['type'] !== commandType || !isInt(r['revision'])) {
    throw new StoreProtocolError(`${operation}: expected a ${commandType} response, got ${JSON.stringify(r['type'])}`);
  }
  return r as unknown as T;
}

function isKeyValue(x: unknown): boolean {
  return isObj(x) && x['key'] instanceof Uint8Array && isInt(x['modRevision']);
}

function isEvent(x: unknown): boolean {
  return isObj(x) && (x['type'] === 'PUT' || x['type'] === 'DELETE') && isKeyValue(x['kv']) && (x['prevKv'] === undefined || x['prevKv'] === null || isKeyValue(x['prevKv']));
}

export function isChangeBatch(x: unknown): x is ChangeBatch {
  return isObj(x) && isInt(x['revision']) && (x['revision'] as number) > 0 && Array.isArray(x['events']) && (x['events'] as unknown[]).every(isEvent);
}

/** The batches of a `store.events` message, or undefined when it is not one. */
export function eventsBatches(env: Envelope): readonly ChangeBatch[] | undefined {
  const batches = env['batches'];
  if (env.type !== 'store.events' || !Array.isArray(batches) || !batches.every(isChangeBatch)) return undefined;
  return batches;
}

export function historyReply(env: Envelope): HistoryReply {
  expectType(env, 'store.history', 'store.history');
  const batches = env['batches'];
  if (!Array.isArray(batches) || !batches.every(isChangeBatch) || !isInt(env['revision']) || !isOptInt(env['compactRevision'])) {
    throw new StoreProtocolError('store.history: malformed reply');
  }
  for (let i = 1; i < batches.length; i++) {
    if ((batches[i] as ChangeBatch).revision <= (batches[i - 1] as ChangeBatch).revision) throw new StoreProtocolError('store.history: batches out of revision order');
  }
  return env as unknown as HistoryReply;
}

export function memberStatus(env: Envelope): MemberStatus {
  expectType(env, 'store.status', 'store.status');
  const ok =
    typeof env['member'] === 'string' &&
    Array.isArray(env['members']) &&
    (env['members'] as unknown[]).every((m) => typeof m === 'string') &&
    typeof env['role'] === 'string' &&
    (env['leader'] === null || typeof env['leader'] === 'string') &&
    ['term', 'commitIndex', 'appliedIndex', 'revision', 'compactRevision', 'keys'].every((f) => isInt(env[f]));
  if (!ok) throw new StoreProtocolError('store.status: malformed reply');
  return env as unknown as MemberStatus;
}

export function leaseTimeToLiveReply(env: Envelope): LeaseTimeToLive {
  expectType(env, 'store.leaseTimeToLive', 'store.leaseTimeToLive');
  const lease = env['lease'];
  const ok = isObj(lease) && isInt(lease['id']) && isInt(lease['ttlSeconds']) && isInt(lease['grantedTtlSeconds']) && Array.isArray(lease['keys']);
  if (!ok) throw new StoreProtocolError('store.leaseTimeToLive: malformed reply');
  return lease as unknown as LeaseTimeToLive;
}

export function leasesReply(env: Envelope): readonly LeaseStatus[] {
  expectType(env, 'store.leases', 'store.leases');
  const leases = env['leases'];
  if (!Array.isArray(leases) || !leases.every((l) => isObj(l) && isInt(l['id']) && isInt(l['ttlSeconds']))) {
    throw new StoreProtocolError('store.leases: malformed reply');
  }
  return leases as LeaseStatus[];
}
