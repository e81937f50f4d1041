// etcd under test: three etcd 3.4 members on loopback free ports, defaults otherwise (fsync on,
// heartbeat 100 ms, election timeout 1,000 ms), driven through the JSON gateway with keep-alive
// HTTP agents. By default every load request goes to the leader's client URL (the fastest path:
// no forwarding; etcd's own `benchmark --endpoints=<leader>` does the same); `all` spreads the
// lanes over the three members as clientv3's balancer would.

import { Agent } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@skiff/bus';
import type { CasOutcome, StoreCluster, StoreDriver } from './cluster.js';
import { EtcdGateway } from './etcd-gateway.js';
import { cpuTimeMs, sleep, spawnManaged, waitUntil, type Managed } from './processes.js';

export type EtcdEndpoints = 'leader' | 'all';

export interface EtcdClusterOptions {
  readonly dir: string;
  readonly lanes: number;
  readonly endpoints: EtcdEndpoints;
  readonly binary?: string;
  readonly readyTimeoutMs?: number;
}

const MEMBERS = ['a', 'b', 'c'] as const;

interface MemberPorts {
  readonly client: number;
  readonly peer: number;
}

export async function startEtcdCluster(o: EtcdClusterOptions): Promise<EtcdCluster> {
  const ports = new Map<string, MemberPorts>();
  for (const m of MEMBERS) ports.set(m, { client: await freePort(), peer: await freePort() });
  const cluster = new EtcdCluster(o, ports);
  try {
    await cluster.start(o.readyTimeoutMs ?? 60_000);
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return cluster;
}

class EtcdDriver implements StoreDriver {
  readonly describe: string;
  constructor(
    private readonly gateways: readonly EtcdGateway[],
    endpoints: EtcdEndpoints,
    readonly lanes: number,
  ) {
    this.describe = `JSON gateway over keep-alive HTTP/1.1 (one socket per request in flight, maxSockets 256), ${endpoints === 'leader' ? "all requests to the leader's client URL" : 'lanes spread over the 3 members'}`;
  }
  private gw(lane: number): EtcdGateway {
    return this.gateways[lane % this.gateways.length]!;
  }
  async put(lane: number, key: string, value: Uint8Array): Promise<void> {
    await this.gw(lane).put(key, value);
  }
  async get(lane: number, key: string): Promise<void> {
    await this.gw(lane).get(key);
  }
  async casPut(lane: number, key: string, expectedModRevision: number, value: Uint8Array): Promise<CasOutcome> {
    const r = await this.gw(lane).casPut(key, expectedModRevision, value);
    return { succeeded: r.succeeded, modRevision: r.succeeded ? r.revision : (r.current?.modRevision ?? 0) };
  }
  async watchPrefix(prefix: string, onEvent: (key: string, value: Uint8Array) => void): Promise<() => Promise<void>> {
    const end = await this.gw(this.lanes - 1).watchPrefix(prefix, (kv) => onEvent(kv.key, kv.value));
    return async () => end();
  }
}

export class EtcdCluster implements StoreCluster {
  readonly system = 'etcd' as const;
  readonly members: readonly string[] = MEMBERS;
  private readonly procs = new Map<string, Managed>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly controlAgent = new Agent({ keepAlive: true, maxSockets: 16 });
  private readonly gateways = new Map<string, EtcdGateway>();
  private readonly control = new Map<string, EtcdGateway>();
  private driverImpl: EtcdDriver | undefined;
  private retiredCpuMs = 0;
  private probeTurn = 0;

  constructor(
    private readonly o: EtcdClusterOptions,
    private readonly ports: ReadonlyMap<string, MemberPorts>,
  ) {
    for (const m of MEMBERS) {
      const url = this.clientUrl(m);
      this.gateways.set(m, new EtcdGateway(url, this.agent));
      this.control.set(m, new EtcdGateway(url, this.controlAgent));
    }
  }

  get driver(): StoreDriver {
    if (this.driverImpl === undefined) throw new Error('etcd cluster not started');
    return this.driverImpl;
  }

  private clientUrl(m: string): string {
    return `http://127.0.0.1:${this.ports.get(m)!.client}`;
  }
  private peerUrl(m: string): string {
    return `http://127.0.0.1:${this.ports.get(m)!.peer}`;
  }

  async start(readyTimeoutMs: number): Promise<void> {
    for (const m of MEMBERS) this.spawn(m);
    await waitUntil('an etcd leader', async () => (await this.leader()) !== '', readyTimeoutMs, 100);
    const leader = await this.leader();
    const gateways = this.o.endpoints === 'leader' ? [this.gateways.get(leader)!] : MEMBERS.map((m) => this.gateways.get(m)!);
    this.driverImpl = new EtcdDriver(gateways, this.o.endpoints, this.o.lanes);
    await waitUntil('an etcd put', async () => (await this.gateways.get(leader)!.put('/bench/ready', Buffer.from('yes'), 2_000)) > 0, readyTimeoutMs, 100);
  }

  private spawn(member: string): void {
    const dataDir = join(this.o.dir, 'etcd-data', member);
    mkdirSync(dataDir, { recursive: true });
    const initialCluster = MEMBERS.map((m) => `${m}=${this.peerUrl(m)}`).join(',');
    const args = [
      ...['--name', member, '--data-dir', dataDir],
      ...['--listen-client-urls', this.clientUrl(member), '--advertise-client-urls', this.clientUrl(member)],
      ...['--listen-peer-urls', this.peerUrl(member), '--initial-advertise-peer-urls', this.peerUrl(member)],
      ...['--initial-cluster', initialCluster, '--initial-cluster-state', 'new', '--initial-cluster-token', 'skiff-bench'],
      ...['--logger', 'zap', '--log-outputs', 'stderr', '--log-level', 'warn'],
    ];
    this.procs.set(member, spawnManaged(`etcd-${member}`, this.o.binary ?? '/usr/bin/etcd', args, join(this.o.dir, `etcd-${member}.log`)));
  }

  async leader(): Promise<string> {
    const live = MEMBERS.filter((m) => this.procs.get(m)?.running === true);
    const statuses = await Promise.all(live.map(async (m) => ({ m, s: await this.control.get(m)!.status().catch(() => undefined) })));
    let best: { member: string; term: number } | undefined;
    for (const { m, s } of statuses) {
      if (s === undefined || s.leader === '' || s.leader === '0' || s.memberId !== s.leader) continue;
      if (best === undefined || s.raftTerm > best.term) best = { member: m, term: s.raftTerm };
    }
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
    if (this.procs.get(member)?.running === true) throw new Error(`etcd member ${member} is still running`);
    this.spawn(member);
  }

  async catchUp(member: string, timeoutMs: number): Promise<void> {
    let target = 0;
    await waitUntil("the etcd leader's index", async () => {
      const leader = await this.leader();
      if (leader === '') return false;
      target = (await this.control.get(leader)!.status()).raftIndex;
      return true;
    }, timeoutMs);
    await waitUntil(`etcd member ${member} to apply index ${target}`, async () => (await this.control.get(member)!.status()).raftAppliedIndex >= target, timeoutMs);
  }

  /** Round-robin over the live members, 200 ms attempts, 5 ms between attempts. */
  async probePut(key: string, value: Uint8Array, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const live = MEMBERS.filter((m) => this.procs.get(m)?.running === true);
      const target = live[this.probeTurn++ % live.length]!;
      try {
        await this.control.get(target)!.put(key, value, 200);
        return;
      } catch (err) {
        if (performance.now() > deadline) throw err;
        await sleep(5);
      }
    }
  }

  cpuTimeMs(): number {
    let total = this.retiredCpuMs;
    for (const p of this.procs.values()) if (p.running) total += cpuTimeMs(p.pid);
    return total;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.controlAgent.destroy();
    await Promise.all([...this.procs.values()].map((p) => p.stop(5_000)));
  }
}
