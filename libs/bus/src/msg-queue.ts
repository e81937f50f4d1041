// A bounded single-consumer queue exposed as an async iterator: the delivery end of a MemoryBus
// subscription. `end()` lets the consumer finish what is queued; breaking out of `for await`
// calls `onReturn` (the subscription unsubscribes, as a NATS subscription does).

export class MsgQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private head = 0;
  private waiter: ((r: IteratorResult<T>) => void) | undefined;
  private ended = false;
  private iterating = false;
  private droppedCount = 0;

  constructor(
    private readonly capacity: number,
    private readonly onReturn: () => void,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Messages refused because the consumer fell `capacity` behind (a NATS "slow consumer"). */
  get dropped(): number {
    return this.droppedCount;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Returns false when the queue has ended or is full. */
  push(item: T): boolean {
    if (this.ended) return false;
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter({ value: item, done: false });
      return true;
    }
    if (this.size >= this.capacity) {
      this.droppedCount++;
      return false;
    }
    this.items.push(item);
    return true;
  }

  /** No more items; the consumer still gets those already queued. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.({ value: undefined, done: true });
  }

  /** Ends and discards what is queued: the consumer's process is gone (a crash). */
  abort(): void {
    this.items.length = 0;
    this.head = 0;
    this.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterating) throw new Error('a subscription has a single consumer: it is already being iterated');
    this.iterating = true;
    return {
      next: () => this.next(),
      return: async () => {
        this.onReturn();
        this.end();
        return { value: undefined, done: true };
      },
    };
  }

  private next(): Promise<IteratorResult<T>> {
    if (this.size > 0) {
      const value = this.items[this.head]!;
      this.items[this.head] = undefined as T;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiter = resolve));
  }
}
