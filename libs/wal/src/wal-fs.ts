// The few file-system calls the log makes, behind a port: the node implementation here, an
// in-memory disk that can crash in memory-disk.ts, and wrappers in tests that count fsyncs or fail
// them.
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

export interface WalFile {
  /** Writes all of `bytes` at `positionBytes`. */
  write(bytes: Uint8Array, positionBytes: number): Promise<void>;
  /** fdatasync(2): the data and the size needed to read it back are durable. */
  datasync(): Promise<void>;
  truncate(sizeBytes: number): Promise<void>;
  close(): Promise<void>;
}

export interface WalFs {
  /** Creates the directory and its parents; true when it did not exist. */
  mkdirp(dir: string): Promise<boolean>;
  /** File names in `dir` (not paths). */
  readdir(dir: string): Promise<string[]>;
  /** The whole file, or null when it does not exist. */
  readFile(file: string): Promise<Uint8Array | null>;
  /** Creates a new file for writing; fails if it exists. */
  create(file: string): Promise<WalFile>;
  /** Opens an existing file for writing. */
  openForWrite(file: string): Promise<WalFile>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  /** fsync(2) on a directory, so that files created, renamed or removed in it stay that way. */
  syncDir(dir: string): Promise<void>;
}

class NodeWalFile implements WalFile {
  constructor(private readonly handle: fsp.FileHandle) {}

  async write(bytes: Uint8Array, positionBytes: number): Promise<void> {
    let done = 0;
    // write(2) on a regular file may write less than asked (a full disk, a signal): loop.
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, positionBytes + done);
      if (bytesWritten === 0) throw new Error('write made no progress');
      done += bytesWritten;
    }
  }

  datasync(): Promise<void> {
    return this.handle.datasync();
  }

  truncate(sizeBytes: number): Promise<void> {
    return this.handle.truncate(sizeBytes);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export const nodeWalFs: WalFs = {
  async mkdirp(dir) {
    const created = await fsp.mkdir(dir, { recursive: true });
    return created !== undefined;
  },
  readdir: (dir) => fsp.readdir(dir),
  async readFile(file) {
    try {
      return await fsp.readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  },
  create: async (file) => new NodeWalFile(await fsp.open(file, 'wx')),
  openForWrite: async (file) => new NodeWalFile(await fsp.open(file, 'r+')),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (file) => fsp.unlink(file),
  async syncDir(dir) {
    const handle = await fsp.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

/** The directory that holds `file`. */
export const parentDir = (file: string): string => path.dirname(file);
