// Workload controllers end to end (issue 7, "Must show"): real nats-server, store, API server,
// scheduler, the controller manager and two real kubelets with the process runtime (node-1 and
// node-2; pods are host processes, nginx is Skiff's emulation on port 80 of the pod IP), driven by
// the real kubectl. In order: a Deployment created, rolled to a new image with maxUnavailable
// checked at every observed moment, rolled back and scaled; a DaemonSet with one pod per node;
// then node-2's kubelet stops, the node goes Unknown and gets the unreachable NoExecute taint,
// its pods are evicted after their (short) tolerationSeconds and the ReplicaSet replaces them on node-1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, Node, Pod } from '@skiff/api';
import { Resources, type KubeObject } from '@skiff/client';
import { eventually, isReady, livePods } from '@skiff/kube-controller-manager/testing';
import { startRealNodeCluster, type RealNodeCluster } from './real-node.js';

const T = 120_000;
const NODES = [
  { name: 'node-1', ip: '127.0.47.1', podCIDR: '127.47.1.0/24' },
  { name: 'node-2', ip: '127.0.47.2', podCIDR: '127.47.2.0/24' },
];
let k: RealNodeCluster;

beforeAll(async () => {
  // The grace period (--node-monitor-grace-period, 40 s by default) is shortened for the test, and
  // the kubelets renew their Lease well within it (Kubernetes: every 10 s of a 40 s Lease).
  k = await startRealNodeCluster(['replicaset', 'deployment', 'daemonset', 'nodelifecycle', 'taint-eviction'], NODES, {
    kcm: { nodeMonitorGracePeriodMs: 4_000, nodeMonitorPeriodMs: 250 },
    kubelet: { leaseRenewIntervalMs: 500, statusReportIntervalMs: 1_000 },
  });
}, T);

afterAll(async () => {
  await k?.stop();
}, T);

const image = (p: Pod): string | undefined => p.spec?.containers[0]?.image;
const running = (p: Pod): boolean => p.status?.phase === 'Running';

/** Polls `done` until it returns true, calling `check` on every observation (bounded). */
async function observeUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 1; i <= 10_000 && Date.now() < deadline; i++) {
    if (await check()) return i;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The `web` pods, checking maxUnavailable/maxSurge on each look; true once all 3 run `want` and are Ready. */
async function webRolledTo(want: string): Promise<boolean> {
  const pods = await livePods(k.c.client, 'app=web');
  const available = pods.filter(isReady).length;
  // RollingUpdate defaults: maxUnavailable 25% of 3 rounds down to 0, maxSurge 25% rounds up to 1.
  expect(available, `available web pods at ${pods.map((p) => `${p.metadata.name}:${image(p)}:${isReady(p)}`).join(',')}`).toBeGreaterThanOrEqual(3 - 0);
  expect(pods.length).toBeLessThanOrEqual(3 + 1);
  const d = await k.c.client.get<Deployment & KubeObject>(Resources.deployments, 'web', { namespace: 'default' });
  const done = (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && d.status?.updatedReplicas === 3 && d.status.replicas === 3;
  return done && pods.length === 3 && pods.every((p) => image(p) === want && isReady(p));
}

describe('workloads on two real kubelets', () => {
  it('creates, rolls (maxUnavailable kept), rolls back and scales a Deployment', async () => {
    await k.kubectl(['create', 'deployment', 'web', '--image=nginx:1.14.2', '--replicas=3']);
    await eventually(async () => {
      const pods = await livePods(k.c.client, 'app=web');
      return pods.length === 3 && pods.every((p) => running(p) && isReady(p)) ? pods : undefined;
    }, '3 web pods Running and Ready', 60_000);

    await k.kubectl(['set', 'image', 'deployment/web', 'nginx=nginx:1.16.1']);
    const looks = await observeUntil('rollout to nginx:1.16.1', 60_000, () => webRolledTo('nginx:1.16.1'));
    expect(looks).toBeGreaterThan(1);
    expect(await k.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'])).toContain('successfully rolled out');

    await k.kubectl(['rollout', 'undo', 'deployment/web']);
    await observeUntil('rollback to nginx:1.14.2', 60_000, () => webRolledTo('nginx:1.14.2'));
    expect(await k.kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('nginx:1.14.2');

    await k.kubectl(['scale', 'deployment/web', '--replicas=5']);
    await eventually(async () => {
      const pods = await livePods(k.c.client, 'app=web');
      return pods.length === 5 && pods.every(running) ? pods : undefined;
    }, '5 web pods Running', 60_000);
    // Free the nodes for the next steps.
    await k.kubectl(['scale', 'deployment/web', '--replicas=0']);
  }, T);

  it('runs exactly one DaemonSet pod per node', async () => {
    // The fluentd-elasticsearch example of the DaemonSet docs, with busybox sleeping instead of fluentd.
    await k.apply('fluentd', FLUENTD);
    const pods = await eventually(async () => {
      const ps = await livePods(k.c.client, 'name=fluentd-elasticsearch', 'kube-system');
      return ps.length === 2 && ps.every(running) ? ps : undefined;
    }, 'a Running fluentd pod on each node', 60_000);
    expect(pods.map((p) => p.spec?.nodeName).sort()).toEqual(['node-1', 'node-2']);
    const ds = JSON.parse(await k.kubectl(['get', 'daemonset', 'fluentd-elasticsearch', '-n', 'kube-system', '-o', 'json'])) as { status?: { desiredNumberScheduled?: number; currentNumberScheduled?: number } };
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2 });
  }, T);

  it('evicts the pods of a lost node after tolerationSeconds and replaces them on the other node', async () => {
    await k.apply('survivor', SURVIVOR);
    const before = await eventually(async () => {
      const ps = await livePods(k.c.client, 'app=survivor');
      const nodes = new Set(ps.map((p) => p.spec?.nodeName));
      return ps.length === 4 && ps.every(running) && nodes.has('node-1') && nodes.has('node-2') ? ps : undefined;
    }, '4 survivor pods Running on both nodes', 60_000);
    const onNode2 = before.filter((p) => p.spec?.nodeName === 'node-2').flatMap((p) => p.metadata.name ?? []);

    await k.stopKubelet('node-2');
    const node2 = async (): Promise<Node> => JSON.parse(await k.kubectl(['get', 'node', 'node-2', '-o', 'json'])) as Node;
    const lost = await eventually(async () => {
      const n = await node2();
      const unknown = n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown';
      return unknown && n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? n : undefined;
    }, 'node-2 Ready=Unknown with the unreachable NoExecute taint', 30_000);
    expect(lost.status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('NodeStatusUnknown');

    // Evicted (deleted; with no kubelet to confirm they stay Terminating, as in Kubernetes) ...
    await eventually(async () => {
      const live = new Set((await livePods(k.c.client, 'app=survivor')).map((p) => p.metadata.name));
      return onNode2.every((n) => !live.has(n)) ? true : undefined;
    }, 'survivor pods on node-2 evicted', 30_000);
    // ... by the taint eviction controller, not by anything else.
    const evicted = await eventually(async () => {
      const out = await k.kubectl(['get', 'events', '--field-selector', 'reason=TaintManagerEviction', '-o', 'jsonpath={.items[*].involvedObject.name}']);
      const names = out.split(/\s+/).filter((n) => n !== '');
      return onNode2.every((n) => names.includes(n)) ? names : undefined;
    }, 'TaintManagerEviction events', 15_000);
    expect(evicted.filter((n) => !onNode2.includes(n))).toEqual([]);
    // ... and replaced on node-1.
    await eventually(async () => {
      const ps = await livePods(k.c.client, 'app=survivor');
      return ps.length === 4 && ps.every((p) => running(p) && p.spec?.nodeName === 'node-1') ? ps : undefined;
    }, '4 survivor pods Running on node-1', 60_000);
    const node1 = JSON.parse(await k.kubectl(['get', 'node', 'node-1', '-o', 'json'])) as Node;
    expect(node1.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  }, T);
});

const FLUENTD = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      - key: node-role.kubernetes.io/master
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: busybox
        command: ["sleep", "3600"]
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
`;

// Spread over both nodes (ScheduleAnyway, so that the replacements may all land on node-1), and
// tolerating the unreachable taint for 5 s instead of the 300 s admission would add.
const SURVIVOR = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: survivor
spec:
  replicas: 4
  selector:
    matchLabels:
      app: survivor
  template:
    metadata:
      labels:
        app: survivor
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: kubernetes.io/hostname
        whenUnsatisfiable: ScheduleAnyway
        labelSelector:
          matchLabels:
            app: survivor
      tolerations:
      - key: node.kubernetes.io/unreachable
        operator: Exists
        effect: NoExecute
        tolerationSeconds: 5
      terminationGracePeriodSeconds: 1
      containers:
      - name: nginx
        image: nginx
`;
