// Node lifecycle and taint eviction end to end: a node whose Lease stops being renewed (the test
// plays both kubelets and "kills" one) becomes Ready=Unknown, gets the unreachable NoExecute
// taint, and its pods are evicted once their tolerationSeconds ran out. Two nodes, so the zone
// is only partially disrupted (a fully disrupted zone stops evictions, as in Kubernetes).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources, type KubeObject } from '@skiff/client';
import type { Node, Pod } from '@skiff/api';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';
import { registerNode, startFakeKubelet, type FakeKubelet } from './fake-kubelet.js';

let cluster: TestCluster;
let kubelet: FakeKubelet;

beforeAll(async () => {
  cluster = await startTestCluster();
  await registerNode(cluster.client, 'node-1');
  await registerNode(cluster.client, 'node-2');
  kubelet = startFakeKubelet(cluster.client, ['node-1', 'node-2']);
  const kcm = await cluster.startControllerManager('kcm-1', {
    controllers: ['nodelifecycle', 'taint-eviction'],
    nodeMonitorGracePeriodMs: 2_000,
    nodeMonitorPeriodMs: 250,
  });
  await kcm.manager.whenLeading();
}, 60_000);

afterAll(async () => {
  await kubelet?.stop();
  await cluster?.stop();
}, 60_000);

const node = (name: string): Promise<Node & KubeObject> => cluster.client.get<Node & KubeObject>(Resources.nodes, name);
const readyStatus = (n: Node): string | undefined => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;

function pod(name: string, nodeName: string, tolerationSeconds: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName,
      containers: [{ name: 'c', image: 'nginx' }],
      tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds }],
    },
  } as unknown as KubeObject;
}

describe('node lifecycle', () => {
  it('marks a node whose Lease lapsed Unknown, taints it unreachable, and evicts its pods after tolerationSeconds', async () => {
    await cluster.client.create(Resources.pods, pod('on-dead', 'node-2', 1), { namespace: 'default' });
    await cluster.client.create(Resources.pods, pod('on-live', 'node-1', 1), { namespace: 'default' });
    await eventually(async () => ((await cluster.client.get<Pod & KubeObject>(Resources.pods, 'on-dead', { namespace: 'default' })).status?.phase === 'Running' ? true : undefined), 'pod running');

    kubelet.kill('node-2');
    const dead = await eventually(async () => {
      const n = await node('node-2');
      return readyStatus(n) === 'Unknown' ? n : undefined;
    }, 'node-2 Ready=Unknown');
    expect(dead.status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('NodeStatusUnknown');
    await eventually(async () => ((await node('node-2')).spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? true : undefined), 'unreachable NoExecute taint');
    await eventually(async () => {
      const p = await cluster.client.get(Resources.pods, 'on-dead', { namespace: 'default' }).catch(() => undefined);
      return p === undefined || p.metadata.deletionTimestamp !== undefined ? true : undefined;
    }, 'pod on node-2 evicted');

    // The healthy node is untouched.
    const live = await node('node-1');
    expect(readyStatus(live)).toBe('True');
    expect(live.spec?.taints ?? []).toEqual([]);
    const survivor = await cluster.client.get(Resources.pods, 'on-live', { namespace: 'default' });
    expect(survivor.metadata.deletionTimestamp).toBeUndefined();
  }, 60_000);
});
