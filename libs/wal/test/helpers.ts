import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeWalFs, type WalEntry, type WalFile, type WalFs } from '../src/index.js';

/** A fresh directory under the OS temp dir; `cleanup` removes it. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'skiff-wal-'));
  return { dir, cleanup: () => fsp.rm(dir, { recursive: true, force: true }) };
}

/** Entries from..to (inclusive) in `term`, each carrying its index and term in its data. */
export function entries(from: number, to: number, term: number): WalEntry[] {
  const out: WalEntry[] = [];
  for (let index = from; index <= to; index++) out.push({ index, term, data: new TextEncoder().encode(`e${index}t${term}`) });
  return out;
}

export const text = (data: Uint8Array): string => new TextDecoder().decode(data);

/** Index/term pairs plus data, for comparing recovered entries with what was appended. */
export const describeEntries = (list: readonly WalEntry[]): string[] => list.map((e) => `${e.index}/${e.term}/${text(e.data)}`);

export interface FsProbe {
  datasyncs: number;
  /** When set, each datasync waits for this promise first (to hold an fsync in flight). */
  gate: Promise<void> | null;
  /** When set, datasync fails with this error. */
  failDatasync: Error | null;
}

/** Wraps node's fs to count fdatasync calls, hold them, or fail them. */
export function probedFs(base: WalFs = nodeWalFs): { fs: WalFs; probe: FsProbe } {
  const probe: FsProbe = { datasyncs: 0, gate: null, failDatasync: null };
  const wrap = (file: WalFile): WalFile => ({
    write: (bytes, position) => file.write(bytes, position),
    truncate: (size) => file.truncate(size),
    close: () => file.close(),
    async datasync() {
      probe.datasyncs++;
      if (probe.gate !== null) await probe.gate;
      if (probe.failDatasync !== null) throw probe.failDatasync;
      await file.datasync();
    },
  });
  const fs: WalFs = {
    ...base,
    create: async (file) => wrap(await base.create(file)),
    openForWrite: async (file) => wrap(await base.openForWrite(file)),
  };
  return { fs, probe };
}

export async function segmentFiles(dir: string): Promise<string[]> {
  return (await fsp.readdir(path.join(dir, 'wal'))).filter((f) => f.endsWith('.wal')).sort();
}
