// A disk in memory that can crash, for deterministic simulation (TigerBeetle's and FoundationDB's
// simulated storage). Each file has the bytes the process sees and the prefix an fdatasync made
// durable; a crash keeps the durable bytes and, unless told to lose them, the rest. With a Random
// the crash keeps a random prefix of the unsynced tail: a torn write that recovery must truncate.
// Directory operations (create, rename, unlink) are durable at once, as on a journaling file
// system whose directories are fsynced; the log fsyncs its directories anyway.
//
// Handles opened before a crash belong to the dead process: their calls fail and change nothing.
import * as path from 'node:path';
import type { Clock, Random } from '@skiff/core';
import type { WalFile, WalFs } from './wal-fs.js';

export interface MemoryDiskOptions {
  /** Drives fdatasync latency; without it an fdatasync completes in a microtask. */
  readonly clock?: Clock;
  readonly fsyncLatencyMs?: number;
}

export interface CrashOptions {
  /** Drop what was written but not fdatasynced (a power loss); false keeps it (a process crash). */
  readonly loseUnsynced: boolean;
  /** With loseUnsynced: keep a random prefix of each file's unsynced tail instead of none of it. */
  readonly random?: Random;
}

interface Inode {
  bytes: Buffer;
  length: number;
  durableLength: number;
  /** The durable contents, when a write or truncate below durableLength has changed them since. */
  durableCopy: Uint8Array | null;
}

export class MemoryDisk implements WalFs {
  private readonly files = new Map<string, Inode>();
  private readonly dirs = new Set<string>();
  private generation = 0;

  constructor(private readonly options: MemoryDiskOptions = {}) {}

  /** Every process holding a handle dies; each file keeps what `options` says survives. */
  crash(options: CrashOptions): void {
    this.generation++;
    for (const inode of this.files.values()) surviveCrash(inode, options);
  }

  /** Paths of every file, for tests and debugging. */
  list(): string[] {
    return [...this.files.keys()].sort();
  }

  /** Flips one byte of a file (durable and visible), to test corruption handling. */
  corrupt(file: string, offsetBytes: number): void {
    const inode = this.inode(file);
    if (offsetBytes >= inode.length) throw new RangeError(`${file} has no byte ${offsetBytes}`);
    inode.bytes[offsetBytes] = inode.bytes[offsetBytes]! ^ 0xff;
    inode.durableCopy = null;
  }

  async mkdirp(dir: string): Promise<boolean> {
    const normal = path.normalize(dir);
    const existed = this.dirs.has(normal);
    for (let d = normal; !this.dirs.has(d); d = path.dirname(d)) {
      this.dirs.add(d);
      if (d === path.dirname(d)) break;
    }
    return !existed;
  }

  async readdir(dir: string): Promise<string[]> {
    const normal = path.normalize(dir);
    if (!this.dirs.has(normal)) throw fsError('ENOENT', dir);
    return [...this.files.keys()].filter((f) => path.dirname(f) === normal).map((f) => path.basename(f));
  }

  async readFile(file: string): Promise<Uint8Array | null> {
    const inode = this.files.get(path.normalize(file));
    return inode === undefined ? null : Buffer.from(inode.bytes.subarray(0, inode.length));
  }

  async create(file: string): Promise<WalFile> {
    const normal = path.normalize(file);
    if (this.files.has(normal)) throw fsError('EEXIST', file);
    if (!this.dirs.has(path.dirname(normal))) throw fsError('ENOENT', file);
    const inode: Inode = { bytes: Buffer.alloc(0), length: 0, durableLength: 0, durableCopy: null };
    this.files.set(normal, inode);
    return this.handle(inode);
  }

  async openForWrite(file: string): Promise<WalFile> {
    return this.handle(this.inode(file));
  }

  async rename(from: string, to: string): Promise<void> {
    const inode = this.inode(from);
    this.files.delete(path.normalize(from));
    this.files.set(path.normalize(to), inode);
  }

  async unlink(file: string): Promise<void> {
    this.inode(file);
    this.files.delete(path.normalize(file));
  }

  async syncDir(dir: string): Promise<void> {
    if (!this.dirs.has(path.normalize(dir))) throw fsError('ENOENT', dir);
  }

  private inode(file: string): Inode {
    const inode = this.files.get(path.normalize(file));
    if (inode === undefined) throw fsError('ENOENT', file);
    return inode;
  }

  private handle(inode: Inode): WalFile {
    const born = this.generation;
    const alive = (): void => {
      if (this.generation !== born) throw new Error('memory disk crashed: handle is dead');
    };
    return {
      write: async (bytes, positionBytes) => {
        alive();
        writeAt(inode, bytes, positionBytes);
      },
      datasync: async () => {
        alive();
        await this.fsyncDelay();
        alive();
        inode.durableLength = inode.length;
        inode.durableCopy = null;
      },
      truncate: async (sizeBytes) => {
        alive();
        truncateTo(inode, sizeBytes);
      },
      close: async () => undefined,
    };
  }

  private fsyncDelay(): Promise<void> {
    const clock = this.options.clock;
    if (clock === undefined) return Promise.resolve();
    return new Promise((resolve) => clock.setTimeout(resolve, this.options.fsyncLatencyMs ?? 0));
  }
}

function writeAt(inode: Inode, bytes: Uint8Array, positionBytes: number): void {
  preserveDurable(inode, positionBytes);
  const end = positionBytes + bytes.length;
  if (end > inode.bytes.length) {
    const grown = Buffer.alloc(Math.max(end, inode.bytes.length * 2, 4096));
    inode.bytes.copy(grown, 0, 0, inode.length);
    inode.bytes = grown;
  }
  if (positionBytes > inode.length) inode.bytes.fill(0, inode.length, positionBytes);
  inode.bytes.set(bytes, positionBytes);
  inode.length = Math.max(inode.length, end);
}

function truncateTo(inode: Inode, sizeBytes: number): void {
  preserveDurable(inode, sizeBytes);
  if (sizeBytes > inode.length) writeAt(inode, new Uint8Array(sizeBytes - inode.length), inode.length);
  inode.length = sizeBytes;
}

/** Before changing bytes the last fdatasync covered, remember them: a crash may bring them back. */
function preserveDurable(inode: Inode, fromBytes: number): void {
  if (fromBytes < inode.durableLength && inode.durableCopy === null) {
    inode.durableCopy = Buffer.from(inode.bytes.subarray(0, inode.durableLength));
  }
}

function surviveCrash(inode: Inode, options: CrashOptions): void {
  let kept: Uint8Array;
  if (!options.loseUnsynced) kept = inode.bytes.subarray(0, inode.length);
  else if (inode.durableCopy !== null) kept = inode.durableCopy;
  else {
    const unsynced = inode.length - inode.durableLength;
    const tail = options.random !== undefined && unsynced > 0 ? options.random.int(0, unsynced) : 0;
    kept = inode.bytes.subarray(0, inode.durableLength + tail);
  }
  const bytes = Buffer.from(kept);
  inode.bytes = bytes;
  inode.length = bytes.length;
  inode.durableLength = bytes.length;
  inode.durableCopy = null;
}

function fsError(code: string, file: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: ${file}`);
  error.code = code;
  return error;
}
