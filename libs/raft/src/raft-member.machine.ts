/*
 * One Raft member as an XState machine: the pure core (step.ts) in context, timers as delayed events.
 *
 *              becamePreCandidate               becameCandidate              becameLeader
 *   follower ──────────────────> preCandidate ─────────────────> candidate ─────────────> leader
 *     ^ │ │        (electionTimeout)     │    (pre-vote won)       │  ^                     │
 *     │ │ └──── becameCandidate: PreVote off, or TimeoutNow ──────>┘  │ becamePreCandidate  │
 *     │ └────── becameLeader: a single-member cluster ─────────────────── (timeout again) ──>│
 *     └──────── becameFollower: higher term, a leader heard, election lost, CheckQuorum ────┘
 *
 * Invariants:
 * - the machine's state equals context.core.role once an event is processed: every event runs one
 *   core step, and a step that changes the role raises the matching `became<Role>` event;
 * - exactly one election timer (delayed event id 'electionTimer') runs in every state; its delay is
 *   drawn from the injected Random whenever the core asks for a restart (Raft §5.2 randomized
 *   timeouts); in `leader` it is the CheckQuorum period (thesis §6.2);
 * - the heartbeat timer (id 'heartbeatTimer') runs only in `leader`;
 * - every output leaves through a `ready` event (emit), in step order; the adapter handles each Ready
 *   as ready.ts says: persist, then send, then apply.
 */

import { assign, cancel, enqueueActions, raise, setup } from 'xstate';
import type { RaftInput } from './inputs.js';
import type { Ready } from './ready.js';
import { electionTimerReset, hasReadyWork, initialContext, roleEvent, stepContext, type RaftMemberContext, type RaftMemberInput, type RoleEvent } from './raft-member.js';

/** Inputs of the core, plus the role events the machine raises itself (never send those). */
export type RaftMemberEvent = RaftInput | RoleEvent;

export interface ReadyEvent {
  readonly type: 'ready';
  readonly ready: Ready;
}

const afterStep = ['emitReady', 'restartElectionTimerIfAsked', 'followRole'] as const;
const step = { actions: ['step', ...afterStep] } as const;

export const raftMemberMachine = setup({
  types: {
    context: {} as RaftMemberContext,
    events: {} as RaftMemberEvent,
    input: {} as RaftMemberInput,
    emitted: {} as ReadyEvent,
  },
  delays: {
    electionTimeout: ({ context }) => context.electionTimeoutMs,
    heartbeatInterval: ({ context }) => context.timing.heartbeatIntervalMs,
  },
  actions: {
    // One core step each; the names only say what the step means in that state.
    step: assign(({ context, event }) => stepContext(context, event as RaftInput)),
    campaign: assign(({ context, event }) => stepContext(context, event as RaftInput)),
    checkQuorum: assign(({ context, event }) => stepContext(context, event as RaftInput)),
    sendHeartbeats: assign(({ context, event }) => stepContext(context, event as RaftInput)),
    emitReady: enqueueActions(({ context, enqueue }) => hasReadyWork(context) && enqueue.emit({ type: 'ready', ready: context.ready! })),
    followRole: enqueueActions(({ context, enqueue }) => context.roleChanged && enqueue.raise(roleEvent(context)!)),
    restartElectionTimerIfAsked: enqueueActions(({ context, enqueue }) => {
      if (!electionTimerReset(context)) return;
      enqueue.cancel('electionTimer');
      enqueue.raise({ type: 'electionTimeout' }, { id: 'electionTimer', delay: context.electionTimeoutMs });
    }),
    scheduleElectionTimer: raise({ type: 'electionTimeout' }, { id: 'electionTimer', delay: 'electionTimeout' }),
    scheduleHeartbeat: raise({ type: 'heartbeatTimeout' }, { id: 'heartbeatTimer', delay: 'heartbeatInterval' }),
    cancelHeartbeat: cancel('heartbeatTimer'),
  },
}).createMachine({
  id: 'raftMember',
  context: ({ input }) => initialContext(input),
  entry: 'scheduleElectionTimer',
  initial: 'follower',
  on: {
    RequestVote: step,
    RequestVoteResp: step,
    AppendEntries: step,
    AppendEntriesResp: step,
    Heartbeat: step,
    HeartbeatResp: step,
    InstallSnapshot: step,
    InstallSnapshotResp: step,
    TimeoutNow: step,
    ReadIndex: step,
    ReadIndexResp: step,
    propose: step,
    requestRead: step,
    snapshotTaken: step,
    transferLeadership: step,
  },
  states: {
    follower: {
      on: {
        electionTimeout: { actions: ['campaign', ...afterStep] },
        becamePreCandidate: 'preCandidate',
        becameCandidate: 'candidate',
        becameLeader: 'leader',
      },
    },
    preCandidate: {
      on: {
        electionTimeout: { actions: ['campaign', ...afterStep] },
        becameCandidate: 'candidate',
        becameLeader: 'leader',
        becameFollower: 'follower',
      },
    },
    candidate: {
      on: {
        electionTimeout: { actions: ['campaign', ...afterStep] },
        becameLeader: 'leader',
        becameFollower: 'follower',
        becamePreCandidate: 'preCandidate',
      },
    },
    leader: {
      entry: 'scheduleHeartbeat',
      exit: 'cancelHeartbeat',
      on: {
        electionTimeout: { actions: ['checkQuorum', ...afterStep] },
        heartbeatTimeout: { actions: ['sendHeartbeats', ...afterStep, 'scheduleHeartbeat'] },
        becameFollower: 'follower',
      },
    },
  },
});

export type RaftMemberMachine = typeof raftMemberMachine;
