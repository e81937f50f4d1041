// The scheduler of a simulated run. One step is one event: a ready message delivered (the network
// picks which, by its seeded Random), or the earliest timer fired (moving simulated time to its
// deadline). Between two steps every promise callback runs (a macrotask boundary), so each event's
// consequences settle before the next one, in an order fixed by the code alone. When both a message
// and a timer are due now, a coin from the run's Random decides.

import type { MemoryNetwork } from '@skiff/bus';
import type { Random, SimulationClock } from '@skiff/core';

export interface SimLoopDeps {
  readonly clock: SimulationClock;
  readonly network: MemoryNetwork;
  readonly random: Random;
  /** Runs every `checkEverySteps` steps (the safety invariants); throws to stop the run. */
  readonly check: () => void;
  readonly checkEverySteps: number;
  /** A bound on the whole run, whatever the clock says. */
  readonly stepsMax: number;
  /** A failure raised asynchronously (a member halted itself, a client saw an anomaly). */
  readonly failure: () => Error | undefined;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class StepBudgetError extends Error {
  override readonly name = 'StepBudgetError';
}

export class SimLoop {
  steps = 0;
  deliveries = 0;

  constructor(private readonly d: SimLoopDeps) {}

  /** Steps until `done()` holds (true) or simulated time reaches `untilMs` (false). */
  async runUntil(done: () => boolean, untilMs: number): Promise<boolean> {
    for (;;) {
      await settle();
      const failure = this.d.failure();
      if (failure !== undefined) throw failure;
      if (done()) return true;
      if (this.d.clock.now() >= untilMs) return false;
      if (++this.steps > this.d.stepsMax) throw new StepBudgetError(`step budget of ${this.d.stepsMax} spent at ${this.d.clock.now()} ms`);
      if (this.steps % this.d.checkEverySteps === 0) this.d.check();
      this.step(untilMs);
    }
  }

  /** Runs until `promise` settles (bounded by `untilMs`); its value, or a timeout error. */
  async await<T>(promise: Promise<T>, untilMs: number, what: string): Promise<T> {
    let result: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    promise.then(
      (value) => (result = { ok: true, value }),
      (error: unknown) => (result = { ok: false, error }),
    );
    await this.runUntil(() => result !== undefined, untilMs);
    if (result === undefined) throw new Error(`${what} did not finish by ${untilMs} ms`);
    if (!result.ok) throw result.error;
    return result.value;
  }

  private step(untilMs: number): void {
    const { clock, network } = this.d;
    const now = clock.now();
    const timerDue = (clock.nextDeadline() ?? Number.POSITIVE_INFINITY) <= now;
    const messageReady = (network.nextReadyAt() ?? Number.POSITIVE_INFINITY) <= now;
    if (messageReady && (!timerDue || this.d.random.chance(0.5))) {
      network.deliverOne();
      this.deliveries++;
      return;
    }
    const next = clock.nextDeadline();
    // A delayed message always has a clock timer at its ready time, so timers cover every event.
    if (next === undefined || next > untilMs) clock.advance(untilMs - now);
    else clock.step();
  }
}
