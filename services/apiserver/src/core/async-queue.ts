// A bounded single-consumer queue exposed as an async iterable: the producer pushes, the consumer
// pulls with `for await`. When the consumer falls `capacity` items behind, the queue ends with an
// overflow instead of growing without bound (Kubernetes' cacher does the same to a watcher whose
// channel stays full: it closes the watch and the client re-watches from its last resourceVersion).

export class QueueOverflowError extends Error {
  override readonly name = 'QueueOverflowError';
}

export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private head = 0;
  private done = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly onClose: (() => void) | undefined;
  private readonly overflowThrows: boolean;

  /**
   * `overflow: 'end'` (default) ends the iteration quietly on overflow; 'throw' makes the consumer
   * see a QueueOverflowError after the queued items.
   */
  constructor(
    private readonly capacity: number,
    opts: { readonly onClose?: () => void; readonly overflow?: 'end' | 'throw' } = {},
  ) {
    this.onClose = opts.onClose;
    this.overflowThrows = opts.overflow === 'throw';
  }

  get ended(): boolean {
    return this.done;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** False when the queue has ended (nothing is queued then). */
  push(item: T): boolean {
    if (this.done) return false;
    if (this.length >= this.capacity) {
      this.end(new QueueOverflowError(`consumer fell ${this.capacity} items behind`));
      return false;
    }
    this.items.push(item);
    this.signal();
    return true;
  }

  /** Ends the queue: queued items are still delivered, then `error` is thrown if given. Idempotent. */
  end(error?: Error): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    this.signal();
    this.onClose?.();
  }

  /** Ends the queue and drops what is queued. */
  cancel(): void {
    this.items.length = 0;
    this.head = 0;
    this.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: async () => {
        this.cancel();
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.head < this.items.length) {
        const item = this.items[this.head] as T;
        this.items[this.head] = undefined as T;
        this.head++;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items.splice(0, this.head);
          this.head = 0;
        }
        return { done: false, value: item };
      }
      if (this.done) {
        const error = this.error;
        this.error = undefined;
        if (error !== undefined && (this.overflowThrows || !(error instanceof QueueOverflowError))) throw error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
