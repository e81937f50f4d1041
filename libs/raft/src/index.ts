/**
 * @skiff/raft: Raft (Ongaro & Ousterhout 2014, and Ongaro's thesis) in the etcd-io/raft spirit: the
 * core does no I/O, reads no clock and draws no random number. It turns inputs into a `Ready`: what
 * to persist, what to send, what to apply. The store service is the adapter that does all of it.
 *
 * ## Driving it
 *
 * The machine (timers included):
 *
 *     const actor = createActor(raftMemberMachine, {
 *       clock,                                       // RealClock, or SimulationClock in tests
 *       input: { config: { id: 'm1', members: ['m1', 'm2', 'm3'] }, random, restore },
 *     });
 *     actor.on('ready', ({ ready }) => adapter.handle(ready)); // before start()
 *     actor.start();
 *     actor.send(parseMessage(decode(bytes)));          // a peer's message from store.raft.<id>
 *     actor.send({ type: 'propose', entries, requestId }); // -> ready.proposal
 *     actor.send({ type: 'requestRead', requestId });      // -> a ReadState in ready.readStates
 *     actor.send({ type: 'snapshotTaken', index, data });  // after the app snapshotted at `index`
 *     actor.send({ type: 'transferLeadership', to });      // leader only
 *
 * `ready` is emitted synchronously while the event is processed, so a `propose` sent from outside
 * any handler gets its answer before `send` returns; `requestId` correlates when not. The timer
 * events (`electionTimeout`, `heartbeatTimeout`) and the role events (`became<Role>`) belong to the
 * machine: do not send them. The actor's state value is the role (follower, preCandidate,
 * candidate, leader); `getSnapshot().context.core` is the whole core state (log, commit, progress).
 * Without the machine: `step(state, input) -> { state, ready }` with `createRaft(config, restore)`,
 * feeding `electionTimeout` and `heartbeatTimeout` from your own timers and restarting the election
 * timer whenever `ready.resetElectionTimer` is true.
 *
 * ## Handling a Ready: strictly in order, one after the other
 *
 * 1. Persist, then fsync: `snapshotToInstall` (if not null: store it and drop the WAL entries it
 *    covers), `entriesToPersist` (if the first index is <= your last one, truncate your log from
 *    there first: Raft §5.3 conflicts), `hardState` (if not null). Group commit is fine: several
 *    Readies may share one fsync, as long as no message of a Ready leaves before it.
 * 2. Send `messages` (msgpack on `store.raft.<to>`), best effort: Raft resends what is lost.
 * 3. Apply: restore the state machine from `snapshotToInstall` if any, then apply
 *    `committedEntries` in order. An entry with empty `data` is a leader's no-op (Raft §8): skip it.
 *    A proposal answered `{ ok: true, term, firstIndex, lastIndex }` succeeded when the entry at
 *    its index commits with that same term; an entry of another term at that index means it was
 *    lost (leader change): fail it so the client retries. Time proposals out too (partitions).
 * 4. Serve `readStates`: `ok: true` reads can be served now (their index is <= everything handed
 *    out for applying so far); `ok: false` ones fail (`noLeader`, `leadershipLost`).
 * 5. `softState` / `softStateChanged`: role, term and leader, e.g. to (un)subscribe `store.leader`.
 *
 * ## Snapshots and restart
 *
 * Take an MVCC snapshot at an applied index and send `snapshotTaken`; the core keeps it (to send to
 * followers behind the log, in chunks of `snapshotChunkBytes`) and compacts its in-memory log, after
 * which the WAL may release segments up to that index. On restart, load the newest snapshot, the
 * hard state and the WAL entries after the snapshot, restore the MVCC from the snapshot, and pass
 * `restore: { snapshot, hardState, entries, applied }`: committed entries after `applied` come out
 * in the first Ready. Membership is static (`config.members`).
 *
 * ## Guarantees (what the tests check)
 *
 * Election Safety, Log Matching, Leader Completeness and State Machine Safety (Raft Figure 3); a
 * leader commits only entries of its term by counting (§5.4.2); linearizable reads via ReadIndex
 * (§8, thesis §6.4); PreVote (thesis §9.6), CheckQuorum (§6.2), leadership transfer (§3.10).
 */

export type { Entry, HardState, MemberId, Snapshot, SnapshotMeta } from './types.js';
export { Role, emptyHardState, entrySizeBytes } from './types.js';
export type { RaftConfig, ResolvedConfig } from './config.js';
export { defaultConfig } from './config.js';
export type { RaftState, RestoreState, IncomingSnapshot } from './state.js';
export { createRaft, hardStateOf } from './state.js';
export { step } from './step.js';
export type { ElectionTimeout, HeartbeatTimeout, LocalInput, Propose, RaftInput, RequestRead, SnapshotTaken, TransferLeadership } from './inputs.js';
export type { ProposeResult, Ready, SoftState, StepResult } from './ready.js';
export { isEmptyReady, softStateOf } from './ready.js';
export type { ReadState } from './read-only.js';
export { ReadFailure } from './read-only.js';
export type {
  AppendEntries,
  AppendEntriesResp,
  Heartbeat,
  HeartbeatResp,
  InstallSnapshot,
  InstallSnapshotResp,
  Message,
  MessageType,
  ReadIndex,
  ReadIndexResp,
  RequestVote,
  RequestVoteResp,
  TimeoutNow,
} from './messages.js';
export { isMessage, messageTypes } from './messages.js';
export { parseMessage } from './message-parse.js';
export { RaftConfigError, RaftInvariantError, RaftMessageError } from './errors.js';
export type { RaftLog } from './log.js';
export { entryAt, firstIndex, lastIndex, lastTerm, termAt } from './log.js';
export type { Progress, ProgressState } from './progress.js';
export { raftMemberMachine } from './raft-member.machine.js';
export type { RaftMemberEvent, RaftMemberMachine, ReadyEvent } from './raft-member.machine.js';
export type { RaftMemberContext, RaftMemberInput, RaftMemberTiming, RandomInt, RoleEvent } from './raft-member.js';
