/*
 * The kubelet's node agent: registers the Node, then keeps its conditions, heartbeats and lease.
 *
 *   registering.attempt ──registered──> registered.health ──> ready | notReady | pressure
 *      ^   │ failed                         ^                    │ RUNTIME_STATUS, PRESSURE
 *      │   v                                └────────────────────┘
 *   registering.waiting (100 ms doubling to 7 s)
 *   (any) --STOP--> stopped
 *
 * Invariants:
 * - registration is retried until it succeeds (registerWithAPIServer);
 * - once registered, `renewLease` is emitted every leaseRenewIntervalMs (Kubernetes: a 40 s lease
 *   renewed every 10 s) and `nodeStatus` on every change of health and every
 *   statusReportIntervalMs (nodeStatusUpdateFrequency); both timers are delayed events with ids
 *   ('leaseTimer', 'statusTimer') so a clock drives them;
 * - health: notReady while the runtime is down (whatever the pressure), pressure while any
 *   pressure condition holds, ready otherwise; a pressured node is still Ready=True, as in Kubernetes.
 */

import { assign, enqueueActions, fromPromise, raise, setup } from 'xstate';
import type { Taint } from '@skiff/api';
import { conditionTaints, nodeConditions, registrationBackOffMs, type NodeCondition, type NodePressure } from './node-status.js';
import { kubeTime } from './time.js';

export interface NodeAgentInput {
  readonly nodeName: string;
  /** Creates (or finds) the Node object; rejects to be retried. */
  readonly registerNode: () => Promise<void>;
  readonly now: () => number;
  readonly leaseRenewIntervalMs?: number;
  readonly statusReportIntervalMs?: number;
}

export type NodeAgentEvent =
  | { readonly type: 'RUNTIME_STATUS'; readonly ready: boolean; readonly message?: string }
  | { readonly type: 'PRESSURE'; readonly pressure: readonly NodePressure[] }
  | { readonly type: 'leaseTick' }
  | { readonly type: 'statusTick' }
  | { readonly type: 'STOP' };

export type NodeAgentEmitted =
  | { readonly type: 'nodeStatus'; readonly conditions: readonly NodeCondition[]; readonly taints: readonly Taint[] }
  | { readonly type: 'renewLease' }
  | { readonly type: 'registrationFailed'; readonly error: string; readonly failures: number };

interface NodeAgentContext {
  readonly nodeName: string;
  readonly registerNode: () => Promise<void>;
  readonly now: () => number;
  readonly leaseRenewIntervalMs: number;
  readonly statusReportIntervalMs: number;
  readonly failures: number;
  readonly runtimeReady: boolean;
  readonly notReadyMessage: string;
  readonly pressure: ReadonlySet<NodePressure>;
  readonly conditions: readonly NodeCondition[];
}

function withConditions(ctx: NodeAgentContext): NodeAgentContext {
  const conditions = nodeConditions({ ready: ctx.runtimeReady, notReadyMessage: ctx.notReadyMessage, pressure: ctx.pressure, nowTime: kubeTime(ctx.now()), previous: ctx.conditions });
  return { ...ctx, conditions };
}

export const nodeAgentMachine = setup({
  types: {
    context: {} as NodeAgentContext,
    events: {} as NodeAgentEvent,
    input: {} as NodeAgentInput,
    emitted: {} as NodeAgentEmitted,
  },
  actors: {
    registerNode: fromPromise<void, { registerNode: () => Promise<void> }>(({ input }) => input.registerNode()),
  },
  delays: {
    registrationBackOff: ({ context }) => registrationBackOffMs(context.failures),
  },
  guards: {
    runtimeDown: ({ context }) => !context.runtimeReady,
    underPressure: ({ context }) => context.pressure.size > 0,
  },
  actions: {
    countFailure: enqueueActions(({ context, enqueue, event }) => {
      const failures = context.failures + 1;
      enqueue.assign({ failures });
      enqueue.emit({ type: 'registrationFailed', error: String((event as unknown as { error: unknown }).error), failures });
    }),
    recordRuntime: assign(({ context, event }) => (event.type === 'RUNTIME_STATUS' ? { ...context, runtimeReady: event.ready, notReadyMessage: event.ready ? '' : (event.message ?? 'container runtime is down') } : context)),
    recordPressure: assign(({ context, event }) => (event.type === 'PRESSURE' ? { ...context, pressure: new Set(event.pressure) } : context)),
    reportStatus: enqueueActions(({ context, enqueue }) => {
      const next = withConditions(context);
      enqueue.assign({ conditions: next.conditions });
      enqueue.emit({ type: 'nodeStatus', conditions: next.conditions, taints: conditionTaints(context.runtimeReady, context.pressure) });
    }),
    renewLease: enqueueActions(({ enqueue }) => enqueue.emit({ type: 'renewLease' })),
    scheduleLeaseRenew: raise({ type: 'leaseTick' }, { id: 'leaseTimer', delay: ({ context }) => context.leaseRenewIntervalMs }),
    scheduleStatusReport: raise({ type: 'statusTick' }, { id: 'statusTimer', delay: ({ context }) => context.statusReportIntervalMs }),
  },
}).createMachine({
  id: 'nodeAgent',
  context: ({ input }) => ({
    nodeName: input.nodeName,
    registerNode: input.registerNode,
    now: input.now,
    leaseRenewIntervalMs: input.leaseRenewIntervalMs ?? 10_000,
    statusReportIntervalMs: input.statusReportIntervalMs ?? 10_000,
    failures: 0,
    runtimeReady: true,
    notReadyMessage: '',
    pressure: new Set(),
    conditions: [],
  }),
  initial: 'registering',
  on: {
    RUNTIME_STATUS: { actions: 'recordRuntime' },
    PRESSURE: { actions: 'recordPressure' },
    STOP: '.stopped',
  },
  states: {
    registering: {
      initial: 'attempt',
      states: {
        attempt: {
          invoke: {
            src: 'registerNode',
            input: ({ context }) => ({ registerNode: context.registerNode }),
            onDone: '#nodeAgent.registered',
            onError: { target: 'waiting', actions: 'countFailure' },
          },
        },
        waiting: { after: { registrationBackOff: 'attempt' } },
      },
    },
    registered: {
      entry: ['renewLease', 'scheduleLeaseRenew', 'scheduleStatusReport'],
      initial: 'health',
      on: {
        leaseTick: { actions: ['renewLease', 'scheduleLeaseRenew'] },
        statusTick: { actions: ['reportStatus', 'scheduleStatusReport'] },
        RUNTIME_STATUS: { target: '.health', actions: 'recordRuntime' },
        PRESSURE: { target: '.health', actions: 'recordPressure' },
      },
      states: {
        health: {
          entry: 'reportStatus',
          always: [{ guard: 'runtimeDown', target: 'notReady' }, { guard: 'underPressure', target: 'pressure' }, { target: 'ready' }],
        },
        ready: {},
        notReady: {},
        pressure: {},
      },
    },
    stopped: { type: 'final' },
  },
});

export type NodeAgentMachine = typeof nodeAgentMachine;
