// The client half of exactly-once writes (Raft dissertation §6.3; the store half is
// @skiff/mvcc's SessionTable). Each write gets the next seq once and keeps it across every retry;
// each attempt carries ackSeq = the lowest seq still in flight, which tells the store that every
// response below it was received and may be forgotten.
//
// Bounded: at most maxInFlight writes hold a seq at once, so the store never has to keep more
// saved responses for this client than it allows (mvcc maxResponsesPerClient, 256 by default);
// callers beyond that wait their turn in arrival order.

export class WriteSession {
  private nextSeq = 1;
  /** Seqs in flight in insertion order; seqs are handed out increasing, so the first is the lowest. */
  private readonly inFlight = new Set<number>();
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly clientId: string,
    private readonly maxInFlight: number,
  ) {
    if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1)) throw new RangeError(`maxInFlightWrites must be an integer >= 1, got ${maxInFlight}`);
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Resolves with a fresh seq once fewer than maxInFlight writes are in flight. */
  async begin(): Promise<number> {
    while (this.inFlight.size >= this.maxInFlight) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const seq = this.nextSeq++;
    this.inFlight.add(seq);
    return seq;
  }

  /** The lowest seq still awaiting its response (the given seq itself when it is alone). */
  ackSeq(): number {
    const first = this.inFlight.values().next();
    if (first.done === true) throw new Error('ackSeq asked with no write in flight');
    return first.value;
  }

  /** The write is settled (answered, refused, or given up): its seq is never sent again. */
  end(seq: number): void {
    if (!this.inFlight.delete(seq)) return;
    this.waiting.shift()?.();
  }
}
