// A request loop for the store's subjects. Unlike @skiff/bus serveRequests, a handler does not
// hold a slot while its answer waits for the log: it is called synchronously and answers through
// `respond` whenever the command is applied, so hundreds of writes can wait for one commit and be
// batched into it. Bounds live in the handler (pending proposals, pending reads).
//
// The loop never dies on one message: a payload that does not decode gets BadRequest, a handler
// that throws gets Internal, and a reply larger than the bus carries gets ResponseTooLarge.

import { decode, encode, errorReply, type Bus, type Envelope, type Msg, type Subscription } from '@skiff/bus';

/** Answers one request; only the first call counts. */
export type Respond = <T extends { readonly type: string }>(reply: T) => void;

export type StoreHandler = (request: Envelope, respond: Respond) => void;

export interface ServeLoopStats {
  requests: number;
  badRequests: number;
  failures: number;
}

export interface ServeLoop {
  readonly subject: string;
  readonly stats: ServeLoopStats;
  /** Stops taking requests; those already queued are still handled. */
  stop(): void;
  readonly done: Promise<void>;
}

export interface ServeLoopOptions {
  readonly maxPayloadBytes: number;
  readonly onError: (err: unknown, subject: string) => void;
}

export function serveLoop(bus: Bus, subject: string, handler: StoreHandler, opts: ServeLoopOptions): ServeLoop {
  const sub: Subscription = bus.subscribe(subject);
  const stats: ServeLoopStats = { requests: 0, badRequests: 0, failures: 0 };
  const done = (async () => {
    try {
      for await (const msg of sub) handleOne(msg, handler, stats, opts);
    } catch (err) {
      opts.onError(err, subject);
    }
  })();
  return { subject, stats, stop: () => sub.unsubscribe(), done };
}

function handleOne(msg: Msg, handler: StoreHandler, stats: ServeLoopStats, opts: ServeLoopOptions): void {
  stats.requests++;
  let answered = false;
  const respond: Respond = (reply) => {
    if (answered) return;
    answered = true;
    send(msg, reply, stats, opts);
  };
  let request: Envelope;
  try {
    request = decode(msg.data);
  } catch (err) {
    stats.badRequests++;
    respond(errorReply('BadRequest', (err as Error).message));
    return;
  }
  try {
    handler(request, respond);
  } catch (err) {
    stats.failures++;
    opts.onError(err, msg.subject);
    respond(errorReply('Internal', err instanceof Error ? err.message : String(err)));
  }
}

function send(msg: Msg, reply: { readonly type: string }, stats: ServeLoopStats, opts: ServeLoopOptions): void {
  if (msg.reply === undefined) return;
  try {
    let data = encode(reply);
    if (data.byteLength > opts.maxPayloadBytes) {
      stats.failures++;
      data = encode(errorReply('ResponseTooLarge', `reply of ${data.byteLength} bytes is over the bus limit of ${opts.maxPayloadBytes}; ask for less (limit, pages)`));
    }
    msg.respond(data);
  } catch (err) {
    stats.failures++;
    opts.onError(err, msg.subject);
  }
}
