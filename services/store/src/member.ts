/**
 * One store member: Raft (@skiff/raft), the MVCC state machine (@skiff/mvcc) and the write-ahead
 * log (@skiff/wal), served over the bus (store-client protocol.ts). Everything is injected (bus,
 * log, clock, randomness, logger), so the same code runs over NATS in a process, in `skiff up`, and
 * in the deterministic simulation over MemoryNetwork + MemoryWal + SimulationClock.
 *
 * ## API (stable: the simulation and `skiff up` build on it)
 *
 *     const { wal, state } = await Wal.open(dir);            // or MemoryWal.open(disk)
 *     const member = createStoreMember({
 *       name: 'a', members: ['a', 'b', 'c'], cluster: 'local',
 *       bus, wal, recovered: state, clock, random, logger,
 *       host,                     // optional: the Raft actor is spawned there (skiff inspect)
 *       onFatal: (err) => ...,    // optional: the WAL failed; the member halted itself
 *       options: { snapshotEveryEntries: 10_000, maxValueBytes, ... },   // options.ts
 *     });
 *     await member.start();       // subscribes store.raft.<name> and store.member.<name>
 *     member.role / member.term / member.leader / member.appliedIndex / member.status()
 *     const off = member.onRoleChange((soft) => ...);   // {role, term, leaderId}, after each change
 *     member.transferLeadership('b');
 *     await member.stop();        // a leader hands leadership over first (bounded), then stops
 *     member.halt();              // a crash: stops at once, no hand-over, nothing more is handled
 *
 * The caller owns the bus, the log and the host: close them after stop().
 *
 * ## How a Ready is handled (ready-pipeline.ts)
 *
 * Persist (wal.append starts at once; group commit) -> send (one envelope per peer) -> restore an
 * installed snapshot -> apply committed entries (mvcc.apply) -> answer proposals -> publish
 * store.events (leader) -> serve read states -> follow role changes -> maybe snapshot. Strictly in
 * Ready order.
 *
 * ## Leader duties
 *
 * Subscribes store.leader while it leads; batches proposals (proposer.ts) and ReadIndex rounds
 * (read-batcher.ts); proposes leasePromote when it takes over and leaseRevoke for expired leases
 * every leaseCheckIntervalMs (etcd lessor: only the leader expires leases, through the log).
 */

import type { Logger, ServiceHost } from '@skiff/actors';
import { encode, errorReply, subjects as subjectsOf, type Bus, type ErrorEnvelope, type Subjects, type Subscription } from '@skiff/bus';
import type { Clock, Random, TimerId } from '@skiff/core';
import { MvccErrorCode, MvccStore, type ChangeBatch, type Command, type CommandResponse, type ErrorResponse, type RangeRequest } from '@skiff/mvcc';
import { raftMemberMachine, type Entry, type Message, type RaftMemberInput, type ReadState, type Ready, type RestoreState, type Role, type Snapshot, type SoftState } from '@skiff/raft';
import type { CommandReply, MemberStatus } from '@skiff/store-client';
import { WalAppendError, WalClosedError, type WalState, type WriteAheadLog } from '@skiff/wal';
import { createActor, type Actor } from 'xstate';
import { checkClientCommand, checkEntrySize, isProblem, toErrorResponse, type CommandLimits } from './command-check.js';
import { decodeCommand, encodeCommand } from './command-codec.js';
import { handleLeaderRequest, handleMemberRequest, type StoreService } from './handlers.js';
import { ENVELOPE_ALLOWANCE_BYTES, maxEntryBytes, resolveOptions, type ResolvedOptions, type StoreMemberOptions } from './options.js';
import { unavailable, type Outcome } from './outcome.js';
import { chunkBatches } from './pages.js';
import { Proposer } from './proposer.js';
import { batchByDestination, decodeRaftEnvelope } from './raft-transport.js';
import { ReadBatcher } from './read-batcher.js';
import { ReadyPipeline } from './ready-pipeline.js';
import { serveLoop, type Respond, type ServeLoop } from './serve-loop.js';

export type { StoreMemberOptions } from './options.js';

export interface StoreMemberDeps {
  /** This member's id: a subject token (`store.raft.<name>`). */
  readonly name: string;
  /** Every voting member, this one included; the same list on every member (static membership). */
  readonly members: readonly string[];
  /** Subjects live under `skiff.<cluster>.`. */
  readonly cluster: string;
  readonly bus: Bus;
  readonly wal: WriteAheadLog;
  /** What `Wal.open` / `MemoryWal.open` recovered from the same log. */
  readonly recovered: WalState;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  /** When given, the Raft actor is spawned on it (inspection, health); its clock must be `clock`. */
  readonly host?: ServiceHost;
  /** The member halted itself (a failed fsync, an unusable snapshot): restart it from its log. */
  readonly onFatal?: (err: unknown) => void;
  readonly options?: StoreMemberOptions;
}

export interface StoreMemberStats {
  /** Raft messages (or whole payloads) dropped at the boundary: garbage, misaddressed. */
  raftRejected: number;
  raftReceived: number;
  raftSendFailures: number;
  proposalsBatched: number;
  entriesApplied: number;
  snapshotsTaken: number;
  snapshotsInstalled: number;
  eventsPublished: number;
}

export interface StoreMember {
  readonly name: string;
  readonly members: readonly string[];
  /** The Raft core's current view (follower, preCandidate, candidate, leader). */
  readonly role: Role;
  readonly term: number;
  readonly leader: string | null;
  readonly appliedIndex: number;
  /** The replicated state machine, read-only for callers (tests compare members through it). */
  readonly mvcc: MvccStore;
  readonly stats: Readonly<StoreMemberStats>;
  start(): Promise<void>;
  /** Graceful: a leader transfers leadership first (bounded by transferTimeoutMs). Idempotent. */
  stop(opts?: { readonly transferLeadership?: boolean }): Promise<void>;
  /** A crash: everything stops now; nothing pending is answered, nothing more is persisted. */
  halt(): void;
  status(): MemberStatus & { readonly snapshotIndex: number; readonly snapshotsInstalled: number };
  onRoleChange(listener: (soft: SoftState) => void): () => void;
  /** Thesis §3.10; only a leader acts on it. */
  transferLeadership(to: string): void;
}

export function createStoreMember(deps: StoreMemberDeps): StoreMember {
  return new Member(deps);
}

type RaftActor = Actor<typeof raftMemberMachine>;
type Phase = 'new' | 'running' | 'stopping' | 'stopped';

const WARNINGS_LOGGED_MAX = 20;

class Member implements StoreMember, StoreService {
  readonly name: string;
  readonly members: readonly string[];
  readonly mvcc: MvccStore;
  readonly stats: StoreMemberStats = {
    raftRejected: 0,
    raftReceived: 0,
    raftSendFailures: 0,
    proposalsBatched: 0,
    entriesApplied: 0,
    snapshotsTaken: 0,
    snapshotsInstalled: 0,
    eventsPublished: 0,
  };
  readonly historyPageMax: number;
  readonly maxPayloadBytes: number;
  private readonly opts: ResolvedOptions;
  private readonly log: Logger;
  private readonly subjects: Subjects;
  private readonly raftSubjects = new Map<string, string>();
  private readonly limits: CommandLimits;
  private readonly pipeline: ReadyPipeline;
  private readonly proposer: Proposer;
  private readonly reads: ReadBatcher;
  private readonly listeners = new Set<(soft: SoftState) => void>();
  private actor: RaftActor | null = null;
  private phase: Phase = 'new';
  private stopping: Promise<void> | null = null;
  /** Role, term and leader as of the last Ready handled (what the adapter acts on). */
  private soft: SoftState;
  private applied: number;
  private appliedTerm: number;
  private snapshotIndex: number;
  private snapshotting = false;
  /** The term whose leasePromote was applied: expiry runs only after it (etcd lessor.Promote). */
  private promotedTerm = -1;
  private readonly revoking = new Set<number>();
  private leaderLoop: ServeLoop | null = null;
  private memberLoop: ServeLoop | null = null;
  private raftSub: Subscription | null = null;
  private sweepTimer: TimerId | undefined;
  private leaseTimer: TimerId | undefined;
  private warnings = 0;

  constructor(private readonly deps: StoreMemberDeps) {
    this.name = deps.name;
    this.members = [...deps.members];
    if (!this.members.includes(this.name)) throw new RangeError(`members (${this.members.join(', ')}) must include ${this.name}`);
    this.opts = resolveOptions(deps.options);
    this.historyPageMax = this.opts.historyPageMax;
    this.maxPayloadBytes = this.opts.maxPayloadBytes;
    this.log = deps.logger;
    this.subjects = subjectsOf(deps.cluster);
    for (const m of this.members) this.raftSubjects.set(m, this.subjects.storeRaft(m));
    this.limits = { maxValueBytes: this.opts.maxValueBytes, maxEntryBytes: maxEntryBytes(this.opts) };
    this.mvcc = new MvccStore(this.opts.mvcc);
    const snapshot = deps.recovered.snapshot;
    if (snapshot !== null) {
      const restored = this.mvcc.restore(snapshot.data);
      if (!restored.ok) throw new Error(`snapshot ${snapshot.meta.index} in the log does not restore: ${restored.error}`);
    }
    this.applied = snapshot?.meta.index ?? 0;
    this.appliedTerm = snapshot?.meta.term ?? 0;
    this.snapshotIndex = this.applied;
    this.soft = { role: 'follower', term: deps.recovered.hardState.term, leaderId: null };
    this.pipeline = new ReadyPipeline(deps.wal, { handle: (r) => this.handle(r), onFatal: (err) => this.fatal(err) });
    this.proposer = new Proposer(
      { propose: (entries, requestId) => this.propose(entries, requestId) },
      { pendingMax: this.opts.pendingProposalsMax, batchEntriesMax: this.opts.batchEntriesMax, batchBytesMax: this.opts.batchBytesMax },
    );
    this.reads = new ReadBatcher(
      { requestRead: (requestId) => this.actor?.send({ type: 'requestRead', requestId }), appliedIndex: () => this.applied },
      this.opts.pendingReadsMax,
      this.opts.readTimeoutMs,
    );
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.phase !== 'new') throw new Error(`store member ${this.name} was already started`);
    this.phase = 'running';
    this.actor = this.spawnRaft();
    this.raftSub = this.deps.bus.subscribe(this.raftSubjects.get(this.name)!);
    void this.consumeRaft(this.raftSub);
    this.memberLoop = this.serve(this.subjects.storeMember(this.name), (req, respond) => handleMemberRequest(this, req, respond));
    this.scheduleSweep();
    this.scheduleLeaseCheck();
    await this.deps.bus.flush();
    this.log.info({ members: this.members, applied: this.applied, term: this.soft.term }, 'store member started');
  }

  stop(opts: { readonly transferLeadership?: boolean } = {}): Promise<void> {
    this.stopping ??= this.shutdown(opts.transferLeadership !== false);
    return this.stopping;
  }

  halt(): void {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    this.pipeline.stop();
    this.clearTimers();
    this.leaderLoop?.stop();
    this.memberLoop?.stop();
    this.raftSub?.unsubscribe();
    this.leaderLoop = this.memberLoop = null;
    this.raftSub = null;
    this.actor?.stop();
  }

  private async shutdown(transfer: boolean): Promise<void> {
    if (this.phase !== 'running') {
      this.halt();
      return;
    }
    this.phase = 'stopping';
    if (transfer && this.soft.role === 'leader') await this.handOver();
    const outcome = unavailable(`store member ${this.name} is stopping`, this.leaderHint() === this.name ? null : this.leaderHint());
    this.proposer.failAll(outcome);
    this.reads.failAll(outcome);
    this.halt();
    this.log.info('store member stopped');
  }

  /** Thesis §3.10: hand leadership to the most up-to-date follower, and wait (bounded) until it took it. */
  private async handOver(): Promise<void> {
    const to = this.bestTransferee();
    if (to === null) return;
    this.log.info({ to }, 'transferring leadership before stopping');
    this.transferLeadership(to);
    const moved = await this.waitForLeadership((soft) => this.leadsElsewhere(soft), this.opts.transferTimeoutMs);
    if (!moved) this.log.warn({ to, timeoutMs: this.opts.transferTimeoutMs }, 'leadership did not move in time; stopping anyway');
  }

  private bestTransferee(): string | null {
    const progress = this.actor?.getSnapshot().context.core.progress;
    let best: string | null = null;
    let bestMatch = -1;
    for (const [id, pr] of progress ?? []) {
      if (pr.recentActive && pr.match > bestMatch) {
        best = id;
        bestMatch = pr.match;
      }
    }
    return best;
  }

  /** Resolves true once `moved` holds for the soft state (checked now and on each change), false after `timeoutMs`. */
  private waitForLeadership(moved: (soft: SoftState) => boolean, timeoutMs: number): Promise<boolean> {
    if (moved(this.soft)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (result: boolean): void => {
        off();
        this.deps.clock.clearTimeout(timer);
        resolve(result);
      };
      const off = this.onRoleChange((soft) => moved(soft) && finish(true));
      const timer = this.deps.clock.setTimeout(() => finish(false), timeoutMs);
    });
  }

  /** Another member is known to lead: leadership has moved, not just left. */
  private leadsElsewhere(soft: SoftState): boolean {
    return soft.leaderId !== null && soft.leaderId !== this.name;
  }

  private fatal(err: unknown): void {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.log.fatal({ err }, `store member halted: ${reason}`);
    this.halt();
    this.deps.onFatal?.(err);
  }

  // ---- the Raft actor -------------------------------------------------------------------------

  private spawnRaft(): RaftActor {
    const o = this.opts;
    const input: RaftMemberInput = {
      config: {
        id: this.name,
        members: this.members,
        keepEntriesAfterSnapshot: o.keepEntriesAfterSnapshot,
        maxSizePerMsgBytes: Math.min(512 * 1024, this.limits.maxEntryBytes),
        snapshotChunkBytes: Math.min(512 * 1024, this.limits.maxEntryBytes),
      },
      random: this.deps.random,
      restore: this.restoreState(),
      electionTimeoutMinMs: o.electionTimeoutMinMs,
      electionTimeoutMaxMs: o.electionTimeoutMaxMs,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
    };
    const host = this.deps.host;
    // The actor only schedules its election timer when it starts; no Ready leaves before `on` below.
    const actor = host === undefined ? createActor(raftMemberMachine, { clock: this.deps.clock, input, id: 'raft' }) : host.spawn(raftMemberMachine, { id: 'raft', input });
    actor.on('ready', ({ ready }) => this.onReady(ready));
    if (host === undefined) actor.start();
    return actor;
  }

  private restoreState(): RestoreState {
    const r = this.deps.recovered;
    const snapshot: Snapshot | null = r.snapshot === null ? null : { meta: { ...r.snapshot.meta, members: this.members }, data: r.snapshot.data };
    return { hardState: r.hardState, snapshot, entries: r.entries, applied: this.applied };
  }

  /** Synchronous part: bookkeeping that must not wait (the answer to a propose), then the pipeline. */
  private onReady(ready: Ready): void {
    if (this.phase === 'stopped') return;
    if (ready.proposal !== null) this.proposer.onProposal(ready.proposal);
    const persisted = this.pipeline.push(ready);
    if (ready.proposal?.ok === true) void persisted.then(() => this.proposer.batchPersisted());
  }

  private propose(entries: Uint8Array[], requestId: string): void {
    this.stats.proposalsBatched++;
    this.actor?.send({ type: 'propose', entries, requestId });
  }

  /** Steps 2-5 of the Ready contract, once the Ready is durable. */
  private handle(ready: Ready): void {
    this.send(ready.messages);
    if (ready.snapshotToInstall !== null) this.installSnapshot(ready.snapshotToInstall);
    const changes = this.apply(ready.committedEntries);
    if (changes.length > 0 && ready.softState.role === 'leader') this.publishEvents(changes);
    for (const rs of ready.readStates) this.onReadState(rs);
    this.reads.onApplied();
    if (ready.softStateChanged) this.followSoftState(ready.softState);
    this.maybeSnapshot();
  }

  private send(messages: readonly Message[]): void {
    if (messages.length === 0) return;
    const budget = this.opts.maxPayloadBytes - ENVELOPE_ALLOWANCE_BYTES;
    for (const [to, envelopes] of batchByDestination(this.name, messages, budget)) {
      const subject = this.raftSubjects.get(to);
      if (subject === undefined) continue;
      for (const data of envelopes) {
        try {
          this.deps.bus.publish(subject, data);
        } catch (err) {
          this.stats.raftSendFailures++;
          this.warn({ err, to }, 'raft message not sent');
        }
      }
    }
  }

  private async consumeRaft(sub: Subscription): Promise<void> {
    try {
      for await (const msg of sub) this.receiveRaft(msg.data);
    } catch (err) {
      if (this.phase === 'running') this.log.error({ err }, 'raft inbox ended');
    }
  }

  private receiveRaft(data: Uint8Array): void {
    if (this.phase === 'stopped' || this.actor === null) return;
    const { messages, problems } = decodeRaftEnvelope(data, this.name);
    if (problems.length > 0) {
      this.stats.raftRejected += problems.length;
      this.warn({ problems: problems.slice(0, 3), rejected: this.stats.raftRejected }, 'raft input rejected');
    }
    this.stats.raftReceived += messages.length;
    for (const m of messages) this.actor.send(m);
  }

  // ---- applying -------------------------------------------------------------------------------

  private installSnapshot(snapshot: Snapshot): void {
    const restored = this.mvcc.restore(snapshot.data);
    if (!restored.ok) throw new Error(`snapshot ${snapshot.meta.index} from the leader does not restore: ${restored.error}`);
    this.applied = snapshot.meta.index;
    this.appliedTerm = snapshot.meta.term;
    this.snapshotIndex = snapshot.meta.index;
    this.stats.snapshotsInstalled++;
    this.proposer.onSnapshotInstalled(snapshot.meta.index, this.leaderHint());
    this.log.info({ index: snapshot.meta.index, revision: restored.revision, bytes: snapshot.data.byteLength }, 'installed snapshot from the leader');
  }

  private apply(entries: readonly Entry[]): ChangeBatch[] {
    const changes: ChangeBatch[] = [];
    const leader = this.leaderHint();
    for (const e of entries) {
      let response: CommandResponse | ErrorResponse | undefined;
      if (e.data.byteLength > 0) {
        const command = (this.proposer.commandAt(e.index, e.term) as Command | undefined) ?? decodeCommand(e.data);
        if (command === undefined) {
          response = { type: 'error', code: MvccErrorCode.InvalidRequest, message: `entry ${e.index} is not a command`, revision: this.mvcc.revision };
        } else {
          const result = this.mvcc.apply(command);
          response = result.response;
          if (result.change !== undefined) changes.push(result.change);
        }
      }
      this.applied = e.index;
      this.appliedTerm = e.term;
      this.proposer.onApplied(e.index, e.term, response, leader);
    }
    this.stats.entriesApplied += entries.length;
    return changes;
  }

  private publishEvents(changes: readonly ChangeBatch[]): void {
    for (const batches of chunkBatches(changes, this.opts.maxPayloadBytes - ENVELOPE_ALLOWANCE_BYTES)) {
      try {
        this.deps.bus.publish(this.subjects.storeEvents, encodeEvents(batches));
        this.stats.eventsPublished++;
      } catch (err) {
        this.warn({ err, firstRevision: batches[0]?.revision }, 'store.events not published (readers will see a gap and read the history)');
      }
    }
  }

  private onReadState(rs: ReadState): void {
    this.reads.onReadState(rs, this.leaderHint(), this.deps.clock.now());
  }

  private followSoftState(next: SoftState): void {
    const was = this.soft.role;
    this.soft = next;
    if (was !== 'leader' && next.role === 'leader') this.becomeLeader();
    if (was === 'leader' && next.role !== 'leader') this.stepDown();
    this.log.info({ role: next.role, term: next.term, leader: next.leaderId }, 'raft role');
    for (const l of [...this.listeners]) l(next);
  }

  private becomeLeader(): void {
    this.revoking.clear();
    if (this.phase === 'running') this.leaderLoop = this.serve(this.subjects.storeLeader, (req, respond) => handleLeaderRequest(this, req, respond));
    const term = this.soft.term;
    const nowMs = this.deps.clock.now();
    this.proposeInternal({ type: 'leasePromote', nowMs, extendMs: this.opts.electionTimeoutMaxMs }, (outcome) => {
      if (outcome.ok && outcome.response.type === 'leasePromote') this.promotedTerm = term;
    });
  }

  private stepDown(): void {
    this.leaderLoop?.stop();
    this.leaderLoop = null;
    this.proposer.stepDown(this.soft.leaderId);
    this.reads.stepDown(this.soft.leaderId);
    this.revoking.clear();
  }

  // ---- snapshots (Raft §7) --------------------------------------------------------------------

  private maybeSnapshot(): void {
    if (this.snapshotting || this.applied - this.snapshotIndex < this.opts.snapshotEveryEntries) return;
    const index = this.applied;
    const term = this.appliedTerm;
    const data = this.mvcc.snapshot();
    this.snapshotting = true;
    void this.saveSnapshot(index, term, data).finally(() => (this.snapshotting = false));
  }

  private async saveSnapshot(index: number, term: number, data: Uint8Array): Promise<void> {
    try {
      await this.deps.wal.saveSnapshot({ index, term }, data);
      if (this.phase === 'stopped') return;
      this.actor?.send({ type: 'snapshotTaken', index, data });
      this.snapshotIndex = Math.max(this.snapshotIndex, index);
      this.stats.snapshotsTaken++;
      const released = await this.deps.wal.releaseBefore(index);
      this.log.info({ index, term, bytes: data.byteLength, segmentsReleased: released }, 'snapshot taken');
    } catch (err) {
      // A snapshot from the leader may overtake ours (WalAppendError), or we are stopping.
      if (err instanceof WalAppendError || err instanceof WalClosedError) this.log.warn({ err, index }, 'snapshot not saved');
      else this.fatal(err);
    }
  }

  // ---- serving --------------------------------------------------------------------------------

  private serve(subject: string, handler: (req: Parameters<typeof handleMemberRequest>[1], respond: Respond) => void): ServeLoop {
    return serveLoop(this.deps.bus, subject, handler, {
      maxPayloadBytes: this.opts.maxPayloadBytes,
      onError: (err, s) => this.warn({ err, subject: s }, 'request failed'),
    });
  }

  isLeader(): boolean {
    return this.phase === 'running' && this.soft.role === 'leader';
  }

  leaderHint(): string | null {
    return this.soft.leaderId;
  }

  nowMs(): number {
    return this.deps.clock.now();
  }

  submitCommand(value: unknown, respond: Respond): void {
    const checked = checkClientCommand(value, this.limits);
    if (isProblem(checked)) {
      respond({ type: 'store.response', response: toErrorResponse(checked, this.mvcc.revision) });
      return;
    }
    const nowMs = this.deps.clock.now();
    if (checked.type === 'range') {
      this.submitRead(checked, respond, nowMs);
      return;
    }
    // The leader's clock, whatever the client sent (mvcc: time enters only as the proposer's nowMs).
    const command = { ...checked, nowMs } as Command;
    const bytes = encodeCommand(command);
    const tooLarge = checkEntrySize(bytes, this.limits);
    if (tooLarge !== undefined) {
      respond({ type: 'store.response', response: toErrorResponse(tooLarge, this.mvcc.revision) });
      return;
    }
    this.proposer.submit({ bytes, command, deadlineMs: nowMs + this.opts.proposalTimeoutMs, done: (o) => respond(outcomeReply(o)) });
  }

  private submitRead(request: RangeRequest, respond: Respond, nowMs: number): void {
    this.reads.submit(
      {
        deadlineMs: nowMs + this.opts.readTimeoutMs,
        serve: () => respond({ type: 'store.response', response: this.mvcc.range(request) }),
        fail: (o) => respond(outcomeReply(o)),
      },
      nowMs,
    );
  }

  private proposeInternal(command: Command, done: (outcome: Outcome) => void): void {
    const bytes = encodeCommand(command);
    this.proposer.submit({ bytes, command, deadlineMs: this.deps.clock.now() + this.opts.proposalTimeoutMs, done });
  }

  transferLeadership(to: string, respond?: Respond): void {
    if (to === this.name || !this.members.includes(to)) {
      respond?.({ type: 'store.transferLeadership', to, leader: this.leaderHint() });
      return;
    }
    this.actor?.send({ type: 'transferLeadership', to });
    if (respond === undefined) return;
    void this.waitForLeadership((soft) => this.leadsElsewhere(soft), this.opts.transferTimeoutMs).then((moved) => {
      if (moved) respond({ type: 'store.transferLeadership', to, leader: this.leaderHint() });
      else respond(errorReply('Unavailable', `leadership did not move to ${to} within ${this.opts.transferTimeoutMs} ms`, { leader: this.leaderHint() }));
    });
  }

  // ---- leases ---------------------------------------------------------------------------------

  private scheduleLeaseCheck(): void {
    this.leaseTimer = this.deps.clock.setTimeout(() => {
      this.leaseTimer = undefined;
      if (this.phase !== 'running') return;
      this.revokeExpiredLeases();
      this.scheduleLeaseCheck();
    }, this.opts.leaseCheckIntervalMs);
  }

  /** Leader only, after its leasePromote applied: each expired lease is revoked through the log. */
  private revokeExpiredLeases(): void {
    if (!this.isLeader() || this.promotedTerm !== this.soft.term) return;
    const nowMs = this.deps.clock.now();
    for (const id of this.mvcc.expiredLeases(nowMs, 256)) {
      if (this.revoking.has(id)) continue;
      this.revoking.add(id);
      this.proposeInternal({ type: 'leaseRevoke', id, nowMs }, () => this.revoking.delete(id));
    }
  }

  private scheduleSweep(): void {
    this.sweepTimer = this.deps.clock.setTimeout(() => {
      this.sweepTimer = undefined;
      if (this.phase === 'stopped') return;
      const now = this.deps.clock.now();
      this.proposer.sweep(now);
      this.reads.sweep(now);
      this.scheduleSweep();
    }, this.opts.sweepIntervalMs);
  }

  private clearTimers(): void {
    if (this.sweepTimer !== undefined) this.deps.clock.clearTimeout(this.sweepTimer);
    if (this.leaseTimer !== undefined) this.deps.clock.clearTimeout(this.leaseTimer);
    this.sweepTimer = this.leaseTimer = undefined;
  }

  // ---- views ----------------------------------------------------------------------------------

  private get core() {
    return this.actor?.getSnapshot().context.core;
  }

  /** A stopped member leads nothing, whatever its core said last. */
  get role(): Role {
    if (this.phase === 'stopped') return 'follower';
    return this.core?.role ?? this.soft.role;
  }

  get term(): number {
    return this.core?.term ?? this.soft.term;
  }

  get leader(): string | null {
    const core = this.core;
    return core === undefined ? this.soft.leaderId : core.lead;
  }

  get appliedIndex(): number {
    return this.applied;
  }

  status(): MemberStatus & { readonly snapshotIndex: number; readonly snapshotsInstalled: number } {
    return {
      type: 'store.status',
      member: this.name,
      members: this.members,
      role: this.role,
      term: this.term,
      leader: this.leader,
      commitIndex: this.core?.log.committed ?? this.deps.recovered.hardState.commit,
      appliedIndex: this.applied,
      revision: this.mvcc.revision,
      compactRevision: this.mvcc.compactRevision,
      keys: this.mvcc.keyCount,
      snapshotIndex: this.snapshotIndex,
      snapshotsInstalled: this.stats.snapshotsInstalled,
    };
  }

  onRoleChange(listener: (soft: SoftState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Logs the first warnings, then one in a thousand: garbage on a subject must not flood the log. */
  private warn(fields: Record<string, unknown>, message: string): void {
    this.warnings++;
    if (this.warnings <= WARNINGS_LOGGED_MAX || this.warnings % 1000 === 0) this.log.warn({ ...fields, warnings: this.warnings }, message);
  }
}

function outcomeReply(o: Outcome): CommandReply | ErrorEnvelope {
  return o.ok ? { type: 'store.response', response: o.response } : errorReply(o.code, o.message, { leader: o.leader });
}

function encodeEvents(batches: readonly ChangeBatch[]): Uint8Array {
  return encode({ type: 'store.events', batches });
}
