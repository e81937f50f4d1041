// What the proxier must do to go from the listeners it runs to the ones it should run. Pure.
// A listener whose configuration changed (endpoints, affinity, even the service it belongs to) is
// updated in place: its socket stays open and established connections are untouched.

import { sameListenerConfig, type Listener } from './listener.js';

export interface ListenerDiff {
  readonly open: readonly Listener[];
  readonly update: readonly Listener[];
  /** Keys of listeners to drain. */
  readonly close: readonly string[];
}

export function diffListeners(current: Iterable<Listener>, desired: readonly Listener[]): ListenerDiff {
  const running = new Map<string, Listener>();
  for (const listener of current) running.set(listener.key, listener);
  const wanted = new Set<string>();
  const open: Listener[] = [];
  const update: Listener[] = [];
  for (const listener of desired) {
    if (wanted.has(listener.key)) continue;
    wanted.add(listener.key);
    const now = running.get(listener.key);
    if (now === undefined) open.push(listener);
    else if (!sameListenerConfig(now, listener)) update.push(listener);
  }
  const close = [...running.keys()].filter((key) => !wanted.has(key));
  return { open, update, close };
}

export function isEmptyDiff(diff: ListenerDiff): boolean {
  return diff.open.length === 0 && diff.update.length === 0 && diff.close.length === 0;
}
