// The core's single entry point: step(state, input) -> { state, ready }. Deterministic, no I/O,
// no clock, no randomness; the input state is never modified (old states stay valid values).

import type { RaftInput } from './inputs.js';
import { propose, requestRead, snapshotTaken } from './local.js';
import { buildReady, newOutbox, type Outbox, type StepResult } from './ready.js';
import { receive } from './receive.js';
import type { RaftState } from './state.js';
import { onElectionTimeout, onHeartbeatTimeout } from './timers.js';
import { transferLeadership } from './transfer.js';

export function step(s: RaftState, input: RaftInput): StepResult {
  const out = newOutbox();
  return buildReady(s, dispatch(s, input, out), out);
}

function dispatch(s: RaftState, input: RaftInput, out: Outbox): RaftState {
  switch (input.type) {
    case 'electionTimeout':
      return onElectionTimeout(s, out);
    case 'heartbeatTimeout':
      return onHeartbeatTimeout(s, out);
    case 'propose':
      return propose(s, input, out);
    case 'requestRead':
      return requestRead(s, input, out);
    case 'snapshotTaken':
      return snapshotTaken(s, input, out);
    case 'transferLeadership':
      return transferLeadership(s, input.to, out);
    default:
      return receive(s, input, out);
  }
}
