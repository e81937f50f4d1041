// A repeating timer on the injected clock (real or simulated); returns its cancel function.

import type { Clock, TimerId } from '@skiff/core';

export function every(clock: Clock, intervalMs: number, tick: () => void): () => void {
  let timer: TimerId | undefined;
  let cancelled = false;
  const arm = (): void => {
    timer = clock.setTimeout(() => {
      if (cancelled) return;
      tick();
      if (!cancelled) arm();
    }, intervalMs);
  };
  arm();
  return () => {
    cancelled = true;
    if (timer !== undefined) clock.clearTimeout(timer);
  };
}
