// Request/reply endpoints over any Bus, with envelopes on both sides. The serving loop never dies
// on one bad message (DESIGN.md §3): a payload that does not decode gets a BadRequest error reply,
// a handler that throws gets an Internal one (or the code of an EndpointError), and the loop goes
// on with the next request.

import type { Bus, Headers, Msg } from './bus.js';
import { decode, encode, errorReply, isErrorReply, type Envelope, type ErrorCode, type Guard } from './codec.js';
import { BusError, DecodeError } from './errors.js';

/** Thrown by a handler to answer with a specific error code (NotFound, Conflict, ...). */
export class EndpointError extends BusError {
  override readonly name = 'EndpointError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The error envelope a remote endpoint answered with. */
export class RemoteError extends BusError {
  override readonly name = 'RemoteError';
  constructor(
    readonly subject: string,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(`${subject}: ${code}: ${message}`);
  }
}

export type RequestHandler<Req extends Envelope> = (
  request: Req,
  msg: Msg,
) => Promise<{ readonly type: string }> | { readonly type: string };

export interface ServeOptions<Req extends Envelope> {
  /** Queue group: replicas share the subject, each request goes to one of them. */
  queue?: string;
  /** Checks the request's shape; a mismatch is answered with BadRequest. */
  guard?: Guard<Req>;
  /** Handlers running at once; they start in arrival order. Default 64. */
  concurrency?: number;
  /** Sees every failure (bad payloads, handler throws, replies that could not be sent). */
  onError?: (err: unknown, msg: Msg) => void;
}

export interface Endpoint {
  readonly subject: string;
  readonly stats: { readonly requests: number; readonly errors: number };
  /** Stops taking requests and waits for the handlers in flight. */
  stop(): Promise<void>;
}

export function serveRequests<Req extends Envelope = Envelope>(
  bus: Bus,
  subject: string,
  handler: RequestHandler<Req>,
  opts: ServeOptions<Req> = {},
): Endpoint {
  const sub = bus.subscribe(subject, opts.queue === undefined ? {} : { queue: opts.queue });
  const concurrencyMax = opts.concurrency ?? 64;
  if (!(Number.isInteger(concurrencyMax) && concurrencyMax >= 1)) throw new RangeError('concurrency must be an integer >= 1');
  const stats = { requests: 0, errors: 0 };
  const inFlight = new Set<Promise<void>>();
  const report = (err: unknown, msg: Msg): void => {
    stats.errors++;
    opts.onError?.(err, msg);
  };
  const loop = (async () => {
    for await (const msg of sub) {
      stats.requests++;
      const job = handleOne(msg, handler, opts.guard, report);
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
      if (inFlight.size >= concurrencyMax) await Promise.race(inFlight);
    }
  })();
  return {
    subject,
    stats,
    stop: async () => {
      sub.unsubscribe();
      await loop;
      await Promise.all(inFlight);
    },
  };
}

async function handleOne<Req extends Envelope>(
  msg: Msg,
  handler: RequestHandler<Req>,
  guard: Guard<Req> | undefined,
  report: (err: unknown, msg: Msg) => void,
): Promise<void> {
  let reply: Uint8Array;
  try {
    const request = decode(msg.data);
    if (guard !== undefined && !guard(request)) throw new DecodeError(`unexpected shape for message of type ${JSON.stringify(request.type)}`);
    reply = encode(await handler(request as Req, msg));
  } catch (err) {
    report(err, msg);
    reply = encode(toErrorReply(err));
  }
  try {
    msg.respond(reply);
  } catch (err) {
    report(err, msg);
  }
}

function toErrorReply(err: unknown): Envelope {
  if (err instanceof DecodeError) return errorReply('BadRequest', err.message);
  if (err instanceof EndpointError) return errorReply(err.code, err.message, err.details);
  return errorReply('Internal', err instanceof Error ? err.message : String(err));
}

export interface CallOptions<Res extends Envelope> {
  headers?: Headers;
  /** Checks the reply's shape (DecodeError when it does not fit). */
  guard?: Guard<Res>;
}

/**
 * Sends one request envelope and decodes the reply. Throws RemoteError for an error envelope,
 * DecodeError for a malformed reply, and the Bus's TimeoutError / NoRespondersError / ClosedError.
 */
export async function call<Res extends Envelope = Envelope>(
  bus: Bus,
  subject: string,
  msg: { readonly type: string; readonly [field: string]: unknown },
  timeoutMs: number,
  opts: CallOptions<Res> = {},
): Promise<Res> {
  const data = encode(msg);
  const reply = await bus.request(subject, data, opts.headers === undefined ? { timeoutMs } : { timeoutMs, headers: opts.headers });
  const env = decode(reply.data);
  if (isErrorReply(env)) throw new RemoteError(subject, env.code, env.message, env.details);
  if (opts.guard !== undefined && !opts.guard(env)) {
    throw new DecodeError(`${subject}: unexpected shape for reply of type ${JSON.stringify(env.type)}`);
  }
  return env as Res;
}
