// Pure rules of the scheduler service about pods: which pods it schedules, which it counts on
// nodes, and the PodScheduled condition it writes (pkg/scheduler/eventhandlers.go, schedule_one.go).
import { ClusterEventType, type Pod } from '@skiff/scheduler';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/**
 * The Lease replicas of one scheduler elect their leader on (kube-system/<name>). The default
 * scheduler uses kube-scheduler's own (`--leader-elect-resource-name` defaults to kube-scheduler,
 * whatever the profile's name); another scheduler name gets a Lease of its own, so that
 * my-scheduler and the default scheduler do not take turns on one lock.
 */
export function leaseNameFor(schedulerName: string): string {
  return schedulerName === DEFAULT_SCHEDULER_NAME ? 'kube-scheduler' : schedulerName;
}

export interface PodCondition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
  readonly lastProbeTime?: string | null;
}

/** A pod with a node: the cache counts it on that node. */
export function isAssigned(pod: Pod): boolean {
  return (pod.spec?.nodeName ?? '') !== '';
}

/** Succeeded or Failed pods hold no resources (assignedPod filter of the cache's informer). */
export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The queue takes unassigned, live pods whose spec.schedulerName names this scheduler. */
export function isResponsibleFor(pod: Pod, schedulerName: string): boolean {
  if (isAssigned(pod) || isTerminal(pod) || pod.metadata?.deletionTimestamp !== undefined) return false;
  return (pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === schedulerName;
}

/**
 * The queue event for an update of an assigned pod. A binding is an add (the assigned-pod handler
 * of eventhandlers.go filters on nodeName, so unassigned -> assigned arrives as AssignedPodAdd);
 * so is a label change (UpdatePodLabel, which InterPodAffinity and PodTopologySpread register for
 * as they do for adds: a pod with those labels now sits on that node). Anything else is an update.
 */
export function assignedPodEvent(oldPod: Pod, newPod: Pod): ClusterEventType {
  if (!isAssigned(oldPod)) return ClusterEventType.PodAdd;
  const labels = (p: Pod): string => JSON.stringify(Object.entries(p.metadata?.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return labels(oldPod) === labels(newPod) ? ClusterEventType.PodUpdate : ClusterEventType.PodAdd;
}

/** The pod's conditions with PodScheduled=False/Unschedulable replacing any previous PodScheduled. */
export function unschedulableConditions(existing: readonly PodCondition[], message: string, now: string): PodCondition[] {
  const prior = existing.find((c) => c.type === 'PodScheduled');
  const unchanged = prior?.status === 'False' && prior.reason === 'Unschedulable';
  const condition: PodCondition = {
    type: 'PodScheduled',
    status: 'False',
    reason: 'Unschedulable',
    message,
    lastProbeTime: null,
    lastTransitionTime: unchanged && prior.lastTransitionTime !== undefined ? prior.lastTransitionTime : now,
  };
  return [...existing.filter((c) => c.type !== 'PodScheduled'), condition];
}

/**
 * The condition kube-scheduler sets on a victim before deleting it (preemption.go PreemptPod; the
 * PodDisruptionConditions feature, GA in 1.31), so the victim's owner can tell why it went.
 */
export function preemptionCondition(preemptorSchedulerName: string, now: string): PodCondition {
  return {
    type: 'DisruptionTarget',
    status: 'True',
    reason: 'PreemptionByScheduler',
    message: `${preemptorSchedulerName}: preempting to accommodate a higher priority pod`,
    lastTransitionTime: now,
  };
}

export function scheduledMessage(pod: Pod, nodeName: string): string {
  return `Successfully assigned ${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''} to ${nodeName}`;
}

/**
 * Whether an update could change the pod's scheduling (the queue's isPodUpdated): status,
 * resourceVersion, generation and managedFields do not count, so the scheduler's own status writes
 * (PodScheduled, nominatedNodeName) never retry an unschedulable pod.
 */
export function isPodUpdated(oldPod: Pod, newPod: Pod): boolean {
  return JSON.stringify(schedulingView(oldPod)) !== JSON.stringify(schedulingView(newPod));
}

function schedulingView(pod: Pod): unknown {
  const { resourceVersion: _rv, generation: _g, managedFields: _mf, ...metadata } = (pod.metadata ?? {}) as Record<string, unknown>;
  return { metadata, spec: pod.spec };
}
