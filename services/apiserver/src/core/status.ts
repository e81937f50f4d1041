// Kubernetes Status objects for the errors the REST core answers. Most come straight from
// @skiff/apimachinery (Kubernetes' k8s.io/apimachinery/pkg/api/errors); the few here are the
// ones it does not build: 422 from the registry's field errors, path-level 404, 501, and the
// watch cache's "too large resource version" 504.

import { causeReason, invalidStatusMessage, type FieldError } from '@skiff/api';
import {
  alreadyExistsStatus,
  applyConflictStatus,
  badRequestStatus,
  conflictStatus,
  forbiddenStatus,
  genericServerResponseStatus,
  internalErrorStatus,
  methodNotSupportedStatus,
  notFoundStatus,
  OPTIMISTIC_LOCK_MESSAGE,
  resourceExpiredStatus,
  serviceUnavailableStatus,
  successStatus,
  timeoutStatus,
  tooManyRequestsStatus,
  type GroupResource,
  type Status,
  type StatusCause,
  type StatusDetails,
} from '@skiff/apimachinery';

export type { GroupResource, Status, StatusCause, StatusDetails };

export const OBJECT_MODIFIED = OPTIMISTIC_LOCK_MESSAGE;

export const statusSuccess = (details?: StatusDetails, code = 200): Status => successStatus(details, code);
export const notFound = (gr: GroupResource, name: string): Status => notFoundStatus({ group: gr.group, resource: gr.resource }, name);
export const alreadyExists = (gr: GroupResource, name: string): Status => alreadyExistsStatus({ group: gr.group, resource: gr.resource }, name);
export const conflict = (gr: GroupResource, name: string, reason: string): Status => conflictStatus({ group: gr.group, resource: gr.resource }, name, reason);
export const applyConflict = (causes: StatusCause[], message: string): Status => applyConflictStatus(causes, message);
export const forbidden = (gr: GroupResource, name: string, reason: string): Status => forbiddenStatus({ group: gr.group, resource: gr.resource }, name, reason);
export const badRequest = (message: string): Status => badRequestStatus(message);
export const methodNotSupported = (gr: GroupResource, action: string): Status => methodNotSupportedStatus({ group: gr.group, resource: gr.resource }, action);
export const expired = (message: string): Status => resourceExpiredStatus(message);
export const tooManyRequests = (message: string, retryAfterSeconds?: number): Status => tooManyRequestsStatus(message, retryAfterSeconds);
export const internalError = (message: string): Status => internalErrorStatus(message);
export const serviceUnavailable = (message: string): Status => serviceUnavailableStatus(message);
export const timeout = (message: string): Status => timeoutStatus(message);

/** A path the server does not serve (errors.NewGenericServerResponse(404)). */
export const notFoundPath = (): Status => genericServerResponseStatus(404);

/** A JSON patch that does not apply: Kubernetes' generic 422 with the patch error as the message. */
export function unprocessable(message: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Invalid', details: {}, code: 422 };
}

/** 422 Invalid from the registry's field errors: `Pod "x" is invalid: spec.containers: Required value`. */
export function invalid(kind: string, group: string, name: string, errors: readonly FieldError[]): Status {
  const causes = errors.map((e) => ({ reason: causeReason(e.type), message: e.message, field: e.field }));
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: invalidStatusMessage(kind, group, name, errors),
    reason: 'Invalid',
    details: { ...(name === '' ? {} : { name }), ...(group === '' ? {} : { group }), kind, causes },
    code: 422,
  };
}

/** 501 for the subresources other parts of Skiff serve (log, exec, attach, portforward, proxy). */
export function notImplemented(what: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `${what} is not served by the API core`, reason: '', details: {}, code: 501 };
}

/** 504 Timeout with the ResourceVersionTooLarge cause (the cache has not reached that revision). */
export function tooLargeResourceVersion(requested: number, current: number): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Timeout: Too large resource version: ${requested}, current: ${current}`,
    reason: 'Timeout',
    details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
    code: 504,
  };
}
