import { describe, expect, it } from 'vitest';
import { ClusterEventType, type Pod } from '@skiff/scheduler';
import { FlagError, leaderElectionTimings, parseDurationMs } from '../src/flags.js';
import { assignedPodEvent, isPodUpdated, isResponsibleFor, leaseNameFor, preemptionCondition, scheduledMessage, unschedulableConditions, type PodCondition } from '../src/pod-rules.js';

const pod = (spec: Pod['spec'] = {}, extra: Record<string, unknown> = {}): Pod => ({ metadata: { name: 'p', namespace: 'ns' }, spec, ...extra }) as Pod;

describe('pod rules', () => {
  it("elects the default scheduler's leader on kube-scheduler's Lease, another scheduler's on its own", () => {
    expect(leaseNameFor('default-scheduler')).toBe('kube-scheduler');
    expect(leaseNameFor('my-scheduler')).toBe('my-scheduler');
  });

  it('queues only live, unassigned pods of this scheduler (default-scheduler when unnamed)', () => {
    expect(isResponsibleFor(pod(), 'default-scheduler')).toBe(true);
    expect(isResponsibleFor(pod(), 'my-scheduler')).toBe(false);
    expect(isResponsibleFor(pod({ schedulerName: 'my-scheduler' }), 'my-scheduler')).toBe(true);
    expect(isResponsibleFor(pod({ nodeName: 'n1' }), 'default-scheduler')).toBe(false);
    expect(isResponsibleFor(pod({}, { status: { phase: 'Failed' } }), 'default-scheduler')).toBe(false);
    expect(isResponsibleFor(pod({}, { metadata: { name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' } }), 'default-scheduler')).toBe(false);
  });

  it('replaces PodScheduled and keeps the transition time while it stays Unschedulable', () => {
    const ready: PodCondition = { type: 'Ready', status: 'False' };
    const first = unschedulableConditions([ready], 'm1', 't1');
    expect(first).toEqual([ready, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'm1', lastProbeTime: null, lastTransitionTime: 't1' }]);
    const second = unschedulableConditions(first, 'm2', 't2');
    expect(second.filter((c) => c.type === 'PodScheduled')).toEqual([{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'm2', lastProbeTime: null, lastTransitionTime: 't1' }]);
  });

  it('says where a pod went', () => {
    expect(scheduledMessage(pod(), 'node-1')).toBe('Successfully assigned ns/p to node-1');
  });

  it('ignores status and bookkeeping changes, not spec or label changes', () => {
    const make = (meta: Record<string, unknown>, spec: Record<string, unknown>, status: Record<string, unknown> = {}): Pod => ({ metadata: meta, spec, status }) as unknown as Pod;
    const a = make({ name: 'p', resourceVersion: '1' }, { nodeSelector: { a: '1' } });
    expect(isPodUpdated(a, make({ name: 'p', resourceVersion: '2', managedFields: [] }, { nodeSelector: { a: '1' } }, { nominatedNodeName: 'n' }))).toBe(false);
    expect(isPodUpdated(a, make({ name: 'p', resourceVersion: '1' }, { nodeSelector: { a: '2' } }))).toBe(true);
    expect(isPodUpdated(a, make({ name: 'p', resourceVersion: '1', labels: { x: 'y' } }, { nodeSelector: { a: '1' } }))).toBe(true);
  });
});

describe('assigned pod events', () => {
  it('counts a binding and a label change as adds (affinity may now match), other updates as updates', () => {
    const bound = pod({ nodeName: 'n1' }, { metadata: { name: 'p', namespace: 'ns', labels: { a: '1', b: '2' } } });
    expect(assignedPodEvent(pod(), bound)).toBe(ClusterEventType.PodAdd);
    expect(assignedPodEvent(bound, { ...bound, metadata: { ...bound.metadata, labels: { a: '1', b: '3' } } })).toBe(ClusterEventType.PodAdd);
    expect(assignedPodEvent(bound, { ...bound, metadata: { ...bound.metadata, labels: { b: '2', a: '1' } } })).toBe(ClusterEventType.PodUpdate);
    expect(assignedPodEvent(bound, { ...bound, status: { phase: 'Running' } })).toBe(ClusterEventType.PodUpdate);
  });
});

describe('preemption condition', () => {
  it("names the preemptor's scheduler as kube-scheduler does", () => {
    expect(preemptionCondition('my-scheduler', '2026-11-25T10:00:00Z')).toEqual({
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: 'my-scheduler: preempting to accommodate a higher priority pod',
      lastTransitionTime: '2026-11-25T10:00:00Z',
    });
  });
});

describe('leader election flags', () => {
  it('reads Go durations into timings, leaving unset flags to the defaults', () => {
    expect(leaderElectionTimings({ leaderElectLeaseDuration: '4s', leaderElectRetryPeriod: '500ms' })).toEqual({ leaseDurationMs: 4_000, retryPeriodMs: 500 });
    expect(leaderElectionTimings({ leaderElectRenewDeadline: '1m30s' })).toEqual({ renewDeadlineMs: 90_000 });
    expect(leaderElectionTimings({})).toEqual({});
    expect(() => parseDurationMs('4 seconds')).toThrow(FlagError);
  });
});
