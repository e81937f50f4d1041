// The cluster supervisor: the lifecycle of one `skiff up`, as a chart `skiff inspect` can show.
//
//   starting ──(every component ready)──> running
//      │                                     │ stop
//      │ stop / component.failed             v
//      └──────────────────────────────> stopping ──(no component left running)──> stopped (final)
//
// Invariants: `running` only while every component of the registry has reported ready;
// `stopped` only once none is starting or ready. The machine only records what the runner
// (up.ts) reports; it starts and stops nothing itself, so it holds no I/O.

import { assign, setup } from 'xstate';
import {
  allStopped,
  initialPhases,
  readyAfter,
  stoppedAfter,
  withPhase,
  type ComponentPhase,
  type ComponentPhases,
} from './cluster-components.js';

export type ClusterEvent =
  | { readonly type: 'component.starting'; readonly name: string }
  | { readonly type: 'component.ready'; readonly name: string }
  | { readonly type: 'component.failed'; readonly name: string; readonly error: string }
  | { readonly type: 'component.stopped'; readonly name: string }
  | { readonly type: 'stop' };

export interface ClusterInput {
  readonly cluster: string;
  /** Component names in registry (start) order. */
  readonly components: readonly string[];
}

export interface ClusterContext {
  readonly cluster: string;
  readonly components: ComponentPhases;
  /** The first failure reported, for `skiff inspect`. */
  readonly error: string | undefined;
}

const phaseOf = (event: ClusterEvent): ComponentPhase | undefined => {
  switch (event.type) {
    case 'component.starting':
      return 'starting';
    case 'component.ready':
      return 'ready';
    case 'component.failed':
      return 'failed';
    case 'component.stopped':
      return 'stopped';
    case 'stop':
      return undefined;
  }
};

export const clusterMachine = setup({
  types: {
    context: {} as ClusterContext,
    events: {} as ClusterEvent,
    input: {} as ClusterInput,
  },
  actions: {
    recordPhase: assign({ components: ({ context, event }) => recordPhase(context.components, event) }),
    recordFailure: assign({ error: ({ context, event }) => context.error ?? failureOf(event) }),
  },
  // Guards look at the phases as they will be after the event, so that each transition is an
  // event transition the inspector can draw (eventless `always` transitions are not in toJSON()).
  guards: {
    lastToBeReady: ({ context, event }) => 'name' in event && readyAfter(context.components, event.name),
    lastToStop: ({ context, event }) =>
      (event.type === 'component.stopped' || event.type === 'component.failed') &&
      stoppedAfter(context.components, event.name, event.type === 'component.stopped' ? 'stopped' : 'failed'),
    nothingRunning: ({ context }) => allStopped(context.components),
  },
}).createMachine({
  id: 'cluster',
  context: ({ input }) => ({ cluster: input.cluster, components: initialPhases(input.components), error: undefined }),
  initial: 'starting',
  states: {
    starting: {
      on: {
        'component.starting': { actions: 'recordPhase' },
        'component.ready': [{ guard: 'lastToBeReady', target: 'running', actions: 'recordPhase' }, { actions: 'recordPhase' }],
        'component.failed': [
          { guard: 'lastToStop', target: 'stopped', actions: ['recordPhase', 'recordFailure'] },
          { target: 'stopping', actions: ['recordPhase', 'recordFailure'] },
        ],
        'component.stopped': [
          { guard: 'lastToStop', target: 'stopped', actions: 'recordPhase' },
          { target: 'stopping', actions: 'recordPhase' },
        ],
        stop: [{ guard: 'nothingRunning', target: 'stopped' }, { target: 'stopping' }],
      },
    },
    running: {
      on: {
        // A component that fails or stops on its own after start takes the cluster down with it:
        // a half-working local cluster only hides the fault.
        'component.failed': { target: 'stopping', actions: ['recordPhase', 'recordFailure'] },
        'component.stopped': { target: 'stopping', actions: 'recordPhase' },
        stop: { target: 'stopping' },
      },
    },
    stopping: {
      on: {
        'component.failed': [
          { guard: 'lastToStop', target: 'stopped', actions: ['recordPhase', 'recordFailure'] },
          { actions: ['recordPhase', 'recordFailure'] },
        ],
        'component.stopped': [{ guard: 'lastToStop', target: 'stopped', actions: 'recordPhase' }, { actions: 'recordPhase' }],
      },
    },
    stopped: { type: 'final' },
  },
});

function recordPhase(phases: ComponentPhases, event: ClusterEvent): ComponentPhases {
  const phase = phaseOf(event);
  return phase === undefined || !('name' in event) ? phases : withPhase(phases, event.name, phase);
}

function failureOf(event: ClusterEvent): string | undefined {
  return event.type === 'component.failed' ? `${event.name}: ${event.error}` : undefined;
}
