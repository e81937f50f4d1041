// Durable append throughput of the Wal at 1, 16 and 256 concurrent appenders of 256-byte entries,
// fsync on, beside the floor it must beat: a loop of write(256 B) + fdatasync on a bare file.
// Not a test: numbers vary 30-60% between runs on this machine (docs/machine.md), compare side by side.
//   node --import tsx libs/wal/bench/wal.bench.ts [--duration-ms 3000] [--dir /path]
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Wal } from '../src/index.js';

const ENTRY_BYTES = 256;
const CONCURRENCY = [1, 16, 256];

interface Args {
  durationMs: number;
  parent: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { durationMs: 3000, parent: os.tmpdir() };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--duration-ms') args.durationMs = Number(argv[++i]);
    else if (argv[i] === '--dir') args.parent = argv[++i]!;
  }
  return args;
}

async function rawFloor(dir: string, durationMs: number): Promise<number> {
  const handle = await fsp.open(path.join(dir, 'raw'), 'w');
  const block = Buffer.alloc(ENTRY_BYTES, 7);
  let count = 0;
  let position = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    await handle.write(block, 0, block.length, position);
    await handle.datasync();
    position += block.length;
    count++;
  }
  await handle.close();
  return count / (durationMs / 1000);
}

async function walRun(dir: string, appenders: number, durationMs: number) {
  const { wal } = await Wal.open(dir);
  const data = new Uint8Array(ENTRY_BYTES).fill(42);
  let next = 1;
  const latencies: number[] = [];
  const end = performance.now() + durationMs;
  const appender = async (): Promise<void> => {
    while (performance.now() < end) {
      const started = performance.now();
      const index = next++;
      await wal.append({ entries: [{ index, term: 1, data }] });
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: appenders }, appender));
  const seconds = (performance.now() - started) / 1000;
  const stats = wal.stats();
  await wal.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    appenders,
    appendsPerSec: Math.round(stats.appends / seconds),
    fsyncsPerSec: Math.round(stats.fsyncs / seconds),
    appendsPerFsync: +(stats.appends / Math.max(1, stats.fsyncs)).toFixed(1),
    p50Ms: +at(0.5).toFixed(2),
    p99Ms: +at(0.99).toFixed(2),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = await fsp.mkdtemp(path.join(args.parent, 'skiff-wal-bench-'));
  try {
    const floor = await rawFloor(root, args.durationMs);
    console.log(`raw write(${ENTRY_BYTES} B) + fdatasync loop: ${Math.round(floor)}/s`);
    const rows = [];
    for (const appenders of CONCURRENCY) rows.push(await walRun(path.join(root, `c${appenders}`), appenders, args.durationMs));
    console.table(rows);
  } finally {
    await fsp.rm(root, { recursive: true, force: true });
  }
}

await main();
