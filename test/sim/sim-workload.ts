// The client workload: K store clients (each its own endpoint, clientId and Random), one operation
// at a time each, over a few keys so that they conflict: puts, linearizable gets, deletes,
// compare-and-swap txns, and leases (grant, a key attached, keep-alive, revoke or abandon).
//
// Lease-attached keys (`/l/...`) are written once, with their lease. The KV model has no leases, so
// a revoke is recorded as a delete of each attached key (same call and return times) and a possible
// expiry as a pending delete by the "lessor" from the put's call on: the checker may place it
// anywhere after, or nowhere. Leases are checked on their own at the end (sim-checks.ts).

import type { MemoryNetwork } from '@skiff/bus';
import type { Clock, Random } from '@skiff/core';
import type { KvCompare, KvInput, KvOutput, KvTxnOp } from '@skiff/testing';
import { compare, CompactedError, createStoreClient, op, StoreClientClosedError, StoreError, StoreUnavailableError, type StoreClient } from '@skiff/store-client';
import { deleteOutput, getOutput, putOutput, txnOutput, type SimHistory } from './sim-history.js';
import { SIM_CLUSTER } from './sim-cluster.js';
import type { SimTrace } from './sim-trace.js';

/** TTLs the workload grants (the store's floor is 2 s). */
export const LEASE_TTL_SECONDS = { min: 2, max: 3 } as const;

export interface WorkloadOptions {
  readonly clients: number;
  /** Plain keys `/k/0` .. `/k/<keys-1>`: few, so that operations conflict. */
  readonly keys: number;
  /** Bound on each client's operations. */
  readonly opsPerClientMax: number;
  readonly thinkMs: { readonly min: number; readonly max: number };
  readonly requestTimeoutMs: number;
  readonly callTimeoutMs: number;
}

export interface WorkloadDeps {
  readonly network: MemoryNetwork;
  readonly clock: Clock;
  readonly random: Random;
  readonly trace: SimTrace;
  readonly history: SimHistory;
  readonly members: readonly string[];
  /** An answer no correct store gives: the run fails with it. */
  readonly anomaly: (message: string) => void;
}

export interface LeaseRecord {
  readonly id: number;
  readonly owner: string;
  readonly keys: string[];
  state: 'live' | 'revoked' | 'gone' | 'abandoned';
}

interface SimClient {
  readonly id: string;
  readonly store: StoreClient;
  readonly random: Random;
  /** The modRevision this client last saw per key (0: absent), for its CAS txns. */
  readonly seen: Map<string, { readonly modRevision: number; readonly value: string | null }>;
  lease: LeaseRecord | null;
  ops: number;
}

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly kind: 'unknown' | 'refused'; readonly error: unknown };

export class Workload {
  readonly leases: LeaseRecord[] = [];
  readonly leaseKeys: string[] = [];
  readonly plainKeys: string[];
  private readonly clients: SimClient[] = [];
  private running = 0;
  private stopped = false;
  private finalClient: SimClient | null = null;

  constructor(
    private readonly deps: WorkloadDeps,
    private readonly o: WorkloadOptions,
  ) {
    this.plainKeys = Array.from({ length: o.keys }, (_, i) => `/k/${i}`);
    for (const id of this.clientNames) this.clients.push(this.newClient(id));
  }

  /** The workload clients' endpoint (and client) names. */
  get clientNames(): string[] {
    return Array.from({ length: this.o.clients }, (_, i) => `c${i}`);
  }

  get idle(): boolean {
    return this.running === 0;
  }

  get opsIssued(): number {
    return this.clients.reduce((n, c) => n + c.ops, 0);
  }

  private newClient(id: string): SimClient {
    const d = this.deps;
    const random = d.random.fork();
    const store = createStoreClient({
      bus: d.network.connect(id),
      cluster: SIM_CLUSTER,
      clientId: id,
      members: d.members,
      requestTimeoutMs: this.o.requestTimeoutMs,
      callTimeoutMs: this.o.callTimeoutMs,
      backoffBaseMs: 20,
      backoffMaxMs: 400,
      random: random.fork(),
      clock: d.clock,
    });
    return { id, store, random, seen: new Map(), lease: null, ops: 0 };
  }

  start(): void {
    for (const c of this.clients) {
      this.running++;
      this.runClient(c)
        .catch((err: unknown) => this.deps.anomaly(`${c.id} stopped: ${errorText(err)}`))
        .finally(() => this.running--);
    }
  }

  /** No new operations; those in flight finish (within callTimeoutMs). */
  stop(): void {
    this.stopped = true;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.store.close()));
  }

  /** A store client for the harness's own checks (not part of the workload's history). */
  harnessClient(id: string): StoreClient {
    const c = this.newClient(id);
    this.clients.push(c);
    return c.store;
  }

  /** Linearizable gets of `keys` (default: every key the workload used) by the harness's own client. */
  async finalReads(keys: readonly string[] = [...this.plainKeys, ...this.leaseKeys]): Promise<void> {
    if (this.finalClient === null) {
      this.finalClient = this.newClient('final');
      this.clients.push(this.finalClient);
    }
    for (const key of keys) await this.get(this.finalClient, key);
  }

  private get(c: SimClient, key: string): Promise<void> {
    return this.kvCall(c, { type: 'get', key }, () => c.store.range(key, { limit: 1 }), getOutput).then(() => undefined);
  }

  private async runClient(c: SimClient): Promise<void> {
    while (!this.stopped && c.ops < this.o.opsPerClientMax) {
      await this.sleep(c.random.int(this.o.thinkMs.min, this.o.thinkMs.max));
      if (this.stopped) return;
      c.ops++;
      await this.step(c);
    }
  }

  private step(c: SimClient): Promise<unknown> {
    const roll = c.random.next();
    if (roll < 0.12) return this.leaseStep(c);
    if (roll < 0.13) return this.compact(c);
    const key = this.pickKey(c, roll < 0.3);
    if (roll < 0.42) return this.get(c, key);
    if (key.startsWith('/l/')) return this.get(c, key);
    if (roll < 0.62) return this.put(c, key);
    if (roll < 0.7) return this.del(c, key);
    return this.cas(c, key);
  }

  private pickKey(c: SimClient, mayBeLeased: boolean): string {
    if (mayBeLeased && this.leaseKeys.length > 0 && c.random.chance(0.3)) return c.random.pick(this.leaseKeys);
    return c.random.pick(this.plainKeys);
  }

  // ---- plain keys -------------------------------------------------------------------------------

  private put(c: SimClient, key: string): Promise<unknown> {
    const value = `${c.id}.${c.ops}`;
    const prevKv = c.random.chance(0.3);
    return this.kvCall(c, { type: 'put', key, value }, () => c.store.put(key, value, prevKv ? { prevKv: true } : {}), (r) => putOutput(r, prevKv));
  }

  private del(c: SimClient, key: string): Promise<unknown> {
    const prevKv = c.random.chance(0.5);
    return this.kvCall(c, { type: 'delete', key }, () => c.store.delete(key, prevKv ? { prevKv: true } : {}), (r) => deleteOutput(r, prevKv));
  }

  /** Kubernetes-style optimistic concurrency, on what this client last saw of the key. */
  private cas(c: SimClient, key: string): Promise<unknown> {
    const seen = c.seen.get(key) ?? { modRevision: 0, value: null };
    const value = `${c.id}.${c.ops}`;
    const variant = c.random.int(0, 2);
    const cmp: KvCompare =
      variant === 0 || seen.value === null
        ? { target: 'modRevision', result: '=', value: seen.modRevision }
        : variant === 1
          ? { target: 'version', result: c.random.pick(['>', '=', '<'] as const), value: c.random.int(0, 2) }
          : { target: 'value', result: '=', value: seen.value };
    const deletes = variant === 2 && c.random.chance(0.5);
    const success: KvTxnOp = deletes ? { type: 'delete' } : { type: 'put', value };
    const input: KvInput = { type: 'txn', key, compares: [cmp], success, failure: { type: 'get' } };
    const request = {
      compare: [cmp.target === 'value' ? compare.value(key, cmp.result, cmp.value) : compare[cmp.target](key, cmp.result, cmp.value)],
      success: [deletes ? op.delete(key) : op.put(key, value)],
      failure: [op.get(key)],
    };
    return this.kvCall(c, input, () => c.store.txn(request), txnOutput);
  }

  /** Compaction below a revision this client saw: watches behind it relist, current reads are unaffected. */
  private async compact(c: SimClient): Promise<void> {
    const seen = Math.max(0, ...[...c.seen.values()].map((s) => s.modRevision));
    if (seen < 2) return;
    const revision = c.random.int(2, seen);
    const r = await this.outcome(() => c.store.compact(revision));
    this.deps.trace.note('compact', `${c.id} compact ${revision}: ${r.ok ? 'ok' : `${r.kind} (${errorText(r.error)})`}`);
    // Compacting at or below the compaction point is refused; anything else would be a bug.
    if (!r.ok && r.kind === 'refused' && !(r.error instanceof CompactedError)) this.deps.anomaly(`${c.id}: compact ${revision} was refused: ${errorText(r.error)}`);
  }

  // ---- leases -----------------------------------------------------------------------------------

  private async leaseStep(c: SimClient): Promise<void> {
    const lease = c.lease;
    if (lease === null || lease.state !== 'live') return this.grant(c);
    const roll = c.random.next();
    if (roll < 0.35 && lease.keys.length < 3) return this.leasedPut(c, lease);
    if (roll < 0.75) return this.keepAlive(c, lease);
    if (roll < 0.92) return this.revoke(c, lease);
    lease.state = 'abandoned';
    this.deps.trace.note('lease', `${c.id} abandons lease ${lease.id} (it will expire)`);
  }

  private async grant(c: SimClient): Promise<void> {
    const ttlSeconds = c.random.int(LEASE_TTL_SECONDS.min, LEASE_TTL_SECONDS.max);
    const r = await this.attempt(c, `leaseGrant ${ttlSeconds}s`, () => c.store.leaseGrant(ttlSeconds));
    if (!r.ok) return;
    const lease: LeaseRecord = { id: r.value.id, owner: c.id, keys: [], state: 'live' };
    c.lease = lease;
    this.leases.push(lease);
    this.deps.trace.note('lease', `${c.id} granted lease ${lease.id} (${r.value.ttlSeconds}s)`);
  }

  /** One put per leased key, with its lease; the lease's revoke or expiry may delete it later. */
  private async leasedPut(c: SimClient, lease: LeaseRecord): Promise<void> {
    const key = `/l/${c.id}.${c.ops}`;
    const value = `${c.id}.${c.ops}`;
    const callTime = this.deps.clock.now();
    const refused = await this.kvCall(c, { type: 'put', key, value }, () => c.store.put(key, value, { lease: lease.id }), (r) => putOutput(r, false));
    if (refused) {
      lease.state = 'gone';
      return;
    }
    lease.keys.push(key);
    this.leaseKeys.push(key);
    this.deps.history.add({ clientId: 'lessor', input: { type: 'delete', key }, callTime }, `lease ${lease.id} may expire`);
  }

  private async keepAlive(c: SimClient, lease: LeaseRecord): Promise<void> {
    const r = await this.attempt(c, `leaseKeepAlive ${lease.id}`, () => c.store.leaseKeepAlive(lease.id));
    if (!r.ok && r.kind === 'refused') lease.state = 'gone';
  }

  private async revoke(c: SimClient, lease: LeaseRecord): Promise<void> {
    const callTime = this.deps.clock.now();
    const r = await this.attempt(c, `leaseRevoke ${lease.id}`, () => c.store.leaseRevoke(lease.id));
    if (!r.ok) {
      if (r.kind === 'refused') lease.state = 'gone';
      return;
    }
    lease.state = 'revoked';
    const returnTime = this.deps.clock.now();
    for (const key of lease.keys) this.deps.history.add({ clientId: c.id, input: { type: 'delete', key }, output: { type: 'delete' }, callTime, returnTime }, `revoke of lease ${lease.id}`);
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  /** Runs one KV operation into the history; true when the store refused it (no effect). */
  private async kvCall<T>(c: SimClient, input: KvInput, run: () => Promise<T>, output: (r: T) => KvOutput): Promise<boolean> {
    const id = this.deps.history.call(c.id, input);
    const r = await this.outcome(run);
    if (r.ok) {
      const out = output(r.value);
      this.deps.history.ok(id, out);
      this.remember(c, input, out);
      return false;
    }
    if (r.kind === 'unknown') this.deps.history.pending(id, errorText(r.error));
    else if (isLeaseRefusal(input, r.error)) this.deps.history.discard(id, errorText(r.error));
    else {
      this.deps.history.pending(id, errorText(r.error));
      this.deps.anomaly(`${c.id}: ${input.type} ${input.key} was refused: ${errorText(r.error)}`);
    }
    return r.kind === 'refused';
  }

  /** A lease operation (not in the KV history); a refusal other than LeaseNotFound is an anomaly. */
  private async attempt<T>(c: SimClient, what: string, run: () => Promise<T>): Promise<Outcome<T>> {
    const r = await this.outcome(run);
    this.deps.trace.note('lease', `${c.id} ${what}: ${r.ok ? 'ok' : `${r.kind} (${errorText(r.error)})`}`);
    if (!r.ok && r.kind === 'refused' && !(r.error instanceof StoreError && r.error.code === 'LeaseNotFound')) {
      this.deps.anomaly(`${c.id}: ${what} was refused: ${errorText(r.error)}`);
    }
    return r;
  }

  private async outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      const unknown = error instanceof StoreUnavailableError || error instanceof StoreClientClosedError;
      return { ok: false, kind: unknown ? 'unknown' : 'refused', error };
    }
  }

  /** What the next CAS of this client compares against: the key as this client last saw it. */
  private remember(c: SimClient, input: KvInput, out: KvOutput): void {
    const key = input.key;
    const read = out.type === 'get' ? out : out.type === 'txn' && out.response?.type === 'get' ? out.response : undefined;
    if (read !== undefined) c.seen.set(key, { modRevision: read.kv?.modRevision ?? 0, value: read.kv?.value ?? null });
    const wrote = out.type === 'put' ? out : out.type === 'txn' && out.response?.type === 'put' ? out.response : undefined;
    const value = input.type === 'put' ? input.value : input.type === 'txn' && input.success.type === 'put' ? input.success.value : undefined;
    if (wrote?.revision !== undefined && value !== undefined) c.seen.set(key, { modRevision: wrote.revision, value });
    if (out.type === 'delete' || (out.type === 'txn' && out.response?.type === 'delete')) c.seen.set(key, { modRevision: 0, value: null });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.deps.clock.setTimeout(resolve, ms));
  }
}

function isLeaseRefusal(input: KvInput, error: unknown): boolean {
  return input.key.startsWith('/l/') && error instanceof StoreError && error.code === 'LeaseNotFound';
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
