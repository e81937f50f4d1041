// Snapshot files: written whole to a temporary name, fsynced, renamed into place, then the
// directory fsynced, so a crash leaves either the old set of snapshots or the new one, never a
// half-written file under a real name.
import * as path from 'node:path';
import { parseSnapshotFileName, snapshotFileName, TEMP_PREFIX } from './file-names.js';
import { decodeSnapshot, encodeSnapshotHeader, SNAPSHOT_HEADER_BYTES } from './snapshot-codec.js';
import type { Snapshot, SnapshotMeta } from './types.js';
import type { WalFs } from './wal-fs.js';

export interface SnapshotFile {
  readonly meta: SnapshotMeta;
  readonly file: string;
}

export async function writeSnapshotFile(
  fs: WalFs,
  snapDir: string,
  meta: SnapshotMeta,
  data: Uint8Array,
  fsync: boolean,
): Promise<void> {
  const name = snapshotFileName(meta);
  const temp = path.join(snapDir, TEMP_PREFIX + name);
  if ((await fs.readdir(snapDir)).includes(TEMP_PREFIX + name)) await fs.unlink(temp);
  const file = await fs.create(temp);
  try {
    await file.write(encodeSnapshotHeader(meta, data), 0);
    await file.write(data, SNAPSHOT_HEADER_BYTES);
    if (fsync) await file.datasync();
  } finally {
    await file.close();
  }
  await fs.rename(temp, path.join(snapDir, name));
  if (fsync) await fs.syncDir(snapDir);
}

/** The snapshot `meta` names, verified, or why it cannot be used. */
export async function readSnapshotFile(fs: WalFs, snapDir: string, meta: SnapshotMeta): Promise<Snapshot | string> {
  const bytes = await fs.readFile(path.join(snapDir, snapshotFileName(meta)));
  if (bytes === null) return 'file is missing';
  const decoded = decodeSnapshot(bytes);
  if (typeof decoded === 'string') return decoded;
  if (decoded.meta.index !== meta.index || decoded.meta.term !== meta.term) {
    return `file holds snapshot ${decoded.meta.index}/${decoded.meta.term}, not ${meta.index}/${meta.term}`;
  }
  return decoded;
}

/** Snapshot files in `snapDir`, newest (highest index) first. */
export async function listSnapshotFiles(fs: WalFs, snapDir: string): Promise<SnapshotFile[]> {
  const files: SnapshotFile[] = [];
  for (const name of await fs.readdir(snapDir)) {
    const meta = parseSnapshotFileName(name);
    if (meta !== null) files.push({ meta, file: path.join(snapDir, name) });
  }
  return files.sort((a, b) => b.meta.index - a.meta.index || b.meta.term - a.meta.term);
}

/** Temporary files left by a crash in the middle of writeSnapshotFile. */
export async function listTempFiles(fs: WalFs, snapDir: string): Promise<string[]> {
  return (await fs.readdir(snapDir)).filter((name) => name.startsWith(TEMP_PREFIX)).map((name) => path.join(snapDir, name));
}
