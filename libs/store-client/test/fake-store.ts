// A fake store for the client's tests: one process answers protocol.ts over a Bus with a real
// MvccStore and no Raft. It is "the leader" on `store.leader` and serves `store.member.<m>` for
// every member it plays. Faults are switched on by the test: NotLeader answers for a while, a
// leader that steps down (no responders), replies lost after the command was applied, events
// left out of or repeated on `store.events`, history pages capped, members down.

import type { Clock } from '@skiff/actors';
import { decode, encode, errorReply, subjects, type Bus, type Envelope, type Msg, type Subjects, type Subscription } from '@skiff/bus';
import { MvccStore, type ChangeBatch, type Command, type MvccOptions } from '@skiff/mvcc';
import { NOT_LEADER, type CommandRequest, type HistoryReply, type MemberStatus } from '../src/protocol.js';

export interface FakeStoreOptions {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly cluster?: string;
  /** Members this fake plays; the first is the leader. Default ['m1', 'm2', 'm3']. */
  readonly members?: readonly string[];
  readonly mvcc?: MvccOptions;
}

/** One command request as the fake received it (every attempt, retries included). */
export interface SeenCommand {
  readonly command: Command;
  readonly answered: 'reply' | 'dropped' | 'notLeader';
}

export class FakeStore {
  readonly mvcc: MvccStore;
  readonly members: readonly string[];
  readonly seen: SeenCommand[] = [];
  /** Every leader request type received, in order (history, status, ...). */
  readonly leaderRequests: string[] = [];
  readonly transfers: string[] = [];
  private readonly bus: Bus;
  private readonly clock: Clock;
  private readonly subjects: Subjects;
  private leaderSub: Subscription | undefined;
  private readonly memberSubs = new Map<string, Subscription>();
  private notLeaderLeft = 0;
  private notLeaderHint: string | null = null;
  private dropRule: ((command: Command) => boolean) | undefined;
  private dropLeft = 0;
  /** Batches with a revision this rule accepts are not published on store.events. */
  suppressEvents: (revision: number) => boolean = () => false;
  /** Publish every events message twice. */
  duplicateEvents = false;
  /** Largest history page the fake returns, whatever the client asks. */
  historyPageMax = Number.POSITIVE_INFINITY;

  constructor(opts: FakeStoreOptions) {
    this.bus = opts.bus;
    this.clock = opts.clock;
    this.subjects = subjects(opts.cluster);
    this.members = opts.members ?? ['m1', 'm2', 'm3'];
    this.mvcc = new MvccStore(opts.mvcc);
  }

  /** Serves the leader subject and every member subject; flushes so the server has the subscriptions. */
  async start(): Promise<void> {
    await this.stepUp();
    for (const m of this.members) await this.memberUp(m);
  }

  async stop(): Promise<void> {
    await this.stepDown();
    for (const m of [...this.memberSubs.keys()]) await this.memberDown(m);
  }

  // ---- faults ---------------------------------------------------------------------------------

  /** The next `n` leader requests get NotLeader (details.leader = hint). */
  notLeader(n: number, hint: string | null = null): void {
    this.notLeaderLeft = n;
    this.notLeaderHint = hint;
  }

  /** Applies, but does not answer, the next `n` commands the rule picks (a lost reply). */
  dropReplies(n: number, rule: (command: Command) => boolean = () => true): void {
    this.dropLeft = n;
    this.dropRule = rule;
  }

  /** Nobody leads: `store.leader` has no responders (once the returned flush resolves). */
  stepDown(): Promise<void> {
    this.leaderSub?.unsubscribe();
    this.leaderSub = undefined;
    return this.bus.flush();
  }

  stepUp(): Promise<void> {
    if (this.leaderSub === undefined) this.leaderSub = this.serve(this.subjects.storeLeader, (env, msg) => this.onLeader(env, msg));
    return this.bus.flush();
  }

  memberDown(member: string): Promise<void> {
    this.memberSubs.get(member)?.unsubscribe();
    this.memberSubs.delete(member);
    return this.bus.flush();
  }

  memberUp(member: string): Promise<void> {
    if (!this.memberSubs.has(member)) {
      this.memberSubs.set(member, this.serve(this.subjects.storeMember(member), (env, msg) => this.onMember(member, env, msg)));
    }
    return this.bus.flush();
  }

  /** Resolves once the server has everything this fake published or (un)subscribed. */
  flush(): Promise<void> {
    return this.bus.flush();
  }

  // ---- direct access --------------------------------------------------------------------------

  /** Applies a command as the leader would (stamping nowMs), publishing its change. */
  apply(command: Command): ReturnType<MvccStore['apply']> {
    const result = this.mvcc.apply({ ...command, nowMs: this.clock.now() } as Command);
    if (result.change !== undefined) this.publish([result.change]);
    return result;
  }

  /** Revokes every lease expired by the fake's clock (the leader's job). */
  expireLeases(): number {
    const ids = this.mvcc.expiredLeases(this.clock.now());
    for (const id of ids) this.apply({ type: 'leaseRevoke', id });
    return ids.length;
  }

  /** Publishes raw bytes on store.events (malformed-message tests). */
  publishRaw(data: Uint8Array): void {
    this.bus.publish(this.subjects.storeEvents, data);
  }

  /** Commands received with this client id, every attempt. */
  commandsOf(clientId: string): Command[] {
    return this.seen.map((s) => s.command).filter((c) => c.clientId === clientId);
  }

  // ---- serving --------------------------------------------------------------------------------

  private serve(subject: string, handle: (env: Envelope, msg: Msg) => Envelope | undefined): Subscription {
    const sub = this.bus.subscribe(subject);
    void (async () => {
      for await (const msg of sub) {
        let reply: Envelope | undefined;
        try {
          reply = handle(decode(msg.data), msg);
        } catch (err) {
          reply = errorReply('BadRequest', (err as Error).message);
        }
        if (reply !== undefined) msg.respond(encode(reply));
      }
    })();
    return sub;
  }

  private onLeader(env: Envelope, _msg: Msg): Envelope | undefined {
    this.leaderRequests.push(env.type);
    if (this.notLeaderLeft > 0) {
      this.notLeaderLeft--;
      if (env.type === 'store.command') this.seen.push({ command: (env as unknown as CommandRequest).command, answered: 'notLeader' });
      return errorReply(NOT_LEADER, 'not the leader', { leader: this.notLeaderHint });
    }
    switch (env.type) {
      case 'store.command':
        return this.onCommand((env as unknown as CommandRequest).command);
      case 'store.history':
        return this.history(env['fromRevision'] as number, (env['limitRevisions'] as number | undefined) ?? 1000);
      case 'store.leaseTimeToLive':
        return { v: 1, type: 'store.leaseTimeToLive', lease: this.mvcc.leaseTimeToLive(env['id'] as number, this.clock.now(), env['keys'] !== false) };
      case 'store.leases':
        return { v: 1, type: 'store.leases', leases: this.mvcc.leases() };
      case 'store.status':
        return this.status(this.members[0] as string);
      case 'store.transferLeadership':
        this.transfers.push(env['to'] as string);
        return { v: 1, type: 'store.transferLeadership', to: env['to'] };
      default:
        return errorReply('BadRequest', `unknown request ${env.type}`);
    }
  }

  private onCommand(command: Command): Envelope | undefined {
    const drop = this.dropLeft > 0 && this.dropRule !== undefined && this.dropRule(command);
    this.seen.push({ command, answered: drop ? 'dropped' : 'reply' });
    // The leader stamps its own clock (mvcc: nowMs is the proposer's), whatever the client sent.
    const { response } = this.apply(command);
    if (drop) {
      this.dropLeft--;
      return undefined;
    }
    return { v: 1, type: 'store.response', response };
  }

  private onMember(member: string, env: Envelope, _msg: Msg): Envelope {
    if (env.type === 'store.status') return this.status(member);
    if (env.type === 'store.range') return { v: 1, type: 'store.response', response: this.mvcc.range(env['request'] as never) };
    return errorReply('BadRequest', `unknown member request ${env.type}`);
  }

  private history(fromRevision: number, limitRevisions: number): Envelope {
    const r = this.mvcc.changesSince(fromRevision, Math.min(limitRevisions, this.historyPageMax));
    const reply: HistoryReply = Array.isArray(r)
      ? { type: 'store.history', batches: r, revision: this.mvcc.revision }
      : { type: 'store.history', batches: [], revision: this.mvcc.revision, compactRevision: r.compactRevision ?? this.mvcc.compactRevision };
    return { v: 1, ...reply };
  }

  private status(member: string): Envelope {
    const leader = this.members[0] as string;
    const s: MemberStatus = {
      type: 'store.status',
      member,
      members: this.members,
      role: member === leader ? 'leader' : 'follower',
      term: 1,
      leader,
      commitIndex: this.seen.length,
      appliedIndex: this.seen.length,
      revision: this.mvcc.revision,
      compactRevision: this.mvcc.compactRevision,
      keys: this.mvcc.keyCount,
    };
    return { v: 1, ...s };
  }

  private publish(batches: ChangeBatch[]): void {
    const shown = batches.filter((b) => !this.suppressEvents(b.revision));
    if (shown.length === 0) return;
    const data = encode({ type: 'store.events', batches: shown });
    this.bus.publish(this.subjects.storeEvents, data);
    if (this.duplicateEvents) this.bus.publish(this.subjects.storeEvents, data);
  }
}
