// Everything `step` accepts: a peer's message, or a local input from the timers or the adapter.

import type { Message } from './messages.js';
import type { MemberId } from './types.js';

/** The randomized election timer fired (a follower/candidate campaigns; a leader runs CheckQuorum). */
export interface ElectionTimeout {
  readonly type: 'electionTimeout';
}

/** The leader's heartbeat interval elapsed. */
export interface HeartbeatTimeout {
  readonly type: 'heartbeatTimeout';
}

/** Client data to append; the answer is Ready.proposal. `requestId` is echoed to correlate. */
export interface Propose {
  readonly type: 'propose';
  readonly entries: readonly Uint8Array[];
  readonly requestId?: string;
}

/** A linearizable read (thesis §6.4); the answer is a ReadState with the same requestId. */
export interface RequestRead {
  readonly type: 'requestRead';
  readonly requestId: string;
}

/** The application snapshotted its state machine at applied index `index` (Raft §7): compact the log. */
export interface SnapshotTaken {
  readonly type: 'snapshotTaken';
  readonly index: number;
  readonly data: Uint8Array;
}

/** Thesis §3.10: hand leadership to `to`. Only a leader acts on it. */
export interface TransferLeadership {
  readonly type: 'transferLeadership';
  readonly to: MemberId;
}

export type LocalInput = ElectionTimeout | HeartbeatTimeout | Propose | RequestRead | SnapshotTaken | TransferLeadership;
export type RaftInput = Message | LocalInput;
