// Skiff under test: one nats-server and three store member PROCESSES (services/store/src/main.ts,
// fsync on, the production defaults), driven through @skiff/store-client over NATS: `lanes`
// clients, each on its own NATS connection, as apiserver replicas would be.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NatsBus, startNatsServer, type NatsServerProcess } from '@skiff/bus';
import { RealClock, SeededRandom } from '@skiff/core';
import { createStoreClient, type StoreClient } from '@skiff/store-client';
import type { CasOutcome, StoreCluster, StoreDriver } from './cluster.js';
import { cpuTimeMs, spawnManaged, waitUntil, type Managed } from './processes.js';

export interface SkiffClusterOptions {
  readonly repoRoot: string;
  readonly dir: string;
  readonly lanes: number;
  /** Extra node flags for the member processes (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
  /** Extra store arguments (e.g. --no-fsync, for a diagnosis only). */
  readonly memberArgs?: readonly string[];
  readonly readyTimeoutMs?: number;
}

const MEMBERS = ['a', 'b', 'c'] as const;

export async function startSkiffCluster(o: SkiffClusterOptions): Promise<SkiffCluster> {
  const nats = await startNatsServer({ logFile: join(o.dir, 'nats.log') });
  const cluster = new SkiffCluster(o, nats);
  try {
    await cluster.start(o.readyTimeoutMs ?? 60_000);
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return cluster;
}

class SkiffDriver implements StoreDriver {
  readonly describe: string;
  constructor(private readonly clients: readonly StoreClient[]) {
    this.describe = `${clients.length} StoreClients, one NATS connection each`;
  }
  get lanes(): number {
    return this.clients.length;
  }
  private client(lane: number): StoreClient {
    return this.clients[lane % this.clients.length]!;
  }
  async put(lane: number, key: string, value: Uint8Array): Promise<void> {
    await this.client(lane).put(key, value);
  }
  async get(lane: number, key: string): Promise<void> {
    await this.client(lane).get(key);
  }
  async casPut(lane: number, key: string, expectedModRevision: number, value: Uint8Array): Promise<CasOutcome> {
    const r = await this.client(lane).compareAndSwap(key, expectedModRevision, value);
    return { succeeded: r.succeeded, modRevision: r.succeeded ? r.revision : (r.current?.modRevision ?? 0) };
  }
  async watchPrefix(prefix: string, onEvent: (key: string, value: Uint8Array) => void): Promise<() => Promise<void>> {
    // The last lane watches: like an apiserver's watch cache, on a connection that also writes.
    const watch = this.client(this.clients.length - 1).watch(prefix, { prefix: true });
    const pump = (async () => {
      for await (const batch of watch) for (const e of batch.events) onEvent(Buffer.from(e.kv.key).toString('utf8'), e.kv.value);
    })();
    await waitUntil('the watch to start', async () => watch.revision !== undefined, 10_000, 5);
    return async () => {
      watch.cancel();
      await pump.catch(() => undefined);
    };
  }
}

export class SkiffCluster implements StoreCluster {
  readonly system = 'skiff' as const;
  readonly members: readonly string[] = MEMBERS;
  private readonly procs = new Map<string, Managed>();
  private readonly buses: NatsBus[] = [];
  private clients: StoreClient[] = [];
  private control: StoreClient | undefined;
  private prober: StoreClient | undefined;
  private driverImpl: SkiffDriver | undefined;
  /** CPU of member incarnations that have exited (a killed member's time is not lost). */
  private retiredCpuMs = 0;

  constructor(
    private readonly o: SkiffClusterOptions,
    private readonly nats: NatsServerProcess,
  ) {}

  get driver(): StoreDriver {
    if (this.driverImpl === undefined) throw new Error('skiff cluster not started');
    return this.driverImpl;
  }

  async start(readyTimeoutMs: number): Promise<void> {
    for (const m of MEMBERS) this.spawn(m);
    const clock = new RealClock();
    const connect = async (name: string): Promise<NatsBus> => {
      const bus = await NatsBus.connect({ servers: [this.nats.url], name });
      this.buses.push(bus);
      return bus;
    };
    for (let lane = 0; lane < this.o.lanes; lane++) {
      const bus = await connect(`bench-lane-${lane}`);
      this.clients.push(createStoreClient({ bus, clock, random: new SeededRandom(100 + lane), members: MEMBERS, callTimeoutMs: 30_000 }));
    }
    this.control = createStoreClient({ bus: await connect('bench-control'), clock, random: new SeededRandom(7), members: MEMBERS });
    // Failover probe: short attempts, a retry every 2.5-5 ms (equal jitter over a 5 ms cap).
    this.prober = createStoreClient({
      bus: await connect('bench-probe'),
      clock,
      random: new SeededRandom(8),
      members: MEMBERS,
      requestTimeoutMs: 200,
      backoffBaseMs: 5,
      backoffMaxMs: 5,
      callTimeoutMs: 60_000,
    });
    this.driverImpl = new SkiffDriver(this.clients);
    await waitUntil('a Skiff leader', async () => (await this.leader()) !== '', readyTimeoutMs, 100);
    await this.control.put('/bench/ready', 'yes', { timeoutMs: readyTimeoutMs });
  }

  private spawn(member: string): void {
    const main = join(this.o.repoRoot, 'services', 'store', 'src', 'main.ts');
    const dataDir = join(this.o.dir, 'skiff-data');
    mkdirSync(dataDir, { recursive: true });
    const args = [
      ...(this.o.nodeArgs ?? []),
      '--import',
      'tsx',
      main,
      ...['--name', member, '--members', MEMBERS.join(','), '--data-dir', dataDir, '--nats', this.nats.url],
      ...(this.o.memberArgs ?? []),
    ];
    const proc = spawnManaged(`skiff-${member}`, process.execPath, args, join(this.o.dir, `skiff-${member}.log`));
    this.procs.set(member, proc);
  }

  async leader(): Promise<string> {
    const statuses = await Promise.all(
      MEMBERS.filter((m) => this.procs.get(m)?.running === true).map((m) => this.control!.status(m, { timeoutMs: 1_000 }).catch(() => undefined)),
    );
    let best: { member: string; term: number } | undefined;
    for (const s of statuses) if (s !== undefined && s.role === 'leader' && (best === undefined || s.term > best.term)) best = { member: s.member, term: s.term };
    return best?.member ?? '';
  }

  async kill(member: string): Promise<void> {
    const proc = this.procs.get(member);
    if (proc === undefined) return;
    const before = cpuTimeMs(proc.pid);
    await proc.kill();
    this.retiredCpuMs += before;
  }

  async restart(member: string): Promise<void> {
    if (this.procs.get(member)?.running === true) throw new Error(`skiff member ${member} is still running`);
    this.spawn(member);
  }

  async catchUp(member: string, timeoutMs: number): Promise<void> {
    let target = 0;
    await waitUntil('the Skiff leader\'s commit index', async () => {
      const leader = await this.leader();
      if (leader === '') return false;
      target = (await this.control!.status(leader, { timeoutMs: 1_000 })).commitIndex;
      return true;
    }, timeoutMs);
    await waitUntil(`Skiff member ${member} to apply index ${target}`, async () => (await this.control!.status(member, { timeoutMs: 1_000 })).appliedIndex >= target, timeoutMs);
  }

  async probePut(key: string, value: Uint8Array, timeoutMs: number): Promise<void> {
    await this.prober!.put(key, value, { timeoutMs });
  }

  cpuTimeMs(): number {
    let total = this.retiredCpuMs + (this.nats.pid === undefined ? 0 : cpuTimeMs(this.nats.pid));
    for (const p of this.procs.values()) if (p.running) total += cpuTimeMs(p.pid);
    return total;
  }

  /** Graceful stop (SIGTERM): members write their --cpu-prof profiles on the way out. */
  async close(): Promise<void> {
    for (const c of [...this.clients, this.control, this.prober]) await c?.close().catch(() => undefined);
    this.clients = [];
    for (const b of this.buses) await b.close().catch(() => undefined);
    await Promise.all([...this.procs.values()].map((p) => p.stop(10_000)));
    await this.nats.dispose();
  }

  /** Pids of live members, for the profile report. */
  pids(): Map<string, number> {
    return new Map([...this.procs].filter(([, p]) => p.running).map(([m, p]) => [m, p.pid]));
  }
}
