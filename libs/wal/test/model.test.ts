// Model-based check: random appends (with overwrites), hard states, snapshots (kept and
// log-replacing), releases, clean reopens and crashes with appends in flight, against a plain
// in-memory model of what Raft persisted. Small segments make every operation cross segment
// boundaries; fsync takes simulated time so crashes catch writes unsynced. A failing seed replays.
import { describe, expect, it } from 'vitest';
import { SeededRandom, SimulationClock, type Random } from '@skiff/core';
import {
  MemoryDisk,
  MemoryWal,
  type HardState,
  type MemoryWalOptions,
  type SnapshotMeta,
  type WalEntry,
  type WalState,
} from '../src/index.js';
import { describeEntries } from './helpers.js';

interface Model {
  readonly snapshot: SnapshotMeta | null;
  readonly entries: readonly WalEntry[];
  readonly hardState: HardState;
}

interface Run {
  readonly random: Random;
  readonly clock: SimulationClock;
  readonly disk: MemoryDisk;
  readonly options: MemoryWalOptions;
  wal: MemoryWal;
  model: Model;
  term: number;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Awaits `work` while simulated time moves, as the simulation's scheduler would. */
async function drive<T>(run: Run, work: Promise<T>): Promise<T> {
  let settled = false;
  const watched = work.finally(() => (settled = true));
  for (let round = 0; round < 10_000 && !settled; round++) {
    await settle();
    run.clock.advance(1);
  }
  return watched;
}

const lastIndex = (m: Model): number => m.entries.at(-1)?.index ?? m.snapshot?.index ?? 0;
const termAt = (m: Model, index: number): number | undefined =>
  index === m.snapshot?.index ? m.snapshot.term : m.entries.find((e) => e.index === index)?.term;
const view = (m: Model | WalState) => ({
  entries: describeEntries(m.entries),
  hardState: m.hardState,
  snapshot: 'snapshotMeta' in m ? m.snapshotMeta : m.snapshot,
});

/** A random contiguous run of entries from a legal start (at most the last index + 1). */
function nextEntries(run: Run, count: number): WalEntry[] {
  if (run.random.chance(0.2)) run.term++;
  const from = run.random.int((run.model.snapshot?.index ?? 0) + 1, lastIndex(run.model) + 1);
  return Array.from({ length: count }, (_, i) => ({
    index: from + i,
    term: run.term,
    data: new TextEncoder().encode(`${from + i}:${run.term}:${run.random.int(0, 1e6)}`),
  }));
}

const withEntries = (m: Model, added: readonly WalEntry[]): Model => ({
  ...m,
  entries: [...m.entries.filter((e) => e.index < added[0]!.index), ...added],
});

function nextHardState(run: Run): HardState {
  const vote = run.random.chance(0.5) ? `m${run.random.int(1, 5)}` : null;
  return { term: run.term, vote, commit: run.random.int(0, 99) };
}

async function append(run: Run): Promise<void> {
  const added = nextEntries(run, run.random.int(1, 4));
  const hardState = run.random.chance(0.3) ? nextHardState(run) : undefined;
  run.model = { ...withEntries(run.model, added), ...(hardState === undefined ? {} : { hardState }) };
  await drive(run, run.wal.append({ entries: added, ...(hardState === undefined ? {} : { hardState }) }));
}

async function snapshot(run: Run): Promise<void> {
  const { model, random } = run;
  const first = (model.snapshot?.index ?? 0) + 1;
  const last = lastIndex(model);
  const meta: SnapshotMeta =
    last >= first && random.chance(0.7)
      ? (({ index }) => ({ index, term: termAt(model, index)! }))({ index: random.int(first, last) })
      : { index: random.int(Math.max(first, last - 2), last + 5), term: ++run.term };
  // Raft §7: keep the entries after the snapshot only if the log holds its last entry.
  const keeps = termAt(model, meta.index) === meta.term;
  run.model = { ...model, snapshot: meta, entries: keeps ? model.entries.filter((e) => e.index > meta.index) : [] };
  await drive(run, run.wal.saveSnapshot(meta, new TextEncoder().encode(`state@${meta.index}`)));
}

async function reopen(run: Run, label: string): Promise<WalState> {
  await drive(run, run.wal.close());
  const reopened = await drive(run, MemoryWal.open(run.disk, run.options));
  expect(reopened.warnings, label).toEqual([]);
  run.wal = reopened.wal;
  return reopened.state;
}

/**
 * Appends of one record each (one entry, or a hard state alone) in flight, then a crash: what
 * comes back must be the model after some prefix of them, and at least after every acknowledged one.
 */
async function crashWithAppendsInFlight(run: Run, label: string): Promise<void> {
  const states: Model[] = [run.model];
  let acked = 0;
  const count = run.random.int(1, 8);
  for (let i = 0; i < count; i++) {
    const hardStateOnly = run.random.chance(0.25);
    const added = hardStateOnly ? [] : nextEntries(run, 1);
    const hardState = hardStateOnly ? nextHardState(run) : undefined;
    run.model = hardState === undefined ? withEntries(run.model, added) : { ...run.model, hardState };
    states.push(run.model);
    run.wal.append({ entries: added, ...(hardState === undefined ? {} : { hardState }) }).then(
      () => acked++,
      () => undefined,
    );
  }
  for (let round = run.random.int(0, 3); round > 0; round--) {
    await settle();
    run.clock.advance(1);
  }
  const ackedAtCrash = acked;
  run.wal.crash({ loseUnsynced: run.random.chance(0.7), ...(run.random.chance(0.5) ? { random: run.random.fork() } : {}) });
  await settle();
  const reopened = await drive(run, MemoryWal.open(run.disk, run.options));
  const got = view(reopened.state);
  const matches = states.map((s, k) => ({ k, same: JSON.stringify(view(s)) === JSON.stringify(got) })).filter((m) => m.same);
  expect(matches.length, `${label}: recovered state is no prefix of the appends in flight`).toBeGreaterThan(0);
  const k = matches.at(-1)!.k;
  expect(k, `${label}: an acknowledged append was lost`).toBeGreaterThanOrEqual(ackedAtCrash);
  run.model = states[k]!;
  run.wal = reopened.wal;
}

async function runSeed(seed: number, operations: number): Promise<void> {
  const random = new SeededRandom(seed);
  const clock = new SimulationClock();
  const disk = new MemoryDisk({ clock, fsyncLatencyMs: 1 });
  const options = { segmentSizeBytes: random.int(60, 400), snapshotsRetained: random.int(1, 3) };
  const { wal } = await drive({ clock } as Run, MemoryWal.open(disk, options));
  const run: Run = { random, clock, disk, options, wal, model: { snapshot: null, entries: [], hardState: { term: 0, vote: null, commit: 0 } }, term: 1 };
  for (let op = 0; op < operations; op++) {
    const label = `seed ${seed} op ${op}`;
    const roll = random.next();
    if (roll < 0.5) await append(run);
    else if (roll < 0.6) await snapshot(run);
    else if (roll < 0.7) await drive(run, run.wal.releaseBefore(random.int(0, lastIndex(run.model) + 2)));
    else if (roll < 0.8) expect(view(await reopen(run, label)), label).toEqual(view(run.model));
    else if (roll < 0.9) await crashWithAppendsInFlight(run, label);
    else {
      const hardState = nextHardState(run);
      run.model = { ...run.model, hardState };
      await drive(run, run.wal.append({ entries: [], hardState }));
    }
  }
  expect(view(await reopen(run, `seed ${seed} end`))).toEqual(view(run.model));
  await drive(run, run.wal.close());
}

describe('Wal against a model of Raft persistence', () => {
  it('recovers exactly what the model holds, across seeded runs with crashes', async () => {
    const seeds = Number(process.env.WAL_MODEL_SEEDS ?? 30);
    for (let seed = 1; seed <= seeds; seed++) await runSeed(seed, 200);
  });
});
