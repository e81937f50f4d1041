// Safety invariants checked while the simulation runs (Raft Figure 3), on what the members expose:
// - Election Safety: at most one leader per term (every role change, and every check);
// - Log Matching / State Machine Safety: an applied index holds the same entry (term and bytes) on
//   every member, and no member ever rewrites an entry it applied;
// - the replicated state machine is deterministic: members at the same applied index have the
//   same revision and number of live keys;
// - a member applies only what it knows to be committed (applied <= commitIndex).
// A violation throws InvariantError at once, so the failing seed stops where it went wrong.

import type { RangeResponse } from '@skiff/mvcc';
import type { SoftState } from '@skiff/raft';
import type { StoreMember } from '@skiff/store';
import type { WalEntry } from '@skiff/wal';
import { fnv1a, type EntryMark, type RecordedLog } from './recorded-log.js';

/** Every key of the store: [\0, \0) is "all keys >= \0" (etcd's range convention). */
export const ALL_KEYS = { key: Uint8Array.of(0), rangeEnd: Uint8Array.of(0) } as const;

export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

/** One incarnation of a member, as the checker follows it. */
export interface CheckedNode {
  readonly name: string;
  readonly member: StoreMember;
  readonly log: RecordedLog;
  /** Every index up to this one was compared with the committed record. */
  verifiedUpTo: number;
}

export class Invariants {
  private readonly leaderOfTerm = new Map<number, string>();
  private readonly committed = new Map<number, EntryMark>();
  private readonly stateAtIndex = new Map<number, { readonly name: string; readonly state: string }>();
  checks = 0;

  get committedEntries(): number {
    return this.committed.size;
  }

  get termsWithLeader(): number {
    return this.leaderOfTerm.size;
  }

  observeRole(name: string, soft: SoftState): void {
    if (soft.role === 'leader') this.claimLeadership(name, soft.term);
  }

  /** An append that rewrites an applied index must carry the very entry that was applied. */
  beforeAppend(node: CheckedNode, entries: readonly WalEntry[]): void {
    for (const e of entries) {
      if (e.index > node.verifiedUpTo) return;
      const known = this.committed.get(e.index);
      if (known === undefined) continue;
      const mark = { term: e.term, digest: fnv1a(e.data) };
      if (mark.term !== known.term || mark.digest !== known.digest) {
        throw new InvariantError(`${node.name} rewrites applied index ${e.index}: ${describeMark(known)} -> ${describeMark(mark)} (Raft §5.3)`);
      }
    }
  }

  check(nodes: readonly CheckedNode[]): void {
    this.checks++;
    for (const node of nodes) {
      const m = node.member;
      if (m.role === 'leader') this.claimLeadership(node.name, m.term);
      const status = m.status();
      if (status.appliedIndex > status.commitIndex) {
        throw new InvariantError(`${node.name} applied ${status.appliedIndex} beyond its commit index ${status.commitIndex}`);
      }
      this.verifyApplied(node, status.appliedIndex);
      // Live keys, not status.keys: that counts deleted keys until compaction, and a member restored
      // from a snapshot (which carries live keys only) has none of those.
      const live = (m.mvcc.range({ ...ALL_KEYS, countOnly: true }) as RangeResponse).count;
      this.compareState(node.name, status.appliedIndex, `revision ${status.revision}, ${live} live keys`);
    }
  }

  private claimLeadership(name: string, term: number): void {
    const other = this.leaderOfTerm.get(term);
    if (other === undefined) this.leaderOfTerm.set(term, name);
    else if (other !== name) throw new InvariantError(`two leaders in term ${term}: ${other} and ${name} (Election Safety, Raft §5.2)`);
  }

  private verifyApplied(node: CheckedNode, applied: number): void {
    for (let i = node.verifiedUpTo + 1; i <= applied; i++) {
      const mark = node.log.get(i);
      if (mark === undefined) continue; // below a snapshot the member installed
      const known = this.committed.get(i);
      if (known === undefined) this.committed.set(i, mark);
      else if (known.term !== mark.term || known.digest !== mark.digest) {
        throw new InvariantError(`${node.name} applied ${describeMark(mark)} at index ${i}, another member applied ${describeMark(known)} (State Machine Safety, Raft §5.4.3)`);
      }
    }
    node.verifiedUpTo = Math.max(node.verifiedUpTo, applied);
  }

  private compareState(name: string, index: number, state: string): void {
    const known = this.stateAtIndex.get(index);
    if (known === undefined) this.stateAtIndex.set(index, { name, state });
    else if (known.state !== state) throw new InvariantError(`at applied index ${index} ${known.name} had ${known.state} but ${name} has ${state}`);
  }
}

function describeMark(mark: EntryMark): string {
  return `term ${mark.term} entry #${mark.digest.toString(16)}`;
}
