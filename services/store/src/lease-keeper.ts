// Lease expiry is the leader's job, through the log (etcd lessor): a new leader first proposes
// leasePromote (every deadline restarts from its clock, so the election gap expires nobody), and
// once that is applied in its term, it proposes a leaseRevoke for each lease its clock says has
// expired, every check interval. Followers never revoke on their own.

import type { Command, MvccStore } from '@skiff/mvcc';
import type { Outcome } from './outcome.js';

export interface LeaseKeeperPort {
  readonly mvcc: MvccStore;
  nowMs(): number;
  /** Leads now, in `term`. */
  leadsIn(term: number): boolean;
  propose(command: Command, done: (outcome: Outcome) => void): void;
}

const REVOKES_PER_CHECK_MAX = 256;

export class LeaseKeeper {
  /** The term whose leasePromote was applied; expiry runs only then. */
  private promotedTerm = -1;
  private readonly revoking = new Set<number>();

  constructor(
    private readonly port: LeaseKeeperPort,
    /** Added to every deadline on promotion (etcd extends by about an election timeout). */
    private readonly extendMs: number,
  ) {}

  becameLeader(term: number): void {
    this.revoking.clear();
    this.port.propose({ type: 'leasePromote', nowMs: this.port.nowMs(), extendMs: this.extendMs }, (outcome) => {
      if (outcome.ok && outcome.response.type === 'leasePromote') this.promotedTerm = term;
    });
  }

  steppedDown(): void {
    this.revoking.clear();
  }

  /** Proposes a revoke for each expired lease not being revoked already. */
  check(term: number): void {
    if (this.promotedTerm !== term || !this.port.leadsIn(term)) return;
    const nowMs = this.port.nowMs();
    for (const id of this.port.mvcc.expiredLeases(nowMs, REVOKES_PER_CHECK_MAX)) {
      if (this.revoking.has(id)) continue;
      this.revoking.add(id);
      this.port.propose({ type: 'leaseRevoke', id, nowMs }, () => this.revoking.delete(id));
    }
  }
}
