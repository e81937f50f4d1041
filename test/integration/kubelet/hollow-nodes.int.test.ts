// Hollow kubelets against a real cluster (nats-server, a store member, the API server, the
// controller manager's node IPAM): three hollow nodes in this process, on one shared NATS
// connection, register, get their pod CIDRs, report Ready, and run a pod to Running with an IP
// from their CIDR. No process is started for the pod.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod } from '@skiff/api';
import { SeededRandom } from '@skiff/core';
import { startControllerManagerProcess, type ControllerManagerProcess } from '@skiff/kube-controller-manager';
import { Resources } from '@skiff/client';
import { HOLLOW_NODE_CAPACITY, HOLLOW_NODE_LABEL, startHollowNodes, type HollowNodes } from '@skiff/kubelet-service';
import { child, CLUSTER, startTestCluster, waitFor, type TestCluster } from '@skiff/kubelet-service/testing';

const COUNT = 3;

let c: TestCluster;
let kcm: ControllerManagerProcess;
let hollow: HollowNodes;

beforeAll(async () => {
  c = await startTestCluster();
  kcm = await startControllerManagerProcess({
    natsUrls: [c.nats.url],
    cluster: CLUSTER,
    instance: 'kcm-1',
    version: '0.1.0',
    clock: c.clock,
    controllers: ['nodeipam'],
    logger: child(c.logger, { part: 'kcm' }),
    leaderElection: { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 300 },
  });
  hollow = await startHollowNodes({ natsUrls: [c.nats.url], cluster: CLUSTER, count: COUNT, clock: c.clock, random: new SeededRandom(3), logger: child(c.logger, { part: 'hollow' }) });
  await hollow.whenReady(90_000);
}, 150_000);

afterAll(async () => {
  await hollow?.stop();
  await kcm?.stop();
  await c?.stop();
}, 90_000);

describe('hollow nodes', () => {
  it('register as Ready Nodes with the hollow capacity, a label and distinct pod CIDRs', async () => {
    const client = hollow.kubelets[0]!.client;
    const nodes = await Promise.all(hollow.names.map((n) => client.get<Node>(Resources.nodes, n)));
    expect(nodes.map((n) => n.metadata.name)).toEqual(['hollow-node-1', 'hollow-node-2', 'hollow-node-3']);
    for (const n of nodes) {
      expect(n.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
      expect(n.status?.capacity).toMatchObject({ cpu: String(HOLLOW_NODE_CAPACITY.cpuCores), pods: String(HOLLOW_NODE_CAPACITY.maxPods) });
      expect(n.metadata.labels?.[HOLLOW_NODE_LABEL]).toBe('true');
    }
    const cidrs = nodes.map((n) => n.spec?.podCIDR ?? '');
    expect(cidrs.every((x) => x !== '')).toBe(true);
    expect(new Set(cidrs).size).toBe(COUNT);
  });

  it('runs a pod bound to a hollow node to Running, with an IP from that node\'s pod CIDR', async () => {
    const client = hollow.kubelets[1]!.client;
    const node = await client.get<Node>(Resources.nodes, 'hollow-node-2');
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'hollow-web', namespace: 'default' },
      spec: { nodeName: 'hollow-node-2', containers: [{ name: 'web', image: 'nginx:1.27', command: ['nginx'] }] },
    };
    await client.create<Pod>(Resources.pods, pod, { namespace: 'default' });
    const running = await waitFor('the hollow pod to run', async () => {
      const p = await client.get<Pod>(Resources.pods, 'hollow-web', { namespace: 'default' });
      return p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready === true ? p : undefined;
    }, 60_000);
    expect(running.status?.containerStatuses?.[0]?.containerID).toMatch(/^hollow:\/\//);
    const prefix = (node.spec?.podCIDR ?? '').split('.').slice(0, 3).join('.');
    expect(running.status?.podIP?.startsWith(`${prefix}.`)).toBe(true);
    expect(running.status?.hostIP).toBe('127.1.0.2');
  });
});
