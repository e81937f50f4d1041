// The checks at the end of a run: convergence after healing (liveness), linearizability of the
// history (per key, with cross-key revision order), and lease semantics on the final state.

import type { KeyValue, LeaseStatus, MvccStore, RangeResponse } from '@skiff/mvcc';
import type { StoreMember } from '@skiff/store';
import { checkKvRevisionOrder, checkLinearizability, kvModel } from '@skiff/testing';
import type { KvOp } from './sim-history.js';
import { ALL_KEYS } from './sim-invariants.js';
import type { SimCluster } from './sim-cluster.js';
import type { LeaseRecord } from './sim-workload.js';

export { ALL_KEYS };

const text = new TextDecoder();

export function describeKeyspace(kvs: readonly KeyValue[]): string {
  return kvs.map((kv) => `${text.decode(kv.key)}=${text.decode(kv.value)}@${kv.createRevision}/${kv.modRevision}/v${kv.version}/l${kv.lease}`).join(' ');
}

function describeLeases(leases: readonly LeaseStatus[]): string {
  return leases.map((l) => `${l.id}:${l.ttlSeconds}s@${l.deadlineMs}#${l.keyCount}`).join(' ');
}

export function keyspaceOf(mvcc: MvccStore): string {
  return describeKeyspace((mvcc.range(ALL_KEYS) as RangeResponse).kvs);
}

/**
 * Why the cluster has not converged yet, or null when it has: every member up, one leader whom all
 * follow in its term, everything committed applied everywhere, and the same keyspace and leases.
 */
export function convergenceProblem(cluster: SimCluster): string | null {
  if (!cluster.allUp) return `members down: ${cluster.down.join(', ') || '(starting)'}`;
  const members = cluster.running;
  const leaders = members.filter((m) => m.role === 'leader');
  if (leaders.length !== 1) return `${leaders.length} leaders (${leaders.map((m) => `${m.name}@${m.term}`).join(', ')})`;
  const leader = leaders[0]!;
  const want = leader.status();
  for (const m of members) {
    const st = m.status();
    if (st.term !== want.term || st.leader !== leader.name) return `${m.name} is in term ${st.term} following ${st.leader ?? 'nobody'}; ${leader.name} leads term ${want.term}`;
    if (st.commitIndex !== want.commitIndex || st.appliedIndex !== want.commitIndex) {
      return `${m.name} committed ${st.commitIndex} and applied ${st.appliedIndex}; the leader committed ${want.commitIndex}`;
    }
    if (st.revision !== want.revision) return `${m.name} is at revision ${st.revision}, the leader at ${want.revision}`;
  }
  return sameState(leader, members);
}

function sameState(leader: StoreMember, members: readonly StoreMember[]): string | null {
  const keys = keyspaceOf(leader.mvcc);
  const leases = describeLeases(leader.mvcc.leases());
  for (const m of members) {
    if (keyspaceOf(m.mvcc) !== keys) return `${m.name}'s keys differ from the leader's:\n  ${keyspaceOf(m.mvcc)}\n  ${keys}`;
    if (describeLeases(m.mvcc.leases()) !== leases) return `${m.name}'s leases differ from the leader's: ${describeLeases(m.mvcc.leases())} vs ${leases}`;
  }
  return null;
}

export interface HistoryVerdict {
  readonly problem: string | null;
  readonly operations: number;
  /** The checker's budget ran out: neither verdict holds. */
  readonly inconclusive: string | null;
}

export function checkHistory(ops: readonly KvOp[], maxSteps: number): HistoryVerdict {
  const order = checkKvRevisionOrder(ops);
  if (order.length > 0) return { problem: `revision order: ${order.map((v) => v.explanation).join('; ')}`, operations: ops.length, inconclusive: null };
  const result = checkLinearizability(kvModel, ops, { maxSteps });
  if (result.type === 'illegal') return { problem: `not linearizable: ${result.failure.explanation}`, operations: ops.length, inconclusive: null };
  return { problem: null, operations: ops.length, inconclusive: result.type === 'unknown' ? result.explanation : null };
}

/** Why some lease is still there (with or without keys), or null when every member has none left. */
export function leftoverLease(members: readonly StoreMember[]): string | null {
  for (const m of members) {
    const leases = m.mvcc.leases();
    if (leases.length > 0) return `${m.name} still holds leases ${describeLeases(leases)}`;
    const attached = (m.mvcc.range(ALL_KEYS) as RangeResponse).kvs.filter((kv) => kv.lease !== 0);
    if (attached.length > 0) return `${m.name} still has keys attached to leases: ${describeKeyspace(attached)}`;
  }
  return null;
}

/**
 * Leases on a converged cluster (checked on every member): a revoked lease is gone with its keys,
 * and every key attached to a lease belongs to a lease that exists.
 */
export function leaseProblem(members: readonly StoreMember[], leases: readonly LeaseRecord[]): string | null {
  for (const m of members) {
    const live = new Set(m.mvcc.leases().map((l) => l.id));
    for (const lease of leases.filter((l) => l.state === 'revoked')) {
      if (live.has(lease.id)) return `${m.name} still holds lease ${lease.id}, revoked by ${lease.owner}`;
      const left = lease.keys.filter((k) => ((m.mvcc.range({ key: new TextEncoder().encode(k) }) as RangeResponse).kvs.length > 0));
      if (left.length > 0) return `${m.name} still has ${left.join(', ')} of revoked lease ${lease.id}`;
    }
    const orphans = (m.mvcc.range(ALL_KEYS) as RangeResponse).kvs.filter((kv) => kv.lease !== 0 && !live.has(kv.lease));
    if (orphans.length > 0) return `${m.name} has keys attached to leases that do not exist: ${describeKeyspace(orphans)}`;
  }
  return null;
}
