// One handler per command type. Each gets a command that passed checkCommand(), checks what
// depends on the state, then changes the state completely or not at all.

import type { Core } from './core.js';
import { compactedFault, fault, MvccErrorCode, toErrorResponse, type ErrorResponse, type MvccFault } from './errors.js';
import { readRange, checkRevision } from './reads.js';
import { checkIntervals, checkPut, checkTxnPath, executeTxn, txnPath } from './txn.js';
import type {
  ChangeBatch,
  Command,
  CommandResponse,
  CompactCommand,
  DeleteRangeCommand,
  LeaseGrantCommand,
  LeaseKeepAliveCommand,
  LeasePromoteCommand,
  LeaseRevokeCommand,
  PutCommand,
  RangeCommand,
  TxnCommand,
} from './types.js';
import { WriteTxn } from './write-txn.js';

export interface ApplyResult {
  readonly response: CommandResponse | ErrorResponse;
  /** The events of the write, when the command changed the keyspace (publish them on store.events). */
  readonly change?: ChangeBatch;
}

function failed(core: Core, f: MvccFault): ApplyResult {
  return { response: toErrorResponse(f, core.revision) };
}

function committed(w: WriteTxn, response: CommandResponse): ApplyResult {
  const change = w.commit();
  return change === undefined ? { response } : { response, change };
}

function applyRange(core: Core, cmd: RangeCommand): ApplyResult {
  const r = readRange(core, cmd);
  if (!('kvs' in r)) return failed(core, r);
  return { response: { type: 'range', revision: core.revision, kvs: r.kvs, more: r.more, count: r.count } };
}

function applyPut(core: Core, cmd: PutCommand): ApplyResult {
  const f = checkPut(core, cmd);
  if (f !== undefined) return failed(core, f);
  const w = new WriteTxn(core);
  const prev = w.put(cmd);
  return committed(w, cmd.prevKv === true && prev !== undefined ? { type: 'put', revision: w.rev, prevKv: prev } : { type: 'put', revision: w.rev });
}

function applyDeleteRange(core: Core, cmd: DeleteRangeCommand): ApplyResult {
  const w = new WriteTxn(core);
  const prevKvs = w.deleteRange(cmd);
  const revision = w.resultRevision;
  return committed(w, cmd.prevKv === true ? { type: 'deleteRange', revision, deleted: prevKvs.length, prevKvs } : { type: 'deleteRange', revision, deleted: prevKvs.length });
}

function applyTxn(core: Core, cmd: TxnCommand): ApplyResult {
  const intervals = [checkIntervals(cmd.success ?? []), checkIntervals(cmd.failure ?? [])];
  for (const r of intervals) if (!('puts' in r)) return failed(core, r);
  const cursor = txnPath(core, cmd);
  const f = checkTxnPath(core, cmd, cursor);
  if (f !== undefined) return failed(core, f);
  const w = new WriteTxn(core);
  const response = executeTxn(core, w, cmd, cursor);
  return committed(w, response);
}

function applyLeaseGrant(core: Core, cmd: LeaseGrantCommand): ApplyResult {
  const lease = core.lessor.grant(cmd.id ?? 0, cmd.ttlSeconds, cmd.nowMs);
  if (!('keys' in lease)) return failed(core, lease);
  return { response: { type: 'leaseGrant', revision: core.revision, id: lease.id, ttlSeconds: lease.ttlSeconds } };
}

/** Revokes the lease and deletes all its keys in one revision, in key order (etcd lessor.Revoke). */
function applyLeaseRevoke(core: Core, cmd: LeaseRevokeCommand): ApplyResult {
  const lease = core.lessor.remove(cmd.id);
  if (lease === undefined) return failed(core, fault(MvccErrorCode.LeaseNotFound, `lease ${cmd.id} not found`));
  const w = new WriteTxn(core);
  for (const key of [...lease.keys].sort()) w.deleteKey(key);
  return committed(w, { type: 'leaseRevoke', revision: w.resultRevision });
}

function applyLeaseKeepAlive(core: Core, cmd: LeaseKeepAliveCommand): ApplyResult {
  const lease = core.lessor.keepAlive(cmd.id, cmd.nowMs);
  if (!('keys' in lease)) return failed(core, lease);
  return { response: { type: 'leaseKeepAlive', revision: core.revision, id: lease.id, ttlSeconds: lease.ttlSeconds } };
}

function applyLeasePromote(core: Core, cmd: LeasePromoteCommand): ApplyResult {
  const leases = core.lessor.promote(cmd.nowMs, cmd.extendMs ?? 0);
  return { response: { type: 'leasePromote', revision: core.revision, leases } };
}

/** etcd kvstore.Compact: revisions <= the current compact revision are refused, as are future ones. */
function applyCompact(core: Core, cmd: CompactCommand): ApplyResult {
  if (cmd.revision <= core.compactRevision) return failed(core, compactedFault(core.compactRevision));
  const f = checkRevision(core, cmd.revision);
  if (f !== undefined) return failed(core, f);
  core.compactRevision = cmd.revision;
  core.historyFloor = Math.max(core.historyFloor, cmd.revision);
  core.index.compact(cmd.revision);
  core.history.dropThrough(cmd.revision);
  return { response: { type: 'compact', revision: core.revision } };
}

export function executeCommand(core: Core, cmd: Command): ApplyResult {
  switch (cmd.type) {
    case 'range':
      return applyRange(core, cmd);
    case 'put':
      return applyPut(core, cmd);
    case 'deleteRange':
      return applyDeleteRange(core, cmd);
    case 'txn':
      return applyTxn(core, cmd);
    case 'leaseGrant':
      return applyLeaseGrant(core, cmd);
    case 'leaseRevoke':
      return applyLeaseRevoke(core, cmd);
    case 'leaseKeepAlive':
      return applyLeaseKeepAlive(core, cmd);
    case 'leasePromote':
      return applyLeasePromote(core, cmd);
    case 'compact':
      return applyCompact(core, cmd);
  }
}
