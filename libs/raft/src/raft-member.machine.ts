/*
 * One Raft member as an XState machine: the pure core (step.ts) in context, timers as delayed events.
 *
 *                electionTimeout               pre-vote won           votes won
 *   ┌────────┐  ───────────────>  ┌────────────┐ ─────────> ┌─────────┐ ───────> ┌────────┐
 *   │follower│   (preVote off: ──┼────────────┼──────────> │candidate│          │ leader │
 *   └────────┘    straight on)   │preCandidate│            └─────────┘          └────────┘
 *       ^  ^                     └────────────┘                 │ TimeoutNow skips   │ heartbeatTimeout:
 *       │  └─ leader heard / election lost ──────────────────────┘ preCandidate      │ heartbeats, ReadIndex
 *       └──────────── higher term seen / CheckQuorum failed (electionTimeout) ──────┘
 *
 * Invariants:
 * - the machine's state always equals context.core.role: every event runs one core step, then an
 *   eventless transition moves to the state named by the core's role;
 * - exactly one election timer (id 'electionTimer') runs in every state; its delay is drawn from the
 *   injected Random each time the core asks for a restart (Raft §5.2 randomized timeouts); for the
 *   leader it is the CheckQuorum period (thesis §6.2);
 * - the heartbeat timer (id 'heartbeatTimer') runs only in `leader`;
 * - every output leaves through a `ready` event (emit), in step order; the adapter must handle each
 *   Ready as ready.ts says: persist, then send, then apply.
 */

import { assign, cancel, enqueueActions, raise, setup } from 'xstate';
import type { RaftInput } from './inputs.js';
import type { Ready } from './ready.js';
import { hasReadyWork, initialContext, roleIs, stepContext, type RaftMemberContext, type RaftMemberInput } from './raft-member.js';
import { Role } from './types.js';

export type RaftMemberEvent = RaftInput;
export interface ReadyEvent {
  readonly type: 'ready';
  readonly ready: Ready;
}

const stepped = ['emitReady'] as const;

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
  guards: {
    isFollower: ({ context }) => roleIs(context, Role.follower),
    isPreCandidate: ({ context }) => roleIs(context, Role.preCandidate),
    isCandidate: ({ context }) => roleIs(context, Role.candidate),
    isLeader: ({ context }) => roleIs(context, Role.leader),
    electionTimerDue: ({ context }) => context.electionTimerDue,
  },
  actions: {
    step: assign(({ context, event }) => stepContext(context, event)),
    campaign: assign(({ context, event }) => stepContext(context, event)),
    checkQuorum: assign(({ context, event }) => stepContext(context, event)),
    sendHeartbeats: assign(({ context, event }) => stepContext(context, event)),
    emitReady: enqueueActions(({ context, enqueue }) => hasReadyWork(context) && enqueue.emit({ type: 'ready', ready: context.ready! })),
    cancelElectionTimer: cancel('electionTimer'),
    electionTimerStarted: assign({ electionTimerDue: false }),
    scheduleElectionTimer: raise({ type: 'electionTimeout' }, { id: 'electionTimer', delay: 'electionTimeout' }),
    scheduleHeartbeat: raise({ type: 'heartbeatTimeout' }, { id: 'heartbeatTimer', delay: 'heartbeatInterval' }),
    cancelHeartbeat: cancel('heartbeatTimer'),
  },
}).createMachine({
  id: 'raftMember',
  context: ({ input }) => initialContext(input),
  entry: 'scheduleElectionTimer',
  initial: 'follower',
  // Runs after the role transitions below: (re)start the election timer when the core asked for it.
  always: { guard: 'electionTimerDue', actions: ['cancelElectionTimer', 'scheduleElectionTimer', 'electionTimerStarted'] },
  on: {
    RequestVote: { actions: ['step', ...stepped] },
    RequestVoteResp: { actions: ['step', ...stepped] },
    AppendEntries: { actions: ['step', ...stepped] },
    AppendEntriesResp: { actions: ['step', ...stepped] },
    Heartbeat: { actions: ['step', ...stepped] },
    HeartbeatResp: { actions: ['step', ...stepped] },
    InstallSnapshot: { actions: ['step', ...stepped] },
    InstallSnapshotResp: { actions: ['step', ...stepped] },
    TimeoutNow: { actions: ['step', ...stepped] },
    ReadIndex: { actions: ['step', ...stepped] },
    ReadIndexResp: { actions: ['step', ...stepped] },
    propose: { actions: ['step', ...stepped] },
    requestRead: { actions: ['step', ...stepped] },
    snapshotTaken: { actions: ['step', ...stepped] },
    transferLeadership: { actions: ['step', ...stepped] },
  },
  states: {
    follower: {
      on: { electionTimeout: { actions: ['campaign', ...stepped] } },
      always: [
        { guard: 'isPreCandidate', target: 'preCandidate' },
        { guard: 'isCandidate', target: 'candidate' },
        { guard: 'isLeader', target: 'leader' },
      ],
    },
    preCandidate: {
      on: { electionTimeout: { actions: ['campaign', ...stepped] } },
      always: [
        { guard: 'isCandidate', target: 'candidate' },
        { guard: 'isLeader', target: 'leader' },
        { guard: 'isFollower', target: 'follower' },
      ],
    },
    candidate: {
      on: { electionTimeout: { actions: ['campaign', ...stepped] } },
      always: [
        { guard: 'isLeader', target: 'leader' },
        { guard: 'isFollower', target: 'follower' },
        { guard: 'isPreCandidate', target: 'preCandidate' },
      ],
    },
    leader: {
      entry: 'scheduleHeartbeat',
      exit: 'cancelHeartbeat',
      on: {
        electionTimeout: { actions: ['checkQuorum', ...stepped] },
        heartbeatTimeout: { actions: ['sendHeartbeats', ...stepped, 'scheduleHeartbeat'] },
      },
      always: [{ guard: 'isFollower', target: 'follower' }],
    },
  },
});

export type RaftMemberMachine = typeof raftMemberMachine;
