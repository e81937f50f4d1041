// Group commit: appends that arrive while a write + fsync is in flight wait, then go to disk
// together in one write and one fsync, so N concurrent appenders pay for far fewer than N fsyncs.
// The first append of an idle log waits one microtask, so appends issued in the same tick share
// its fsync too. A batch is bounded in bytes and in appends (at least one append always goes).
//
//   idle --submit--> scheduled --microtask--> flushing --done, queue empty--> idle
//                                               ^   |
//                                               +---+ done, queue not empty
// Invariants: at most one flush in flight; callers resolve in submission order, only after the
// flush that holds their data; after a failure every queued and later submission is rejected.

export interface GroupCommitBounds {
  readonly batchBytesMax: number;
  readonly batchAppendsMax: number;
}

interface Pending<T> {
  readonly item: T;
  readonly sizeBytes: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommitter<T> {
  private queue: Pending<T>[] = [];
  private inFlight: readonly Pending<T>[] = [];
  private flushing = false;
  private scheduled = false;
  private failure: { readonly error: unknown } | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly flush: (items: readonly T[]) => Promise<void>,
    private readonly bounds: GroupCommitBounds,
  ) {}

  submit(item: T, sizeBytes: number): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure.error);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, sizeBytes, resolve, reject });
      this.kick();
    });
  }

  /** Rejects everything queued or in flight with `error`, and every later submission. */
  fail(error: unknown): void {
    if (this.failure !== null) return;
    this.failure = { error };
    const pending = [...this.inFlight, ...this.queue];
    this.queue = [];
    this.inFlight = [];
    for (const p of pending) p.reject(error);
    this.notifyIdle();
  }

  /** Items submitted whose flush has not completed, oldest first. */
  unsynced(): readonly T[] {
    return [...this.inFlight, ...this.queue].map((p) => p.item);
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.failure !== null || (!this.flushing && !this.scheduled && this.queue.length === 0);
  }

  private kick(): void {
    if (this.flushing || this.scheduled || this.queue.length === 0 || this.failure !== null) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.runBatch();
    });
  }

  private async runBatch(): Promise<void> {
    if (this.failure !== null || this.queue.length === 0) return this.notifyIdle();
    const batch = this.takeBatch();
    this.inFlight = batch;
    this.flushing = true;
    try {
      await this.flush(batch.map((p) => p.item));
      if (this.failure === null) for (const p of batch) p.resolve();
    } catch (error) {
      this.fail(error);
    } finally {
      this.inFlight = [];
      this.flushing = false;
      this.kick();
      this.notifyIdle();
    }
  }

  private takeBatch(): Pending<T>[] {
    let count = 1;
    let bytes = this.queue[0]!.sizeBytes;
    while (count < this.queue.length && count < this.bounds.batchAppendsMax) {
      const next = this.queue[count]!.sizeBytes;
      if (bytes + next > this.bounds.batchBytesMax) break;
      bytes += next;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
