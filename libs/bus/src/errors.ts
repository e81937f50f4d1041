// Typed errors of the message plane. Adapters map their transport's failures onto these so that
// callers never depend on nats.js error classes.

export class BusError extends Error {
  override readonly name: string = 'BusError';
}

/** No answer arrived before the deadline. The request may or may not have been processed. */
export class TimeoutError extends BusError {
  override readonly name = 'TimeoutError';
  constructor(readonly subject: string, readonly timeoutMs: number) {
    super(`request on ${subject} timed out after ${timeoutMs} ms`);
  }
}

/** Nobody listens on the subject: the request was certainly not processed. */
export class NoRespondersError extends BusError {
  override readonly name = 'NoRespondersError';
  constructor(readonly subject: string) {
    super(`no responders on ${subject}`);
  }
}

/** The bus was closed (or is closing) and cannot carry the operation. */
export class ClosedError extends BusError {
  override readonly name = 'ClosedError';
  constructor(what = 'bus') {
    super(`${what} is closed`);
  }
}

/** A payload that does not decode into a valid envelope. */
export class DecodeError extends BusError {
  override readonly name = 'DecodeError';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}
