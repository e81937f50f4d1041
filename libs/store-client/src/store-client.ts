// StoreClient: the apiserver's handle on the store (DESIGN.md §1: only the apiserver calls it),
// speaking protocol.ts over any Bus. Names and semantics follow etcd clientv3 (KV, Lease,
// Maintenance, Watch), with three guarantees of its own:
// - writes are exactly-once: each carries (clientId, seq, ackSeq) and keeps its seq across
//   retries, so the store applies it once however many times it arrives (session.ts);
// - calls retry what is not final (no leader, NotLeader, Unavailable, timeouts) with jittered
//   back-off until a deadline, then fail with StoreUnavailableError; refusals are StoreErrors;
// - watches deliver committed revisions in order, without gaps or duplicates, or end with
//   CompactedError (watch.ts).
// Time and randomness are injected (clock, random), so a simulation replays exactly.

import type { Clock, Random } from '@skiff/actors';
import { DEFAULT_CLUSTER, subjects, type Bus, type Envelope, type Subjects } from '@skiff/bus';
import {
  type Command,
  type CommandResponse,
  type CompactResponse,
  type DeleteRangeResponse,
  type KeyValue,
  type LeaseGrantResponse,
  type LeaseId,
  type LeaseKeepAliveResponse,
  type LeaseRevokeResponse,
  type LeaseStatus,
  type LeaseTimeToLive,
  type PutResponse,
  type RangeRequest,
  type RangeResponse,
  type TxnRequest,
  type TxnResponse,
  toBytes,
} from '@skiff/mvcc';
import { StoreProtocolError } from './errors.js';
import { EventsFeed } from './events-feed.js';
import { LeaseKeeper, type KeepAliveLoop, type KeepAliveOptions } from './keep-alive.js';
import type { HistoryReply, MemberStatus, StoreRequest } from './protocol.js';
import { commandResponse, historyReply, leasesReply, leaseTimeToLiveReply, memberStatus } from './replies.js';
import { Requester, type Attempt } from './requester.js';
import { backoffMs, checkPolicy, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { WriteSession } from './session.js';
import { casDeleteRequest, casPutRequest, selectKeys, type KeyLike, type KeySelector, type PutOpOptions } from './txn.js';
import { Watch, type StoreWatch, type WatchTuning } from './watch.js';

export interface StoreClientOptions {
  readonly bus: Bus;
  /** Cluster name of the subjects (`skiff.<cluster>.store.*`). Default 'local'. */
  readonly cluster?: string;
  /** Unique per client incarnation; default a random `sc-<16 hex>` drawn from `random`. */
  readonly clientId?: string;
  /** Store member names (serializable reads, statusAll); discovered from the leader when absent. */
  readonly members?: readonly string[];
  /** Deadline of one attempt. Default 2,000 ms. */
  readonly requestTimeoutMs?: number;
  /** Deadline of one call, retries included. Default 10,000 ms. */
  readonly callTimeoutMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Writes holding a seq at once (must stay below the store's saved responses per client, 256). Default 128. */
  readonly maxInFlightWrites?: number;
  readonly random: Random;
  readonly clock: Clock;
}

export interface CallOptions {
  /** This call's deadline instead of the client's callTimeoutMs. */
  readonly timeoutMs?: number;
}

export interface ReadOptions extends CallOptions {
  /** Read the store as of this revision (0 or absent: current). */
  readonly revision?: number;
  /** Read one member's applied state (may be stale) instead of a linearizable read through the leader. */
  readonly serializable?: boolean;
  /** With serializable: this member (default: a random one, others on failure). */
  readonly member?: string;
}

export interface RangeOptions extends ReadOptions, KeySelector {
  readonly limit?: number;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
}

export interface PutOptions extends CallOptions, PutOpOptions {}

export interface DeleteOptions extends CallOptions, KeySelector {
  readonly prevKv?: boolean;
}

export interface CasResult {
  readonly succeeded: boolean;
  /** The store revision after the txn (the new modRevision of the key when a put succeeded). */
  readonly revision: number;
  /** On failure: the key's current version, absent when the key does not exist. */
  readonly current?: KeyValue;
}

export interface WatchOptions extends KeySelector, WatchTuning {
  /** First revision to deliver (history is replayed from it); absent: only what comes after now. */
  readonly fromRevision?: number;
  /** Include each event's previous version. */
  readonly prevKv?: boolean;
}

export type MemberStatusResult =
  | { readonly member: string; readonly ok: true; readonly status: MemberStatus }
  | { readonly member: string; readonly ok: false; readonly error: Error };

export interface StoreClient {
  readonly clientId: string;
  get(key: KeyLike, opts?: ReadOptions): Promise<KeyValue | undefined>;
  range(key: KeyLike, opts?: RangeOptions): Promise<RangeResponse>;
  put(key: KeyLike, value: KeyLike, opts?: PutOptions): Promise<PutResponse>;
  delete(key: KeyLike, opts?: DeleteOptions): Promise<DeleteRangeResponse>;
  txn(request: TxnRequest, opts?: CallOptions): Promise<TxnResponse>;
  compareAndSwap(key: KeyLike, expectedModRevision: number, value: KeyLike, opts?: PutOptions): Promise<CasResult>;
  compareAndDelete(key: KeyLike, expectedModRevision: number, opts?: CallOptions): Promise<CasResult>;
  leaseGrant(ttlSeconds: number, opts?: CallOptions & { readonly id?: LeaseId }): Promise<LeaseGrantResponse>;
  leaseRevoke(id: LeaseId, opts?: CallOptions): Promise<LeaseRevokeResponse>;
  leaseKeepAlive(id: LeaseId, opts?: CallOptions): Promise<LeaseKeepAliveResponse>;
  keepAliveLoop(id: LeaseId, opts?: KeepAliveOptions): KeepAliveLoop;
  leaseTimeToLive(id: LeaseId, opts?: CallOptions & { readonly keys?: boolean }): Promise<LeaseTimeToLive>;
  leases(opts?: CallOptions): Promise<readonly LeaseStatus[]>;
  compact(revision: number, opts?: CallOptions): Promise<CompactResponse>;
  status(member: string, opts?: CallOptions): Promise<MemberStatus>;
  statusAll(opts?: CallOptions): Promise<MemberStatusResult[]>;
  members(opts?: CallOptions): Promise<readonly string[]>;
  transferLeadership(to: string, opts?: CallOptions): Promise<void>;
  watch(key: KeyLike, opts?: WatchOptions): StoreWatch;
  /** One page of committed history from the leader (what watches catch up with). */
  history(fromRevision: number, limitRevisions: number, opts?: CallOptions): Promise<HistoryReply>;
  /** Cancels watches and keep-alive loops, fails waiting calls; the bus stays open (it is the caller's). */
  close(): Promise<void>;
}

export function createStoreClient(options: StoreClientOptions): StoreClient {
  return new Client(options);
}

type CommandBody = Command extends infer C ? (C extends Command ? Omit<C, 'clientId' | 'seq' | 'ackSeq'> : never) : never;

class Client implements StoreClient {
  readonly clientId: string;
  private readonly subjects: Subjects;
  private readonly requester: Requester;
  private readonly session: WriteSession;
  private readonly feed: EventsFeed;
  private readonly random: Random;
  private readonly clock: Clock;
  private readonly policy: RetryPolicy;
  private knownMembers: readonly string[] | undefined;
  private readonly watches = new Set<Watch>();
  private readonly keepers = new Set<LeaseKeeper>();

  constructor(o: StoreClientOptions) {
    this.random = o.random;
    this.clock = o.clock;
    this.subjects = subjects(o.cluster ?? DEFAULT_CLUSTER);
    this.clientId = o.clientId ?? randomClientId(o.random);
    this.policy = checkPolicy({
      callTimeoutMs: o.callTimeoutMs ?? DEFAULT_RETRY_POLICY.callTimeoutMs,
      requestTimeoutMs: o.requestTimeoutMs ?? DEFAULT_RETRY_POLICY.requestTimeoutMs,
      backoffBaseMs: o.backoffBaseMs ?? DEFAULT_RETRY_POLICY.backoffBaseMs,
      backoffMaxMs: o.backoffMaxMs ?? DEFAULT_RETRY_POLICY.backoffMaxMs,
    });
    this.requester = new Requester(o.bus, o.clock, o.random, this.policy);
    this.session = new WriteSession(this.clientId, o.maxInFlightWrites ?? 128);
    this.feed = new EventsFeed(o.bus, this.subjects.storeEvents);
    this.knownMembers = o.members === undefined ? undefined : [...o.members];
  }

  // ---- KV -------------------------------------------------------------------------------------

  async get(key: KeyLike, opts: ReadOptions = {}): Promise<KeyValue | undefined> {
    const r = await this.range(key, { ...opts, limit: 1 });
    return r.kvs[0];
  }

  range(key: KeyLike, opts: RangeOptions = {}): Promise<RangeResponse> {
    const request: RangeRequest = {
      ...selectKeys(key, opts),
      ...definedOnly({ limit: opts.limit, revision: opts.revision, keysOnly: opts.keysOnly, countOnly: opts.countOnly }),
    };
    return opts.serializable === true ? this.serializableRange(request, opts) : this.linearizableRange(request, opts);
  }

  put(key: KeyLike, value: KeyLike, opts: PutOptions = {}): Promise<PutResponse> {
    const { timeoutMs: _t, ...put } = opts;
    return this.write<PutResponse>({ type: 'put', ...selectKeys(key), value: toBytes(value), ...put }, 'put', opts);
  }

  delete(key: KeyLike, opts: DeleteOptions = {}): Promise<DeleteRangeResponse> {
    const prevKv = opts.prevKv === undefined ? {} : { prevKv: opts.prevKv };
    return this.write<DeleteRangeResponse>({ type: 'deleteRange', ...selectKeys(key, opts), ...prevKv }, 'deleteRange', opts);
  }

  txn(request: TxnRequest, opts: CallOptions = {}): Promise<TxnResponse> {
    return this.write<TxnResponse>({ type: 'txn', compare: request.compare, success: request.success, failure: request.failure }, 'txn', opts);
  }

  async compareAndSwap(key: KeyLike, expectedModRevision: number, value: KeyLike, opts: PutOptions = {}): Promise<CasResult> {
    const { timeoutMs: _t, ...put } = opts;
    return casResult(await this.txn(casPutRequest(key, expectedModRevision, value, put), opts));
  }

  async compareAndDelete(key: KeyLike, expectedModRevision: number, opts: CallOptions = {}): Promise<CasResult> {
    return casResult(await this.txn(casDeleteRequest(key, expectedModRevision), opts));
  }

  // ---- leases ---------------------------------------------------------------------------------
  // nowMs is required by the command type; the leader replaces it with its own clock when it
  // proposes (mvcc: "the leader stamps it"), so the client's clock never sets a deadline.

  leaseGrant(ttlSeconds: number, opts: CallOptions & { readonly id?: LeaseId } = {}): Promise<LeaseGrantResponse> {
    const id = opts.id === undefined ? {} : { id: opts.id };
    return this.write<LeaseGrantResponse>({ type: 'leaseGrant', ttlSeconds, nowMs: this.clock.now(), ...id }, 'leaseGrant', opts);
  }

  leaseRevoke(id: LeaseId, opts: CallOptions = {}): Promise<LeaseRevokeResponse> {
    return this.write<LeaseRevokeResponse>({ type: 'leaseRevoke', id }, 'leaseRevoke', opts);
  }

  leaseKeepAlive(id: LeaseId, opts: CallOptions = {}): Promise<LeaseKeepAliveResponse> {
    return this.write<LeaseKeepAliveResponse>({ type: 'leaseKeepAlive', id, nowMs: this.clock.now() }, 'leaseKeepAlive', opts);
  }

  keepAliveLoop(id: LeaseId, opts: KeepAliveOptions = {}): KeepAliveLoop {
    const keeper = new LeaseKeeper(id, opts, {
      clock: this.clock,
      keepAlive: (leaseId, callTimeoutMs) => this.leaseKeepAlive(leaseId, { timeoutMs: callTimeoutMs }),
      onEnd: (k) => this.keepers.delete(k),
    });
    this.keepers.add(keeper);
    return keeper;
  }

  leaseTimeToLive(id: LeaseId, opts: CallOptions & { readonly keys?: boolean } = {}): Promise<LeaseTimeToLive> {
    const keys = opts.keys === undefined ? {} : { keys: opts.keys };
    return this.ask('leaseTimeToLive', { type: 'store.leaseTimeToLive', id, ...keys }, leaseTimeToLiveReply, opts);
  }

  leases(opts: CallOptions = {}): Promise<readonly LeaseStatus[]> {
    return this.ask('leases', { type: 'store.leases' }, leasesReply, opts);
  }

  // ---- maintenance ----------------------------------------------------------------------------

  compact(revision: number, opts: CallOptions = {}): Promise<CompactResponse> {
    return this.write<CompactResponse>({ type: 'compact', revision }, 'compact', opts);
  }

  async status(member: string, opts: CallOptions = {}): Promise<MemberStatus> {
    const status = await this.requester.run({
      operation: `status ${member}`,
      attempt: () => ({ subject: this.subjects.storeMember(member), message: { type: 'store.status' } satisfies StoreRequest }),
      accept: memberStatus,
      // One attempt: a member that does not answer is reported as such (statusAll), not waited for.
      attemptsMax: 1,
      callTimeoutMs: opts.timeoutMs ?? this.policy.requestTimeoutMs,
    });
    this.knownMembers ??= status.members;
    return status;
  }

  async statusAll(opts: CallOptions = {}): Promise<MemberStatusResult[]> {
    const members = await this.members(opts);
    return Promise.all(
      members.map(async (member): Promise<MemberStatusResult> => {
        try {
          return { member, ok: true, status: await this.status(member, opts) };
        } catch (err) {
          return { member, ok: false, error: err instanceof Error ? err : new Error(String(err)) };
        }
      }),
    );
  }

  /** The configured members, else the leader's member list (asked once, then cached). */
  async members(opts: CallOptions = {}): Promise<readonly string[]> {
    if (this.knownMembers !== undefined) return this.knownMembers;
    const status = await this.ask('members', { type: 'store.status' }, memberStatus, opts);
    this.knownMembers ??= status.members;
    return this.knownMembers;
  }

  async transferLeadership(to: string, opts: CallOptions = {}): Promise<void> {
    await this.ask('transferLeadership', { type: 'store.transferLeadership', to }, (env) => env, opts);
  }

  // ---- watch ----------------------------------------------------------------------------------

  watch(key: KeyLike, opts: WatchOptions = {}): StoreWatch {
    const sel = selectKeys(key, opts);
    const filter = { ...sel, prevKv: opts.prevKv ?? false };
    const watch = new Watch(filter, opts.fromRevision, opts, {
      clock: this.clock,
      feed: this.feed,
      callTimeoutMs: this.policy.callTimeoutMs,
      fetchHistory: (fromRevision, limitRevisions) => this.history(fromRevision, limitRevisions),
      currentRevision: async () => (await this.linearizableRange({ key: sel.key, countOnly: true }, {})).revision,
      backoffMs: (attempt) => backoffMs(attempt, this.policy, this.random),
      sleep: (ms) => this.requester.sleep(ms, 'watch'),
      onEnd: (w) => this.watches.delete(w),
    });
    this.watches.add(watch);
    return watch;
  }

  /** One page of committed history from the leader (store.history). */
  history(fromRevision: number, limitRevisions: number, opts: CallOptions = {}): Promise<HistoryReply> {
    return this.ask('history', { type: 'store.history', fromRevision, limitRevisions }, historyReply, opts);
  }

  async close(): Promise<void> {
    const watches = [...this.watches];
    for (const w of watches) w.cancel();
    for (const k of [...this.keepers]) k.stop();
    this.requester.close();
    // A watch waiting on a history request ends when that request returns or times out.
    await Promise.all(watches.map((w) => w.closed()));
  }

  // ---- plumbing -------------------------------------------------------------------------------

  /** A write through the Raft log, exactly-once: one seq for every attempt, ackSeq refreshed. */
  private async write<T extends CommandResponse>(body: CommandBody, responseType: T['type'], opts: CallOptions): Promise<T> {
    const seq = await this.session.begin();
    try {
      return await this.requester.run({
        operation: body.type,
        attempt: () => this.toLeader({ type: 'store.command', command: { ...body, clientId: this.clientId, seq, ackSeq: this.session.ackSeq() } as Command }),
        accept: (env) => commandResponse<T>(env, responseType, body.type),
        ...deadline(opts),
      });
    } finally {
      this.session.end(seq);
    }
  }

  private linearizableRange(request: RangeRequest, opts: CallOptions): Promise<RangeResponse> {
    return this.requester.run({
      operation: 'range',
      attempt: () => this.toLeader({ type: 'store.command', command: { type: 'range', ...request } }),
      accept: (env) => commandResponse<RangeResponse>(env, 'range', 'range'),
      ...deadline(opts),
    });
  }

  private async serializableRange(request: RangeRequest, opts: ReadOptions): Promise<RangeResponse> {
    const members = opts.member === undefined ? await this.members(opts) : [opts.member];
    if (members.length === 0) throw new StoreProtocolError('no store members known for a serializable read');
    const first = this.random.int(0, members.length - 1);
    return this.requester.run({
      operation: 'range (serializable)',
      // A member that does not answer is skipped: the next attempt asks the next one.
      attempt: (n) => ({
        subject: this.subjects.storeMember(members[(first + n - 1) % members.length] as string),
        message: { type: 'store.range', request } satisfies StoreRequest,
      }),
      accept: (env) => commandResponse<RangeResponse>(env, 'range', 'range'),
      ...deadline(opts),
    });
  }

  /** A request to the leader that is not a command (lease queries, history, status, transfer). */
  private ask<T>(operation: string, message: StoreRequest, accept: (env: Envelope) => T, opts: CallOptions): Promise<T> {
    return this.requester.run({ operation, attempt: () => this.toLeader(message), accept, ...deadline(opts) });
  }

  private toLeader(message: StoreRequest): Attempt {
    return { subject: this.subjects.storeLeader, message };
  }
}

function casResult(r: TxnResponse): CasResult {
  if (r.succeeded) return { succeeded: true, revision: r.revision };
  const read = r.responses[0];
  const current = read !== undefined && read.type === 'range' ? read.kvs[0] : undefined;
  return current === undefined ? { succeeded: false, revision: r.revision } : { succeeded: false, revision: r.revision, current };
}

function deadline(opts: CallOptions): { callTimeoutMs?: number } {
  return opts.timeoutMs === undefined ? {} : { callTimeoutMs: opts.timeoutMs };
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** 64 random bits as `sc-<16 hex>`: unique per client incarnation, drawn from the injected Random. */
export function randomClientId(random: Random): string {
  const word = (): string => random.int(0, 0xffffffff).toString(16).padStart(8, '0');
  return `sc-${word()}${word()}`;
}
