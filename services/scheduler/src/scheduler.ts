// Adapter: kube-scheduler for one scheduler name. Informers (pods, nodes, namespaces,
// PodDisruptionBudgets) feed @skiff/scheduler's SchedulerCache and SchedulingQueue on every
// instance; only the instance holding Lease kube-system/leaseNameFor(schedulerName) runs the loop
// (scheduler-loop.machine.ts): pop -> scheduleOne -> assume -> bind in the background.
// Failures are reported the Kubernetes way: PodScheduled=False condition + FailedScheduling Event.

import type { ServiceHost } from '@skiff/actors';
import {
  createApiClient,
  createEventRecorder,
  createSharedInformerFactory,
  isNotFound,
  Resources,
  startLeaderElector,
  type ApiClient,
  type DeletedFinalStateUnknown,
  type EventRecorder,
  type KubeObject,
  type LeaderElectionTimings,
  type LeaderElector,
  type SharedInformerFactory,
} from '@skiff/client';
import type { Random } from '@skiff/core';
import {
  ClusterEventType,
  createFrameworks,
  podKey,
  podInfoOf,
  defaultProfile,
  inTreeRegistry,
  scheduleOne,
  SchedulerCache,
  SchedulingQueue,
  type Framework,
  type Node,
  type Pod,
  type PodDisruptionBudget,
  type QueuedPodInfo,
  type SchedulingQueueOptions,
} from '@skiff/scheduler';
import type { Actor } from 'xstate';
import { PodTracker } from './pod-tracker.js';
import { assignedPodEvent, DEFAULT_SCHEDULER_NAME, isAssigned, isPodUpdated, leaseNameFor, preemptionCondition, isResponsibleFor, isTerminal, scheduledMessage, unschedulableConditions, type PodCondition } from './pod-rules.js';
import { schedulerLoopMachine } from './scheduler-loop.machine.js';

export const LEASE_NAMESPACE = 'kube-system';

export interface SchedulerOptions {
  /** The service host this scheduler's actors (loop, elector, reflectors) live on. */
  readonly host: ServiceHost;
  readonly cluster: string;
  readonly schedulerName: string;
  readonly random: Random;
  readonly leaderElection?: Partial<LeaderElectionTimings>;
  readonly queue?: Pick<SchedulingQueueOptions, 'initialBackoffMs' | 'maxBackoffMs' | 'maxInUnschedulableMs'>;
  /** How often an idle leader looks at the queue without being woken. Default 1,000 ms. */
  readonly idlePollMs?: number;
}

export interface Scheduler {
  readonly schedulerName: string;
  readonly identity: string;
  readonly client: ApiClient;
  readonly elector: LeaderElector;
  readonly loop: Actor<typeof schedulerLoopMachine>;
  /** One podSchedulingMachine per pending pod, on the host. */
  readonly pods: PodTracker;
  isLeader(): boolean;
  /** Resolves once this instance leads (never rejects; pends while it stands by). */
  whenLeading(): Promise<void>;
  /** Pods bound by this instance so far. */
  readonly bound: () => number;
  /** Releases the lease (so a standby takes over at once), then stops informers and timers. */
  stop(): Promise<void>;
}

type Tombstone<T> = T | DeletedFinalStateUnknown<T>;
const unwrap = <T>(obj: Tombstone<T>): T => (isTombstone(obj) ? obj.obj : obj);
function isTombstone<T>(obj: Tombstone<T>): obj is DeletedFinalStateUnknown<T> {
  return (obj as { type?: unknown }).type === 'DeletedFinalStateUnknown';
}
const asPod = (o: KubeObject): Pod => o as unknown as Pod;

export async function startScheduler(opts: SchedulerOptions): Promise<Scheduler> {
  const { host, schedulerName } = opts;
  const log = host.logger;
  const clock = host.clock;
  const identity = host.instance;
  const client = createApiClient({ bus: host.bus, cluster: opts.cluster, clock, random: opts.random, fieldManager: schedulerName });
  const recorder = createEventRecorder({ client, source: { component: schedulerName, host: identity }, onError: (err) => log.warn({ err }, 'event not recorded') });
  const frameworks = createFrameworks([defaultProfile(schedulerName)], inTreeRegistry());
  const framework = frameworks.get(schedulerName)!;
  const cache = new SchedulerCache(clock, {}, (pods) => pods.forEach((p) => log.warn({ pod: p.metadata?.name }, 'assumed pod expired')));
  // The loop machine is created below; the queue wakes it through this reference.
  let wake = (): void => {};
  const queue = new SchedulingQueue(clock, { ...opts.queue, pluginsForEvent: (e) => framework.pluginsInterestedIn(e), onActive: () => wake() });
  const factory = createSharedInformerFactory({ client, clock, random: opts.random, inspect: host.inspector.inspect, onError: (r, what, err) => log.warn({ err, resource: r.resource, what }, 'informer error') });
  const tracker = new PodTracker(host, { ...opts.queue });
  wireInformers(factory, { cache, queue, tracker, schedulerName });

  const state = { nextStartNodeIndex: 0, bound: 0, stopped: false, sliceStartMs: clock.now() };
  const ctx: CycleContext = { client, recorder, framework, cache, queue, tracker, random: opts.random, state, log };
  const loop = host.spawn(schedulerLoopMachine, { id: `scheduler-loop-${schedulerName}`, input: { cycle: () => yieldBetweenCycles(ctx).then(() => runCycle(ctx)), idlePollMs: opts.idlePollMs ?? 1_000 } });
  wake = () => loop.send({ type: 'WAKE' });

  factory.start();
  cache.start();
  queue.start();
  await factory.waitForCacheSync();

  let leading: (() => void) | undefined;
  const leadingNow = new Promise<void>((resolve) => (leading = resolve));
  const elector = startLeaderElector({
    client,
    namespace: LEASE_NAMESPACE,
    name: leaseNameFor(schedulerName),
    identity,
    ...(opts.leaderElection === undefined ? {} : { timings: opts.leaderElection }),
    random: opts.random,
    clock,
    inspect: host.inspector.inspect,
    onStartedLeading: () => {
      log.info({ schedulerName, identity }, 'started leading');
      leading?.();
      loop.send({ type: 'LEADING' });
    },
    onStoppedLeading: () => {
      log.info({ schedulerName, identity }, 'stopped leading');
      loop.send({ type: 'STOPPED_LEADING' });
    },
    onError: (err) => log.debug({ err }, 'leader election attempt failed'),
  });

  let stopping: Promise<void> | undefined;
  return {
    schedulerName,
    identity,
    client,
    elector,
    loop,
    pods: tracker,
    isLeader: () => elector.isLeader(),
    whenLeading: () => leadingNow,
    bound: () => state.bound,
    stop: () =>
      (stopping ??= (async () => {
        state.stopped = true;
        await elector.stop(); // releases the lease first; its STOPPED_LEADING still finds the loop running
        loop.send({ type: 'STOP' });
        factory.stop();
        queue.stop();
        cache.stop();
        await recorder.flush();
      })()),
  };
}

interface Sinks {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly tracker: PodTracker;
  readonly schedulerName: string;
}

function wireInformers(factory: SharedInformerFactory, sinks: Sinks): void {
  const { cache, queue } = sinks;
  factory.informerFor(Resources.nodes).addEventHandler({
    onAdd: (n) => {
      cache.addNode(n as unknown as Node);
      queue.moveAllToActiveOrBackoffQueue(ClusterEventType.NodeAdd);
    },
    onUpdate: (_, n) => {
      cache.updateNode(n as unknown as Node);
      queue.moveAllToActiveOrBackoffQueue(ClusterEventType.NodeUpdate);
    },
    onDelete: (n) => cache.removeNode(unwrap(n).metadata.name ?? ''),
  });
  factory.informerFor(Resources.namespaces).addEventHandler({
    onAdd: (ns) => cache.setNamespace(ns),
    onUpdate: (_, ns) => {
      cache.setNamespace(ns);
      queue.moveAllToActiveOrBackoffQueue(ClusterEventType.NamespaceChange);
    },
    onDelete: (ns) => cache.removeNamespace(unwrap(ns).metadata.name ?? ''),
  });
  const pdbs = factory.informerFor(Resources.podDisruptionBudgets);
  const syncPdbs = (): void => cache.setPodDisruptionBudgets(pdbs.lister.list() as unknown as PodDisruptionBudget[]);
  pdbs.addEventHandler({ onAdd: syncPdbs, onUpdate: syncPdbs, onDelete: syncPdbs });
  factory.informerFor(Resources.pods).addEventHandler({
    onAdd: (o) => podAdded(asPod(o), sinks),
    onUpdate: (old, o) => podUpdated(asPod(old), asPod(o), sinks),
    onDelete: (o) => podDeleted(asPod(unwrap(o)), sinks),
  });
}

function podAdded(pod: Pod, { cache, queue, tracker, schedulerName }: Sinks): void {
  if (isAssigned(pod)) {
    if (isTerminal(pod)) return;
    cache.addPod(pod);
    queue.moveAllToActiveOrBackoffQueue(ClusterEventType.PodAdd);
  } else if (isResponsibleFor(pod, schedulerName)) {
    tracker.track(pod); // first: adding may wake the loop, which pops at once
    queue.add(pod);
  }
}

function podUpdated(old: Pod, pod: Pod, { cache, queue, tracker, schedulerName }: Sinks): void {
  if (isAssigned(pod)) {
    const justBound = !isAssigned(old);
    if (justBound) {
      queue.delete(pod); // bound: it leaves the queue (ours or another scheduler's)
      tracker.end(pod, 'bound');
    }
    if (isTerminal(pod)) {
      cache.removePod(pod);
      queue.moveAllToActiveOrBackoffQueue(ClusterEventType.PodDelete);
      return;
    }
    cache.updatePod(pod);
    // Bindings and label changes wake pods waiting for pod affinity or topology spread.
    queue.moveAllToActiveOrBackoffQueue(assignedPodEvent(old, pod));
  } else if (isResponsibleFor(pod, schedulerName)) {
    tracker.track(pod);
    if (isPodUpdated(old, pod) || queue.where(podKey(pod)) === undefined) queue.update(pod);
  } else {
    queue.delete(pod);
    tracker.end(pod, 'deleted');
  }
}

function podDeleted(pod: Pod, { cache, queue, tracker }: Sinks): void {
  if (isAssigned(pod)) {
    cache.removePod(pod);
    queue.moveAllToActiveOrBackoffQueue(ClusterEventType.PodDelete);
  } else {
    queue.delete(pod);
    tracker.end(pod, 'deleted');
  }
}

interface CycleContext {
  readonly client: ApiClient;
  readonly recorder: EventRecorder;
  readonly framework: Framework;
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly tracker: PodTracker;
  readonly random: Random;
  readonly state: { nextStartNodeIndex: number; bound: number; stopped: boolean; sliceStartMs: number };
  readonly log: ServiceHost['logger'];
}

/** Cycles run back to back for at most this long before the loop lets other work in. */
export const CYCLE_SLICE_MS = 20;

/**
 * Cycles chain through promise callbacks, which never give the event loop a turn: with a long
 * queue the loop would starve everything else in the process (binding answers, informer events,
 * the API server when it shares the process). kube-scheduler's loop is a goroutine of its own; here
 * it yields once per slice.
 */
async function yieldBetweenCycles(ctx: CycleContext): Promise<void> {
  const now = ctx.client.clock.now();
  if (now - ctx.state.sliceStartMs < CYCLE_SLICE_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  ctx.state.sliceStartMs = ctx.client.clock.now();
}

/** One scheduling cycle (schedule_one.go ScheduleOne); true when a pod was popped. */
async function runCycle(ctx: CycleContext): Promise<boolean> {
  if (ctx.state.stopped) return false;
  const q = ctx.queue.pop();
  if (q === undefined) return false;
  const cycle = ctx.queue.currentCycle;
  const pod = q.podInfo.pod;
  const nowMs = (): number => ctx.client.clock.now();
  ctx.tracker.attempt(pod, nowMs());
  const snapshot = ctx.cache.snapshot(ctx.queue.nominatedPods);
  const result = scheduleOne(pod, snapshot, ctx.framework, ctx.random, { nextStartNodeIndex: ctx.state.nextStartNodeIndex });
  ctx.state.nextStartNodeIndex = result.nextStartNodeIndex;
  switch (result.type) {
    case 'scheduled':
      assumeAndBind(ctx, q, result.nodeName, cycle);
      return true;
    case 'nominated':
      ctx.tracker.report(pod, { type: 'nominated', nodeName: result.nominatedNodeName, message: result.message, nowMs: nowMs() });
      // Asynchronous preemption (kube-scheduler's SchedulerAsyncPreemption): the API calls run in
      // the background and the next cycle starts now. The nomination is in the queue already, so
      // later cycles count this pod on its node; the pod itself returns to the queue only when its
      // victims' deletions were answered, so it cannot preempt twice for one need.
      ctx.queue.setNominatedNode(pod, result.nominatedNodeName);
      void preempt(ctx, q, result.nominatedNodeName, result.victims, result.lowerPriorityNominatedPods)
        .then(() => ctx.tracker.report(pod, { type: 'victimsEvicted' }))
        .then(() => reportUnschedulable(ctx, pod, result.message))
        // Back in the queue with its nomination (the informer's copy arrives while it is in flight,
        // and is not applied then): the next cycle tries the nominated node first.
        .finally(() => ctx.queue.addUnschedulableIfNotPresent(withNomination(q, result.nominatedNodeName), result.diagnosis.unschedulablePlugins, cycle));
      return true;
    case 'unschedulable':
      ctx.tracker.report(pod, { type: 'unschedulable', message: result.message, nowMs: nowMs() });
      if (result.clearNominatedNode && (pod.status?.nominatedNodeName ?? '') !== '') await setNominatedNode(ctx, pod, '');
      await reportUnschedulable(ctx, pod, result.message);
      ctx.queue.addUnschedulableIfNotPresent(q, result.diagnosis.unschedulablePlugins, cycle);
      return true;
    case 'error':
      ctx.log.warn({ pod: pod.metadata?.name, message: result.message }, 'scheduling error');
      ctx.tracker.report(pod, { type: 'error', message: result.message, nowMs: nowMs() });
      await reportUnschedulable(ctx, pod, result.message);
      ctx.queue.addUnschedulableIfNotPresent(q, new Set(), cycle);
      return true;
  }
}

/** Assume now (the next cycle counts the pod), bind in the background (the binding cycle). */
function assumeAndBind(ctx: CycleContext, q: QueuedPodInfo, nodeName: string, cycle: number): void {
  const pod = q.podInfo.pod;
  ctx.tracker.report(pod, { type: 'scheduled', nodeName });
  try {
    ctx.cache.assumePod(pod, nodeName);
  } catch (err) {
    ctx.log.warn({ err, pod: pod.metadata?.name }, 'assume failed');
    ctx.tracker.report(pod, { type: 'forgotten', message: String(err), nowMs: ctx.client.clock.now() });
    ctx.queue.addUnschedulableIfNotPresent(q, new Set(), cycle);
    return;
  }
  ctx.tracker.report(pod, { type: 'bindingStarted' });
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? 'default';
  const uid = pod.metadata?.uid;
  void ctx.client
    .bind({ metadata: { name, namespace, ...(uid === undefined ? {} : { uid }) }, target: { kind: 'Node', name: nodeName } })
    .then(
      () => {
        ctx.cache.finishBinding(pod);
        ctx.queue.done(q.podInfo.key);
        ctx.state.bound++;
        ctx.tracker.report(pod, { type: 'bound' });
        void ctx.recorder.event(pod as unknown as KubeObject, 'Normal', 'Scheduled', scheduledMessage(pod, nodeName));
      },
      (err: unknown) => {
        ctx.log.warn({ err, pod: name, node: nodeName }, 'binding failed');
        ctx.cache.forgetPod(pod);
        ctx.tracker.report(pod, { type: 'bindFailed', message: String(err), nowMs: ctx.client.clock.now() });
        // Empty plugin set: back-off, then another try (handleBindingCycleError).
        ctx.queue.addUnschedulableIfNotPresent(q, new Set(), cycle);
      },
    );
}

/** DefaultPreemption's outcome: victims deleted gracefully, the preemptor nominated to the node. */
async function preempt(ctx: CycleContext, q: QueuedPodInfo, nodeName: string, victims: readonly Pod[], lower: readonly Pod[]): Promise<void> {
  const pod = q.podInfo.pod;
  // prepareCandidate deletes the victims in parallel (one round trip for all, not one each), and
  // clears lower-priority nominations beside them; the cycle waits for all of it.
  const deletions = victims.map((victim) => deleteVictim(ctx, pod, victim, nodeName));
  const cleared = lower.map((other) => setNominatedNode(ctx, other, ''));
  ctx.queue.setNominatedNode(pod, nodeName);
  await Promise.all([...deletions, ...cleared, setNominatedNode(ctx, pod, nodeName)]);
}

function withNomination(q: QueuedPodInfo, nodeName: string): QueuedPodInfo {
  const pod = q.podInfo.pod;
  return { ...q, podInfo: podInfoOf({ ...pod, status: { ...pod.status, nominatedNodeName: nodeName } }) };
}

async function deleteVictim(ctx: CycleContext, pod: Pod, victim: Pod, nodeName: string): Promise<void> {
  const name = victim.metadata?.name ?? '';
  const namespace = victim.metadata?.namespace ?? 'default';
  // preemption.go PreemptPod: Eventf(victim, preemptor, Normal, "Preempted", "Preempting", ...).
  const details = { action: 'Preempting', related: pod as unknown as KubeObject };
  void ctx.recorder.event(victim as unknown as KubeObject, 'Normal', 'Preempted', `Preempted by pod ${pod.metadata?.uid ?? ''} on node ${nodeName}`, details);
  // DisruptionTarget first (strategic merge: conditions merge by type, the kubelet's stay).
  const condition = preemptionCondition(pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME, new Date(ctx.client.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  await ctx.client
    .patchStatus(Resources.pods, name, 'strategic', { status: { conditions: [condition] } }, { namespace })
    .catch((err: unknown) => ctx.log.warn({ err, victim: name }, 'preemption: DisruptionTarget condition not set'));
  try {
    const answer = await ctx.client.delete(Resources.pods, name, { namespace });
    // Gone at once (no grace period left): forget it now rather than when the informer catches up,
    // or a cycle in between sees the node still full and preempts the same victims again.
    if (isGoneNow(answer)) ctx.cache.removePod(victim);
  } catch (err) {
    if (isNotFound(err)) ctx.cache.removePod(victim);
    else ctx.log.warn({ err, victim: name }, 'preemption: victim not deleted');
  }
}

/** A delete's answer for an object that no longer exists: a Status, or the object with no grace period pending. */
function isGoneNow(answer: KubeObject): boolean {
  if (answer.kind === 'Status') return true;
  const meta = answer.metadata as { deletionTimestamp?: string; deletionGracePeriodSeconds?: number };
  return meta.deletionTimestamp === undefined || (meta.deletionGracePeriodSeconds ?? 0) === 0;
}

async function setNominatedNode(ctx: CycleContext, pod: Pod, nodeName: string): Promise<void> {
  const name = pod.metadata?.name ?? '';
  await ctx.client
    .patchStatus(Resources.pods, name, 'merge', { status: { nominatedNodeName: nodeName === '' ? null : nodeName } }, { namespace: pod.metadata?.namespace ?? 'default' })
    .catch((err: unknown) => ctx.log.warn({ err, pod: name }, 'nominatedNodeName not updated'));
}

/** PodScheduled=False (Unschedulable) on the pod and a FailedScheduling Warning Event. */
async function reportUnschedulable(ctx: CycleContext, pod: Pod, message: string): Promise<void> {
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? 'default';
  void ctx.recorder.event(pod as unknown as KubeObject, 'Warning', 'FailedScheduling', message);
  const existing = ((pod.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? []) as readonly PodCondition[];
  const conditions = unschedulableConditions(existing, message, new Date(ctx.client.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  await ctx.client
    .patchStatus(Resources.pods, name, 'merge', { status: { conditions } }, { namespace })
    .catch((err: unknown) => ctx.log.warn({ err, pod: name }, 'PodScheduled condition not updated'));
}
