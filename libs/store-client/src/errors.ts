// Typed errors of the store client. The split follows what a caller does next:
// - StoreError: the store answered and refused (an mvcc ErrorResponse): retrying the same request
//   gives the same answer, so the client never retries it. CompactedError is the one a watch or a
//   past-revision read gets; Kubernetes' reflector answers it with a relist (410 Gone).
// - StoreUnavailableError: no answer within the call's deadline after retries (no leader, timeouts).
//   A write may or may not have been applied; its seq was never reused, so nothing applied twice.
// - StoreProtocolError: an answer that does not have the protocol's shape (a bug or a version skew).

import { MvccErrorCode, type ErrorResponse } from '@skiff/mvcc';

export class StoreClientError extends Error {
  override readonly name: string = 'StoreClientError';
}

/** The store refused the request (etcd rpctypes errors, see MvccErrorCode). Not retried. */
export class StoreError extends StoreClientError {
  override readonly name: string = 'StoreError';
  constructor(
    readonly code: MvccErrorCode,
    message: string,
    /** The store revision when the error was produced. */
    readonly revision: number,
  ) {
    super(`${code}: ${message}`);
  }
}

/** The requested revision is at or below the compaction point: relist from a current revision. */
export class CompactedError extends StoreError {
  override readonly name = 'CompactedError';
  constructor(
    /** The oldest revision still readable is compactRevision + 1. */
    readonly compactRevision: number,
    revision: number,
    message = `required revision has been compacted (compact revision ${compactRevision})`,
  ) {
    super(MvccErrorCode.Compacted, message, revision);
  }
}

/** No answer within the call's deadline: no leader, members unreachable or too slow. */
export class StoreUnavailableError extends StoreClientError {
  override readonly name = 'StoreUnavailableError';
  constructor(
    readonly operation: string,
    readonly attempts: number,
    readonly elapsedMs: number,
    override readonly cause: unknown,
  ) {
    super(`store unavailable for ${operation} after ${attempts} attempt(s) in ${elapsedMs} ms: ${describe(cause)}`);
  }
}

/** A reply that does not fit the protocol. */
export class StoreProtocolError extends StoreClientError {
  override readonly name = 'StoreProtocolError';
}

/** The client was closed while the operation waited. */
export class StoreClientClosedError extends StoreClientError {
  override readonly name = 'StoreClientClosedError';
  constructor(operation: string) {
    super(`store client closed during ${operation}`);
  }
}

/** The typed error for an mvcc ErrorResponse. */
export function fromErrorResponse(r: ErrorResponse): StoreError {
  if (r.code === MvccErrorCode.Compacted && typeof r.compactRevision === 'number') {
    return new CompactedError(r.compactRevision, r.revision, r.message);
  }
  return new StoreError(r.code, r.message, r.revision);
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
