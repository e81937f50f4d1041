// The retry loop under every store call: send, and on an answer that is not final (retry.ts) wait
// a jittered back-off and send again, until an answer or the call's deadline. The message of each
// attempt is rebuilt by the caller (a write keeps its seq but refreshes ackSeq; a serializable read
// may move to another member). Time is the injected Clock; back-offs are cancelled on close.

import type { Clock, Random, TimerId } from '@skiff/actors';
import { call, DecodeError, type Bus, type Envelope } from '@skiff/bus';
import { StoreClientClosedError, StoreProtocolError, StoreUnavailableError } from './errors.js';
import type { StoreRequest } from './protocol.js';
import { backoffMs, isRetryable, type RetryPolicy } from './retry.js';

export interface Attempt {
  readonly subject: string;
  readonly message: StoreRequest;
}

export interface CallSpec<T> {
  /** For errors and logs: 'put', 'range', 'store.history', ... */
  readonly operation: string;
  /** What to send on attempt n (1-based). */
  attempt(n: number): Attempt;
  /** Reads the reply; throws a typed error for a refusal or a malformed reply. */
  accept(reply: Envelope): T;
  /** Overrides the policy's callTimeoutMs. */
  readonly callTimeoutMs?: number;
  /** At most this many attempts (default: until the deadline). */
  readonly attemptsMax?: number;
}

export class Requester {
  private closed = false;
  private readonly sleepers = new Map<TimerId, () => void>();

  constructor(
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly random: Random,
    readonly policy: RetryPolicy,
  ) {}

  async run<T>(spec: CallSpec<T>): Promise<T> {
    const startMs = this.clock.now();
    const deadlineMs = startMs + (spec.callTimeoutMs ?? this.policy.callTimeoutMs);
    const attemptsMax = spec.attemptsMax ?? Number.POSITIVE_INFINITY;
    for (let n = 1; ; n++) {
      if (this.closed) throw new StoreClientClosedError(spec.operation);
      const { subject, message } = spec.attempt(n);
      const timeoutMs = Math.max(1, Math.min(this.policy.requestTimeoutMs, deadlineMs - this.clock.now()));
      let reply: Envelope;
      try {
        reply = await call(this.bus, subject, { ...message }, timeoutMs);
      } catch (err) {
        if (err instanceof DecodeError) throw new StoreProtocolError(`${spec.operation}: ${err.message}`);
        if (!isRetryable(err)) throw err;
        const waitMs = backoffMs(n, this.policy, this.random);
        // An attempt that would start at the deadline has no time left to be answered.
        if (this.clock.now() + waitMs >= deadlineMs || n >= attemptsMax) throw new StoreUnavailableError(spec.operation, n, this.clock.now() - startMs, err);
        await this.sleep(waitMs, spec.operation);
        continue;
      }
      return spec.accept(reply);
    }
  }

  /** Waits on the injected clock; rejects when the requester closes meanwhile. */
  sleep(ms: number, operation: string): Promise<void> {
    if (this.closed) return Promise.reject(new StoreClientClosedError(operation));
    return new Promise<void>((resolve, reject) => {
      const id = this.clock.setTimeout(() => {
        this.sleepers.delete(id);
        resolve();
      }, ms);
      this.sleepers.set(id, () => reject(new StoreClientClosedError(operation)));
    });
  }

  close(): void {
    this.closed = true;
    for (const [id, cancel] of this.sleepers) {
      this.clock.clearTimeout(id);
      cancel();
    }
    this.sleepers.clear();
  }
}
