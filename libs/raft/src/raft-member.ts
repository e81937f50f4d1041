// Pure helpers behind raft-member.machine.ts: the machine's context and what each action computes.
// No xstate here, so the logic outlives the library's next major.

import { RaftConfigError } from './errors.js';
import type { RaftConfig } from './config.js';
import type { RaftInput } from './inputs.js';
import { isEmptyReady, type Ready } from './ready.js';
import { createRaft, type RaftState, type RestoreState } from './state.js';
import { step } from './step.js';
import type { Role } from './types.js';

/** Injected randomness: `int(min, max)` returns an integer in [min, max]. @skiff/actors' Random fits. */
export interface RandomInt {
  int(min: number, max: number): number;
}

export interface RaftMemberInput {
  readonly config: RaftConfig;
  readonly restore?: RestoreState;
  readonly random: RandomInt;
  /** Raft §5.2: each election timeout is drawn anew from [min, max] (defaults 150-300 ms). */
  readonly electionTimeoutMinMs?: number;
  readonly electionTimeoutMaxMs?: number;
  /** The leader's heartbeat period (default 50 ms); must be well below the election timeout. */
  readonly heartbeatIntervalMs?: number;
}

export interface RaftMemberTiming {
  readonly electionTimeoutMinMs: number;
  readonly electionTimeoutMaxMs: number;
  readonly heartbeatIntervalMs: number;
}

export interface RaftMemberContext {
  readonly core: RaftState;
  /** The output of the last step, emitted as a `ready` event when it asks anything of the adapter. */
  readonly ready: Ready | null;
  readonly random: RandomInt;
  readonly timing: RaftMemberTiming;
  /** The delay of the election timer currently running. */
  readonly electionTimeoutMs: number;
  /** The last step changed the core's role: the machine must follow with a role event. */
  readonly roleChanged: boolean;
}

export function initialContext(input: RaftMemberInput): RaftMemberContext {
  const timing = resolveTiming(input);
  const core = createRaft(input.config, input.restore ?? {});
  return { core, ready: null, random: input.random, timing, electionTimeoutMs: drawElectionTimeout(input.random, timing), roleChanged: false };
}

function resolveTiming(input: RaftMemberInput): RaftMemberTiming {
  const timing = {
    electionTimeoutMinMs: input.electionTimeoutMinMs ?? 150,
    electionTimeoutMaxMs: input.electionTimeoutMaxMs ?? 300,
    heartbeatIntervalMs: input.heartbeatIntervalMs ?? 50,
  };
  if (timing.electionTimeoutMinMs > timing.electionTimeoutMaxMs) throw new RaftConfigError('electionTimeoutMinMs must be <= electionTimeoutMaxMs');
  if (timing.heartbeatIntervalMs <= 0 || timing.heartbeatIntervalMs >= timing.electionTimeoutMinMs) {
    throw new RaftConfigError('heartbeatIntervalMs must be positive and below electionTimeoutMinMs');
  }
  return timing;
}

export function drawElectionTimeout(random: RandomInt, timing: RaftMemberTiming): number {
  return random.int(timing.electionTimeoutMinMs, timing.electionTimeoutMaxMs);
}

/** One core step; a fresh election timeout is drawn whenever the core asks for the timer to restart. */
export function stepContext(context: RaftMemberContext, input: RaftInput): Partial<RaftMemberContext> {
  const { state, ready } = step(context.core, input);
  const electionTimeoutMs = ready.resetElectionTimer ? drawElectionTimeout(context.random, context.timing) : context.electionTimeoutMs;
  return { core: state, ready, electionTimeoutMs, roleChanged: state.role !== context.core.role };
}

export function electionTimerReset(context: RaftMemberContext): boolean {
  return context.ready?.resetElectionTimer === true;
}

/** The event that moves the machine to the core's role, raised after a step that changed it. */
export type RoleEvent = { readonly type: 'becameFollower' } | { readonly type: 'becamePreCandidate' } | { readonly type: 'becameCandidate' } | { readonly type: 'becameLeader' };

const roleEvents: Record<Role, RoleEvent> = {
  follower: { type: 'becameFollower' },
  preCandidate: { type: 'becamePreCandidate' },
  candidate: { type: 'becameCandidate' },
  leader: { type: 'becameLeader' },
};

export function roleEvent(context: RaftMemberContext): RoleEvent | null {
  return context.roleChanged ? roleEvents[context.core.role] : null;
}

export function hasReadyWork(context: RaftMemberContext): boolean {
  return context.ready !== null && !isEmptyReady(context.ready);
}


