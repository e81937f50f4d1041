// Adapter: the event recorder (client-go's EventRecorder): components say what happened to an
// object ("Scheduled", "Pulled", "BackOff") and the recorder writes core/v1 Events. Recording never
// throws and never blocks the caller's logic: a failed write is reported through onError and
// dropped (events are best effort in Kubernetes too). Repeats within the window patch the existing
// Event's count instead of creating another (event.ts); writes of one key are serialized so the
// count never goes backwards.

import type { Clock } from '@skiff/core';
import type { ApiClient } from './api-client.js';
import { isNotFound } from './api-errors.js';
import { eventKey, makeEvent, objectReference, repeatPatch, type EventDetails, type EventSource, type EventType, type ObjectReference } from './event.js';
import { Resources } from './resources.js';
import type { KubeObject } from './types.js';

export interface EventRecorderOptions {
  readonly client: ApiClient;
  readonly source: EventSource;
  /** Default the client's. */
  readonly clock?: Clock;
  /** Repeats within this window are counted on one Event; 0 turns aggregation off. Default 10 min (client-go). */
  readonly aggregateWindowMs?: number;
  /** Distinct events remembered for aggregation. Default 4,096 (client-go's maxLruCacheEntries). */
  readonly cacheEntriesMax?: number;
  readonly onError?: (error: unknown, event: KubeObject) => void;
}

export interface EventRecorder {
  /**
   * Records an event about `involved`; resolves once written (or failed), never rejects. `details`
   * adds events/v1's action and related object.
   */
  event(involved: KubeObject | ObjectReference, type: EventType, reason: string, message: string, details?: RelatedDetails): Promise<void>;
  /** Resolves once every event recorded so far was written (or failed). */
  flush(): Promise<void>;
}

export interface RelatedDetails {
  readonly action?: string;
  readonly related?: KubeObject | ObjectReference;
}

interface Seen {
  readonly name: string;
  readonly namespace: string;
  readonly count: number;
  readonly lastMs: number;
}

export function createEventRecorder(opts: EventRecorderOptions): EventRecorder {
  const clock = opts.clock ?? opts.client.clock;
  const windowMs = opts.aggregateWindowMs ?? 600_000;
  const entriesMax = opts.cacheEntriesMax ?? 4_096;
  const seen = new Map<string, Seen>();
  const chains = new Map<string, Promise<void>>();
  let seq = 0;

  const remember = (key: string, entry: Seen): void => {
    seen.delete(key); // re-insert: Map order is the LRU order
    seen.set(key, entry);
    while (seen.size > entriesMax) seen.delete(seen.keys().next().value as string);
  };

  const write = async (key: string, ref: ObjectReference, type: EventType, reason: string, message: string, details: EventDetails): Promise<void> => {
    const nowMs = clock.now();
    const fresh = makeEvent(ref, type, reason, message, opts.source, nowMs, seq++, details);
    const prior = seen.get(key);
    try {
      if (windowMs > 0 && prior !== undefined && nowMs - prior.lastMs < windowMs) {
        const count = prior.count + 1;
        try {
          await opts.client.patch(Resources.events, prior.name, 'merge', repeatPatch(count, nowMs), { namespace: prior.namespace });
          remember(key, { ...prior, count, lastMs: nowMs });
          return;
        } catch (err) {
          if (!isNotFound(err)) throw err; // the Event expired on the server: start a new one
        }
      }
      const created = await opts.client.create(Resources.events, fresh);
      remember(key, { name: created.metadata.name ?? '', namespace: created.metadata.namespace ?? '', count: 1, lastMs: nowMs });
    } catch (err) {
      opts.onError?.(err, fresh);
    }
  };

  return {
    event(involved, type, reason, message, related = {}) {
      const ref = objectReference(involved);
      const details: EventDetails = {
        ...(related.action === undefined ? {} : { action: related.action }),
        ...(related.related === undefined ? {} : { related: objectReference(related.related) }),
      };
      const key = eventKey(ref, type, reason, message, opts.source);
      const next = (chains.get(key) ?? Promise.resolve()).then(() => write(key, ref, type, reason, message, details));
      chains.set(key, next);
      void next.then(() => {
        if (chains.get(key) === next) chains.delete(key);
      });
      return next;
    },
    async flush() {
      await Promise.all([...chains.values()]);
    },
  };
}
