// The scheduler end to end as the Kubernetes documentation drives it: the real kubectl applies the
// docs' manifests (manifests/ beside this file, copied from kubernetes.io) to the real API server over a real
// nats-server and store; default schedulers run as processes of their own (so one can be killed),
// a controller manager runs the ReplicaSet and Deployment controllers for the Deployments. Nodes
// are API objects with capacity and no kubelet: the scheduler only binds. Each block creates its
// nodes; afterEach removes them and the pods, so every "0/N nodes" message counts its own.
//
// Sources: tasks/configure-pod-container/assign-pods-nodes, concepts/scheduling-eviction/
// assign-pod-node, taint-and-toleration, pod-priority-preemption, tasks/extend-kubernetes/
// configure-multiple-schedulers.
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Resources, type KubeObject } from '@skiff/client';
import { startControllerManagerProcess } from '@skiff/kube-controller-manager';
import { CLUSTER, eventually, startTestCluster, type TestCluster } from '@skiff/kube-scheduler/testing';

const MANIFESTS = resolve(import.meta.dirname, 'manifests');
const manifest = (file: string): string => resolve(MANIFESTS, file);
/** Short leases so that a killed leader's successor takes over in seconds (kube-scheduler's flags). */
const LEADER_FLAGS = ['--leader-elect-lease-duration', '4s', '--leader-elect-renew-deadline', '3s', '--leader-elect-retry-period', '500ms'];

let c: TestCluster;
const defaultSchedulers = new Map<string, ChildProcess>();
/** Nodes the running test created; afterEach removes them with the test's pods. */
const testNodes: string[] = [];
const kubectl = (...args: string[]): Promise<string> => c.kubectl(...args);

interface NodeIn {
  readonly labels?: Record<string, string>;
  readonly pods?: string;
}

async function createNodes(names: readonly string[], opts: NodeIn = {}): Promise<void> {
  for (const name of names) {
    const allocatable = { cpu: '4', memory: '8Gi', pods: opts.pods ?? '110' };
    const status = { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: 'True' }] };
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...opts.labels } }, status } as KubeObject;
    await c.client.create(Resources.nodes, node);
    testNodes.push(name);
    await c.client.patchStatus(Resources.nodes, name, 'merge', { status });
  }
}

/** Scale Deployments to 0, force-delete every pod of the namespace (no kubelet finishes them), delete the nodes. */
async function cleanUp(nodes: readonly string[]): Promise<void> {
  if (nodes.length === 0) return;
  const deployments = await c.client.list(Resources.deployments, { namespace: 'default' });
  if (deployments.items.length > 0) {
    await kubectl('scale', 'deployment', '--all', '--replicas=0');
    await eventually(async () => ((await podsIn()).some((p) => p.metadata.labels?.['app'] !== undefined && p.metadata.deletionTimestamp === undefined) ? undefined : true), 'ReplicaSets scaled to 0');
    await kubectl('delete', 'deployment', '--all', '--wait=false');
  }
  await eventually(async () => {
    if ((await podsIn()).length === 0) return true;
    await kubectl('delete', 'pods', '--all', '--force', '--grace-period=0', '--wait=false');
    return undefined;
  }, 'no pods left');
  await kubectl('delete', 'nodes', ...nodes);
}

const podsIn = async (): Promise<KubeObject[]> => (await c.client.list(Resources.pods, { namespace: 'default' })).items;
const getPod = (name: string): Promise<KubeObject> => c.client.get(Resources.pods, name, { namespace: 'default' });
const nodeOf = (pod: KubeObject): string | undefined => ((pod['spec'] as { nodeName?: string } | undefined)?.nodeName ?? '') || undefined;
const boundNode = (name: string): Promise<string> => eventually(async () => nodeOf(await getPod(name)), `pod ${name} bound`);

/** Events about the pod now called `name` (by uid: several blocks reuse the docs' pod name nginx). */
async function eventsAbout(name: string): Promise<KubeObject[]> {
  const uid = (await getPod(name)).metadata.uid;
  const list = await c.client.list(Resources.events, { namespace: 'default' });
  return list.items.filter((e) => (e['involvedObject'] as { uid?: string } | undefined)?.uid === uid);
}

const eventFor = (name: string, reason: string): Promise<KubeObject> => eventually(async () => (await eventsAbout(name)).find((e) => e['reason'] === reason), `${reason} event for ${name}`);

/** The FailedScheduling message of a pending pod, once the scheduler has written one. */
async function failedScheduling(name: string, containing = ''): Promise<string> {
  const event = await eventually(async () => (await eventsAbout(name)).find((e) => e['reason'] === 'FailedScheduling' && String(e['message']).includes(containing)), `FailedScheduling for ${name}`);
  return String(event['message']);
}

/** `kubectl get pods -o wide` as rows of NAME -> NODE. */
async function podNodesWide(): Promise<Map<string, string>> {
  const [header, ...rows] = (await kubectl('get', 'pods', '-o', 'wide')).trim().split('\n');
  const columns = header!.split(/\s{2,}/);
  const nodeAt = columns.indexOf('NODE');
  expect(nodeAt).toBeGreaterThan(0);
  return new Map(rows.map((r) => r.split(/\s{2,}/)).map((cells) => [cells[0]!, cells[nodeAt]!]));
}

beforeAll(async () => {
  c = await startTestCluster();
  await startControllerManager(c, ['replicaset', 'deployment']);
  for (const instance of ['scheduler-a', 'scheduler-b']) defaultSchedulers.set(instance, c.spawnScheduler(instance, LEADER_FLAGS));
  await eventually(async () => (await kubectl('get', 'lease', '-n', 'kube-system', 'kube-scheduler', '-o', 'jsonpath={.spec.holderIdentity}')) || undefined, 'a default scheduler leads', 60_000);
}, 120_000);

afterEach(async () => {
  await cleanUp(testNodes.splice(0));
}, 60_000);

afterAll(async () => {
  await c?.stop();
}, 60_000);

describe('scheduler driven by kubectl with the Kubernetes docs manifests', { timeout: 90_000 }, () => {
  it('assign-pods-nodes: nodeSelector disktype=ssd waits for `kubectl label`, then lands there; nodeName skips the scheduler', async () => {
    await createNodes(['worker-1', 'worker-2', 'foo-node']);
    await kubectl('apply', '-f', manifest('pod-nginx.yaml'));
    expect(await failedScheduling('nginx')).toBe(
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    const describe = await kubectl('describe', 'pod', 'nginx');
    expect(describe).toMatch(/Node:\s+<none>/);
    expect(describe).toMatch(/PodScheduled\s+False/);
    expect(describe).toMatch(/Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector\./);

    await kubectl('label', 'nodes', 'worker-2', 'disktype=ssd');
    expect(await kubectl('get', 'nodes', '--show-labels')).toMatch(/worker-2\s.*disktype=ssd/);
    expect(await boundNode('nginx')).toBe('worker-2');
    expect(String((await eventFor('nginx', 'Scheduled'))['message'])).toBe('Successfully assigned default/nginx to worker-2');
    const bound = await kubectl('describe', 'pod', 'nginx');
    expect(bound).toMatch(/Node:\s+worker-2\//);
    expect(bound).toMatch(/PodScheduled\s+True/);
    expect(bound).toMatch(/Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/nginx to worker-2/);

    await kubectl('apply', '-f', manifest('pod-nginx-specific-node.yaml'));
    expect((await podNodesWide()).get('nginx-specific-node')).toBe('foo-node');
    expect((await podNodesWide()).get('nginx')).toBe('worker-2');
    // The kubelet, not a scheduler, owns a pod created with spec.nodeName: nothing records Scheduled.
    expect((await eventsAbout('nginx-specific-node')).filter((e) => e['reason'] === 'Scheduled')).toEqual([]);
  });

  it('assign-pod-node: required e2e-az-name In [e2e-az1, e2e-az2], preferred another-node-label-key', async () => {
    await createNodes(['az1'], { labels: { 'kubernetes.io/e2e-az-name': 'e2e-az1' } });
    await createNodes(['az2-preferred'], { labels: { 'kubernetes.io/e2e-az-name': 'e2e-az2', 'another-node-label-key': 'another-node-label-value' } });
    await createNodes(['az3'], { labels: { 'kubernetes.io/e2e-az-name': 'e2e-az3', 'another-node-label-key': 'another-node-label-value' } });
    await kubectl('apply', '-f', manifest('pod-with-node-affinity.yaml'));
    // Equal nodes otherwise: the preferred term's weight decides between the two allowed zones.
    expect(await boundNode('with-node-affinity')).toBe('az2-preferred');
    // Without the preferred node, the pod still never goes to az3 (required term), only to az1.
    await kubectl('cordon', 'az2-preferred');
    await kubectl('delete', 'pod', 'with-node-affinity', '--force', '--grace-period=0');
    await kubectl('apply', '-f', manifest('pod-with-node-affinity.yaml'));
    expect(await boundNode('with-node-affinity')).toBe('az1');
  });

  it('assign-pod-node: redis-cache and web-store Deployments spread by pod anti-affinity, the third replica Pending', async () => {
    await createNodes(['node-a', 'node-b']);
    await kubectl('apply', '-f', manifest('redis-cache.yaml'));
    await kubectl('apply', '-f', manifest('web-store.yaml'));
    const byApp = async (app: string): Promise<KubeObject[]> => (await podsIn()).filter((p) => p.metadata.labels?.['app'] === app);
    for (const app of ['store', 'web-store']) {
      await eventually(async () => ((await byApp(app)).filter((p) => nodeOf(p) !== undefined).length === 2 ? true : undefined), `two ${app} pods bound`);
    }
    const nodes = await podNodesWide();
    for (const app of ['store', 'web-store']) {
      const pods = await byApp(app);
      expect(pods).toHaveLength(3);
      const bound = pods.map((p) => nodeOf(p)).filter((n) => n !== undefined);
      expect(new Set(bound)).toEqual(new Set(['node-a', 'node-b'])); // one per node: anti-affinity by hostname
      const pending = pods.find((p) => nodeOf(p) === undefined)!;
      expect(nodes.get(pending.metadata.name!)).toBe('<none>');
      expect(await failedScheduling(pending.metadata.name!)).toBe(
        "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
      );
      const describe = await kubectl('describe', 'pod', pending.metadata.name!);
      expect(describe).toMatch(/Status:\s+Pending/);
      expect(describe).toMatch(/Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/2 nodes are available: 2 node\(s\) didn't match pod anti-affinity rules\./);
    }
    expect(await kubectl('get', 'deployment', 'redis-cache', '-o', 'jsonpath={.spec.replicas}')).toBe('3');

    // A third node: the pending cache lands there, and then (its pod affinity now satisfiable) the
    // pending web server joins it: the docs' final table, one cache and one web server per node.
    await createNodes(['node-c']);
    for (const app of ['store', 'web-store']) {
      await eventually(async () => ((await byApp(app)).every((p) => nodeOf(p) !== undefined) ? true : undefined), `all ${app} pods bound`);
      expect(new Set((await byApp(app)).map((p) => nodeOf(p)))).toEqual(new Set(['node-a', 'node-b', 'node-c']));
    }
  });

  it('taint-and-toleration: three taints on node1; only the pod tolerating all lands there; removing taints lets the others in', async () => {
    await createNodes(['node1', 'node2']);
    await kubectl('taint', 'nodes', 'node1', 'key1=value1:NoSchedule');
    await kubectl('taint', 'nodes', 'node1', 'key1=value1:NoExecute');
    await kubectl('taint', 'nodes', 'node1', 'key2=value2:NoSchedule');
    await kubectl('cordon', 'node2');
    // describe sorts taints by effect, then key.
    expect(await kubectl('describe', 'node', 'node1')).toMatch(/Taints:\s+key1=value1:NoExecute\n\s+key1=value1:NoSchedule\n\s+key2=value2:NoSchedule\n/);

    await kubectl('apply', '-f', manifest('pod-tolerates-all.yaml'));
    await kubectl('apply', '-f', manifest('pod-tolerates-key1.yaml'));
    await kubectl('apply', '-f', manifest('pod-with-toleration.yaml'));
    expect(await boundNode('tolerates-all')).toBe('node1');
    expect(await failedScheduling('tolerates-key1')).toBe(
      '0/2 nodes are available: 1 node(s) had untolerated taint {key2: value2}, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
    // TaintToleration names the first untolerated taint in spec order; kubectl taint puts the newest first.
    const taints = JSON.parse(await kubectl('get', 'node', 'node1', '-o', 'jsonpath={.spec.taints}')) as { key: string; value: string; effect: string }[];
    expect(taints.map((t) => `${t.key}=${t.value}:${t.effect}`)).toEqual(['key2=value2:NoSchedule', 'key1=value1:NoExecute', 'key1=value1:NoSchedule']);
    expect(await failedScheduling('nginx')).toMatch(/^0\/2 nodes are available: 1 node\(s\) had untolerated taint \{key2: value2\}, 1 node\(s\) were unschedulable\./);
    expect(await kubectl('describe', 'pod', 'tolerates-key1')).toMatch(/Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/2 nodes are available: 1 node\(s\) had untolerated taint \{key2: value2\}/);

    // The docs' removal syntax: the trailing '-'.
    await kubectl('taint', 'nodes', 'node1', 'key2=value2:NoSchedule-');
    expect(await boundNode('tolerates-key1')).toBe('node1');
    expect(nodeOf(await getPod('nginx'))).toBeUndefined();
    await kubectl('taint', 'nodes', 'node1', 'key1=value1:NoSchedule-');
    await kubectl('taint', 'nodes', 'node1', 'key1=value1:NoExecute-');
    expect(await kubectl('get', 'node', 'node1', '-o', 'jsonpath={.spec.taints}')).toBe('');
    expect(await boundNode('nginx')).toBe('node1');
  });

  it('pod-priority-preemption: the high-priority pod preempts a priority-0 pod on a full cluster', async () => {
    await kubectl('apply', '-f', manifest('high-priority.yaml'));
    await kubectl('apply', '-f', manifest('high-priority-nonpreempting.yaml'));
    const table = (await kubectl('get', 'priorityclass')).trim().split('\n');
    expect(table[0]!.split(/\s+/)).toEqual(['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY']);
    expect(table.find((r) => r.startsWith('high-priority '))).toMatch(/^high-priority\s+1000000\s+false\s+\S+\s+PreemptLowerPriority$/);
    expect(table.find((r) => r.startsWith('high-priority-nonpreempting '))).toMatch(/^high-priority-nonpreempting\s+1000000\s+false\s+\S+\s+Never$/);

    // A full cluster: two nodes of two pods each, four priority-0 pods.
    await createNodes(['full-1', 'full-2'], { pods: '2' });
    const fillers = ['low-1', 'low-2', 'low-3', 'low-4'];
    for (const name of fillers) {
      await c.client.create(Resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } as KubeObject);
    }
    for (const name of fillers) await boundNode(name);
    await kubectl('apply', '-f', manifest('pod-high-priority.yaml'));
    expect(await kubectl('get', 'pod', 'nginx', '-o', 'jsonpath={.spec.priority}')).toBe('1000000');
    const nominated = await eventually(async () => ((await getPod('nginx'))['status'] as { nominatedNodeName?: string } | undefined)?.nominatedNodeName, 'nominatedNodeName');
    expect(['full-1', 'full-2']).toContain(nominated);
    // Exactly one victim, on the nominated node, deleted gracefully (a deletionTimestamp; its kubelet would finish it).
    const victims = await eventually(async () => {
      const terminating = (await podsIn()).filter((p) => p.metadata.deletionTimestamp !== undefined);
      return terminating.length > 0 ? terminating : undefined;
    }, 'a victim terminating');
    expect(victims).toHaveLength(1);
    const victim = victims[0]!;
    expect(nodeOf(victim)).toBe(nominated);
    expect(fillers).toContain(victim.metadata.name);
    const preempted = await eventFor(victim.metadata.name!, 'Preempted');
    expect(preempted['type']).toBe('Normal');
    expect(preempted['message']).toBe(`Preempted by pod ${(await getPod('nginx')).metadata.uid} on node ${nominated}`);
    expect((preempted['source'] as { component?: string }).component).toBe('default-scheduler');
    const conditions = (victim['status'] as { conditions?: Record<string, string>[] }).conditions ?? [];
    expect(conditions.find((k) => k['type'] === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting to accommodate a higher priority pod' });
    expect(conditions.find((k) => k['type'] === 'PodScheduled')).toMatchObject({ status: 'True' }); // merged by type, not replaced
    expect(preempted['action']).toBe('Preempting');
    expect(preempted['related']).toMatchObject({ kind: 'Pod', namespace: 'default', name: 'nginx' });
    expect(await kubectl('describe', 'pod', 'nginx')).toMatch(new RegExp(`NominatedNodeName:\\s+${nominated}\\n`));
    // No kubelet: finish the victim's graceful deletion as its kubelet would.
    await kubectl('delete', 'pod', victim.metadata.name!, '--force', '--grace-period=0');
    expect(await boundNode('nginx')).toBe(nominated);
    expect((await podNodesWide()).get('nginx')).toBe(nominated);

    // Still full: a pod of the non-preempting class (equally high) waits instead of evicting.
    await kubectl('apply', '-f', manifest('pod-nonpreempting.yaml'));
    expect(await failedScheduling('nginx-nonpreempting')).toBe('0/2 nodes are available: 2 Too many pods. preemption: not eligible due to preemptionPolicy=Never.');
    expect((await podsIn()).filter((p) => p.metadata.deletionTimestamp !== undefined)).toEqual([]);
  });

  it('configure-multiple-schedulers: a my-scheduler pod waits until my-scheduler runs, then only it binds the pod', async () => {
    await createNodes(['multi-1', 'multi-2']);
    await kubectl('apply', '-f', manifest('multi-scheduler-pods.yaml'));
    await boundNode('no-annotation');
    await boundNode('annotation-default-scheduler');
    // The default scheduler has handled the two pods created with it, and not touched the third.
    expect(nodeOf(await getPod('annotation-second-scheduler'))).toBeUndefined();
    expect(await eventsAbout('annotation-second-scheduler')).toEqual([]);
    expect(await kubectl('get', 'pod', 'annotation-second-scheduler', '-o', 'jsonpath={.status.phase}')).toBe('Pending');

    c.spawnScheduler('my-scheduler-1', ['--scheduler-name', 'my-scheduler', ...LEADER_FLAGS]);
    expect(['multi-1', 'multi-2']).toContain(await boundNode('annotation-second-scheduler'));
    const scheduled = await eventFor('annotation-second-scheduler', 'Scheduled');
    expect((scheduled['source'] as { component?: string }).component).toBe('my-scheduler');
    expect(scheduled['reportingComponent']).toBe('my-scheduler');
    for (const name of ['no-annotation', 'annotation-default-scheduler']) {
      expect(((await eventFor(name, 'Scheduled'))['source'] as { component?: string }).component).toBe('default-scheduler');
    }
    // kubectl's view of the same: the SOURCE column names the scheduler that bound each pod.
    const events = await kubectl('get', 'events', '--field-selector', 'reason=Scheduled', '-o', 'custom-columns=OBJECT:.involvedObject.name,SOURCE:.source.component');
    expect(events).toMatch(/annotation-second-scheduler\s+my-scheduler/);
    expect(events).toMatch(/annotation-default-scheduler\s+default-scheduler/);
    expect(await kubectl('get', 'lease', '-n', 'kube-system', 'my-scheduler', '-o', 'jsonpath={.spec.holderIdentity}')).toBe('my-scheduler-1');
  });

  it('leader failover: killing the kube-scheduler Lease holder hands scheduling to the standby', async () => {
    await createNodes(['ha-1']);
    const holder = () => kubectl('get', 'lease', '-n', 'kube-system', 'kube-scheduler', '-o', 'jsonpath={.spec.holderIdentity}');
    const leader = await holder();
    expect([...defaultSchedulers.keys()]).toContain(leader);
    await c.client.create(Resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'before-failover', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } as KubeObject);
    expect(await boundNode('before-failover')).toBe('ha-1');

    const proc = defaultSchedulers.get(leader)!;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL'); // no clean release: the standby must wait out the lease
    await exited;
    const standby = [...defaultSchedulers.keys()].find((n) => n !== leader)!;
    await eventually(async () => ((await holder()) === standby ? true : undefined), 'the standby holds kube-scheduler', 30_000);
    const [header, row] = (await kubectl('get', 'lease', '-n', 'kube-system', 'kube-scheduler')).trim().split('\n');
    expect(header!.split(/\s+/)).toEqual(['NAME', 'HOLDER', 'AGE']);
    expect(row!.split(/\s+/).slice(0, 2)).toEqual(['kube-scheduler', standby]);

    await c.client.create(Resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'after-failover', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } as KubeObject);
    expect(await boundNode('after-failover')).toBe('ha-1');
    const scheduled = await eventFor('after-failover', 'Scheduled');
    expect((scheduled['source'] as { host?: string }).host).toBe(standby);
  });
});

/** A controller manager running only `controllers` (the docs' Deployments need replicaset and deployment). */
async function startControllerManager(cluster: TestCluster, controllers: readonly string[]): Promise<void> {
  const kcm = await startControllerManagerProcess({
    natsUrls: [cluster.natsUrl],
    cluster: CLUSTER,
    instance: 'kcm-1',
    version: '0.1.0',
    clock: cluster.clock,
    controllers,
    logger: cluster.child({ part: 'controller-manager' }),
    leaderElection: { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 300 },
  });
  cluster.adopt(kcm);
  await kcm.manager.whenLeading();
}
