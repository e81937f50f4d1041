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
 *     member.mvcc                 // the applied MvccStore (read it, never write it)
 *     member.stats                // raftRejected, proposalsBatched, entriesApplied, snapshots...
 *
 * The caller owns the bus, the log and the host: close them after stop(). A crash in a simulation:
 * `member.halt(); wal.crash({ loseUnsynced: true }); network.crash(name)`, then reopen
 * `MemoryWal.open(sameDisk)` and create a new member from its state (test/harness.ts does this).
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
import { encode, errorReply, subjects as subjectsOf, type Bus, type Envelope, type ErrorEnvelope, type Subjects } from '@skiff/bus';
import type { Clock, Random } from '@skiff/core';
import type { ChangeBatch, Command, MvccStore, RangeRequest } from '@skiff/mvcc';
import { raftMemberMachine, type Entry, type Ready, type Role, type SoftState } from '@skiff/raft';
import type { CommandReply, MemberStatus } from '@skiff/store-client';
import type { WalState, WriteAheadLog } from '@skiff/wal';
import { createActor, type Actor } from 'xstate';
import { AppliedState, type EntryResponse } from './applied-state.js';
import { checkClientCommand, checkEntrySize, isProblem, toErrorResponse, type CommandLimits } from './command-check.js';
import { encodeCommand } from './command-codec.js';
import { handleLeaderRequest, handleMemberRequest, type StoreService } from './handlers.js';
import { LeaseKeeper } from './lease-keeper.js';
import { ENVELOPE_ALLOWANCE_BYTES, maxEntryBytes, resolveOptions, type ResolvedOptions, type StoreMemberOptions } from './options.js';
import { unavailable, type Outcome } from './outcome.js';
import { chunkBatches } from './pages.js';
import { Proposer } from './proposer.js';
import { raftInput } from './raft-input.js';
import { RaftLink } from './raft-link.js';
import { ReadBatcher } from './read-batcher.js';
import { ReadyPipeline } from './ready-pipeline.js';
import { serveLoop, type Respond, type ServeLoop } from './serve-loop.js';
import { Snapshotter } from './snapshotter.js';
import { every } from './ticker.js';

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
  readonly raftRejected: number;
  readonly raftReceived: number;
  readonly raftSendFailures: number;
  /** `propose` inputs sent to the core (each one batch of entries). */
  readonly proposalsBatched: number;
  readonly entriesApplied: number;
  readonly snapshotsTaken: number;
  readonly snapshotsInstalled: number;
  readonly eventsPublished: number;
}

export type StoreMemberStatus = MemberStatus & { readonly snapshotIndex: number; readonly snapshotsInstalled: number };

export interface StoreMember {
  readonly name: string;
  readonly members: readonly string[];
  /** The Raft core's current view (follower, preCandidate, candidate, leader); follower once stopped. */
  readonly role: Role;
  readonly term: number;
  readonly leader: string | null;
  readonly appliedIndex: number;
  /** The replicated state machine, read-only for callers (tests compare members through it). */
  readonly mvcc: MvccStore;
  readonly stats: StoreMemberStats;
  start(): Promise<void>;
  /** Graceful: a leader transfers leadership first (bounded by transferTimeoutMs). Idempotent. */
  stop(opts?: { readonly transferLeadership?: boolean }): Promise<void>;
  /** A crash: everything stops now; nothing pending is answered, nothing more is persisted. */
  halt(): void;
  status(): StoreMemberStatus;
  /** Called after each change of role, term or known leader, once the Ready saying so is handled. */
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
  readonly historyPageMax: number;
  readonly maxPayloadBytes: number;
  private readonly opts: ResolvedOptions;
  private readonly log: Logger;
  private readonly subjects: Subjects;
  private readonly limits: CommandLimits;
  private readonly state: AppliedState;
  private readonly pipeline: ReadyPipeline;
  private readonly proposer: Proposer;
  private readonly reads: ReadBatcher;
  private readonly leases: LeaseKeeper;
  private readonly snapshots: Snapshotter;
  private readonly link: RaftLink;
  private readonly listeners = new Set<(soft: SoftState) => void>();
  private readonly counters = { proposalsBatched: 0, entriesApplied: 0, snapshotsInstalled: 0, eventsPublished: 0 };
  private actor: RaftActor | null = null;
  private phase: Phase = 'new';
  private stopping: Promise<void> | null = null;
  /** Role, term and leader as of the last Ready handled (what the adapter acts on). */
  private soft: SoftState;
  private leaderLoop: ServeLoop | null = null;
  private memberLoop: ServeLoop | null = null;
  private readonly cancelTimers: (() => void)[] = [];
  private warnings = 0;

  constructor(private readonly deps: StoreMemberDeps) {
    this.name = deps.name;
    this.members = [...deps.members];
    if (!this.members.includes(this.name)) throw new RangeError(`members (${this.members.join(', ')}) must include ${this.name}`);
    const o = resolveOptions(deps.options);
    this.opts = o;
    this.historyPageMax = o.historyPageMax;
    this.maxPayloadBytes = o.maxPayloadBytes;
    this.log = deps.logger;
    this.subjects = subjectsOf(deps.cluster);
    this.limits = { maxValueBytes: o.maxValueBytes, maxEntryBytes: maxEntryBytes(o) };
    this.state = new AppliedState(deps.recovered, o.mvcc);
    this.soft = { role: 'follower', term: deps.recovered.hardState.term, leaderId: null };
    this.pipeline = new ReadyPipeline(deps.wal, { handle: (r) => this.handle(r), onFatal: (err) => this.fatal(err) }, deps.recovered.hardState);
    this.proposer = new Proposer(
      { propose: (entries, requestId) => this.propose(entries, requestId) },
      { pendingMax: o.pendingProposalsMax, batchEntriesMax: o.batchEntriesMax, batchBytesMax: o.batchBytesMax },
    );
    this.reads = new ReadBatcher(
      { requestRead: (requestId) => this.actor?.send({ type: 'requestRead', requestId }), appliedIndex: () => this.state.index },
      o.pendingReadsMax,
      o.readTimeoutMs,
    );
    this.leases = new LeaseKeeper(
      {
        mvcc: this.state.mvcc,
        nowMs: () => deps.clock.now(),
        leadsIn: (term) => this.isLeader() && this.soft.term === term,
        propose: (command, done) => this.proposeInternal(command, done),
      },
      o.electionTimeoutMaxMs,
    );
    this.snapshots = new Snapshotter(
      {
        wal: deps.wal,
        log: this.log,
        taken: (index, data) => this.actor?.send({ type: 'snapshotTaken', index, data }),
        fatal: (err) => this.fatal(err),
        stopped: () => this.phase === 'stopped',
      },
      o.snapshotEveryEntries,
      this.state.index,
    );
    this.link = new RaftLink(deps.bus, this.subjects, this.name, this.members, o.maxPayloadBytes - ENVELOPE_ALLOWANCE_BYTES, {
      deliver: (m) => this.actor?.send(m),
      warn: (fields, message) => this.warn(fields, message),
    });
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.phase !== 'new') throw new Error(`store member ${this.name} was already started`);
    this.phase = 'running';
    this.actor = this.spawnRaft();
    this.link.start();
    this.memberLoop = this.serve(this.subjects.storeMember(this.name), (req, respond) => handleMemberRequest(this, req, respond));
    const clock = this.deps.clock;
    const onError = (err: unknown): void => this.log.error({ err }, 'store member timer failed');
    const sweep = (): void => {
      this.proposer.sweep(clock.now());
      this.reads.sweep(clock.now());
    };
    this.cancelTimers.push(
      every(clock, this.opts.sweepIntervalMs, sweep, onError),
      every(clock, this.opts.leaseCheckIntervalMs, () => this.leases.check(this.soft.term), onError),
    );
    await this.deps.bus.flush();
    this.log.info({ members: this.members, applied: this.state.index, term: this.soft.term }, 'store member started');
  }

  stop(opts: { readonly transferLeadership?: boolean } = {}): Promise<void> {
    this.stopping ??= this.shutdown(opts.transferLeadership !== false);
    return this.stopping;
  }

  halt(): void {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    this.pipeline.stop();
    for (const cancel of this.cancelTimers.splice(0)) cancel();
    this.leaderLoop?.stop();
    this.memberLoop?.stop();
    this.leaderLoop = this.memberLoop = null;
    this.link.stop();
    this.actor?.stop();
  }

  private async shutdown(transfer: boolean): Promise<void> {
    if (this.phase !== 'running') {
      this.halt();
      return;
    }
    this.phase = 'stopping';
    if (transfer && this.soft.role === 'leader') await this.handOver();
    const hint = this.soft.leaderId === this.name ? null : this.soft.leaderId;
    const outcome = unavailable(`store member ${this.name} is stopping`, hint);
    this.proposer.failAll(outcome);
    this.reads.failAll(outcome);
    this.halt();
    this.log.info('store member stopped');
  }

  /** Thesis §3.10: hand leadership to the most up-to-date live follower; wait (bounded) until another leads. */
  private async handOver(): Promise<void> {
    const to = this.bestTransferee();
    if (to === null) return;
    this.log.info({ to }, 'transferring leadership before stopping');
    this.transferLeadership(to);
    const moved = await this.waitForLeaderElsewhere(this.opts.transferTimeoutMs);
    if (!moved) this.log.warn({ to, timeoutMs: this.opts.transferTimeoutMs }, 'leadership did not move in time; stopping anyway');
  }

  private bestTransferee(): string | null {
    let best: string | null = null;
    let bestMatch = -1;
    for (const [id, pr] of this.actor?.getSnapshot().context.core.progress ?? []) {
      if (pr.recentActive && pr.match > bestMatch) {
        best = id;
        bestMatch = pr.match;
      }
    }
    return best;
  }

  /** True once another member is known to lead (checked now and on each change), false after `timeoutMs`. */
  private waitForLeaderElsewhere(timeoutMs: number): Promise<boolean> {
    const elsewhere = (soft: SoftState): boolean => soft.leaderId !== null && soft.leaderId !== this.name;
    if (elsewhere(this.soft)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (moved: boolean): void => {
        off();
        this.deps.clock.clearTimeout(timer);
        resolve(moved);
      };
      const off = this.onRoleChange((soft) => elsewhere(soft) && finish(true));
      const timer = this.deps.clock.setTimeout(() => finish(false), timeoutMs);
    });
  }

  private fatal(err: unknown): void {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.log.fatal({ err }, `store member halted: ${reason}`);
    this.halt();
    this.deps.onFatal?.(err);
  }

  // ---- the Raft actor and its Readies ---------------------------------------------------------

  private spawnRaft(): RaftActor {
    const input = raftInput(this.name, this.members, this.opts, this.limits.maxEntryBytes, this.deps.recovered, this.state.index, this.deps.random);
    const host = this.deps.host;
    // Starting only schedules the election timer: no Ready leaves before `on` below.
    const actor = host === undefined ? createActor(raftMemberMachine, { clock: this.deps.clock, input, id: 'raft' }) : host.spawn(raftMemberMachine, { id: 'raft', input });
    actor.on('ready', ({ ready }) => this.onReady(ready));
    // A broken invariant in the core is a bug: this member stops instead of going on wrong.
    actor.subscribe({ error: (err) => this.fatal(err) });
    if (host === undefined) actor.start();
    return actor;
  }

  /** Synchronous part: the answer to a propose is bookkeeping that must not wait; then the pipeline. */
  private onReady(ready: Ready): void {
    if (this.phase === 'stopped') return;
    if (ready.proposal !== null) this.proposer.onProposal(ready.proposal);
    const persisted = this.pipeline.push(ready);
    if (ready.proposal?.ok === true) void persisted.then(() => this.proposer.batchPersisted());
  }

  private propose(entries: Uint8Array[], requestId: string): void {
    this.counters.proposalsBatched++;
    this.actor?.send({ type: 'propose', entries, requestId });
  }

  /** Steps 2-5 of the Ready contract (@skiff/raft index.ts), once the Ready is durable. */
  private handle(ready: Ready): void {
    this.link.send(ready.messages);
    if (ready.snapshotToInstall !== null) this.install(ready);
    const leader = this.soft.leaderId;
    const changes = this.state.apply(
      ready.committedEntries,
      (index, term) => this.proposer.commandAt(index, term),
      (e: Entry, response: EntryResponse) => this.proposer.onApplied(e.index, e.term, response, leader),
    );
    this.counters.entriesApplied += ready.committedEntries.length;
    if (changes.length > 0 && ready.softState.role === 'leader') this.publishEvents(changes);
    for (const rs of ready.readStates) this.reads.onReadState(rs, this.soft.leaderId, this.deps.clock.now());
    this.reads.onApplied();
    if (ready.softStateChanged) this.followSoftState(ready.softState);
    this.snapshots.maybeSnapshot(this.state);
  }

  private install(ready: Ready): void {
    const snapshot = ready.snapshotToInstall!;
    const revision = this.state.install(snapshot);
    this.snapshots.installed(snapshot.meta.index);
    this.counters.snapshotsInstalled++;
    this.proposer.onSnapshotInstalled(snapshot.meta.index, this.soft.leaderId);
    this.log.info({ index: snapshot.meta.index, revision, bytes: snapshot.data.byteLength }, 'installed snapshot from the leader');
  }

  private publishEvents(changes: readonly ChangeBatch[]): void {
    for (const batches of chunkBatches(changes, this.opts.maxPayloadBytes - ENVELOPE_ALLOWANCE_BYTES)) {
      try {
        this.deps.bus.publish(this.subjects.storeEvents, encode({ type: 'store.events', batches }));
        this.counters.eventsPublished++;
      } catch (err) {
        this.warn({ err, firstRevision: batches[0]?.revision }, 'store.events not published (readers see a gap and read the history)');
      }
    }
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
    if (this.phase === 'running') this.leaderLoop = this.serve(this.subjects.storeLeader, (req, respond) => handleLeaderRequest(this, req, respond));
    this.leases.becameLeader(this.soft.term);
  }

  private stepDown(): void {
    this.leaderLoop?.stop();
    this.leaderLoop = null;
    this.proposer.stepDown(this.soft.leaderId);
    this.reads.stepDown(this.soft.leaderId);
    this.leases.steppedDown();
  }

  // ---- serving (handlers.ts calls these) ------------------------------------------------------

  private serve(subject: string, handler: (req: Envelope, respond: Respond) => void): ServeLoop {
    return serveLoop(this.deps.bus, subject, handler, {
      maxPayloadBytes: this.opts.maxPayloadBytes,
      onError: (err, s) => this.warn({ err, subject: s }, 'request failed'),
    });
  }

  get mvcc(): MvccStore {
    return this.state.mvcc;
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
    this.proposer.submit({ bytes: encodeCommand(command), command, deadlineMs: this.deps.clock.now() + this.opts.proposalTimeoutMs, done });
  }

  transferLeadership(to: string, respond?: Respond): void {
    if (to === this.name || !this.members.includes(to)) {
      respond?.({ type: 'store.transferLeadership', to, leader: this.soft.leaderId });
      return;
    }
    this.actor?.send({ type: 'transferLeadership', to });
    if (respond === undefined) return;
    void this.waitForLeaderElsewhere(this.opts.transferTimeoutMs).then((moved) => {
      if (moved) respond({ type: 'store.transferLeadership', to, leader: this.soft.leaderId });
      else respond(errorReply('Unavailable', `leadership did not move to ${to} within ${this.opts.transferTimeoutMs} ms`, { leader: this.soft.leaderId }));
    });
  }

  // ---- views ----------------------------------------------------------------------------------

  private get core() {
    return this.actor?.getSnapshot().context.core;
  }

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
    return this.state.index;
  }

  get stats(): StoreMemberStats {
    const link = this.link.stats;
    return {
      raftRejected: link.rejected,
      raftReceived: link.received,
      raftSendFailures: link.sendFailures,
      snapshotsTaken: this.snapshots.taken,
      ...this.counters,
    };
  }

  status(): StoreMemberStatus {
    return {
      type: 'store.status',
      member: this.name,
      members: this.members,
      role: this.role,
      term: this.term,
      leader: this.leader,
      commitIndex: this.core?.log.committed ?? this.deps.recovered.hardState.commit,
      appliedIndex: this.state.index,
      revision: this.mvcc.revision,
      compactRevision: this.mvcc.compactRevision,
      keys: this.mvcc.keyCount,
      snapshotIndex: this.snapshots.index,
      snapshotsInstalled: this.counters.snapshotsInstalled,
    };
  }

  onRoleChange(listener: (soft: SoftState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The first warnings, then one in a thousand: garbage on a subject must not flood the log. */
  private warn(fields: Record<string, unknown>, message: string): void {
    this.warnings++;
    if (this.warnings <= WARNINGS_LOGGED_MAX || this.warnings % 1000 === 0) this.log.warn({ ...fields, warnings: this.warnings }, message);
  }
}

function outcomeReply(o: Outcome): CommandReply | ErrorEnvelope {
  return o.ok ? { type: 'store.response', response: o.response } : errorReply(o.code, o.message, { leader: o.leader });
}
