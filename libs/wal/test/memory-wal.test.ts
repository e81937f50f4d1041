import { describe, expect, it } from 'vitest';
import { SeededRandom, SimulationClock } from '@skiff/core';
import { MemoryDisk, MemoryWal, WalClosedError } from '../src/index.js';
import { describeEntries, entries } from './helpers.js';

/** Lets every pending microtask and I/O callback run (the memory disk does no real I/O). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Awaits `work` while moving simulated time forward, as a simulation's scheduler would. */
async function driving<T>(clock: SimulationClock, work: Promise<T>): Promise<T> {
  let settled = false;
  const watched = work.finally(() => (settled = true));
  for (let round = 0; round < 1000 && !settled; round++) {
    await settle();
    clock.advance(1);
  }
  return watched;
}

async function indices(disk: MemoryDisk): Promise<number[]> {
  const { wal, state } = await MemoryWal.open(disk);
  await wal.close();
  return state.entries.map((e) => e.index);
}

describe('MemoryWal', () => {
  it('recovers appends, snapshots and hard state from its disk like the file log', async () => {
    const disk = new MemoryDisk();
    const { wal } = await MemoryWal.open(disk, { segmentSizeBytes: 120 });
    await wal.append({ entries: entries(1, 8, 1), hardState: { term: 1, vote: 'm1', commit: 3 } });
    await wal.append({ entries: entries(6, 7, 2) });
    await wal.saveSnapshot({ index: 4, term: 1 }, new TextEncoder().encode('state@4'));
    await wal.close();
    const { state } = await MemoryWal.open(disk, { segmentSizeBytes: 120 });
    expect(state.snapshotMeta).toEqual({ index: 4, term: 1 });
    expect(describeEntries(state.entries)).toEqual(describeEntries([...entries(5, 5, 1), ...entries(6, 7, 2)]));
    expect(state.hardState).toEqual({ term: 1, vote: 'm1', commit: 3 });
    expect(disk.list().some((f) => f.endsWith('.snap'))).toBe(true);
  });

  it('crash with loseUnsynced drops appends that had not resolved, keeps those that had', async () => {
    const disk = new MemoryDisk();
    const { wal } = await MemoryWal.open(disk);
    await wal.append({ entries: entries(1, 2, 1) });
    const pending = wal.append({ entries: entries(3, 4, 1) });
    wal.crash({ loseUnsynced: true });
    await expect(pending).rejects.toThrow(WalClosedError);
    await expect(wal.append({ entries: entries(3, 3, 1) })).rejects.toThrow(WalClosedError);
    expect(await indices(disk)).toEqual([1, 2]);
  });

  it('distinguishes a power loss from a process crash for written but unsynced records', async () => {
    for (const loseUnsynced of [true, false]) {
      const clock = new SimulationClock();
      const disk = new MemoryDisk({ clock, fsyncLatencyMs: 5 });
      const { wal } = await MemoryWal.open(disk);
      const first = wal.append({ entries: entries(1, 1, 1) });
      await settle();
      clock.advance(5);
      await first;
      const second = wal.append({ entries: entries(2, 3, 1) });
      second.catch(() => undefined);
      await settle(); // written, its fdatasync waiting on the clock
      wal.crash({ loseUnsynced });
      await expect(second).rejects.toThrow(WalClosedError);
      clock.advance(5); // the dead process's fsync completes: it must change nothing
      expect(await indices(disk)).toEqual(loseUnsynced ? [1] : [1, 2, 3]);
    }
  });

  it('group-commits appends made while an fsync is in flight', async () => {
    const clock = new SimulationClock();
    const disk = new MemoryDisk({ clock, fsyncLatencyMs: 1 });
    const { wal } = await MemoryWal.open(disk);
    const done: Promise<void>[] = [wal.append({ entries: entries(1, 1, 1) })];
    await settle();
    for (let i = 2; i <= 64; i++) done.push(wal.append({ entries: entries(i, i, 1) }));
    for (let round = 0; round < 10 && wal.stats().batches < 2; round++) {
      clock.advance(1);
      await settle();
    }
    await Promise.all(done);
    expect(wal.stats()).toMatchObject({ appends: 64, batches: 2, fsyncs: 2 });
  });

  it('torn crashes keep a prefix of unacknowledged records, recover cleanly, and replay by seed', async () => {
    const outcome = async (seed: number) => {
      const clock = new SimulationClock();
      const disk = new MemoryDisk({ clock, fsyncLatencyMs: 2 });
      const { wal } = await MemoryWal.open(disk);
      const acked: number[] = [];
      for (let i = 1; i <= 5; i++) void wal.append({ entries: entries(i, i, 1) }).then(() => acked.push(i));
      await settle();
      clock.advance(2);
      await settle();
      for (let i = 6; i <= 30; i++) wal.append({ entries: entries(i, i, 1) }).catch(() => undefined);
      await settle(); // entries 6..30 written in one batch, not synced
      wal.crash({ loseUnsynced: true, random: new SeededRandom(seed) });
      // Recovery fsyncs the truncated tail: simulated time must move while it opens.
      const { wal: reopened, state, warnings } = await driving(clock, MemoryWal.open(disk));
      const next = state.entries.length + 1;
      await driving(clock, reopened.append({ entries: entries(next, next, 2) }));
      await reopened.close();
      return { acked, recovered: state.entries.map((e) => e.index), torn: warnings.some((w) => w.type === 'tornTailTruncated') };
    };
    const runs = [];
    for (let seed = 1; seed <= 12; seed++) runs.push(await outcome(seed));
    for (const { acked, recovered } of runs) {
      expect(acked).toEqual([1, 2, 3, 4, 5]);
      expect(recovered).toEqual(Array.from({ length: recovered.length }, (_, i) => i + 1));
      expect(recovered.length).toBeGreaterThanOrEqual(5);
    }
    expect(runs.some((r) => r.torn)).toBe(true);
    expect(new Set(runs.map((r) => r.recovered.length)).size).toBeGreaterThan(1);
    expect(await outcome(3)).toEqual(runs[2]);
  });
});
