// Adapter: one `api.watch` stream (api-protocol.ts) as callbacks. The reply inbox is subscribed by
// hand (Bus.createInbox) rather than through Bus.requestStream, so that stop() ends the stream at
// once: an async generator cannot be returned from while it awaits its next message.
//
//   open --opened/event/heartbeat--> open --end-of-stream--> ended
//        --error envelope / malformed message / bus failure--> failed
//        --stop()--> stopped (nothing more is reported)
//
// Invariants: after `ended` or `failed` nothing more is reported and the inbox is unsubscribed;
// every heartbeat is answered with an empty message (the server sends them as requests and ends
// the watch when nobody answers, api-endpoints.ts). Sequence numbers are passed on unchecked: the
// reflector decides what a gap means.

import { decode, DecodeError, encode, isEndOfStream, isErrorReply, RemoteError, type Bus, type Msg } from '@skiff/bus';
import { isApiWatchEvent, isApiWatchHeartbeat, isApiWatchOpened, type ApiWatchRequest } from './api-protocol.js';
import { toApiError } from './api-errors.js';
import { isKubeObject, isPlainMap, WATCH_EVENT_TYPES, type WatchEvent } from './types.js';

export type WatchMessage =
  | { readonly type: 'opened'; readonly seq: number; readonly heartbeatMs: number }
  | { readonly type: 'event'; readonly seq: number; readonly event: WatchEvent }
  | { readonly type: 'heartbeat'; readonly seq: number }
  /** The server refused the watch (an ApiStatusError), a message did not decode, or the bus failed. */
  | { readonly type: 'failed'; readonly error: unknown }
  /** The server ended the stream (timeoutSeconds, shutdown). */
  | { readonly type: 'ended' };

export interface WatchHandle {
  /** Unsubscribes; idempotent. The server notices at its next heartbeat. */
  stop(): void;
}

const EMPTY = new Uint8Array(0);

export function openWatch(bus: Bus, subject: string, request: ApiWatchRequest, onMessage: (msg: WatchMessage) => void): WatchHandle {
  const inbox = bus.createInbox();
  const sub = bus.subscribe(inbox); // throws ClosedError on a closed bus: nothing was opened
  let done = false;
  const finish = (msg: WatchMessage | undefined): void => {
    if (done) return;
    done = true;
    sub.unsubscribe();
    if (msg !== undefined) onMessage(msg);
  };
  void (async () => {
    try {
      bus.publish(subject, encode(request), { reply: inbox });
      for await (const msg of sub) {
        if (done) break;
        const parsed = parseWatchMessage(msg);
        if (parsed.type === 'failed' || parsed.type === 'ended') return finish(parsed);
        if (parsed.type === 'heartbeat') answer(msg);
        onMessage(parsed);
      }
      finish({ type: 'failed', error: new Error(`watch inbox on ${subject} closed`) });
    } catch (error) {
      finish({ type: 'failed', error });
    }
  })();
  return { stop: () => finish(undefined) };
}

/** What one message of the stream says; anything malformed is a `failed` with a DecodeError. */
export function parseWatchMessage(msg: Msg): WatchMessage {
  if (isEndOfStream(msg)) return { type: 'ended' };
  try {
    const env = decode(msg.data);
    if (isErrorReply(env)) return { type: 'failed', error: toApiError(new RemoteError('api.watch', env.code, env.message, env.details)) };
    if (isApiWatchOpened(env)) return { type: 'opened', seq: env.seq, heartbeatMs: env.heartbeatMs };
    if (isApiWatchHeartbeat(env)) return { type: 'heartbeat', seq: env.seq };
    if (isApiWatchEvent(env)) {
      const { type, object } = env.event;
      const valid = type === 'ERROR' ? isPlainMap(object) : isKubeObject(object);
      if (!(WATCH_EVENT_TYPES as readonly string[]).includes(type) || !valid) {
        throw new DecodeError(`watch event ${JSON.stringify(type)} has no valid object`);
      }
      return { type: 'event', seq: env.seq, event: { type: type as WatchEvent['type'], object: object as WatchEvent['object'] } };
    }
    throw new DecodeError(`unexpected watch message of type ${JSON.stringify(env.type)}`);
  } catch (error) {
    return { type: 'failed', error };
  }
}

function answer(msg: Msg): void {
  try {
    msg.respond(EMPTY);
  } catch {
    // The bus is closing; the stream ends with it.
  }
}
