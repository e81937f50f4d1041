// Typed errors of the write-ahead log. Callers branch on the class (or `name`), never on messages.

/** A record in the middle of the log (or a snapshot with nothing to fall back to) is damaged. */
export class WalCorruptError extends Error {
  override readonly name = 'WalCorruptError';
  constructor(
    readonly file: string,
    readonly offsetBytes: number,
    readonly reason: string,
  ) {
    super(`corrupt write-ahead log ${file} at byte ${offsetBytes}: ${reason}`);
  }
}

/** No snapshot the log depends on can be read back. */
export class SnapshotCorruptError extends Error {
  override readonly name = 'SnapshotCorruptError';
  constructor(
    readonly files: readonly string[],
    reason: string,
  ) {
    super(`no usable snapshot: ${reason}`);
  }
}

/** The caller asked for something the log cannot record (a gap, a rewrite of compacted entries...). */
export class WalAppendError extends Error {
  override readonly name = 'WalAppendError';
}

/** The log was closed (or crashed, for MemoryWal). */
export class WalClosedError extends Error {
  override readonly name = 'WalClosedError';
  constructor() {
    super('write-ahead log is closed');
  }
}

/**
 * A write or fsync failed. After a failed fsync the page cache may have dropped the dirty pages
 * (PostgreSQL's "fsyncgate", 2018), so retrying is unsafe: the log refuses all further work and the
 * member must restart and recover from what is on disk.
 */
export class WalFailedError extends Error {
  override readonly name = 'WalFailedError';
  constructor(cause: unknown) {
    super(`write-ahead log failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
