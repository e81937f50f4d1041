// Errors the API answers with, as one typed error carrying the Kubernetes Status (the apiserver's
// error envelope has the Status reason as `code` and the Status itself as `details`, api-protocol.ts).
// Helpers classify errors like k8s.io/apimachinery/pkg/api/errors (IsNotFound, IsConflict, ...).
// Transport failures (TimeoutError, NoRespondersError, ClosedError from @skiff/bus) are not Statuses
// and pass through unchanged: they say nothing about what the server decided.

import { RemoteError } from '@skiff/bus';

/** A Kubernetes `Status` (meta/v1) as it arrives: fields are checked, extra ones kept. */
export interface ApiStatus {
  readonly kind?: 'Status';
  readonly apiVersion?: string;
  readonly status?: 'Success' | 'Failure';
  /** The HTTP code: 404, 409, 410, 422, ... */
  readonly code: number;
  /** NotFound, AlreadyExists, Conflict, Invalid, Expired, Gone, ... ('' when unknown). */
  readonly reason: string;
  readonly message: string;
  readonly details?: {
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly causes?: readonly { readonly reason?: string; readonly message?: string; readonly field?: string }[];
    readonly retryAfterSeconds?: number;
  };
}

export class ApiStatusError extends Error {
  override readonly name = 'ApiStatusError';
  readonly code: number;
  readonly reason: string;

  constructor(readonly status: ApiStatus) {
    super(status.message === '' ? `${status.reason || 'Unknown'} (${status.code})` : status.message);
    this.code = status.code;
    this.reason = status.reason;
  }
}

// The HTTP code of each reason, for error envelopes that carry no Status (the bus's own codes:
// a malformed request is BadRequest, a crashed handler Internal).
const REASON_CODES: Readonly<Record<string, number>> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  Internal: 500,
  InternalError: 500,
  ServiceUnavailable: 503,
  Unavailable: 503,
  ServerTimeout: 504,
  Timeout: 504,
};

/** The Status in an error envelope's details, when it is one. */
export function statusFromDetails(details: unknown): ApiStatus | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const d = details as Record<string, unknown>;
  if (typeof d['code'] !== 'number' || !Number.isInteger(d['code'])) return undefined;
  return {
    ...(d as object),
    code: d['code'],
    reason: typeof d['reason'] === 'string' ? d['reason'] : '',
    message: typeof d['message'] === 'string' ? d['message'] : '',
  } as ApiStatus;
}

/** An ApiStatusError for an error envelope (RemoteError); any other error is returned as it is. */
export function toApiError(err: unknown): unknown {
  if (!(err instanceof RemoteError)) return err;
  const status = statusFromDetails(err.details) ?? {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code: REASON_CODES[err.code] ?? 500,
    reason: err.code,
    message: err.message,
  };
  return new ApiStatusError(status);
}

/** The Status of a watch ERROR event's object, as an error. */
export function errorFromWatchStatus(object: unknown): ApiStatusError {
  return new ApiStatusError(
    statusFromDetails(object) ?? { code: 500, reason: 'InternalError', message: 'watch ERROR event without a Status' },
  );
}

function hasReason(err: unknown, reason: string, code: number): boolean {
  return err instanceof ApiStatusError && (err.reason === reason || (err.reason === '' && err.code === code));
}

export const isNotFound = (err: unknown): boolean => hasReason(err, 'NotFound', 404);
// AlreadyExists is also a 409: only its reason tells it from a Conflict (as in apimachinery).
export const isAlreadyExists = (err: unknown): boolean => err instanceof ApiStatusError && err.reason === 'AlreadyExists';
export const isConflict = (err: unknown): boolean => hasReason(err, 'Conflict', 409);
export const isInvalid = (err: unknown): boolean => hasReason(err, 'Invalid', 422);
export const isForbidden = (err: unknown): boolean => hasReason(err, 'Forbidden', 403);
export const isTooManyRequests = (err: unknown): boolean => hasReason(err, 'TooManyRequests', 429);
/** 410: the resourceVersion is older than the server remembers (reason Expired or Gone). */
export const isResourceExpired = (err: unknown): boolean =>
  err instanceof ApiStatusError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone');
