// The ReplicaSet and Deployment controllers end to end: real nats-server, store, API server and
// kubectl; the test binds pods and reports them Ready (fake-kubelet.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources, type KubeObject } from '@skiff/client';
import type { Pod, ReplicaSet } from '@skiff/api';
import { eventually, startTestCluster, type TestCluster, isReady, livePods as livePodsOf } from './cluster.js';
import { registerNode, startFakeKubelet, type FakeKubelet } from './fake-kubelet.js';
import type { ControllerManagerProcess } from '../src/start.js';

type PodObj = Pod & KubeObject;
type RsObj = ReplicaSet & KubeObject;

let cluster: TestCluster;
let kubelet: FakeKubelet;
let kcm: ControllerManagerProcess;

beforeAll(async () => {
  cluster = await startTestCluster();
  await registerNode(cluster.client, 'node-1');
  kubelet = startFakeKubelet(cluster.client, ['node-1']);
  kcm = await cluster.startControllerManager('kcm-1', { controllers: ['replicaset', 'deployment', 'endpoints', 'endpointslice', 'garbagecollector'] });
  await kcm.manager.whenLeading();
}, 60_000);

afterAll(async () => {
  await kubelet?.stop();
  await cluster?.stop();
}, 60_000);

const livePods = (): Promise<PodObj[]> => livePodsOf(cluster.client, 'app=web');
const replicaSets = async (): Promise<RsObj[]> => (await cluster.client.list<RsObj>(Resources.replicaSets, { namespace: 'default' })).items;

const kubectlOk = (args: string[]): Promise<string> => cluster.kubectlOk(args);

describe('Deployment and ReplicaSet controllers', () => {
  it('kubectl create deployment makes a ReplicaSet with 3 pods and the rollout completes', async () => {
    await kubectlOk(['create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
    await eventually(async () => ((await replicaSets()).length === 1 ? true : undefined), 'one ReplicaSet');
    await eventually(async () => ((await livePods()).length === 3 ? true : undefined), '3 pods');
    const rs = (await replicaSets())[0]!;
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });
    for (const p of await livePods()) expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: rs.metadata.name, controller: true });
    const out = await kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    expect(out).toContain('successfully rolled out');
  }, 60_000);

  it('kubectl scale changes the pod count', async () => {
    await kubectlOk(['scale', 'deployment/web', '--replicas=5']);
    await eventually(async () => ((await livePods()).length === 5 ? true : undefined), '5 pods');
    await kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=30s']);
  }, 60_000);

  it('kubectl set image rolls to a new ReplicaSet with maxUnavailable respected at every observed moment', async () => {
    // 5 replicas, default maxUnavailable 25% -> 1 (rounded down): at least 4 available throughout.
    const seen: number[] = [];
    let rolling = true;
    const watcher = (async () => {
      for (let i = 0; i < 2_000 && rolling; i++) {
        seen.push((await livePods()).filter(isReady).length);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await kubectlOk(['set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
    const out = await kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=45s']);
    rolling = false;
    await watcher;
    expect(out).toContain('successfully rolled out');
    const rss = await replicaSets();
    expect(rss.length).toBe(2);
    const images = (await livePods()).map((p) => p.spec?.containers[0]?.image);
    expect(images).toEqual(Array(5).fill('nginx:1.27'));
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(4);
  }, 90_000);

  it('going back to the old template reuses the old ReplicaSet', async () => {
    // `kubectl rollout undo` itself is answered 422 by the API server today (its JSON patch
    // carries the template's `creationTimestamp: null`); setting the old image back is the same
    // rollback as far as the Deployment controller is concerned: the old ReplicaSet's template
    // hash matches, so it is scaled up again instead of a third one being made.
    const before = (await replicaSets()).map((r) => r.metadata.name).sort();
    await kubectlOk(['set', 'image', 'deployment/web', 'nginx=nginx']);
    await kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=45s']);
    await eventually(async () => {
      const pods = await livePods();
      return pods.length === 5 && pods.every((p) => p.spec?.containers[0]?.image === 'nginx') ? true : undefined;
    }, 'pods back on nginx');
    expect((await replicaSets()).map((r) => r.metadata.name).sort()).toEqual(before);
  }, 90_000);

  it('a ReplicaSet replaces a deleted pod and its expectations do not over-create', async () => {
    const victim = (await livePods())[0]!;
    await cluster.client.delete(Resources.pods, victim.metadata.name!, { namespace: 'default', gracePeriodSeconds: 0 });
    await eventually(async () => {
      const pods = await livePods();
      return pods.length === 5 && !pods.some((p) => p.metadata.name === victim.metadata.name) ? true : undefined;
    }, 'a replacement pod');
    // Settled: still exactly 5 once the controller has seen everything.
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await livePods()).length).toBe(5);
  }, 60_000);

  it("a Service's Endpoints and EndpointSlices follow pod readiness", async () => {
    await kubectlOk(['expose', 'deployment/web', '--port=80']);
    const addresses = async (): Promise<{ ready: string[]; notReady: string[] }> => {
      const ep = await cluster.client.get<KubeObject & { subsets?: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[] }[] }>(Resources.endpoints, 'web', { namespace: 'default' });
      return {
        ready: (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort(),
        notReady: (ep.subsets ?? []).flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip)).sort(),
      };
    };
    const podIPs = async (): Promise<string[]> => (await livePods()).map((p) => p.status?.podIP ?? '').sort();
    await eventually(async () => {
      const [got, ips] = [await addresses(), await podIPs()];
      return got.ready.length === 5 && JSON.stringify(got.ready) === JSON.stringify(ips) ? true : undefined;
    }, '5 ready endpoints');
    const victim = (await livePods())[0]!;
    kubelet.failReadiness(`default/${victim.metadata.name}`);
    const got = await eventually(async () => {
      const a = await addresses();
      return a.notReady.length === 1 ? a : undefined;
    }, 'one not-ready endpoint');
    expect(got.notReady).toEqual([victim.status?.podIP]);
    expect(got.ready).not.toContain(victim.status?.podIP);
    // The EndpointSlice controller says the same: 5 endpoints, only the victim not ready.
    await eventually(async () => {
      type Slice = KubeObject & { endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[] };
      const slices = (await cluster.client.list<Slice>(Resources.endpointSlices, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=web' })).items;
      const eps = slices.flatMap((sl) => sl.endpoints ?? []);
      const notReady = eps.filter((e) => e.conditions?.ready !== true).flatMap((e) => e.addresses);
      return eps.length === 5 && JSON.stringify(notReady) === JSON.stringify([victim.status?.podIP]) ? true : undefined;
    }, 'EndpointSlice with one not-ready endpoint');
  }, 60_000);

  it('deleting the Deployment with --cascade=foreground removes its ReplicaSets and pods first', async () => {
    await kubectlOk(['delete', 'deployment', 'web', '--cascade=foreground', '--wait=false']);
    await eventually(async () => {
      const [rss, pods] = [await replicaSets(), await livePods()];
      const d = await cluster.client.get(Resources.deployments, 'web', { namespace: 'default' }).catch(() => undefined);
      return rss.length === 0 && pods.length === 0 && d === undefined ? true : undefined;
    }, 'Deployment, ReplicaSets and pods gone', 45_000);
  }, 60_000);
});
