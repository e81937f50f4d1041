// The DaemonSet controller end to end: one pod per node, and a new node gets its own; node IPAM
// gives each node its own pod CIDR.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources, type KubeObject } from '@skiff/client';
import type { Pod } from '@skiff/api';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';
import { registerNode, startFakeKubelet, type FakeKubelet } from './fake-kubelet.js';

let cluster: TestCluster;
let kubelet: FakeKubelet;

beforeAll(async () => {
  cluster = await startTestCluster();
  await registerNode(cluster.client, 'node-1');
  await registerNode(cluster.client, 'node-2');
  kubelet = startFakeKubelet(cluster.client, ['node-1', 'node-2']);
  const kcm = await cluster.startControllerManager('kcm-1', { controllers: ['daemonset', 'nodeipam'] });
  await kcm.manager.whenLeading();
}, 60_000);

afterAll(async () => {
  await kubelet?.stop();
  await cluster?.stop();
}, 60_000);

/** The node a daemon pod is for: spec.nodeName or the node its pinning affinity names. */
function targetNode(p: Pod): string | undefined {
  if ((p.spec?.nodeName ?? '') !== '') return p.spec?.nodeName;
  return p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];
}

const daemonPods = async (): Promise<(Pod & KubeObject)[]> =>
  (await cluster.client.list<Pod & KubeObject>(Resources.pods, { namespace: 'default', labelSelector: 'app=agent' })).items.filter((p) => p.metadata.deletionTimestamp === undefined);

describe('DaemonSet controller', () => {
  it('runs one pod per node, and one more when a node joins', async () => {
    await cluster.client.create(
      Resources.daemonSets,
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent', namespace: 'default' },
        spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'agent' }] } } },
      } as unknown as KubeObject,
      { namespace: 'default' },
    );
    const nodesOf = async (): Promise<string[] | undefined> => {
      const pods = await daemonPods();
      return pods.map((p) => targetNode(p) ?? '?').sort();
    };
    await eventually(async () => ((await nodesOf())?.join() === 'node-1,node-2' ? true : undefined), 'a pod on each node');
    await registerNode(cluster.client, 'node-3');
    await eventually(async () => ((await nodesOf())?.join() === 'node-1,node-2,node-3' ? true : undefined), 'a pod on the new node');
    // Node IPAM ran alongside: three distinct /24s of the default 127.128.0.0/9.
    const cidrs = await eventually(async () => {
      const all = (await cluster.client.list<KubeObject & { spec?: { podCIDR?: string } }>(Resources.nodes)).items.map((n) => n.spec?.podCIDR ?? '');
      return all.every((c) => c !== '') ? all : undefined;
    }, 'a podCIDR on every node');
    expect(new Set(cidrs).size).toBe(3);
    for (const cidr of cidrs) expect(cidr).toMatch(/^127\.128\.\d+\.0\/24$/);
    for (const p of await daemonPods()) expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', name: 'agent', controller: true });
  }, 60_000);
});
