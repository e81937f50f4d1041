// The scheduler service against a real nats-server, a real store and the real API server: nodes
// are API objects (no kubelets), pods are created through the API and the assertions read back
// what the scheduler wrote (bindings, PodScheduled conditions, Events, nominatedNodeName, Lease).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources, type KubeObject } from '@skiff/client';
import type { SchedulerProcess } from '../src/start.js';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';

let cluster: TestCluster;
let first: SchedulerProcess;
let second: SchedulerProcess;

interface PodSpecIn {
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations?: readonly Record<string, string>[];
  readonly schedulerName?: string;
  readonly priorityClassName?: string;
  readonly cpu?: string;
}

function podObject(name: string, spec: PodSpecIn = {}): KubeObject {
  const { cpu, ...rest } = spec;
  const resources = cpu === undefined ? {} : { resources: { requests: { cpu } } };
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { ...rest, containers: [{ name: 'c', image: 'nginx', ...resources }] } } as KubeObject;
}

async function createNode(name: string, labels: Record<string, string>, opts: { taints?: readonly Record<string, string>[]; cpu?: string } = {}): Promise<void> {
  const allocatable = { cpu: opts.cpu ?? '4', memory: '8Gi', pods: '110' };
  const status = { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: 'True' }] };
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: { taints: opts.taints ?? [] }, status } as KubeObject;
  await cluster.client.create(Resources.nodes, node);
  await cluster.client.patchStatus(Resources.nodes, name, 'merge', { status });
}

const getPod = (name: string): Promise<KubeObject> => cluster.client.get(Resources.pods, name, { namespace: 'default' });
const nodeOf = (pod: KubeObject): string | undefined => ((pod['spec'] as { nodeName?: string } | undefined)?.nodeName ?? '') || undefined;

async function boundNode(name: string): Promise<string> {
  return eventually(async () => nodeOf(await getPod(name)), `pod ${name} bound`);
}

async function eventsAbout(name: string): Promise<KubeObject[]> {
  const list = await cluster.client.list(Resources.events, { namespace: 'default' });
  return list.items.filter((e) => (e['involvedObject'] as { name?: string } | undefined)?.name === name);
}

beforeAll(async () => {
  cluster = await startTestCluster();
  await createNode('node1', { pool: 'a' }, { taints: [{ key: 'key1', value: 'value1', effect: 'NoSchedule' }] });
  await createNode('node2', { disktype: 'ssd', pool: 'a' });
  await createNode('node3', { pool: 'a' });
  await createNode('small', { pool: 'small' }, { cpu: '1' });
  first = await cluster.startScheduler('scheduler-1');
  second = await cluster.startScheduler('scheduler-2');
  await Promise.race([first.scheduler.whenLeading(), second.scheduler.whenLeading()]);
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

// Each step waits on the cluster with bounded polls (eventually: 20 s); the suite allows for a loaded machine.
describe('scheduler service', { timeout: 60_000 }, () => {
  it('elects exactly one leader among two instances on Lease kube-system/kube-scheduler', async () => {
    const leaders = [first, second].filter((s) => s.scheduler.isLeader()).map((s) => s.scheduler.identity);
    expect(leaders).toHaveLength(1);
    const lease = await cluster.client.get(Resources.leases, 'kube-scheduler', { namespace: 'kube-system' });
    expect((lease['spec'] as { holderIdentity?: string }).holderIdentity).toBe(leaders[0]);
  });

  it('binds pods where nodeSelector and taints allow, with a Scheduled event', async () => {
    await cluster.client.create(Resources.pods, podObject('ssd-pod', { nodeSelector: { disktype: 'ssd' } }));
    await cluster.client.create(
      Resources.pods,
      podObject('tolerating', { nodeSelector: { 'kubernetes.io/hostname': 'node1' }, tolerations: [{ key: 'key1', operator: 'Equal', value: 'value1', effect: 'NoSchedule' }] }),
    );
    await cluster.client.create(Resources.pods, podObject('anywhere', { nodeSelector: { pool: 'a' } }));
    expect(await boundNode('ssd-pod')).toBe('node2');
    expect(await boundNode('tolerating')).toBe('node1');
    // node1's taint keeps an intolerant pod off it.
    expect(['node2', 'node3']).toContain(await boundNode('anywhere'));
    const scheduled = await eventually(async () => (await eventsAbout('ssd-pod')).find((e) => e['reason'] === 'Scheduled'), 'Scheduled event');
    expect(scheduled['type']).toBe('Normal');
    expect(scheduled['message']).toBe('Successfully assigned default/ssd-pod to node2');
  });

  it('leaves a pod that fits nowhere pending with PodScheduled=False and a FailedScheduling event', async () => {
    await cluster.client.create(Resources.pods, podObject('intolerant', { nodeSelector: { 'kubernetes.io/hostname': 'node1' } }));
    const condition = await eventually(async () => {
      const pod = await getPod('intolerant');
      const conditions = (pod['status'] as { conditions?: Record<string, string>[] } | undefined)?.conditions ?? [];
      return conditions.find((c) => c['type'] === 'PodScheduled');
    }, 'PodScheduled condition');
    expect(condition['status']).toBe('False');
    expect(condition['reason']).toBe('Unschedulable');
    expect(condition['message']).toMatch(/^0\/4 nodes are available: /);
    expect(condition['message']).toContain('untolerated taint');
    const failed = await eventually(async () => (await eventsAbout('intolerant')).find((e) => e['reason'] === 'FailedScheduling'), 'FailedScheduling event');
    expect(failed['type']).toBe('Warning');
    expect(failed['message']).toBe(condition['message']);
    expect(nodeOf(await getPod('intolerant'))).toBeUndefined();
    // The leader's per-pod chart on its service host shows where the pod waits; bound pods have none.
    const leader = first.scheduler.isLeader() ? first : second;
    const intolerant = await getPod('intolerant');
    await eventually(async () => (leader.scheduler.pods.stateOf(intolerant as never) === 'unschedulable' ? true : undefined), 'pod chart unschedulable');
    expect(leader.scheduler.pods.stateOf((await getPod('ssd-pod')) as never)).toBeUndefined();
    expect(leader.host.inspector.describe().actors.map((a) => a.id)).toContain('pod-default-intolerant');
  });

  it('preempts a low-priority pod for a high-priority one on a full node', async () => {
    await cluster.client.create(Resources.priorityClasses, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high-priority' }, value: 1_000_000 } as KubeObject);
    await cluster.client.create(Resources.priorityClasses, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low-priority' }, value: 10 } as KubeObject);
    await cluster.client.create(Resources.pods, podObject('low', { nodeSelector: { pool: 'small' }, priorityClassName: 'low-priority', cpu: '800m' }));
    expect(await boundNode('low')).toBe('small');
    await cluster.client.create(Resources.pods, podObject('high', { nodeSelector: { pool: 'small' }, priorityClassName: 'high-priority', cpu: '800m' }));
    // The scheduler deletes the victim gracefully and nominates the node for the preemptor.
    const nominated = await eventually(async () => ((await getPod('high'))['status'] as { nominatedNodeName?: string } | undefined)?.nominatedNodeName, 'nominatedNodeName');
    expect(nominated).toBe('small');
    // No kubelet runs here: finish the victim's graceful deletion as its kubelet would.
    await eventually(async () => {
      const low = await getPod('low').catch(() => undefined);
      if (low === undefined) return true;
      if (low.metadata.deletionTimestamp === undefined) return undefined;
      await cluster.client.delete(Resources.pods, 'low', { namespace: 'default', gracePeriodSeconds: 0 });
      return true;
    }, 'victim deleted');
    expect(await boundNode('high')).toBe('small');
    const preempted = await eventually(async () => (await eventsAbout('low')).find((e) => e['reason'] === 'Preempted'), 'Preempted event');
    expect(preempted['message']).toContain('small');
  });

  it('schedules a pod waiting for pod affinity once a matching pod is bound (a binding counts as an assigned pod add)', async () => {
    const affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    const follower = podObject('follower', { nodeSelector: { pool: 'a' } });
    await cluster.client.create(Resources.pods, { ...follower, spec: { ...(follower['spec'] as object), affinity } } as KubeObject);
    await eventually(async () => (await eventsAbout('follower')).find((e) => e['reason'] === 'FailedScheduling'), 'follower unschedulable');
    const cache = podObject('cache', { nodeSelector: { disktype: 'ssd' } });
    await cluster.client.create(Resources.pods, { ...cache, metadata: { ...cache.metadata, labels: { app: 'cache' } } } as KubeObject);
    expect(await boundNode('cache')).toBe('node2');
    expect(await boundNode('follower')).toBe('node2');
  });

  it('schedules a pod waiting for pod affinity once a bound pod is labelled to match', async () => {
    const affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    await cluster.client.create(Resources.pods, podObject('db', { nodeSelector: { 'kubernetes.io/hostname': 'node3' } }));
    expect(await boundNode('db')).toBe('node3');
    const follower = podObject('db-follower', { nodeSelector: { pool: 'a' } });
    await cluster.client.create(Resources.pods, { ...follower, spec: { ...(follower['spec'] as object), affinity } } as KubeObject);
    await eventually(async () => (await eventsAbout('db-follower')).find((e) => e['reason'] === 'FailedScheduling'), 'db-follower unschedulable');
    await cluster.client.patch(Resources.pods, 'db', 'merge', { metadata: { labels: { app: 'db' } } }, { namespace: 'default' });
    expect(await boundNode('db-follower')).toBe('node3');
  });

  it('leaves a my-scheduler pod to a scheduler named my-scheduler', async () => {
    await cluster.client.create(Resources.pods, podObject('custom', { schedulerName: 'my-scheduler', nodeSelector: { pool: 'a' } }));
    await cluster.client.create(Resources.pods, podObject('after-custom', { nodeSelector: { pool: 'a' } }));
    // The default scheduler has handled a pod created later, and still has not touched this one.
    await boundNode('after-custom');
    expect(nodeOf(await getPod('custom'))).toBeUndefined();
    expect(await eventsAbout('custom')).toEqual([]);
    const mine = await cluster.startScheduler('my-scheduler-1', 'my-scheduler');
    await mine.scheduler.whenLeading();
    expect(['node2', 'node3']).toContain(await boundNode('custom'));
    const scheduled = await eventually(async () => (await eventsAbout('custom')).find((e) => e['reason'] === 'Scheduled'), 'Scheduled event');
    expect((scheduled['source'] as { component?: string }).component).toBe('my-scheduler');
    expect(mine.scheduler.bound()).toBe(1);
  });

  it('hands over to the standby when the leader stops', async () => {
    const [leader, standby] = first.scheduler.isLeader() ? [first, second] : [second, first];
    await leader.stop();
    await standby.scheduler.whenLeading();
    const lease = await cluster.client.get(Resources.leases, 'kube-scheduler', { namespace: 'kube-system' });
    expect((lease['spec'] as { holderIdentity?: string }).holderIdentity).toBe(standby.scheduler.identity);
    const before = standby.scheduler.bound();
    await cluster.client.create(Resources.pods, podObject('after-handover', { nodeSelector: { pool: 'a' } }));
    expect(['node2', 'node3']).toContain(await boundNode('after-handover'));
    expect(standby.scheduler.bound()).toBe(before + 1);
  });
});
