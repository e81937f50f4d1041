// The two timer inputs. The core counts no time itself: the machine owns the timers and feeds
// their expiry in, and the core answers with Ready.resetElectionTimer when a timer must restart.

import { CampaignKind, campaign } from './election.js';
import { hasQuorum } from './quorum.js';
import type { Outbox } from './ready.js';
import { bcastHeartbeat } from './replication.js';
import { becomeFollower } from './roles.js';
import type { RaftState } from './state.js';
import { Role } from './types.js';

export function onElectionTimeout(s: RaftState, out: Outbox): RaftState {
  if (s.role === Role.leader) return checkQuorum(s, out);
  // A full election timeout passed without a leader: the lease is over (thesis §9.6).
  const expired = { ...s, leaderContact: false };
  return campaign(expired, s.config.preVote ? CampaignKind.preVote : CampaignKind.vote, out);
}

export function onHeartbeatTimeout(s: RaftState, out: Outbox): RaftState {
  return s.role === Role.leader ? bcastHeartbeat(s, out) : s;
}

/**
 * Thesis §6.2 CheckQuorum: a leader that has not heard from a majority during the last election
 * timeout steps down, so clients stop talking to a leader that can no longer commit. The same
 * timer ends an unfinished leadership transfer (thesis §3.10).
 */
function checkQuorum(s: RaftState, out: Outbox): RaftState {
  const active = (id: string): boolean => id === s.config.id || s.progress.get(id)?.recentActive === true;
  if (s.config.checkQuorum && !hasQuorum(s.config.members, active)) return becomeFollower(s, s.term, null, out);
  out.resetElectionTimer = true;
  const progress = new Map([...s.progress].map(([id, pr]) => [id, { ...pr, recentActive: false }] as const));
  return { ...s, progress, transferee: null };
}
