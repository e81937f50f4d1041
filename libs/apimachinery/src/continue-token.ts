// List paging (`limit` + `continue`) and resourceVersion semantics, as pure decisions for the API
// server. Continue tokens use Kubernetes' wire form: base64url (no padding) of
// {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key after the prefix>"}. Whether a token's
// revision was compacted (410 Expired) is the caller's question to its store.
import { fieldErrors, type FieldError } from './field-error.js';
import { ApiError, badRequestStatus, invalidStatus, resourceExpiredStatus, type Status } from './status.js';
import { isJsonObject } from './json-value.js';

const TOKEN_VERSION = 'meta.k8s.io/v1';

export interface ContinueToken {
  /** The revision the first page was read at; every later page reads at the same one. */
  readonly resourceVersion: number;
  /** The next key to read, relative to the listed prefix. */
  readonly startKey: string;
}

export class ContinueTokenError extends Error {
  override readonly name = 'ContinueTokenError';
}

/** EncodeContinue; `startKey` must not be empty and must be a clean relative path. */
export function encodeContinueToken(token: ContinueToken): string {
  if (!Number.isSafeInteger(token.resourceVersion) || token.resourceVersion <= 0) {
    throw new ContinueTokenError('continue tokens need a positive resourceVersion');
  }
  if (token.startKey === '') throw new ContinueTokenError('continue tokens need a start key');
  const json = JSON.stringify({ v: TOKEN_VERSION, rv: token.resourceVersion, start: token.startKey });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** The next key as a token start: `key` with `keyPrefix` removed (fails when it does not start with it). */
export function continueStartKey(key: string, keyPrefix: string): string {
  if (!key.startsWith(keyPrefix) || key === keyPrefix) {
    throw new ContinueTokenError('unable to encode next field: the key and key prefix do not match');
  }
  return key.slice(keyPrefix.length);
}

/** DecodeContinue: throws ContinueTokenError with Kubernetes' messages. */
export function decodeContinueToken(token: string): ContinueToken {
  if (!/^[A-Za-z0-9_-]*$/.test(token) || token.length % 4 === 1) {
    throw new ContinueTokenError('continue key is not valid: illegal base64 data');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (error) {
    throw new ContinueTokenError(`continue key is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isJsonObject(parsed)) throw new ContinueTokenError('continue key is not valid: not an object');
  if (parsed.v !== TOKEN_VERSION) {
    throw new ContinueTokenError(`continue key is not valid server does not recognize this encoded version ${JSON.stringify(parsed.v ?? '')}`);
  }
  const rv = parsed.rv;
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv <= 0) {
    throw new ContinueTokenError(`continue key is not valid: incorrect encoded start resourceVersion (version ${TOKEN_VERSION})`);
  }
  const start = parsed.start;
  if (typeof start !== 'string' || start === '') {
    throw new ContinueTokenError(`continue key is not valid: encoded start key empty (version ${TOKEN_VERSION})`);
  }
  // A client must not walk above the listed prefix ("../other-namespace/...").
  if (!isCleanPath(start.startsWith('/') ? start : `/${start}`)) throw new ContinueTokenError(`continue key is not valid: ${start}`);
  return { resourceVersion: rv, startKey: start.startsWith('/') ? start.slice(1) : start };
}

/** True when Go's path.Clean would leave the path unchanged. */
function isCleanPath(path: string): boolean {
  if (path === '/') return true;
  if (path.endsWith('/') || path.includes('//')) return false;
  return path.split('/').every((segment) => segment !== '.' && segment !== '..');
}

export const EXPIRED_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue ' +
  'parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided ' +
  'token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was ' +
  'returned and now may show up in the list.';

/** 410 Expired for a continue token whose revision is compacted, optionally offering an inconsistent continuation. */
export function expiredContinueStatus(inconsistentContinue?: string): Status {
  const status = resourceExpiredStatus(EXPIRED_CONTINUE_MESSAGE);
  return inconsistentContinue === undefined ? status : { ...status, metadata: { continue: inconsistentContinue } };
}

export type ResourceVersionMatch = 'NotOlderThan' | 'Exact';

export interface ListOptions {
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly sendInitialEvents?: boolean;
}

/** How a list must read (the table in Kubernetes' "Resource versions" API concepts). */
export type ListSemantics =
  /** A consistent read at the newest revision. */
  | { readonly type: 'mostRecent' }
  /** Any revision will do (a cache may answer). */
  | { readonly type: 'any' }
  | { readonly type: 'notOlderThan'; readonly resourceVersion: number }
  | { readonly type: 'exact'; readonly resourceVersion: number }
  | { readonly type: 'continue'; readonly resourceVersion: number; readonly startKey: string };

/** How a watch starts. */
export type WatchSemantics =
  /** Synthetic ADDED events for the current state at the newest revision, then changes. */
  | { readonly type: 'mostRecent' }
  /** Synthetic ADDED events for any recent state, then changes. */
  | { readonly type: 'any' }
  /** Changes after this revision. */
  | { readonly type: 'exact'; readonly resourceVersion: number }
  /** sendInitialEvents: the state (not older than the revision), a bookmark, then changes. */
  | { readonly type: 'initialEvents'; readonly notOlderThan: number | 'mostRecent' | 'any' };

const LIST_OPTIONS_KIND = { group: 'meta.k8s.io', kind: 'ListOptions' };

function invalidListOptions(errors: FieldError[]): ApiError {
  return new ApiError(invalidStatus(LIST_OPTIONS_KIND, '', errors));
}

/** A resourceVersion query value: "" and "0" are 0; anything else a decimal revision. */
export function parseResourceVersion(value: string, field = 'resourceVersion'): number {
  if (value === '' || value === '0') return 0;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw invalidListOptions([fieldErrors.invalid(field, value, `strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`)]);
  }
  return Number(value);
}

/**
 * Decides how a list reads. Throws ApiError: 422 for forbidden combinations (as
 * ValidateListOptions), 400 for a bad continue token or a continue with a resourceVersion.
 */
export function listSemantics(options: ListOptions): ListSemantics {
  const rv = options.resourceVersion ?? '';
  const match = options.resourceVersionMatch ?? '';
  const token = options.continue ?? '';
  const errors: FieldError[] = [];
  if (match !== '') {
    if (rv === '') errors.push(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (token !== '') errors.push(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errors.push(fieldErrors.notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && rv === '0') errors.push(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (options.sendInitialEvents !== undefined) errors.push(fieldErrors.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  if (errors.length > 0) throw invalidListOptions(errors);
  const revision = parseResourceVersion(rv);
  if (token !== '') {
    if (rv !== '' && rv !== '0') throw new ApiError(badRequestStatus('specifying resource version is not allowed when using continue'));
    try {
      return { type: 'continue', ...decodeContinueToken(token) };
    } catch (error) {
      if (error instanceof ContinueTokenError) throw new ApiError(badRequestStatus(`invalid continue token: ${error.message}`));
      throw error;
    }
  }
  if (rv === '') return { type: 'mostRecent' };
  if (rv === '0') return { type: 'any' };
  if (match === 'Exact') return { type: 'exact', resourceVersion: revision };
  if (match === 'NotOlderThan') return { type: 'notOlderThan', resourceVersion: revision };
  // Legacy: a paged list at a given revision reads exactly there.
  return (options.limit ?? 0) > 0 ? { type: 'exact', resourceVersion: revision } : { type: 'notOlderThan', resourceVersion: revision };
}

/** Decides how a watch starts; throws ApiError 422 for forbidden combinations (validateWatchOptions). */
export function watchSemantics(options: ListOptions): WatchSemantics {
  const rv = options.resourceVersion ?? '';
  const match = options.resourceVersionMatch ?? '';
  const errors: FieldError[] = [];
  if (options.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    errors.push(fieldErrors.forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
  }
  if (match !== '') {
    if (options.sendInitialEvents === undefined) {
      errors.push(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    }
    if (match !== 'NotOlderThan') errors.push(fieldErrors.notSupported('resourceVersionMatch', match, ['NotOlderThan']));
    if ((options.continue ?? '') !== '') errors.push(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  if (errors.length > 0) throw invalidListOptions(errors);
  const revision = parseResourceVersion(rv);
  if (options.sendInitialEvents === true) {
    return { type: 'initialEvents', notOlderThan: rv === '' ? 'mostRecent' : rv === '0' ? 'any' : revision };
  }
  if (rv === '') return { type: 'mostRecent' };
  if (rv === '0') return { type: 'any' };
  return { type: 'exact', resourceVersion: revision };
}

/** A read or watch at `requested` cannot be served when the store's oldest revision is newer. */
export function isResourceVersionTooOld(requested: number, oldestAvailable: number): boolean {
  return requested > 0 && requested < oldestAvailable;
}
