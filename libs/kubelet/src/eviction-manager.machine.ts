/*
 * The eviction manager's loop (pkg/kubelet/eviction/eviction_manager.go Start/synchronize).
 *
 *   waiting ──(monitoring interval)──> observing ──summary──> waiting
 *                                        │ stats failed ──────> waiting
 *   (any) --STOP--> stopped
 *
 * Invariants:
 * - each observation runs the pure synchronizeEviction on a fresh stats summary and the active
 *   pods; it emits `nodePressure` when the set of pressure conditions changes and `evictPod` for at
 *   most one victim (Kubernetes evicts one pod per pass, then looks again);
 * - the interval is a delayed transition, so a clock drives it (Kubernetes: every 10 s).
 */

import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import type { Pod } from '@skiff/api';
import { initialEvictionState, synchronizeEviction, type Eviction, type EvictionConfig, type EvictionResult, type EvictionState, type NodeStatsSummary, type StatsProvider } from './eviction.js';
import type { NodePressure } from './node-status.js';

export interface EvictionManagerInput {
  readonly config: EvictionConfig;
  readonly stats: StatsProvider;
  /** Pods running on the node now (the pod manager's active pods). */
  readonly activePods: () => readonly Pod[];
  readonly now: () => number;
  readonly monitoringIntervalMs?: number;
}

export type EvictionManagerEmitted =
  | { readonly type: 'nodePressure'; readonly pressure: readonly NodePressure[] }
  | ({ readonly type: 'evictPod' } & Eviction)
  | { readonly type: 'statsFailed'; readonly error: string };

interface EvictionManagerContext extends Required<EvictionManagerInput> {
  readonly state: EvictionState;
  readonly pressure: readonly NodePressure[];
  readonly last?: EvictionResult;
}

export const evictionManagerMachine = setup({
  types: {
    context: {} as EvictionManagerContext,
    events: {} as { readonly type: 'STOP' },
    input: {} as EvictionManagerInput,
    emitted: {} as EvictionManagerEmitted,
  },
  actors: {
    summary: fromPromise<NodeStatsSummary, { stats: StatsProvider }>(({ input }) => input.stats.summary()),
  },
  delays: {
    monitoringInterval: ({ context }) => context.monitoringIntervalMs,
  },
  actions: {
    synchronize: assign(({ context, event }) => {
      const summary = (event as unknown as { output: NodeStatsSummary }).output;
      const last = synchronizeEviction(context.state, context.config, summary, context.activePods(), context.now());
      return { ...context, state: last.state, last };
    }),
    emitResults: enqueueActions(({ context, enqueue }) => {
      const last = context.last;
      if (last === undefined) return;
      if (last.nodeConditions.join() !== context.pressure.join()) {
        enqueue.assign({ pressure: last.nodeConditions });
        enqueue.emit({ type: 'nodePressure', pressure: last.nodeConditions });
      }
      if (last.eviction !== undefined) enqueue.emit({ type: 'evictPod', ...last.eviction });
    }),
    reportStatsError: enqueueActions(({ enqueue, event }) => enqueue.emit({ type: 'statsFailed', error: String((event as unknown as { error: unknown }).error) })),
  },
}).createMachine({
  id: 'evictionManager',
  context: ({ input }) => ({ monitoringIntervalMs: 10_000, ...input, state: initialEvictionState, pressure: [] }),
  initial: 'waiting',
  on: { STOP: '.stopped' },
  states: {
    waiting: { after: { monitoringInterval: 'observing' } },
    observing: {
      invoke: {
        src: 'summary',
        input: ({ context }) => ({ stats: context.stats }),
        onDone: { target: 'waiting', actions: ['synchronize', 'emitResults'] },
        onError: { target: 'waiting', actions: 'reportStatsError' },
      },
    },
    stopped: { type: 'final' },
  },
});

export type EvictionManagerMachine = typeof evictionManagerMachine;
