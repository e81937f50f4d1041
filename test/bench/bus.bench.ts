// Bus benchmark: request/reply round trips through our layer (NatsBus + envelope codec +
// serveRequests/call) against raw nats.js requests, same server, same connections, same 256-byte
// payload, at 1, 16 and 256 requests in flight. Variants alternate in short rounds so that the
// machine's speed swings hit both alike. Goal: our layer costs at most 20% over raw.
//
//   npm run bench:bus [-- --cell-ms 3000 --rounds 6]

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { call, guardOf, NatsBus, serveRequests, type Envelope } from '@skiff/bus';
import { startNatsServer } from '@skiff/testing';

const PAYLOAD_BYTES = 256;
const CONCURRENCIES = [1, 16, 256] as const;
const SUBJECT_BUS = 'bench.bus.echo';
const SUBJECT_RAW = 'bench.raw.echo';
const TIMEOUT_MS = 10_000;

const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const CELL_MS = arg('cell-ms', 3_000);
const ROUNDS = arg('rounds', 6);
const WARMUP_MS = arg('warmup-ms', 500);

interface Echo extends Envelope {
  readonly type: 'echo';
  readonly payload: Uint8Array;
}
const isEcho = guardOf<Echo>('echo', { payload: 'bytes' });

type Variant = 'bus' | 'raw';
interface Sample {
  latenciesMs: number[];
  count: number;
  elapsedMs: number;
}

async function runFor(op: () => Promise<void>, concurrency: number, durationMs: number, into: Sample): Promise<void> {
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      await op();
      into.latenciesMs.push(performance.now() - t0);
      into.count++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  into.elapsedMs += performance.now() - start;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const server = await startNatsServer();
  const responder = await NatsBus.connect({ servers: [server.url], name: 'bench-responder' });
  const client = await NatsBus.connect({ servers: [server.url], name: 'bench-client' });
  const endpoint = serveRequests<Echo>(responder, SUBJECT_BUS, (req) => ({ type: 'echo', payload: req.payload }), {
    guard: isEcho,
    concurrency: 1_024,
  });
  const rawSub = responder.connection.subscribe(SUBJECT_RAW);
  void (async () => {
    for await (const m of rawSub) m.respond(m.data);
  })();
  await responder.flush();

  const payload = new Uint8Array(PAYLOAD_BYTES).map((_, i) => i & 0xff);
  const ops: Record<Variant, () => Promise<void>> = {
    bus: async () => {
      const reply = await call(client, SUBJECT_BUS, { type: 'echo', payload }, TIMEOUT_MS, { guard: isEcho });
      if (reply.payload.length !== PAYLOAD_BYTES) throw new Error('bad echo');
    },
    raw: async () => {
      const reply = await client.connection.request(SUBJECT_RAW, payload, { timeout: TIMEOUT_MS });
      if (reply.data.length !== PAYLOAD_BYTES) throw new Error('bad echo');
    },
  };

  const rows: { concurrency: number; variant: Variant; p50Ms: number; p99Ms: number; rps: number; requests: number }[] = [];
  try {
    for (const concurrency of CONCURRENCIES) {
      for (const v of ['bus', 'raw'] as const) await runFor(ops[v], concurrency, WARMUP_MS, { latenciesMs: [], count: 0, elapsedMs: 0 });
      const samples: Record<Variant, Sample> = {
        bus: { latenciesMs: [], count: 0, elapsedMs: 0 },
        raw: { latenciesMs: [], count: 0, elapsedMs: 0 },
      };
      const roundMs = CELL_MS / ROUNDS;
      for (let r = 0; r < ROUNDS; r++) {
        // Alternate which variant goes first so that neither always follows the other.
        const order: Variant[] = r % 2 === 0 ? ['bus', 'raw'] : ['raw', 'bus'];
        for (const v of order) await runFor(ops[v], concurrency, roundMs, samples[v]);
      }
      for (const v of ['bus', 'raw'] as const) {
        const s = samples[v];
        const sorted = s.latenciesMs.sort((x, y) => x - y);
        rows.push({
          concurrency,
          variant: v,
          p50Ms: round(percentile(sorted, 50)),
          p99Ms: round(percentile(sorted, 99)),
          rps: Math.round((s.count / s.elapsedMs) * 1_000),
          requests: s.count,
        });
      }
    }
  } finally {
    await endpoint.stop();
    await client.close();
    await responder.close();
    await server.dispose();
  }

  const overhead = CONCURRENCIES.map((concurrency) => {
    const bus = rows.find((r) => r.concurrency === concurrency && r.variant === 'bus')!;
    const raw = rows.find((r) => r.concurrency === concurrency && r.variant === 'raw')!;
    return {
      concurrency,
      // How much more each request costs through our layer, from throughput and from latency.
      throughputOverheadPct: round((raw.rps / bus.rps - 1) * 100),
      p50OverheadPct: round((bus.p50Ms / raw.p50Ms - 1) * 100),
      withinGoal: raw.rps / bus.rps - 1 <= 0.2,
    };
  });

  console.log(`bus bench: ${PAYLOAD_BYTES} B payload, ${CELL_MS} ms per cell in ${ROUNDS} alternating rounds`);
  console.log('concurrency  variant      p50 ms    p99 ms      req/s');
  for (const r of rows) {
    console.log(
      `${String(r.concurrency).padStart(11)}  ${r.variant.padEnd(7)} ${r.p50Ms.toFixed(3).padStart(9)} ${r.p99Ms.toFixed(3).padStart(9)} ${String(r.rps).padStart(10)}`,
    );
  }
  for (const o of overhead) {
    console.log(
      `overhead @${o.concurrency}: throughput ${o.throughputOverheadPct}%, p50 ${o.p50OverheadPct}% ${o.withinGoal ? '(within 20% goal)' : '(ABOVE 20% goal)'}`,
    );
  }

  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const out = join(root, 'bench', 'results', 'bus.json');
  mkdirSync(dirname(out), { recursive: true });
  const result = {
    benchmark: 'bus',
    date: new Date().toISOString(),
    node: process.version,
    payloadBytes: PAYLOAD_BYTES,
    cellMs: CELL_MS,
    rounds: ROUNDS,
    rows,
    overhead,
  };
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`written ${out}`);
}

function round(x: number): number {
  return Math.round(x * 1_000) / 1_000;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
