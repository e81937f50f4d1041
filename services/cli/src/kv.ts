// `skiff kv`: the store, etcdctl-style, for people debugging a cluster. It talks to the store
// members over the cluster's NATS with the same client the apiserver uses (leader discovery,
// retries, exactly-once writes), so what it shows is what the apiserver sees.

import { RealClock, systemRandom } from '@skiff/core';
import { createStoreClient, StoreError, StoreUnavailableError, type MemberStatusResult, type StoreClient } from '@skiff/store-client';
import { connectCluster } from './cluster-client.js';
import { CliError, OptionError } from './errors.js';
import { formatEvent, formatKvs, formatLeases, formatLeaseTtl, parseLeaseId } from './kv-view.js';
import { requireRunning, type ClusterRef } from './status.js';
import { STORE_HEADERS, storeRows, storeSummary, type StoreMemberHealth } from './status-view.js';
import { renderTable } from './table.js';

export type KvCommand =
  | { readonly op: 'get'; readonly key: string; readonly prefix: boolean; readonly revision?: number; readonly limit?: number; readonly keysOnly: boolean; readonly countOnly: boolean; readonly serializable: boolean }
  | { readonly op: 'put'; readonly key: string; readonly value: string; readonly lease?: string }
  | { readonly op: 'del'; readonly key: string; readonly prefix: boolean }
  | { readonly op: 'watch'; readonly key: string; readonly prefix: boolean; readonly revision?: number }
  | { readonly op: 'lease'; readonly action: 'grant' | 'revoke' | 'ttl' | 'list' | 'keep-alive'; readonly arg?: string }
  | { readonly op: 'status' }
  | { readonly op: 'compact'; readonly revision: number };

export interface KvIo {
  readonly out: NodeJS.WritableStream;
  /** Resolves when the person asks to stop (Ctrl-C): ends `watch` and `lease keep-alive`. */
  readonly interrupted: Promise<void>;
}

export async function runKv(ref: ClusterRef, cmd: KvCommand, io: KvIo): Promise<number> {
  const state = requireRunning(ref);
  const bus = await connectCluster(state.natsUrls);
  const client = createStoreClient({ bus, cluster: state.cluster, clock: new RealClock(), random: systemRandom() });
  try {
    return await execute(client, cmd, io);
  } catch (err) {
    // The store said no (Compacted, LeaseNotFound, ...) or could not be reached: a person's error,
    // told in one line, not a bug.
    if (err instanceof StoreError || err instanceof StoreUnavailableError) throw new CliError(err.message);
    throw err;
  } finally {
    await client.close();
    await bus.close();
  }
}

async function execute(client: StoreClient, cmd: KvCommand, io: KvIo): Promise<number> {
  const { out } = io;
  switch (cmd.op) {
    case 'get': {
      const res = await client.range(cmd.key, {
        prefix: cmd.prefix,
        keysOnly: cmd.keysOnly,
        countOnly: cmd.countOnly,
        serializable: cmd.serializable,
        ...(cmd.revision === undefined ? {} : { revision: cmd.revision }),
        ...(cmd.limit === undefined ? {} : { limit: cmd.limit }),
      });
      out.write(cmd.countOnly ? `${res.count}\n` : formatKvs(res.kvs, cmd.keysOnly));
      return 0;
    }
    case 'put': {
      const lease = cmd.lease === undefined ? undefined : parseLeaseId(cmd.lease);
      await client.put(cmd.key, cmd.value, lease === undefined ? {} : { lease });
      out.write('OK\n');
      return 0;
    }
    case 'del': {
      const res = await client.delete(cmd.key, { prefix: cmd.prefix });
      out.write(`${res.deleted}\n`);
      return 0;
    }
    case 'watch':
      return watch(client, cmd, io);
    case 'lease':
      return lease(client, cmd, io);
    case 'status': {
      const members = (await client.statusAll()).map(toHealth);
      out.write(`${renderTable(STORE_HEADERS, storeRows(members))}\n${storeSummary(members)}\n`);
      return members.some((m) => 'error' in m) ? 1 : 0;
    }
    case 'compact': {
      const res = await client.compact(cmd.revision);
      out.write(`compacted revision ${cmd.revision} (store at ${res.revision})\n`);
      return 0;
    }
  }
}

function toHealth(r: MemberStatusResult): StoreMemberHealth {
  if (!r.ok) return { member: r.member, error: r.error.message };
  const s = r.status;
  return { member: r.member, role: s.role, term: s.term, leader: s.leader, commitIndex: s.commitIndex, appliedIndex: s.appliedIndex, revision: s.revision, keys: s.keys };
}

async function watch(client: StoreClient, cmd: Extract<KvCommand, { op: 'watch' }>, io: KvIo): Promise<number> {
  const w = client.watch(cmd.key, { prefix: cmd.prefix, ...(cmd.revision === undefined ? {} : { fromRevision: cmd.revision }) });
  void io.interrupted.then(() => w.cancel());
  for await (const batch of w) for (const event of batch.events) io.out.write(formatEvent(batch.revision, event));
  return 0;
}

async function lease(client: StoreClient, cmd: Extract<KvCommand, { op: 'lease' }>, io: KvIo): Promise<number> {
  const { out } = io;
  const arg = (): string => {
    if (cmd.arg === undefined) throw new OptionError(`skiff kv lease ${cmd.action} needs an argument`);
    return cmd.arg;
  };
  switch (cmd.action) {
    case 'grant': {
      const ttl = Number(arg());
      if (!Number.isInteger(ttl) || ttl <= 0) throw new OptionError(`invalid TTL ${JSON.stringify(cmd.arg)}: a positive number of seconds`);
      const res = await client.leaseGrant(ttl);
      out.write(`lease ${res.id.toString(16)} granted with TTL(${res.ttlSeconds}s)\n`);
      return 0;
    }
    case 'revoke':
      await client.leaseRevoke(parseLeaseId(arg()));
      out.write(`lease ${arg()} revoked\n`);
      return 0;
    case 'ttl':
      out.write(formatLeaseTtl(await client.leaseTimeToLive(parseLeaseId(arg()), { keys: true })));
      return 0;
    case 'list':
      out.write(formatLeases(await client.leases()));
      return 0;
    case 'keep-alive': {
      const id = parseLeaseId(arg());
      const loop = client.keepAliveLoop(id, { onRenew: (r) => out.write(`lease ${id.toString(16)} keepalived with TTL(${r.ttlSeconds})\n`) });
      const end = await Promise.race([loop.done, io.interrupted.then(() => undefined)]);
      loop.stop();
      if (end !== undefined && end.type === 'lost') {
        out.write(`lease ${id.toString(16)} expired or revoked\n`);
        return 1;
      }
      return 0;
    }
  }
}
