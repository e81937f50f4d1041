// Adapter: one attempt of leader election against the Lease in the API (client-go's
// tryAcquireOrRenew with a LeaseLock). Reads the lease, decides with leader-election.ts, and writes
// with the resourceVersion it read, so two candidates racing for one lease cannot both win: the
// second write is a 409 Conflict. An attempt never throws: failures are results.

import type { ApiClient } from './api-client.js';
import { isNotFound } from './api-errors.js';
import {
  decideAcquire,
  leaseWithRecord,
  observe,
  recordFromLease,
  releasedRecord,
  type LeaderElectionTimings,
  type Observation,
} from './leader-election.js';
import { Resources } from './resources.js';

export interface LeaseLockRef {
  readonly client: ApiClient;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
}

export type AttemptResult =
  /** We hold the lease (created, renewed or taken over). */
  | { readonly type: 'leading'; readonly observation: Observation }
  /** Someone else holds a valid lease. */
  | { readonly type: 'following'; readonly observation: Observation }
  /** The API failed or another candidate won a race (409); `observation` when the read worked. */
  | { readonly type: 'failed'; readonly observation: Observation | undefined; readonly error: unknown };

export async function tryAcquireOrRenew(lock: LeaseLockRef, timings: LeaderElectionTimings, prev: Observation | undefined): Promise<AttemptResult> {
  const { client, namespace, name, identity } = lock;
  let observation = prev;
  try {
    const lease = await client.get(Resources.leases, name, { namespace }).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    const now = client.clock.now();
    observation = lease === undefined ? undefined : observe(prev, recordFromLease(lease), now);
    const decision = decideAcquire(identity, observation, now, timings);
    if (decision.type === 'held') return { type: 'following', observation: observation! };
    const next = leaseWithRecord(lease, namespace, name, decision.record);
    if (decision.type === 'create') await client.create(Resources.leases, next, { namespace });
    else await client.update(Resources.leases, next, { namespace });
    return { type: 'leading', observation: { record: decision.record, observedAtMs: now } };
  } catch (error) {
    return { type: 'failed', observation, error };
  }
}

/** Gives the lease up if we still hold it (client-go's release, ReleaseOnCancel). */
export async function releaseLease(lock: LeaseLockRef): Promise<boolean> {
  const { client, namespace, name, identity } = lock;
  const lease = await client.get(Resources.leases, name, { namespace });
  const record = recordFromLease(lease);
  if (record.holderIdentity !== identity) return false;
  await client.update(Resources.leases, leaseWithRecord(lease, namespace, name, releasedRecord(record, client.clock.now())), { namespace });
  return true;
}
