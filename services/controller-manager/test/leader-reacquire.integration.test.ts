// One controller-manager instance loses its Lease (another holder takes it) and later gets it
// back: losing stops its controllers (queues shut down, no workers), getting it back starts a new
// term whose controllers run again, and they see what changed in between (a ReplicaSet created
// while it stood by gets its pods).

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


type Lease = KubeObject & { spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string; leaseTransitions?: number } };

const podCount = async (app: string): Promise<number> => (await cluster.client.list(Resources.pods, { namespace: 'default', labelSelector: `app=${app}` })).items.length;
const isoMicro = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');

/** Another candidate takes the Lease for `seconds` (as if this instance had missed its renewals). */
async function stealLease(seconds: number): Promise<void> {
  await eventually(async () => {
    const lease = await cluster.client.get<Lease>(Resources.leases, 'kube-controller-manager', { namespace: 'kube-system' });
    const now = isoMicro(Date.now());
    const spec = { ...lease.spec, holderIdentity: 'intruder', leaseDurationSeconds: seconds, acquireTime: now, renewTime: now, leaseTransitions: (lease.spec?.leaseTransitions ?? 0) + 1 };
    await cluster.client.update(Resources.leases, { ...lease, spec } as KubeObject);
    return true;
  }, 'lease taken by intruder');
}

describe('leader re-acquire', () => {
  it('losing the Lease stops the controllers; getting it back starts them again', async () => {
    const kcm = await cluster.startControllerManager('kcm-r', { controllers: ['replicaset'] });
    await kcm.manager.whenLeading();
    expect(kcm.manager.leadershipTerms()).toBe(1);
    await cluster.client.create(Resources.replicaSets, replicaSet('one', 2), { namespace: 'default' });
    await eventually(async () => ((await podCount('one')) === 2 ? true : undefined), 'pods of the first term');
    const firstTerm = kcm.manager.controllers();
    expect(firstTerm.map((c) => c.name)).toEqual(['replicaset']);

    await stealLease(4);
    await eventually(async () => (!kcm.manager.isLeader() && kcm.manager.controllers().length === 0 ? true : undefined), 'kcm-r standing down');
    await eventually(async () => (firstTerm.every((c) => c.queue.shuttingDown && c.queue.processingCount === 0) ? true : undefined), 'first term stopped');
    await cluster.client.create(Resources.replicaSets, replicaSet('two', 2), { namespace: 'default' });

    // The intruder does not renew: once its lease expired kcm-r takes it back.
    await eventually(async () => (kcm.manager.isLeader() && kcm.manager.leadershipTerms() === 2 ? true : undefined), 'kcm-r leading again', 30_000);
    const lease = await cluster.client.get<Lease>(Resources.leases, 'kube-controller-manager', { namespace: 'kube-system' });
    expect(lease.spec?.holderIdentity).toBe('kcm-r');
    const secondTerm = kcm.manager.controllers();
    expect(secondTerm.map((c) => c.name)).toEqual(['replicaset']);
    expect(secondTerm[0]).not.toBe(firstTerm[0]);
    expect(secondTerm[0]?.queue.shuttingDown).toBe(false);

    await eventually(async () => ((await podCount('two')) === 2 ? true : undefined), 'pods of the ReplicaSet created while standing by');
    const one = await cluster.client.get<KubeObject & { spec?: { replicas?: number } }>(Resources.replicaSets, 'one', { namespace: 'default' });
    await cluster.client.update(Resources.replicaSets, { ...one, spec: { ...one.spec, replicas: 3 } } as KubeObject);
    await eventually(async () => ((await podCount('one')) === 3 ? true : undefined), 'scale up in the second term');

    // And once more: a second loss and return work the same way.
    await stealLease(2);
    await eventually(async () => (kcm.manager.isLeader() && kcm.manager.leadershipTerms() === 3 ? true : undefined), 'kcm-r leading a third time', 30_000);
    expect(secondTerm[0]?.queue.shuttingDown).toBe(true);
    expect(kcm.host.health().actors.filter((a) => a.id.startsWith('controller-replicaset-')).map((a) => a.id).sort()).toEqual(['controller-replicaset-1', 'controller-replicaset-2']);
  }, 90_000);
});
