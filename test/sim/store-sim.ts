// Deterministic simulation of the whole store (FoundationDB / TigerBeetle style): N real store
// members (services/store) with their real Raft, MVCC and WAL code, over a MemoryNetwork in manual
// delivery, each on its own MemoryDisk, one SimulationClock, and one SeededRandom forked per
// component, so a seed replays one run exactly. K real store clients (libs/store-client) run a
// conflicting workload while faults strike; then every fault stops and the cluster must converge.
//
//   start members -> workload + faults (durationMs) -> heal: faults off, everyone restarted
//     -> LIVENESS: one leader, all members equal within healBoundMs -> clients drain
//     -> final linearizable reads of every key -> SAFETY: invariants (all along), linearizability
//        per key + revision order, lease semantics
//
// A failure names its seed and the one-line replay: `npm run sim:store -- --seed S --members N`.

import { MemoryNetwork } from '@skiff/bus';
import { SeededRandom, SimulationClock } from '@skiff/core';
import type { RangeResponse } from '@skiff/mvcc';
import type { StoreMemberOptions } from '@skiff/store';
import type { MemoryWalOptions } from '@skiff/wal';
import { checkHistory, convergenceProblem, describeKeyspace, keyspaceOf, leaseProblem, leftoverLease, ALL_KEYS } from './sim-checks.js';
import { SimCluster } from './sim-cluster.js';
import { BASE_DELAY, FAULT_PROFILES, FaultInjector, type FaultProfileName } from './sim-faults.js';
import { SimHistory } from './sim-history.js';
import { InvariantError, Invariants } from './sim-invariants.js';
import { SimLoop } from './sim-loop.js';
import { SimTrace, type TraceLevel } from './sim-trace.js';
import { SimWatcher } from './sim-watch.js';
import { LEASE_TTL_SECONDS, Workload, type WorkloadOptions } from './sim-workload.js';

export interface StoreSimOptions {
  readonly seed: number;
  readonly members?: 3 | 5;
  /** Simulated time the workload runs under faults. */
  readonly durationMs?: number;
  readonly faults?: FaultProfileName;
  readonly clients?: number;
  readonly keys?: number;
  readonly opsPerClientMax?: number;
  /** After healing, the cluster must converge within this much simulated time. */
  readonly healBoundMs?: number;
  readonly stepsMax?: number;
  readonly checkerStepsMax?: number;
  readonly trace?: TraceLevel;
  readonly print?: (line: string) => void;
  /**
   * false: appends are acknowledged before they are durable (a broken log), to show that the
   * simulation notices lost acknowledged writes. Default true.
   */
  readonly walFsync?: boolean;
  /** Known store issues that do not fail the run (noted in the trace and counted); see KNOWN_ISSUES. */
  readonly tolerate?: readonly KnownIssue[];
}

/**
 * Store bugs the simulation found that are not fixed yet. The CI sweep tolerates them so that it
 * keeps guarding everything else; each has a skipped regression test in store-sim.test.ts.
 */
export const KNOWN_ISSUES = {
  /**
   * services/store snapshotter.ts save(): a snapshot save in flight when the member is halted (a
   * crash) or stopped fails afterwards, and its catch calls port.fatal -> Member.fatal -> onFatal
   * (and logs fatal) although halt() promised that nothing more is handled; a supervisor would
   * restart a member it meant to stop. Fix: return early in the catch when port.stopped() (or in
   * Member.fatal when the phase is 'stopped'). Replay: npm run sim:store -- --seed 2014 --members 3 --faults crash
   */
  'fatal-after-halt': { seed: 2014, members: 3, faults: 'crash' },
} as const;

export type KnownIssue = keyof typeof KNOWN_ISSUES;

export class KnownIssueError extends Error {
  override readonly name = 'KnownIssueError';
  constructor(
    readonly issue: KnownIssue,
    message: string,
  ) {
    super(`known issue ${issue}: ${message}`);
  }
}

export interface StoreSimStats {
  simulatedMs: number;
  steps: number;
  deliveries: number;
  operations: number;
  pendingOperations: number;
  committedEntries: number;
  termsWithLeader: number;
  crashes: number;
  stops: number;
  restarts: number;
  snapshotsTaken: number;
  snapshotsInstalled: number;
  faults: Record<string, number>;
  leases: number;
  watchEvents: number;
  watchRelists: number;
  invariantChecks: number;
  /** Known issues seen and tolerated (StoreSimOptions.tolerate). */
  toleratedIssues: number;
  /** Simulated time from healing to convergence. */
  convergedInMs: number | null;
}

export interface StoreSimResult {
  readonly seed: number;
  readonly members: number;
  readonly faults: FaultProfileName;
  readonly ok: boolean;
  /** What went wrong (first line: the kind), null when the run passed. */
  readonly failure: string | null;
  /** The linearizability checker ran out of budget (not a failure). */
  readonly inconclusive: string | null;
  readonly replay: string;
  readonly traceHash: string;
  readonly stats: StoreSimStats;
  readonly wallMs: number;
}

export const SIM_DEFAULTS = {
  members: 3,
  durationMs: 3_000,
  faults: 'chaos',
  keys: 4,
  opsPerClientMax: 60,
  healBoundMs: 10_000,
  stepsMax: 100_000,
  checkerStepsMax: 2_000_000,
} as const;

/** Small timings and thresholds so that a few simulated seconds see elections, snapshots and expiries. */
export const SIM_MEMBER_OPTIONS: StoreMemberOptions = {
  snapshotEveryEntries: 64,
  keepEntriesAfterSnapshot: 16,
  proposalTimeoutMs: 1_500,
  readTimeoutMs: 1_500,
  electionTimeoutMinMs: 300,
  electionTimeoutMaxMs: 600,
  heartbeatIntervalMs: 60,
  leaseCheckIntervalMs: 250,
  sweepIntervalMs: 100,
  transferTimeoutMs: 1_000,
};

const WAL_OPTIONS: MemoryWalOptions = { fsync: true, segmentSizeBytes: 8 * 1024 };
const FSYNC_LATENCY_MS = 1;
const CHECK_EVERY_STEPS = 5;
const CONVERGENCE_POLL_MS = 10;
const START_MS = 1_000_000;

/** 'mix': every third seed runs five members, the others three. */
export function membersForSeed(seed: number, choice: 3 | 5 | 'mix'): 3 | 5 {
  if (choice !== 'mix') return choice;
  return seed % 3 === 0 ? 5 : 3;
}

export function replayCommand(seed: number, members: number, faults: FaultProfileName = SIM_DEFAULTS.faults): string {
  const extra = faults === SIM_DEFAULTS.faults ? '' : ` --faults ${faults}`;
  return `npm run sim:store -- --seed ${seed} --members ${members}${extra}`;
}

export async function runStoreSimulation(options: StoreSimOptions): Promise<StoreSimResult> {
  const wallStart = performance.now();
  const members = options.members ?? SIM_DEFAULTS.members;
  const faults = options.faults ?? SIM_DEFAULTS.faults;
  const world = buildWorld(options, members, faults);
  let failure: string | null = null;
  let inconclusive: string | null = null;
  try {
    inconclusive = await runPhases(world, options);
  } catch (err) {
    failure = describeFailure(err);
    world.trace.note('FAILED', failure);
  } finally {
    world.watcher.stop();
    world.cluster.haltAll();
    await world.workload.close();
  }
  return {
    seed: options.seed,
    members,
    faults,
    ok: failure === null,
    failure,
    inconclusive,
    replay: replayCommand(options.seed, members, faults),
    traceHash: world.trace.digest(),
    stats: statsOf(world),
    wallMs: performance.now() - wallStart,
  };
}

// ---- the world -----------------------------------------------------------------------------------

type World = ReturnType<typeof buildWorld>;

function buildWorld(o: StoreSimOptions, memberCount: number, faultProfile: FaultProfileName) {
  const random = new SeededRandom(o.seed);
  const clock = new SimulationClock(START_MS);
  const trace = new SimTrace(clock, o.trace ?? 'off', o.print);
  const network = new MemoryNetwork({ random: random.fork(), clock, mode: 'manual', onEvent: (e) => trace.network(e) });
  network.delay(BASE_DELAY);
  const names = Array.from({ length: memberCount }, (_, i) => `m${i + 1}`);
  const invariants = new Invariants();
  const failures = new Failures(new Set(o.tolerate ?? []), trace);
  const cluster = new SimCluster({
    names,
    network,
    clock,
    random: random.fork(),
    invariants,
    trace,
    memberOptions: SIM_MEMBER_OPTIONS,
    walOptions: { ...WAL_OPTIONS, fsync: o.walFsync ?? true },
    fsyncLatencyMs: FSYNC_LATENCY_MS,
    onFatal: (name, err, afterHalt) => failures.memberFatal(name, err, afterHalt),
  });
  const history = new SimHistory(clock, trace);
  const workloadOptions: WorkloadOptions = {
    clients: o.clients ?? memberCount + 1,
    keys: o.keys ?? SIM_DEFAULTS.keys,
    opsPerClientMax: o.opsPerClientMax ?? SIM_DEFAULTS.opsPerClientMax,
    thinkMs: { min: 5, max: 60 },
    requestTimeoutMs: 400,
    callTimeoutMs: 2_500,
  };
  const anomaly = (m: string): void => failures.add(new Error(`client anomaly: ${m}`));
  const workload = new Workload({ network, clock, random: random.fork(), trace, history, members: names, anomaly }, workloadOptions);
  const watcher = new SimWatcher(workload.harnessClient('w0'), trace);
  const injector = new FaultInjector({
    network,
    cluster,
    clock,
    random: random.fork(),
    trace,
    profile: FAULT_PROFILES[faultProfile],
    clients: [...workload.clientNames, 'w0'],
    downMax: Math.floor((memberCount - 1) / 2),
    onError: (err) => failures.add(err),
  });
  const loop = new SimLoop({
    clock,
    network,
    random: random.fork(),
    check: () => invariants.check(cluster.nodes),
    checkEverySteps: CHECK_EVERY_STEPS,
    stepsMax: o.stepsMax ?? SIM_DEFAULTS.stepsMax,
    failure: () => failures.first ?? (watcher.problem === null ? undefined : new Error(`watch: ${watcher.problem}`)),
  });
  return { clock, trace, network, names, invariants, cluster, history, workload, workloadOptions, watcher, injector, loop, failures, convergedInMs: null as number | null };
}

function statsOf(w: World): StoreSimStats {
  return {
    simulatedMs: w.clock.now() - START_MS,
    steps: w.loop.steps,
    deliveries: w.loop.deliveries,
    operations: w.history.recorded,
    pendingOperations: w.history.pendingCount,
    committedEntries: w.invariants.committedEntries,
    termsWithLeader: w.invariants.termsWithLeader,
    crashes: w.cluster.crashes,
    stops: w.cluster.stops,
    restarts: w.cluster.restarts,
    snapshotsTaken: w.cluster.snapshotsTaken,
    snapshotsInstalled: w.cluster.snapshotsInstalled,
    faults: { ...w.injector.counts },
    leases: w.workload.leases.length,
    watchEvents: w.watcher.events,
    watchRelists: w.watcher.relists,
    invariantChecks: w.invariants.checks,
    toleratedIssues: w.failures.tolerated,
    convergedInMs: w.convergedInMs,
  };
}

/** Failures raised asynchronously (members, clients, faults); the loop stops at the first. */
class Failures {
  private readonly errors: Error[] = [];
  tolerated = 0;

  constructor(
    private readonly tolerate: ReadonlySet<KnownIssue>,
    private readonly trace: SimTrace,
  ) {}

  get first(): Error | undefined {
    return this.errors[0];
  }

  add(err: unknown): void {
    this.errors.push(err instanceof Error ? err : new Error(String(err)));
  }

  /** A member reported a fatal error: an invariant it tripped over, its log failing, or a known issue. */
  memberFatal(name: string, err: unknown, afterHalt: boolean): void {
    if (err instanceof InvariantError) return this.add(err);
    if (!afterHalt) return this.add(new Error(`${name} halted itself: ${describeError(err)}`));
    const message = `${name} reported a fatal error after it was halted: ${describeError(err)}`;
    if (!this.tolerate.has('fatal-after-halt')) return this.add(new KnownIssueError('fatal-after-halt', message));
    this.trace.note('tolerated', message);
    this.tolerated++;
  }
}

// ---- the phases ----------------------------------------------------------------------------------

/** Runs the whole scenario; throws the first failure; returns an inconclusive-check note, if any. */
async function runPhases(w: World, o: StoreSimOptions): Promise<string | null> {
  const { clock, loop, cluster, workload, injector, trace } = w;
  const durationMs = o.durationMs ?? SIM_DEFAULTS.durationMs;
  const healBoundMs = o.healBoundMs ?? SIM_DEFAULTS.healBoundMs;
  await loop.await(Promise.all(w.names.map((n) => cluster.start(n))), clock.now() + 1_000, 'starting the members');
  workload.start();
  w.watcher.start();
  injector.start();
  await loop.runUntil(() => false, clock.now() + durationMs);

  injector.stop();
  workload.stop();
  injector.heal();
  const healedAt = clock.now();
  trace.say(`healed at ${healedAt}; convergence bound ${healBoundMs} ms`);
  // Members still stopping go down later: each poll restarts whoever is down.
  const restartDown = (): void => cluster.down.forEach((name) => void cluster.restart(name).catch((err: unknown) => w.failures.add(err)));
  await mustConverge(w, healedAt + healBoundMs, `within ${healBoundMs} ms after healing`, restartDown);
  w.convergedInMs = clock.now() - healedAt;
  await verifySerializableReads(w);

  const drainMs = w.workloadOptions.callTimeoutMs + 1_000;
  if (!(await loop.runUntil(() => workload.idle, clock.now() + drainMs))) throw new Error(`client calls still running ${drainMs} ms after the workload stopped`);
  await loop.await(workload.finalReads(), clock.now() + healBoundMs, 'the final reads');
  await mustConverge(w, clock.now() + healBoundMs, 'after the final reads');
  w.invariants.check(cluster.nodes);
  const leases = leaseProblem(cluster.running, workload.leases);
  if (leases !== null) throw new Error(`lease semantics: ${leases}`);
  if (workload.leases.length > 0) await mustExpireLeases(w);
  await mustCatchUpWatch(w);
  const verdict = checkHistory(w.history.operations(), o.checkerStepsMax ?? SIM_DEFAULTS.checkerStepsMax);
  if (verdict.problem !== null) throw new Error(verdict.problem);
  return verdict.inconclusive;
}

/** LIVENESS: one leader, every member up, committed = applied everywhere, same keys and leases. */
async function mustConverge(w: World, untilMs: number, bound: string, beforePoll: () => void = () => {}): Promise<void> {
  const problem = await pollUntilNull(w, () => (beforePoll(), convergenceProblem(w.cluster)), untilMs);
  if (problem !== null) throw new LivenessError(`no convergence ${bound}: ${problem}`);
  w.trace.note('converged', `${w.cluster.leader()?.name} leads; revision ${w.cluster.leader()?.mvcc.revision}`);
}

/**
 * LIVENESS of expiry: nobody keeps a lease alive any more, so within TTL + the promote extension
 * (electionTimeoutMaxMs) + one check interval every lease is revoked with its keys, through the log
 * (then linearizable reads of the leased keys must find them gone).
 */
async function mustExpireLeases(w: World): Promise<void> {
  const o = SIM_MEMBER_OPTIONS;
  const boundMs = LEASE_TTL_SECONDS.max * 1000 + (o.electionTimeoutMaxMs ?? 0) + (o.leaseCheckIntervalMs ?? 0) + 1_000;
  w.trace.say(`leases must expire within ${boundMs} ms`);
  const problem = await pollUntilNull(w, () => leftoverLease(w.cluster.running), w.clock.now() + boundMs);
  if (problem !== null) throw new LivenessError(`leases not expired ${boundMs} ms after the last keep-alive: ${problem}`);
  await w.loop.await(w.workload.finalReads(w.workload.leaseKeys), w.clock.now() + 5_000, 'the reads of expired keys');
  w.invariants.check(w.cluster.nodes);
}

/** The watcher reaches the store's revision (liveness) and its replayed copy is the keyspace (safety). */
async function mustCatchUpWatch(w: World): Promise<void> {
  const leader = w.cluster.leader();
  if (leader === undefined) throw new LivenessError('no leader at the end');
  const revision = leader.mvcc.revision;
  const boundMs = 5_000;
  const problem = await pollUntilNull(w, () => (w.watcher.revision >= revision ? null : `the watch is at revision ${w.watcher.revision}, the store at ${revision}`), w.clock.now() + boundMs);
  if (problem !== null) throw new LivenessError(`watch not caught up within ${boundMs} ms: ${problem}`);
  if (leader.mvcc.revision === revision && w.watcher.keyspace() !== keyspaceOf(leader.mvcc)) {
    throw new Error(`watch: the replayed events give\n  ${w.watcher.keyspace()}\nbut the store holds\n  ${keyspaceOf(leader.mvcc)}`);
  }
}

/** Steps until `problem()` is null (checked every CONVERGENCE_POLL_MS) or `untilMs`; the last problem. */
async function pollUntilNull(w: World, problem: () => string | null, untilMs: number): Promise<string | null> {
  let polledAt = -1;
  let last: string | null = 'not checked yet';
  const solved = (): boolean => {
    if (w.clock.now() - polledAt < CONVERGENCE_POLL_MS) return false;
    polledAt = w.clock.now();
    last = problem();
    return last === null;
  };
  await w.loop.runUntil(solved, untilMs);
  return last;
}

/** Each member's serializable range over the bus answers its applied keyspace. */
async function verifySerializableReads(w: World): Promise<void> {
  const client = w.workload.harnessClient('verify');
  for (const m of w.cluster.running) {
    const reply: RangeResponse = await w.loop.await(client.range(ALL_KEYS.key, { rangeEnd: ALL_KEYS.rangeEnd, serializable: true, member: m.name }), w.clock.now() + 5_000, `a serializable read on ${m.name}`);
    // A lease expiry applied since the read was served changes the revision: nothing to compare then.
    if (reply.revision !== m.mvcc.revision) continue;
    if (describeKeyspace(reply.kvs) !== keyspaceOf(m.mvcc)) throw new Error(`${m.name} served a serializable read that differs from its state at revision ${reply.revision}`);
  }
}

export class LivenessError extends Error {
  override readonly name = 'LivenessError';
}

function describeFailure(err: unknown): string {
  if (err instanceof InvariantError) return `safety invariant: ${err.message}`;
  if (err instanceof LivenessError) return `liveness: ${err.message}`;
  return describeError(err);
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
}
