// Kubernetes `Status` objects (k8s.io/apimachinery/pkg/api/errors): what the API server answers on
// every failure. kubectl prints `Error from server (<reason>): <message>`, so reasons, codes and
// message formats follow Kubernetes exactly. Keys are built in Go's field order so a serialized
// Status reads like one from Kubernetes.
import { aggregateMessages, fieldErrorBody, fieldErrorText, type FieldError } from './field-error.js';
import { goQuote } from './go-format.js';

export const StatusReason = {
  Unknown: '',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Gone: 'Gone',
  Invalid: 'Invalid',
  ServerTimeout: 'ServerTimeout',
  StoreReadError: 'StorageReadError',
  Timeout: 'Timeout',
  TooManyRequests: 'TooManyRequests',
  BadRequest: 'BadRequest',
  MethodNotAllowed: 'MethodNotAllowed',
  NotAcceptable: 'NotAcceptable',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  UnsupportedMediaType: 'UnsupportedMediaType',
  InternalError: 'InternalError',
  Expired: 'Expired',
  ServiceUnavailable: 'ServiceUnavailable',
} as const;
export type StatusReason = (typeof StatusReason)[keyof typeof StatusReason];

export const CauseType = {
  FieldValueNotFound: 'FieldValueNotFound',
  FieldValueRequired: 'FieldValueRequired',
  FieldValueDuplicate: 'FieldValueDuplicate',
  FieldValueInvalid: 'FieldValueInvalid',
  FieldValueNotSupported: 'FieldValueNotSupported',
  FieldValueForbidden: 'FieldValueForbidden',
  FieldValueTooLong: 'FieldValueTooLong',
  FieldValueTooMany: 'FieldValueTooMany',
  InternalError: 'InternalError',
  FieldValueTypeInvalid: 'FieldValueTypeInvalid',
  UnexpectedServerResponse: 'UnexpectedServerResponse',
  FieldManagerConflict: 'FieldManagerConflict',
  ResourceVersionTooLarge: 'ResourceVersionTooLarge',
} as const;

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  /** For most errors the resource (plural), as Kubernetes fills it; a kind for Invalid. */
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A group and resource (`pods`, `deployments.apps`). */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

/** A group and kind (`Pod`, `Deployment.apps`). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export function groupResourceString(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

export function groupKindString(gk: GroupKind): string {
  return gk.group === '' ? gk.kind : `${gk.kind}.${gk.group}`;
}

/** An error carrying the Status the API server answers with. */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';

  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? `status ${status.code}`);
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason {
    return this.status.reason ?? '';
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** The Status to answer for any thrown value: an ApiError's own, otherwise a 500 InternalError. */
export function statusFromError(error: unknown): Status {
  if (error instanceof ApiError) return error.status;
  return internalErrorStatus(error instanceof Error ? error.message : String(error));
}

function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details: cleanDetails(details) }),
    code,
  };
}

/**
 * Go's omitempty inside the details: empty strings, zero retry and empty cause lists disappear,
 * but details set by a builder stay, even empty (`"details":{}`), as Kubernetes sends them.
 */
function cleanDetails(details: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  if (details.name) out.name = details.name;
  if (details.group) out.group = details.group;
  if (details.kind) out.kind = details.kind;
  if (details.uid) out.uid = details.uid;
  if (details.causes && details.causes.length > 0) out.causes = details.causes;
  if (details.retryAfterSeconds) out.retryAfterSeconds = details.retryAfterSeconds;
  return out;
}

function resourceDetails(gr: GroupResource, name: string): StatusDetails {
  return { name, group: gr.group, kind: gr.resource };
}

export const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

/** 404: `pods "x" not found`. */
export function notFoundStatus(gr: GroupResource, name: string): Status {
  return failure(404, 'NotFound', `${groupResourceString(gr)} ${goQuote(name)} not found`, resourceDetails(gr, name));
}

/** 409: `pods "x" already exists`. */
export function alreadyExistsStatus(gr: GroupResource, name: string): Status {
  return failure(409, 'AlreadyExists', `${groupResourceString(gr)} ${goQuote(name)} already exists`, resourceDetails(gr, name));
}

/** 409 when generateName could not find a free name. */
export function generateNameConflictStatus(gr: GroupResource, name: string, retryAfterSeconds: number): Status {
  return failure(
    409,
    'AlreadyExists',
    `${groupResourceString(gr)} ${goQuote(name)} already exists, the server was not able to generate a unique name for the object`,
    { ...resourceDetails(gr, name), retryAfterSeconds },
  );
}

/** 409: `Operation cannot be fulfilled on pods "x": <reason>` (default: the optimistic-lock text). */
export function conflictStatus(gr: GroupResource, name: string, reason: string = OPTIMISTIC_LOCK_MESSAGE): Status {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${groupResourceString(gr)} ${goQuote(name)}: ${reason}`,
    resourceDetails(gr, name),
  );
}

/** 409 for server-side apply conflicts: only causes in the details (errors.NewApplyConflict). */
export function applyConflictStatus(causes: StatusCause[], message: string): Status {
  return failure(409, 'Conflict', message, { causes });
}

/** 422: `Pod "bad" is invalid: spec.containers: Required value`, one cause per field error. */
export function invalidStatus(gk: GroupKind, name: string, errors: readonly FieldError[]): Status {
  const causes = errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  const base = `${groupKindString(gk)} ${goQuote(name)} is invalid`;
  const message = errors.length === 0 ? base : `${base}: ${aggregateMessages(errors.map(fieldErrorText))}`;
  return failure(422, 'Invalid', message, { name, group: gk.group, kind: gk.kind, causes });
}

/** 400 with the message as given. */
export function badRequestStatus(message: string): Status {
  return failure(400, 'BadRequest', message);
}

/** 401. Kubernetes' authenticator answers with the message "Unauthorized". */
export function unauthorizedStatus(message = ''): Status {
  return failure(401, 'Unauthorized', message === '' ? 'not authorized' : message);
}

/** 403: `pods "x" is forbidden: <reason>` (no name: `pods is forbidden: ...`). */
export function forbiddenStatus(gr: GroupResource, name: string, reason: string): Status {
  let message: string;
  if (gr.group === '' && gr.resource === '') message = `forbidden: ${reason}`;
  else if (name === '') message = `${groupResourceString(gr)} is forbidden: ${reason}`;
  else message = `${groupResourceString(gr)} ${goQuote(name)} is forbidden: ${reason}`;
  return failure(403, 'Forbidden', message, resourceDetails(gr, name));
}

export interface AuthorizationAttributes {
  readonly user: string;
  readonly verb: string;
  /** Resource requests have a resource; others a path. */
  readonly resource?: string;
  readonly subresource?: string;
  readonly apiGroup?: string;
  readonly namespace?: string;
  readonly path?: string;
}

/** The RBAC denial text: `User "u" cannot get resource "pods" in API group "" in the namespace "default"`. */
export function forbiddenReason(attributes: AuthorizationAttributes): string {
  const user = goQuote(attributes.user);
  if (attributes.resource === undefined) return `User ${user} cannot ${attributes.verb} path ${goQuote(attributes.path ?? '')}`;
  const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  const head = `User ${user} cannot ${attributes.verb} resource ${goQuote(resource)} in API group ${goQuote(attributes.apiGroup ?? '')}`;
  return attributes.namespace ? `${head} in the namespace ${goQuote(attributes.namespace)}` : `${head} at the cluster scope`;
}

/** 405: `<action> is not supported on resources of kind "pods"`. */
export function methodNotSupportedStatus(gr: GroupResource, action: string): Status {
  return failure(405, 'MethodNotAllowed', `${action} is not supported on resources of kind ${goQuote(groupResourceString(gr))}`, {
    group: gr.group,
    kind: gr.resource,
  });
}

/** 410 Gone. */
export function goneStatus(message: string): Status {
  return failure(410, 'Gone', message);
}

/** 410 Expired: a resourceVersion or continue token older than the store keeps. */
export function resourceExpiredStatus(message: string): Status {
  return failure(410, 'Expired', message);
}

/** 410 Expired for a watch or list from a compacted revision: `too old resource version: 5 (10)`. */
export function tooOldResourceVersionStatus(requested: number | bigint, oldest: number | bigint): Status {
  return resourceExpiredStatus(`too old resource version: ${requested} (${oldest})`);
}

/** 413: `Request entity too large: <message>`. */
export function requestEntityTooLargeStatus(message: string): Status {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
}

/** 415 for a body in an unknown format. */
export function unsupportedMediaTypeStatus(accepted: readonly string[]): Status {
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}

/** 406 for an Accept the server cannot produce. */
export function notAcceptableStatus(accepted: readonly string[]): Status {
  return failure(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

/** 429 with the message as given (errors.NewTooManyRequests), e.g. an eviction blocked by a PDB. */
export function tooManyRequestsStatus(message: string, retryAfterSeconds = 0): Status {
  return failure(429, 'TooManyRequests', message, { retryAfterSeconds });
}

/** 500: `Internal error occurred: <message>`. */
export function internalErrorStatus(message: string): Status {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** 503 with the message as given. */
export function serviceUnavailableStatus(message: string): Status {
  return failure(503, 'ServiceUnavailable', message);
}

/** 504: `Timeout: <message>`. */
export function timeoutStatus(message: string, retryAfterSeconds = 0): Status {
  return failure(504, 'Timeout', `Timeout: ${message}`, { retryAfterSeconds });
}

/** 500 ServerTimeout: an operation that could not finish in time and may be retried. */
export function serverTimeoutStatus(gr: GroupResource, operation: string, retryAfterSeconds = 0): Status {
  return failure(
    500,
    'ServerTimeout',
    `The ${operation} operation against ${groupResourceString(gr)} could not be completed at this time, please try again.`,
    { group: gr.group, kind: gr.resource, name: operation, retryAfterSeconds },
  );
}

/**
 * errors.NewGenericServerResponse without a resource: the fixed per-code text Kubernetes uses when
 * it does not expose the underlying error (a JSON patch that fails to apply is a 422 with
 * `the server rejected our request due to an error in our request`).
 */
export function genericServerResponseStatus(code: number, serverMessage = ''): Status {
  const generic = GENERIC_RESPONSES[code];
  if (generic !== undefined) {
    const message = generic.keepsServerMessage && serverMessage !== '' ? serverMessage : generic.message;
    return failure(code, generic.reason, message, {});
  }
  if (code >= 500) {
    return failure(code, 'InternalError', `an error on the server (${goQuote(serverMessage)}) has prevented the request from succeeding`, {});
  }
  return failure(code, '', `the server responded with the status code ${code} but did not return more information`, {});
}

const GENERIC_RESPONSES: Readonly<Record<number, { reason: StatusReason; message: string; keepsServerMessage?: boolean }>> = {
  400: { reason: 'BadRequest', message: 'the server rejected our request for an unknown reason' },
  401: { reason: 'Unauthorized', message: 'the server has asked for the client to provide credentials' },
  403: { reason: 'Forbidden', message: '', keepsServerMessage: true },
  404: { reason: 'NotFound', message: 'the server could not find the requested resource' },
  405: { reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' },
  406: { reason: 'NotAcceptable', message: 'the server was unable to respond with a content type that the client supports', keepsServerMessage: true },
  409: { reason: 'Conflict', message: 'the server reported a conflict' },
  415: { reason: 'UnsupportedMediaType', message: '', keepsServerMessage: true },
  422: { reason: 'Invalid', message: 'the server rejected our request due to an error in our request' },
  429: { reason: 'TooManyRequests', message: 'the server has received too many requests and has asked us to try again later' },
  503: { reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' },
  504: { reason: 'Timeout', message: 'the server was unable to return a response in the time allotted, but may still be processing the request' },
};

/** A `Success` Status (delete of some kinds, eviction). */
export function successStatus(details?: StatusDetails, code = 200): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    ...(details === undefined ? {} : { details: cleanDetails(details) }),
    code,
  };
}

/** Builders that throw: `throw apiErrors.notFound(...)` reads like Kubernetes' errors.NewNotFound. */
export const apiErrors = {
  notFound: (gr: GroupResource, name: string) => new ApiError(notFoundStatus(gr, name)),
  alreadyExists: (gr: GroupResource, name: string) => new ApiError(alreadyExistsStatus(gr, name)),
  conflict: (gr: GroupResource, name: string, reason?: string) => new ApiError(conflictStatus(gr, name, reason)),
  invalid: (gk: GroupKind, name: string, errors: readonly FieldError[]) => new ApiError(invalidStatus(gk, name, errors)),
  badRequest: (message: string) => new ApiError(badRequestStatus(message)),
  unauthorized: (message?: string) => new ApiError(unauthorizedStatus(message)),
  forbidden: (gr: GroupResource, name: string, reason: string) => new ApiError(forbiddenStatus(gr, name, reason)),
  methodNotSupported: (gr: GroupResource, action: string) => new ApiError(methodNotSupportedStatus(gr, action)),
  gone: (message: string) => new ApiError(goneStatus(message)),
  resourceExpired: (message: string) => new ApiError(resourceExpiredStatus(message)),
  tooOldResourceVersion: (requested: number | bigint, oldest: number | bigint) =>
    new ApiError(tooOldResourceVersionStatus(requested, oldest)),
  requestEntityTooLarge: (message: string) => new ApiError(requestEntityTooLargeStatus(message)),
  unsupportedMediaType: (accepted: readonly string[]) => new ApiError(unsupportedMediaTypeStatus(accepted)),
  notAcceptable: (accepted: readonly string[]) => new ApiError(notAcceptableStatus(accepted)),
  tooManyRequests: (message: string, retryAfterSeconds?: number) => new ApiError(tooManyRequestsStatus(message, retryAfterSeconds)),
  internalError: (message: string) => new ApiError(internalErrorStatus(message)),
  serviceUnavailable: (message: string) => new ApiError(serviceUnavailableStatus(message)),
  timeout: (message: string, retryAfterSeconds?: number) => new ApiError(timeoutStatus(message, retryAfterSeconds)),
};
