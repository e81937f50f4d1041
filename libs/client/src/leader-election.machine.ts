/*
 * Leader election on a Lease (DESIGN.md §4; client-go tools/leaderelection).
 *
 *   candidate.trying --leading--> leader           --holder still valid--> follower.waiting
 *        ^   |  failed                                                      |  after jittered retry
 *        |   v                                                              v
 *        | candidate.waiting --after jittered retry--> trying     follower.checking --leading--> leader
 *        |
 *   leader.term.waiting --retryPeriod--> leader.term.renewing --renewed--> leader.term (re-entered)
 *        leader.term --renewDeadline without a renewal--> candidate     (stops leading first)
 *        leader.term.renewing --another holder--> follower
 *   leader --STOP--> releasing (holderIdentity "") --> stopped;   (any other) --STOP--> stopped
 *
 * Invariants:
 * - onStartedLeading runs on entering `leader`, onStoppedLeading on leaving it, whatever the
 *   exit (deadline, another holder, stop): they alternate, starting with started;
 * - a leader steps down renewDeadline after its last successful renewal, which is before the
 *   lease (leaseDuration, longer) can expire in any other candidate's eyes;
 * - the lease is only written with the resourceVersion just read (lease-lock.ts).
 * Timers are XState delays on the actor's clock: retryPeriod, the candidates' jittered retry, and
 * renewDeadline (re-armed by re-entering `term` after each renewal).
 */

import { assign, fromPromise, setup } from 'xstate';
import type { Random } from '@skiff/core';
import { candidateRetryMs, checkTimings, DEFAULT_LEADER_ELECTION_TIMINGS, type LeaderElectionTimings, type Observation } from './leader-election.js';
import { releaseLease, tryAcquireOrRenew, type AttemptResult, type LeaseLockRef } from './lease-lock.js';

export interface LeaderElectionCallbacks {
  readonly onStartedLeading?: () => void;
  readonly onStoppedLeading?: () => void;
  /** The holder we observe changed (our own identity included). */
  readonly onNewLeader?: (identity: string) => void;
  /** Failed attempts and releases. */
  readonly onError?: (error: unknown) => void;
}

export interface LeaderElectionInput extends LeaseLockRef, LeaderElectionCallbacks {
  readonly timings?: Partial<LeaderElectionTimings>;
  /** For the candidates' retry jitter; default the client's. */
  readonly random?: Random;
}

interface LeaderElectionContext {
  readonly lock: LeaseLockRef;
  readonly timings: LeaderElectionTimings;
  readonly random: Random;
  readonly callbacks: LeaderElectionCallbacks;
  readonly observation: Observation | undefined;
  /** The holder last announced through onNewLeader. */
  readonly leader: string | undefined;
  readonly renewals: number;
  readonly failures: number;
}

export type LeaderElectionEvent = { readonly type: 'STOP' };

const resultOf = (event: unknown): AttemptResult => (event as { output: AttemptResult }).output;

export const leaderElectionMachine = setup({
  types: {
    context: {} as LeaderElectionContext,
    events: {} as LeaderElectionEvent,
    input: {} as LeaderElectionInput,
  },
  actors: {
    attempt: fromPromise<AttemptResult, { lock: LeaseLockRef; timings: LeaderElectionTimings; observation: Observation | undefined }>(({ input }) =>
      tryAcquireOrRenew(input.lock, input.timings, input.observation),
    ),
    release: fromPromise<boolean, { lock: LeaseLockRef }>(({ input }) => releaseLease(input.lock)),
  },
  delays: {
    retryPeriod: ({ context }) => context.timings.retryPeriodMs,
    candidateRetry: ({ context }) => candidateRetryMs(context.timings, context.random),
    renewDeadline: ({ context }) => context.timings.renewDeadlineMs,
  },
  guards: {
    leading: ({ event }) => resultOf(event).type === 'leading',
    following: ({ event }) => resultOf(event).type === 'following',
  },
  actions: {
    recordAttempt: assign(({ context, event }) => {
      const result = resultOf(event);
      if (result.type === 'failed') context.callbacks.onError?.(result.error);
      const holder = result.observation?.record.holderIdentity;
      if (holder !== undefined && holder !== '' && holder !== context.leader) context.callbacks.onNewLeader?.(holder);
      return {
        observation: result.observation ?? context.observation,
        // '' is a released lease: nobody leads until someone takes it.
        leader: holder === undefined ? context.leader : holder === '' ? undefined : holder,
        renewals: context.renewals + (result.type === 'leading' ? 1 : 0),
        failures: context.failures + (result.type === 'failed' ? 1 : 0),
      };
    }),
    startedLeading: ({ context }) => context.callbacks.onStartedLeading?.(),
    stoppedLeading: ({ context }) => context.callbacks.onStoppedLeading?.(),
    reportReleaseError: ({ context, event }) => context.callbacks.onError?.((event as unknown as { error: unknown }).error),
  },
}).createMachine({
  id: 'leaderElection',
  context: ({ input }) => ({
    lock: { client: input.client, namespace: input.namespace, name: input.name, identity: input.identity },
    timings: checkTimings({ ...DEFAULT_LEADER_ELECTION_TIMINGS, ...input.timings }),
    random: input.random ?? input.client.random,
    callbacks: input,
    observation: undefined,
    leader: undefined,
    renewals: 0,
    failures: 0,
  }),
  initial: 'candidate',
  on: { STOP: '.stopped' },
  states: {
    candidate: {
      initial: 'trying',
      states: {
        trying: {
          invoke: {
            src: 'attempt',
            input: ({ context }) => ({ lock: context.lock, timings: context.timings, observation: context.observation }),
            onDone: [
              { guard: 'leading', target: '#leaderElection.leader', actions: 'recordAttempt' },
              { guard: 'following', target: '#leaderElection.follower', actions: 'recordAttempt' },
              { target: 'waiting', actions: 'recordAttempt' },
            ],
          },
        },
        waiting: { after: { candidateRetry: 'trying' } },
      },
    },
    follower: {
      initial: 'waiting',
      states: {
        waiting: { after: { candidateRetry: 'checking' } },
        checking: {
          invoke: {
            src: 'attempt',
            input: ({ context }) => ({ lock: context.lock, timings: context.timings, observation: context.observation }),
            onDone: [
              { guard: 'leading', target: '#leaderElection.leader', actions: 'recordAttempt' },
              { target: 'waiting', actions: 'recordAttempt' },
            ],
          },
        },
      },
    },
    leader: {
      entry: 'startedLeading',
      exit: 'stoppedLeading',
      initial: 'term',
      on: { STOP: '#leaderElection.releasing' },
      states: {
        term: {
          after: { renewDeadline: '#leaderElection.candidate' },
          initial: 'waiting',
          states: {
            waiting: { after: { retryPeriod: 'renewing' } },
            renewing: {
              invoke: {
                src: 'attempt',
                input: ({ context }) => ({ lock: context.lock, timings: context.timings, observation: context.observation }),
                onDone: [
                  { guard: 'leading', target: '#leaderElection.leader.term', reenter: true, actions: 'recordAttempt' },
                  { guard: 'following', target: '#leaderElection.follower', actions: 'recordAttempt' },
                  { target: 'waiting', actions: 'recordAttempt' },
                ],
              },
            },
          },
        },
      },
    },
    // Outside `leader`: the component stops acting (onStoppedLeading) before the lease is freed.
    releasing: {
      on: { STOP: {} },
      invoke: {
        src: 'release',
        input: ({ context }) => ({ lock: context.lock }),
        onDone: 'stopped',
        onError: { target: 'stopped', actions: 'reportReleaseError' },
      },
    },
    stopped: { type: 'final' },
  },
});
