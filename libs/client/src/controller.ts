// Adapter: runs N controller-loop workers over one workqueue (client-go's `for i := 0; i <
// workers; i++ { go wait.Until(c.runWorker, ...) }`). Stopping shuts the queue down; workers finish
// the key in hand and whatever is still queued, then stop.

import { createActor, waitFor, type Actor, type InspectionEvent } from 'xstate';
import type { Clock } from '@skiff/core';
import { createControllerLoopMachine, type ControllerLoopInput } from './controller-loop.machine.js';

export interface ControllerOptions<K> extends ControllerLoopInput<K> {
  /** Workers reconciling at once (never the same key twice). Default 1. */
  readonly workers?: number;
  readonly clock: Clock;
  readonly inspect?: (event: InspectionEvent) => void;
}

export interface RunningController<K> {
  readonly workers: readonly Actor<ReturnType<typeof createControllerLoopMachine<K>>>[];
  /** Shuts the queue down and resolves once every worker has stopped. */
  stop(): Promise<void>;
}

export function runController<K>(opts: ControllerOptions<K>): RunningController<K> {
  const count = opts.workers ?? 1;
  if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`workers must be an integer >= 1, got ${count}`);
  const machine = createControllerLoopMachine<K>();
  const workers = Array.from({ length: count }, () => {
    const actor = createActor(machine, {
      input: opts,
      clock: opts.clock,
      ...(opts.inspect === undefined ? {} : { inspect: opts.inspect }),
    });
    actor.start();
    return actor;
  });
  return {
    workers,
    async stop() {
      opts.queue.shutDown();
      await Promise.all(workers.map((w) => waitFor(w, (s) => s.status === 'done', { timeout: Infinity })));
    },
  };
}
