// Two controller-manager instances on Lease kube-system/kube-controller-manager: one leads, the
// other stands by, and takes over (and runs the controllers) when the leader stops.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources, type KubeObject } from '@skiff/client';
import { eventually, replicaSetObject as replicaSet, startTestCluster, type TestCluster } from './cluster.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);


const podCount = async (app: string): Promise<number> => (await cluster.client.list(Resources.pods, { namespace: 'default', labelSelector: `app=${app}` })).items.length;

describe('leader election', () => {
  it('a standby takes over when the leader stops, and then runs the controllers', async () => {
    const first = await cluster.startControllerManager('kcm-1', { controllers: ['replicaset'] });
    await first.manager.whenLeading();
    const second = await cluster.startControllerManager('kcm-2', { controllers: ['replicaset'] });
    expect(second.manager.isLeader()).toBe(false);

    await cluster.client.create(Resources.replicaSets, replicaSet('before', 2), { namespace: 'default' });
    await eventually(async () => ((await podCount('before')) === 2 ? true : undefined), 'pods made by kcm-1');
    // Each controller's loop is an actor of the service host (what `skiff inspect` lists); only the leader's.
    expect(first.host.health().actors.map((a) => a.id)).toEqual(expect.arrayContaining(['controller-replicaset-1', 'controller-replicaset-2']));
    expect(second.host.health().actors.map((a) => a.id)).not.toContain('controller-replicaset-1');

    await first.stop();
    await eventually(async () => (second.manager.isLeader() ? true : undefined), 'kcm-2 leading', 20_000);
    const lease = await cluster.client.get<KubeObject & { spec?: { holderIdentity?: string } }>(Resources.leases, 'kube-controller-manager', { namespace: 'kube-system' });
    expect(lease.spec?.holderIdentity).toBe('kcm-2');

    await cluster.client.create(Resources.replicaSets, replicaSet('after', 3), { namespace: 'default' });
    await eventually(async () => ((await podCount('after')) === 3 ? true : undefined), 'pods made by kcm-2');
    expect(await podCount('before')).toBe(2);
  }, 60_000);
});
