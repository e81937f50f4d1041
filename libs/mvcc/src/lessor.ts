// Leases (etcd lease/lessor.go) as pure data. Time is never read here: every deadline comes from
// a command's nowMs, which the leader stamped and the log replicated, so all members agree on
// which leases are expired. The leader asks expired(nowMs) and proposes leaseRevoke commands.

import { fault, MvccErrorCode, type MvccFault } from './errors.js';
import type { LeaseId, LeaseStatus } from './types.js';

/** etcd MaxLeaseTTL: 9,000,000,000 seconds. */
export const MAX_LEASE_TTL_SECONDS = 9_000_000_000;

export interface Lease {
  readonly id: LeaseId;
  readonly ttlSeconds: number;
  deadlineMs: number;
  /** Attached keys (binary strings). */
  readonly keys: Set<string>;
}

export class Lessor {
  private readonly leases = new Map<LeaseId, Lease>();
  /** Next candidate for an auto-assigned id; replicated, so every member picks the same. */
  nextId = 1;

  constructor(private readonly minTtlSeconds: number) {}

  get size(): number {
    return this.leases.size;
  }

  get(id: LeaseId): Lease | undefined {
    return this.leases.get(id);
  }

  /** Grants a lease; id 0 picks the smallest free id >= nextId. TTLs below the minimum are raised (etcd). */
  grant(requestedId: LeaseId, ttlSeconds: number, nowMs: number): Lease | MvccFault {
    if (ttlSeconds > MAX_LEASE_TTL_SECONDS) return fault(MvccErrorCode.LeaseTtlTooLarge, `lease TTL ${ttlSeconds}s exceeds ${MAX_LEASE_TTL_SECONDS}s`);
    if (requestedId !== 0 && this.leases.has(requestedId)) return fault(MvccErrorCode.LeaseExists, `lease ${requestedId} already exists`);
    const id = requestedId !== 0 ? requestedId : this.freeId();
    const ttl = Math.max(ttlSeconds, this.minTtlSeconds);
    const lease: Lease = { id, ttlSeconds: ttl, deadlineMs: nowMs + ttl * 1000, keys: new Set() };
    this.leases.set(id, lease);
    return lease;
  }

  /** Removes the lease and returns it (the caller deletes its keys). */
  remove(id: LeaseId): Lease | undefined {
    const lease = this.leases.get(id);
    if (lease !== undefined) this.leases.delete(id);
    return lease;
  }

  /** Refreshes the deadline to nowMs + ttl. An expired lease is not revived (etcd Renew). */
  keepAlive(id: LeaseId, nowMs: number): Lease | MvccFault {
    const lease = this.leases.get(id);
    if (lease === undefined || lease.deadlineMs <= nowMs) return fault(MvccErrorCode.LeaseNotFound, `lease ${id} not found or expired`);
    lease.deadlineMs = nowMs + lease.ttlSeconds * 1000;
    return lease;
  }

  /** etcd lessor.Promote: every deadline becomes nowMs + ttl + extendMs. */
  promote(nowMs: number, extendMs: number): number {
    for (const lease of this.leases.values()) lease.deadlineMs = nowMs + lease.ttlSeconds * 1000 + extendMs;
    return this.leases.size;
  }

  attach(id: LeaseId, key: string): void {
    this.leases.get(id)?.keys.add(key);
  }

  detach(id: LeaseId, key: string): void {
    this.leases.get(id)?.keys.delete(key);
  }

  /** Leases whose deadline is at or before nowMs, earliest deadline first (ties by id), at most limit. */
  expired(nowMs: number, limit: number): LeaseId[] {
    const due: Lease[] = [];
    for (const lease of this.leases.values()) if (lease.deadlineMs <= nowMs) due.push(lease);
    due.sort((a, b) => a.deadlineMs - b.deadlineMs || a.id - b.id);
    return due.slice(0, limit).map((l) => l.id);
  }

  list(): LeaseStatus[] {
    return [...this.leases.values()]
      .sort((a, b) => a.id - b.id)
      .map((l) => ({ id: l.id, ttlSeconds: l.ttlSeconds, deadlineMs: l.deadlineMs, keyCount: l.keys.size }));
  }

  /** Every lease in id order (snapshots). */
  all(): Lease[] {
    return [...this.leases.values()].sort((a, b) => a.id - b.id);
  }

  /** Restores a lease as it was (snapshots); keys are attached afterwards. */
  load(id: LeaseId, ttlSeconds: number, deadlineMs: number): void {
    this.leases.set(id, { id, ttlSeconds, deadlineMs, keys: new Set() });
  }

  private freeId(): LeaseId {
    let id = this.nextId;
    while (this.leases.has(id)) id++;
    this.nextId = id + 1;
    return id;
  }
}
