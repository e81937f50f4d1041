// Put throughput of three in-process store members over a real nats-server (fsync on), the way
// `skiff up` runs them. Not a test: it prints numbers. The formal comparison with etcd lives in
// test/bench (npm run bench:store).
//
//   node --import tsx services/store/bench/put-throughput.bench.ts [--clients 256] [--seconds 10]
//     [--value-bytes 256] [--keys 10000] [--no-fsync] [--client-process] [--with-host]
//
// --with-host runs each member on a service host (Raft actor inspected), as `skiff up` does.
// With --client-process the load comes from a child process, so that the members' process does not
// also spend its core on the client side.

import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RealClock, silentLogger, startServiceHost, systemRandom, type ServiceHost } from '@skiff/actors';
import { call, NatsBus, subjects, type Envelope } from '@skiff/bus';
import { startNatsServer } from '@skiff/testing';
import { Wal } from '@skiff/wal';
import { createStoreMember, type StoreMember } from '../src/index.js';

const CLUSTER = 'bench';
const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '256' },
    seconds: { type: 'string', default: '10' },
    'value-bytes': { type: 'string', default: '256' },
    keys: { type: 'string', default: '10000' },
    'no-fsync': { type: 'boolean', default: false },
    'client-process': { type: 'boolean', default: false },
    'with-host': { type: 'boolean', default: false },
    'load-only': { type: 'string' },
  },
});

interface LoadResult {
  readonly puts: number;
  readonly errors: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** `clients` loops, each one put in flight at a time with its own session (etcd benchmark's --clients). */
async function load(natsUrl: string, clients: number, seconds: number, valueBytes: number, keys: number): Promise<LoadResult> {
  const bus = await NatsBus.connect({ servers: [natsUrl], name: 'bench-client' });
  const s = subjects(CLUSTER);
  const value = new Uint8Array(valueBytes).fill(120);
  const latencies: number[] = [];
  let puts = 0;
  let errors = 0;
  const warmupUntil = Date.now() + 1_000;
  const until = warmupUntil + seconds * 1000;
  const worker = async (w: number): Promise<void> => {
    let seq = 0;
    while (Date.now() < until) {
      const key = new TextEncoder().encode(`/bench/${(w * 7919 + seq * 104729) % keys}`);
      const started = performance.now();
      try {
        await call<Envelope>(bus, s.storeLeader, { type: 'store.command', command: { type: 'put', key, value, clientId: `bench-${w}`, seq: ++seq } }, 10_000);
        if (Date.now() >= warmupUntil) {
          puts++;
          latencies.push(performance.now() - started);
        }
      } catch {
        errors++;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: clients }, (_, w) => worker(w)));
  await bus.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => Number((latencies[Math.floor(q * (latencies.length - 1))] ?? 0).toFixed(1));
  return { puts, errors, seconds: (Date.now() - t0 - 1_000) / 1000, p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function main(): Promise<void> {
  const clients = Number(values.clients);
  const seconds = Number(values.seconds);
  const valueBytes = Number(values['value-bytes']);
  const keys = Number(values.keys);
  if (values['load-only'] !== undefined) {
    process.send?.(await load(values['load-only'], clients, seconds, valueBytes, keys));
    return;
  }
  const nats = await startNatsServer();
  const dir = mkdtempSync(join(tmpdir(), 'skiff-store-bench-'));
  const names = ['a', 'b', 'c'];
  const members: StoreMember[] = [];
  const closers: (() => Promise<void>)[] = [];
  try {
    for (const name of names) {
      const { wal, state } = await Wal.open(join(dir, name), { fsync: !values['no-fsync'] });
      const bus = await NatsBus.connect({ servers: [nats.url], name: `store-${name}` });
      const clock = new RealClock();
      const logger = silentLogger('store', name);
      let host: ServiceHost | undefined;
      if (values['with-host']) {
        host = await startServiceHost({ bus, cluster: CLUSTER, service: 'store', instance: name, version: '0.1.0', description: 'bench', clock, logger });
      }
      const member = createStoreMember({ name, members: names, cluster: CLUSTER, bus, wal, recovered: state, clock, random: systemRandom(), logger, ...(host === undefined ? {} : { host }) });
      await member.start();
      members.push(member);
      closers.push(async () => {
        await member.stop({ transferLeadership: false });
        if (host === undefined) await bus.close();
        else await host.stop();
        await wal.close();
      });
    }
    const until = Date.now() + 15_000;
    while (!members.some((m) => m.role === 'leader') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const result = values['client-process'] ? await loadInChild(nats.url) : await load(nats.url, clients, seconds, valueBytes, keys);
    const leader = members.find((m) => m.role === 'leader');
    console.log(
      JSON.stringify({
        clients,
        valueBytes,
        fsync: !values['no-fsync'],
        clientProcess: values['client-process'],
        withHost: values['with-host'],
        putsPerSecond: Math.round(result.puts / result.seconds),
        ...result,
        proposalsBatched: leader?.stats.proposalsBatched,
        entriesApplied: leader?.stats.entriesApplied,
      }),
    );
  } finally {
    for (const close of closers) await close();
    await nats.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

function loadInChild(natsUrl: string): Promise<LoadResult> {
  const args = ['--load-only', natsUrl, '--clients', values.clients!, '--seconds', values.seconds!, '--value-bytes', values['value-bytes']!, '--keys', values.keys!];
  const child = fork(fileURLToPath(import.meta.url), args, { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('exit', (code) => code !== 0 && reject(new Error(`load process exited ${code}`)));
  });
}

void (async () => {
  await main();
  process.exit(0);
})();

