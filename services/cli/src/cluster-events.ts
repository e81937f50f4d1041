// The in-process channel on which the runner (up.ts) and the components report lifecycle events:
// the supervisor mirrors them into its machine, and the runner reacts to a component failing
// after start by stopping the cluster. Delivery is synchronous and in order; a listener that
// throws is reported to `onListenerError` and does not stop the others.

import type { ClusterEvent } from './cluster.machine.js';

export type ClusterListener = (event: ClusterEvent) => void;

export class ClusterEvents {
  private readonly listeners = new Set<ClusterListener>();

  constructor(private readonly onListenerError: (err: unknown, event: ClusterEvent) => void = () => {}) {}

  emit(event: ClusterEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: ClusterListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
