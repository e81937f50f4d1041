// A repeating timer on the injected clock (real or simulated); returns its cancel function. A tick
// that throws is reported and the timer goes on: a timer callback must never take a process down.

import type { Clock, TimerId } from '@skiff/core';

export function every(clock: Clock, intervalMs: number, tick: () => void, onError: (err: unknown) => void): () => void {
  let timer: TimerId | undefined;
  let cancelled = false;
  const arm = (): void => {
    timer = clock.setTimeout(() => {
      if (cancelled) return;
      try {
        tick();
      } catch (err) {
        onError(err);
      }
      if (!cancelled) arm();
    }, intervalMs);
  };
  arm();
  return () => {
    cancelled = true;
    if (timer !== undefined) clock.clearTimeout(timer);
  };
}
