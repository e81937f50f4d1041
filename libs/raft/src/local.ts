// Requests from the adapter: proposals, reads and snapshots (Raft §7, §8).

import { compact, lastIndex, termAt } from './log.js';
import type { Propose, RequestRead, SnapshotTaken } from './inputs.js';
import { startReads } from './read-index.js';
import { ReadFailure } from './read-only.js';
import type { Outbox } from './ready.js';
import { appendAtLeader, bcastAppend } from './replication.js';
import { envelope, type RaftState } from './state.js';
import { Role } from './types.js';

/** Only a leader appends (Raft §5.3); during a transfer it refuses, so the target can catch up (thesis §3.10). */
export function propose(s: RaftState, input: Propose, out: Outbox): RaftState {
  const requestId = input.requestId ?? null;
  if (s.role !== Role.leader || s.transferee !== null) {
    out.proposal = { ok: false, requestId, reason: s.role === Role.leader ? 'transferring' : 'notLeader', leaderId: s.lead };
    return s;
  }
  const firstIndex = lastIndex(s.log) + 1;
  const next = bcastAppend(appendAtLeader(s, input.entries, out), out);
  out.proposal = { ok: true, requestId, term: s.term, firstIndex, lastIndex: lastIndex(next.log) };
  return next;
}

/** A leader runs ReadIndex itself; a follower forwards to its leader; without a leader the read fails at once. */
export function requestRead(s: RaftState, input: RequestRead, out: Outbox): RaftState {
  if (s.role === Role.leader) return startReads(s, [{ requestId: input.requestId, from: s.config.id }], out);
  if (s.lead === null) {
    out.readStates.push({ requestId: input.requestId, ok: false, reason: ReadFailure.noLeader });
    return s;
  }
  out.messages.push({ type: 'ReadIndex', ...envelope(s, s.lead), requestId: input.requestId });
  return s;
}

/**
 * Raft §7: the application captured its state machine at `index`; keep that snapshot to send to
 * followers that fall behind and drop the log it covers. An index not yet applied, or not newer than
 * the current snapshot, is ignored (a snapshot installed from the leader may have overtaken it).
 */
export function snapshotTaken(s: RaftState, input: SnapshotTaken, _out: Outbox): RaftState {
  const term = termAt(s.log, input.index);
  const current = s.snapshot?.meta.index ?? 0;
  if (input.index > s.log.applied || input.index <= current || term === undefined) return s;
  const snapshot = { meta: { index: input.index, term, members: s.config.members }, data: input.data };
  return { ...s, snapshot, log: compact(s.log, input.index - s.config.keepEntriesAfterSnapshot) };
}
