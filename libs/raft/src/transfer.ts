// Leadership transfer (thesis §3.10): the leader stops taking proposals, brings the target's log up
// to date, then sends TimeoutNow; the target campaigns at once. The attempt is abandoned at the
// leader's next election timeout (see leader-timers.ts).

import { lastIndex } from './log.js';
import type { Outbox } from './ready.js';
import { sendAppend } from './replication.js';
import { envelope, isMember, type RaftState } from './state.js';
import { Role, type MemberId } from './types.js';

export function transferLeadership(s: RaftState, to: MemberId, out: Outbox): RaftState {
  if (s.role !== Role.leader || to === s.config.id || !isMember(s, to) || s.transferee === to) return s;
  // Restart the leader's election timer: the transfer must finish within one election timeout.
  out.resetElectionTimer = true;
  const next = { ...s, transferee: to };
  return caughtUp(next, to) ? sendTimeoutNow(next, to, out) : sendAppend(next, to, out, true);
}

/** After an acknowledgement from the transfer target: once it holds our whole log, tell it to go. */
export function maybeSendTimeoutNow(s: RaftState, from: MemberId, out: Outbox): RaftState {
  return s.transferee === from && caughtUp(s, from) ? sendTimeoutNow(s, from, out) : s;
}

function caughtUp(s: RaftState, id: MemberId): boolean {
  return s.progress.get(id)?.match === lastIndex(s.log);
}

function sendTimeoutNow(s: RaftState, to: MemberId, out: Outbox): RaftState {
  out.messages.push({ type: 'TimeoutNow', ...envelope(s, to) });
  return s;
}
