// The clock port. Everything that waits or reads the time takes a Clock, so a test or a simulation
// can drive time by hand. It is a superset of XState's clock (`setTimeout`/`clearTimeout`), so the
// same object is handed to `createActor(machine, { clock })`.

export type TimerId = number;

export interface Clock {
  /** Milliseconds since an arbitrary origin (wall-clock time for RealClock). */
  now(): number;
  setTimeout(fn: () => void, delayMs: number): TimerId;
  clearTimeout(id: TimerId): void;
}

export class RealClock implements Clock {
  private readonly timers = new Map<TimerId, NodeJS.Timeout>();
  private nextId = 1;

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, delayMs: number): TimerId {
    const id = this.nextId++;
    const handle = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, delayMs);
    this.timers.set(id, handle);
    return id;
  }

  clearTimeout(id: TimerId): void {
    const handle = this.timers.get(id);
    if (handle === undefined) return;
    clearTimeout(handle);
    this.timers.delete(id);
  }
}

interface Timer {
  readonly id: TimerId;
  readonly deadline: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * Simulated time. Timers fire in (deadline, sequence) order, so two timers due at the same moment
 * fire in the order they were set: unlike XState's SimulatedClock, runs are reproducible.
 */
export class SimulationClock implements Clock {
  private time: number;
  private seq = 0;
  private nextId = 1;
  private readonly pending: Timer[] = [];

  constructor(startMs = 0) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, delayMs: number): TimerId {
    const timer: Timer = { id: this.nextId++, deadline: this.time + Math.max(0, delayMs), seq: this.seq++, fn };
    this.insert(timer);
    return timer.id;
  }

  clearTimeout(id: TimerId): void {
    const index = this.pending.findIndex((t) => t.id === id);
    if (index >= 0) this.pending.splice(index, 1);
  }

  /** Number of timers not yet fired. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Deadline of the next timer, if any. */
  nextDeadline(): number | undefined {
    return this.pending[0]?.deadline;
  }

  /** Fires the earliest timer (moving time to its deadline); false when none is pending. */
  step(): boolean {
    const timer = this.pending.shift();
    if (timer === undefined) return false;
    this.time = Math.max(this.time, timer.deadline);
    timer.fn();
    return true;
  }

  /** Moves time forward by `ms`, firing every timer due on the way, timers they set included. */
  advance(ms: number): void {
    const until = this.time + ms;
    while (this.pending.length > 0 && this.pending[0]!.deadline <= until) this.step();
    this.time = until;
  }

  private insert(timer: Timer): void {
    // Binary search for the first timer that sorts after this one.
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.pending[mid]!;
      const after = other.deadline > timer.deadline || (other.deadline === timer.deadline && other.seq > timer.seq);
      if (after) hi = mid;
      else lo = mid + 1;
    }
    this.pending.splice(lo, 0, timer);
  }
}
