// Driving actors and promises together on a SimulationClock: fire timers one at a time and let
// promise callbacks run between them, so async runtime calls resolve at their simulated time.
import type { SimulationClock } from '@skiff/core';

/** Lets every pending promise callback (and the ones they queue) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

/** Moves simulated time forward by `ms`, firing due timers in order, settling promises between them. */
export async function run(clock: SimulationClock, ms: number): Promise<void> {
  const until = clock.now() + ms;
  await flush();
  for (let guard = 0; guard < 100_000; guard++) {
    const next = clock.nextDeadline();
    if (next === undefined || next > until) break;
    clock.step();
    await flush();
  }
  clock.advance(until - clock.now());
  await flush();
}
