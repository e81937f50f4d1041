// Client sessions for exactly-once writes (Raft dissertation §6.3, "Implementing linearizable
// semantics"): per client, the responses of the seqs it may still retry. A retry gets the saved
// response instead of a second application; a seq below the client's acknowledged floor is an
// old duplicate whose response is gone, and is refused.
//
// Bounded: sessions are kept in least-recently-used order; the oldest go when there are more than
// maxClients, or when idle longer than sessionTtlMs by the log's clock (the largest nowMs seen).
// All of it is replicated state, driven only by commands, so every member evicts the same way.

import type { CommandResponse } from './types.js';
import type { ErrorResponse } from './errors.js';

export type SavedResponse = CommandResponse | ErrorResponse;

export interface SessionLimits {
  readonly maxClients: number;
  readonly sessionTtlMs: number;
  readonly maxResponsesPerClient: number;
}

export interface ClientSession {
  /** Every seq below this one was acknowledged by the client. */
  floorSeq: number;
  lastSeenMs: number;
  readonly responses: Map<number, SavedResponse>;
}

export type SessionLookup =
  | { readonly type: 'new' }
  | { readonly type: 'duplicate'; readonly response: SavedResponse }
  | { readonly type: 'stale'; readonly floorSeq: number };

export class SessionTable {
  private readonly clients = new Map<string, ClientSession>();
  /** The log's clock: the largest nowMs any command carried. */
  clockMs = 0;

  constructor(private readonly limits: SessionLimits) {}

  get size(): number {
    return this.clients.size;
  }

  /** Classifies (clientId, seq); also advances the client's floor and evicts idle sessions. */
  lookup(clientId: string, seq: number, ackSeq: number, nowMs: number | undefined): SessionLookup {
    if (nowMs !== undefined && nowMs > this.clockMs) this.clockMs = nowMs;
    const session = this.touch(clientId);
    if (ackSeq > session.floorSeq) this.raiseFloor(session, ackSeq);
    this.evictIdle();
    if (seq < session.floorSeq) return { type: 'stale', floorSeq: session.floorSeq };
    const saved = session.responses.get(seq);
    return saved === undefined ? { type: 'new' } : { type: 'duplicate', response: saved };
  }

  record(clientId: string, seq: number, response: SavedResponse): void {
    const session = this.touch(clientId);
    session.responses.set(seq, response);
    if (session.responses.size > this.limits.maxResponsesPerClient) this.raiseFloor(session, minKey(session.responses) + 1);
    while (this.clients.size > this.limits.maxClients) this.evictOldest();
  }

  /** Sessions in LRU order, oldest first (snapshots). */
  entries(): [string, ClientSession][] {
    return [...this.clients.entries()];
  }

  /** Restores one session at the young end (snapshots list them oldest first). */
  load(clientId: string, session: ClientSession): void {
    this.clients.set(clientId, session);
  }

  private touch(clientId: string): ClientSession {
    let session = this.clients.get(clientId);
    if (session === undefined) session = { floorSeq: 0, lastSeenMs: this.clockMs, responses: new Map() };
    else this.clients.delete(clientId);
    session.lastSeenMs = this.clockMs;
    this.clients.set(clientId, session);
    return session;
  }

  private raiseFloor(session: ClientSession, floorSeq: number): void {
    session.floorSeq = floorSeq;
    for (const seq of session.responses.keys()) if (seq < floorSeq) session.responses.delete(seq);
  }

  private evictIdle(): void {
    for (const [clientId, session] of this.clients) {
      if (session.lastSeenMs + this.limits.sessionTtlMs >= this.clockMs) return;
      this.clients.delete(clientId);
    }
  }

  private evictOldest(): void {
    const oldest = this.clients.keys().next();
    if (oldest.done !== true) this.clients.delete(oldest.value);
  }
}

function minKey(map: Map<number, unknown>): number {
  let min = Infinity;
  for (const k of map.keys()) if (k < min) min = k;
  return min;
}
