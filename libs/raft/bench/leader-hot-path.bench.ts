// Micro-benchmark of the core's hot path: a 3-member cluster, the leader proposes batches of
// 256-byte entries, followers append and acknowledge, the leader commits. Everything runs in one
// process, so the figure is the CPU cost of all three cores together, without I/O.
// Run: node --import tsx libs/raft/bench/leader-hot-path.bench.ts [batchSize] [batches]
import { createRaft, type RaftState } from '../src/state.js';
import { step } from '../src/step.js';
import type { Message } from '../src/messages.js';

const batchSize = Number(process.argv[2] ?? 64);
const batches = Number(process.argv[3] ?? 5000);
const ids = ['a', 'b', 'c'];
const cores = new Map<string, RaftState>(ids.map((id) => [id, createRaft({ id, members: ids })]));
let queue: Message[] = [];

function feed(id: string, input: Parameters<typeof step>[1]): void {
  const { state, ready } = step(cores.get(id)!, input);
  cores.set(id, state);
  queue.push(...ready.messages);
}

function drain(): void {
  while (queue.length > 0) {
    const round = queue;
    queue = [];
    for (const m of round) feed(m.to, m);
  }
}

feed('a', { type: 'electionTimeout' });
drain();
const payload = Array.from({ length: batchSize }, () => new Uint8Array(256));
const run = (count: number): number => {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    feed('a', { type: 'propose', entries: payload });
    drain();
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
};
run(Math.min(500, batches)); // warm-up
const firstMs = run(batches);
const secondMs = run(batches); // a log twice as long must not cost more per entry
const committed = cores.get('a')!.log.committed;
const perSecond = (ms: number) => Math.round((batches * batchSize) / (ms / 1000));
console.log(JSON.stringify({ batchSize, batches, committed, entriesPerSecond: [perSecond(firstMs), perSecond(secondMs)], usPerBatch: [(firstMs * 1000) / batches, (secondMs * 1000) / batches].map((x) => Math.round(x)) }));
