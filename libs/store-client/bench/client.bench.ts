// Store client micro-benchmark on a real nats-server against the fake store (one MvccStore, no
// Raft, no WAL): what the client and the bus cost per operation, side by side with a bare
// `call()` of the same command. Not a test. Run: node --import tsx libs/store-client/bench/client.bench.ts
import { RealClock, SeededRandom } from '@skiff/actors';
import { call, NatsBus, startNatsServer, subjects } from '@skiff/bus';
import { utf8 } from '@skiff/mvcc';
import { createStoreClient } from '../src/index.js';
import { FakeStore } from '../test/fake-store.js';

async function timed(label: string, n: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) await op(next++);
    }),
  );
  const ms = performance.now() - start;
  console.log(`${label.padEnd(34)} n=${n} inFlight=${inFlight}: ${Math.round((n / ms) * 1000)} ops/s`);
}

const server = await startNatsServer();
const clock = new RealClock();
const storeBus = await NatsBus.connect({ servers: [server.url], name: 'store' });
const apiBus = await NatsBus.connect({ servers: [server.url], name: 'api' });
const fake = new FakeStore({ bus: storeBus, clock });
await fake.start();
const client = createStoreClient({ bus: apiBus, clock, random: new SeededRandom(1), members: ['m1', 'm2', 'm3'] });
const leader = subjects().storeLeader;
const value = new Uint8Array(256);
try {
  for (const inFlight of [1, 64]) {
    const n = inFlight === 1 ? 2_000 : 20_000;
    await timed('bare call() put', n, inFlight, (i) => call(apiBus, leader, { type: 'store.command', command: { type: 'put', key: utf8(`/b/${i}`), value } }, 5_000));
    await timed('client.put (exactly-once meta)', n, inFlight, (i) => client.put(`/c/${i}`, value));
    await timed('client.get (linearizable)', n, inFlight, (i) => client.get(`/c/${i % 1000}`));
  }
  const w = client.watch('/w/', { prefix: true });
  while (w.revision === undefined) await new Promise((r) => setTimeout(r, 5));
  const total = 20_000;
  const start = performance.now();
  const writes = timed('client.put under a watch', total, 64, (i) => client.put(`/w/${i}`, value));
  let seen = 0;
  for await (const b of w) if ((seen += b.events.length) >= total) break;
  await writes;
  console.log(`watch delivered ${seen} events in order: ${Math.round((seen / (performance.now() - start)) * 1000)} events/s end to end`);
} finally {
  await client.close();
  await fake.stop();
  await apiBus.close();
  await storeBus.close();
  await server.dispose();
}
