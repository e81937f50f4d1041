// Adapter: one watch over HTTP, as Kubernetes streams it (k8s.io/apiserver/.../handlers/watch.go):
// 200, `application/json`, chunked, headers flushed at once (kubectl's `delete` and `rollout
// status` wait for them), then one `{"type":...,"object":...}` JSON document per line.
//
//   streaming --core ends the watch / timeoutSeconds / stop()--> ended (response ended)
//   streaming --client goes away------------------------------> ended (core watch cancelled)
//
// Invariants: the core watch is cancelled exactly when the stream ends, whatever ended it; no
// server-side deadline unless the client sent timeoutSeconds (`get -w` expects the watch to last);
// a slow client is waited for (write backpressure), not buffered without bound.

import type { ServerResponse } from 'node:http';
import type { Clock } from '@skiff/core';

export interface WatchEventLike {
  readonly type: string;
  readonly object: unknown;
}

export interface WatchSource {
  readonly events: AsyncIterable<WatchEventLike>;
  cancel(): void;
}

export interface WatchStreamOptions {
  readonly res: ServerResponse;
  readonly source: WatchSource;
  /** The event as sent: the object may become a one-row Table or PartialObjectMetadata. */
  readonly encode: (event: WatchEventLike, index: number) => WatchEventLike;
  readonly clock: Clock;
  /** From `timeoutSeconds`; absent: until the client or the core ends it. */
  readonly timeoutMs?: number;
  readonly onEvent?: (event: WatchEventLike) => void;
  /** The core's stream threw: the stream ends (the client re-watches, as after any broken watch). */
  readonly onError?: (err: unknown) => void;
}

export interface WatchStream {
  /** Resolves once the stream has ended, for any reason. */
  readonly done: Promise<void>;
  /** Ends the stream from the server side (shutdown). */
  stop(): void;
}

export function startWatchStream(opts: WatchStreamOptions): WatchStream {
  const { res, source, clock } = opts;
  let ended = false;
  let wakeWriter: (() => void) | undefined;
  let signalEnded: () => void = () => {};
  const endedSignal = new Promise<{ done: true; value: undefined }>((resolve) => {
    signalEnded = () => resolve({ done: true, value: undefined });
  });
  const end = (): void => {
    if (ended) return;
    ended = true;
    signalEnded();
    source.cancel();
    wakeWriter?.();
    if (!res.writableEnded && !res.destroyed) res.end();
  };
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  // The response's close is the client going away; the request's close only means its (empty)
  // body has been read, which Node reports as soon as the request is consumed.
  const onClose = (): void => end();
  res.on('close', onClose);
  const timer = opts.timeoutMs === undefined ? undefined : clock.setTimeout(end, opts.timeoutMs);

  const waitDrain = (): Promise<void> =>
    new Promise((resolve) => {
      wakeWriter = resolve;
      res.once('drain', resolve);
    });

  const pump = async (): Promise<void> => {
    let index = 0;
    const it = source.events[Symbol.asyncIterator]();
    try {
      while (!ended) {
        // A core that is slow to end its iterator after cancel() must not keep the stream open.
        const next = await Promise.race([it.next(), endedSignal]);
        if (next.done === true || ended) break;
        const event = opts.encode(next.value, index++);
        opts.onEvent?.(event);
        if (!res.write(`${JSON.stringify(event)}\n`)) await waitDrain();
      }
    } finally {
      void it.return?.();
    }
  };
  const done = pump()
    .catch((err: unknown) => opts.onError?.(err))
    .finally(() => {
      if (timer !== undefined) clock.clearTimeout(timer);
      res.off('close', onClose);
      end();
    });
  return { done, stop: end };
}
