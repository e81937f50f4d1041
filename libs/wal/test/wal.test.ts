import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SnapshotCorruptError,
  Wal,
  WalAppendError,
  WalClosedError,
  WalCorruptError,
  WalFailedError,
  type WalOptions,
} from '../src/index.js';
import { describeEntries, entries, probedFs, segmentFiles, tempDir, text } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
const open: Wal[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});

afterEach(async () => {
  for (const wal of open.splice(0)) await wal.close().catch(() => undefined);
  await cleanup();
});

async function openWal(options: WalOptions = {}) {
  const result = await Wal.open(dir, options);
  open.push(result.wal);
  return result;
}

async function reopen(wal: Wal, options: WalOptions = {}) {
  await wal.close();
  return openWal(options);
}

describe('Wal append and recovery', () => {
  it('starts empty, then recovers what was appended', async () => {
    const { wal, state, warnings } = await openWal();
    expect(state).toEqual({ hardState: { term: 0, vote: null, commit: 0 }, entries: [], snapshotMeta: null, snapshot: null });
    expect(warnings).toEqual([]);
    await wal.append({ entries: entries(1, 3, 1), hardState: { term: 1, vote: 'store-1', commit: 1 } });
    await wal.append({ entries: entries(4, 4, 1) });
    const again = await reopen(wal);
    expect(describeEntries(again.state.entries)).toEqual(describeEntries(entries(1, 4, 1)));
    expect(again.state.hardState).toEqual({ term: 1, vote: 'store-1', commit: 1 });
    expect(again.warnings).toEqual([]);
  });

  it('overwrites a suffix when entries start at or below the last index, live and after reopen', async () => {
    const { wal } = await openWal();
    await wal.append({ entries: entries(1, 5, 1) });
    await wal.append({ entries: entries(3, 3, 2) });
    await expect(wal.append({ entries: entries(5, 5, 2) })).rejects.toThrow(WalAppendError); // 4 was dropped
    await wal.append({ entries: entries(4, 4, 2) });
    const { state } = await reopen(wal);
    expect(describeEntries(state.entries)).toEqual(describeEntries([...entries(1, 2, 1), ...entries(3, 4, 2)]));
  });

  it('keeps the latest hard state, also when an append carries only hard state', async () => {
    const { wal } = await openWal();
    await wal.append({ entries: [], hardState: { term: 1, vote: 'a', commit: 0 } });
    await wal.append({ entries: entries(1, 2, 1), hardState: { term: 2, vote: 'b', commit: 1 } });
    await wal.append({ entries: [], hardState: { term: 3, vote: null, commit: 2 } });
    const { state } = await reopen(wal);
    expect(state.hardState).toEqual({ term: 3, vote: null, commit: 2 });
    expect(state.entries).toHaveLength(2);
  });

  it('rejects bad appends with WalAppendError and loses nothing', async () => {
    const { wal } = await openWal();
    await wal.append({ entries: entries(1, 2, 1) });
    await expect(wal.append({ entries: entries(4, 4, 1) })).rejects.toThrow(/gap/);
    await expect(wal.append({ entries: entries(3, 3, 1), hardState: { term: -1, vote: null, commit: 0 } })).rejects.toThrow(
      WalAppendError,
    );
    await wal.append({ entries: entries(3, 3, 1) });
    const { state } = await reopen(wal);
    expect(state.entries.map((e) => e.index)).toEqual([1, 2, 3]);
  });

  it('rolls over to new segments and reads across them', async () => {
    const { wal } = await openWal({ segmentSizeBytes: 200 });
    for (let i = 1; i <= 40; i++) await wal.append({ entries: entries(i, i, 1 + Math.floor(i / 10)), hardState: { term: 1, vote: null, commit: i - 1 } });
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(5);
    expect(wal.stats().segments).toBe(files.length);
    const { state } = await reopen(wal, { segmentSizeBytes: 200 });
    expect(state.entries.map((e) => e.index)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(state.hardState.commit).toBe(39);
  });

  it('refuses work after close', async () => {
    const { wal } = await openWal();
    await wal.close();
    await expect(wal.append({ entries: entries(1, 1, 1) })).rejects.toThrow(WalClosedError);
  });

  it('fails every pending and later append after a failed fsync, and keeps what was synced', async () => {
    const { fs, probe } = probedFs();
    const { wal } = await openWal({ fs });
    await wal.append({ entries: entries(1, 1, 1) });
    probe.failDatasync = new Error('EIO');
    const results = await Promise.allSettled([wal.append({ entries: entries(2, 2, 1) }), wal.append({ entries: entries(3, 3, 1) })]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(wal.append({ entries: entries(4, 4, 1) })).rejects.toThrow(WalFailedError);
    probe.failDatasync = null;
    const { state } = await reopen(wal);
    expect(state.entries[0]!.index).toBe(1);
  });
});

describe('Wal group commit', () => {
  it('shares one fsync among appends issued together', async () => {
    const { fs, probe } = probedFs();
    const { wal } = await openWal({ fs });
    const before = probe.datasyncs;
    await Promise.all(Array.from({ length: 200 }, (_, i) => wal.append({ entries: entries(i + 1, i + 1, 1) })));
    expect(probe.datasyncs - before).toBe(1);
    expect(wal.stats()).toMatchObject({ appends: 200, batches: 1, fsyncs: 1 });
    const { state } = await reopen(wal);
    expect(state.entries).toHaveLength(200);
  });

  it('queues appends behind an fsync in flight and writes them with the next one', async () => {
    const { fs, probe } = probedFs();
    const { wal } = await openWal({ fs });
    const before = probe.datasyncs;
    let release = (): void => undefined;
    probe.gate = new Promise((resolve) => (release = resolve));
    const first = wal.append({ entries: entries(1, 1, 1) });
    await waitFor(() => probe.datasyncs - before === 1);
    let next = 2;
    const later: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) later.push(wal.append({ entries: entries(next, next++, 1) }));
    release();
    probe.gate = null;
    await Promise.all([first, ...later]);
    expect(probe.datasyncs - before).toBe(2);
  });

  it('bounds a batch by appends and by bytes', async () => {
    const { fs, probe } = probedFs();
    const { wal } = await openWal({ fs, batchAppendsMax: 10 });
    const before = probe.datasyncs;
    await Promise.all(Array.from({ length: 95 }, (_, i) => wal.append({ entries: entries(i + 1, i + 1, 1) })));
    expect(probe.datasyncs - before).toBe(Math.ceil(95 / 10));
    const big = new Uint8Array(1000);
    const second = await reopen(wal, { fs, batchBytesMax: 2500 });
    const beforeBig = probe.datasyncs;
    await Promise.all(Array.from({ length: 10 }, (_, i) => second.wal.append({ entries: [{ index: 96 + i, term: 1, data: big }] })));
    // Each append frames to just over 1000 bytes, so two fit in 2500.
    expect(probe.datasyncs - beforeBig).toBe(5);
  });

  it('does not fsync with fsync off', async () => {
    const { fs, probe } = probedFs();
    const { wal } = await openWal({ fs, fsync: false });
    await wal.append({ entries: entries(1, 3, 1) });
    expect(probe.datasyncs).toBe(0);
  });
});

describe('Wal snapshots', () => {
  const data = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('saves and loads the latest snapshot, and recovers entries after it', async () => {
    const { wal } = await openWal();
    await wal.append({ entries: entries(1, 10, 1) });
    expect(await wal.loadLatestSnapshot()).toBeNull();
    await wal.saveSnapshot({ index: 6, term: 1 }, data('state@6'));
    const loaded = await wal.loadLatestSnapshot();
    expect(loaded?.meta).toEqual({ index: 6, term: 1 });
    expect(text(loaded!.data)).toBe('state@6');
    await expect(wal.append({ entries: entries(6, 6, 2) })).rejects.toThrow(/snapshot/);
    await expect(wal.saveSnapshot({ index: 5, term: 1 }, data('old'))).rejects.toThrow(WalAppendError);
    const { state } = await reopen(wal);
    expect(state.snapshotMeta).toEqual({ index: 6, term: 1 });
    expect(text(state.snapshot!.data)).toBe('state@6');
    expect(state.entries.map((e) => e.index)).toEqual([7, 8, 9, 10]);
  });

  it('runs overlapping snapshot saves one after the other', async () => {
    const { wal } = await openWal();
    await wal.append({ entries: entries(1, 10, 1) });
    const saves = [wal.saveSnapshot({ index: 4, term: 1 }, data('4')), wal.saveSnapshot({ index: 8, term: 1 }, data('8'))];
    const stale = wal.saveSnapshot({ index: 6, term: 1 }, data('6'));
    await Promise.all(saves);
    await expect(stale).rejects.toThrow(/not newer/);
    expect((await wal.loadLatestSnapshot())?.meta).toEqual({ index: 8, term: 1 });
  });

  it('replaces the log for a snapshot past its end (a follower installing a snapshot)', async () => {
    const { wal } = await openWal();
    await wal.append({ entries: entries(1, 5, 1) });
    await wal.saveSnapshot({ index: 20, term: 3 }, data('state@20'));
    await wal.append({ entries: entries(21, 22, 3) });
    const { state } = await reopen(wal);
    expect(state.snapshotMeta).toEqual({ index: 20, term: 3 });
    expect(state.entries.map((e) => e.index)).toEqual([21, 22]);
  });

  it('releases whole segments covered by a durable snapshot, never the newest, and still recovers', async () => {
    const options = { segmentSizeBytes: 150 };
    const { wal } = await openWal(options);
    for (let i = 1; i <= 30; i++) await wal.append({ entries: entries(i, i, 1), hardState: { term: 1, vote: 'x', commit: i } });
    expect(await wal.releaseBefore(100)).toBe(0); // no snapshot yet: nothing is covered
    await wal.saveSnapshot({ index: 25, term: 1 }, data('state@25'));
    const before = await segmentFiles(dir);
    const released = await wal.releaseBefore(100); // clamped to the snapshot
    expect(released).toBeGreaterThan(0);
    const after = await segmentFiles(dir);
    expect(after).toEqual(before.slice(released));
    const { state } = await reopen(wal, options);
    expect(state.snapshotMeta).toEqual({ index: 25, term: 1 });
    expect(state.entries.map((e) => e.index)).toEqual([26, 27, 28, 29, 30]);
    expect(state.hardState).toEqual({ term: 1, vote: 'x', commit: 30 });
  });

  it('keeps the hard state and snapshot marker when the segment that held them is released', async () => {
    const options = { segmentSizeBytes: 100 };
    const { wal } = await openWal(options);
    await wal.append({ entries: entries(1, 5, 1), hardState: { term: 4, vote: 'v', commit: 5 } });
    await wal.saveSnapshot({ index: 5, term: 1 }, data('state@5'));
    // Only entries from here on: the segments holding the hard state and the marker get sealed.
    for (let i = 6; i <= 20; i++) await wal.append({ entries: entries(i, i, 1) });
    await wal.saveSnapshot({ index: 6, term: 1 }, data('state@6'));
    expect(await wal.releaseBefore(7)).toBeGreaterThan(0);
    const { state } = await reopen(wal, options);
    expect(state.hardState).toEqual({ term: 4, vote: 'v', commit: 5 });
    expect(state.snapshotMeta).toEqual({ index: 6, term: 1 });
    expect(state.entries.map((e) => e.index)).toEqual(Array.from({ length: 14 }, (_, i) => i + 7));
  });

  it('recovers when the released segments ended exactly at the snapshot index', async () => {
    // Entries 1..5 fill the first segment; the marker for a snapshot at 5 lands in the second,
    // after entries 6..8, so the second segment's log starts right after the snapshot.
    const options = { segmentSizeBytes: 140 }; // 29-byte records: the 5th entry seals the first segment
    const { wal } = await openWal(options);
    for (let i = 1; i <= 5; i++) await wal.append({ entries: entries(i, i, 1) });
    const [firstSegment] = await segmentFiles(dir);
    await wal.append({ entries: entries(6, 8, 1) });
    expect((await segmentFiles(dir)).length).toBe(2);
    await wal.saveSnapshot({ index: 5, term: 1 }, data('state@5'));
    expect(await wal.releaseBefore(6)).toBe(1);
    expect(await segmentFiles(dir)).not.toContain(firstSegment);
    const { state } = await reopen(wal, options);
    expect(state.snapshotMeta).toEqual({ index: 5, term: 1 });
    expect(state.entries.map((e) => e.index)).toEqual([6, 7, 8]);
  });

  it('falls back to an older snapshot when the newest is corrupt', async () => {
    const { wal } = await openWal();
    await wal.append({ entries: entries(1, 30, 1) });
    await wal.saveSnapshot({ index: 10, term: 1 }, data('state@10'));
    await wal.saveSnapshot({ index: 20, term: 1 }, data('state@20'));
    await wal.close();
    await flipByte(path.join(dir, 'snap', snapName(20, 1)), -1);
    const { state, warnings } = await openWal();
    expect(state.snapshotMeta).toEqual({ index: 10, term: 1 });
    expect(text(state.snapshot!.data)).toBe('state@10');
    expect(state.entries.map((e) => e.index)).toEqual(Array.from({ length: 20 }, (_, i) => i + 11));
    expect(warnings).toEqual([expect.objectContaining({ type: 'snapshotUnusable', reason: 'checksum mismatch' })]);
  });

  it('fails with SnapshotCorruptError when the only snapshot the log needs is corrupt', async () => {
    const options = { segmentSizeBytes: 100 };
    const { wal } = await openWal(options);
    for (let i = 1; i <= 20; i++) await wal.append({ entries: entries(i, i, 1) });
    await wal.saveSnapshot({ index: 15, term: 1 }, data('state@15'));
    expect(await wal.releaseBefore(16)).toBeGreaterThan(0);
    await wal.close();
    await flipByte(path.join(dir, 'snap', snapName(15, 1)), 40);
    const error = await Wal.open(dir, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotCorruptError);
    expect((error as SnapshotCorruptError).files).toEqual([path.join(dir, 'snap', snapName(15, 1))]);
  });

  it('keeps only the newest snapshot files, and removes a snapshot whose marker never made it', async () => {
    const { wal } = await openWal({ snapshotsRetained: 2 });
    await wal.append({ entries: entries(1, 10, 1) });
    for (const index of [2, 4, 6, 8]) await wal.saveSnapshot({ index, term: 1 }, data(`state@${index}`));
    expect((await fsp.readdir(path.join(dir, 'snap'))).sort()).toEqual([snapName(6, 1), snapName(8, 1)]);
    await wal.close();
    // A crash between renaming a snapshot into place and logging its marker leaves this behind.
    await fsp.copyFile(path.join(dir, 'snap', snapName(8, 1)), path.join(dir, 'snap', snapName(9, 1)));
    const { state, warnings } = await openWal();
    expect(state.snapshotMeta).toEqual({ index: 8, term: 1 });
    expect(warnings).toEqual([{ type: 'orphanSnapshotRemoved', file: path.join(dir, 'snap', snapName(9, 1)) }]);
  });
});

describe('Wal damage on disk', () => {
  it('truncates a torn tail, warns, and appends cleanly afterwards', async () => {
    const { wal } = await openWal();
    await wal.append({ entries: entries(1, 3, 1) });
    await wal.close();
    const [segment] = await segmentFiles(dir);
    const file = path.join(dir, 'wal', segment!);
    const goodSize = (await fsp.stat(file)).size;
    // Half of a record: a plausible header claiming 200 bytes, and only 20 of them.
    const half = Buffer.alloc(28);
    half.writeUInt32LE(200, 0);
    half[8] = 1;
    await fsp.appendFile(file, half);
    const second = await openWal();
    expect(second.warnings).toEqual([{ type: 'tornTailTruncated', file, offsetBytes: goodSize, droppedBytes: 28 }]);
    expect((await fsp.stat(file)).size).toBe(goodSize);
    expect(second.state.entries.map((e) => e.index)).toEqual([1, 2, 3]);
    await second.wal.append({ entries: entries(4, 4, 1) });
    const third = await reopen(second.wal);
    expect(third.warnings).toEqual([]);
    expect(third.state.entries.map((e) => e.index)).toEqual([1, 2, 3, 4]);
  });

  it('fails on a corrupt record in the middle, naming the file and byte offset', async () => {
    const { wal } = await openWal();
    await wal.append({ entries: entries(1, 1, 1) });
    await wal.append({ entries: entries(2, 3, 1) });
    await wal.close();
    const [segment] = await segmentFiles(dir);
    const file = path.join(dir, 'wal', segment!);
    await flipByte(file, 20); // inside the first record's payload
    const error = await Wal.open(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalCorruptError);
    expect(error).toMatchObject({ file, offsetBytes: 0 });
    expect((error as Error).message).toContain(`${file} at byte 0`);
  });

  it('fails on a damaged tail in a sealed (non-last) segment', async () => {
    const { wal } = await openWal({ segmentSizeBytes: 100 });
    for (let i = 1; i <= 12; i++) await wal.append({ entries: entries(i, i, 1) });
    await wal.close();
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(2);
    const file = path.join(dir, 'wal', files[0]!);
    const size = (await fsp.stat(file)).size;
    await flipByte(file, size - 1);
    const error = await Wal.open(dir, { segmentSizeBytes: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalCorruptError);
    expect((error as WalCorruptError).file).toBe(file);
  });

  it('fails when a segment in the middle is missing', async () => {
    const { wal } = await openWal({ segmentSizeBytes: 100 });
    for (let i = 1; i <= 12; i++) await wal.append({ entries: entries(i, i, 1) });
    await wal.close();
    const files = await segmentFiles(dir);
    await fsp.unlink(path.join(dir, 'wal', files[1]!));
    await expect(Wal.open(dir, { segmentSizeBytes: 100 })).rejects.toThrow(/missing/);
  });
});

const snapName = (index: number, term: number): string =>
  `${index.toString(16).padStart(16, '0')}-${term.toString(16).padStart(16, '0')}.snap`;

async function flipByte(file: string, offset: number): Promise<void> {
  const bytes = await fsp.readFile(file);
  const at = offset < 0 ? bytes.length + offset : offset;
  bytes[at] = bytes[at]! ^ 0xff;
  await fsp.writeFile(file, bytes);
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}
