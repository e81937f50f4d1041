// The ReplicationController controller end to end: real nats-server, store, API server and
// kubectl with the docs' replication.yaml; the test binds pods and reports them Ready
// (fake-kubelet.ts).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '@skiff/client';
import type { Pod } from '@skiff/api';
import { eventually, type TestCluster, isReady, livePods as livePodsOf } from './cluster.js';
import { startFakeNodeCluster } from './fake-kubelet.js';

type PodObj = Pod & KubeObject;

const REPLICATION_YAML = `apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    app: nginx
  template:
    metadata:
      name: nginx
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
`;

let cluster: TestCluster;
let dir: string;

beforeAll(async () => {
  ({ cluster } = await startFakeNodeCluster(['replicationcontroller', 'garbagecollector']));
  dir = cluster.dir;
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

const livePods = (): Promise<PodObj[]> => livePodsOf(cluster.client, 'app=nginx');

const kubectlOk = (args: string[]): Promise<string> => cluster.kubectlOk(args);

describe('ReplicationController controller', () => {
  it('runs the docs example: 3 pods it controls, and kubectl describe counts them', async () => {
    const file = join(dir, 'replication.yaml');
    writeFileSync(file, REPLICATION_YAML);
    expect(await kubectlOk(['apply', '-f', file])).toContain('replicationcontroller/nginx created');
    await eventually(async () => {
      const pods = await livePods();
      return pods.length === 3 && pods.every(isReady) ? true : undefined;
    }, '3 ready pods');
    for (const p of await livePods()) expect(p.metadata.ownerReferences?.[0]).toMatchObject({ apiVersion: 'v1', kind: 'ReplicationController', name: 'nginx', controller: true });
    await eventually(async () => ((await kubectlOk(['get', 'rc', 'nginx', '--no-headers'])).match(/^nginx\s+3\s+3\s+3\s/) ? true : undefined), 'rc status 3/3/3');
    const described = await kubectlOk(['describe', 'replicationcontrollers/nginx']);
    expect(described).toMatch(/Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed/);
  }, 60_000);

  it('kubectl scale rc changes the pod count', async () => {
    await kubectlOk(['scale', 'rc', 'nginx', '--replicas=1']);
    await eventually(async () => ((await livePods()).length === 1 ? true : undefined), '1 pod');
    await kubectlOk(['scale', 'rc', 'nginx', '--replicas=2']);
    await eventually(async () => ((await livePods()).length === 2 ? true : undefined), '2 pods');
  }, 60_000);

  it('deleting the ReplicationController deletes its pods', async () => {
    await kubectlOk(['delete', 'rc', 'nginx']);
    await eventually(async () => ((await livePods()).length === 0 ? true : undefined), 'no pods');
  }, 60_000);
});
