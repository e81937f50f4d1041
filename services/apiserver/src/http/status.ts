// Pure: Kubernetes Status objects for the errors the HTTP front produces itself (routing, bodies,
// authentication), and the mapping of anything thrown below it to a Status: an ApiError carries
// its own; anything else is a 500 InternalError, as Kubernetes' apierrors.NewInternalError.

export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

export interface Status {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, unknown>;
  readonly status: 'Success' | 'Failure';
  readonly message: string;
  readonly reason: string;
  readonly details?: {
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly uid?: string;
    readonly causes?: readonly StatusCause[];
    readonly retryAfterSeconds?: number;
  };
  readonly code: number;
}

/** Kubernetes' StatusReason for each code the front answers with (metav1.StatusReason*). */
export const REASONS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function failureStatus(code: number, message: string, details?: Status['details'], reason = REASONS[code] ?? 'Unknown'): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  };
}

export function internalError(err: unknown): Status {
  const message = err instanceof Error ? err.message : String(err);
  return failureStatus(500, `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** Looks like a Status (kind, numeric code): what an ApiError carries. */
export function isStatus(value: unknown): value is Status {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v['kind'] === 'Status' && typeof v['code'] === 'number' && Number.isInteger(v['code']);
}

/**
 * The Status an error stands for. An ApiError (@skiff/apimachinery) is recognised by its shape, a
 * `status` field holding a Status (or a `toStatus()`), so the front does not depend on which copy
 * of the class threw it. `expected` is false for anything else: a bug, logged by the caller.
 */
export function statusOfError(err: unknown): { status: Status; expected: boolean } {
  if (typeof err === 'object' && err !== null) {
    const e = err as { status?: unknown; toStatus?: unknown };
    if (isStatus(e.status)) return { status: e.status, expected: true };
    if (typeof e.toStatus === 'function') {
      const s: unknown = (e.toStatus as () => unknown).call(err);
      if (isStatus(s)) return { status: s, expected: true };
    }
  }
  return { status: internalError(err), expected: false };
}
