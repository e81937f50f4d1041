// The StatefulSet controller end to end with the Kubernetes docs' StatefulSet Basics tutorial:
// real nats-server, store, API server and kubectl applying web.yaml (headless Service nginx and
// StatefulSet web); the test binds pods and reports them Ready (fake-kubelet.ts). kubectl rollout
// status says "partitioned roll out" because the partition defaults to 0, as in the tutorial.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources, type KubeObject } from '@skiff/client';
import type { Pod } from '@skiff/api';
import { eventually, type TestCluster, isReady, livePods as livePodsOf } from './cluster.js';
import { type FakeKubelet, startFakeNodeCluster } from './fake-kubelet.js';

type PodObj = Pod & KubeObject;
const CLAIMS = { group: '', version: 'v1', resource: 'persistentvolumeclaims' } as const;

const WEB_YAML = `apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
`;

let cluster: TestCluster;
let kubelet: FakeKubelet;
let dir: string;

beforeAll(async () => {
  ({ cluster, kubelet } = await startFakeNodeCluster(['statefulset', 'garbagecollector']));
  dir = cluster.dir;
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

const livePods = (): Promise<PodObj[]> => livePodsOf(cluster.client, 'app=nginx');
const names = (pods: readonly PodObj[]): string[] => pods.map((p) => p.metadata.name ?? '').sort();
const image = (p: PodObj | undefined): string => p?.spec?.containers[0]?.image ?? '';

const kubectlOk = (args: string[]): Promise<string> => cluster.kubectlOk(args);

async function readyPods(want: readonly string[]): Promise<PodObj[]> {
  return eventually(async () => {
    const pods = await livePods();
    return names(pods).join(',') === [...want].sort().join(',') && pods.every(isReady) ? pods : undefined;
  }, `ready pods ${want.join(',')}`, 60_000);
}

/** The set's pod deletions recorded as Events, in the order the API server stored them. */
/** The pods the controller deleted, in the order of its SuccessfulDelete events, once there are `count` (events are written after the delete). */
async function deletedInOrder(count: number): Promise<string[]> {
  return eventually(async () => {
    const events = (await cluster.client.list<KubeObject & { reason?: string; message?: string; involvedObject?: { name?: string } }>(Resources.events, { namespace: 'default' })).items;
    const deleted = events
      .filter((e) => e.involvedObject?.name === 'web' && e.reason === 'SuccessfulDelete')
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
      .map((e) => /delete Pod (web-\d+) in StatefulSet web successful/.exec(e.message ?? '')?.[1] ?? '');
    return deleted.length >= count ? deleted : undefined;
  }, `${count} SuccessfulDelete events`);
}

describe('StatefulSet controller (StatefulSet Basics)', () => {
  it('creates web-0, and web-1 only once web-0 is Running and Ready', async () => {
    kubelet.failReadiness('default/web-0');
    const file = join(dir, 'web.yaml');
    writeFileSync(file, WEB_YAML);
    const applied = await kubectlOk(['apply', '-f', file]);
    expect(applied).toContain('service/nginx created');
    expect(applied).toContain('statefulset.apps/web created');
    // web-0 runs but is not Ready, and the controller has seen it so: no web-1 yet.
    await eventually(async () => {
      const [web0] = await livePods();
      return web0?.status?.phase === 'Running' ? true : undefined;
    }, 'web-0 Running, not Ready');
    await eventually(async () => ((await kubectlOk(['get', 'sts', 'web', '-o', 'jsonpath={.status.replicas}/{.status.readyReplicas}'])) === '1/0' ? true : undefined), 'status 1 replica, 0 ready');
    expect(names(await livePods())).toEqual(['web-0']);
    kubelet.restoreReadiness('default/web-0');
    const pods = await readyPods(['web-0', 'web-1']);
    const web1 = pods.find((p) => p.metadata.name === 'web-1')!;
    expect(web1.spec).toMatchObject({ hostname: 'web-1', subdomain: 'nginx' });
    expect(web1.metadata.labels).toMatchObject({ app: 'nginx', 'statefulset.kubernetes.io/pod-name': 'web-1', 'apps.kubernetes.io/pod-index': '1' });
    expect(web1.spec?.volumes?.find((v) => v.name === 'www')).toEqual({ name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } });
    expect(await kubectlOk(['get', 'pvc', '-l', 'app=nginx', '-o', 'name'])).toBe('persistentvolumeclaim/www-web-0\npersistentvolumeclaim/www-web-1\n');
    await eventually(async () => ((await kubectlOk(['get', 'sts', 'web', '--no-headers'])).match(/^web\s+2\/2\s/) ? true : undefined), 'READY 2/2');
    const described = await kubectlOk(['describe', 'sts', 'web']);
    expect(described).toContain('create Pod web-0 in StatefulSet web successful');
    expect(described).toContain('create Pod web-1 in StatefulSet web successful');
    expect(described).toContain('create Claim www-web-0 Pod web-0 in StatefulSet web success');
  }, 120_000);

  it('kubectl scale sts web --replicas=5 then 3: up in order, down from the highest ordinal', async () => {
    await kubectlOk(['scale', 'sts', 'web', '--replicas=5']);
    await readyPods(['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
    await kubectlOk(['scale', 'sts', 'web', '--replicas=3']);
    await readyPods(['web-0', 'web-1', 'web-2']);
    expect(await deletedInOrder(2)).toEqual(['web-4', 'web-3']);
    expect(await kubectlOk(['rollout', 'status', 'sts/web', '--timeout=60s'])).toContain('partitioned roll out complete: 3 new pods have been updated...');
  }, 120_000);

  it('a patched image rolls from web-2 down; rollout history and undo bring the old one back', async () => {
    const patch = '[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"registry.k8s.io/nginx-slim:0.21"}]';
    expect(await kubectlOk(['patch', 'statefulset', 'web', '--type=json', `-p=${patch}`])).toContain('statefulset.apps/web patched');
    expect(await kubectlOk(['rollout', 'status', 'sts/web', '--timeout=90s'])).toContain('partitioned roll out complete: 3 new pods have been updated...');
    const pods = await readyPods(['web-0', 'web-1', 'web-2']);
    expect(pods.map(image)).toEqual(['registry.k8s.io/nginx-slim:0.21', 'registry.k8s.io/nginx-slim:0.21', 'registry.k8s.io/nginx-slim:0.21']);
    expect(await deletedInOrder(5)).toEqual(['web-4', 'web-3', 'web-2', 'web-1', 'web-0']);
    const history = await kubectlOk(['rollout', 'history', 'sts/web']);
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    expect(await kubectlOk(['rollout', 'undo', 'sts/web'])).toContain('statefulset.apps/web rolled back');
    expect(await kubectlOk(['rollout', 'status', 'sts/web', '--timeout=90s'])).toContain('partitioned roll out complete: 3 new pods have been updated...');
    await eventually(async () => {
      const now = await livePods();
      return now.length === 3 && now.every((p) => image(p) === 'registry.k8s.io/nginx-slim:0.24' && isReady(p)) ? true : undefined;
    }, 'all pods back on nginx-slim:0.24', 60_000);
    expect(await kubectlOk(['rollout', 'history', 'sts/web'])).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
  }, 240_000);

  it('stages an update with a partition, a canary at partition 2, then rolls out at 0', async () => {
    const images = async (): Promise<string[]> => (await readyPods(['web-0', 'web-1', 'web-2'])).sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1)).map(image);
    const partition = (n: number): string => `{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":${n}}}}}`;
    await kubectlOk(['patch', 'statefulset', 'web', '-p', partition(3)]);
    await kubectlOk(['patch', 'statefulset', 'web', '--type=json', '-p=[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"registry.k8s.io/nginx-slim:0.21"}]']);
    await kubectlOk(['delete', 'pod', 'web-2']);
    // Below the partition a deleted pod comes back from the current revision.
    await eventually(async () => {
      const web2 = (await livePods()).find((p) => p.metadata.name === 'web-2');
      return web2 !== undefined && isReady(web2) ? true : undefined; // kubectl delete waited for the old one to go
    }, 'web-2 back');
    expect(await images()).toEqual(['registry.k8s.io/nginx-slim:0.24', 'registry.k8s.io/nginx-slim:0.24', 'registry.k8s.io/nginx-slim:0.24']);
    await kubectlOk(['patch', 'statefulset', 'web', '-p', partition(2)]);
    await eventually(async () => ((await images()).join() === 'registry.k8s.io/nginx-slim:0.24,registry.k8s.io/nginx-slim:0.24,registry.k8s.io/nginx-slim:0.21' ? true : undefined), 'canary web-2', 60_000);
    await kubectlOk(['patch', 'statefulset', 'web', '-p', partition(0)]);
    expect(await kubectlOk(['rollout', 'status', 'sts/web', '--timeout=90s'])).toContain('partitioned roll out complete: 3 new pods have been updated...');
    await eventually(async () => ((await images()).every((i) => i === 'registry.k8s.io/nginx-slim:0.21') ? true : undefined), 'all on 0.21', 60_000);
  }, 240_000);

  it('OnDelete: a template change waits for pods to be deleted by hand', async () => {
    await kubectlOk(['patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"type":"OnDelete", "rollingUpdate": null}}}']);
    await kubectlOk(['patch', 'statefulset', 'web', '--type=json', '-p=[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"registry.k8s.io/nginx-slim:0.24"}]']);
    await eventually(async () => ((await kubectlOk(['get', 'sts', 'web', '-o', 'jsonpath={.status.observedGeneration}/{.metadata.generation}'])).split('/').every((v, _, a) => v === a[0]) ? true : undefined), 'generation observed');
    expect((await readyPods(['web-0', 'web-1', 'web-2'])).map(image)).toEqual(['registry.k8s.io/nginx-slim:0.21', 'registry.k8s.io/nginx-slim:0.21', 'registry.k8s.io/nginx-slim:0.21']);
    await kubectlOk(['delete', 'pod', 'web-1']);
    await eventually(async () => {
      const web1 = (await livePods()).find((p) => p.metadata.name === 'web-1');
      return web1 !== undefined && isReady(web1) && image(web1) === 'registry.k8s.io/nginx-slim:0.24' ? true : undefined;
    }, 'web-1 on 0.24');
  }, 120_000);

  it('delete --cascade=orphan keeps the pods; applying web.yaml again adopts them and trims to 2', async () => {
    await kubectlOk(['delete', 'statefulset', 'web', '--cascade=orphan']);
    await eventually(async () => ((await livePods()).every((p) => (p.metadata.ownerReferences ?? []).length === 0) ? true : undefined), 'orphaned pods');
    expect(names(await livePods())).toEqual(['web-0', 'web-1', 'web-2']);
    await kubectlOk(['apply', '-f', join(dir, 'web.yaml')]);
    const pods = await readyPods(['web-0', 'web-1']);
    for (const p of pods) expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'web', controller: true });
  }, 120_000);

  it('whenScaled: Delete removes the claims of pods scaled away', async () => {
    await kubectlOk(['patch', 'statefulset', 'web', '-p', '{"spec":{"persistentVolumeClaimRetentionPolicy":{"whenScaled":"Delete"}}}']);
    await kubectlOk(['scale', 'sts', 'web', '--replicas=1']);
    await readyPods(['web-0']);
    const claims = async (): Promise<string[]> =>
      (await cluster.client.list(CLAIMS, { namespace: 'default', labelSelector: 'app=nginx' })).items.filter((c) => c.metadata.deletionTimestamp === undefined).map((c) => c.metadata.name ?? '');
    await eventually(async () => ((await claims()).includes('www-web-1') ? undefined : true), 'www-web-1 collected', 60_000);
    expect(await claims()).toContain('www-web-0');
  }, 120_000);

  it('deleting the StatefulSet deletes its pods and keeps its claims (whenDeleted: Retain)', async () => {
    await kubectlOk(['delete', 'sts', 'web']);
    await eventually(async () => ((await livePods()).length === 0 ? true : undefined), 'no pods', 60_000);
    expect(await kubectlOk(['get', 'pvc', '-l', 'app=nginx', '-o', 'name'])).toContain('persistentvolumeclaim/www-web-0');
  }, 120_000);
});
