// Pure: the Status objects of the errors the HTTP front produces itself (routing, bodies,
// authentication), and the Status of anything thrown below it: an ApiError (@skiff/apimachinery)
// carries its own; anything else is a 500 InternalError, as Kubernetes' apierrors.NewInternalError.

import { internalErrorStatus, isApiError, type Status, type StatusReason } from '@skiff/apimachinery';

export type { Status };

/** Kubernetes' StatusReason for each code the front answers with (metav1.StatusReason*). */
const REASONS: Readonly<Record<number, StatusReason>> = {
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

/**
 * A Failure Status with the reason Kubernetes gives `code`. `details` is sent as given: the
 * generic 404 has none, the generic 405 has `{}` (as kube-apiserver answers them).
 */
export function failureStatus(code: number, message: string, details?: Status['details'], reason: StatusReason = REASONS[code] ?? ''): Status {
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

/** Looks like a Status (kind, integer code). */
export function isStatus(value: unknown): value is Status {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v['kind'] === 'Status' && typeof v['code'] === 'number' && Number.isInteger(v['code']);
}

/**
 * The Status an error stands for, and whether it was expected (an ApiError) or a bug to log.
 * Anything with a Status in its `status` field counts as an ApiError, so that a second copy of
 * the class is recognised too.
 */
export function statusOfError(err: unknown): { status: Status; expected: boolean } {
  if (isApiError(err)) return { status: err.status, expected: true };
  const carried = typeof err === 'object' && err !== null ? (err as { status?: unknown }).status : undefined;
  if (isStatus(carried)) return { status: carried, expected: true };
  return { status: internalErrorStatus(err instanceof Error ? err.message : String(err)), expected: false };
}
