// The test plays the kubelet (there is none in these tests): every pod not yet bound is bound to
// a node, every bound pod is reported Running and Ready with an IP, and the nodes' Leases are
// renewed, except for nodes the test declares dead.

import { Resources, type ApiClient, type KubeObject } from '@skiff/client';
import type { Pod } from '@skiff/api';
import { startTestCluster, type TestCluster } from './cluster.js';

export interface FakeKubelet {
  /** Stops renewing this node's Lease and reporting its pods (a lost node). */
  kill(nodeName: string): void;
  /** Reports this pod (namespace/name) Ready=False from now on (a failing readiness probe). */
  failReadiness(podKey: string): void;
  /** Reports this pod Ready=True again. */
  restoreReadiness(podKey: string): void;
  stop(): Promise<void>;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const isoMicro = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');

export async function registerNode(client: ApiClient, name: string): Promise<void> {
  const now = Date.now();
  await client.create(Resources.nodes, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: iso(now), lastTransitionTime: iso(now) }] },
  } as unknown as KubeObject);
  // A merge patch: controllers (node IPAM) may write the node meanwhile.
  await client.patchStatus(Resources.nodes, name, 'merge', {
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: iso(now), lastTransitionTime: iso(now) }] },
  });
  await client.create(
    Resources.leases,
    {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: 'kube-node-lease' },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: isoMicro(now) },
    } as unknown as KubeObject,
    { namespace: 'kube-node-lease' },
  );
}

export function startFakeKubelet(client: ApiClient, nodes: readonly string[], periodMs = 200): FakeKubelet {
  const dead = new Set<string>();
  const unready = new Set<string>();
  let stopped = false;
  let ip = 10;
  const tick = async (): Promise<void> => {
    for (const node of nodes) {
      if (dead.has(node)) continue;
      const lease = await client.get(Resources.leases, node, { namespace: 'kube-node-lease' });
      await client.update(Resources.leases, { ...lease, spec: { ...(lease as { spec?: object }).spec, renewTime: isoMicro(Date.now()) } } as KubeObject).catch(() => undefined);
    }
    const pods = (await client.list<Pod & KubeObject>(Resources.pods)).items;
    let i = 0;
    for (const pod of pods) {
      const name = pod.metadata.name ?? '';
      const namespace = pod.metadata.namespace ?? 'default';
      if (pod.metadata.deletionTimestamp !== undefined) {
        // No kubelet to finish the graceful deletion: finish it here.
        if (!dead.has(pod.spec?.nodeName ?? '')) await client.delete(Resources.pods, name, { namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
        continue;
      }
      if ((pod.spec?.nodeName ?? '') === '') {
        const target = nodes.filter((n) => !dead.has(n))[i++ % nodes.length] ?? nodes[0]!;
        await client.bind({ metadata: { name, namespace }, target: { kind: 'Node', name: target } }).catch(() => undefined);
        continue;
      }
      if (dead.has(pod.spec?.nodeName ?? '')) continue;
      const want = unready.has(`${namespace}/${name}`) ? 'False' : 'True';
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status;
      if (ready === want && pod.status?.phase === 'Running') continue;
      const now = iso(Date.now());
      await client
        .updateStatus(Resources.pods, {
          ...pod,
          status: {
            ...pod.status,
            phase: 'Running',
            podIP: pod.status?.podIP ?? `127.10.0.${ip++ % 250}`,
            startTime: now,
            conditions: [
              { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
              { type: 'Initialized', status: 'True', lastTransitionTime: now },
              { type: 'ContainersReady', status: want, lastTransitionTime: now },
              { type: 'Ready', status: want, lastTransitionTime: now },
            ],
          },
        } as unknown as KubeObject)
        .catch(() => undefined);
    }
  };
  const loop = (async () => {
    for (let n = 0; n < 100_000 && !stopped; n++) {
      await tick().catch(() => undefined);
      await new Promise((r) => setTimeout(r, periodMs));
    }
  })();
  return {
    kill: (node) => dead.add(node),
    failReadiness: (podKey) => unready.add(podKey),
    restoreReadiness: (podKey) => unready.delete(podKey),
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** A test cluster whose node-1 the fake kubelet serves, with a leading controller manager running `controllers`. */
export async function startFakeNodeCluster(controllers: readonly string[]): Promise<{ readonly cluster: TestCluster; readonly kubelet: FakeKubelet }> {
  const cluster = await startTestCluster();
  await registerNode(cluster.client, 'node-1');
  const kubelet = startFakeKubelet(cluster.client, ['node-1']);
  cluster.adopt(kubelet);
  const kcm = await cluster.startControllerManager('kcm-1', { controllers });
  await kcm.manager.whenLeading();
  return { cluster, kubelet };
}
