// Adapter: runs the leader election machine (leader-election.machine.ts) for a component: the
// controller manager and the scheduler elect one active replica each this way.

import { createActor, waitFor, type Actor, type InspectionEvent } from 'xstate';
import type { Clock } from '@skiff/core';
import { leaderElectionMachine, type LeaderElectionInput } from './leader-election.machine.js';

export interface LeaderElectorOptions extends LeaderElectionInput {
  /** Drives the timers; default the client's. */
  readonly clock?: Clock;
  readonly inspect?: (event: InspectionEvent) => void;
}

export interface LeaderElector {
  readonly actor: Actor<typeof leaderElectionMachine>;
  isLeader(): boolean;
  /** The holder last observed (ours included), if any. */
  leader(): string | undefined;
  /** Stops; a leader first releases the lease (holderIdentity ""), so a successor need not wait for it to expire. */
  stop(): Promise<void>;
}

export function startLeaderElector(opts: LeaderElectorOptions): LeaderElector {
  const actor = createActor(leaderElectionMachine, {
    input: opts,
    clock: opts.clock ?? opts.client.clock,
    ...(opts.inspect === undefined ? {} : { inspect: opts.inspect }),
  });
  actor.start();
  return {
    actor,
    isLeader: () => actor.getSnapshot().matches('leader'),
    leader: () => actor.getSnapshot().context.leader,
    async stop() {
      actor.send({ type: 'STOP' });
      await waitFor(actor, (s) => s.status === 'done', { timeout: Infinity });
    },
  };
}
