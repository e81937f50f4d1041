import { describe, expect, it } from 'vitest';
import {
  ApiError,
  ContinueTokenError,
  continueStartKey,
  decodeContinueToken,
  encodeContinueToken,
  expiredContinueStatus,
  isResourceVersionTooOld,
  listSemantics,
  watchSemantics,
  type ListOptions,
} from '../src/index.js';

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected an ApiError');
}

const b64 = (json: unknown): string => Buffer.from(JSON.stringify(json)).toString('base64url');

describe('continue tokens', () => {
  it('round-trip in Kubernetes wire form', () => {
    const token = encodeContinueToken({ resourceVersion: 42, startKey: 'web-7\u0000' });
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: 42, start: 'web-7\u0000' });
    expect(token).not.toMatch(/[=+/]/);
    expect(decodeContinueToken(token)).toEqual({ resourceVersion: 42, startKey: 'web-7\u0000' });
    expect(continueStartKey('/registry/pods/default/web-7', '/registry/pods/default/')).toBe('web-7');
    expect(() => continueStartKey('/registry/nodes/n1', '/registry/pods/')).toThrow('the key and key prefix do not match');
  });

  it.each([
    ['not base64!', 'continue key is not valid: illegal base64 data'],
    [b64({ v: 'meta.k8s.io/v2', rv: 1, start: 'a' }), 'continue key is not valid server does not recognize this encoded version "meta.k8s.io/v2"'],
    [b64({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' }), 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
    [b64({ v: 'meta.k8s.io/v1', rv: 3, start: '' }), 'continue key is not valid: encoded start key empty (version meta.k8s.io/v1)'],
    [b64({ v: 'meta.k8s.io/v1', rv: 3, start: '../secrets/x' }), 'continue key is not valid: ../secrets/x'],
    [b64({ v: 'meta.k8s.io/v1', rv: 3, start: 'a//b' }), 'continue key is not valid: a//b'],
    [Buffer.from('{oops').toString('base64url'), 'continue key is not valid:'],
  ])('rejects %s', (token, message) => {
    expect(() => decodeContinueToken(token)).toThrow(ContinueTokenError);
    expect(() => decodeContinueToken(token)).toThrow(message);
  });

  it('an expired token is a 410 that may carry an inconsistent continuation', () => {
    const status = expiredContinueStatus('abc');
    expect(status.code).toBe(410);
    expect(status.reason).toBe('Expired');
    expect(status.metadata).toEqual({ continue: 'abc' });
    expect(status.message).toMatch(/^The provided continue parameter is too old/);
  });
});

describe('listSemantics (the resourceVersion table of the API concepts)', () => {
  const token = encodeContinueToken({ resourceVersion: 9, startKey: 'b' });
  it.each<[ListOptions, unknown]>([
    [{}, { type: 'mostRecent' }],
    [{ resourceVersion: '0' }, { type: 'any' }],
    [{ resourceVersion: '12' }, { type: 'notOlderThan', resourceVersion: 12 }],
    [{ resourceVersion: '', limit: 500 }, { type: 'mostRecent' }],
    [{ resourceVersion: '0', limit: 500 }, { type: 'any' }],
    [{ resourceVersion: '12', limit: 500 }, { type: 'exact', resourceVersion: 12 }],
    [{ resourceVersion: '12', resourceVersionMatch: 'Exact' }, { type: 'exact', resourceVersion: 12 }],
    [{ resourceVersion: '12', resourceVersionMatch: 'NotOlderThan', limit: 5 }, { type: 'notOlderThan', resourceVersion: 12 }],
    [{ resourceVersion: '0', resourceVersionMatch: 'NotOlderThan' }, { type: 'any' }],
    [{ continue: token, limit: 500 }, { type: 'continue', resourceVersion: 9, startKey: 'b' }],
    [{ continue: token, resourceVersion: '0' }, { type: 'continue', resourceVersion: 9, startKey: 'b' }],
  ])('%j', (options, expected) => {
    expect(listSemantics(options)).toEqual(expected);
  });

  it('forbidden combinations are 422 on ListOptions', () => {
    const error = apiError(() => listSemantics({ resourceVersionMatch: 'Exact' }));
    expect(error.code).toBe(422);
    expect(error.message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
    expect(apiError(() => listSemantics({ resourceVersion: '0', resourceVersionMatch: 'Exact' })).message).toContain(
      'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
    );
    expect(apiError(() => listSemantics({ resourceVersion: '1', resourceVersionMatch: 'Newest' })).message).toContain(
      'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""',
    );
    expect(apiError(() => listSemantics({ resourceVersion: 'abc' })).code).toBe(422);
  });

  it('continue errors are 400s', () => {
    expect(apiError(() => listSemantics({ continue: token, resourceVersion: '5' })).message).toBe(
      'specifying resource version is not allowed when using continue',
    );
    expect(apiError(() => listSemantics({ continue: 'garbage!' })).message).toBe('invalid continue token: continue key is not valid: illegal base64 data');
  });
});

describe('watchSemantics', () => {
  it.each<[ListOptions, unknown]>([
    [{}, { type: 'mostRecent' }],
    [{ resourceVersion: '0' }, { type: 'any' }],
    [{ resourceVersion: '145' }, { type: 'exact', resourceVersion: 145 }],
    [{ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' }, { type: 'initialEvents', notOlderThan: 'mostRecent' }],
    [{ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', resourceVersion: '7' }, { type: 'initialEvents', notOlderThan: 7 }],
  ])('%j', (options, expected) => {
    expect(watchSemantics(options)).toEqual(expected);
  });

  it('rejects what validateWatchOptions rejects', () => {
    expect(apiError(() => watchSemantics({ sendInitialEvents: true })).message).toContain(
      'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
    );
    expect(apiError(() => watchSemantics({ resourceVersion: '1', resourceVersionMatch: 'NotOlderThan' })).message).toContain(
      'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
    );
  });

  it('too old means older than the oldest retained revision', () => {
    expect(isResourceVersionTooOld(5, 10)).toBe(true);
    expect(isResourceVersionTooOld(10, 10)).toBe(false);
    expect(isResourceVersionTooOld(0, 10)).toBe(false);
  });
});
